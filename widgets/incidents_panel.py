"""The Incidents dock (Ctrl+I): search incidents (words, debounced), filter them, page through them, open one
to read and edit it, and play its footage.

Bound to an ``IncidentsViewModel``. The list shows per incident its title, a severity dot in the severity's
colour, the status, the start time and the cameras; "Load more" appends the next page. Opening an incident
(double click or Enter) shows its details below the list; with permission ``incidents`` its status, severity,
description, assignee and tags (picked from the defined ones, by category) can be changed ("Save changes");
"Open in player" plays its cameras at its start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.incidents import (
    INCIDENT_STATUSES,
    SEVERITIES,
    SEVERITY_COLOURS,
    IncidentsViewModel,
    severity_text,
    status_text,
)
from app.viewmodels.recording_state import isolate

from .tag_picker import TagPicker


def severity_icon(severity: str) -> QIcon:
    pixmap = QPixmap(24, 24)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SEVERITY_COLOURS.get(severity, "#6e7681")))
    p.drawEllipse(2, 2, 8, 8)
    p.end()
    return QIcon(pixmap)


class IncidentsPanel(QWidget):
    """See the module docstring. ``task``: the last command's task (tests await it)."""

    def __init__(self, vm: IncidentsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.task: Any = None
        self.search_edit = QLineEdit(self)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(vm.set_query)
        self.severity_combo = self._combo([(s, "") for s in SEVERITIES])
        self.status_combo = self._combo([(s, "") for s in INCIDENT_STATUSES])
        self.camera_combo = self._combo([])
        self.tag_combo = self._combo([])
        for combo in (self.severity_combo, self.status_combo, self.camera_combo, self.tag_combo):
            combo.activated.connect(self._on_filters)
        self.results = QListWidget(self)
        self.results.setObjectName("incidentResults")
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.itemActivated.connect(self._on_activated)
        self.results.itemDoubleClicked.connect(self._on_activated)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("muted")
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #ff7b72;")
        self.error_label.setWordWrap(True)
        self.more_button = QPushButton(self)
        self.more_button.clicked.connect(lambda: self._spawn(vm.load_more()))
        self.details = self._build_details()
        filters = QHBoxLayout()
        filters.addWidget(self.severity_combo)
        filters.addWidget(self.status_combo)
        filters2 = QHBoxLayout()
        filters2.addWidget(self.camera_combo)
        filters2.addWidget(self.tag_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search_edit)
        layout.addLayout(filters)
        layout.addLayout(filters2)
        layout.addWidget(self.results, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.summary_label, 1)
        footer.addWidget(self.more_button)
        layout.addLayout(footer)
        layout.addWidget(self.error_label)
        layout.addWidget(self.details)
        vm.sigStateChanged.connect(self._sync)
        vm.sigCurrentChanged.connect(self._show_current)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change)."""
        self.search_edit.setPlaceholderText(self.tr("Search incidents (any words, English or Arabic)"))
        self.severity_combo.setItemText(0, self.tr("Any severity"))
        self.status_combo.setItemText(0, self.tr("Any status"))
        self.camera_combo.setItemText(0, self.tr("Any camera"))
        self.tag_combo.setItemText(0, self.tr("Any tag"))
        for combo, offset in ((self.severity_combo, 1), (self.edit_severity, 0)):
            for index in range(offset, combo.count()):
                combo.setItemText(index, severity_text(combo.itemData(index)))
        for combo, offset in ((self.status_combo, 1), (self.edit_status, 0)):
            for index in range(offset, combo.count()):
                combo.setItemText(index, status_text(combo.itemData(index)))
        self.more_button.setText(self.tr("Load more"))
        self.details.setTitle(self.tr("Incident"))
        self.save_button.setText(self.tr("Save changes"))
        self.play_button.setText(self.tr("Open in player"))
        rows = (
            (self.description_edit, self.tr("Description")),
            (self.edit_severity, self.tr("Severity")),
            (self.edit_status, self.tr("Status")),
            (self.assignee_edit, self.tr("Assignee")),
            (self.tag_picker, self.tr("Tags")),
        )
        for field, text in rows:
            label = self._form.labelForField(field)
            if isinstance(label, QLabel):
                label.setText(text)
        self._sync()
        self._show_current()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _combo(self, entries: list[tuple[Any, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.addItem("", None)  # "Any …": set in retranslate()
        for data, text in entries:
            combo.addItem(text, data)
        return combo

    def _build_details(self) -> QGroupBox:
        box = QGroupBox(self)
        form = self._form = QFormLayout(box)
        self.title_label = QLabel(box)
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-weight: 600;")
        self.info_label = QLabel(box)
        self.info_label.setWordWrap(True)
        self.description_edit = QPlainTextEdit(box)
        self.description_edit.setFixedHeight(80)
        self.edit_severity = QComboBox(box)
        for severity in SEVERITIES:
            self.edit_severity.addItem(severity_icon(severity), "", severity)
        self.edit_status = QComboBox(box)
        for status in INCIDENT_STATUSES:
            self.edit_status.addItem("", status)
        self.assignee_edit = QLineEdit(box)
        self.tag_picker = TagPicker(box)
        self.tag_picker.setFixedHeight(100)
        self.save_button = QPushButton(box)
        self.save_button.clicked.connect(self.save_changes)
        self.play_button = QPushButton(box)
        self.play_button.clicked.connect(lambda: self._vm.play())
        buttons = QHBoxLayout()
        buttons.addWidget(self.play_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(self.title_label)
        form.addRow(self.info_label)
        for field in (self.description_edit, self.edit_severity, self.edit_status, self.assignee_edit, self.tag_picker):
            form.addRow("", field)  # captions set in retranslate()
        form.addRow(buttons)
        return box

    def _spawn(self, coro) -> Any:
        self.task = self._vm.runner.spawn(coro, name="incidents-panel")
        return self.task

    # --- operator -> view-model -------------------------------------------------------------------------
    def _on_filters(self, *_args) -> None:
        self._vm.set_filters(
            severity=self.severity_combo.currentData(),
            status=self.status_combo.currentData(),
            camera_id=self.camera_combo.currentData(),
            tag_id=self.tag_combo.currentData(),
        )

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.open_row(self.results.row(item))

    def open_row(self, row: int) -> Any:
        """Show the details of the incident in ``row``."""
        if not 0 <= row < len(self._vm.items):
            return None
        return self._spawn(self._vm.open_incident(self._vm.items[row].id))

    def save_changes(self) -> Any:
        current = self._vm.current
        if current is None:
            return None
        changes: dict[str, Any] = {}
        if self.edit_status.currentData() != current.status:
            changes["status"] = self.edit_status.currentData()
        if self.edit_severity.currentData() != current.severity:
            changes["severity"] = self.edit_severity.currentData()
        if self.description_edit.toPlainText() != current.description:
            changes["description"] = self.description_edit.toPlainText()
        assignee = self.assignee_edit.text().strip() or None
        if assignee != current.assignee:
            changes["assignee"] = assignee
        tag_ids = sorted(self.tag_picker.checked_ids())
        if tag_ids != sorted(t.id for t in current.tags):
            changes["tagIds"] = tag_ids
        if not changes:
            return None
        return self._spawn(self._vm.update_current(**changes))

    # --- view-model -> widgets --------------------------------------------------------------------------
    def row_text(self, row: int) -> str:
        item = self.results.item(row)
        return item.text() if item is not None else ""

    def _sync(self) -> None:
        vm = self._vm
        self._fill_combo(self.camera_combo, vm.cameras)
        self._fill_combo(self.tag_combo, [(i, n) for i, n, _c in vm.tags])
        self.tag_picker.set_tags(vm.tag_defs)
        self.results.clear()
        for incident in vm.items:
            cameras = ", ".join(isolate(n) for n in vm.camera_names(incident))
            meta = f"{severity_text(incident.severity)} · {status_text(incident.status)} · {vm.time_text(incident)}"
            item = QListWidgetItem(severity_icon(incident.severity), f"{incident.title}\n{meta} · {cameras}")
            item.setData(Qt.ItemDataRole.UserRole, incident.id)
            item.setToolTip(incident.description)
            self.results.addItem(item)
        self.summary_label.setText(vm.summary_text())
        self.more_button.setVisible(vm.has_more)
        self.more_button.setEnabled(not vm.busy)
        self.error_label.setText(vm.error)
        self.error_label.setVisible(bool(vm.error))
        self._sync_edit()

    def _fill_combo(self, combo: QComboBox, entries: list[tuple[Any, str]]) -> None:
        wanted = [(data, text) for data, text in entries]
        have = [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())]
        if wanted == have:
            return
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for data, text in wanted:
            combo.addItem(text, data)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def _sync_edit(self) -> None:
        editable = self._vm.can_edit and self._vm.current is not None
        for widget in (
            self.description_edit,
            self.edit_severity,
            self.edit_status,
            self.assignee_edit,
            self.tag_picker,
        ):
            widget.setEnabled(editable)
        self.save_button.setVisible(self._vm.can_edit)
        self.save_button.setEnabled(editable)

    def _show_current(self) -> None:
        incident = self._vm.current
        self.details.setVisible(incident is not None)
        if incident is None:
            return
        self.title_label.setText(incident.title)
        cameras = ", ".join(isolate(n) for n in self._vm.camera_names(incident))
        self.info_label.setText(
            self.tr("{0} · from {1} · cameras: {2} · by {3}").format(
                status_text(incident.status), self._vm.time_text(incident), cameras, isolate(incident.created_by)
            )
        )
        self.description_edit.setPlainText(incident.description)
        self.edit_severity.setCurrentIndex(max(0, self.edit_severity.findData(incident.severity)))
        self.edit_status.setCurrentIndex(max(0, self.edit_status.findData(incident.status)))
        self.assignee_edit.setText(incident.assignee or "")
        known = {entry[0] for entry in self._vm.tag_defs}
        extra = [(t.id, t.name, t.color, t.category) for t in incident.tags if t.id not in known]
        self.tag_picker.set_tags([*self._vm.tag_defs, *extra])
        self.tag_picker.set_checked(t.id for t in incident.tags)
        self._sync_edit()
