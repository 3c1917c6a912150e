"""What a detection worker process does for live mode: decode one sampled picture and run the loaded detectors.

The backend process only demultiplexes a camera's live stream (``backend.detection.live``); the sampled picture
travels to the worker as its encoded access units (``LiveJob``: a key frame and, when the camera's GOP is longer
than the sampling interval, the frames after it up to the sampled one: kilobytes instead of megabytes of RGB),
is decoded here with a fresh PyAV decoder, and the newest picture decoded (the sampled one) goes through the
same detectors as recorded segments (``backend.detection.worker``: loaded and warmed once per process).
:func:`analyse_live` never raises for an undecodable picture or a failing detector: the error is in the result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import cast

import av
from av.video.codeccontext import VideoCodecContext

from backend.detection.sampling import DecodeError, SampledFrame, to_rgb
from backend.detection.worker import FoundBox, detect_frames, input_side, loaded_detectors

log = logging.getLogger(__name__)

# Codec names of ``media.recorder_packets.EncodedPacket`` -> PyAV decoder names.
DECODERS = {"h264": "h264", "h265": "hevc", "jpeg": "mjpeg"}


@dataclass(frozen=True, slots=True)
class LiveJob:
    """One sampled live picture: ``packets`` the encoded access units (Annex-B for H.264/H.265, a JPEG image
    for ``jpeg``) from a key frame to the sampled frame, ``times_us`` their wall times (UTC µs), ``codec`` as
    the packet source names it (``h264``, ``h265``, ``jpeg``)."""

    camera_id: str
    codec: str
    packets: tuple[bytes, ...]
    times_us: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LiveResult:
    """What :func:`analyse_live` found: ``at_us`` the analysed picture's wall time (UTC µs; None when nothing
    decoded), its boxes, and ``error`` (None when it was analysed)."""

    camera_id: str
    at_us: int | None
    boxes: tuple[FoundBox, ...]
    error: str | None


def decode_sample(job: LiveJob, max_side: int | None = None) -> SampledFrame:
    """The newest picture the job's packets decode to, as RGB (scaled down to ``max_side`` px on the longer
    side when larger) with its wall time (the packet's ``time_us`` carried through the decoder as pts) and
    recorded size. Raises DecodeError when the codec is unknown or nothing decodes."""
    name = DECODERS.get(job.codec)
    if name is None:
        raise DecodeError(f"live video in {job.codec!r} is not supported")
    if not job.packets or len(job.packets) != len(job.times_us):
        raise DecodeError("no encoded picture to decode")
    newest: av.VideoFrame | None = None
    try:
        decoder = cast(VideoCodecContext, av.CodecContext.create(name, "r"))
        for data, time_us in zip(job.packets, job.times_us, strict=True):
            packet = av.Packet(data)
            packet.pts = time_us
            for picture in decoder.decode(packet):
                newest = _newer(newest, picture)
        for picture in decoder.decode(None):
            newest = _newer(newest, picture)
    except av.error.FFmpegError as exc:
        if newest is None:
            raise DecodeError(f"the live picture does not decode: {exc}") from exc
    if newest is None:
        raise DecodeError("the live picture does not decode")
    at_us = int(newest.pts) if newest.pts is not None else job.times_us[-1]
    return SampledFrame(at_us, to_rgb(newest, max_side), newest.width, newest.height)


def _newer(current: av.VideoFrame | None, picture: av.VideoFrame) -> av.VideoFrame:
    if current is None or (picture.pts is not None and (current.pts is None or picture.pts >= current.pts)):
        return picture
    return current


def analyse_live(job: LiveJob) -> LiveResult:
    """Decode the job's picture and run this process's detectors on it (see the module docstring)."""
    detectors = loaded_detectors()
    try:
        sampled = decode_sample(job, input_side(detectors))
    except DecodeError as exc:
        return LiveResult(job.camera_id, None, (), str(exc))
    try:
        boxes = detect_frames(detectors, [sampled])
    except Exception as exc:  # a detector failing at run time: report it, the worker goes on
        log.exception("live detection failed on camera %s", job.camera_id)
        return LiveResult(job.camera_id, sampled.at_us, (), f"detection failed: {type(exc).__name__}: {exc}")
    return LiveResult(job.camera_id, sampled.at_us, tuple(boxes), None)
