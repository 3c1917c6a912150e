"""Choosing which live packets to decode so that a camera is analysed about every ``interval_s`` (sans I/O).

A live stream delivers every frame (``media.recorder_packets.EncodedPacket``: wall time, key frame flag); live
mode wants one picture every ``1 / live_fps`` seconds (typically 5 s) and decoding costs CPU, so the sampler
hands out as little as possible to decode:

- It keeps the current GOP's packets (the key frame and those after it; at most ``max_gop_packets``, after
  that the GOP is dropped until the next key frame) and measures the GOP (time between consecutive key frames
  of one connection).
- **Key-frame mode**, when the GOP is known and not longer than the interval: only key frames are sampled,
  each one decoded alone. A key frame is taken when it is at most half a GOP before the due time, so the
  spacing is the interval rounded to whole GOPs.
- **GOP mode** otherwise (the GOP is longer than the interval, or not known yet): the first packet at or after
  the due time is sampled together with the GOP's packets before it (the decoder needs its references): a
  partial GOP is decoded, never more.
- In key-frame mode a key frame that does not come within ``1.5`` GOPs after the due time (the camera changed
  its GOP) falls back to GOP mode for that sample.
- Samples are due on a schedule ``interval_s`` apart (so that key-frame rounding averages out); the first one is
  the first key frame, and after a gap longer than the interval the schedule restarts from the picture taken.

A packet flagged ``discontinuity`` (a reconnection, frames lost) drops the GOP and the GOP measurement: the
next picture must start at a key frame of the new connection. H.264 key frames without in-band SPS/PPS get
the last ones seen prepended (the decoder in the worker starts from scratch for every sample).
"""

from __future__ import annotations

from dataclasses import dataclass

from media.recorder_h264 import parameter_sets
from media.recorder_packets import EncodedPacket

MAX_GOP_PACKETS = 900  # 60 s at 15 fps: a longer GOP is dropped (memory) and sampled at its next key frame
LATE_KEY_FACTOR = 1.5  # in key-frame mode, GOPs to wait past the due time before decoding a partial GOP


@dataclass(frozen=True, slots=True)
class LiveSample:
    """Packets to decode for one sampled picture: ``packets``/``times_us`` from a key frame to the sampled
    frame (its time ``at_us`` = ``times_us[-1]``, UTC µs), ``codec`` the packets' codec."""

    codec: str
    packets: tuple[bytes, ...]
    times_us: tuple[int, ...]

    @property
    def at_us(self) -> int:
        return self.times_us[-1]


class LiveSampler:
    """See the module docstring. ``interval_s``: seconds between samples (``1 / live_fps``)."""

    def __init__(self, interval_s: float, *, max_gop_packets: int = MAX_GOP_PACKETS) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be > 0")
        self.interval_us = round(interval_s * 1_000_000)
        self._max_gop = max(1, max_gop_packets)
        self._gop: list[EncodedPacket] = []
        self._key_us: int | None = None  # the current GOP's key frame time
        self.gop_us: int | None = None  # the last measured GOP length
        self._due_us: int | None = None  # None: take the next key frame
        self._params: bytes | None = None
        self.samples = 0
        self.decoded_packets = 0  # packets handed out for decoding (the decode cost)

    @property
    def key_frame_mode(self) -> bool:
        """True when only key frames are sampled (the GOP is known and fits the interval)."""
        return self.gop_us is not None and self.gop_us <= self.interval_us

    def push(self, packet: EncodedPacket) -> LiveSample | None:
        """Take the next packet of the stream; returns what to decode when a picture is due, else None."""
        if packet.discontinuity:
            self._gop, self._key_us, self.gop_us = [], None, None
        t = packet.time_us
        if packet.key_frame:
            packet = self._with_parameter_sets(packet)
            if self._key_us is not None and t > self._key_us:
                self.gop_us = t - self._key_us
            self._key_us = t
            self._gop = [packet]
        elif not self._gop:
            return None  # no key frame yet on this connection: nothing decodable
        elif len(self._gop) >= self._max_gop:
            self._gop, self._key_us = [], None
            return None
        else:
            self._gop.append(packet)
        due = self._due_us
        if due is None:
            return self._take([packet]) if packet.key_frame else None
        if self.key_frame_mode:
            assert self.gop_us is not None
            if packet.key_frame and t >= due - self.gop_us // 2:
                return self._take([packet])
            if t < due + LATE_KEY_FACTOR * self.gop_us:
                return None
            return self._take(self._gop)  # the expected key frame did not come: decode the partial GOP
        if t < due:
            return None
        return self._take([packet] if packet.key_frame else self._gop)

    def _take(self, packets: list[EncodedPacket]) -> LiveSample:
        last = packets[-1]
        due = self._due_us
        if due is None or last.time_us - due > self.interval_us:  # the first picture, or after a gap
            self._due_us = last.time_us + self.interval_us
        else:  # on the schedule: the spacing averages the interval even when key frames round it
            self._due_us = due + self.interval_us
        self.samples += 1
        self.decoded_packets += len(packets)
        return LiveSample(last.codec, tuple(p.data for p in packets), tuple(p.time_us for p in packets))

    def _with_parameter_sets(self, packet: EncodedPacket) -> EncodedPacket:
        if packet.codec != "h264":
            return packet
        params = parameter_sets(packet.data)
        if params is not None:
            self._params = params
            return packet
        if self._params is None:
            return packet
        return EncodedPacket(self._params + packet.data, packet.time_us, True, packet.codec, packet.discontinuity)
