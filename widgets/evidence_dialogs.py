"""The small dialogs of the timeline's selection and cursor: annotation, clip, tag range, new incident.

Each is non-modal (``open()``), bound to the ``EvidenceViewModel``: "OK" runs the view-model's command as a
task (``task``) and closes the dialog when it succeeds; a refusal (the backend's bilingual message) stays shown
in the dialog (``error_label``) so the operator can correct it. The range and the cameras come from the
selection and are shown, not edited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.evidence import EvidenceViewModel
from app.viewmodels.incidents import SEVERITIES, severity_text
from app.viewmodels.playback_time import format_instant
from app.viewmodels.recording_state import isolate
from app.viewmodels.tag_admin import category_text

from .tag_picker import TagPicker, colour_swatch

TAG_COLOURS = ("#3fb950", "#58a6ff", "#d29922", "#f85149", "#a371f7", "#db61a2")


class EvidenceDialog(QDialog):
    """The common frame: a form, an error line, OK / Cancel. Subclasses fill ``form`` and define ``run()``."""

    def __init__(self, vm: EvidenceViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.task: Any = None
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialogError")
        self.error_label.setStyleSheet("color: #ff7b72;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def add_range_rows(self) -> None:
        cameras = ", ".join(isolate(name) for _id, name in self._vm.cameras())
        self.form.addRow(self.tr("Cameras"), QLabel(cameras, self))
        self.form.addRow(self.tr("Range"), QLabel(self._vm.selection.text(), self))

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def submit(self) -> None:
        """OK: run the command; the dialog closes when it succeeded."""
        if self.task is not None and not self.task.done():
            return
        self.show_error("")
        self.ok_button.setEnabled(False)
        self.task = self._vm.runner.spawn(self._submit(), name="evidence-dialog")

    async def _submit(self) -> bool:
        errors: list[str] = []
        self._vm.sigError.connect(errors.append)
        try:
            ok = await self.run()
        finally:
            self._vm.sigError.disconnect(errors.append)
            self.ok_button.setEnabled(True)
        if ok:
            self.accept()
        else:
            self.show_error(errors[-1] if errors else self._vm.last_error)
        return bool(ok)

    async def run(self) -> bool:
        raise NotImplementedError


class AnnotationDialog(EvidenceDialog):
    """Add (``annotation_id`` None) or edit an annotation's text at ``at_us`` on ``camera_id``."""

    def __init__(
        self,
        vm: EvidenceViewModel,
        camera_id: str,
        at_us: int,
        text: str = "",
        annotation_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(vm, parent)
        self.setWindowTitle(self.tr("Add annotation") if annotation_id is None else self.tr("Edit annotation"))
        self.camera_id, self.at_us, self.annotation_id = camera_id, at_us, annotation_id
        self.form.addRow(self.tr("Time"), QLabel(format_instant(at_us, millis=True), self))
        self.text_edit = QPlainTextEdit(text, self)
        self.text_edit.setPlaceholderText(self.tr("What happens here"))
        self.text_edit.setFixedHeight(90)
        self.form.addRow(self.tr("Text"), self.text_edit)

    async def run(self) -> bool:
        text = self.text_edit.toPlainText()
        if self.annotation_id is None:
            return await self._vm.add_annotation(self.camera_id, self.at_us, text)
        return await self._vm.edit_annotation(self.annotation_id, text)


class ClipDialog(EvidenceDialog):
    """ "Create clip…": a title and a reason for keeping the selection."""

    def __init__(self, vm: EvidenceViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, parent)
        self.setWindowTitle(self.tr("Create clip"))
        self.add_range_rows()
        self.title_edit = QLineEdit(self)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("Why this footage must be kept"))
        self.form.addRow(self.tr("Title"), self.title_edit)
        self.form.addRow(self.tr("Reason"), self.reason_edit)

    async def run(self) -> bool:
        if not self.title_edit.text().strip():
            self.show_error(self.tr("A clip needs a title."))
            return False
        return await self._vm.create_clip(self.title_edit.text(), self.reason_edit.text())


class TagRangeDialog(EvidenceDialog):
    """ "Tag range…": an existing tag, or a new one (name; its colour picked from ``TAG_COLOURS``)."""

    def __init__(self, vm: EvidenceViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, parent)
        self.setWindowTitle(self.tr("Tag range"))
        self.add_range_rows()
        self.tag_combo = QComboBox(self)
        self.tag_combo.setEditable(True)
        self.tag_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        editor = self.tag_combo.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("Choose a tag or type a new one"))
        self.colour_combo = QComboBox(self)
        for colour in TAG_COLOURS:
            self.colour_combo.addItem(colour, colour)
        self.form.addRow(self.tr("Tag"), self.tag_combo)
        self.form.addRow(self.tr("Colour of a new tag"), self.colour_combo)
        self.tags_task = vm.runner.spawn(self._load_tags(), name="tags")

    async def _load_tags(self) -> None:
        for tag in await self._vm.tags():
            self.tag_combo.addItem(colour_swatch(tag.colour), tag.name, tag.id)
            if tag.category:
                self.tag_combo.setItemData(
                    self.tag_combo.count() - 1, category_text(tag.category), Qt.ItemDataRole.ToolTipRole
                )
        self.tag_combo.setCurrentIndex(-1)

    async def run(self) -> bool:
        name = self.tag_combo.currentText().strip()
        if not name:
            self.show_error(self.tr("Choose a tag or type a new one."))
            return False
        index = self.tag_combo.findText(name, Qt.MatchFlag.MatchFixedString)
        tag_id = self.tag_combo.itemData(index) if index >= 0 else None
        return await self._vm.tag_selection(tag_id, name, str(self.colour_combo.currentData()))


class IncidentDialog(EvidenceDialog):
    """ "New incident…": title, description, severity, assignee (optional), tags (``tag_picker``: the defined
    tags, by category); cameras and range from the selection. ``incident_id`` is set once created."""

    def __init__(self, vm: EvidenceViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, parent)
        self.setWindowTitle(self.tr("New incident"))
        self.incident_id: int | None = None
        self.add_range_rows()
        self.title_edit = QLineEdit(self)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setFixedHeight(110)
        self.severity_combo = QComboBox(self)
        for severity in SEVERITIES:
            self.severity_combo.addItem(severity_text(severity), severity)
        self.severity_combo.setCurrentIndex(SEVERITIES.index("medium"))
        self.assignee_edit = QLineEdit(self)
        self.assignee_edit.setPlaceholderText(self.tr("User name (optional)"))
        self.form.addRow(self.tr("Title"), self.title_edit)
        self.form.addRow(self.tr("Description"), self.description_edit)
        self.form.addRow(self.tr("Severity"), self.severity_combo)
        self.form.addRow(self.tr("Assignee"), self.assignee_edit)
        self.tag_picker = TagPicker(self)
        self.tag_picker.setFixedHeight(150)
        self.form.addRow(self.tr("Tags"), self.tag_picker)
        self.tags_task = vm.runner.spawn(self._load_tags(), name="incident-tags")

    async def _load_tags(self) -> None:
        self.tag_picker.set_tags((t.id, t.name, t.colour, t.category) for t in await self._vm.tags())

    async def run(self) -> bool:
        if not self.title_edit.text().strip():
            self.show_error(self.tr("An incident needs a title."))
            return False
        self.incident_id = await self._vm.create_incident(
            self.title_edit.text(),
            self.description_edit.toPlainText(),
            str(self.severity_combo.currentData()),
            self.assignee_edit.text(),
            self.tag_picker.checked_ids(),
        )
        return self.incident_id is not None
