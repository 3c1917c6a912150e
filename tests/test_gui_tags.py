"""Tag definitions and incident tags in the GUI, against the simulator and the bundled backend; the timeline
legend's notes entry.

Evidence ▸ Tags…: a tag created (name, category, colour picked in the QColorDialog), renamed, recoloured,
recategorised and deleted (after a confirmation) is so in the backend (read with a client of our own); a
name already taken is refused with the backend's own words. "New incident…" picks two of the defined tags
(swatch and name, under their category): the incident carries both in the backend; the incident editor of the
Incidents dock changes them.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox

from app.backend_link.options import BackendOptions
from app.viewmodels.playback_time import US
from tests import test_gui_support as support
from tests.gui_evidence_support import backend_get, open_shared_recording
from tests.test_gui_detections_timeline import window_for
from tests.test_gui_support import wait_until
from widgets.timeline_legend import TimelineLegend
from widgets.timeline_marks import ANNOTATION_COLOUR

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring


def test_the_legend_explains_the_notes_and_tags_lane(qtbot):
    legend = TimelineLegend()
    qtbot.addWidget(legend)
    notes = [(c, t) for c, t in legend.entries if t.startswith("Notes and tags")]
    assert notes == [(ANNOTATION_COLOUR, notes[0][1])] and "▼" in legend.text()
    assert "Notes&nbsp;and&nbsp;tags" in legend.text()


def test_tags_defined_in_the_dialog_and_picked_for_an_incident(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, {"DETECTION_ENABLED": "false"}, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    bar, dock, tags = window.playback_panel.evidence_bar, window.incidents_panel, rt.vm.tags

    async def stored_tags() -> dict[str, dict]:
        return {t["name"]: t for t in (await backend_get(rt, data_dir, "/api/v1/metadata/tags"))["tags"]}

    async def scenario() -> None:
        start, _end = await open_shared_recording(rt, simulator)
        menu = window.evidence_menu
        assert menu.tags_action.isVisible()
        dialog = menu.show_tags()
        await wait_until(lambda: tags.loaded, 10, "the tags")
        # Create: name, category, colour from the colour dialog.
        assert dialog.save_button.text() == "Create" and not dialog.save_button.isEnabled()
        dialog.name_edit.setText("Vehicle")
        dialog.category_combo.setEditText("Traffic")
        colours = dialog.choose_colour()
        colours.setCurrentColor(QColor("#ff8800"))
        colours.accept()
        assert dialog.colour == "#ff8800" and dialog.colour_button.text() == "#ff8800"
        assert await dialog.save()
        made = (await stored_tags())["Vehicle"]
        assert (made["category"], made["color"].lower()) == ("Traffic", "#ff8800")
        assert dialog.editing == made["id"] and dialog.save_button.text() == "Save"
        assert dialog.item_of(made["id"]).parent().text(0) == "Traffic"
        # Rename, recolour, recategorise.
        dialog.name_edit.setText("Truck")
        dialog.category_combo.setEditText("Vehicles")
        dialog.choose_colour().setCurrentColor(QColor("#2255ee"))
        dialog.colour_dialog.accept()
        assert await dialog.save()
        changed = (await stored_tags())["Truck"]
        assert changed["id"] == made["id"] and "Vehicle" not in await stored_tags()
        assert (changed["category"], changed["color"].lower()) == ("Vehicles", "#2255ee")
        assert dialog.item_of(made["id"]).text(0) == "Truck" and dialog.item_of(made["id"]).text(1) == "#2255ee"
        # A second tag, then a name already taken: the backend's refusal is shown.
        dialog.new_tag()
        dialog.name_edit.setText("Person")
        assert await dialog.save()
        dialog.new_tag()
        dialog.name_edit.setText("truck")
        assert not await dialog.save()
        assert dialog.error_label.isVisible() and "truck" in dialog.error_label.text().lower()
        assert sorted(await stored_tags()) == ["Person", "Truck"]
        # A third, to delete after a confirmation ("No" first keeps it).
        dialog.new_tag()
        dialog.name_edit.setText("Mistake")
        assert await dialog.save()
        doomed = (await stored_tags())["Mistake"]["id"]
        box = dialog.delete_selected()
        assert "Mistake" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        assert box.task is None and "Mistake" in await stored_tags()
        box = dialog.delete_selected()
        box.button(QMessageBox.StandardButton.Yes).click()
        assert await box.task
        assert sorted(await stored_tags()) == ["Person", "Truck"] and dialog.item_of(doomed) is None
        assert dialog.editing is None
        dialog.close()

        # New incident…: two tags picked (under their categories).
        rt.vm.playback.timeline.selection.set_span(start + 2 * US, start + 12 * US)
        incident = bar.open_incident()
        await incident.tags_task
        picker = incident.tag_picker
        assert picker.names() == ["Truck", "Person"]  # "Vehicles" first, then the uncategorised
        headers = [
            picker.item(i).text() for i in range(picker.count()) if picker.item(i).flags() == Qt.ItemFlag.NoItemFlags
        ]
        assert headers == ["Vehicles", "Uncategorised"]
        ids = await stored_tags()
        picker.set_checked([ids["Truck"]["id"], ids["Person"]["id"]])
        incident.title_edit.setText("Truck and pedestrian at gate 2")
        incident.ok_button.click()
        assert await incident.task, incident.error_label.text()
        stored = await backend_get(rt, data_dir, f"/api/v1/metadata/incidents/{incident.incident_id}")
        assert sorted(t["name"] for t in stored["tags"]) == ["Person", "Truck"]

        # The Incidents dock's editor: one tag taken off.
        window.incidents_action.trigger()
        incidents = rt.vm.incidents
        await wait_until(lambda: incidents.searched and incidents.items and incidents.tag_defs, 10, "the listing")
        assert await dock.open_row(0)
        assert sorted(dock.tag_picker.checked_ids()) == sorted([ids["Truck"]["id"], ids["Person"]["id"]])
        dock.tag_picker.set_checked([ids["Truck"]["id"]])
        assert await dock.save_changes()
        stored = await backend_get(rt, data_dir, f"/api/v1/metadata/incidents/{incident.incident_id}")
        assert [t["name"] for t in stored["tags"]] == ["Truck"]
        window.close()

    rt.run(scenario())
