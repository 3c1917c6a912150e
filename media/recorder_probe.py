"""Reading segment files back: index a leftover file, seal an unfinished ``.partial`` (start-up recovery).

``probe_segment`` demuxes a segment (PyAV), decodes its first key frame and describes the file as a
:class:`ClosedSegment`; ``seal_partial`` turns the readable part of a ``.partial`` left by a writer that died
into a final segment. Both return None when nothing decodable is in the file; the caller (the backend's
recovery) then quarantines it. They block (file I/O, hashing a whole file): run them in a worker thread.
"""

from __future__ import annotations

import itertools
import logging
import os
import statistics
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from media.recorder_files import (
    PARTIAL_SUFFIX,
    ClosedSegment,
    file_sha256,
    final_path_of,
    free_name,
    fsync_dir,
    parse_segment_name,
)
from media.segment_writer import DEFAULT_FRAME_US

log = logging.getLogger(__name__)

_CODECS = {"h264": "h264"}


@dataclass
class _Scan:
    """What demuxing a segment found: per packet byte position and dts (µs), key frame flags, picture size."""

    positions: list[int] = field(default_factory=list)
    times_us: list[int] = field(default_factory=list)
    keys: list[bool] = field(default_factory=list)
    width: int = 0
    height: int = 0
    codec: str = ""


def _scan(path: Path) -> _Scan | None:
    """Demux every video packet (stopping quietly at unreadable data); None when the first is no decodable
    key frame or the file is not MPEG-TS video."""
    try:
        container = av.open(str(path), format="mpegts")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        log.info("%s is not a readable MPEG-TS file: %s", path, exc)
        return None
    scan = _Scan()
    try:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        scan.codec = _CODECS.get(stream.codec_context.name, "")
        if not scan.codec:
            return None
        tb = stream.time_base or Fraction(1, 90_000)  # MPEG-TS always has 90 kHz; the default keeps mypy sure
        decoder = av.CodecContext.create("h264", "r")
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.dts is None:
                    continue
                if not scan.positions:
                    if not packet.is_keyframe:
                        return None
                    frames = decoder.decode(packet)
                    if not frames:
                        frames = decoder.decode(None)
                    if not frames:
                        return None
                    scan.width, scan.height = frames[0].width, frames[0].height
                scan.positions.append(packet.pos if packet.pos is not None else -1)
                scan.times_us.append(int(packet.dts * tb * 1_000_000))
                scan.keys.append(bool(packet.is_keyframe))
        except av.error.FFmpegError as exc:
            if not scan.positions:
                log.info("%s has no decodable key frame: %s", path, exc)
                return None
            log.info("%s is readable for %d frames, then: %s", path, len(scan.positions), exc)
    finally:
        container.close()
    return scan if scan.positions else None


def _record(path: Path, scan: _Scan, frames: int) -> ClosedSegment | None:
    parsed = parse_segment_name(path)
    if parsed is None or frames < 1:
        return None
    camera_key, start_us, container = parsed
    times = scan.times_us[:frames]
    spacings = [b - a for a, b in itertools.pairwise(times) if b > a]
    frame_us = int(statistics.median(spacings[-31:])) if spacings else DEFAULT_FRAME_US
    span = times[-1] - times[0]
    size, sha = file_sha256(path)
    return ClosedSegment(
        path=Path(path),
        camera_key=camera_key,
        start_us=start_us,
        end_us=start_us + span + frame_us,
        media_duration_us=span + frame_us,
        frames=frames,
        key_frames=sum(scan.keys[:frames]),
        size_bytes=size,
        sha256=sha,
        container=container,
        codec=scan.codec,
        width=scan.width,
        height=scan.height,
    )


def probe_segment(path: Path | str) -> ClosedSegment | None:
    """Describe a segment file (final or ``.partial``) from its content: frames, key frames, first/last
    timestamps, size and SHA-256 of the file as it is, picture size of the first key frame.

    ``start_us`` and ``camera_key`` come from the name (``<spool>/<camera_key>/<YYYYMMDD>/<start_us>.ts``);
    ``end_us`` = ``start_us`` + timestamp span + one frame (median spacing). Returns None when the name is not
    a segment name, the file is not MPEG-TS, holds no video or does not start with a decodable key frame.
    A truncated file is described up to its last readable packet (use :func:`seal_partial` to cut it there).
    """
    path = Path(path)
    if parse_segment_name(path) is None:
        return None
    scan = _scan(path)
    if scan is None:
        return None
    return _record(path, scan, len(scan.positions))


def seal_partial(path: Path | str, *, fsync: bool = True) -> ClosedSegment | None:
    """Turn the readable part of an unfinished ``<name>.ts.partial`` into the final segment ``<name>.ts``.

    A writer that died leaves its last frame possibly incomplete, and MPEG-TS video PES packets carry no
    length that would prove it whole, so the file is cut just before the last frame's first TS packet (the
    bytes dropped are logged), fsync'ed, renamed to its final name (``<name>-<n>.ts`` if that exists) and the
    directory fsync'ed. Returns the sealed segment, or None, leaving the file untouched, when fewer than two
    frames were readable or the first is no decodable key frame (the caller quarantines it). Raises
    ValueError when ``path`` does not end in ``.partial``; OSError from the file system.
    """
    path = Path(path)
    if not path.name.endswith(PARTIAL_SUFFIX):
        raise ValueError(f"{path} is not a .partial segment")
    if parse_segment_name(path) is None:
        return None
    scan = _scan(path)
    if scan is None or len(scan.positions) < 2 or scan.positions[-1] <= 0:
        return None
    cut = scan.positions[-1]
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(cut)
        f.flush()
        if fsync:
            os.fsync(f.fileno())
    log.info(
        "sealed %s: kept %d frames (%d bytes), dropped the last frame's %d bytes",
        path,
        len(scan.positions) - 1,
        cut,
        size - cut,
    )
    final = final_path_of(path)
    if final.exists():
        final = free_name(final)
    os.replace(path, final)
    if fsync:
        fsync_dir(final.parent)
    return _record(final, scan, len(scan.positions) - 1)
