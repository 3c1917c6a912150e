"""RecorderCommandService against the real simulator: sequences equal to the simulator's history, JPEGGetAt
inside and outside recordings (checked by the frame stamp), manual recording idempotence, permissions and
token faults."""

from __future__ import annotations

import io
import itertools
import time
import uuid

import numpy as np
import pytest
from PIL import Image

from media.stamp import read_stamp
from milestone.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from milestone.models import MOTION_SEQUENCE, RECORDING_SEQUENCE
from milestone.recorder import RecorderCommandClient
from milestone.session import MilestoneSession
from simulator import history
from simulator.inventory import camera_id

HOUR = 3_600_000


@pytest.fixture
async def admin(simulator):
    session = MilestoneSession(simulator.management_url, "admin", simulator.password)
    await session.login()
    inv = await session.inventory()
    yield session, inv
    await session.aclose()


def _recorder(session, inv, index) -> tuple[str, RecorderCommandClient]:
    cam = inv.camera(camera_id(index))
    assert cam.recording_server is not None
    return cam.id, session.recorder(cam.recording_server)


async def test_sequences_equal_the_simulator_history(admin):
    session, inv = admin
    index = 1
    device, rec = _recorder(session, inv, index)
    now = int(time.time() * 1000)
    lo, hi = now - 26 * HOUR, now - 2 * HOUR  # well inside retention, well before "now"
    expected = history.recording_sequences(index, lo, hi)
    got = await rec.sequences_get(device, RECORDING_SEQUENCE, lo, hi, max_count=1000)
    assert len(expected) >= 3  # the history promises several gaps a day
    assert [(s.begin_ms, s.end_ms) for s in got] == expected
    motion = await rec.sequences_get(device, MOTION_SEQUENCE, lo, hi)
    assert [(s.begin_ms, s.end_ms) for s in motion] == history.motion_sequences(index, lo, hi)
    first_two = await rec.sequences_get(device, RECORDING_SEQUENCE, lo, hi, max_count=2)
    assert first_two == got[:2]
    assert await rec.sequences_get(device, RECORDING_SEQUENCE, now + HOUR, now + 2 * HOUR) == []


async def test_jpeg_get_at_inside_and_outside_recordings(admin):
    session, inv = admin
    index = 6
    device, rec = _recorder(session, inv, index)
    now = int(time.time() * 1000)
    seqs = history.recording_sequences(index, now - 20 * HOUR, now - 2 * HOUR)
    begin, end = next(s for s in seqs if s[1] - s[0] > 10_000)
    inside = begin + (end - begin) // 2
    snap = await rec.jpeg_get_at(device, inside)
    assert snap is not None
    image_ms, jpeg = snap
    assert inside - 1_000 < image_ms <= inside  # the recorded image at or just before the time asked
    stamp = read_stamp(np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")))
    assert stamp is not None and stamp.camera_index == index and stamp.timestamp_ms == image_ms
    gap = next((a[1] + b[0]) // 2 for a, b in itertools.pairwise(seqs) if b[0] - a[1] > 10_000)
    assert await rec.jpeg_get_at(device, gap) is None


async def test_manual_recording_start_stop_status_are_idempotent(admin):
    session, inv = admin
    index = 7
    device, rec = _recorder(session, inv, index)
    try:
        assert await rec.is_manual_recording([device]) == {device: False}
        assert await rec.start_manual_recording([device]) == {device: (0, "Success")}
        assert await rec.start_manual_recording([device]) == {device: (0, "Success")}  # already on: success
        assert await rec.is_manual_recording([device]) == {device: True}
        # the caller's spelling of the GUID is kept as the key
        assert await rec.is_manual_recording([device.upper()]) == {device.upper(): True}
    finally:
        assert await rec.stop_manual_recording([device]) == {device: (0, "Success")}
    assert await rec.stop_manual_recording([device]) == {device: (0, "Success")}  # already off: success
    assert await rec.is_manual_recording([device]) == {device: False}
    ghost = str(uuid.uuid4())
    code, _message = (await rec.start_manual_recording([ghost]))[ghost]
    assert code != 0


async def test_operator_is_denied_the_last_camera_and_unknown_devices_are_not_found(simulator, admin):
    _, inv = admin
    operator = MilestoneSession(simulator.management_url, "operator", simulator.password)
    await operator.login()
    try:
        last = inv.camera(camera_id(simulator.cameras - 1))
        assert last.recording_server is not None
        rec = operator.recorder(last.recording_server)
        with pytest.raises(PermissionDeniedError):
            await rec.is_manual_recording([last.id])
        with pytest.raises(PermissionDeniedError):
            await rec.sequences_get(last.id, RECORDING_SEQUENCE, 0, int(time.time() * 1000))
        with pytest.raises(NotFoundError):
            await rec.sequences_get(str(uuid.uuid4()), RECORDING_SEQUENCE, 0, int(time.time() * 1000))
    finally:
        await operator.aclose()


async def test_an_invalid_vms_token_is_renewed_once_then_reported(admin):
    session, inv = admin
    cam = inv.camera(camera_id(0))
    assert cam.recording_server is not None
    renewed: list[str] = []

    async def renew(stale: str) -> str:
        renewed.append(stale)
        return session.current_vms_token()

    http = session.http
    rec = RecorderCommandClient(http, cam.recording_server.web_server_uri, lambda: "TOKEN#stale#h//x#", renew)
    assert await rec.is_manual_recording([cam.id]) == {cam.id: False}
    assert renewed == ["TOKEN#stale#h//x#"]
    stuck = RecorderCommandClient(http, cam.recording_server.web_server_uri, lambda: "TOKEN#stale#h//x#")
    with pytest.raises(AuthenticationError) as info:
        await stuck.is_manual_recording([cam.id])
    assert "Token invalid" in str(info.value) and "stale" not in str(info.value)
