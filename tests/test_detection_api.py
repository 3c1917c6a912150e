"""Detection search, summaries, thumbnails and status over the HTTP API (backend.api.detections).

In-process backends (TestClient). Detection rows are inserted directly into the ``detections`` table and every
answer is compared with what plain Python computes from the same rows (filters, order, paging, summaries).
Thumbnails come from real footage: 640x360 H.264 frames that carry a ``media.stamp`` stamp of their own time
inside the detection's box are written by the recorder's SegmentWriter into the backend's spool and indexed by
the storage layer; the thumbnail must be the crop of the frame at the detection's time (stamp and pixels),
from the spool and, after the real uploader ran, from the object store.
"""

from __future__ import annotations

import io
import random
import time
import uuid
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import insert, text

from backend.db.models import Camera, Detection
from backend.detection.search import DetectionFilter, search_statement
from backend.playback.component import PlaybackComponent
from backend.playback.ranges import from_us, iso_z
from backend.storage.component import StorageComponent
from media.encoder import H264Encoder, yuv420_shape
from media.recorder_packets import EncodedPacket
from media.segment_writer import ClosedSegment, SegmentWriter
from media.stamp import Stamp, draw_stamp, read_stamp
from tests.backend_fixtures import InProcessBackend, wait_until
from tests.detection_rows import detection_row

S, MS = 1_000_000, 1000
T0_US = 1_790_000_000 * S
LABELS = ("person", "car", "face", "bus")
DETECTOR = {"person": "yolo", "car": "yolo", "bus": "yolo", "face": "face"}
ADMIN_PASSWORD = "admin password 1"
DUBAI = timezone(timedelta(hours=4))


def has_arabic(value: str) -> bool:
    return any(0x0600 <= ord(ch) <= 0x06FF for ch in value)


def bilingual(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and has_arabic(error["message_ar"]), error
    return error


def add_camera(b: InProcessBackend, name: str) -> str:
    cam = str(uuid.uuid4())
    with b.app.state.db.session() as s:
        s.add(
            Camera(
                id=cam,
                name=name,
                agency="OTHER",
                storage_mode="LOCAL",
                rtsp_url=f"rtsp://127.0.0.1:9/{name}",
                created_us=T0_US,
                updated_us=T0_US,
            )
        )
    return cam


def insert_detections(b: InProcessBackend, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert rows (dicts of Detection columns); returns them with their ids."""
    with b.app.state.db.session() as s:
        ids = s.execute(insert(Detection).returning(Detection.id), rows).scalars().all()
    return [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]


def detection(camera_id: str, at_us: int, label: str, score: float, **extra: Any) -> dict[str, Any]:
    row = detection_row(camera_id, at_us, label, score, detector=DETECTOR[label], class_id=LABELS.index(label))
    return {**row, **extra}


def wire(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "cameraId": row["camera_id"],
        "time": iso_z(row["at_us"]),
        "label": row["label"],
        "score": row["score"],
        "detector": row["detector"],
        "box": {k: row[k] for k in ("x1", "y1", "x2", "y2")},
        "frameWidth": row["frame_width"],
        "frameHeight": row["frame_height"],
        "segmentId": row["segment_id"],
    }


def newest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["at_us"], r["id"]), reverse=True)


# ---------------------------------------------------------------------------------------------- search


@pytest.fixture
def stocked(make_backend, backend_settings_factory) -> tuple[InProcessBackend, list[str], list[dict[str, Any]]]:
    """A backend with two cameras and 240 detections (several per frame time, so ids break ties)."""
    b = make_backend(backend_settings_factory(None))
    cams = [add_camera(b, "north"), add_camera(b, "south")]
    rng = random.Random(6)
    rows = []
    for n in range(120):
        at = T0_US + (n // 2) * 500_000  # two rows per frame time
        for cam in cams:
            rows.append(detection(cam, at, rng.choice(LABELS), round(rng.uniform(0.2, 1.0), 3)))
    rng.shuffle(rows)  # ids do not follow time
    return b, cams, insert_detections(b, rows)


def test_filters_and_order_are_exact(stocked) -> None:
    b, (north, south), rows = stocked
    start, end = T0_US + 5 * S, T0_US + 20 * S
    cases: list[tuple[dict[str, Any], Any]] = [
        ({}, lambda r: True),
        ({"cameraId": north}, lambda r: r["camera_id"] == north),
        ({"label": "person"}, lambda r: r["label"] == "person"),
        ({"cameraId": south, "label": "car"}, lambda r: r["camera_id"] == south and r["label"] == "car"),
        ({"start": iso_z(start), "end": iso_z(end)}, lambda r: start <= r["at_us"] < end),
        ({"minScore": "0.75"}, lambda r: r["score"] >= 0.75),
        ({"detector": "face"}, lambda r: r["detector"] == "face"),
        (
            {
                "cameraId": north,
                "start": from_us(T0_US + 5 * S).astimezone(DUBAI).isoformat(),
                "minScore": "0.5",
                "detector": "yolo",
            },
            lambda r: (
                r["camera_id"] == north
                and r["at_us"] >= T0_US + 5 * S
                and r["score"] >= 0.5
                and r["detector"] == "yolo"
            ),
        ),
        ({"cameraId": str(uuid.uuid4())}, lambda r: False),
    ]
    for params, keep in cases:
        r = b.get("/api/v1/detections", params={**params, "limit": 1000})
        assert r.status_code == 200, r.text
        body = r.json()
        expected = [wire(row) for row in newest_first([row for row in rows if keep(row)])]
        assert body == {"detections": expected, "nextBeforeId": None}, params
    assert len(b.get("/api/v1/detections").json()["detections"]) == 100  # default page size


@pytest.mark.parametrize("params", [{}, {"cameraId": "north"}, {"label": "face"}, {"minScore": "0.6"}])
def test_paging_with_before_id_walks_every_row_once(stocked, params) -> None:
    b, (north, _south), rows = stocked
    params = {k: (north if v == "north" else v) for k, v in params.items()}
    keep = [
        row
        for row in rows
        if row["camera_id"] == params.get("cameraId", row["camera_id"])
        and row["label"] == params.get("label", row["label"])
        and row["score"] >= float(params.get("minScore", 0))
    ]
    pages, before = [], None
    while True:
        query = {**params, "limit": 7, **({"beforeId": before} if before is not None else {})}
        body = b.get("/api/v1/detections", params=query).json()
        pages.append([d["id"] for d in body["detections"]])
        before = body["nextBeforeId"]
        if before is None:
            break
        assert before == pages[-1][-1] and len(pages[-1]) == 7
    assert [i for page in pages for i in page] == [row["id"] for row in newest_first(keep)]
    assert len(pages) == -(-len(keep) // 7)


def test_summary_per_label_is_exact(stocked) -> None:
    b, (north, south), rows = stocked
    start, end = T0_US + 3 * S, T0_US + 17 * S
    r = b.get(f"/api/v1/cameras/{south}/detections/summary", params={"start": iso_z(start), "end": iso_z(end)})
    assert r.status_code == 200, r.text
    inside = [row for row in rows if row["camera_id"] == south and start <= row["at_us"] < end]
    expected = []
    for label in sorted({row["label"] for row in inside}):
        mine = [row for row in inside if row["label"] == label]
        expected.append(
            {
                "label": label,
                "count": len(mine),
                "first": iso_z(min(row["at_us"] for row in mine)),
                "last": iso_z(max(row["at_us"] for row in mine)),
                "maxScore": max(row["score"] for row in mine),
            }
        )
    assert r.json() == {"cameraId": south, "start": iso_z(start), "end": iso_z(end), "labels": expected}
    assert sum(label["count"] for label in expected) == len(inside) > 0
    empty = b.get(
        f"/api/v1/cameras/{north}/detections/summary", params={"start": iso_z(T0_US - 9 * S), "end": iso_z(T0_US)}
    )
    assert empty.status_code == 200 and empty.json()["labels"] == []
    unknown = f"/api/v1/cameras/{uuid.uuid4()}/detections/summary"
    bilingual(b.get(unknown, params={"start": iso_z(start), "end": iso_z(end)}), 404, "camera_not_found")


BAD = [
    ("/api/v1/detections", {"start": "2026-09-21T10:00:00"}, "time_without_timezone"),
    ("/api/v1/detections", {"end": "yesterday"}, "invalid_time"),
    ("/api/v1/detections", {"start": "2026-09-21T10:00:00Z", "end": "2026-09-21T09:00:00Z"}, "end_before_start"),
    ("/api/v1/detections", {"minScore": "1.5"}, "invalid_parameter"),
    ("/api/v1/detections", {"minScore": "high"}, "invalid_parameter"),
    ("/api/v1/detections", {"limit": "0"}, "invalid_parameter"),
    ("/api/v1/detections", {"limit": "1001"}, "invalid_parameter"),
    ("/api/v1/detections", {"beforeId": "-3"}, "invalid_parameter"),
    ("/api/v1/detections", {"beforeId": "999999"}, "invalid_before_id"),
    ("summary", {"start": "2026-09-21T10:00:00Z", "end": "2026-09-21T11:00:00"}, "time_without_timezone"),
    ("summary", {"start": "2026-09-21T10:00:00Z", "end": "2026-09-21T10:00:00Z"}, "end_before_start"),
    ("/api/v1/detections/abc/thumbnail", {}, "invalid_parameter"),
]


@pytest.mark.parametrize(("path", "params", "code"), BAD)
def test_bad_input_is_a_bilingual_400(stocked, path, params, code) -> None:
    b, (north, _south), _rows = stocked
    url = f"/api/v1/cameras/{north}/detections/summary" if path == "summary" else path
    bilingual(b.get(url, params=params), 400, code)


def test_searches_walk_the_indexes(make_backend, backend_settings_factory) -> None:
    """100k rows: every search's plan is an index SEARCH (never a SCAN of the table) and answers quickly."""
    b = make_backend(backend_settings_factory(None))
    cams = [add_camera(b, f"cam{i}") for i in range(5)]
    rng = random.Random(1)
    rows = [
        detection(rng.choice(cams), T0_US + rng.randrange(86_400 * S), rng.choice(LABELS), rng.random())
        for _ in range(100_000)
    ]
    with b.app.state.db.session() as s:
        s.execute(insert(Detection), rows)
    filters = [
        DetectionFilter(),
        DetectionFilter(camera_id=cams[0]),
        DetectionFilter(label="car", min_score=0.5),
        DetectionFilter(camera_id=cams[1], label="face", start_us=T0_US, end_us=T0_US + 3600 * S),
        DetectionFilter(start_us=T0_US + 3600 * S, end_us=T0_US + 7200 * S, detector="yolo"),
        DetectionFilter(camera_id=cams[2], before_id=5000),
    ]
    reads = b.app.state.reads
    for flt in filters:

        def plan(session, flt=flt) -> list[str]:
            sql = str(search_statement(session, flt).compile(reads.engine, compile_kwargs={"literal_binds": True}))
            return [row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]

        steps = reads.read(plan)
        searches = [s for s in steps if s.startswith("SEARCH detections USING INDEX")]
        assert searches and not any(s.startswith("SCAN detections") for s in steps), (flt, steps)
    started = time.perf_counter()
    for flt in filters[1:4]:
        params = {"cameraId": flt.camera_id, "label": flt.label}
        assert b.get("/api/v1/detections", params={k: v for k, v in params.items() if v}).status_code == 200
    assert (time.perf_counter() - started) / 3 < 0.25  # ~2 ms of SQL each; generous for a shared 2-core box


# ---------------------------------------------------------------------------------------------- access, status


def test_operator_reads_token_required_and_status(make_backend, backend_settings_factory, tmp_path) -> None:
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    b = make_backend(backend_settings_factory(None, auth={"admin_password_file": str(secret)}))
    cam = add_camera(b, "gate")
    [row] = insert_detections(b, [detection(cam, T0_US, "person", 0.9)])
    admin = b.client.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).json()
    body = {"username": "olga", "password": "operator password", "role": "operator"}
    assert b.client.post("/api/v1/users", json=body, headers=bearer(admin["token"])).status_code == 201
    olga = b.client.post("/api/v1/auth/login", json={"username": "olga", "password": "operator password"}).json()
    routes = [
        "/api/v1/detections",
        f"/api/v1/cameras/{cam}/detections/summary?start={iso_z(T0_US)}&end={iso_z(T0_US + S)}",
        "/api/v1/detection/status",
    ]
    for url in routes:
        bilingual(b.client.get(url), 401, "unauthorized")
        bilingual(b.client.get(url, headers=bearer("not-a-token")), 401, "unauthorized")
        assert b.client.get(url, headers=bearer(olga["token"])).status_code == 200, url
    assert b.client.get(routes[0], headers=bearer(olga["token"])).json()["detections"] == [wire(row)]
    bilingual(b.client.get(f"/api/v1/detections/{row['id']}/thumbnail"), 401, "unauthorized")

    status = b.get("/api/v1/detection/status").json()
    assert status == {
        "enabled": False,
        "detectors": [],
        "lagSeconds": None,
        "pendingSegments": 0,
        "processedTotal": 0,
        "failedTotal": 0,
        "live": [],
    }

    class Service:
        def status(self) -> dict[str, Any]:
            return {
                "enabled": True,
                "detectors": [
                    {"name": "yolo", "state": "ok"},
                    {"name": "face", "state": "error", "message": "model missing", "message_ar": "النموذج مفقود"},
                ],
                "lag_seconds": 12.5,
                "pending_segments": 3,
                "processed_total": 40,
                "failed_total": 1,
            }

    b.app.state.detection = Service()
    status = b.get("/api/v1/detection/status").json()
    assert status["enabled"] is True and status["lagSeconds"] == 12.5 and status["pendingSegments"] == 3
    assert (status["processedTotal"], status["failedTotal"]) == (40, 1)
    assert status["detectors"][1] == {
        "name": "face",
        "state": "error",
        "message": "model missing",
        "messageAr": "النموذج مفقود",
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------------------------------------- thumbnails

FPS, FRAME_MS = 10, 100
W, H = 640, 360
BOX = (0.25, 0.25, 0.75, 0.75)  # 320x180 pixels at (160, 90): its own stamp, dark fill
BOX_INDEX, FRAME_INDEX = 7, 42


class HeldUploadStorage(StorageComponent):
    """The real storage component, with the uploader started only when the test says so."""

    async def start(self) -> None:
        upload = self.uploader.start
        self.uploader.start = _noop  # type: ignore[method-assign]
        try:
            await super().start()
        finally:
            self.uploader.start = upload  # type: ignore[method-assign]


async def _noop() -> None:
    return None


def boxed_segments(spool: Path, cam: str, start_ms: int, seconds: float) -> list[ClosedSegment]:
    """``seconds`` of 10 fps 640x360 H.264 (key frame every second): grey frames stamped with their time at
    the top, and inside BOX a dark area carrying a second stamp of the same time; 4 s segments."""
    encoder = H264Encoder(W, H, FPS)
    writer = SegmentWriter(spool, cam, segment_seconds=4.0, fsync=False)
    closed: list[ClosedSegment] = []
    x1, y1, x2, y2 = (round(BOX[0] * W), round(BOX[1] * H), round(BOX[2] * W), round(BOX[3] * H))
    try:
        for n in range(round(seconds * FPS)):
            t_ms = start_ms + n * FRAME_MS
            frame = np.full(yuv420_shape(W, H), 128, dtype=np.uint8)
            luma = frame[:H]
            draw_stamp(luma, Stamp(FRAME_INDEX, t_ms))
            luma[y1:y2, x1:x2] = 60
            draw_stamp(luma[y1:y2, x1:x2], Stamp(BOX_INDEX, t_ms))
            encoded = encoder.encode(frame, t_ms, key_frame=n % FPS == 0)
            closed += writer.write(EncodedPacket(encoded.data, t_ms * MS, encoded.key_frame))
        last = writer.close()
        if last is not None:
            closed.append(last)
    finally:
        encoder.close()
    return closed


def check_thumbnail(r: Any, t_ms: int) -> None:
    """The crop of BOX with 25 % margins (480x270 -> 320x180): the box's stamp says ``t_ms``, the margin is
    the grey background, the box's lower part its dark fill."""
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg", r.text
    assert r.headers["x-picture-time"] == iso_z(t_ms * MS)
    image = Image.open(io.BytesIO(r.content))
    assert image.size == (320, 180)
    pixels = np.asarray(image.convert("RGB"))
    assert read_stamp(pixels[30:150, 53:267]) == Stamp(BOX_INDEX, t_ms)  # the box: 320x180 * 2/3 at (53, 30)
    assert abs(pixels[:, :45].mean() - 128) < 12 and abs(pixels[:25, :].mean() - 128) < 12  # margins
    assert abs(pixels[100:145, 60:260].mean() - 60) < 12  # the box's fill under its stamp


def test_thumbnail_is_the_crop_of_the_frame_at_the_detection_time(make_backend, backend_settings_factory) -> None:
    settings = backend_settings_factory(None, storage={"spool_min_free_mb": 0})
    b = make_backend(settings, components=[HeldUploadStorage, PlaybackComponent])
    cam = add_camera(b, "thumbs")
    storage = b.app.state.storage
    t0_ms = (int(time.time()) - 3600) * 1000
    closed = boxed_segments(storage.spool.root, cam, t0_ms, 8.0)
    assert len(closed) == 2
    seg_ids = [storage.index.add_closed_segment(seg, cam) for seg in closed]
    times = [t0_ms + 2300, t0_ms + 3900, t0_ms + 5600]
    box = dict(zip(("x1", "y1", "x2", "y2"), BOX, strict=True))
    rows = insert_detections(
        b,
        [
            detection(cam, times[0] * MS, "person", 0.9, segment_id=seg_ids[0], **box),
            detection(cam, times[1] * MS, "person", 0.8, segment_id=seg_ids[0], **box),
            detection(cam, times[2] * MS, "car", 0.7, segment_id=seg_ids[1], **box),
            detection(cam, times[0] * MS, "face", 0.6, segment_id=None, **box),  # live, at a recorded moment
            detection(cam, (t0_ms - 60_000) * MS, "face", 0.6, segment_id=None, **box),  # live, nothing recorded
        ],
    )
    for row, t_ms in zip(rows[:3], times, strict=True):
        check_thumbnail(b.get(f"/api/v1/detections/{row['id']}/thumbnail"), t_ms)  # from the spool

    check_thumbnail(b.get(f"/api/v1/detections/{rows[3]['id']}/thumbnail"), times[0])  # the recording of that moment
    missing = b.get(f"/api/v1/detections/{rows[4]['id']}/thumbnail")
    bilingual(missing, 404, "thumbnail_unavailable")
    assert "No recording of this detection's moment" in missing.json()["error"]["message"]
    bilingual(b.get("/api/v1/detections/987654/thumbnail"), 404, "detection_not_found")
    Path(closed[1].path).unlink()  # lost before upload
    bilingual(b.get(f"/api/v1/detections/{rows[2]['id']}/thumbnail"), 404, "thumbnail_unavailable")

    b.client.portal.call(storage.uploader.start)  # type: ignore[union-attr]
    wait_until(lambda: storage.index.get(seg_ids[0]).storage_state == "uploaded", 30)
    assert not Path(closed[0].path).exists()
    check_thumbnail(b.get(f"/api/v1/detections/{rows[1]['id']}/thumbnail"), times[1])  # from the object store
