"""Camera import and re-sync against the real simulator (8 enabled cameras + 1 disabled, 2 recording servers)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.cameras.agency import guess_agency
from backend.cameras.mapping import parse_gis_point
from backend.db.models import Camera, SyncHistory
from simulator.inventory import agency_of, camera_id, camera_name, recorder_id

CAMERAS = 8  # the shared simulator's enabled cameras; index 8 is the disabled extra one
DISABLED = camera_id(CAMERAS)


def import_all(b) -> dict[str, dict]:
    ids = [camera_id(i) for i in range(CAMERAS + 1)]
    r = b.post("/api/v1/cameras/import", json={"cameras": [{"milestoneDeviceId": i} for i in ids]})
    assert r.status_code in (200, 201), r.text
    return {c["milestoneDeviceId"]: c for c in r.json()["cameras"]}


def wait_sync(b, wait_for, sync_id: int) -> dict:
    return wait_for(lambda: (r := b.get(f"/api/v1/milestone/sync/{sync_id}").json())["status"] != "running" and r)


def test_agency_guess_and_gis_point():
    assert [guess_agency(camera_name(i)) for i in range(4)] == ["DUBAI_POLICE", "METRO", "BUS", "OTHER"]
    assert guess_agency("Metro - Bus interchange") == "METRO"
    assert guess_agency("dubai_police-gate") == "DUBAI_POLICE"
    assert guess_agency("Busan Street") == "OTHER"
    assert parse_gis_point("POINT (55.2708 25.2048)") == (25.2048, 55.2708)
    assert parse_gis_point("POINT EMPTY") is None


def test_milestone_listing_filters_and_paging(backend):
    r = backend.get("/api/v1/milestone/cameras")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == CAMERAS + 1 and body["imported"] == 0
    first = {c["id"]: c for c in body["cameras"]}
    cam0 = first[camera_id(0)]
    assert cam0["name"] == camera_name(0) and cam0["suggestedAgency"] == agency_of(0)
    assert cam0["imported"] is False and cam0["cameraId"] is None
    assert cam0["recordingServerId"] == recorder_id(0) and cam0["streamIds"]
    assert first[DISABLED]["enabled"] is False

    disabled = backend.get("/api/v1/milestone/cameras", params={"enabled": "false"}).json()
    assert [c["id"] for c in disabled["cameras"]] == [DISABLED] and disabled["total"] == 1
    metro = backend.get("/api/v1/milestone/cameras", params={"search": "metro"}).json()
    assert metro["total"] == sum(1 for i in range(CAMERAS + 1) if agency_of(i) == "METRO")
    assert all("METRO" in c["name"] for c in metro["cameras"])
    by_server = backend.get("/api/v1/milestone/cameras", params={"recordingServer": cam0["recordingServer"]}).json()
    assert by_server["total"] == CAMERAS // 2 and all(
        c["recordingServerId"] == recorder_id(0) for c in by_server["cameras"]
    )

    pages = [backend.get("/api/v1/milestone/cameras", params={"limit": 4, "offset": o}).json() for o in (0, 4, 8)]
    assert [len(p["cameras"]) for p in pages] == [4, 4, 1] and all(p["total"] == CAMERAS + 1 for p in pages)
    assert [c["id"] for p in pages for c in p["cameras"]] == [c["id"] for c in body["cameras"]]


def test_import_reimport_and_listing_flags(backend):
    target = camera_id(1)
    r = backend.post(
        "/api/v1/cameras/import",
        json={
            "milestoneDeviceId": target,
            "nameAr": "محطة الاتحاد",
            "location": {"address": "Union Sq", "latitude": 25.26, "longitude": 55.31},
        },
    )
    assert r.status_code == 201, r.text
    (cam,) = r.json()["cameras"]
    assert cam["agency"] == "METRO" and cam["name"] == camera_name(1) and cam["storageMode"] == "MILESTONE"
    assert cam["nameAr"] == "محطة الاتحاد" and cam["location"] == "Union Sq" and cam["latitude"] == 25.26
    assert cam["recordingServerId"] == recorder_id(0) and cam["manualRecordingTimeoutMinutes"] == 5
    assert r.json()["created"] == 1

    # Re-import: same id, updated fields, no duplicate, 200.
    r = backend.post(
        "/api/v1/cameras/import",
        json={"cameras": [{"milestoneDeviceId": target.upper(), "source": "OTHER", "storageMode": "BOTH"}]},
    )
    assert r.status_code == 200, r.text
    again = r.json()["cameras"][0]
    assert again["id"] == cam["id"] and again["agency"] == "OTHER" and again["storageMode"] == "BOTH"
    assert again["nameAr"] == "محطة الاتحاد"  # not given: kept
    listed = backend.get("/api/v1/cameras").json()
    assert listed["total"] == 1
    flags = backend.get("/api/v1/milestone/cameras", params={"imported": "true"}).json()
    assert flags["imported"] == 1 and [(c["id"], c["cameraId"]) for c in flags["cameras"]] == [(target, cam["id"])]
    history = backend.get(f"/api/v1/milestone/sync/{r.json()['syncId']}").json()
    assert history["kind"] == "import" and history["status"] == "succeeded" and history["updated"] == 1

    # A batch with an unknown id writes nothing.
    r = backend.post(
        "/api/v1/cameras/import",
        json={"cameras": [{"milestoneDeviceId": camera_id(2)}, {"milestoneDeviceId": "no-such-id"}]},
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "milestone_camera_not_found"
    assert r.json()["error"]["details"]["missing"] == ["no-such-id"] and r.json()["error"]["message_ar"]
    assert backend.get("/api/v1/cameras").json()["total"] == 1


def test_patch_and_filtered_camera_list(backend):
    cams = import_all(backend)
    cam = cams[camera_id(2)]
    r = backend.patch(
        f"/api/v1/cameras/{cam['id']}",
        json={
            "agency": "DUBAI_POLICE",
            "nameAr": "كاميرا",
            "rtspUrl": "rtsp://10.0.0.5:554/s1",
            "storageMode": "LOCAL",
        },
    )
    assert r.status_code == 200, r.text
    assert (r.json()["agency"], r.json()["storageMode"], r.json()["rtspUrl"]) == (
        "DUBAI_POLICE",
        "LOCAL",
        "rtsp://10.0.0.5:554/s1",
    )
    assert backend.get(f"/api/v1/cameras/{cam['id']}").json()["nameAr"] == "كاميرا"
    bad = backend.patch(f"/api/v1/cameras/{cam['id']}", json={"rtspUrl": "rtsp://user:pw@10.0.0.5/s1"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "rtsp_url_invalid" and "pw" not in bad.text
    assert backend.patch("/api/v1/cameras/nope", json={"nameAr": "x"}).status_code == 404
    assert backend.patch(f"/api/v1/cameras/{cam['id']}", json={"agency": "ARMY"}).status_code == 422

    police = backend.get("/api/v1/cameras", params={"agency": "DUBAI_POLICE"}).json()
    expected = {camera_id(i) for i in range(CAMERAS + 1) if agency_of(i) == "DUBAI_POLICE"} | {camera_id(2)}
    assert {c["milestoneDeviceId"] for c in police["cameras"]} == expected
    assert backend.get("/api/v1/cameras", params={"enabled": "false"}).json()["total"] == 1
    assert backend.get("/api/v1/cameras", params={"storageMode": "LOCAL"}).json()["total"] == 1
    page = backend.get("/api/v1/cameras", params={"limit": 5, "offset": 5}).json()
    assert page["total"] == CAMERAS + 1 and len(page["cameras"]) == 4
    assert backend.get("/api/v1/cameras", params={"search": "al ghubaiba"}).json()["total"] >= 1


def test_sync_all_detects_renamed_moved_disabled_removed(backend, wait_for):
    cams = import_all(backend)
    db = backend.app.state.db
    renamed, custom, moved, restored = (cams[camera_id(i)]["id"] for i in (0, 1, 2, 3))
    disabled = cams[DISABLED]["id"]
    with db.session() as s:
        row = s.get(Camera, renamed)  # as if XProtect had another name at the last sync
        row.name, row.milestone_metadata = "Old Name", {**row.milestone_metadata, "name": "Old Name"}
        s.get(Camera, custom).name = "Custom Admin Name"  # an administrator's own name
        row = s.get(Camera, moved)
        row.recording_server_id, row.recording_server_name = recorder_id(1), "Recording Server 2"
        s.get(Camera, restored).removed_from_milestone = True
        s.get(Camera, disabled).enabled = True  # XProtect has it disabled
        gone = Camera(
            id="gone-1",
            milestone_device_id="00000000-0000-0000-0000-000000000001",
            name="Gone",
            agency="BUS",
            created_us=1,
            updated_us=1,
        )
        s.add(gone)

    with backend.client.websocket_connect(f"/api/v1/events?token={backend.token}&types=camera_status") as ws:
        r = backend.post("/api/v1/milestone/sync-all")
        assert r.status_code == 202, r.text
        sync_id = r.json()["syncJobId"]
        assert r.headers["location"].endswith(f"/milestone/sync/{sync_id}")
        result = wait_sync(backend, wait_for, sync_id)
        events = [ws.receive_json() for _ in range(5)]
    assert result["status"] == "succeeded", result
    assert (result["total"], result["processed"]) == (CAMERAS + 2, CAMERAS + 2)
    assert (result["updated"], result["disabled"], result["removed"], result["errors"]) == (5, 1, 1, 0)
    kinds = {d["cameraId"]: {c["kind"] for c in d["changes"]} for d in result["details"]["cameras"]}
    assert kinds == {
        renamed: {"renamed"},
        moved: {"moved"},
        restored: {"restored"},
        disabled: {"disabled"},
        "gone-1": {"removed"},
    }
    assert {e["camera_id"] for e in events} == set(kinds) and all(e["data"]["reason"] == "synced" for e in events)
    with db.session() as s:
        assert s.get(Camera, renamed).name == camera_name(0)
        assert s.get(Camera, custom).name == "Custom Admin Name"  # custom names survive a sync
        assert s.get(Camera, moved).recording_server_id == recorder_id(0)
        assert s.get(Camera, restored).removed_from_milestone is False
        assert s.get(Camera, disabled).enabled is False
        assert s.get(Camera, "gone-1").removed_from_milestone is True
        history = s.scalars(select(SyncHistory).where(SyncHistory.id == sync_id)).one()
        assert history.kind == "sync_all" and history.finished_us >= history.started_us
    runs = backend.get("/api/v1/milestone/sync").json()["runs"]
    assert runs[0]["id"] == sync_id and runs[1]["kind"] == "import"


def test_sync_all_auto_import_with_agency_filter(backend, wait_for):
    r = backend.post("/api/v1/milestone/sync-all", json={"sourceFilter": "BUS", "autoImport": True})
    assert r.status_code == 202, r.text
    result = wait_sync(backend, wait_for, r.json()["syncJobId"])
    bus_cams = [i for i in range(CAMERAS + 1) if agency_of(i) == "BUS"]
    assert result["status"] == "succeeded" and result["created"] == len(bus_cams) == result["total"]
    listed = backend.get("/api/v1/cameras").json()["cameras"]
    assert sorted(c["milestoneDeviceId"] for c in listed) == sorted(camera_id(i) for i in bus_cams)
    assert {c["agency"] for c in listed} == {"BUS"}


def test_sync_one_camera(backend):
    cams = import_all(backend)
    cam = cams[camera_id(5)]
    with backend.app.state.db.session() as s:
        s.get(Camera, cam["id"]).recording_server_id = recorder_id(0)
        s.add(
            Camera(id="rtsp-only", name="Yard", agency="OTHER", rtsp_url="rtsp://10.1.1.1/", created_us=1, updated_us=1)
        )
    r = backend.put(f"/api/v1/cameras/{cam['id']}/sync")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["kind"] for c in body["changes"]] == ["moved"] and body["camera"]["recordingServerId"] == recorder_id(1)
    assert backend.get(f"/api/v1/milestone/sync/{body['syncId']}").json()["kind"] == "sync_one"
    again = backend.put(f"/api/v1/cameras/{cam['id']}/sync").json()
    assert again["changes"] == []
    r = backend.put("/api/v1/cameras/rtsp-only/sync")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_a_milestone_camera"
    assert backend.put("/api/v1/cameras/unknown/sync").status_code == 404


@pytest.mark.parametrize("route", ["/api/v1/milestone/sync-all", "/api/v1/milestone/cameras"])
def test_milestone_routes_refuse_while_disconnected(make_backend, backend_settings_factory, simulator, route):
    settings = backend_settings_factory(simulator, milestone={"base_url": "http://127.0.0.1:9"})
    b = make_backend(settings)
    r = b.post(route) if route.endswith("sync-all") else b.get(route)
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["code"] == "milestone_unavailable" and error["message_ar"]
    assert b.get("/api/v1/milestone/sync").json()["runs"] == []  # no history row for a refused run
