"""Local recordings hold stream quota slots (issue 5 §3): a LOCAL recording reserves a ``recording`` slot of its
camera's agency before it starts, heartbeats it past its TTL and releases it when it stops; a full agency
refuses a manual start with the bilingual 429 and nothing starts; a slot lost while recording (expired, agency
full now) never stops the recording; a session resumed at start-up is never refused; a quota store that is down
never stops a recording, which reserves as soon as the store is back.

Each test runs an in-process backend (quotas, storage, recording) logged into the shared simulator, recording
its ImageServer stream into 1 s spool segments; the quota store is the backend's database, or a real
redis-server child process.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from backend.api.auth import read_api_token
from backend.app import create_app
from backend.db.models import Segment, StreamReservation
from backend.quotas.component import QuotaComponent
from backend.recording.component import RecordingComponent
from backend.storage.component import StorageComponent
from milestone.session import MilestoneSession
from simulator.inventory import camera_id
from tests.backend_fixtures import InProcessBackend, wait_until

ARABIC = range(0x0600, 0x06FF)
TTL_S = 1.5  # short, so heartbeats (every 0.5 s) must keep the slot alive within a test
COMPONENTS = [QuotaComponent, StorageComponent, RecordingComponent]
NO_SLOT = "without a stream slot"  # backend.recording.quota's warning


def settings_for(factory, simulator, **quotas: Any):
    section = {"reservation_ttl_s": TTL_S, "cleanup_interval_s": 0.5, "limits": {"BUS": 3}, **quotas}
    return factory(
        simulator,
        recording={"min_duration": 1, "segment_seconds": 1},
        storage={"spool_min_free_mb": 0},
        quotas=section,
    )


def add_camera(api: InProcessBackend, index: int, mode: str) -> str:
    cam = camera_id(index)
    r = api.post("/api/v1/cameras/import", json={"milestoneDeviceId": cam})
    assert r.status_code in (200, 201), r.text
    r = api.patch(f"/api/v1/cameras/{cam}", json={"storageMode": mode, "agency": "BUS"})
    assert r.status_code == 200, r.text
    return cam


def used(api: InProcessBackend, agency: str = "BUS") -> int:
    r = api.get("/api/v1/stream/stats")
    assert r.status_code == 200, r.text
    return next(a["used"] for a in r.json()["agencies"] if a["agency"] == agency)


def set_limit(api: InProcessBackend, limit: int, agency: str = "BUS") -> None:
    r = api.put(f"/api/v1/stream/limits/{agency}", json={"limit": limit})
    assert r.status_code == 200, r.text


def reservations(api: InProcessBackend) -> list[StreamReservation]:
    with api.app.state.db.session() as s:
        rows = list(s.scalars(select(StreamReservation)))
        s.expunge_all()
        return rows


def segment_count(api: InProcessBackend, cam: str) -> int:
    with api.app.state.db.session() as s:
        return s.scalar(select(func.count()).select_from(Segment).where(Segment.camera_id == cam)) or 0


def start(api: InProcessBackend, cam: str, duration: int = 60):
    return api.post(f"/api/v1/cameras/{cam}/recordings/start", json={"duration": duration})


def stop(api: InProcessBackend, cam: str) -> None:
    r = api.post(f"/api/v1/cameras/{cam}/recordings/stop")
    assert r.status_code == 200, r.text


def slot_warnings(caplog) -> int:
    return sum(NO_SLOT in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def still_records(api: InProcessBackend, cam: str, more: int = 2) -> None:
    """The camera's recording is active and closes at least ``more`` further segments."""
    before = segment_count(api, cam)
    wait_until(lambda: segment_count(api, cam) >= before + more, 15)
    assert api.get("/api/v1/recordings/active").json()["total"] == 1


async def xprotect_recording(sim, cam: str) -> bool:
    session = MilestoneSession(sim.management_url, "admin", sim.password)
    await session.login()
    try:
        inventory = await session.inventory()
        return (await session.recorder(inventory.camera(cam).recording_server).is_manual_recording([cam]))[cam]
    finally:
        await session.aclose()


@pytest.fixture
def caplog_quota(caplog):
    caplog.set_level(logging.INFO, logger="backend.recording.quota")
    return caplog


def test_local_recording_holds_a_slot_heartbeated_past_its_ttl_kept_when_lost_and_released_at_stop(
    make_backend, backend_settings_factory, simulator, caplog_quota
):
    api = make_backend(settings_for(backend_settings_factory, simulator), components=COMPONENTS)
    api.wait_milestone()
    cam = add_camera(api, 6, "LOCAL")
    assert used(api) == 0

    assert start(api, cam).status_code == 200
    assert used(api) == 1  # reserved before the answer
    [held] = reservations(api)
    assert (held.agency, held.kind, held.camera_id) == ("BUS", "recording", cam)
    assert held.holder.startswith("backend:") and held.holder.endswith(f":{os.getpid()}")
    wait_until(lambda: segment_count(api, cam) >= 1, 15)

    # Three TTLs later the same reservation still counts: heartbeats pushed its expiry on.
    deadline = time.monotonic() + 3 * TTL_S
    while time.monotonic() < deadline:
        assert used(api) == 1
        time.sleep(0.25)
    [kept] = reservations(api)
    assert kept.id == held.id and kept.expires_us > held.created_us + 3 * TTL_S * 1_000_000

    # The slot expires (as after a store outage longer than the TTL) while the agency is now full: the next
    # heartbeat cannot re-reserve, and the recording goes on, with one warning.
    set_limit(api, 0)
    with api.app.state.db.session() as s:
        s.execute(update(StreamReservation).values(expires_us=StreamReservation.created_us + 1))
    wait_until(lambda: slot_warnings(caplog_quota) == 1, 10)
    still_records(api, cam)
    assert used(api) == 0 and slot_warnings(caplog_quota) == 1  # retried every TTL/3, warned once

    set_limit(api, 3)  # room again: the next attempt takes a slot
    wait_until(lambda: used(api) == 1, 10)
    assert [r.camera_id for r in reservations(api)] == [cam]

    stop(api, cam)
    assert used(api) == 0 and reservations(api) == []  # released before the answer


async def test_full_agency_refuses_a_manual_local_start_with_a_bilingual_429_and_nothing_starts(
    make_backend, backend_settings_factory, simulator
):
    api = make_backend(settings_for(backend_settings_factory, simulator), components=COMPONENTS)
    api.wait_milestone()
    local_cam, both_cam = add_camera(api, 7, "LOCAL"), add_camera(api, 3, "BOTH")
    set_limit(api, 0)

    for cam in (local_cam, both_cam):
        refused = start(api, cam)
        assert refused.status_code == 429, refused.text
        error = refused.json()["error"]
        assert error["code"] == "quota_exceeded" and "BUS" in error["message"]
        assert "BUS" in error["message_ar"] and any(ord(c) in ARABIC for c in error["message_ar"])
        assert error["details"] == {"agency": "BUS", "limit": 0, "used": 0, "cameraId": cam}
        assert (refused.headers["x-ratelimit-limit"], refused.headers["x-ratelimit-remaining"]) == ("0", "0")
        status = api.get(f"/api/v1/cameras/{cam}/recordings/status").json()
        assert status["isRecording"] is False and status.get("lastRecording") is None  # no session row
    assert api.get("/api/v1/recordings/active").json()["total"] == 0
    assert not await xprotect_recording(simulator, both_cam)  # BOTH: XProtect was not started either
    assert reservations(api) == [] and segment_count(api, local_cam) == 0

    set_limit(api, 1)  # the quota was the only reason
    assert start(api, local_cam).status_code == 200
    assert used(api) == 1
    refused = start(api, both_cam)  # the one slot is taken by the first recording
    assert refused.status_code == 429 and refused.json()["error"]["details"]["used"] == 1
    stop(api, local_cam)
    assert used(api) == 0


def test_a_session_resumed_at_start_up_records_even_when_its_agency_is_full(
    make_backend, backend_settings_factory, simulator, caplog_quota
):
    settings = settings_for(backend_settings_factory, simulator)
    with TestClient(create_app(settings, components=COMPONENTS), raise_server_exceptions=False) as client:
        first = InProcessBackend(client.app, settings, client, read_api_token(settings.token_file_path))
        first.wait_milestone()
        cam = add_camera(first, 2, "LOCAL")
        assert start(first, cam).status_code == 200
        set_limit(first, 0)  # kept by the running recording; no new slot of BUS from now on
        assert used(first) == 1
    # The first backend released its slot at shutdown; the session stays "recording" in the database.

    api = make_backend(settings, components=COMPONENTS)  # resumed before XProtect is connected, retried then
    wait_until(lambda: slot_warnings(caplog_quota) == 1, 10)  # resumed although refused
    still_records(api, cam)
    assert used(api) == 0

    set_limit(api, 1)
    wait_until(lambda: used(api) == 1, 10)
    stop(api, cam)
    assert used(api) == 0


def test_quota_store_down_never_stops_a_local_recording(
    make_backend, backend_settings_factory, simulator, redis_server, caplog_quota
):
    settings = settings_for(
        backend_settings_factory, simulator, store="redis", redis_url=redis_server.url, redis_timeout_s=0.5
    )
    api = make_backend(settings, components=COMPONENTS)
    api.wait_milestone()
    cam = add_camera(api, 1, "LOCAL")
    assert used(api) == 0

    redis_server.stop()
    assert api.get("/api/v1/stream/stats").status_code == 503
    assert start(api, cam).status_code == 200  # recorded without a slot
    still_records(api, cam)
    assert slot_warnings(caplog_quota) == 1  # once, although retried every TTL/3 meanwhile

    redis_server.start()  # empty (no persistence): the configured limits come back, and the recording reserves
    wait_until(lambda: used(api) == 1, 10)
    stop(api, cam)
    assert used(api) == 0
