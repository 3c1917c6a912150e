"""Stream copy of encoded packets into crash-safe MPEG-TS segment files (no transcoding).

Container: **MPEG-TS**, chosen over fragmented MP4 because

- it survives being cut at any byte: a TS file is a run of self-contained 188-byte packets with the
  PAT/PMT repeated every 100 ms, so a segment whose writer died (kill -9, power cut) is readable up to its
  last complete frame with no index, trailer or ``moov`` to repair; a fragmented MP4 loses the whole
  unfinished fragment (our test: a truncated fMP4 fails to decode, a truncated TS decodes every complete
  frame), and fragments short enough to lose little cost a ``moof`` per fragment;
- it takes Annex-B access units with in-band SPS/PPS exactly as the ImageServer (GenericByteData) and RTSP
  deliver them: no AVCC conversion, no ``avcC`` extradata to build, and every segment starting at an IDR with
  its SPS/PPS decodes on its own;
- it is what HLS serves (the seeds' playback path), so segments can later be served or concatenated as they
  are. The price is a few percent of mux overhead (PES headers, 188-byte packet padding) for 1 Mbit/s video.

Timestamps: each segment's stream has the TS time base (1/90000 s); a frame's pts = dts =
``(time_us - start_us)`` in 90 kHz ticks, forced strictly increasing. Streams with B-frames are not supported
(times must increase in decode order).

Segmentation: a segment starts at a key frame; the next one starts at the first key frame at least
``segment_seconds`` after its start. A gap in the packets' times longer than ``gap_seconds``, a time going
backwards or a source discontinuity (reconnect) closes the segment, and the next one starts at the next key
frame, so a segment never spans a gap. After a reconnect the ImageServer may resend frames already written
(the current GOP): those are dropped, and when the resent frames reach the last written frame exactly, the
stream continues in the same segment.

Durability: written to ``<name>.partial``; every call of :meth:`SegmentWriter.write` (or, with
``flush=False``, of :meth:`SegmentWriter.flush` after a batch of writes) leaves everything given so far in
the file, in one ``write`` system call per batch; at the end the muxer is flushed, the file fsync'ed, renamed
to its final name, the directory fsync'ed; only then is the :class:`ClosedSegment` reported (``on_closed``
and the return values). The SHA-256 is computed over the bytes as they are written to the file: measured on
23 MB of ~1 Mbit/s video, that adds the bare hashing cost (~13 ms CPU), while re-reading the file at close
costs ~20 ms CPU plus the reads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from media.recorder_files import (
    ClosedSegment,
    HashingFile,
    check_camera_key,
    free_segment_path,
    fsync_dir,
    make_dirs_durably,
    partial_path,
)
from media.recorder_h264 import PictureSizeProbe, parameter_sets
from media.recorder_packets import SUPPORTED_CODECS, EncodedPacket

__all__ = ["ClosedSegment", "SegmentWriteError", "SegmentWriter", "WriterStats"]

log = logging.getLogger(__name__)

TS_TIME_BASE = Fraction(1, 90_000)
DEFAULT_FRAME_US = 40_000  # frame duration assumed for a one-frame segment with no spacing seen yet (25 fps)
REPLAY_WINDOW_US = 10_000_000  # after a reconnect, frames this far behind the last one are taken as a resend


class SegmentWriteError(OSError):
    """Writing a segment failed (disk full, I/O error, muxer error). The segment was closed as far as written;
    ``closed`` lists the segments that were nevertheless closed durably by the failed call."""

    closed: tuple[ClosedSegment, ...] = ()


def _write_error(text: str, closed: list[ClosedSegment]) -> SegmentWriteError:
    error = SegmentWriteError(text)
    error.closed = tuple(closed)
    return error


@dataclass(frozen=True, slots=True)
class WriterStats:
    """Counters since the writer was created: frames written into segments, frames skipped while waiting for a
    key frame, resent frames dropped after a reconnect, segments closed, bytes in closed segments."""

    frames_written: int = 0
    frames_skipped: int = 0
    frames_resent: int = 0
    segments_closed: int = 0
    bytes_closed: int = 0


class _OpenSegment:
    """One segment being written: the muxer over a hashing ``.partial`` file and its counters."""

    def __init__(self, final: Path, start_us: int, width: int, height: int) -> None:
        self.final = final
        self.partial = partial_path(final)
        self.start_us = start_us
        self.width, self.height = width, height
        self.frames = self.key_frames = 0
        self.last_pts = -1
        self.last_pts_us = 0
        self.spacings: deque[int] = deque(maxlen=31)
        self.file = HashingFile(self.partial)
        try:
            # Every frame leaves the muxer as it is muxed (flush_packets), into the HashingFile's memory
            # buffer; SegmentWriter.flush() writes that to the file once per batch.
            self.container = av.open(self.file, "w", format="mpegts", options={"flush_packets": "1"})
            self.stream = self.container.add_mux_stream("h264", width=width, height=height)
            self.stream.time_base = TS_TIME_BASE
        except BaseException:
            self.file.finish(fsync=False)
            raise

    def add(self, data: bytes, time_us: int, key_frame: bool) -> None:
        pts = ((time_us - self.start_us) * 9 + 50) // 100
        if pts <= self.last_pts:
            pts = self.last_pts + 1
        packet = av.Packet(data)
        packet.stream = self.stream
        packet.time_base = TS_TIME_BASE
        packet.pts = packet.dts = pts
        packet.is_keyframe = key_frame
        self.container.mux(packet)
        pts_us = pts * 100 // 9  # what a reader of the file gets back (see recorder_probe)
        if self.frames:
            self.spacings.append(pts_us - self.last_pts_us)
        self.last_pts, self.last_pts_us = pts, pts_us
        self.frames += 1
        self.key_frames += key_frame

    def frame_us(self, fallback: int) -> int:
        """The frame duration estimate: median of the recent frame spacings in the file (µs)."""
        return int(statistics.median(self.spacings)) if self.spacings else fallback

    def finish(self, camera_key: str, fallback_frame_us: int, fsync: bool) -> ClosedSegment:
        """Flush, fsync, rename into place, fsync the directory; return the record. Raises OSError."""
        try:
            self.container.close()
        finally:
            self.file.finish(fsync)
        os.replace(self.partial, self.final)
        if fsync:
            fsync_dir(self.final.parent)
        frame_us = self.frame_us(fallback_frame_us)
        return ClosedSegment(
            path=self.final,
            camera_key=camera_key,
            start_us=self.start_us,
            end_us=self.start_us + self.last_pts_us + frame_us,
            media_duration_us=self.last_pts_us + frame_us,
            frames=self.frames,
            key_frames=self.key_frames,
            size_bytes=self.file.size,
            sha256=self.file.hexdigest(),
            container="mpegts",
            codec="h264",
            width=self.width,
            height=self.height,
        )


class SegmentWriter:
    """Writes one camera's packets into ``<spool>/<camera_key>/<YYYYMMDD>/<start_us>.ts`` segments.

    ``segment_seconds``: target length (a segment is cut at the first key frame after it); ``gap_seconds``: a
    longer pause between two frames' times closes the segment. ``on_closed(ClosedSegment)`` is called in the
    thread that called :meth:`write`/:meth:`cut`/:meth:`close`, after the file is durable under its final name
    (exceptions it raises are logged, not propagated). ``fsync=False`` skips the fsyncs (tests, benchmarks).

    Blocking (file I/O, fsync): call from one thread at a time; ``media.recorder.LocalRecorder`` runs it in a
    worker thread. Raises ValueError for a codec other than H.264 and SegmentWriteError when writing fails
    (the segment is then closed as far as it got and the next one starts at the next key frame).
    """

    def __init__(
        self,
        spool_dir: Path | str,
        camera_key: str,
        *,
        segment_seconds: float = 60.0,
        gap_seconds: float = 2.0,
        on_closed: Callable[[ClosedSegment], None] | None = None,
        fsync: bool = True,
    ) -> None:
        if segment_seconds <= 0 or gap_seconds <= 0:
            raise ValueError("segment_seconds and gap_seconds must be positive")
        self.spool_dir = Path(spool_dir)
        self.camera_key = check_camera_key(camera_key)
        self._segment_us = int(segment_seconds * 1_000_000)
        self._gap_us = int(gap_seconds * 1_000_000)
        self._on_closed = on_closed
        self._fsync = fsync
        self._open: _OpenSegment | None = None
        self._last_us: int | None = None  # time of the last frame written
        self._frame_us = DEFAULT_FRAME_US
        self._params: bytes | None = None  # the latest in-band SPS+PPS (Annex-B)
        self._probe = PictureSizeProbe()
        self._resync = False
        self._seamless = False
        self._counts = dict.fromkeys(WriterStats.__dataclass_fields__, 0)

    @property
    def stats(self) -> WriterStats:
        return WriterStats(**self._counts)

    @property
    def gap_seconds(self) -> float:
        """A pause between frames longer than this (s) closes the segment."""
        return self._gap_us / 1_000_000

    @property
    def current_path(self) -> Path | None:
        """The ``.partial`` file being written, or None between segments."""
        return self._open.partial if self._open is not None else None

    @property
    def parameter_sets(self) -> bytes | None:
        """The latest SPS+PPS seen in the stream (Annex-B), for decoding a key frame that lacks them."""
        return self._params

    def write(self, packet: EncodedPacket, *, flush: bool = True) -> list[ClosedSegment]:
        """Add one packet; returns the segments this closed (usually none). With ``flush=False`` the muxed
        bytes stay in memory until :meth:`flush` (or the segment's close): a batch of frames then costs one
        ``write`` system call instead of one per frame."""
        closed = self._write(packet)
        if flush:
            try:
                self.flush()
            except SegmentWriteError as exc:
                raise _write_error(str(exc), closed + list(exc.closed)) from exc
        return closed

    def flush(self) -> None:
        """Write the frames given so far into the current ``.partial`` file (page cache, not fsync'ed).

        Raises SegmentWriteError (the segment is then closed as far as written)."""
        seg = self._open
        if seg is None:
            return
        try:
            seg.file.flush()
        except OSError as exc:
            closed: list[ClosedSegment] = []
            with contextlib.suppress(SegmentWriteError):
                self._close_into(closed)
            raise _write_error(f"writing frames of {self.camera_key} failed: {exc}", closed) from exc

    def _write(self, packet: EncodedPacket) -> list[ClosedSegment]:
        if packet.codec not in SUPPORTED_CODECS:
            raise ValueError(f"the recorder stores {', '.join(SUPPORTED_CODECS)} only, not {packet.codec!r}")
        closed: list[ClosedSegment] = []
        t = packet.time_us
        last = self._last_us
        if packet.discontinuity and last is not None:
            self._resync, self._seamless = True, False
        if self._resync and last is not None:
            if last - REPLAY_WINDOW_US <= t <= last:  # frames already written, resent on the new connection
                self._seamless = self._seamless or t == last
                self._count(frames_resent=1)
                return closed
            seamless = self._seamless and last < t <= last + self._gap_us
            self._resync = self._seamless = False
            if not seamless:
                self._close_into(closed)
        elif last is not None and self._open is not None and (t < last or t - last > self._gap_us):
            log.info("%s: frame time jumped %+.3f s: closing the segment", self.camera_key, (t - last) / 1e6)
            self._close_into(closed)
        data = packet.data
        if packet.key_frame:
            params = parameter_sets(data)
            if params is not None:
                self._params = params
            elif self._params is not None:
                data = self._params + data
        if self._open is None:
            if not packet.key_frame:
                self._count(frames_skipped=1)
                return closed
            self._start(data, t)
        elif packet.key_frame and t - self._open.start_us >= self._segment_us:
            self._close_into(closed)
            self._start(data, t)
        assert self._open is not None
        try:
            self._open.add(data, t, packet.key_frame)
        except (av.error.FFmpegError, OSError) as exc:
            with contextlib.suppress(SegmentWriteError):
                self._close_into(closed)
            raise _write_error(f"writing a frame of {self.camera_key} failed: {exc}", closed) from exc
        self._last_us = t
        self._counts["frames_written"] += 1
        return closed

    def cut(self) -> ClosedSegment | None:
        """Close the current segment now; the next one starts at the next key frame. None if none was open."""
        closed: list[ClosedSegment] = []
        self._close_into(closed)
        return closed[0] if closed else None

    def close(self) -> ClosedSegment | None:
        """End of recording: close the current segment durably (same as :meth:`cut`)."""
        return self.cut()

    # ------------------------------------------------------------------------------------------ internals

    def _start(self, key_frame: bytes, time_us: int) -> None:
        final = free_segment_path(self.spool_dir, self.camera_key, time_us)
        try:
            make_dirs_durably(final.parent)
            width, height = self._probe.size(key_frame)
            self._open = _OpenSegment(final, time_us, width, height)
        except (av.error.FFmpegError, OSError) as exc:
            raise SegmentWriteError(f"starting segment {final} failed: {exc}") from exc

    def _close_into(self, closed: list[ClosedSegment]) -> None:
        seg, self._open = self._open, None
        if seg is None:
            return
        self._frame_us = seg.frame_us(self._frame_us)
        try:
            record = seg.finish(self.camera_key, self._frame_us, self._fsync)
        except (av.error.FFmpegError, OSError) as exc:
            raise SegmentWriteError(f"closing segment {seg.final} failed: {exc}") from exc
        self._count(segments_closed=1, bytes_closed=record.size_bytes)
        closed.append(record)
        if self._on_closed is not None:
            try:
                self._on_closed(record)
            except Exception:
                log.exception("%s: on_closed callback failed for %s", self.camera_key, record.path)

    def _count(self, **deltas: int) -> None:
        for key, delta in deltas.items():
            self._counts[key] += delta
