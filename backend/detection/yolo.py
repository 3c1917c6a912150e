"""YOLO-family detector for models in the common export layout (Ultralytics YOLOv8/v11 ONNX export).

Input ``N x 3 x H x W`` float32 RGB in 0..1, letterboxed (backend.detection.geometry); output
``N x (4 + C) x A``: for each of A anchors the box centre x, centre y, width, height in input pixels followed
by C class scores (already sigmoid-ed, no objectness). Decoding: best class per anchor, confidence threshold,
per-class NMS, boxes mapped back to the frame. A model whose input or output does not have this layout is
refused with ModelError at load time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from backend.detection.base import Box, ModelError
from backend.detection.geometry import Letterbox, letterbox, nms
from backend.detection.runtime import open_session


class YoloDetector:
    """See the module docstring. ``classes``: the class names in model order (their count must match the
    output); ``confidence``: minimum score; ``iou``: NMS overlap threshold; ``max_boxes`` per frame."""

    def __init__(
        self,
        model_path: Path,
        classes: Sequence[str],
        *,
        name: str = "yolo",
        confidence: float = 0.25,
        iou: float = 0.45,
        max_boxes: int = 300,
        threads: int = 1,
    ) -> None:
        self.name = name
        self.classes = list(classes)
        self.confidence = confidence
        self.iou = iou
        self.max_boxes = max_boxes
        self._session = open_session(model_path, threads=threads)
        self._input, self._width, self._height = self._check_layout(model_path.name)
        self.input_side = max(self._width, self._height)  # the letterbox scales frames down to this
        self.detect([np.zeros((self._height, self._width, 3), dtype=np.uint8)])  # warm-up

    def _check_layout(self, model: str) -> tuple[str, int, int]:
        inputs, outputs = self._session.get_inputs(), self._session.get_outputs()
        if len(inputs) != 1 or len(outputs) < 1:
            raise ModelError(model, "expected one input and an output")
        shape = inputs[0].shape
        if len(shape) != 4 or shape[1] != 3 or not all(isinstance(d, int) and d > 0 for d in shape[2:]):
            raise ModelError(model, f"input shape {shape} is not N x 3 x H x W")
        out = outputs[0].shape
        if len(out) != 3 or (isinstance(out[1], int) and out[1] != 4 + len(self.classes)):
            raise ModelError(model, f"output shape {out} is not N x (4 + {len(self.classes)} classes) x anchors")
        return inputs[0].name, int(shape[3]), int(shape[2])

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """One list of boxes per frame (RGB uint8 H x W x 3), best first."""
        if not frames:
            return []
        placed = [letterbox(frame, self._width, self._height) for frame in frames]
        batch = np.stack([tensor for tensor, _ in placed])
        output = self._session.run(None, {self._input: batch})[0]
        if output.ndim != 3 or output.shape[1] != 4 + len(self.classes):
            raise ModelError(self.name, f"output shape {output.shape} does not match {len(self.classes)} classes")
        return [self._decode(output[i], placed[i][1]) for i in range(len(frames))]

    def _decode(self, prediction: np.ndarray, placement: Letterbox) -> list[Box]:
        rows = prediction.T  # anchors x (4 + C)
        scores_all = rows[:, 4:]
        class_ids = scores_all.argmax(axis=1)
        scores = scores_all[np.arange(len(rows)), class_ids]
        keep = scores >= self.confidence
        if not keep.any():
            return []
        cx, cy, w, h = (rows[keep, i] for i in range(4))
        xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
        scores, class_ids = scores[keep], class_ids[keep]
        chosen = nms(xyxy, scores, class_ids, self.iou)[: self.max_boxes]
        frame_boxes = placement.to_frame(xyxy[chosen])
        out: list[Box] = []
        for k, i in enumerate(chosen):
            x1, y1, x2, y2 = (float(v) for v in frame_boxes[k])
            class_id = int(class_ids[i])
            out.append(Box(x1, y1, x2, y2, float(scores[i]), class_id, self.classes[class_id]))
        return out
