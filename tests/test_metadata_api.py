"""Tags, tagged ranges (segment tags), annotations and incidents over HTTP (backend.api.metadata): create, list,
patch and delete of each kind; who may do what (an operator annotates and tags footage but may not define tags
or open incidents; only the author, or a supervisor, changes an annotation or range); bad input is bilingual;
``annotation_changed`` / ``incident_changed`` events reach a WebSocket client."""

from __future__ import annotations

import pytest

from tests.metadata_support import T0, Api, make_api


@pytest.fixture
def api(make_backend, backend_settings_factory, tmp_path) -> Api:
    return make_api(make_backend, backend_settings_factory, tmp_path)


def test_tags_crud_and_permissions(api: Api) -> None:
    api.error("olga", "POST", "/tags", 403, "forbidden", json={"name": "Fire"})
    fire = api.ok("sam", "POST", "/tags", 201, json={"name": "Fire", "category": "hazard", "color": "#ff0000"})
    assert (fire["name"], fire["category"], fire["color"], fire["createdBy"]) == ("Fire", "hazard", "#FF0000", "sam")
    api.ok("sam", "POST", "/tags", 201, json={"name": "حريق", "category": "hazard"})
    api.ok("token", "POST", "/tags", 201, json={"name": "Crowd", "category": "crowd"})
    api.error("sam", "POST", "/tags", 409, "tag_exists", json={"name": "FIRE"})
    api.error("sam", "POST", "/tags", 422, "validation_error", json={"name": "x", "color": "red"})
    listed = api.ok("olga", "GET", "/tags")["tags"]
    assert [(t["category"], t["name"]) for t in listed] == [("crowd", "Crowd"), ("hazard", "Fire"), ("hazard", "حريق")]
    api.error("olga", "PATCH", f"/tags/{fire['id']}", 403, "forbidden", json={"color": "#00ff00"})
    patched = api.ok("sam", "PATCH", f"/tags/{fire['id']}", json={"color": "#00ff00", "name": "Fire!"})
    assert (patched["color"], patched["name"]) == ("#00FF00", "Fire!")
    api.error("sam", "PATCH", f"/tags/{fire['id']}", 409, "tag_exists", json={"name": "crowd"})
    api.error("sam", "PATCH", "/tags/999", 404, "tag_not_found", json={"color": "#00ff00"})
    api.error("olga", "DELETE", f"/tags/{fire['id']}", 403, "forbidden")
    assert api.as_("sam", "DELETE", f"/tags/{fire['id']}").status_code == 204
    api.error("sam", "DELETE", f"/tags/{fire['id']}", 404, "tag_not_found")
    api.error("sam", "DELETE", "/tags/99999999999999999999", 422, "validation_error")


def test_tagged_ranges_and_segment_tags(api: Api) -> None:
    tag = api.ok("sam", "POST", "/tags", 201, json={"name": "Queue"})
    body = {"tagId": tag["id"], "cameraId": "cam-metro-1", "start": T0, "end": "2025-10-27T10:05:00Z", "note": "long"}
    mine = api.ok("olga", "POST", "/tagged-ranges", 201, json=body)
    assert (mine["tag"]["name"], mine["createdBy"], mine["segmentId"], mine["note"]) == ("Queue", "olga", None, "long")
    later = {**body, "start": "2025-10-27T12:00:00+04:00", "end": "2025-10-27T12:30:00+04:00"}  # 08:00Z
    other = api.ok("oscar", "POST", "/tagged-ranges", 201, json=later)
    api.error("olga", "POST", "/tagged-ranges", 404, "camera_not_found", json={**body, "cameraId": "nope"})
    api.error("olga", "POST", "/tagged-ranges", 404, "tag_not_found", json={**body, "tagId": 999})
    api.error("olga", "POST", "/tagged-ranges", 400, "end_before_start", json={**body, "end": T0})
    api.error(
        "olga", "POST", "/tagged-ranges", 400, "time_without_timezone", json={**body, "start": "2025-10-27T09:00"}
    )
    ranges = api.ok("olga", "GET", "/tagged-ranges", params={"cameraId": "cam-metro-1"})["ranges"]
    assert [r["id"] for r in ranges] == [other["id"], mine["id"]]  # by start
    window = {"cameraId": "cam-metro-1", "start": "2025-10-27T09:59:00Z", "end": "2025-10-27T10:01:00Z"}
    assert [r["id"] for r in api.ok("olga", "GET", "/tagged-ranges", params=window)["ranges"]] == [mine["id"]]
    # Segment tags: the segment's camera and range.
    seg = api.ok("olga", "POST", "/segments/1/tags", 201, json={"tagId": tag["id"]})
    assert (seg["segmentId"], seg["cameraId"], seg["start"], seg["end"]) == (
        1, "cam-metro-1", "2025-10-27T10:00:00Z", "2025-10-27T10:01:00Z"
    )  # fmt: skip
    assert api.ok("olga", "POST", "/segments/1/tags", 201, json={"tagId": tag["id"]})["id"] == seg["id"]
    api.error("olga", "POST", "/segments/77/tags", 404, "segment_not_found", json={"tagId": tag["id"]})
    api.error("oscar", "DELETE", f"/segments/1/tags/{tag['id']}", 403, "forbidden")  # not the author
    assert api.as_("olga", "DELETE", f"/segments/1/tags/{tag['id']}").status_code == 204
    api.error("olga", "DELETE", f"/segments/1/tags/{tag['id']}", 404, "tag_not_found")
    # Author rule on ranges; a supervisor may delete anyone's.
    api.error("oscar", "DELETE", f"/tagged-ranges/{mine['id']}", 403, "forbidden")
    assert api.as_("olga", "DELETE", f"/tagged-ranges/{mine['id']}").status_code == 204
    assert api.as_("sam", "DELETE", f"/tagged-ranges/{other['id']}").status_code == 204
    api.error("sam", "DELETE", f"/tagged-ranges/{other['id']}", 404, "tagged_range_not_found")
    # Deleting a tag removes its ranges.
    api.ok("olga", "POST", "/tagged-ranges", 201, json=body)
    assert api.as_("sam", "DELETE", f"/tags/{tag['id']}").status_code == 204
    assert api.ok("olga", "GET", "/tagged-ranges")["ranges"] == []


def test_annotations_crud_author_rule_paging_and_events(api: Api) -> None:
    with api.client.websocket_connect(
        f"/api/v1/events?token={api.backend.token}&types=annotation_changed,incident_changed"
    ) as ws:
        a = api.ok("olga", "POST", "/annotations", 201, json={"cameraId": "cam-bus-1", "time": T0, "text": "bag left"})
        assert (a["createdBy"], a["text"], a["end"]) == ("olga", "bag left", None)
        event = ws.receive_json()
        assert event["type"] == "annotation_changed" and event["camera_id"] == "cam-bus-1"
        assert event["data"] == {"id": a["id"], "change": "created", "cameraIds": ["cam-bus-1"]}
        api.error("oscar", "PATCH", f"/annotations/{a['id']}", 403, "forbidden", json={"text": "mine now"})
        api.error("oscar", "DELETE", f"/annotations/{a['id']}", 403, "forbidden")
        changed = api.ok(
            "olga", "PATCH", f"/annotations/{a['id']}", json={"text": "bag taken", "end": "2025-10-27T10:02:00Z"}
        )
        assert (changed["text"], changed["end"]) == ("bag taken", "2025-10-27T10:02:00Z")
        assert ws.receive_json()["data"]["change"] == "updated"
        api.error(
            "olga", "PATCH", f"/annotations/{a['id']}", 400, "end_before_start", json={"end": "2025-10-27T09:00:00Z"}
        )
        sam_edit = api.ok("sam", "PATCH", f"/annotations/{a['id']}", json={"end": None})  # supervisors may
        assert sam_edit["end"] is None and sam_edit["createdBy"] == "olga"
        assert ws.receive_json()["data"]["change"] == "updated"
        assert api.as_("olga", "DELETE", f"/annotations/{a['id']}").status_code == 204
        assert ws.receive_json()["data"] == {"id": a["id"], "change": "deleted", "cameraIds": ["cam-bus-1"]}
        incident = api.ok(
            "sam", "POST", "/incidents", 201,
            json={"title": "t", "start": T0, "end": "2025-10-27T11:00:00Z", "cameraIds": ["cam-metro-2"]},
        )  # fmt: skip
        event = ws.receive_json()
        assert event["type"] == "incident_changed"
        assert event["data"] == {"id": incident["id"], "change": "created", "cameraIds": ["cam-metro-2"]}
    api.error("olga", "GET", f"/annotations/{a['id']}", 404, "annotation_not_found")
    api.error("olga", "POST", "/annotations", 404, "camera_not_found", json={"cameraId": "x", "time": T0, "text": "t"})
    api.error(
        "olga", "POST", "/annotations", 422, "validation_error", json={"cameraId": "cam-bus-1", "time": T0, "text": ""}
    )
    # Paging: newest first, beforeId continues after the given annotation (same times broken by id).
    made = [
        api.ok("oscar", "POST", "/annotations", 201, json={"cameraId": "cam-bus-1", "time": f"2025-10-27T10:0{i // 2}:00Z", "text": f"n{i}"})["id"]
        for i in range(5)
    ]  # fmt: skip
    expected = [made[4], made[3], made[2], made[1], made[0]]
    page = api.ok("olga", "GET", "/annotations", params={"cameraId": "cam-bus-1", "limit": 2})
    assert [x["id"] for x in page["annotations"]] == [made[4], made[3]]
    seen = [x["id"] for x in page["annotations"]]
    while page["nextBeforeId"] is not None:
        page = api.ok("olga", "GET", "/annotations", params={"limit": 2, "beforeId": page["nextBeforeId"]})
        seen += [x["id"] for x in page["annotations"]]
    assert seen == expected
    assert api.ok("olga", "GET", "/annotations", params={"createdBy": "olga"})["annotations"] == []
    window = {"start": "2025-10-27T10:01:00Z", "end": "2025-10-27T10:02:00Z"}
    assert [x["id"] for x in api.ok("olga", "GET", "/annotations", params=window)["annotations"]] == [made[3], made[2]]
    api.error("olga", "GET", "/annotations", 400, "invalid_parameter", params={"beforeId": 12345})
    api.error("olga", "GET", "/annotations", 422, "validation_error", params={"limit": 0})


def test_incidents_crud_and_permissions(api: Api) -> None:
    tag = api.ok("sam", "POST", "/tags", 201, json={"name": "Fire"})
    body = {
        "title": "Smoke at platform 2",
        "description": "Smoke seen near the escalator",
        "severity": "high",
        "cameraIds": ["cam-metro-1", "cam-bus-1"],
        "start": T0,
        "end": "2025-10-27T10:30:00Z",
        "tagIds": [tag["id"]],
        "assignee": "OLGA",
    }
    api.error("olga", "POST", "/incidents", 403, "forbidden", json=body)
    inc = api.ok("sam", "POST", "/incidents", 201, json=body)
    assert (inc["severity"], inc["status"], inc["assignee"], inc["createdBy"]) == ("high", "open", "olga", "sam")
    assert inc["cameraIds"] == ["cam-bus-1", "cam-metro-1"] and inc["agencies"] == ["BUS", "METRO"]
    assert [t["name"] for t in inc["tags"]] == ["Fire"] and inc["closedAt"] is None
    assert api.ok("olga", "GET", f"/incidents/{inc['id']}") == inc  # operators read
    api.error("sam", "POST", "/incidents", 422, "unknown_user", json={**body, "assignee": "nobody"})
    api.error("sam", "POST", "/incidents", 404, "camera_not_found", json={**body, "cameraIds": ["nope"]})
    api.error("sam", "POST", "/incidents", 404, "tag_not_found", json={**body, "tagIds": [999]})
    api.error("sam", "POST", "/incidents", 422, "validation_error", json={**body, "severity": "apocalyptic"})
    api.error("sam", "POST", "/incidents", 400, "end_before_start", json={**body, "end": T0})
    api.error("olga", "PATCH", f"/incidents/{inc['id']}", 403, "forbidden", json={"status": "closed"})
    closed = api.ok(
        "sam", "PATCH", f"/incidents/{inc['id']}", json={"status": "closed", "assignee": None, "tagIds": []}
    )
    assert closed["status"] == "closed" and closed["closedAt"] is not None
    assert closed["assignee"] is None and closed["tags"] == [] and closed["title"] == body["title"]
    reopened = api.ok(
        "sam", "PATCH", f"/incidents/{inc['id']}", json={"status": "investigating", "cameraIds": ["cam-police-1"]}
    )
    assert reopened["closedAt"] is None and reopened["agencies"] == ["DUBAI_POLICE"]
    page = api.ok("olga", "GET", "/incidents")
    assert page["total"] == 1 and page["incidents"][0]["id"] == inc["id"]
    api.error("olga", "DELETE", f"/incidents/{inc['id']}", 403, "forbidden")
    assert api.as_("sam", "DELETE", f"/incidents/{inc['id']}").status_code == 204
    api.error("olga", "GET", f"/incidents/{inc['id']}", 404, "incident_not_found")
    api.error("sam", "PATCH", f"/incidents/{inc['id']}", 404, "incident_not_found", json={"title": "x"})
    # Audit: every state change is recorded with the route's detail.
    r = api.client.get(
        "/api/v1/audit", params={"actor": "sam"}, headers={"Authorization": f"Bearer {api.tokens['admin']}"}
    )
    actions = {e["action"] for e in r.json()["entries"]}
    assert "POST /api/v1/metadata/incidents" in actions and "DELETE /api/v1/metadata/incidents/{incident_id}" in actions
