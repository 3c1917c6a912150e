"""The detections search panel (issue 6 §4), bound to ``app.viewmodels.detection_search.DetectionSearchViewModel``.

Filters on top: the camera (every camera or one of the XProtect inventory), the class (the classes the backend
saw, or typed), the minimum score in percent and the time range (the last hour / 24 hours / 7 days, or a custom
range in local time). Every change searches again (typing waits for a pause). Below, the results newest first
as a grid of thumbnail cards (``widgets.detection_cards``), then how many are shown, "Load more" for older ones
and "Open". Double-click, Enter or "Open" plays the recording of the card's camera at the detection's time.
Errors show in a red box above the results. The panel does no I/O: the view-model does.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QEvent, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.detection_filters import RANGE_CUSTOM, RANGE_DAY, SearchFilters, range_names
from app.viewmodels.detection_search import DetectionSearchViewModel
from app.viewmodels.playback_time import qdatetime_to_us

from .detection_cards import MIN_CARD_WIDTH, SPACING, ResultGrid
from .theme import BASE, BORDER, MUTED, PANEL

# Local time in ISO order, left to right in every language (as widgets.admin_audit's editors).
DATETIME_FORMAT = "yyyy\u200e-\u200eMM\u200e-\u200edd\u200e \u200eHH\u200e:\u200emm"
TYPING_PAUSE_MS = 500

STYLE = f"""
#detectionPanel {{ background: {PANEL}; }}
QLabel#detCaption {{ color: {MUTED}; }}
QLabel#detError {{ color: #ff7b72; background: rgba(248, 81, 73, 0.08); border: 1px solid rgba(248, 81, 73, 0.35);
                   border-radius: 4px; padding: 6px 8px; }}
QLabel#detSummary {{ color: {MUTED}; }}
QListView#detectionGrid {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; outline: 0; }}
QSpinBox, QDateTimeEdit {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 6px; }}
"""


class DetectionSearchPanel(QWidget):
    """See the module docstring. ``filters()`` reads the filters as set; the view-model keeps the results."""

    def __init__(self, vm: DetectionSearchViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setObjectName("detectionPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setMinimumWidth(MIN_CARD_WIDTH + 2 * SPACING + 40)  # one column of cards and the scroll bar
        self._build_filters()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("detError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.grid = ResultGrid(self)
        self.grid.setModel(vm.results)
        self.grid.sigOpenRequested.connect(self._open)
        self.grid.sigVisibleRowsChanged.connect(vm.set_visible_rows)
        self.grid.selectionModel().currentChanged.connect(lambda *_: self._sync_buttons())
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("detSummary")
        self.summary_label.setWordWrap(True)
        self.more_button = QPushButton(self)
        self.more_button.clicked.connect(vm.load_more)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(lambda: self._open(self.grid.currentIndex().row()))
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.open_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addLayout(self.filter_layout)
        layout.addWidget(self.custom_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.error_label)
        layout.addWidget(self.grid, 1)
        layout.addLayout(bottom)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._search)
        self._connect_filters()
        vm.sigStateChanged.connect(self._on_state)
        vm.sigLabelsChanged.connect(self._on_labels)
        vm.sigCamerasChanged.connect(self._on_cameras)
        self._on_labels()
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change); the result cards
        are painted again (their texts come from the view-model at each paint)."""
        self.label_edit.setPlaceholderText(self.tr("any class"))
        self.score_spin.setSuffix(self.tr(" %"))
        self.score_spin.setToolTip(self.tr("Only detections at least this sure"))
        for index, (_key, name) in enumerate(range_names()):
            self.range_combo.setItemText(index, name)
        self.refresh_button.setText(self.tr("Search"))
        self.refresh_button.setToolTip(self.tr("Search again now (a relative range then ends now)"))
        captions = {
            "camera": self.tr("Camera"),
            "class": self.tr("Class"),
            "score": self.tr("Min. score"),
            "time": self.tr("Time"),
            "from": self.tr("From"),
            "to": self.tr("To"),
        }
        for key, text in captions.items():
            self.captions[key].setText(text)
        self.more_button.setText(self.tr("Load more"))
        self.more_button.setToolTip(self.tr("List older detections with the same filters"))
        self.open_button.setText(self.tr("Open"))
        self.open_button.setToolTip(self.tr("Play the recording at the selected detection (Enter)"))
        self._on_cameras()
        self._on_state()
        self.grid.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- building ---------------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.camera_combo = QComboBox(self)
        self.camera_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.camera_combo.setMinimumContentsLength(12)
        self.label_combo = QComboBox(self)
        self.label_combo.setEditable(True)
        self.label_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        edit = self.label_combo.lineEdit()
        assert edit is not None  # an editable combo box has one
        self.label_edit: QLineEdit = edit
        self.label_combo.setMinimumContentsLength(8)
        self.score_spin = QSpinBox(self)
        self.score_spin.setRange(0, 100)
        self.score_spin.setSingleStep(5)
        self.score_spin.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.score_spin.setMaximumWidth(110)
        self.range_combo = QComboBox(self)
        for key, name in range_names():
            self.range_combo.addItem(name, key)
        self.range_combo.setCurrentIndex(self.range_combo.findData(RANGE_DAY))
        self.refresh_button = QPushButton(self)
        self.filter_layout = grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        rows = (
            ("camera", self.camera_combo),
            ("class", self.label_combo),
            ("score", self.score_spin),
            ("time", self.range_combo),
        )
        self.captions: dict[str, QLabel] = {}  # texts set in retranslate()
        for row, (key, field) in enumerate(rows):
            caption = self.captions[key] = QLabel(self)
            caption.setObjectName("detCaption")
            grid.addWidget(caption, row, 0)
            if field is self.score_spin:
                score = QHBoxLayout()
                score.addWidget(field)
                score.addStretch(1)
                grid.addLayout(score, row, 1, 1, 2)
            else:
                grid.addWidget(field, row, 1, 1, 2 if field is not self.range_combo else 1)
        grid.addWidget(self.refresh_button, 3, 2)
        grid.setColumnStretch(0, 0)
        grid.setColumnStretch(1, 1)

        self.custom_row = QWidget(self)
        now = QDateTime.currentDateTime()
        self.from_edit = self._time_edit(now.addDays(-1))
        self.to_edit = self._time_edit(now.addSecs(60))
        custom = QHBoxLayout(self.custom_row)
        custom.setContentsMargins(0, 0, 0, 0)
        custom.setSpacing(6)
        for key, time_edit in (("from", self.from_edit), ("to", self.to_edit)):
            caption = self.captions[key] = QLabel(self.custom_row)
            caption.setObjectName("detCaption")
            custom.addWidget(caption)
            custom.addWidget(time_edit, 1)
        self.custom_row.hide()

    def _time_edit(self, value: QDateTime) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        # Left to right before the format is set: a right-to-left layout would reverse the editor's sections.
        edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        edit.setDisplayFormat(DATETIME_FORMAT)
        edit.setDateTime(value)
        edit.setCalendarPopup(True)
        return edit

    def _connect_filters(self) -> None:
        self.camera_combo.activated.connect(self._search_with_labels)
        self.range_combo.activated.connect(self._on_range)
        self.label_combo.activated.connect(self._search)
        self.label_edit.textEdited.connect(lambda _text: self._typing.start())
        self.label_edit.returnPressed.connect(self._search)
        self.score_spin.valueChanged.connect(lambda _value: self._typing.start())
        for edit in (self.from_edit, self.to_edit):
            edit.dateTimeChanged.connect(lambda _value: self._typing.start())
        self.refresh_button.clicked.connect(self._search_with_labels)

    # --- filters ----------------------------------------------------------------------------------------
    def filters(self) -> SearchFilters:
        """The filters as the operator set them (custom times in local time, as µs UTC)."""
        key = str(self.range_combo.currentData() or RANGE_DAY)
        custom = key == RANGE_CUSTOM
        camera = self.camera_combo.currentData()
        return SearchFilters(
            camera_id=str(camera) if camera else None,
            label=self.label_combo.currentText().strip(),
            range=key,
            start_us=qdatetime_to_us(self.from_edit.dateTime()) if custom else None,
            end_us=qdatetime_to_us(self.to_edit.dateTime()) if custom else None,
            min_score_pct=self.score_spin.value(),
        )

    def _search(self, *_args: object) -> None:
        self._typing.stop()
        self._vm.search(self.filters())

    def _search_with_labels(self, *_args: object) -> None:
        self._search()
        self._vm.refresh_labels(self.filters())

    def _on_range(self, *_args: object) -> None:
        custom = self.range_combo.currentData() == RANGE_CUSTOM
        self.custom_row.setVisible(custom)
        self._search_with_labels()

    def _open(self, row: int) -> None:
        if row >= 0:
            self._vm.open(row)

    # --- view-model -------------------------------------------------------------------------------------
    def _on_state(self) -> None:
        vm = self._vm
        self.progress.setVisible(vm.busy)
        self.error_label.setText(vm.error)
        self.error_label.setVisible(bool(vm.error))
        self.summary_label.setText(vm.summary_text())
        self.refresh_button.setEnabled(vm.available)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        vm = self._vm
        self.more_button.setVisible(vm.has_more)
        self.more_button.setEnabled(vm.has_more and not vm.busy)
        self.open_button.setEnabled(self.grid.currentIndex().isValid())

    def _on_cameras(self) -> None:
        current = self.camera_combo.currentData()
        self.camera_combo.clear()
        self.camera_combo.addItem(self.tr("All cameras"), None)
        for camera_id, name in self._vm.cameras:
            self.camera_combo.addItem(name, camera_id)
        index = self.camera_combo.findData(current) if current else 0
        self.camera_combo.setCurrentIndex(max(0, index))

    def _on_labels(self) -> None:
        typed = self.label_combo.currentText()
        self.label_combo.blockSignals(True)
        self.label_combo.clear()
        self.label_combo.addItem("")
        self.label_combo.addItems(self._vm.labels)
        self.label_combo.setEditText(typed)
        self.label_combo.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._vm.set_active(True, self.filters())

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._vm.set_active(False)
