"""A JPEG of the recorded picture at (or just before) a time, decoded from a local segment with PyAV.

The segment (MPEG-TS, H.264, stream copy; see ``media.segment_writer``) is opened from the spool, the
filesystem object store or a presigned S3 URL; the demuxer seeks to the last key frame at or before the time,
packets are skipped until a key frame and decoded forward; the last picture not after the time is kept (the
first one when the time precedes it). Media time maps to wall time as the writer wrote it: the segment's
first frame is at ``start_us`` and every later frame at ``start_us`` plus its timestamp offset.

``media.thumbnail.make_thumbnail`` decodes a lone key frame and scales it down; a snapshot needs the frame at an
arbitrary time at full size, so this module decodes the GOP itself and encodes the JPEG with Pillow. Blocking
(demuxing, decoding): run it in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction

import av
from PIL import Image

JPEG_QUALITY = 90
OPEN_TIMEOUT_S = 10.0


class SnapshotError(Exception):
    """The segment could not be opened or decoded at that time."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A decoded picture: ``time_us`` (UTC µs, its wall time), ``jpeg`` bytes, picture size."""

    time_us: int
    jpeg: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded picture: ``time_us`` (UTC µs, its wall time) and the RGB ``image`` at full size."""

    time_us: int
    image: Image.Image


def snapshot_from_segment(location: str, segment_start_us: int, time_us: int) -> Snapshot:
    """The picture of the segment at ``location`` (file path or http(s) URL) at or before ``time_us``, as JPEG.

    ``segment_start_us``: the wall time (UTC µs) of the segment's first frame. Raises SnapshotError.
    """
    picture = picture_from_segment(location, segment_start_us, time_us)
    buf = io.BytesIO()
    picture.image.save(buf, format="JPEG", quality=JPEG_QUALITY)
    return Snapshot(picture.time_us, buf.getvalue(), picture.image.width, picture.image.height)


def picture_from_segment(location: str, segment_start_us: int, time_us: int) -> Picture:
    """``snapshot_from_segment`` without the JPEG: the decoded picture (e.g. for cropping). Raises
    SnapshotError."""
    options = {"rw_timeout": str(int(OPEN_TIMEOUT_S * 1_000_000))} if "://" in location else {}
    try:
        container = av.open(location, options=options, timeout=OPEN_TIMEOUT_S)
    except (av.error.FFmpegError, OSError) as exc:
        raise SnapshotError(f"cannot open the segment: {exc}") from exc
    try:
        if not container.streams.video:
            raise SnapshotError("the segment holds no video")
        stream = container.streams.video[0]
        time_base = stream.time_base or Fraction(1, 90_000)
        first = stream.start_time
        if first is None:
            first = _first_pts(container, stream)
            container.seek(0)
        target = first + int(Fraction(time_us - segment_start_us, 1_000_000) / time_base)
        frame = _decode_until(container, stream, target, seek=target > first)
        if frame is None:  # the seek landed after the time (or failed): decode from the start
            container.seek(0)
            frame = _decode_until(container, stream, target, seek=False)
        if frame is None:
            raise SnapshotError("no picture decodes at that time")
        pts = frame.pts if frame.pts is not None else first
        picture_us = segment_start_us + int((pts - first) * time_base * 1_000_000)
        return Picture(picture_us, frame.to_image())
    except av.error.FFmpegError as exc:
        raise SnapshotError(f"decoding failed: {exc}") from exc
    finally:
        container.close()


def _first_pts(container, stream) -> int:
    for packet in container.demux(stream):
        if packet.pts is not None:
            return int(packet.pts)
    raise SnapshotError("the segment holds no timed packet")


def _decode_until(container, stream, target: int, *, seek: bool):
    """Decode from the key frame at or before ``target`` (after a seek) and return the last frame whose pts is
    <= target, the first frame when all are later, or None when the first frame reached is already later than
    ``target`` after a seek (the caller then decodes from the start)."""
    if seek:
        container.seek(target, stream=stream, backward=True, any_frame=False)
    decoder = av.CodecContext.create(stream.codec_context.name, "r")
    if stream.codec_context.extradata:
        decoder.extradata = stream.codec_context.extradata
    best = None
    started = False
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        if not started:
            if not packet.is_keyframe:
                continue
            started = True
        for frame in decoder.decode(packet):
            if frame.pts is None:
                continue
            if frame.pts <= target:
                best = frame
            elif best is None:
                return None if seek else frame
            else:
                return best
    for frame in decoder.decode(None):
        if frame.pts is not None and frame.pts <= target:
            best = frame
    if best is None and not seek:
        return None
    return best
