"""The "Audit log" dialog (Administration menu; permission ``audit.read``), bound to ``AuditLogViewModel``.

Filters on top (user, action, outcome, text, and an optional time range in local time), the entries below,
newest first, and "Older entries" to load the next page with the same filters.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.viewmodels.admin_audit import AuditFilters, AuditLogViewModel
from app.viewmodels.playback_time import from_us, qdatetime_to_us

from .admin_common import AdminDialog, make_table

# Local time in ISO order, left to right in every language: left-to-right marks around the separators keep
# Arabic-Indic digits in that order (as app.viewmodels.playback_time.format_instant does for the table).
DATETIME_FORMAT = "yyyy\u200e-\u200eMM\u200e-\u200edd\u200e \u200eHH\u200e:\u200emm"


class AuditLogDialog(AdminDialog):
    """See the module docstring. Searches with the filters shown every time it is shown."""

    def __init__(self, vm: AuditLogViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, parent)
        self._vm = vm
        self.setWindowTitle(self.tr("Audit log"))
        self.resize(1100, 680)
        self.actor = QLineEdit(self)
        self.actor.setPlaceholderText(self.tr("any user"))
        self.action = QComboBox(self)
        self.action.setEditable(True)
        self.action.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.action.lineEdit().setPlaceholderText(self.tr("any action"))
        self.action.setMinimumContentsLength(24)
        self.outcome = QComboBox(self)
        self.outcome.addItem(self.tr("Any outcome"), "")
        for outcome, label in vm.outcomes():
            self.outcome.addItem(label, outcome)
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("text in user, action, target or details"))
        now = QDateTime.currentDateTime()
        self.use_since = QCheckBox(self.tr("From"), self)
        self.since = self._time_edit(now.addDays(-1))
        self.use_until = QCheckBox(self.tr("To"), self)
        self.until = self._time_edit(now.addSecs(3600))
        self.use_since.toggled.connect(self.since.setEnabled)
        self.use_until.toggled.connect(self.until.setEnabled)
        self.search_button = QPushButton(self.tr("Search"), self)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self._on_search)
        for field in (self.actor, self.text, self.action.lineEdit()):
            field.returnPressed.connect(self._on_search)

        filters = QGridLayout()
        filters.setHorizontalSpacing(10)
        filters.setVerticalSpacing(8)
        filters.addWidget(QLabel(self.tr("User"), self), 0, 0)
        filters.addWidget(self.actor, 0, 1)
        filters.addWidget(QLabel(self.tr("Action"), self), 0, 2)
        filters.addWidget(self.action, 0, 3)
        filters.addWidget(QLabel(self.tr("Outcome"), self), 0, 4)
        filters.addWidget(self.outcome, 0, 5)
        filters.addWidget(QLabel(self.tr("Text"), self), 1, 0)
        filters.addWidget(self.text, 1, 1)
        times = QHBoxLayout()
        times.setSpacing(8)
        for widget in (self.use_since, self.since, self.use_until, self.until):
            times.addWidget(widget)
        times.addStretch(1)
        filters.addLayout(times, 1, 2, 1, 3)
        filters.addWidget(self.search_button, 1, 5)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(3, 3)

        self.table = make_table(vm.model, self)
        for column, width in enumerate((150, 100, 240, 130, 80, 50, 90)):
            self.table.setColumnWidth(column, width)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("muted")
        self.older_button = QPushButton(self.tr("Older entries"), self)
        self.older_button.setAutoDefault(False)
        self.older_button.clicked.connect(vm.older)
        paging = QHBoxLayout()
        paging.addWidget(self.count_label, 1)
        paging.addWidget(self.older_button)
        self.lay_out(filters, self.table, paging, stretch=self.table)
        vm.sigEntriesChanged.connect(self._on_entries)
        vm.sigBusyChanged.connect(self._on_busy_buttons)
        self._on_entries()

    def _time_edit(self, value: QDateTime) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        # Left to right before the format is set: in a right-to-left application Qt would otherwise reverse the
        # editor's sections (and show hours and minutes swapped).
        edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        edit.setDisplayFormat(DATETIME_FORMAT)
        edit.setDateTime(value)
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    def filters(self) -> AuditFilters:
        """The filters as the administrator set them (the times in local time, as aware UTC datetimes)."""
        since = from_us(qdatetime_to_us(self.since.dateTime())) if self.use_since.isChecked() else None
        until = from_us(qdatetime_to_us(self.until.dateTime())) if self.use_until.isChecked() else None
        return AuditFilters(
            actor=self.actor.text(),
            action=self.action.currentText(),
            outcome=str(self.outcome.currentData() or ""),
            text=self.text.text(),
            since=since,
            until=until,
        )

    def _on_search(self) -> None:
        self._vm.search(self.filters())

    def _on_entries(self) -> None:
        shown = len(self._vm.entries)
        if self._vm.has_older:
            self.count_label.setText(self.tr("Newest {0} entries shown; older ones exist.").format(shown))
        else:
            self.count_label.setText(self.tr("{0} entries.").format(shown))
        self.older_button.setEnabled(self._vm.has_older and not self._vm.busy)
        typed = self.action.currentText()
        self.action.blockSignals(True)
        self.action.clear()
        self.action.addItems(["", *self._vm.known_actions])
        self.action.setEditText(typed)
        self.action.blockSignals(False)

    def _on_busy_buttons(self, busy: bool) -> None:
        self.search_button.setEnabled(not busy)
        self.older_button.setEnabled(self._vm.has_older and not busy)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._on_search()
