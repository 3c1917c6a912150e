"""Manual recording over the HTTP API: shapes of the seeds' specification, bilingual errors, events, and a
backend killed with SIGKILL mid-session that resumes and still stops on time."""

from __future__ import annotations

import time

import httpx
import pytest

from backend.recording.component import RecordingComponent
from milestone.session import MilestoneSession
from simulator.inventory import camera_id
from tests.backend_fixtures import milestone_section, wait_until

ARABIC = range(0x0600, 0x06FF)


def has_arabic(text: str) -> bool:
    return any(ord(ch) in ARABIC for ch in text)


@pytest.fixture
def api(make_backend, backend_settings_factory, simulator):
    settings = backend_settings_factory(simulator, recording={"min_duration": 1, "default_duration": 60})
    harness = make_backend(settings, components=[RecordingComponent])
    harness.wait_milestone()
    ids = [camera_id(i) for i in range(3)]
    r = harness.post("/api/v1/cameras/import", json={"cameras": [{"milestoneDeviceId": i} for i in ids]})
    assert r.status_code in (200, 201), r.text
    return harness


async def xprotect_recording(sim, cam: str) -> bool:
    session = MilestoneSession(sim.management_url, "admin", sim.password)
    await session.login()
    try:
        inventory = await session.inventory()
        rs = inventory.camera(cam).recording_server
        return (await session.recorder(rs).is_manual_recording([cam]))[cam]
    finally:
        await session.aclose()


async def test_start_status_conflict_stop_and_not_found(api, simulator):
    cam = camera_id(0)
    base = f"/api/v1/cameras/{cam}/recordings"
    started = api.post(f"{base}/start", json={"duration": 120})
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["cameraId"] == cam and body["status"] == "recording" and body["durationSeconds"] == 120
    assert body["storageMode"] == "MILESTONE" and body["startTime"].endswith("Z")
    assert await xprotect_recording(simulator, cam)

    conflict = api.post(f"{base}/start", json={"duration": 60})
    assert conflict.status_code == 409
    assert conflict.json()["currentRecording"]["recordingId"] == body["recordingId"]
    assert has_arabic(conflict.json()["error"]["message_ar"])

    status = api.get(f"{base}/status").json()
    assert status["isRecording"] is True and status["recording"]["recordingId"] == body["recordingId"]
    assert 118 <= status["recording"]["remainingSeconds"] <= 120
    active = api.get("/api/v1/recordings/active").json()
    assert active["total"] == 1 and active["recordings"][0]["cameraId"] == cam

    extended = api.post(f"{base}/extend", json={"seconds": 60})
    assert extended.status_code == 200 and extended.json()["durationSeconds"] == 180

    stopped = api.post(f"{base}/stop")
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped" and 0 <= stopped.json()["actualDuration"] <= 2
    assert not await xprotect_recording(simulator, cam)
    again = api.post(f"{base}/stop")
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_recording"
    status = api.get(f"{base}/status").json()
    assert status["isRecording"] is False and status["lastRecording"]["recordingId"] == body["recordingId"]


def test_bad_input_gets_bilingual_errors_and_writes_nothing(api):
    cam = camera_id(1)
    base = f"/api/v1/cameras/{cam}/recordings"
    too_long = api.post(f"{base}/start", json={"duration": 99_999})
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "duration_out_of_range"
    assert has_arabic(too_long.json()["error"]["message_ar"])
    unknown = api.post("/api/v1/cameras/no-such-camera/recordings/start", json={"duration": 60})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "camera_not_found"
    malformed = api.client.post(
        f"{base}/start", content=b"{duration: 60", headers={**api.headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and has_arabic(malformed.json()["error"]["message_ar"])
    wrong_type = api.post(f"{base}/start", json={"duration": "soon"})
    assert wrong_type.status_code == 422
    limits = api.get("/api/v1/recordings/limits").json()
    assert (limits["minSeconds"], limits["defaultSeconds"], limits["maxSeconds"]) == (1, 60, 7200)
    assert api.get("/api/v1/recordings/active").json()["total"] == 0


def test_events_socket_reports_start_progress_and_auto_stop(api):
    cam = camera_id(2)
    with api.client.websocket_connect(f"/api/v1/events?token={api.token}&cameraId={cam}") as ws:
        r = api.post(f"/api/v1/cameras/{cam}/recordings/start", json={"duration": 2})
        assert r.status_code == 200
        seen = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and "recording_stopped" not in seen:
            message = ws.receive_json()
            if message["type"].startswith("recording_"):
                seen.append(message["type"])
                if message["type"] == "recording_stopped":
                    assert message["data"]["reason"] == "duration"
    assert seen[0] == "recording_started" and seen[-1] == "recording_stopped"


async def test_backend_killed_mid_session_resumes_and_stops_on_time(make_backend_process, simulator):
    proc = make_backend_process(
        settings={"milestone": milestone_section(simulator)}, env={"RECORDING_MIN_DURATION": "1"}
    )
    cam = camera_id(3)
    client = httpx.Client(base_url=proc.url, headers=proc.headers, timeout=10)
    wait_until(lambda: client.get("/health").json()["checks"]["milestone"]["status"] == "connected", 20)
    assert client.post("/api/v1/cameras/import", json={"milestoneDeviceId": cam}).status_code in (200, 201)
    started = client.post(f"/api/v1/cameras/{cam}/recordings/start", json={"duration": 8}).json()
    end = time.time() + 8
    proc.restart(kill=True)  # SIGKILL: no clean shutdown; the session row stays "recording"
    client = httpx.Client(base_url=proc.url, headers=proc.headers, timeout=10)
    status = client.get(f"/api/v1/cameras/{cam}/recordings/status").json()
    assert status["isRecording"] is True and status["recording"]["recordingId"] == started["recordingId"]
    assert await xprotect_recording(simulator, cam)
    wait_until(lambda: not client.get(f"/api/v1/cameras/{cam}/recordings/status").json()["isRecording"], 15)
    assert abs(time.time() - end) < 2.0  # stopped at the chosen end, not at XProtect's own timeout
    last = client.get(f"/api/v1/cameras/{cam}/recordings/status").json()["lastRecording"]
    assert last["stopReason"] == "duration"
    assert not await xprotect_recording(simulator, cam)
