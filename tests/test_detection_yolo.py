"""The YOLO-layout detector (backend.detection.yolo) on models built at test time with ``onnx.helper``.

The model ignores its pixels (its output is a constant plus 0 x the input's mean, so the input is still
consumed) and answers five known anchors: after the confidence threshold, per-class NMS and undoing the
letterbox, exactly three boxes must come out, at known frame coordinates, for every frame of a batch and for
frames of other sizes. Models of the wrong layout, corrupt and missing files are refused with ModelError.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from backend.detection.base import ModelError
from backend.detection.yolo import YoloDetector

CLASSES = ["person", "car", "bus"]
SIZE = 640
# Anchors: cx, cy, w, h (model pixels), then one score per class.
ANCHORS = [
    (320, 320, 100, 50, 0.9, 0.0, 0.0),  # person
    (325, 322, 100, 50, 0.8, 0.1, 0.0),  # person, overlaps the first (IoU 0.85): suppressed
    (100, 200, 40, 40, 0.0, 0.7, 0.0),  # car
    (500, 500, 10, 10, 0.0, 0.0, 0.1),  # bus below the threshold
    (600, 400, 20, 20, 0.6, 0.0, 0.0),  # person, far from the others
]


def yolo_model(path: Path, classes: int = len(CLASSES), anchors=ANCHORS, size: int = SIZE) -> Path:
    """An ONNX model of the YOLO export layout whose output is ``anchors`` (N x (4 + classes) x A)."""
    table = np.array(anchors, dtype=np.float32).T[None]  # 1 x (4 + C) x A
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", ["mean", "shape"], ["mean3"]),
        helper.make_node("Mul", ["mean3", "zero"], ["zeros"]),
        helper.make_node("Add", ["zeros", "table"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes,
        "yolo-layout",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 4 + classes, len(anchors)])],
        initializer=[
            numpy_helper.from_array(np.array([-1, 1, 1], dtype=np.int64), "shape"),
            numpy_helper.from_array(np.zeros((1,), dtype=np.float32), "zero"),
            numpy_helper.from_array(table, "table"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def frame(width: int, height: int) -> np.ndarray:
    return np.random.default_rng(width).integers(0, 255, (height, width, 3), dtype=np.uint8)


def rounded(boxes) -> list[tuple]:
    return [(b.label, round(b.score, 3), tuple(round(v, 1) for v in (b.x1, b.y1, b.x2, b.y2))) for b in boxes]


def test_decoding_thresholds_nms_and_letterbox_give_exactly_the_expected_boxes(tmp_path) -> None:
    detector = YoloDetector(yolo_model(tmp_path / "m.onnx"), CLASSES, confidence=0.25, iou=0.45)
    # 1280 x 720 -> scale 0.5, 140 px of padding above and below.
    expected_hd = [
        ("person", 0.9, (540.0, 310.0, 740.0, 410.0)),
        ("car", 0.7, (160.0, 80.0, 240.0, 160.0)),
        ("person", 0.6, (1180.0, 500.0, 1220.0, 540.0)),
    ]
    first, second = detector.detect([frame(1280, 720), frame(1280, 720)])
    assert rounded(first) == expected_hd and rounded(second) == expected_hd
    # 640 x 480 -> scale 1, 80 px of padding above.
    (vga,) = detector.detect([frame(640, 480)])
    assert rounded(vga) == [
        ("person", 0.9, (270.0, 215.0, 370.0, 265.0)),
        ("car", 0.7, (80.0, 100.0, 120.0, 140.0)),
        ("person", 0.6, (590.0, 310.0, 610.0, 330.0)),
    ]
    # A stricter threshold and a looser NMS.
    strict = YoloDetector(yolo_model(tmp_path / "m2.onnx"), CLASSES, confidence=0.65, iou=0.9)
    assert [b.score for b in strict.detect([frame(1280, 720)])[0]] == pytest.approx([0.9, 0.8, 0.7])
    assert detector.detect([]) == []


def test_models_of_another_layout_and_bad_files_are_refused(tmp_path) -> None:
    with pytest.raises(ModelError, match="4 \\+ 3 classes"):
        YoloDetector(yolo_model(tmp_path / "two.onnx", classes=2, anchors=[a[:6] for a in ANCHORS]), CLASSES)
    with pytest.raises(ModelError, match="does not exist") as missing:
        YoloDetector(tmp_path / "nowhere.onnx", CLASSES)
    assert missing.value.message_ar and missing.value.status == 503
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"not a model at all" * 10)
    with pytest.raises(ModelError, match="not a loadable ONNX model"):
        YoloDetector(corrupt, CLASSES)
