"""Evidence exports and clips from the timeline's selection, against the simulator and the bundled backend.

"Export…" from the selection: the dialog shows the cameras and range, needs a reason, starts the job, follows
its progress (``export_progress`` events, polling as a fallback) to completion, then "Save package…" downloads
the ZIP to the chosen file with progress and checks it against the export's SHA-256 (the test hashes the file
itself too, and reads the manifest and the MP4s inside). A refusal (more cameras than the backend allows) is
shown with the backend's message. "Create clip…" keeps the selection (the clip is read back from the backend).
"""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
from PySide6.QtCore import QLocale

from app.backend_link.options import BackendOptions
from app.viewmodels.playback_time import US
from simulator.inventory import camera_id
from tests import test_gui_support as support
from tests.gui_evidence_support import backend_get, open_shared_recording
from tests.test_gui_detections_timeline import plain, window_for
from tests.test_gui_support import wait_until

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
EXPORT_TIMEOUT_S = 150  # footage only XProtect has: fetched through the ImageServer, on a busy 2-core machine


def test_export_from_the_selection_downloads_a_verified_package(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    env = {"DETECTION_ENABLED": "false", "EXPORTS_MAX_CAMERAS": "1", "EXPORTS_PROGRESS_INTERVAL": "0.2"}
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, env, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel
    bar = panel.evidence_bar

    async def scenario() -> None:
        start, _end = await open_shared_recording(rt, simulator)
        selection = vm.timeline.selection
        selection.set_span(start + 2 * US, start + 8 * US)
        # Two cameras, one allowed: refused before queuing, with the backend's own words.
        bar.export_button.click()
        dialog = bar.dialog
        assert not dialog.start_button.isEnabled()  # a reason is required
        dialog.reason_edit.setText("Police request 2291")
        assert dialog.start_button.isEnabled()
        assert not await dialog.start()
        assert plain(dialog.status_label.text()) == "An export may hold at most 1 cameras; 2 were asked for."
        dialog.close()
        previous = QLocale()
        QLocale.setDefault(QLocale(QLocale.Language.Arabic))  # the operator's language: the backend's Arabic text
        try:
            dialog = bar.open_export()
            dialog.reason_edit.setText("Police request 2291")
            assert not await dialog.start()
            assert plain(dialog.status_label.text()) == "يمكن أن يضم التصدير 1 كاميرا على الأكثر، وقد طُلبت 2."
            dialog.close()
        finally:
            QLocale.setDefault(previous)

        # One camera: the export runs to completion.
        assert rt.vm.view_recordings([camera_id(0)], at_us=start)
        await wait_until(lambda: vm.timeline.rows[0].lanes is not None, 30, "the lanes")
        selection.set_span(start + 2 * US, start + 8 * US)
        dialog = bar.open_export()
        job = dialog.job
        assert job.backend_ids == [rt.vm.backend.backend_camera_id(camera_id(0))]
        progress: list[float] = []
        job.sigChanged.connect(lambda: progress.append(job.progress))
        dialog.reason_edit.setText("Police request 2291")
        assert await dialog.start()
        await wait_until(
            lambda: job.finished,
            EXPORT_TIMEOUT_S,
            "the export to finish",
            describe=lambda: (job.status, job.progress, job.export.phase if job.export else "", job.error),
        )
        assert job.completed, (job.status, job.error)
        assert progress == sorted(progress) and progress[-1] == 1.0
        assert job.events_seen > 0  # followed by the export_progress events (polling only without them)
        assert dialog.progress.value() == 1000 and dialog.save_button.isVisible()
        assert not dialog.open_button.isVisible()

        # Save package…: downloaded with progress, SHA-256 checked, the folder can be opened.
        target = tmp_path / "saved" / "evidence.zip"
        target.parent.mkdir()
        chunks: list[tuple[int, int]] = []
        job.sigDownloadProgress.connect(lambda w, t: chunks.append((w, t)))
        assert dialog.ask_path().isVisible()
        dialog.save_dialog.close()
        assert await dialog.save_to(str(target))
        assert job.verified and job.saved_path == target and dialog.open_button.isVisible()
        data = target.read_bytes()
        assert hashlib.sha256(data).hexdigest() == job.export.sha256 and len(data) == job.export.size_bytes
        assert chunks and chunks[-1][0] == len(data)
        assert "SHA-256 matches" in dialog.status_label.text()
        assert not (tmp_path / "saved" / "evidence.zip.part").exists()
        with zipfile.ZipFile(target) as package:
            manifest = json.loads(package.read("manifest.json"))
            mp4s = [n for n in package.namelist() if n.endswith(".mp4")]
        assert len(mp4s) == 1 and manifest["reason"] == "Police request 2291"
        stored = await backend_get(rt, data_dir, f"/api/v1/storage/exports/{job.export.id}")
        assert stored["status"] == "completed" and stored["sha256"] == job.export.sha256

        # Create clip…: the selection kept.
        dialog = bar.open_clip()
        dialog.title_edit.setText("Gate 3 collision")
        dialog.reason_edit.setText("Evidence lock")
        dialog.ok_button.click()
        assert await dialog.task, dialog.error_label.text()
        clips = await backend_get(rt, data_dir, "/api/v1/storage/clips")
        assert [(c["title"], c["reason"]) for c in clips["clips"]] == [("Gate 3 collision", "Evidence lock")]
        window.close()

    rt.run(scenario())


def test_export_phases_are_the_operators_words() -> None:
    from app.viewmodels.export_job import phase_text

    assert phase_text("camera 2/3: copying") == "Camera 2 of 3: copying footage"
    assert phase_text("camera 1/1: masking faces") == "Camera 1 of 1: blurring faces"
    assert phase_text("packaging") == "Writing the package and its manifest"
    assert phase_text("something new") == "something new", "an unknown phase is shown as the backend wrote it"
