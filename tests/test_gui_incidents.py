"""Incidents from the timeline's selection and the Incidents dock, against the simulator and a real backend.

An incident is created from a selection (the band's context menu, "New incident…"), found through the dock's
search box by a word of its description in English and in Arabic (debounced, full-text in the backend),
filtered by severity, opened (details), edited (status, stored in the backend), and opened in the player at
its start with its cameras. An operator (no ``export`` / ``incidents`` permission) is offered annotations and
tags only.
"""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest

from app.backend_link.connection import BackendState
from app.backend_link.options import BackendOptions, options_from_settings
from app.credentials import CredentialStore
from app.settings import Settings
from app.viewmodels.playback_time import US
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.backend_fixtures import make_backend_process, milestone_section
from tests.gui_evidence_support import backend_get, open_shared_recording
from tests.test_gui_detections_timeline import window_for
from tests.test_gui_support import wait_until

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
__all__ = ["make_backend_process"]

DESCRIPTION = "A forklift hit the barrier near the loading dock. اصطدمت رافعة شوكية بالحاجز قرب رصيف التحميل"


def test_an_incident_from_the_selection_found_in_the_dock_and_played(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, {"DETECTION_ENABLED": "false"}, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel
    bar, dock, incidents = panel.evidence_bar, window.incidents_panel, rt.vm.incidents

    async def scenario() -> None:
        start, _end = await open_shared_recording(rt, simulator)
        cameras = list(vm.camera_ids)
        vm.timeline.selection.set_span(start + 4 * US, start + 19 * US)
        menu = bar.build_context_menu(start + 10 * US, 0)
        texts = [a.text() for a in menu.actions() if a.text()]
        assert {"Export…", "Create clip…", "Tag range…", "New incident…", "Clear selection"} <= set(texts), texts
        assert bar.build_context_menu(start + 30 * US, 0).actions()[0].text() == "Add annotation here…"
        next(a for a in menu.actions() if a.text() == "New incident…").trigger()
        dialog = bar.dialog
        dialog.title_edit.setText("Forklift collision at gate 3")
        dialog.description_edit.setPlainText(DESCRIPTION)
        dialog.severity_combo.setCurrentIndex(dialog.severity_combo.findData("high"))
        dialog.ok_button.click()
        assert await dialog.task and dialog.incident_id is not None
        stored = await backend_get(rt, data_dir, f"/api/v1/metadata/incidents/{dialog.incident_id}")
        backend = rt.vm.backend
        assert sorted(stored["cameraIds"]) == sorted(backend.backend_camera_id(c) for c in cameras)
        assert stored["severity"] == "high" and stored["status"] == "open"
        # The dock: Ctrl+I, beside the Detections dock.
        assert window.incidents_action.shortcut().toString() == "Ctrl+I" and window.incidents_action.isEnabled()
        window.incidents_action.trigger()
        assert window.incidents_dock.isVisible()
        await wait_until(lambda: incidents.searched and not incidents.busy, 10, "the first listing")
        assert [i.title for i in incidents.items] == ["Forklift collision at gate 3"]
        # A word typed: searched after the debounce, in English, then in Arabic.
        for word in ("barrier", "بالحاجز", "رافعة"):
            dock.search_edit.setText("nothingmatches")
            await wait_until(lambda: incidents.searched and not incidents.busy and not incidents.items, 10, "none")
            dock.search_edit.setText(word)
            await wait_until(
                lambda: not incidents.busy and [i.title for i in incidents.items] == ["Forklift collision at gate 3"],
                10,
                f"the incident found by {word!r}",
                describe=lambda: (incidents.filters, incidents.error, [i.title for i in incidents.items]),
            )
            assert "Forklift collision at gate 3" in dock.row_text(0) and "High" in dock.row_text(0)
        # Filters: another severity lists nothing; back to any.
        dock.severity_combo.setCurrentIndex(dock.severity_combo.findData("critical"))
        dock.severity_combo.activated.emit(dock.severity_combo.currentIndex())
        await wait_until(lambda: incidents.searched and not incidents.busy and not incidents.items, 10, "no critical")
        assert dock.summary_label.text() == "No incidents match."
        dock.severity_combo.setCurrentIndex(0)
        dock.severity_combo.activated.emit(0)
        await wait_until(lambda: len(incidents.items) == 1, 10, "the incident again")
        # Open it, change its status.
        assert await dock.open_row(0)
        assert dock.details.isVisible() and dock.title_label.text() == "Forklift collision at gate 3"
        dock.edit_status.setCurrentIndex(dock.edit_status.findData("investigating"))
        assert await dock.save_changes()
        stored = await backend_get(rt, data_dir, f"/api/v1/metadata/incidents/{dialog.incident_id}")
        assert stored["status"] == "investigating" and "Investigating" in dock.row_text(0)
        # Open in player: its cameras, at its start.
        vm.seek(start + 30 * US)
        await wait_until(lambda: vm.position_us == start + 30 * US, 10, "elsewhere first")
        dock.play_button.click()
        await wait_until(lambda: vm.position_us == start + 4 * US, 15, "the player at the incident's start")
        assert sorted(c.lower() for c in vm.camera_ids) == sorted(c.lower() for c in cameras)
        window.close()

    rt.run(scenario())


def test_an_operator_is_offered_annotations_and_tags_only(
    make_simulator, make_backend_process, make_runtime, memory_keyring, qtbot, tmp_path
):
    sim = make_simulator(cameras=2)
    secret = tmp_path / "admin-password"
    secret.write_text("administrator password\n")
    secret.chmod(0o600)
    server = make_backend_process(
        settings={"milestone": milestone_section(sim), "auth": {"admin_password_file": str(secret)}}
    )
    user = {"username": "omar", "password": "operator password 1", "role": "operator", "displayName": "Omar"}
    assert httpx.post(f"{server.url}/api/v1/users", json=user, headers=server.headers).status_code == 201
    settings = Settings(None, environ={})
    settings.set("backend_url", server.url)
    settings.set("backend_username", "omar")
    credentials = CredentialStore(memory_keyring)
    credentials.set(server.url, "user:omar", "operator password 1")
    options = options_from_settings(settings, credentials, environ={})
    rt = make_runtime(backend=dataclasses.replace(options, health_interval_s=0.5))
    window = window_for(rt, qtbot)
    panel = window.playback_panel
    bar = panel.evidence_bar

    async def scenario() -> None:
        ids = await _import_cameras(server)
        assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None)
        backend = rt.vm.backend
        await wait_until(
            lambda: backend.state == BackendState.CONNECTED and backend.imported_count >= 2 and backend.permissions,
            30,
            "the operator's backend session",
            describe=lambda: (backend.state, backend.imported_count, backend.permissions),
        )
        assert backend.permissions == {"view", "record", "annotate"}
        assert rt.vm.view_recordings([ids[0]])
        now = rt.vm.playback.timeline.now_us()
        rt.vm.playback.timeline.selection.set_span(now - 120 * US, now - 60 * US)
        assert bar.isVisible() and bar.tag_button.isVisible() and bar.tag_button.isEnabled()
        assert not bar.export_button.isVisible() and not bar.clip_button.isVisible()
        assert not bar.incident_button.isVisible()
        texts = [a.text() for a in bar.build_context_menu(now - 90 * US, 0).actions() if a.text()]
        assert texts == ["Add annotation here…", "Tag range…", "Clear selection"], texts
        assert bar.open_export() is None and bar.open_incident() is None and bar.open_clip() is None
        # The incidents dock: listed and readable, not editable.
        assert window.incidents_action.isEnabled()
        window.incidents_action.trigger()
        await wait_until(lambda: rt.vm.incidents.searched, 10, "the listing")
        assert not window.incidents_panel.save_button.isVisible()
        window.close()

    rt.run(scenario())


async def _import_cameras(server) -> list[str]:
    """Import every XProtect camera with the backend's API token (as an administrator would)."""
    async with httpx.AsyncClient(base_url=server.url, headers=server.headers, timeout=30) as client:
        for _ in range(100):
            listed = await client.get("/api/v1/milestone/cameras")
            if listed.status_code == 200:
                break
            await asyncio.sleep(0.3)
        ids = [c["id"] for c in listed.json()["cameras"]]
        body = {"cameras": [{"milestoneDeviceId": i} for i in ids]}
        r = await client.post("/api/v1/cameras/import", json=body)
        assert r.status_code in (200, 201), r.text
    return [camera_id(0), camera_id(1)]
