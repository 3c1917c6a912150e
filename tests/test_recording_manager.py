"""Manual recording sessions against the real simulator's RecorderCommandService (MILESTONE mode).

Durations are shortened through the limits (min 1 s) and the simulator's "minute" (``--timeout-minute-seconds``)
so that auto-stop, restart recovery and the renewal before XProtect's own timeout run in seconds.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import sessionmaker

from backend.db.models import Base, Camera, RecordingSession
from backend.recording.errors import (
    AlreadyRecordingError,
    CameraNotFoundError,
    DurationOutOfRangeError,
    MilestoneRefusedError,
    NotRecordingError,
)
from backend.recording.manager import RecordingLimits, RecordingManager
from backend.recording.milestone_control import XProtectRecordingControl
from backend.recording.store import SessionStore
from milestone.session import MilestoneSession
from simulator.inventory import camera_id as sim_camera_id

LIMITS = RecordingLimits(min_s=1, max_s=600, progress_interval_s=0.5, watchdog_interval_s=1.0, renew_margin_s=1.5)


@pytest.fixture
def db(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'rec.db'}")

    @event.listens_for(engine, "connect")
    def _fk(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


async def import_cameras(sessions, inventory) -> None:
    """Camera rows for the simulator's cameras, as the import route makes them (MILESTONE mode)."""
    now = int(time.time() * 1e6)
    with sessions.begin() as s:
        for cam in inventory.cameras:
            rs = cam.recording_server
            s.add(
                Camera(
                    id=cam.id,
                    milestone_device_id=cam.id,
                    name=cam.name,
                    storage_mode="MILESTONE",
                    recording_server_id=rs.id if rs else None,
                    recording_server_name=rs.name if rs else None,
                    recording_server_uri=rs.web_server_uri if rs else None,
                    manual_recording_timeout_minutes=(
                        cam.manual_recording_timeout_minutes if cam.manual_recording_timeout_enabled else None
                    ),
                    created_us=now,
                    updated_us=now,
                )
            )


class Events:
    def __init__(self) -> None:
        self.items: list[tuple[str, str | None, dict]] = []

    def __call__(self, kind: str, camera_id: str | None = None, **data) -> None:
        self.items.append((kind, camera_id, data))

    def kinds(self, camera_id: str) -> list[str]:
        return [k for k, c, _ in self.items if c == camera_id]


async def make_manager(sim, db, user="admin", limits=LIMITS):
    session = MilestoneSession(sim.management_url, user, sim.password)
    await session.login()
    inventory = await session.inventory()
    events = Events()
    manager = RecordingManager(
        SessionStore(db, "test"),
        limits,
        milestone=XProtectRecordingControl(lambda: session),
        local=None,
        publish=events,
    )
    return session, inventory, manager, events


async def is_recording(session: MilestoneSession, inventory, camera: str) -> bool:
    cam = inventory.camera(camera)
    states = await session.recorder(cam.recording_server).is_manual_recording([camera])
    return states[camera]


async def test_start_stop_status_and_errors(make_simulator, db):
    sim = make_simulator(cameras=4)
    session, inventory, manager, events = await make_manager(sim, db)
    await import_cameras(db, inventory)
    await manager.start()
    cam = sim_camera_id(0)
    try:
        with pytest.raises(DurationOutOfRangeError) as bad:
            await manager.start_recording(cam, 10_000, "op")
        assert bad.value.status == 400 and "ثانية" in bad.value.message_ar
        with pytest.raises(CameraNotFoundError):
            await manager.start_recording("no-such-camera", 60, "op")
        with pytest.raises(NotRecordingError):
            await manager.stop_recording(cam)

        view = await manager.start_recording(cam, 120, "op")
        assert view.state == "recording" and view.duration_s == 120
        assert await is_recording(session, inventory, cam)
        with pytest.raises(AlreadyRecordingError) as dup:
            await manager.start_recording(cam, 60, "op")
        assert dup.value.status == 409 and dup.value.current["recordingId"] == view.id
        assert 118 <= dup.value.current["remainingSeconds"] <= 120
        running, _ = await manager.status(cam)
        assert running is not None and running.id == view.id

        stopped = await manager.stop_recording(cam)
        assert stopped.state == "stopped" and stopped.stop_reason == "user"
        assert not await is_recording(session, inventory, cam)
        running, last = await manager.status(cam)
        assert running is None and last is not None and last.id == view.id
        assert events.kinds(cam)[0] == "recording_started" and events.kinds(cam)[-1] == "recording_stopped"
    finally:
        await manager.close()
        await session.aclose()


async def test_stops_by_itself_when_the_chosen_duration_ends(make_simulator, db):
    sim = make_simulator(cameras=2)
    session, inventory, manager, events = await make_manager(sim, db)
    await import_cameras(db, inventory)
    await manager.start()
    cam = sim_camera_id(1)
    try:
        view = await manager.start_recording(cam, 2, "op")
        await asyncio.sleep(1.0)
        assert await is_recording(session, inventory, cam)
        assert "recording_progress" in events.kinds(cam)
        await asyncio.sleep(2.0)
        assert manager.active() == []
        with db() as s:
            row = s.get(RecordingSession, view.id)
            assert row.state == "stopped" and row.stop_reason == "duration"
            # stopped within half a second of the scheduled end
            assert abs(row.stopped_us - row.scheduled_end_us) < 500_000
        assert not await is_recording(session, inventory, cam)
    finally:
        await manager.close()
        await session.aclose()


async def test_restart_resumes_running_sessions_and_stops_overdue_ones(make_simulator, db):
    sim = make_simulator(cameras=4)
    session, inventory, first, _ = await make_manager(sim, db)
    await import_cameras(db, inventory)
    await first.start()
    short, long_ = sim_camera_id(0), sim_camera_id(2)
    long_view = await first.start_recording(long_, 6, "op")
    short_view = await first.start_recording(short, 1, "op")
    await first.close()  # the backend goes away; both sessions stay "recording" in the database
    await session.aclose()
    await asyncio.sleep(1.5)  # the short session's end passes while no backend runs

    session, _, second, events = await make_manager(sim, db)
    await second.start()
    try:
        with db() as s:
            overdue = s.get(RecordingSession, short_view.id)
            assert overdue.state == "stopped" and overdue.stop_reason == "overdue_at_restart"
            assert overdue.stopped_us == overdue.scheduled_end_us  # it ended at its scheduled time
        assert not await is_recording(session, inventory, short)
        assert [v.id for v in second.active()] == [long_view.id]
        assert await is_recording(session, inventory, long_)
        await asyncio.sleep(max(0.0, long_view.scheduled_end_us / 1e6 - time.time()) + 0.7)
        with db() as s:
            resumed = s.get(RecordingSession, long_view.id)
            assert resumed.state == "stopped" and resumed.stop_reason == "duration"
            assert abs(resumed.stopped_us - resumed.scheduled_end_us) < 700_000
        assert not await is_recording(session, inventory, long_)
        assert ("recording_stopped", short) in [(k, c) for k, c, _ in events.items]
    finally:
        await second.close()
        await session.aclose()


async def test_recording_longer_than_the_cameras_own_timeout_is_renewed(make_simulator, db):
    # One simulated "minute" is 1 s: camera 1's XProtect timeout (5 minutes) is 5 s, shorter than the 9 s chosen.
    sim = make_simulator(cameras=2, extra_args=["--timeout-minute-seconds", "1"])
    session, inventory, manager, _ = await make_manager(sim, db)
    await import_cameras(db, inventory)
    await manager.start()
    cam = sim_camera_id(1)
    try:
        assert inventory.camera(cam).manual_recording_timeout_minutes == 5
        await manager.start_recording(cam, 9, "op")
        samples = []
        for _ in range(14):
            await asyncio.sleep(0.5)
            samples.append(await is_recording(session, inventory, cam))
        assert all(samples[:-2]), samples  # recording throughout, past XProtect's own 5 s timeout
        await asyncio.sleep(2.0)
        assert not await is_recording(session, inventory, cam)
    finally:
        await manager.close()
        await session.aclose()


async def test_xprotect_refusal_leaves_no_session(make_simulator, db):
    sim = make_simulator(cameras=3)
    session, inventory, manager, _ = await make_manager(sim, db, user="operator")
    await import_cameras(db, inventory)
    await manager.start()
    forbidden = sim_camera_id(2)  # the operator may not use the last camera
    try:
        with pytest.raises(MilestoneRefusedError) as refused:
            await manager.start_recording(forbidden, 60, "op")
        assert refused.value.status == 502 and refused.value.message_ar
        with db() as s:
            assert s.scalars(select(RecordingSession)).all() == []
        assert manager.active() == []
    finally:
        await manager.close()
        await session.aclose()
