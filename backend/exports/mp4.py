"""One camera's MP4 by stream copy with an exact frame range (no re-encoding).

The H.264 access units come from the backend's MPEG-TS segments (``add_container``) or from XProtect's
ImageServer (``add_packet`` with Annex-B bytes); they are written, in order, into one MP4 whose decoded frames
are exactly those whose wall time lies in ``[start_us, end_us)``:

- the copy starts at the key frame at or before ``start_us`` (the frames before ``start_us`` are needed to
  decode the first one) and those *pre-roll* frames get negative timestamps: the MP4 muxer then writes an edit
  list (``elst``) whose media time is the first frame in the range, so players and decoders (FFmpeg's mov
  demuxer marks the pre-roll samples discardable; VLC honours ``elst``) present nothing before it;
- frames at or after ``end_us`` are left out; a frame in the range that cannot be decoded because no key frame
  precedes it (footage resuming mid-GOP) is skipped until the next key frame (counted in ``skipped``).

Times: input wall times are UTC µs; the MP4's time base is 1/90000 s (as MPEG-TS), with 0 = the first frame in
the range (``first_us``). Gaps in the footage stay gaps in the MP4's timestamps (the file's duration is wall
time). The SPS/PPS travel in band with every key frame; the muxer builds the ``avcC`` from the first one.
Synchronous and blocking: run in a worker thread. ``should_stop()`` is polled for every packet; when it returns
True ``Stopped`` is raised (the caller deletes the file).

The MP4 goes to ``path``, or, when a ``sink`` factory is given, into the seekable binary file object it returns
at the first frame (the package writer hands out the region of a ZIP member, so the bytes are written once,
in place: ``backend.exports.package``). Segments are opened with a small probe (``SEGMENT_OPTIONS``): they are
our own MPEG-TS files, each starting with a key frame carrying its SPS/PPS, so the stream's parameters are in
the first packets and a long probe only costs time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import av

TIME_BASE = Fraction(1, 90000)
US = 1_000_000
SEGMENT_OPTIONS = {"probesize": "65536", "analyzeduration": "0"}
SINK_BUFFER_BYTES = 64 * 1024  # FFmpeg's I/O buffer for a Python file object: one write() call per this much


class SeekableOutput(Protocol):
    """What the muxer writes into: binary ``write``, ``seek`` (whence 0, 1, 2) and ``tell``."""

    def write(self, data: bytes, /) -> int: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...


Sink = Callable[[], SeekableOutput]


class Stopped(Exception):
    """The caller asked to stop (cancellation)."""


@dataclass(frozen=True, slots=True)
class Mp4Result:
    """A finished file: ``frames`` presented (pre-roll excluded), wall times of the first frame and of the last
    frame plus one frame duration (UTC µs), size and SHA-256 hex of the bytes ("" when not asked for or written
    to a sink: the package writer hashes the bytes itself). ``path``: the file, or for a sink only its name."""

    path: Path
    frames: int
    first_us: int
    end_us: int
    size_bytes: int
    sha256: str
    width: int
    height: int


def _ticks(delta_us: int) -> int:
    return round(delta_us * 90_000 / US)


class ExactMp4Writer:
    """See the module docstring. ``path``: the MP4 to write (created at the first frame) or, with ``sink``, its
    name; ``[start_us, end_us)`` the range (UTC µs); ``sink()``: called once, at the first frame, for the
    seekable binary file object to write to instead of ``path`` (its position 0 is the MP4's first byte)."""

    def __init__(
        self,
        path: Path,
        start_us: int,
        end_us: int,
        *,
        should_stop: Callable[[], bool] = lambda: False,
        sink: Sink | None = None,
    ) -> None:
        if end_us <= start_us:
            raise ValueError("end_us must be after start_us")
        self.path = path
        self._sink = sink
        self._sink_file: SeekableOutput | None = None
        self.start_us, self.end_us = start_us, end_us
        self._should_stop = should_stop
        self._out: Any = None
        self._stream: Any = None
        self._preroll: list[tuple[int, av.Packet]] = []
        self._pending: tuple[int, av.Packet] | None = None
        self._origin_us: int | None = None
        self._last_us: int | None = None
        self._frame_us = 0  # the latest spacing of two frames (the last frame's duration)
        self.frames = 0
        self.skipped = 0
        self.position_us = start_us  # wall time of the newest frame seen (for progress)
        self.width = self.height = 0

    @property
    def started(self) -> bool:
        """True once a frame in the range has been written."""
        return self._origin_us is not None

    # -- input ------------------------------------------------------------------------------------------------

    def add_container(self, location: str, base_us: int, *, options: dict[str, str] | None = None) -> int:
        """Copy the video packets of the file or URL ``location`` (an MPEG-TS segment whose pts 0 is the wall
        time ``base_us``). Returns the packets read. Raises ``av.error.FFmpegError`` / ``OSError`` when it
        cannot be opened or read, ``Stopped``."""
        count = 0
        with av.open(location, options=SEGMENT_OPTIONS if options is None else options) as container:
            stream = container.streams.video[0]
            tb = stream.time_base or TIME_BASE
            num, den = tb.numerator * US, tb.denominator  # integer math: Fraction per packet is slow
            half = den // 2
            for packet in container.demux(stream):
                if packet.pts is None or packet.size == 0:
                    continue
                if self._should_stop():
                    raise Stopped()
                count += 1
                time_us = base_us + (packet.pts * num + half) // den
                if time_us >= self.end_us:
                    break
                self._feed(time_us, bool(packet.is_keyframe), packet, stream)
        return count

    def add_packet(self, time_us: int, key_frame: bool, data: bytes) -> bool:
        """One Annex-B access unit at wall time ``time_us``; returns False once past ``end_us`` (stop sending)."""
        if self._should_stop():
            raise Stopped()
        if time_us >= self.end_us:
            return False
        packet = av.Packet(data)
        packet.is_keyframe = key_frame
        self._feed(time_us, key_frame, packet, None)
        return True

    def _feed(self, time_us: int, key: bool, packet: av.Packet, template: Any) -> None:
        if self._last_us is not None:
            if time_us <= self._last_us:
                return  # a repeated frame (segments or ImageServer answers overlapping): keep times increasing
            delta = time_us - self._last_us
            if self._frame_us == 0 or delta <= 2 * self._frame_us:
                self._frame_us = delta  # not across a gap
        self._last_us = time_us
        self.position_us = time_us
        if self._origin_us is None:
            if time_us < self.start_us:
                if key:
                    self._preroll = []
                if key or self._preroll:
                    self._preroll.append((time_us, packet))
                return
            if not key and not self._preroll:
                self.skipped += 1
                return
            if key:
                self._preroll = []
            self._open(self._preroll[0][1] if self._preroll else packet, template)
            self._origin_us = time_us
            for pre_us, pre in self._preroll:
                self._write(pre_us, pre)
            self._preroll = []
        self._write(time_us, packet)
        self.frames += 1

    # -- output -----------------------------------------------------------------------------------------------

    def _open(self, packet: av.Packet, template: Any) -> None:
        if self._sink is not None:
            self._sink_file = self._sink()
            self._out = av.open(self._sink_file, "w", format="mp4", buffer_size=SINK_BUFFER_BYTES)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = av.open(str(self.path), "w", format="mp4")
        if template is not None:
            self._stream = self._out.add_stream_from_template(template)
            self.width, self.height = template.codec_context.width, template.codec_context.height
        else:
            self.width, self.height = _picture_size(bytes(packet))
            self._stream = self._out.add_stream("h264")
            self._stream.codec_context.width, self._stream.codec_context.height = self.width, self.height
        self._stream.time_base = TIME_BASE

    def _write(self, time_us: int, packet: av.Packet) -> None:
        assert self._origin_us is not None
        if self._pending is not None:
            prev_us, prev = self._pending
            prev.duration = max(1, _ticks(time_us - prev_us))
            self._out.mux(prev)
        packet.pts = packet.dts = _ticks(time_us - self._origin_us)
        packet.time_base = TIME_BASE
        packet.stream = self._stream
        self._pending = (time_us, packet)

    def close(self, *, digest: bool = True) -> Mp4Result | None:
        """Finish the file; returns it, or None when no frame of the range was found (no file then, the sink was
        never asked for). With ``digest`` False, or a sink, the SHA-256 is left empty (saves reading the bytes
        once more)."""
        if self._out is None or self._origin_us is None:
            self.abort()
            return None
        if self._pending is not None:
            _, last = self._pending
            last.duration = max(1, _ticks(self._frame_us or US // 15))
            self._out.mux(last)
            self._pending = None
        self._out.close()
        self._out = None
        assert self._last_us is not None
        hasher = hashlib.sha256()
        if self._sink_file is not None:
            digest = False
            self._sink_file.seek(0, 2)
            size = self._sink_file.tell()
        else:
            size = self.path.stat().st_size
        if digest:
            with self.path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    hasher.update(chunk)
        return Mp4Result(
            self.path,
            self.frames,
            self._origin_us,
            self._last_us + (self._frame_us or US // 15),
            size,
            hasher.hexdigest() if digest else "",
            self.width,
            self.height,
        )

    def abort(self) -> None:
        """Drop the file (idempotent)."""
        if self._out is not None:
            try:
                self._out.close()
            except (av.error.FFmpegError, OSError):
                pass
            self._out = None
        if self._sink is None:
            self.path.unlink(missing_ok=True)


def _picture_size(access_unit: bytes) -> tuple[int, int]:
    """Width and height of an H.264 key frame (Annex-B with its SPS/PPS), by decoding it. Raises ValueError."""
    codec = av.CodecContext.create("h264", "r")
    for packet in (av.Packet(access_unit), None):
        for frame in codec.decode(packet):
            return frame.width, frame.height
    raise ValueError("the first key frame does not decode")
