"""A LOCAL session resumed at start-up while XProtect cannot be reached yet (start-up never waits for XProtect):
the session stays ``recording`` with its end unchanged, its local recorder is retried with back-off and at once
when the backend's XProtect session connects, segments appear again, and the time it could not record is a
``recorder_down`` outage (the reason the recordings query gives the hole; the query itself cannot show the hole
here, as the simulator's XProtect history covers every moment).

Real components: a private simulator child process (stopped while the backend restarts, then started again on
the same ports), an in-process backend (storage, playback, recording) recording its ImageServer stream into
1 s spool segments.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select

from backend.db.models import RecordingSession, Segment
from backend.playback.component import PlaybackComponent
from backend.recording.component import RecordingComponent
from backend.storage.component import StorageComponent
from simulator.inventory import camera_id
from tests.backend_fixtures import InProcessBackend, wait_until

COMPONENTS = [StorageComponent, PlaybackComponent, RecordingComponent]
S = 1_000_000
DOWN_S = 8.0  # XProtect unreachable after the restart: longer than the local recorder's back-off reaches by then
CANNOT_START = "could not start"  # backend.recording.local_supervisor's warning


def segments(api: InProcessBackend, cam: str) -> list[tuple[int, int]]:
    with api.app.state.db.session() as s:
        rows = s.scalars(select(Segment).where(Segment.camera_id == cam).order_by(Segment.start_us))
        return [(r.start_us, r.end_us) for r in rows]


def session_row(api: InProcessBackend, session_id: str) -> RecordingSession:
    with api.app.state.db.session() as s:
        row = s.get(RecordingSession, session_id)
        assert row is not None
        s.expunge(row)
        return row


def is_recording(api: InProcessBackend, cam: str) -> bool:
    return api.get(f"/api/v1/cameras/{cam}/recordings/status").json()["isRecording"]


def test_a_local_session_resumed_before_xprotect_is_reachable_records_once_it_is(
    make_simulator, make_backend, backend_settings_factory, caplog
):
    caplog.set_level(logging.INFO, logger="backend.recording.local_supervisor")
    sim = make_simulator(cameras=2)
    settings = backend_settings_factory(
        sim, recording={"min_duration": 1, "segment_seconds": 1}, storage={"spool_min_free_mb": 0}
    )
    first = make_backend(settings, components=COMPONENTS)
    first.wait_milestone()
    cam = camera_id(1)
    assert first.post("/api/v1/cameras/import", json={"milestoneDeviceId": cam}).status_code in (200, 201)
    assert first.patch(f"/api/v1/cameras/{cam}", json={"storageMode": "LOCAL"}).status_code == 200
    started = first.post(f"/api/v1/cameras/{cam}/recordings/start", json={"duration": 60})
    assert started.status_code == 200, started.text
    session_id = started.json()["recordingId"]
    scheduled_end_us = session_row(first, session_id).scheduled_end_us
    wait_until(lambda: len(segments(first, cam)) >= 2, 15)

    # The backend stops (the session stays "recording"), XProtect goes away, the backend starts again.
    first.client.__exit__(None, None, None)
    before = segments(first, cam)
    port, recorder_ports = sim.port, sim.recorder_ports
    sim.stop()
    restart_us = int(time.time() * S)
    second = make_backend(settings, components=COMPONENTS)
    assert is_recording(second, cam)
    time.sleep(DOWN_S)
    assert segments(second, cam) == before  # nothing to record from
    assert is_recording(second, cam)
    [waiting] = [o for o in second.app.state.outages.open_outages() if o.camera_id == cam]
    assert (waiting.kind, waiting.source) == ("recorder_down", "recorder")
    assert restart_us <= waiting.start_us <= restart_us + 3 * S and session_id in (waiting.detail or "")
    warnings = [r for r in caplog.records if CANNOT_START in r.getMessage() and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]  # retried since, warned once

    # XProtect is back: the link connects and the waiting recorder starts at once (the back-off alone would
    # wait until 15 s after the restart), and segments appear again.
    sim.start(port=port, recorder_ports=recorder_ports)
    back_us = int(time.time() * S)
    wait_until(lambda: [seg for seg in segments(second, cam) if seg[0] > back_us], 15)
    [gap] = [o for o in second.app.state.outages.overlapping(cam, restart_us, back_us + 30 * S) if o.id == waiting.id]
    assert gap.end_us is not None and back_us <= gap.end_us <= back_us + 5 * S, (back_us, gap)
    assert is_recording(second, cam)
    row = session_row(second, session_id)
    assert row.state == "recording" and row.scheduled_end_us == scheduled_end_us and row.local_started

    # The hole in the local recording is the restart (a recorder_down outage of its own from 1 s on, written by
    # the playback component) plus this outage: nothing unexplained but the recorder's connection time.
    resumed = [seg for seg in segments(second, cam) if seg[0] > before[-1][1]]
    hole = (before[-1][1], resumed[0][0])
    assert hole[0] <= restart_us and waiting.start_us - hole[0] < 3 * S, (hole, waiting)
    assert -S // 2 <= hole[1] - gap.end_us < 4 * S, (hole, gap)  # connecting, the first key frame
    wait_until(lambda: len([seg for seg in segments(second, cam) if seg[0] > back_us]) >= 3, 15)  # goes on
    assert second.post(f"/api/v1/cameras/{cam}/recordings/stop").status_code == 200
    assert not is_recording(second, cam)


def test_a_local_recording_goes_on_after_xprotect_restarts(make_simulator, make_backend, backend_settings_factory):
    """XProtect restarts while a LOCAL session records: the backend logs in again (a new XProtect session, the
    old one closed), and the ImageServer recorder moves to the new session instead of waiting on a dead one."""
    sim = make_simulator(cameras=2)
    settings = backend_settings_factory(
        sim, recording={"min_duration": 1, "segment_seconds": 1}, storage={"spool_min_free_mb": 0}
    )
    api = make_backend(settings, components=COMPONENTS)
    api.wait_milestone()
    cam = camera_id(0)
    assert api.post("/api/v1/cameras/import", json={"milestoneDeviceId": cam}).status_code in (200, 201)
    assert api.patch(f"/api/v1/cameras/{cam}", json={"storageMode": "LOCAL"}).status_code == 200
    assert api.post(f"/api/v1/cameras/{cam}/recordings/start", json={"duration": 60}).status_code == 200
    wait_until(lambda: len(segments(api, cam)) >= 2, 15)
    first_session = api.app.state.milestone.session()

    sim.restart(down_seconds=2.0)
    back_us = int(time.time() * S)
    wait_until(lambda: len([seg for seg in segments(api, cam) if seg[0] > back_us]) >= 2, 20)
    assert api.app.state.milestone.session() is not first_session  # it did log in again
    assert is_recording(api, cam)
    assert api.post(f"/api/v1/cameras/{cam}/recordings/stop").status_code == 200
