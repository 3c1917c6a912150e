"""Thumbnail JPEGs of recorded video: decode one H.264 key frame (PyAV), scale it down, encode JPEG (Pillow)."""

from __future__ import annotations

import io

import av

DEFAULT_WIDTH = 320  # pixels
DEFAULT_QUALITY = 80  # Pillow JPEG quality, 1..95


class ThumbnailError(ValueError):
    """The key frame could not be decoded into a picture."""


def make_thumbnail(key_frame: bytes, *, width: int = DEFAULT_WIDTH, quality: int = DEFAULT_QUALITY) -> bytes:
    """A JPEG file (bytes) of one Annex-B H.264 key frame (with its SPS/PPS in-band), ``width`` pixels wide
    (never wider than the picture), the height keeping the aspect ratio (rounded to even).

    Takes a few milliseconds for 640x360 video: call it from a worker thread. Raises ThumbnailError when the
    key frame does not decode.
    """
    if width < 2:
        raise ValueError("thumbnail width must be at least 2 pixels")
    ctx = av.CodecContext.create("h264", "r")
    try:
        frames = ctx.decode(av.Packet(key_frame))
        frames += ctx.decode(None)
    except av.error.FFmpegError as exc:
        raise ThumbnailError(f"the key frame does not decode: {exc}") from exc
    if not frames:
        raise ThumbnailError("the key frame produced no picture")
    frame = frames[0]
    out_w = min(width, frame.width) // 2 * 2
    out_h = max(2, round(frame.height * out_w / frame.width / 2) * 2)
    image = frame.reformat(width=out_w, height=out_h, format="rgb24").to_image()
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()
