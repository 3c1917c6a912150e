"""The detector plugin interface: a detector has a name and classes and turns frames into boxes.

Frames are RGB ``numpy`` arrays of shape (H, W, 3), dtype uint8 (what PyAV's ``to_ndarray(format="rgb24")``
gives). Boxes are in the frame's own pixel coordinates (x1, y1) top-left inclusive, (x2, y2) bottom-right, as
floats, with the class index into ``classes`` and a score in 0..1.

A detector may also have ``input_side`` (int, px): the longest frame side it looks at (it scales larger frames
down to its input). The worker then converts sampled frames to RGB at most that large, which is much cheaper
than converting at full size and resizing (``backend.detection.sampling.to_rgb``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from backend.errors import BilingualError


@dataclass(frozen=True, slots=True)
class Box:
    """One detection: pixel corners in the source frame, ``class_id`` into the detector's classes, ``label``
    (the class name) and ``score`` (0..1)."""

    x1: float
    y1: float
    x2: float
    y2: float
    score: float
    class_id: int
    label: str

    @property
    def area(self) -> float:
        return max(0.0, self.x2 - self.x1) * max(0.0, self.y2 - self.y1)


class Detector(Protocol):
    """A loaded, warmed-up model. ``detect`` takes a batch of frames and returns one list of boxes per frame."""

    name: str
    classes: Sequence[str]

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]: ...


class ModelError(BilingualError):
    """503: a detector's model file is missing, unreadable or has an unexpected layout (``details``: model,
    reason). The pipeline skips the detector and reports it in /health."""

    code, status = "detector_model_invalid", 503

    def __init__(self, model: str, reason: str) -> None:
        super().__init__(
            f"The detection model {model} cannot be used: {reason}.",
            f"لا يمكن استخدام نموذج الكشف {model}: {reason}.",
            {"model": model, "reason": reason},
        )
        self.reason = reason
