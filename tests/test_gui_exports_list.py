"""The Exports list (Evidence ▸ Exports…, and "All exports…" of the Export dialog) against the simulator and the
bundled backend.

An export started from the timeline's selection appears at the top of the list and its progress, followed by
``export_progress`` events, reaches "Completed"; "Save package…" writes the ZIP whose SHA-256 (hashed here) is
the export's. With one job at a time, a second export waits ("queued") behind a slow one (faces blurred over
the whole stretch): "Cancel export" in the list ends it cancelled, and the Export dialog's own "Cancel export"
ends the slow one. "Delete package…" (confirmed) removes a completed package: the backend says ``expired`` and
the row offers no download any more. Pages of two list the same exports ("Load more"). Each state is read back
from the backend with a client of our own.
"""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtWidgets import QMessageBox

from app.backend_link.options import BackendOptions
from app.viewmodels.playback_time import US
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.gui_evidence_support import backend_get, open_shared_recording
from tests.test_gui_detections_timeline import window_for
from tests.test_gui_support import wait_until

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
EXPORT_TIMEOUT_S = 150  # footage only XProtect has: fetched through the ImageServer, on a busy 2-core machine


def test_the_exports_list_follows_saves_cancels_and_deletes(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    env = {"DETECTION_ENABLED": "false", "EXPORTS_PROGRESS_INTERVAL": "0.2", "EXPORTS_CONCURRENCY": "1"}
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, env, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, bar = rt.vm.playback, window.playback_panel.evidence_bar
    exports = rt.vm.exports

    async def scenario() -> None:
        start, end = await open_shared_recording(rt, simulator)
        assert rt.vm.view_recordings([camera_id(0)], at_us=start)
        await wait_until(lambda: vm.timeline.rows[0].lanes is not None, 30, "the lanes")
        # The menu: Evidence ▸ Exports… (and Tags…) for a user with every permission.
        assert window.evidence_menu.menuAction().isVisible() and window.evidence_menu.exports_action.isVisible()
        vm.timeline.selection.set_span(start + 2 * US, start + 6 * US)
        dialog = bar.open_export()
        dialog.reason_edit.setText("Police request 7001")
        assert await dialog.start()
        first = dialog.job.export.id
        assert dialog.exports_button.isVisible()
        dialog.exports_button.click()  # "All exports…"
        listing = window.evidence_menu.exports_dialog
        assert listing is not None and listing.isVisible()
        await wait_until(lambda: exports.row(first) is not None, 10, "the new export in the list")
        assert listing.row_texts(first)[3] == "Police request 7001"
        states: list[str] = []
        exports.sigRowChanged.connect(lambda ident: states.append(exports.row(ident).status if ident == first else ""))
        await wait_until(
            lambda: exports.row(first).status == "completed",
            EXPORT_TIMEOUT_S,
            "the export to complete in the list",
            describe=lambda: (exports.row(first).status, exports.row(first).progress, exports.error),
        )
        assert "completed" in states  # followed by export_progress events, not only the first read
        texts = listing.row_texts(first)
        assert texts[0] == "Completed" and texts[4].endswith("MB") and texts[6], texts
        dialog.close()

        # Save package…: the file's SHA-256 is the export's.
        assert listing.select(first) and listing.save_button.isEnabled()
        assert not listing.cancel_button.isEnabled()
        assert listing.ask_path().isVisible()
        listing.save_dialog.close()
        target = tmp_path / "saved.zip"
        assert await listing.save_to(str(target)), exports.error
        stored = await backend_get(rt, data_dir, f"/api/v1/storage/exports/{first}")
        assert hashlib.sha256(target.read_bytes()).hexdigest() == stored["sha256"] == exports.row(first).sha256
        assert "SHA-256 matches" in listing.detail_label.text()

        # A slow export (faces blurred, the whole stretch) and one queued behind it.
        vm.timeline.selection.set_span(start, end)
        slow = bar.open_export()
        slow.reason_edit.setText("Slow: blurred faces")
        slow.mask_check.setChecked(True)
        assert await slow.start()
        vm.timeline.selection.set_span(start + 1 * US, start + 3 * US)
        queued = bar.open_export()
        queued.reason_edit.setText("Waiting behind it")
        assert await queued.start()
        second = queued.job.export.id
        await wait_until(lambda: exports.row(second) is not None, 10, "the queued export in the list")
        assert exports.row(second).status == "queued", exports.row(second)
        assert listing.select(second) and listing.cancel_button.isEnabled() and not listing.save_button.isEnabled()
        assert await listing.cancel_selected()
        assert exports.row(second).status == "cancelled" and listing.row_texts(second)[0] == "Cancelled"
        assert (await backend_get(rt, data_dir, f"/api/v1/storage/exports/{second}"))["status"] == "cancelled"
        # The Export dialog's own Cancel, while the slow one runs.
        assert not slow.job.finished and slow.cancel_button.isVisible(), slow.job.status
        assert await slow.cancel()
        await wait_until(lambda: slow.job.finished, 30, "the slow export to stop")
        assert slow.job.status == "cancelled" and not slow.cancel_button.isVisible()
        ident = slow.job.export.id
        assert (await backend_get(rt, data_dir, f"/api/v1/storage/exports/{ident}"))["status"] == "cancelled"
        await wait_until(lambda: exports.row(ident).status == "cancelled", 10, "the list to say so")

        # Delete package… (confirmed): removed before its expiry.
        assert [r.id for r in exports.rows][-1] == first  # newest first
        assert listing.select(first) and listing.delete_button.isEnabled()
        box = listing.delete_selected()
        box.button(QMessageBox.StandardButton.Yes).click()
        assert await box.task
        assert exports.row(first).status == "expired" and not listing.save_button.isEnabled()
        assert (await backend_get(rt, data_dir, f"/api/v1/storage/exports/{first}"))["status"] == "expired"

        # Paging: two at a time, "Load more" for the older ones, newest first throughout.
        everything = [r.id for r in exports.rows]
        assert len(everything) == 3
        exports.page_size = 2
        assert await exports.refresh_async()
        assert [r.id for r in exports.rows] == everything[:2] and listing.more_button.isVisible()
        listing.more_button.click()
        assert await listing.task
        assert [r.id for r in exports.rows] == everything and not exports.has_more
        assert not listing.more_button.isVisible() and listing.summary_label.text() == "3 exports shown."
        window.close()

    rt.run(scenario())
