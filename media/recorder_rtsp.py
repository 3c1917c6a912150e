"""Recorder packet source: an RTSP URL demuxed by PyAV (FFmpeg) in a thread, packets taken as they are.

Stream copy: no decoding. ``media.recorder_h264.AnnexBConverter`` hands out Annex-B access units with SPS/PPS
before key frames (``h264_mp4toannexb`` for MP4-style streams; SDP ``sprop-parameter-sets`` prepended when a
camera sends its parameter sets only out of band).
Packet times: ``media.recorder_timemap.WallClockMapper`` turns the demuxer's timestamps into wall-clock UTC µs
(re-anchored on every connection, on timestamp jumps and on drift). A dropped or refused connection is
retried with the back-off of ``media.backoff``; credentials in the URL never appear in states or logs.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import threading
import time
from collections.abc import AsyncGenerator
from fractions import Fraction

import av

from media.backoff import Backoff, ReconnectPolicy
from media.recorder_h264 import AnnexBConverter
from media.recorder_packets import EncodedPacket, StateCallback
from media.recorder_timemap import Mapped, WallClockMapper
from media.stream_stats import StreamState
from milestone.clock import Clock

log = logging.getLogger(__name__)

_QUEUE = 512  # packets between the demux thread and the loop (~30 s at 15 fps)
_MAX_PENDING = 30  # packets without any timestamp held for back-filling
_BATCH_S = 0.5  # the demux thread hands packets to the loop at most this often (s)
_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@")


def redact_url(text: str) -> str:
    """``text`` with ``user:password@`` removed from any URL in it."""
    return _CREDENTIALS.sub(r"\g<scheme>***@", text)


def _packets(mapped: list[Mapped[tuple[bytes, bool]]]) -> list[EncodedPacket]:
    return [EncodedPacket(m.item[0], m.time_us, m.item[1], "h264", m.discontinuity) for m in mapped]


class _Unsupported(Exception):
    """The RTSP stream holds no video the recorder can store (retried slowly: the camera may be reconfigured)."""


class RtspSource:
    """H.264 packets from ``url`` (``rtsp://``), ``transport`` "tcp" (interleaved, default) or "udp".

    ``clock.time()`` is the wall clock the packet times are anchored to, ``clock.monotonic()`` drives the
    back-off; ``policy`` gives the reconnect timings (``stall_timeout``: seconds without data before the
    connection counts as dropped; ``connect_timeout`` bounds opening). ``on_state(state, detail)`` is called on
    the event loop. The demuxer runs in a daemon thread per ``packets()`` call; :meth:`aclose` stops it (at
    the next packet, or after at most ``stall_timeout`` when the stream is stalled).
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Clock,
        transport: str = "tcp",
        on_state: StateCallback | None = None,
        policy: ReconnectPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if transport not in ("tcp", "udp"):
            raise ValueError(f"RTSP transport must be 'tcp' or 'udp', not {transport!r}")
        self.url = url
        self.label = redact_url(url)
        self.transport = transport
        self.state = StreamState.CONNECTING
        self.detail = ""
        self.connections = 0
        self.dropped_packets = 0
        self._clock = clock
        self._on_state = on_state
        self._policy = policy or ReconnectPolicy(stall_timeout=10.0)
        self._rng = rng
        self._stop = threading.Event()
        self._closed = False

    async def packets(self) -> AsyncGenerator[EncodedPacket, None]:
        """Yield packets until :meth:`aclose` (or the consumer is cancelled)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[EncodedPacket | tuple[StreamState, str] | None] = asyncio.Queue()
        stop = threading.Event()
        self._stop = stop
        if self._closed:
            stop.set()
        overflow = False

        def deliver(items: list[EncodedPacket | tuple[StreamState, str] | None]) -> None:
            nonlocal overflow
            for item in items:
                if isinstance(item, EncodedPacket):
                    if queue.qsize() >= _QUEUE:  # the consumer is far behind: drop, and flag the gap
                        self.dropped_packets += 1
                        overflow = True
                        continue
                    if overflow:
                        item = EncodedPacket(item.data, item.time_us, item.key_frame, item.codec, True)
                        overflow = False
                queue.put_nowait(item)

        def post(items: list[EncodedPacket | tuple[StreamState, str] | None]) -> None:
            try:
                loop.call_soon_threadsafe(deliver, items)
            except RuntimeError:  # the loop is closed: nobody listens any more
                stop.set()

        thread = threading.Thread(target=self._run, args=(stop, post), name=f"rtsp {self.label}", daemon=True)
        thread.start()
        try:
            while True:
                item = await queue.get()
                if item is None:
                    break
                if isinstance(item, tuple):
                    self._set_state(*item)
                    continue
                yield item
        finally:
            stop.set()
            self._set_state(StreamState.STOPPED, "")

    async def aclose(self) -> None:
        """Stop the demux thread; ``packets()`` returns."""
        self._closed = True
        self._stop.set()

    # ------------------------------------------------------------------------------------------ the thread

    def _run(self, stop: threading.Event, post_list) -> None:
        def post(item: EncodedPacket | tuple[StreamState, str] | None) -> None:
            post_list([item])

        backoff = Backoff(self._policy, self._clock, self._rng)
        mapper: WallClockMapper[tuple[bytes, bool]] = WallClockMapper()
        post((StreamState.CONNECTING, ""))
        try:
            while not stop.is_set():
                wait = self._policy.slow_retry
                try:
                    self._demux(stop, post_list, mapper, backoff)
                    if stop.is_set():
                        break
                    post((StreamState.RECONNECTING, "the RTSP stream ended"))
                    wait = backoff.next_delay()
                except av.error.HTTPUnauthorizedError as exc:
                    post((StreamState.AUTH_FAILED, self._describe(exc)))
                except av.error.HTTPForbiddenError as exc:
                    post((StreamState.NO_PERMISSION, self._describe(exc)))
                except (av.error.HTTPNotFoundError, _Unsupported) as exc:
                    post((StreamState.RECONNECTING, self._describe(exc)))
                except (av.error.FFmpegError, OSError, EOFError) as exc:
                    post((StreamState.RECONNECTING, self._describe(exc)))
                    wait = backoff.next_delay()
                except Exception as exc:
                    log.exception("%s: unexpected failure of the RTSP reader", self.label)
                    post((StreamState.RECONNECTING, self._describe(exc)))
                    wait = backoff.next_delay()
                stop.wait(wait)
        finally:
            post(None)

    def _demux(self, stop: threading.Event, post, mapper: WallClockMapper, backoff: Backoff) -> None:
        """One connection: open, demux until the stream ends, fails or ``stop`` is set. Packets are posted to
        the loop in batches, at most every ``_BATCH_S`` (fewer loop wake-ups)."""
        policy = self._policy
        options = {
            "rtsp_transport": self.transport,
            "timeout": str(int(policy.stall_timeout * 1_000_000)),  # socket I/O (and connect) timeout, µs
            "analyzeduration": "1000000",  # µs of stream probed before the first packet is handed out
        }
        container = av.open(self.url, options=options)
        out: list[EncodedPacket | tuple[StreamState, str]] = []
        try:
            if not container.streams.video:
                raise _Unsupported("the RTSP stream has no video")
            stream = container.streams.video[0]
            if stream.codec_context.name != "h264":
                raise _Unsupported(f"the recorder stores H.264 only, the stream is {stream.codec_context.name}")
            annexb = AnnexBConverter(stream)
            rate = stream.average_rate or stream.guessed_rate or Fraction(25)
            interval = float(1 / rate)
            time_base = float(stream.time_base or Fraction(1, 90_000))  # RTP's 90 kHz clock when unset
            self.connections += 1
            mapper.reset()
            pending: list[tuple[bytes, bool]] = []
            live = False
            posted = time.monotonic()
            for raw in container.demux(stream):
                if stop.is_set():
                    return
                for data, key, ts in annexb.convert(raw):
                    if ts is None:
                        if len(pending) < _MAX_PENDING:
                            pending.append((data, key))
                        continue
                    seconds = ts * time_base
                    now_us = int(self._clock.time() * 1_000_000)
                    for back, held in enumerate(pending):
                        out += _packets(mapper.push(held, seconds - (len(pending) - back) * interval, now_us))
                    pending.clear()
                    out += _packets(mapper.push((data, key), seconds, now_us))
                    if not live:
                        live = True
                        backoff.mark_live()
                        out.append((StreamState.LIVE, ""))
                now = time.monotonic()
                if out and now - posted >= _BATCH_S:
                    post(out)
                    out, posted = [], now
        finally:
            out += _packets(mapper.drain())
            if out:
                post(out)
            container.close()

    def _describe(self, exc: BaseException) -> str:
        text = str(exc)
        return redact_url(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)

    def _set_state(self, state: StreamState, detail: str) -> None:
        if state is self.state and detail == self.detail:
            return
        self.state, self.detail = state, detail
        log.info("%s: %s%s", self.label, state.value, f" ({detail})" if detail else "")
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:
                log.exception("%s: on_state callback failed", self.label)
