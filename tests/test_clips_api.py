"""Clip routes over HTTP (backend.api.clips) on an in-process backend with the storage, clips and playback
components, a filesystem store, no Milestone (footage = the backend's own segments) and a ManualClock.

Checks: who may do what (operator reads, supervisor creates and deletes), bilingual errors for bad input
(time without timezone, bad range, no footage, unknown camera or clip), ``clip_changed`` events, audit
detail, and the retention job of the running backend sparing the clip's segments (reported in /health and
/metrics) until the clip is deleted.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine

from backend.db.models import Camera
from backend.metadata.component import MetadataComponent
from backend.playback.component import PlaybackComponent
from backend.playback.ranges import iso_z
from backend.storage.clips_component import ClipsComponent
from backend.storage.component import StorageComponent
from milestone.clock import ManualClock
from tests.test_auth_api import Api, bilingual
from tests.test_storage_support import CAM_A, CAM_B, T0_US, make_segment

ADMIN_PASSWORD = "admin password 1"
USERS = {"olga": ("operator", "operator password"), "sam": ("supervisor", "supervisor password")}
S_US = 1_000_000
DAY_S = 86_400
CLIPS = "/api/v1/storage/clips"


@pytest.fixture
def api(make_backend, backend_settings_factory, tmp_path) -> Api:
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    clock = ManualClock(wall=T0_US / 1e6 + 3600)
    settings = backend_settings_factory(
        None,
        auth={"admin_password_file": str(secret)},
        storage={"lifecycle_days": {"recordings": 1}},
        retention={"first_pass_delay_s": 1e6},  # passes are run by the test
        detection={"enabled": False},
    )
    components = [StorageComponent, ClipsComponent, PlaybackComponent, MetadataComponent]
    harness = Api(make_backend(settings, clock=clock, components=components), clock)
    harness.log_in("admin", ADMIN_PASSWORD)
    for name, (role, password) in USERS.items():
        r = harness.as_("admin", "POST", "/api/v1/users", json={"username": name, "password": password, "role": role})
        assert r.status_code == 201, r.text
        harness.log_in(name, password)
    engine = create_engine(settings.db_url)
    with engine.begin() as conn:
        for i, camera_id in enumerate((CAM_A, CAM_B)):
            values = dict(id=camera_id, name=f"Camera {i}", rtsp_url=f"rtsp://127.0.0.1/{i}", storage_mode="LOCAL")
            conn.execute(Camera.__table__.insert().values(**values, created_us=T0_US, updated_us=T0_US))
    engine.dispose()
    storage = harness.backend.app.state.storage
    for start_s in (0, 60, 120):  # three segments of camera A, one second each
        closed = make_segment(storage.spool.root, CAM_A, T0_US + start_s * S_US)
        storage.index.add_closed_segment(closed, CAM_A)
    return harness


def _body(**changes: Any) -> dict[str, Any]:
    body = {
        "cameraIds": [CAM_A, CAM_B],
        "start": iso_z(T0_US + 50 * S_US),
        "end": iso_z(T0_US + 130 * S_US),
        "title": "Collision at gate 3",
        "reason": "incident 41",
    }
    return body | changes


def test_clip_routes_permissions_errors_events_and_audit(api: Api) -> None:
    bilingual(api.as_("olga", "POST", CLIPS, json=_body()), 403, "forbidden")
    url = f"/api/v1/events?token={api.tokens['admin']}&types=clip_changed"
    with api.client.websocket_connect(url) as ws:
        r = api.as_("sam", "POST", CLIPS, json=_body())
        assert r.status_code == 201, r.text
        created = ws.receive_json()
        clip = r.json()
        r = api.as_("sam", "DELETE", f"{CLIPS}/{clip['id']}")
        assert r.status_code == 204, r.text
        deleted = ws.receive_json()
    assert clip["cameraIds"] == sorted([CAM_A, CAM_B]) and clip["createdBy"] == "sam" and clip["hold"] == "database"
    assert clip["segments"] == 2 and clip["sizeBytes"] > 0  # the segments at 60 s and 120 s
    assert clip["start"] == iso_z(T0_US + 50 * S_US) and clip["title"] == "Collision at gate 3"
    assert created["type"] == "clip_changed" and created["data"]["action"] == "created"
    assert created["data"]["clip"]["id"] == clip["id"]
    assert deleted["data"]["action"] == "deleted" and deleted["data"]["clip"]["id"] == clip["id"]

    # Bad input, bilingual.
    naive = _body(start="2026-09-21T00:00:50", end="2026-09-21T00:02:10")
    assert bilingual(api.as_("sam", "POST", CLIPS, json=naive), 400, "time_without_timezone")["details"]["field"]
    bilingual(api.as_("sam", "POST", CLIPS, json=_body(end=iso_z(T0_US + 50 * S_US))), 422, "bad_range")
    empty = _body(start=iso_z(T0_US + 200 * S_US), end=iso_z(T0_US + 300 * S_US))
    bilingual(api.as_("sam", "POST", CLIPS, json=empty), 422, "no_footage")
    bilingual(api.as_("sam", "POST", CLIPS, json=_body(cameraIds=[CAM_B])), 422, "no_footage")  # B never recorded
    bilingual(api.as_("sam", "POST", CLIPS, json=_body(cameraIds=["nope"])), 404, "camera_not_found")
    bilingual(api.as_("sam", "POST", CLIPS, json=_body(title="")), 422, "validation_error")
    bilingual(api.as_("olga", "GET", f"{CLIPS}/{clip['id']}"), 404, "clip_not_found")
    bilingual(api.as_("olga", "GET", f"{CLIPS}/abc"), 400, "invalid_parameter")
    bilingual(api.as_("sam", "DELETE", f"{CLIPS}/{clip['id']}"), 404, "clip_not_found")
    bilingual(api.as_("olga", "GET", CLIPS, params={"start": "2026-09-21T00:00:00"}), 400, "time_without_timezone")

    # Audited with the clip's detail.
    entries = api.audit(action="POST /api/v1/storage/clips", outcome="success")
    assert entries and entries[0]["detail"]["clipId"] == clip["id"] and entries[0]["detail"]["reason"] == "incident 41"
    assert api.audit(action="DELETE /api/v1/storage/clips/{clip_id}", outcome="success")


def test_listing_and_retention_of_a_running_backend(api: Api) -> None:
    body = {k: v for k, v in _body().items() if k != "reason"} | {"description": "barrier hit at gate 3"}
    made = api.as_("sam", "POST", "/api/v1/metadata/incidents", json=body)
    assert made.status_code == 201, made.text
    incident = made.json()
    ids = []
    for i in range(3):
        body = _body(cameraIds=[CAM_A], start=iso_z(T0_US + i * 60 * S_US), end=iso_z(T0_US + (i * 60 + 1) * S_US))
        r = api.as_(
            "sam", "POST", CLIPS, json=body | {"title": f"clip {i}", "incidentId": incident["id"] if i else None}
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    # The incident lists the clips made for it; a clip for an incident that does not exist is refused.
    again = api.as_("olga", "GET", f"/api/v1/metadata/incidents/{incident['id']}").json()
    assert again["clipIds"] == ids[1:] and again["exportIds"] == []
    bilingual(api.as_("sam", "POST", CLIPS, json=_body(incidentId=incident["id"] + 100)), 404, "incident_not_found")
    page = api.as_("olga", "GET", CLIPS, params={"limit": 2}).json()  # operators read
    assert [c["id"] for c in page["clips"]] == [ids[2], ids[1]] and page["nextBeforeCreated"]
    rest = api.as_("olga", "GET", CLIPS, params={"limit": 2, "beforeCreated": page["nextBeforeCreated"]}).json()
    assert [c["id"] for c in rest["clips"]] == [ids[0]] and rest["nextBeforeCreated"] is None
    assert [
        c["id"] for c in api.as_("olga", "GET", CLIPS, params={"incidentId": incident["id"]}).json()["clips"]
    ] == ids[:0:-1]
    assert api.as_("olga", "GET", CLIPS, params={"cameraId": CAM_B}).json()["clips"] == []
    window = {"start": iso_z(T0_US + 100 * S_US), "end": iso_z(T0_US + 200 * S_US)}
    assert [c["id"] for c in api.as_("olga", "GET", CLIPS, params=window).json()["clips"]] == [ids[2]]

    # Retention two days later: the clips' three segments stay; after deleting two clips, one stays.
    api.clock.advance(2 * DAY_S)
    retention = api.backend.app.state.retention
    report = retention.run_once()
    assert report.deleted == 0 and report.kept_by_clips == 3
    for name, password in (("admin", ADMIN_PASSWORD), ("sam", USERS["sam"][1]), ("olga", USERS["olga"][1])):
        api.log_in(name, password)  # the log-ins of two days ago have expired
    for clip_id in ids[:2]:
        assert api.as_("sam", "DELETE", f"{CLIPS}/{clip_id}").status_code == 204
    report = retention.run_once()
    assert report.deleted == 2 and report.kept_by_clips == 1
    assert api.as_("olga", "GET", f"{CLIPS}/{ids[2]}").json()["segments"] == 1
    check = api.client.get("/health").json()["checks"]["retention"]
    assert check["status"] == "ok" and check["data"]["keptByClips"] == 1 and check["data"]["deleted"] == 2, check
    metrics = api.as_("admin", "GET", "/metrics").text
    assert "backend_retention_segments_deleted_total 2.0" in metrics
    assert "backend_retention_kept_by_clips_segments 1.0" in metrics
