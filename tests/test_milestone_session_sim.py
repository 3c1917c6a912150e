"""MilestoneSession against the real simulator (a child process, real sockets): login, discovery, REST errors,
token renewal and the promise that no password or token ever reaches a log line or an exception message."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest

from milestone.errors import AuthenticationError, NotFoundError
from milestone.session import MilestoneSession
from simulator import inventory as sim_inventory


async def test_login_gives_a_vms_token_and_bad_credentials_are_refused(simulator):
    session = MilestoneSession(simulator.management_url, "admin", simulator.password)
    with pytest.raises(AuthenticationError):
        session.current_vms_token()
    await session.login()
    try:
        token = session.current_vms_token()
        assert token.startswith("TOKEN#") and token.endswith("//ServerConnector#")
        assert session.access_token.count(".") == 2  # a JWT-shaped IDP token
        info = session.vms_token_info()
        assert info is not None and info.ttl_us > 0
    finally:
        await session.aclose()
    with pytest.raises(AuthenticationError):
        session.current_vms_token()

    for user, password in (("admin", "wrong-" + simulator.password), ("nobody", simulator.password)):
        bad = MilestoneSession(simulator.management_url, user, password)
        with pytest.raises(AuthenticationError) as info:
            await bad.login()
        assert password not in str(info.value)
        assert not bad.logged_in


async def test_inventory_joins_cameras_to_their_recording_servers(simulator):
    session = MilestoneSession(simulator.management_url, "admin", simulator.password)
    await session.login()
    try:
        inv = await session.inventory()
    finally:
        await session.aclose()
    count = simulator.cameras
    assert len(inv.recording_servers) == sim_inventory.RECORDER_COUNT
    ports = {rs["id"]: rs["port"] for rs in simulator.info["recording_servers"]}
    assert {rs.id: rs.image_server_port for rs in inv.recording_servers} == ports
    # every enabled camera plus the disabled one (listed because the client asks with ?disabled)
    assert len(inv.cameras) == count + 1
    for index in range(count + 1):
        cam = inv.camera(sim_inventory.camera_id(index))
        assert cam.enabled == (index < count)
        assert cam.hardware_id == sim_inventory.hardware_id(index)
        expected_rs = sim_inventory.recorder_id(sim_inventory.recorder_of(index, count))
        assert cam.recording_server is not None and cam.recording_server.id == expected_rs
        assert cam.recording_server.image_server_host == "127.0.0.1"
        assert cam.recording_server.web_server_uri == f"http://127.0.0.1:{ports[expected_rs]}/"
        if cam.enabled:
            assert cam.name == sim_inventory.camera_name(index)
            assert cam.stream_ids[0].lower() == sim_inventory.stream_id(index).lower()
        assert cam.manual_recording_timeout_minutes == sim_inventory.manual_timeout_minutes(index)


async def test_unknown_camera_is_not_found_over_rest(simulator):
    session = MilestoneSession(simulator.management_url, "admin", simulator.password)
    await session.login()
    try:
        missing = str(uuid.uuid4())
        with pytest.raises(NotFoundError) as info:
            await session.rest.get_item(f"cameras/{missing}")
        assert missing in str(info.value)
        known = await session.rest.get_item(f"cameras/{sim_inventory.camera_id(0)}")
        assert known["id"] == sim_inventory.camera_id(0)
    finally:
        await session.aclose()


@pytest.mark.parametrize("client_page_size", [100, 7])
async def test_discovery_pages_through_more_cameras_than_one_page(make_simulator, client_page_size):
    # The server caps pages at 10 items; the client asks for 100 (server cap) or 7 (client's own paging).
    sim = make_simulator(cameras=30, fps=5, extra_args=["--page-size-limit", "10"])
    session = MilestoneSession(sim.management_url, "admin", sim.password, page_size=client_page_size)
    await session.login()
    try:
        inv = await session.inventory()
    finally:
        await session.aclose()
    assert sorted(c.id for c in inv.cameras) == sorted(sim_inventory.camera_id(i) for i in range(31))
    assert all(c.recording_server is not None and c.streams for c in inv.cameras if c.enabled)


async def test_short_lived_tokens_are_renewed_and_nothing_secret_is_logged(make_simulator, caplog):
    sim = make_simulator(cameras=2, fps=5, token_ttl=2, vms_token_ttl=3)
    caplog.set_level(logging.DEBUG)
    session = MilestoneSession(sim.management_url, "admin", sim.password)
    seen: list[str] = []
    unsubscribe = session.subscribe_vms_token(seen.append)
    await session.login()
    tokens = {session.current_vms_token()}
    access = {session.access_token}
    try:
        for _ in range(60):  # up to 6 s: TTL 2 s -> a renewal every 1.6 s
            await asyncio.sleep(0.1)
            tokens.add(session.current_vms_token())
            access.add(session.access_token)
        assert session.renewals >= 2
        assert len(seen) == session.renewals and seen[-1] == session.current_vms_token()
        unsubscribe()
        before = len(seen)
        await session.renew()
        assert len(seen) == before  # unsubscribed
        tokens.add(session.current_vms_token())
        access.add(session.access_token)
        # The renewed vms_token works on the recorder (would fault "Token invalid" otherwise).
        inv = await session.inventory()
        cam = inv.camera(sim_inventory.camera_id(0))
        assert cam.recording_server is not None
        recorder = session.recorder(cam.recording_server)
        assert await recorder.is_manual_recording([cam.id]) == {cam.id: False}
        # Other threads read the same token (the GUI and media engine run outside the session's loop).
        assert await asyncio.to_thread(session.current_vms_token) == session.current_vms_token()
        # A recorder client made before a re-login keeps working with the new login's tokens.
        await session.login()
        tokens.add(session.current_vms_token())
        access.add(session.access_token)
        assert await recorder.is_manual_recording([cam.id]) == {cam.id: False}
    finally:
        await session.aclose()
    assert len(tokens) >= 3 and len(access) >= 3
    logged = caplog.text
    assert "renewed" in logged
    for secret in [sim.password, *tokens, *access]:
        assert secret not in logged


async def test_renewal_survives_a_management_server_outage(make_simulator, caplog):
    sim = make_simulator(cameras=1, fps=5, token_ttl=2, vms_token_ttl=3)
    caplog.set_level(logging.WARNING, logger="milestone")
    session = MilestoneSession(sim.management_url, "admin", sim.password, timeout=2)
    await session.login()
    secrets = [sim.password, session.current_vms_token(), session.access_token]
    try:
        await asyncio.to_thread(sim.restart, 2.5)  # down long enough for at least one renewal to fail
        renewals = session.renewals
        for _ in range(100):
            if session.renewals > renewals:
                break
            await asyncio.sleep(0.1)
        assert session.renewals > renewals, "renewal did not recover after the outage"
        assert "token renewal failed" in caplog.text
        await session.inventory()  # the fresh tokens work against the restarted server
        secrets += [session.current_vms_token(), session.access_token]
    finally:
        await session.aclose()
    assert all(secret not in caplog.text for secret in secrets)
