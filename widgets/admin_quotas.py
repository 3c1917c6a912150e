"""The "Stream quotas" dialog (Administration menu; permission ``quotas.manage``), bound to
``StreamLimitsViewModel``: each agency's limit, streams in use and available, and a form to set a limit (a new
agency name adds one). The use follows the backend's ``quota_changed`` events while the dialog is open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.viewmodels.admin_quotas import MAX_LIMIT, AgencyRole, StreamLimitsViewModel

from .admin_common import AdminDialog, make_table, select_row


class StreamQuotasDialog(AdminDialog):
    """See the module docstring. Reads the agencies again every time it is shown."""

    def __init__(self, vm: StreamLimitsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, parent)
        self._vm = vm
        self.setWindowTitle(self.tr("Stream quotas"))
        self.resize(620, 520)
        hint = QLabel(
            self.tr("Each agency may open at most its limit of streams at once (live tiles and recordings)."), self
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.table = make_table(vm.model, self)
        self.table.setColumnWidth(0, 200)
        for column in (1, 2):
            self.table.setColumnWidth(column, 110)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.agency = QComboBox(self)
        self.agency.setEditable(True)
        self.agency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.agency.lineEdit().setPlaceholderText(self.tr("agency"))
        self.agency.setMinimumContentsLength(16)
        self.agency.currentTextChanged.connect(self._on_agency_typed)
        self.limit = QSpinBox(self)
        self.limit.setRange(0, MAX_LIMIT)
        self.limit.setSuffix(self.tr(" streams"))
        self.limit.setAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
        self.set_button = QPushButton(self.tr("Set limit"), self)
        self.set_button.setDefault(True)
        self.set_button.clicked.connect(self._on_set)
        form = QHBoxLayout()
        form.setSpacing(8)
        form.addWidget(QLabel(self.tr("Agency"), self))
        form.addWidget(self.agency, 1)
        form.addWidget(QLabel(self.tr("Limit"), self))
        form.addWidget(self.limit)
        form.addWidget(self.set_button)
        self.lay_out(hint, self.table, form, stretch=self.table, refresh=vm.refresh)
        vm.sigAgenciesChanged.connect(self._on_agencies)
        vm.sigBusyChanged.connect(lambda busy: self.set_button.setEnabled(not busy))

    def _on_agencies(self) -> None:
        typed = self.agency.currentText()
        self.agency.blockSignals(True)
        self.agency.clear()
        self.agency.addItems([quota.agency for quota in self._vm.agencies])
        self.agency.setEditText(typed)
        self.agency.blockSignals(False)

    def select_agency(self, agency: str) -> bool:
        """Select ``agency``'s row (fills the form); False when the table does not show it."""
        model = self._vm.model
        for row in range(model.rowCount()):
            if model.item(row, 0).data(AgencyRole) == agency:
                select_row(self.table, row)
                return True
        return False

    def _on_selection(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.agency.setEditText(str(rows[0].data(AgencyRole)))

    def _on_agency_typed(self, text: str) -> None:
        quota = self._vm.agency(text)
        if quota is not None:
            self.limit.setValue(quota.limit)

    def _on_set(self) -> None:
        self._vm.set_limit(self.agency.currentText(), self.limit.value())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._vm.refresh()
