"""The timeline's range picker: from / to (local date and time), Show, quick ranges, and "Follow now".

Choosing a range re-queries the recordings (``TimelineViewModel.set_range``); a refused range (end not after
start, longer than the timeline allows) shows the view-model's reason beside the picker. The quick ranges show
the last hour, 24 hours or 7 days and follow now. Left to right in every language, like the timeline; the
fields use Western digits when the language's own digits are not (a field cannot keep "2026-05-12 14:05" in
order with Arabic-Indic digits: the bidi algorithm turns its parts round).
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from app.viewmodels.playback_time import DAY_US, HOUR_US, local_datetime, qdatetime_to_us
from app.viewmodels.timeline import TimelineViewModel

from .theme import BORDER

STYLE = f"""
QDateTimeEdit {{ background: #101317; border: 1px solid {BORDER}; border-radius: 4px; padding: 3px 6px; }}
QToolButton#quickRange {{ padding: 3px 8px; border: 1px solid {BORDER}; border-radius: 4px; }}
QToolButton#quickRange:hover {{ background: #2a313b; }}
QToolButton#followNow:checked {{ background: #1f3b63; border-color: #2f81f7; color: #ffffff; }}
QLabel#rangeError {{ color: #ff7b72; }}
"""
DATE_FORMAT = "yyyy-MM-dd HH:mm"


class RangeBar(QWidget):
    """Bound to ``vm`` (see the module docstring)."""

    def __init__(self, vm: TimelineViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setStyleSheet(STYLE)
        self.from_edit = self._edit()
        self.to_edit = self._edit()
        self.show_button = QPushButton(self)
        self.show_button.setAutoDefault(False)
        self.show_button.clicked.connect(self.apply)
        self.quick: dict[str, QToolButton] = {}
        for key, span in (("hour", HOUR_US), ("day", DAY_US), ("week", 7 * DAY_US)):
            button = QToolButton(self)
            button.setObjectName("quickRange")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, s=span: vm.show_last(s))
            self.quick[key] = button
        self.follow_button = QToolButton(self)
        self.follow_button.setObjectName("followNow")
        self.follow_button.setCheckable(True)
        self.follow_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.follow_button.toggled.connect(vm.set_follow_now)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("rangeError")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.from_label = QLabel(self)
        self.to_label = QLabel(self)
        layout.addWidget(self.from_label)
        layout.addWidget(self.from_edit)
        layout.addWidget(self.to_label)
        layout.addWidget(self.to_edit)
        layout.addWidget(self.show_button)
        layout.addSpacing(10)
        for button in self.quick.values():
            layout.addWidget(button)
        layout.addWidget(self.follow_button)
        layout.addWidget(self.error_label, 1)
        vm.sigRangeChanged.connect(self._on_range)
        vm.sigFollowNowChanged.connect(self._on_follow)
        vm.sigErrorChanged.connect(self._on_error)
        self._on_range()
        self._on_follow(vm.follow_now)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change)."""
        self.from_edit.setToolTip(self.tr("Start of the range (local time)"))
        self.to_edit.setToolTip(self.tr("End of the range (local time)"))
        self.show_button.setText(self.tr("Show"))
        self.show_button.setToolTip(self.tr("List the recordings of this range"))
        for key, text in (("hour", self.tr("1 h")), ("day", self.tr("24 h")), ("week", self.tr("7 days"))):
            self.quick[key].setText(text)
            self.quick[key].setToolTip(self.tr("The last {0}, following now").format(text))
        self.follow_button.setText(self.tr("Follow now"))
        self.follow_button.setToolTip(self.tr("Keep the timeline's right edge at the current time"))
        self.from_label.setText(self.tr("From"))
        self.to_label.setText(self.tr("to"))
        self._on_error(self._vm.error_text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _edit(self) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setCalendarPopup(True)
        if QLocale().zeroDigit() != "0":
            edit.setLocale(QLocale.c())
        return edit

    def apply(self) -> bool:
        """Query the range in the two fields; False when the view-model refused it (reason shown)."""
        start = qdatetime_to_us(self.from_edit.dateTime())
        end = qdatetime_to_us(self.to_edit.dateTime())
        return self._vm.set_range(start, end)

    def set_fields(self, start: QDateTime, end: QDateTime) -> None:
        self.from_edit.setDateTime(start)
        self.to_edit.setDateTime(end)

    def _on_range(self) -> None:
        start, end = self._vm.range_us
        for edit, value in ((self.from_edit, start), (self.to_edit, end)):
            if not edit.hasFocus():
                edit.setDateTime(local_datetime(value).toLocalTime())

    def _on_follow(self, follow: bool) -> None:
        self.follow_button.blockSignals(True)
        self.follow_button.setChecked(follow)
        self.follow_button.blockSignals(False)

    def _on_error(self, text: str) -> None:
        self.error_label.setText(text)
