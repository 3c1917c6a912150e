"""What the local recorder records: encoded packets with wall-clock times, and the sources that deliver them.

Not to be confused with ``media.packet_queue.EncodedPacket`` (the live viewer's decode queue item): a recorder
packet carries its frame time as integer UTC microseconds (the database's unit) and a ``discontinuity`` flag
that sources set on the first packet after anything that may have lost frames (a reconnect, a dropped
queue), so that the segment writer never splices a P-frame onto a stream it did not follow.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Protocol

from media.stream_stats import StreamState

SUPPORTED_CODECS = ("h264",)

StateCallback = Callable[[StreamState, str], None]
"""``on_state(state, detail)``: a source's connection state changed; ``detail`` is "" or an error text (no
secrets). States: CONNECTING, LIVE (connected, packets flowing), RECONNECTING (dropped or failed, retrying
with back-off), AUTH_FAILED / NO_PERMISSION (refused, retrying slowly), STOPPED (closed by the caller)."""


@dataclass(frozen=True, slots=True)
class EncodedPacket:
    """One encoded video access unit as a source delivered it.

    ``data``: the access unit in Annex-B byte-stream format (start codes; key frames should carry SPS/PPS,
    the writer adds remembered ones when they do not). ``time_us``: wall-clock time of the frame, integer
    microseconds since the Unix epoch, UTC. ``key_frame``: an IDR a decoder can start at. ``codec``: "h264"
    (the only one the writer accepts for now). ``discontinuity``: frames may be missing right before this
    packet (new connection or dropped frames).
    """

    data: bytes
    time_us: int
    key_frame: bool
    codec: str = "h264"
    discontinuity: bool = False


class PacketSource(Protocol):
    """An endless, self-reconnecting stream of :class:`EncodedPacket` from one camera.

    ``packets()`` is an async generator (the recorder closes it with ``aclose()``); it yields until the source
    is closed (``aclose()`` of the source) or the consuming task is cancelled, and does not raise for network
    trouble (it reconnects, reporting through its state callback). ``label`` names the source in logs.
    """

    label: str

    def packets(self) -> AsyncGenerator[EncodedPacket, None]: ...

    async def aclose(self) -> None: ...
