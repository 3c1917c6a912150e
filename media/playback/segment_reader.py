"""Reading one local recording segment (MPEG-TS, H.264 stream copy) into encoded frames with wall times.

Segments are what ``media.segment_writer`` writes: MPEG-TS starting at a key frame with in-band SPS/PPS, pts
in 90 kHz ticks counted from the first frame. A segment is read whole (a 10 s segment of 1 Mbit/s video is
about 1.3 MB and demuxes in a few ms), from a file path or an http(s) URL (a presigned object-store URL or the
backend's segment route, with its ``Authorization`` header). Frame times: the first frame is the
:class:`SegmentRef`'s ``start_us``; the others follow by their pts difference.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import unquote, urlparse

import av
import httpx
from av.container import InputContainer

from media.playback.source import (
    SEGMENT_FORBIDDEN,
    SEGMENT_INVALID,
    SEGMENT_MISSING,
    SEGMENT_UNAVAILABLE,
    UNREACHABLE,
    EncodedUnit,
    PlaybackError,
)
from milestone.models import VideoCodec

log = logging.getLogger(__name__)

_CODECS = {"h264": VideoCodec.H264, "hevc": VideoCodec.H265}


@dataclass(frozen=True, slots=True)
class SegmentRef:
    """One local segment file (MPEG-TS, H.264, stream copy), as the backend's playback source lists it.

    ``url``: a file path (or ``file://`` URL) or an http(s) URL. ``start_us``/``end_us``: wall time (µs UTC) of
    its first frame and of the end of its last frame. ``headers``: extra HTTP request headers, e.g.
    ``{"Authorization": "Bearer ..."}`` for the backend's byte-range route (never logged).
    """

    url: str
    start_us: int
    end_us: int
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.end_us <= self.start_us:
            raise ValueError(f"segment {self.safe_name} ends ({self.end_us}) before it starts ({self.start_us})")

    @property
    def is_http(self) -> bool:
        return urlparse(self.url).scheme in ("http", "https")

    @property
    def safe_name(self) -> str:
        """The URL without query string (presigned URLs carry credentials there), for logs and errors."""
        parsed = urlparse(self.url)
        return parsed._replace(query="", fragment="").geturl() if parsed.scheme else self.url


@dataclass(frozen=True, slots=True, eq=False)
class LoadedSegment:
    """A segment in memory: its frames (times strictly increasing, the first a key frame) and the indices of
    its key frames."""

    ref: SegmentRef
    codec: VideoCodec
    units: tuple[EncodedUnit, ...]
    keys: tuple[int, ...]

    @property
    def times(self) -> list[int]:
        return [u.time_us for u in self.units]


def load_segment(ref: SegmentRef, *, timeout: float = 20.0, client: httpx.Client | None = None) -> LoadedSegment:
    """Read and demux ``ref``. Raises PlaybackError: SEGMENT_MISSING (no such file, HTTP 404/410),
    SEGMENT_FORBIDDEN (HTTP 401/403), SEGMENT_UNAVAILABLE (other HTTP status or I/O error), UNREACHABLE
    (connection failed or timed out after ``timeout`` s), SEGMENT_INVALID (not MPEG-TS H.264 video, or no
    key frame)."""
    return _demux(ref, _open_bytes(ref, timeout, client))


def _open_bytes(ref: SegmentRef, timeout: float, client: httpx.Client | None) -> BinaryIO | str:
    if ref.is_http:
        try:
            if client is not None:
                response = client.get(ref.url, headers=dict(ref.headers or {}), timeout=timeout)
            else:
                response = httpx.get(ref.url, headers=dict(ref.headers or {}), timeout=timeout, follow_redirects=True)
        except httpx.TimeoutException:
            raise PlaybackError(UNREACHABLE, f"reading segment {ref.safe_name} timed out") from None
        except httpx.HTTPError as exc:
            raise PlaybackError(UNREACHABLE, f"cannot reach segment {ref.safe_name}: {type(exc).__name__}") from None
        status = response.status_code
        if status in (401, 403):
            raise PlaybackError(SEGMENT_FORBIDDEN, f"segment {ref.safe_name}: HTTP {status}")
        if status in (404, 410):
            raise PlaybackError(SEGMENT_MISSING, f"segment {ref.safe_name}: HTTP {status}")
        if status >= 300:
            raise PlaybackError(SEGMENT_UNAVAILABLE, f"segment {ref.safe_name}: HTTP {status}")
        return io.BytesIO(response.content)
    parsed = urlparse(ref.url)
    path = Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(ref.url)
    if not path.is_file():
        raise PlaybackError(SEGMENT_MISSING, f"segment file {path} does not exist")
    return str(path)


def _demux(ref: SegmentRef, data: BinaryIO | str) -> LoadedSegment:
    try:
        container = cast(InputContainer, av.open(data, format="mpegts"))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise PlaybackError(SEGMENT_INVALID, f"segment {ref.safe_name} is not readable MPEG-TS: {exc}") from None
    units: list[EncodedUnit] = []
    try:
        if not container.streams.video:
            raise PlaybackError(SEGMENT_INVALID, f"segment {ref.safe_name} holds no video")
        stream = container.streams.video[0]
        codec = _CODECS.get(stream.codec_context.name)
        if codec is None:
            raise PlaybackError(SEGMENT_INVALID, f"segment {ref.safe_name} codec {stream.codec_context.name!r}")
        tb = stream.time_base or Fraction(1, 90_000)
        origin: int | None = None  # pts of the segment's first frame: the one at ref.start_us
        try:
            for packet in container.demux(stream):
                ticks = packet.pts if packet.pts is not None else packet.dts
                if packet.size == 0 or ticks is None:
                    continue
                if origin is None:
                    origin = ticks
                if not units and not packet.is_keyframe:
                    continue  # a segment starts at a key frame; skip anything undecodable before one
                time_us = ref.start_us + round((ticks - origin) * tb * 1_000_000)
                if units and time_us <= units[-1].time_us:
                    continue  # times must strictly increase (no B-frames in recorded segments)
                units.append(EncodedUnit(bytes(packet), time_us, bool(packet.is_keyframe)))
        except av.FFmpegError as exc:  # a truncated tail: keep what was readable
            log.info("segment %s readable for %d frames, then: %s", ref.safe_name, len(units), exc)
    finally:
        container.close()
    if not units:
        raise PlaybackError(SEGMENT_INVALID, f"segment {ref.safe_name} has no decodable key frame")
    keys = tuple(i for i, unit in enumerate(units) if unit.key_frame)
    return LoadedSegment(ref, codec, tuple(units), keys)
