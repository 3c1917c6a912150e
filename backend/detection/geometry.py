"""Letterboxing (resize keeping the aspect ratio, pad to the model's square input) and non-maximum suppression,
in numpy. The layout is the one YOLO exports expect: pad with grey (114) centred, RGB scaled to 0..1, N x 3 x H x W.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

PAD_VALUE = 114


@dataclass(frozen=True, slots=True)
class Letterbox:
    """How a frame was fitted into the model input: ``scale`` (model px per frame px) and the padding ``pad_x``,
    ``pad_y`` (model px) on the left and top."""

    scale: float
    pad_x: float
    pad_y: float

    def to_frame(self, boxes: np.ndarray) -> np.ndarray:
        """(K, 4) x1, y1, x2, y2 in model pixels -> frame pixels."""
        out = boxes.astype(np.float64, copy=True)
        out[:, [0, 2]] = (out[:, [0, 2]] - self.pad_x) / self.scale
        out[:, [1, 3]] = (out[:, [1, 3]] - self.pad_y) / self.scale
        return out


def letterbox(frame: np.ndarray, width: int, height: int) -> tuple[np.ndarray, Letterbox]:
    """``frame`` (H, W, 3) uint8 RGB -> (3, height, width) float32 in 0..1 and how it was placed."""
    h, w = frame.shape[:2]
    scale = min(width / w, height / h)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resized = np.asarray(Image.fromarray(frame).resize((new_w, new_h), Image.Resampling.BILINEAR))
    canvas = np.full((height, width, 3), PAD_VALUE, dtype=np.uint8)
    pad_x, pad_y = (width - new_w) // 2, (height - new_h) // 2
    canvas[pad_y : pad_y + new_h, pad_x : pad_x + new_w] = resized
    tensor = canvas.transpose(2, 0, 1).astype(np.float32) / 255.0
    return tensor, Letterbox(scale, float(pad_x), float(pad_y))


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of one (4,) box with (K, 4) boxes (x1, y1, x2, y2)."""
    x1 = np.maximum(box[0], others[:, 0])
    y1 = np.maximum(box[1], others[:, 1])
    x2 = np.minimum(box[2], others[:, 2])
    y2 = np.minimum(box[3], others[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def nms(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray, iou_threshold: float) -> list[int]:
    """Indices kept by greedy non-maximum suppression within each class, highest score first."""
    keep: list[int] = []
    for cls in np.unique(classes):
        idx = np.flatnonzero(classes == cls)
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        while idx.size:
            best, idx = idx[0], idx[1:]
            keep.append(int(best))
            if idx.size:
                idx = idx[iou(boxes[best], boxes[idx]) <= iou_threshold]
    return sorted(keep, key=lambda i: -scores[i])
