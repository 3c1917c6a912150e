"""Simulator REST Config API over real sockets (MILESTONE_PROTOCOL.md §2)."""

from __future__ import annotations

import base64
import io

import av
import httpx
import pytest

from media.stamp import read_stamp
from simulator.inventory import camera_id, hardware_id
from simulator.probe import access_token


@pytest.fixture(scope="module")
def rest(simulator):
    token = access_token(simulator.management_url, simulator.password)
    client = httpx.Client(
        base_url=simulator.management_url + "/api/rest/v1", headers={"Authorization": f"Bearer {token}"}
    )
    yield client
    client.close()


def test_camera_fields_and_join_to_recording_server(rest, simulator):
    cameras = rest.get("/cameras").json()["array"]
    assert [c["id"] for c in cameras] == [camera_id(i) for i in range(8)]
    cam = cameras[0]
    for name in (
        "id",
        "name",
        "displayName",
        "shortName",
        "description",
        "enabled",
        "channel",
        "createdDate",
        "lastModified",
        "gisPoint",
        "recordingEnabled",
        "recordingFramerate",
        "prebufferEnabled",
        "prebufferSeconds",
        "manualRecordingTimeoutEnabled",
        "manualRecordingTimeoutMinutes",
        "ptzEnabled",
        "recordingStorage",
    ):
        assert name in cam, name
    assert cam["manualRecordingTimeoutEnabled"] is True and cam["manualRecordingTimeoutMinutes"] in (5, 15)
    assert cam["relations"] == {
        "parent": {"type": "hardware", "id": hardware_id(0)},
        "self": {"type": "cameras", "id": camera_id(0)},
    }
    assert {c["name"].split(" - ")[0] for c in cameras} == {"DUBAI_POLICE", "METRO", "BUS", "OTHER"}
    assert any(c["ptzEnabled"] for c in cameras)
    hw = rest.get(f"/hardware/{cam['relations']['parent']['id']}").json()["data"]
    assert hw["relations"]["parent"]["type"] == "recordingServers" and hw["address"].startswith("http://")
    rs = rest.get(f"/recordingServers/{hw['relations']['parent']['id']}").json()["data"]
    assert rs["name"] == "Recording Server 1"
    assert (rs["hostName"], rs["portNumber"]) == ("127.0.0.1", simulator.recorder_ports[0])
    assert rs["webServerUri"] == f"http://127.0.0.1:{simulator.recorder_ports[0]}/"
    last_hw = rest.get(f"/hardware/{hardware_id(7)}").json()["data"]
    assert last_hw["relations"]["parent"]["id"] == simulator.info["recording_servers"][1]["id"]


def test_single_items_streams_and_recording_servers(rest, simulator):
    one = rest.get(f"/cameras/{camera_id(3)}").json()
    assert set(one) == {"data"} and one["data"]["id"] == camera_id(3)
    streams = rest.get(f"/cameras/{camera_id(3)}/streams").json()["array"]
    assert len(streams) == 1
    stream = streams[0]["stream"][0]
    assert stream["liveDefault"] is True and stream["defaultPlayback"] is True and stream["streamReferenceId"]
    servers = rest.get("/recordingServers").json()["array"]
    assert [s["name"] for s in servers] == ["Recording Server 1", "Recording Server 2"]
    assert [s["id"] for s in servers] == [r["id"] for r in simulator.info["recording_servers"]]
    held = rest.get(f"/recordingServers/{servers[1]['id']}/hardware").json()["array"]
    assert [h["id"] for h in held] == [hardware_id(i) for i in range(4, 8)]
    assert rest.get(f"/hardware/{hardware_id(2)}/cameras").json()["array"][0]["id"] == camera_id(2)


def test_hardware_paging_with_embedded_cameras(rest):
    seen: list[str] = []
    page = 0
    while True:
        items = rest.get("/hardware", params={"includeChildren": "cameras", "page": page, "size": 3}).json()["array"]
        assert len(items) <= 3
        for hw in items:
            assert len(hw["cameras"]) == 1
            assert hw["cameras"][0]["relations"]["parent"]["id"] == hw["id"]
            seen.append(hw["cameras"][0]["id"])
        if len(items) < 3:
            break
        page += 1
    assert page == 2 and seen == [camera_id(i) for i in range(8)]


def test_disabled_items_only_with_the_disabled_parameter(rest):
    assert len(rest.get("/cameras").json()["array"]) == 8
    with_disabled = rest.get("/cameras?disabled").json()["array"]
    assert len(with_disabled) == 9 and with_disabled[-1]["enabled"] is False
    assert len(rest.get("/hardware").json()["array"]) == 8
    assert len(rest.get("/hardware", params={"disabled": ""}).json()["array"]) == 9


def test_error_envelopes(rest, simulator):
    missing = "00000000-0000-0000-0000-000000000001"
    r = rest.get(f"/cameras/{missing}")
    assert r.status_code == 404
    assert r.json() == {"error": {"httpCode": 404, "details": [{"errorText": f"Device not found. cameras/{missing}"}]}}
    assert rest.get("/recordings").json()["error"]["details"][0]["errorText"] == "Unknown resource: recordings"
    r = httpx.get(simulator.management_url + "/api/rest/v1/cameras", headers={"Authorization": "Bearer junk"})
    assert r.status_code == 401 and r.json()["error"]["httpCode"] == 401


def test_paths_are_case_insensitive_like_iis(rest, simulator):
    r = httpx.get(simulator.management_url + "/API/rest/v1/RecordingServers", headers=rest.headers)
    assert r.status_code == 200 and len(r.json()["array"]) == 2


def test_jpeg_get_live_task_and_403_for_operator(simulator, rest):
    r = rest.post(f"/cameras/{camera_id(7)}", params={"task": "JpegGetLive"}, json={"width": 320, "height": 180})
    assert r.status_code == 200
    result = r.json()["result"]
    assert result["state"] == "Success"
    jpeg = base64.b64decode(result["jpegDataAsBase64"])
    stamp = read_stamp(next(av.open(io.BytesIO(jpeg)).decode(video=0)).to_ndarray(format="rgb24"))
    assert stamp is not None and stamp.camera_index == 7
    operator = access_token(simulator.management_url, simulator.password, username="operator")
    r = httpx.post(
        f"{simulator.management_url}/api/rest/v1/cameras/{camera_id(7)}?task=JpegGetLive",
        headers={"Authorization": f"Bearer {operator}"},
        json={},
    )
    assert r.status_code == 403
    assert r.json()["error"]["details"][0]["errorTextId"] == "VMO61008"
    # The operator still SEES every camera over REST.
    r = httpx.get(f"{simulator.management_url}/api/rest/v1/cameras", headers={"Authorization": f"Bearer {operator}"})
    assert len(r.json()["array"]) == 8


def test_page_size_limit_caps_the_page(make_simulator):
    sim = make_simulator(cameras=5, extra_args=["--page-size-limit", "2"])
    token = access_token(sim.management_url, sim.password)
    headers = {"Authorization": f"Bearer {token}"}
    url = sim.management_url + "/api/rest/v1/hardware"
    assert len(httpx.get(url, params={"page": 0, "size": 50}, headers=headers).json()["array"]) == 2
    assert len(httpx.get(url, params={"page": 2, "size": 50}, headers=headers).json()["array"]) == 1
    assert len(httpx.get(url, headers=headers).json()["array"]) == 5
