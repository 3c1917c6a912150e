"""The detection pipeline in an in-process backend with the real storage component and worker processes.

Segments are real: frames stamped with their wall time (``media.stamp``) are encoded with PyAV and cut by the
recorder's ``SegmentWriter`` into the backend's spool, indexed and uploaded by the real uploader to the
filesystem object store. The detector is a YOLO-layout model built with ``onnx.helper`` whose output is
known (tests/test_detection_yolo.py): every sampled frame gives the same three boxes. The detections' times
must be the stamps read back from the decoded frames, about ``sample_fps`` per second; an undecodable segment
gets a failed run and the next one is still analysed; a missing model is reported in /health (English and
Arabic) while segments are still uploaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
import uuid
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy import select

from backend.db.models import Camera, Detection, DetectionRun, Segment
from backend.detection.component import DetectionComponent
from backend.detection.yolo import YoloDetector
from backend.playback.ranges import iso_z
from backend.playback.sources import SegmentLocator
from backend.storage.component import StorageComponent
from media.encoder import H264Encoder, yuv420_shape
from media.recorder_packets import EncodedPacket
from media.segment_writer import ClosedSegment, SegmentWriter
from media.stamp import Stamp, draw_stamp, read_stamp
from tests.test_detection_yolo import CLASSES, yolo_model

FPS = 10
WIDTH, HEIGHT = 320, 180
CAM_INDEX = 7
SAMPLE_FPS = 2.0
ARABIC = range(0x0600, 0x0700)


def has_arabic(text: str | None) -> bool:
    return bool(text) and any(ord(c) in ARABIC for c in text)  # type: ignore[union-attr]


def stamped_segments(spool: Path, cam: str, start_ms: int, seconds: float) -> list[ClosedSegment]:
    """``seconds`` of 10 fps H.264 stamped with their times (key frame every second), 4 s segments."""
    encoder = H264Encoder(WIDTH, HEIGHT, FPS)
    writer = SegmentWriter(spool, cam, segment_seconds=4.0, fsync=False)
    closed: list[ClosedSegment] = []
    try:
        for n in range(round(seconds * FPS)):
            t_ms = start_ms + n * 100
            frame = np.full(yuv420_shape(WIDTH, HEIGHT), 128, dtype=np.uint8)
            frame[:HEIGHT] = 90 + (n * 7) % 60
            draw_stamp(frame[:HEIGHT], Stamp(CAM_INDEX, t_ms))
            encoded = encoder.encode(frame, t_ms, key_frame=n % FPS == 0)
            closed += writer.write(EncodedPacket(encoded.data, t_ms * 1000, encoded.key_frame))
        last = writer.close()
        if last is not None:
            closed.append(last)
    finally:
        encoder.close()
    return closed


def garbage_segment(spool: Path, cam: str, like: ClosedSegment, start_us: int) -> ClosedSegment:
    """A file of random bytes indexed as a segment (its size and SHA-256 right, so it uploads)."""
    data = os.urandom(50_000)
    path = like.path.with_name(f"{start_us}.ts")
    path.write_bytes(data)
    span = like.end_us - like.start_us
    return dataclasses.replace(
        like,
        path=path,
        start_us=start_us,
        end_us=start_us + span,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def add_camera(app) -> str:
    cam = str(uuid.uuid4())
    now = int(time.time() * 1e6)
    with app.state.db.session() as s:
        s.add(
            Camera(
                id=cam,
                name="detect",
                agency="OTHER",
                storage_mode="LOCAL",
                rtsp_url="rtsp://127.0.0.1:9/detect",
                created_us=now,
                updated_us=now,
            )
        )
    return cam


def upload(app, cam: str, segments: list[ClosedSegment]) -> list[int]:
    storage = app.state.storage
    ids = [storage.index.add_closed_segment(seg, cam) for seg in segments]
    storage.uploader.notify()
    return ids


def rows(app, model, *where):
    with app.state.db.session() as s:
        return list(s.scalars(select(model).where(*where)))


def metric(b, name: str) -> float | None:
    for line in b.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return None


@pytest.fixture
def model(tmp_path) -> Path:
    return yolo_model(tmp_path / "yolo.onnx")


def detection_settings(backend_settings_factory, model_path: str, **extra):
    detection = {
        "yolo_model": model_path,
        "yolo_classes": CLASSES,
        "face": False,
        "sample_fps": SAMPLE_FPS,
        "batch_size": 3,
        **extra,
    }
    return backend_settings_factory(None, storage={"spool_min_free_mb": 0}, detection=detection)


def expected_boxes(model_path: Path) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """What the model gives on any WIDTH x HEIGHT frame, normalised (the constant output of the model)."""
    detector = YoloDetector(model_path, CLASSES)
    found = detector.detect([np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)])[0]
    return sorted((b.label, b.class_id, (b.x1 / WIDTH, b.y1 / HEIGHT, b.x2 / WIDTH, b.y2 / HEIGHT)) for b in found)


def decoded_stamps_us(path: Path) -> list[int]:
    """The stamp (UTC µs) read from every decoded frame of a segment file."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            stamp = read_stamp(frame.to_ndarray(format="rgb24"))
            assert stamp is not None and stamp.camera_index == CAM_INDEX
            out.append(stamp.timestamp_ms * 1000)
    return out


def test_uploaded_segments_get_detections_at_the_sampled_frames_times(
    backend_settings_factory, make_backend, wait_for, model
):
    settings = detection_settings(backend_settings_factory, str(model))
    b = make_backend(settings, components=[StorageComponent, DetectionComponent])
    cam = add_camera(b.app)
    start_ms = (int(time.time()) - 600) * 1000
    url = f"/api/v1/events?token={b.token}&types=detection"
    with b.client.websocket_connect(url) as ws:
        closed = stamped_segments(b.app.state.storage.spool.root, cam, start_ms, 8.0)
        assert len(closed) == 2
        ids = upload(b.app, cam, closed)
        wait_for(lambda: len(rows(b.app, DetectionRun)) == 2, 60)
        event = ws.receive_json()
    runs = {r.segment_id: r for r in rows(b.app, DetectionRun)}
    assert set(runs) == set(ids) and all(r.state == "done" and r.error is None for r in runs.values())

    expected = expected_boxes(model)
    assert [label for label, _, _ in expected] == ["car", "person", "person"]
    locator = SegmentLocator(b.app.state.storage.spool.root, b.app.state.storage.store)
    for segment_id in ids:
        segment = rows(b.app, Segment, Segment.id == segment_id)[0]
        assert segment.storage_state == "uploaded"
        path = locator.object_path(segment)  # type: ignore[arg-type]
        assert path is not None and path.is_file()
        stamps = decoded_stamps_us(path)
        assert len(stamps) == 40
        found = rows(b.app, Detection, Detection.segment_id == segment_id)
        times = sorted({d.at_us for d in found})
        # about sample_fps per second: 4 s at 2 fps, one frame every 500 ms from the first frame
        assert times == stamps[::5] and len(times) == 8
        assert runs[segment_id].frames == 8 and runs[segment_id].detections == len(found) == 24
        for at in times:
            at_frame = sorted((d.label, d.class_id, (d.x1, d.y1, d.x2, d.y2)) for d in found if d.at_us == at)
            assert [(lbl, cid) for lbl, cid, _ in at_frame] == [(lbl, cid) for lbl, cid, _ in expected]
            for (_, _, got), (_, _, want) in zip(at_frame, expected, strict=True):
                assert got == pytest.approx(want, abs=1e-6)
        assert {(d.camera_id, d.detector, d.frame_width, d.frame_height) for d in found} == {
            (cam, "yolo", WIDTH, HEIGHT)
        }

    # The watched label "person" was announced once (10 s rate limit per camera and label).
    assert event["type"] == "detection" and event["camera_id"] == cam
    data = event["data"]
    announced = rows(b.app, Detection, Detection.id == data["id"])[0]
    assert data["label"] == announced.label == "person" and data["detector"] == "yolo"
    assert data["time"] == iso_z(announced.at_us) and data["score"] == pytest.approx(announced.score)
    assert data["box"] == pytest.approx(
        {"x1": announced.x1, "y1": announced.y1, "x2": announced.x2, "y2": announced.y2}
    )

    # The pending figure is refreshed just after a run is written (status() does no I/O): wait for it.
    wait_for(lambda: b.app.state.detection.status().pending_segments == 0, 10)
    status = b.app.state.detection.status()
    assert status.pending_segments == 0 and status.lag_seconds == 0 and status.processed_total == 2
    assert [(d.name, d.state) for d in status.detectors] == [("yolo", "ok")]
    health = b.client.get("/health").json()["checks"]["detection"]
    assert health["ok"] and health["status"] == "ok" and health["critical"] is False
    assert metric(b, "backend_detection_pending_segments") == 0
    assert metric(b, 'backend_detection_runs{state="done"}') == 2


def test_undecodable_segment_gets_a_failed_run_and_the_next_is_analysed(
    backend_settings_factory, make_backend, wait_for, model
):
    settings = detection_settings(backend_settings_factory, str(model))
    b = make_backend(settings, components=[StorageComponent, DetectionComponent])
    cam = add_camera(b.app)
    start_ms = (int(time.time()) - 600) * 1000
    spool = b.app.state.storage.spool.root
    good = stamped_segments(spool, cam, start_ms, 4.0)
    assert len(good) == 1
    bad = garbage_segment(spool, cam, good[0], good[0].start_us + 60_000_000)
    # Newest first: the bad segment is analysed first, the good one after it.
    bad_id, good_id = upload(b.app, cam, [bad, *good])
    wait_for(lambda: len(rows(b.app, DetectionRun)) == 2, 60)
    runs = {r.segment_id: r for r in rows(b.app, DetectionRun)}
    assert runs[bad_id].state == "failed" and runs[bad_id].error and runs[bad_id].detections == 0
    assert runs[bad_id].finished_us <= runs[good_id].started_us
    assert runs[good_id].state == "done" and runs[good_id].frames == 8 and runs[good_id].detections == 24
    assert len(rows(b.app, Detection, Detection.segment_id == bad_id)) == 0
    # The pending figure is refreshed just after a run is written (status() does no I/O): wait for it.
    status = b.app.state.detection.status
    wait_for(lambda: (status().processed_total, status().failed_total, status().pending_segments) == (1, 1, 0), 10)
    assert metric(b, 'backend_detection_runs{state="failed"}') == 1


def test_missing_model_is_reported_and_upload_goes_on(backend_settings_factory, make_backend, wait_for, tmp_path):
    settings = detection_settings(backend_settings_factory, str(tmp_path / "no-such-model.onnx"))
    b = make_backend(settings, components=[StorageComponent, DetectionComponent])

    def detection_check():
        r = b.client.get("/health")
        check = r.json()["checks"]["detection"]
        return (r, check) if check["status"] != "starting" else None

    response, check = wait_for(detection_check, 60)
    assert response.status_code == 200  # not critical: the backend stays ready
    assert check["ok"] is False and check["critical"] is False and check["status"] == "detector_error"
    assert "no-such-model.onnx" in check["message"] and "does not exist" in check["message"]
    assert has_arabic(check["message_ar"]) and "no-such-model.onnx" in check["message_ar"]
    status = b.app.state.detection.status()
    assert [(d.name, d.state) for d in status.detectors] == [("yolo", "error")]
    assert has_arabic(status.detectors[0].message_ar)
    assert metric(b, 'backend_detection_detector_up{detector="yolo"}') == 0

    cam = add_camera(b.app)
    closed = stamped_segments(b.app.state.storage.spool.root, cam, (int(time.time()) - 600) * 1000, 4.0)
    (segment_id,) = upload(b.app, cam, closed)
    wait_for(lambda: rows(b.app, Segment, Segment.id == segment_id)[0].storage_state == "uploaded", 30)
    wait_for(lambda: b.app.state.detection.status().pending_segments == 1, 40)
    assert rows(b.app, DetectionRun) == [] and rows(b.app, Detection) == []
    assert b.app.state.detection.status().lag_seconds >= 0
    assert metric(b, "backend_detection_pending_segments") == 1
