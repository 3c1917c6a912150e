"""The timeline's selection, annotations and tagged ranges, against the real simulator and the bundled backend.

Checked as the operator sees them: a Shift+drag selects the range under the mouse (band, its text), Esc and
a click clear it, I / O set its ends at the playhead; key A adds an annotation at the playhead, drawn as a
marker at that time (the pixel there has the marker's colour), its text and author in the tooltip, stored in
the backend (read back with a client of our own); it can be edited and deleted; "Tag range…" with a new tag
draws a bar of the tag's colour with its name on every camera of the selection.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.backend_link.options import BackendOptions
from app.viewmodels.playback_time import US
from tests import test_gui_support as support
from tests.gui_evidence_support import backend_get, drag, open_shared_recording
from tests.test_gui_detections_timeline import close_to, plain, window_for
from tests.test_gui_support import wait_until
from widgets.timeline_marks import ANNOTATION_COLOUR

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring


def test_selection_annotations_and_tags_on_the_timeline(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, {"DETECTION_ENABLED": "false"}, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel
    timeline, bar = panel.timeline, panel.evidence_bar
    selection = vm.timeline.selection

    async def scenario() -> None:
        start, _end = await open_shared_recording(rt, simulator)
        backend = rt.vm.backend
        cam0 = backend.backend_camera_id(vm.camera_ids[0])
        assert bar is not None and bar.isVisible() and timeline.marks_height > 0
        assert bar.export_button.isVisible() and not bar.export_button.isEnabled()  # nothing selected yet
        viewport = timeline.plot.viewport()

        # Shift+drag over row 0: the range under the mouse, one pixel's worth of precision.
        a, b = start + 5 * US, start + 25 * US
        p0 = timeline.widget_point(a, 0).toPoint()
        p1 = timeline.widget_point(b, 0).toPoint()
        await drag(viewport, p0, p1)
        await wait_until(lambda: selection.active, 5, "the selection")
        x0, x1 = timeline.visible_x()
        per_px = (x1 - x0) / max(1.0, timeline.view.width()) * 1e6
        got = selection.span_us
        assert abs(got[0] - a) <= 2 * per_px and abs(got[1] - b) <= 2 * per_px, (got, a, b, per_px)
        band = timeline.selection_band.span
        assert band == pytest.approx((timeline.x_of(got[0]), timeline.x_of(got[1])))
        assert "20 s" in plain(selection.text()) and "20 s" in plain(bar.selection_label.text())
        assert bar.export_button.isEnabled() and bar.incident_button.isEnabled()
        # The drag did not pan the view and did not seek.
        assert timeline.visible_x() == (x0, x1)
        QTest.keyClick(panel, Qt.Key.Key_Escape)
        assert not selection.active and not timeline.selection_band.isVisible()

        # I / O at the playhead.
        vm.seek(start + 2 * US)
        await wait_until(lambda: vm.position_us == start + 2 * US, 10, "the seek")
        QTest.keyClick(panel, Qt.Key.Key_I)
        assert not selection.active and selection.pending_in_us == start + 2 * US
        vm.seek(start + 12 * US)
        await wait_until(lambda: vm.position_us == start + 12 * US, 10, "the second seek")
        QTest.keyClick(panel, Qt.Key.Key_O)
        assert selection.span_us == (start + 2 * US, start + 12 * US)
        # A plain click clears it (and seeks).
        timeline.view.sigClicked.emit(timeline.x_of(start + 30 * US), 0.5)
        assert not selection.active

        # A: an annotation at the playhead.
        at = vm.position_us
        QTest.keyClick(panel, Qt.Key.Key_A)
        dialog = bar.dialog
        assert dialog is not None and dialog.isVisible() and dialog.camera_id == vm.camera_ids[0]
        dialog.text_edit.setPlainText("Man in a red coat drops a bag")
        dialog.ok_button.click()
        assert await dialog.task
        lane = timeline.marks_lane(0)
        await wait_until(
            lambda: lane.drawn_annotations == [(at, "Man in a red coat drops a bag")],
            10,
            "the marker",
            describe=lambda: (lane.drawn_annotations, at, rt.vm.evidence.marks.error(vm.camera_ids[0])),
        )
        stored = await backend_get(rt, data_dir, "/api/v1/metadata/annotations", cameraId=cam0)
        assert [(n["text"], n["cameraId"]) for n in stored["annotations"]] == [("Man in a red coat drops a bag", cam0)]
        # The marker's pixel: at the annotation's time, in the marks lane, the marker's colour.
        vm.timeline.ensure_visible(at)
        point = timeline.widget_point(at, 0, "marks")
        image = viewport.grab().toImage()
        scale = image.width() / viewport.width()
        colour = image.pixelColor(round(point.x() * scale), round(point.y() * scale))
        assert close_to(colour, ANNOTATION_COLOUR, 40), colour.name()
        away = image.pixelColor(round((point.x() + 30) * scale), round(point.y() * scale))
        assert not close_to(away, ANNOTATION_COLOUR, 40)
        tip = plain(timeline.tooltip_at(timeline.x_of(at), timeline.lane_y(0, "marks")))
        assert "Man in a red coat drops a bag" in tip and backend.identity.username in tip

        # The context menu over it: add, edit and delete (own annotation).
        menu = bar.build_context_menu(at, 0)
        texts = [action.text() for action in menu.actions() if action.text()]
        assert texts == ["Add annotation here…", "Edit annotation…", "Delete annotation"], texts
        next(x for x in menu.actions() if x.text() == "Edit annotation…").trigger()
        bar.dialog.text_edit.setPlainText("Man in a red coat leaves a bag by the door")
        bar.dialog.ok_button.click()
        assert await bar.dialog.task
        await wait_until(
            lambda: lane.drawn_annotations == [(at, "Man in a red coat leaves a bag by the door")], 10, "edit"
        )

        # Tag range… with a new tag: a bar in its colour with its name on both cameras.
        selection.set_span(start + 3 * US, start + 18 * US)
        dialog = bar.open_tag()
        await dialog.tags_task
        dialog.tag_combo.setEditText("Suspicious bag")
        dialog.colour_combo.setCurrentIndex(dialog.colour_combo.findData("#d29922"))
        dialog.ok_button.click()
        assert await dialog.task
        for row in (0, 1):
            bars = timeline.marks_lane(row)
            await wait_until(lambda b=bars: b.drawn_ranges, 10, "the tag bars")
            assert bars.drawn_ranges == [(start + 3 * US, start + 18 * US, "Suspicious bag", "#d29922")]
        selection.clear()  # the band is translucent over the bars
        middle = timeline.widget_point(start + 15 * US, 1, "tags")
        image = viewport.grab().toImage()
        colour = image.pixelColor(round(middle.x() * scale), round(middle.y() * scale))
        assert close_to(colour, "#d29922", 20), colour.name()
        assert "Tag: Suspicious bag" in plain(
            timeline.tooltip_at(timeline.x_of(start + 15 * US), timeline.lane_y(1, "tags"))
        )
        ranges = await backend_get(rt, data_dir, "/api/v1/metadata/tagged-ranges", cameraId=cam0)
        assert [r["tag"]["name"] for r in ranges["ranges"]] == ["Suspicious bag"]

        # Delete (confirmed): the marker goes, in the backend too.
        box = bar.delete_annotation(bar.annotation_at(0, at))
        box.button(QMessageBox.StandardButton.Yes).click()
        assert await box.task
        await wait_until(lambda: lane.drawn_annotations == [], 10, "the marker removed")
        stored = await backend_get(rt, data_dir, "/api/v1/metadata/annotations", cameraId=cam0)
        assert stored["annotations"] == []
        window.close()

    rt.run(scenario())
