"""Decoded frames and the newest-frame slot that hands them from a decode worker to the GUI."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True, eq=False)
class DecodedFrame:
    """One decoded, scaled picture ready to paint.

    ``data`` is a C-contiguous ``numpy.uint8`` array of shape ``(height, width, 4)`` in BGRA byte order with
    alpha 255: on little-endian machines it maps directly to ``QImage.Format_RGB32`` with
    ``bytesPerLine = width * 4``. ``picture_ms`` is the picture time in ms UTC from the GenericByteData header
    (or the ``Current`` header for JPEG; MILESTONE_PROTOCOL.md §3). ``received_monotonic`` and
    ``decoded_monotonic`` are the engine clock's monotonic seconds when the packet arrived and when the
    frame was ready; their difference is the decode-and-scale latency.
    """

    data: np.ndarray
    width: int
    height: int
    picture_ms: int
    received_monotonic: float
    decoded_monotonic: float


class FrameSlot:
    """A one-frame mailbox: the producer overwrites, the consumer takes the newest. Thread-safe.

    Frames never queue here: a frame put over one that was not yet taken replaces it (the caller counts it as
    dropped-unshown).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: DecodedFrame | None = None

    def put(self, frame: DecodedFrame) -> bool:
        """Store ``frame``; return True when it replaced a frame nobody took (that one is dropped)."""
        with self._lock:
            replaced = self._frame is not None
            self._frame = frame
            return replaced

    def take(self) -> DecodedFrame | None:
        """Remove and return the newest frame, or None when no new frame arrived since the last take."""
        with self._lock:
            frame, self._frame = self._frame, None
            return frame

    def is_empty(self) -> bool:
        """True when the consumer has taken the last frame (it is ready for a new one)."""
        with self._lock:
            return self._frame is None

    def clear(self) -> None:
        """Drop the held frame, if any."""
        with self._lock:
            self._frame = None
