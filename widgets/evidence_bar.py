"""The evidence controls of the recordings panel: the selection's line and its buttons (Export…, Create clip…,
Tag range…, New incident…), the timeline's context menu, and the keys I / O (selection in / out at the cursor),
A (annotation at the cursor) and Esc (clear the selection).

Bound to an ``EvidenceViewModel``. What is offered follows the permissions (``can_export``: export and clip;
``can_annotate``: annotations and tags; ``can_incidents``: incidents) and needs a usable backend: without one
the bar is hidden and the context menu offers nothing of it. Dialogs are non-modal; the last one opened is
``dialog`` (tests drive it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QMessageBox, QPushButton, QSizePolicy, QWidget

from app.viewmodels.evidence import EvidenceViewModel
from app.viewmodels.timeline_marks import Annotation

from .evidence_dialogs import AnnotationDialog, ClipDialog, IncidentDialog, TagRangeDialog
from .export_dialog import ExportDialog

ANNOTATION_PICK_PX = 6  # a right click this close to a marker is on it


class EvidenceBar(QWidget):
    """See the module docstring. ``timeline`` is the panel's ``TimelineWidget``."""

    def __init__(self, vm: EvidenceViewModel, timeline: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self._timeline = timeline
        self.dialog: Any = None
        self.menu: QMenu | None = None
        self.confirm: QMessageBox | None = None
        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("muted")
        self.selection_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.selection_label.setMinimumWidth(120)
        self.export_button = self._button(self.open_export)
        self.clip_button = self._button(self.open_clip)
        self.tag_button = self._button(self.open_tag)
        self.incident_button = self._button(self.open_incident)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.selection_label, 1)
        for button in (self.export_button, self.clip_button, self.tag_button, self.incident_button):
            layout.addWidget(button)
        vm.selection.sigChanged.connect(self.sync)
        vm.sigPermissionsChanged.connect(self.sync)
        timeline.sigContextMenu.connect(self.show_context_menu)
        timeline.set_marks(vm.marks)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change)."""
        self.export_button.setText(self.tr("Export…"))
        self.clip_button.setText(self.tr("Create clip…"))
        self.tag_button.setText(self.tr("Tag range…"))
        self.incident_button.setText(self.tr("New incident…"))
        self.sync()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _button(self, slot) -> QPushButton:
        button = QPushButton(self)
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def sync(self) -> None:
        vm = self._vm
        self.setVisible(vm.available)
        selected = vm.selection.active
        pending = vm.selection.pending_in_us
        if selected:
            text = self.tr("Selection: {0}").format(vm.selection.text())
        elif pending is not None:
            text = self.tr("In point set; press O at the end of the range.")
        else:
            text = self.tr("Shift+drag on the timeline (or I / O) to select a range.")
        self.selection_label.setText(text)
        for button, allowed in (
            (self.export_button, vm.can_export),
            (self.clip_button, vm.can_export),
            (self.tag_button, vm.can_annotate),
            (self.incident_button, vm.can_incidents),
        ):
            button.setVisible(allowed)
            button.setEnabled(selected)

    # --- dialogs ----------------------------------------------------------------------------------------
    def _show(self, dialog: Any) -> Any:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_export(self) -> ExportDialog | None:
        job = self._vm.new_export() if self._vm.can_export else None
        if job is None:
            return None
        return self._show(
            ExportDialog(
                job, self._vm.runner, self._vm.selection.text(), self.window(), self._vm.sigExportsRequested.emit
            )
        )

    def open_clip(self) -> ClipDialog | None:
        if not (self._vm.can_export and self._vm.selection.active):
            return None
        return self._show(ClipDialog(self._vm, self.window()))

    def open_tag(self) -> TagRangeDialog | None:
        if not (self._vm.can_annotate and self._vm.selection.active):
            return None
        return self._show(TagRangeDialog(self._vm, self.window()))

    def open_incident(self) -> IncidentDialog | None:
        if not (self._vm.can_incidents and self._vm.selection.active):
            return None
        return self._show(IncidentDialog(self._vm, self.window()))

    def open_annotation(self, camera_id: str, at_us: int, note: Annotation | None = None) -> AnnotationDialog | None:
        if not self._vm.can_annotate:
            return None
        text, ident = (note.text, note.id) if note is not None else ("", None)
        at = note.at_us if note is not None else at_us
        return self._show(AnnotationDialog(self._vm, camera_id, at, text, ident, self.window()))

    def delete_annotation(self, note: Annotation) -> QMessageBox:
        """Ask (non-modal) whether to delete ``note``; "Yes" deletes it (``confirm``, its task ``dialog.task``)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete annotation"),
            self.tr("Delete this annotation?\n\n{0}").format(note.text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window(),
        )
        box.task = None  # type: ignore[attr-defined]

        def answered(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                box.task = self._vm.runner.spawn(  # type: ignore[attr-defined]
                    self._vm.delete_annotation(note.id), name="annotation-delete"
                )

        box.buttonClicked.connect(answered)
        self.confirm = box
        box.open()
        return box

    # --- context menu and keys --------------------------------------------------------------------------
    def annotation_at(self, row: int, time_us: int) -> Annotation | None:
        marks = self._vm.marks.row_marks(row)
        if marks is None:
            return None
        x0, x1 = self._timeline.visible_x()
        tolerance = round(ANNOTATION_PICK_PX * (x1 - x0) / max(1.0, self._timeline.view.width()) * 1e6)
        return marks.annotation_near(time_us, tolerance)

    def build_context_menu(self, time_us: int, row: int) -> QMenu:
        """The timeline's context menu at ``time_us`` over ``row`` (-1: no row)."""
        vm = self._vm
        menu = QMenu(self)
        rows = vm.playback.timeline.rows
        camera = rows[row].camera_id if 0 <= row < len(rows) else (rows[0].camera_id if rows else None)
        if not vm.available:
            return menu
        note = self.annotation_at(row, time_us) if row >= 0 else None
        if camera is not None and vm.can_annotate:
            menu.addAction(self.tr("Add annotation here…"), lambda: self.open_annotation(camera, time_us))
        if note is not None and vm.marks.may_edit(note):
            menu.addAction(self.tr("Edit annotation…"), lambda: self.open_annotation(note.camera_id, time_us, note))
            menu.addAction(self.tr("Delete annotation"), lambda: self.delete_annotation(note))
        if vm.selection.contains(time_us):
            menu.addSeparator()
            if vm.can_export:
                menu.addAction(self.tr("Export…"), self.open_export)
                menu.addAction(self.tr("Create clip…"), self.open_clip)
            if vm.can_annotate:
                menu.addAction(self.tr("Tag range…"), self.open_tag)
            if vm.can_incidents:
                menu.addAction(self.tr("New incident…"), self.open_incident)
            menu.addAction(self.tr("Clear selection"), vm.selection.clear)
        return menu

    def show_context_menu(self, time_us: int, row: int, screen: QPoint) -> None:
        self.menu = self.build_context_menu(int(time_us), row)
        if not self.menu.isEmpty():
            self.menu.popup(screen)

    def handle_key(self, event: QKeyEvent) -> bool:
        """I / O / A / Esc (no modifier); True when handled."""
        vm = self._vm
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        if key == Qt.Key.Key_Escape and (vm.selection.active or vm.selection.pending_in_us is not None):
            vm.selection.clear()
            return True
        cursor = vm.cursor_us()
        if cursor is None or not vm.playback.is_open:
            return False
        if key == Qt.Key.Key_I:
            vm.selection.set_in(cursor)
        elif key == Qt.Key.Key_O:
            vm.selection.set_out(cursor)
        elif key == Qt.Key.Key_A and vm.available and vm.can_annotate and vm.cameras():
            self.open_annotation(vm.cameras()[0][0], cursor)
        else:
            return False
        return True
