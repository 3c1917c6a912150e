"""What the administration dialogs share: the table style, a read-only table view and the status area.

Every dialog is bound to one ``app.viewmodels.admin_page.AdminPage``: its busy state drives a thin progress bar,
its error (the backend's bilingual message in the application's language) and its notice show under the table.
Dialogs are shown non-modally (``show``): an administrator can keep them open beside the wall.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLayout,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.admin_page import AdminPage

from .theme import ACCENT, BASE, BORDER, MUTED, PANEL

STYLE = f"""
QTableView {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; gridline-color: {BORDER};
              alternate-background-color: #13171c; selection-background-color: #1f3b63; outline: 0; }}
QHeaderView::section {{ background: {PANEL}; color: {MUTED}; border: none; border-bottom: 1px solid {BORDER};
                        padding: 4px 8px; font-weight: 600; }}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 6px; margin-top: 14px; padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; subcontrol-position: top left; padding: 0 6px; color: {MUTED};
                    font-weight: 600; }}
QDateTimeEdit {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 6px; }}
QDateTimeEdit:disabled {{ color: {MUTED}; }}
QCheckBox::indicator {{ width: 13px; height: 13px; border: 1px solid #4a5360; border-radius: 3px; background: {BASE}; }}
QCheckBox::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}
QLabel#adminError {{ color: #ff7b72; background: rgba(248, 81, 73, 0.08); border: 1px solid rgba(248, 81, 73, 0.35);
                     border-radius: 4px; padding: 6px 8px; }}
QLabel#adminNotice {{ color: #7ee787; }}
"""


def make_table(model, parent: QWidget) -> QTableView:
    """A read-only, row-selecting table of ``model`` with the last column stretched."""
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
    return view


def select_row(view: QTableView, row: int) -> None:
    """Select ``row`` of ``view`` and make it current (``QTableView.selectRow`` can miss in a right-to-left
    layout before the view has its final width)."""
    index = view.model().index(row, 0)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().setCurrentIndex(index, flags)
    view.scrollTo(index)


class AdminDialog(QDialog):
    """Base of the administration dialogs: ``status_area`` (error, notice, progress) bound to ``page``."""

    def __init__(self, page: AdminPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._page = page
        self.setModal(False)
        self.setStyleSheet(STYLE)
        self.error = QLabel(self)
        self.error.setObjectName("adminError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.notice = QLabel(self)
        self.notice.setObjectName("adminNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setVisible(page.busy)
        page.sigBusyChanged.connect(self._on_busy)
        page.sigErrorChanged.connect(self._on_error)
        page.sigNotice.connect(self._on_notice)

    def lay_out(self, *parts: QWidget | QLayout, stretch: QWidget, refresh: Callable[[], object] | None = None) -> None:
        """The dialog's column: ``parts`` top to bottom (``stretch``, one of them, takes the spare height), then
        the status area and the Close button (with Refresh calling ``refresh`` when given)."""
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        if refresh is not None:
            self.refresh_button = self.buttons.addButton(self.tr("Refresh"), QDialogButtonBox.ButtonRole.ActionRole)
            self.refresh_button.clicked.connect(refresh)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        for part in parts:
            if isinstance(part, QLayout):
                layout.addLayout(part)
            else:
                layout.addWidget(part, 1 if part is stretch else 0)
        layout.addLayout(self.status_area())
        layout.addWidget(self.buttons)

    def status_area(self) -> QVBoxLayout:
        """A layout holding the error, the notice and the progress bar (add it below the content)."""
        box = QVBoxLayout()
        box.setSpacing(6)
        box.addWidget(self.error)
        box.addWidget(self.notice)
        box.addWidget(self.progress)
        return box

    def _on_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)

    def _on_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:
            self.notice.hide()

    def _on_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
