"""The sidebar's recording section (seeds 001 §9.2 Recording Control, §9.5 Sidebar Integration).

For the selected camera: its name and recording state, a duration selector (the presets 5/15/30/60 min or a
custom value within the backend's limits), Start / Stop / +5 min, and while it records a countdown (time
left, a progress bar, elapsed of total, the local end time). Below, every camera recording now with its time
left (click one to select it). Bound to ``app.viewmodels.recording.RecordingViewModel`` only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.recording import EXTEND_S, IDLE, RECORDING, STARTING, STOPPING, RecordingViewModel
from app.viewmodels.recording_state import duration_text, format_clock, isolate

from .theme import BORDER, MUTED, PANEL

CUSTOM = -1  # the duration combo's "Custom…" entry
MAX_ACTIVE_ROWS = 10
CameraIdRole = Qt.ItemDataRole.UserRole + 1

STYLE = f"""
#recordingPanel {{ background: {PANEL}; }}
QLabel#recCamera {{ font-size: 12pt; font-weight: 600; }}
QLabel#recChip {{ border-radius: 9px; padding: 2px 10px; font-size: 8.5pt; font-weight: 700;
                  background: #262c35; color: {MUTED}; }}
QLabel#recChip[phase="recording"] {{ background: rgba(229, 72, 77, 0.18); color: #ff9592; }}
QLabel#recChip[phase="starting"], QLabel#recChip[phase="stopping"], QLabel#recChip[phase="extending"] {{
                  background: rgba(210, 153, 34, 0.18); color: #e3b341; }}
QFrame#recCountdown {{ background: #101317; border: 1px solid {BORDER}; border-radius: 6px; }}
QLabel#recRemaining {{ font-size: 26pt; font-weight: 600; color: #ffffff; }}
QLabel#recCaption {{ color: {MUTED}; font-size: 8.5pt; }}
QProgressBar#recProgress {{ background: #222830; border: none; border-radius: 3px; max-height: 6px; min-height: 6px; }}
QProgressBar#recProgress::chunk {{ background: #e5484d; border-radius: 3px; }}
QPushButton#recStart {{ background: #b42b30; border: 1px solid #d13438; color: #ffffff; font-weight: 600;
                        padding: 8px 14px; }}
QPushButton#recStart:hover {{ background: #cc3338; }}
QPushButton#recStart:disabled {{ background: #3a2326; border-color: #4a2a2d; color: #8b6b6d; }}
QPushButton#recStop {{ background: #262c35; border: 1px solid #d13438; color: #ff9592; font-weight: 600;
                       padding: 8px 14px; }}
QPushButton#recStop:hover {{ background: #3a2326; }}
QPushButton#recExtend {{ padding: 8px 12px; }}
QLabel#recError {{ color: #ff7b72; background: rgba(248, 81, 73, 0.08); border: 1px solid rgba(248, 81, 73, 0.35);
                   border-radius: 4px; padding: 6px 8px; }}
QLabel#recSection {{ color: {MUTED}; font-size: 8.5pt; font-weight: 700; letter-spacing: 0.5px; }}
QTreeWidget#recActive {{ background: #101317; border: 1px solid {BORDER}; border-radius: 4px; }}
QTreeWidget#recActive::item {{ padding: 4px 2px; }}
"""


class RecordingPanel(QWidget):
    """The recording section bound to ``vm``; see the module docstring."""

    def __init__(self, vm: RecordingViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self._custom_mode = False
        self._limits = None
        self.setObjectName("recordingPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.camera_label = QLabel(self)
        self.camera_label.setObjectName("recCamera")
        self.camera_label.setWordWrap(True)
        self.state_chip = QLabel(self)
        self.state_chip.setObjectName("recChip")
        self.state_chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        # Countdown block (only while the selected camera records).
        self.countdown = QFrame(self)
        self.countdown.setObjectName("recCountdown")
        self.remaining_label = QLabel(self.countdown)
        self.remaining_label.setObjectName("recRemaining")
        self.remaining_caption = QLabel(self.countdown)
        self.remaining_caption.setObjectName("recCaption")
        self.progress = QProgressBar(self.countdown)
        self.progress.setObjectName("recProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.elapsed_label = QLabel(self.countdown)
        self.elapsed_label.setObjectName("recCaption")
        self.ends_label = QLabel(self.countdown)
        self.ends_label.setObjectName("recCaption")
        # Duration selector.
        self.duration_caption = QLabel(self)
        self.duration_combo = QComboBox(self)
        self.duration_combo.activated.connect(self._on_combo)
        self.custom_spin = QSpinBox(self)
        self.custom_spin.setAccelerated(True)
        self.custom_spin.valueChanged.connect(self._on_spin)
        # Commands.
        self.start_button = QPushButton(self)
        self.start_button.setObjectName("recStart")
        self.start_button.clicked.connect(vm.start)
        self.stop_button = QPushButton(self)
        self.stop_button.setObjectName("recStop")
        self.stop_button.clicked.connect(vm.stop)
        self.extend_button = QPushButton(self)
        self.extend_button.setObjectName("recExtend")
        self.extend_button.clicked.connect(lambda: vm.extend(EXTEND_S))
        for button in (self.start_button, self.stop_button, self.extend_button):
            button.setAutoDefault(False)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("muted")
        self.hint_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("recError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Every camera recording now.
        self.active_caption = QLabel(self)
        self.active_caption.setObjectName("recSection")
        self.active_list = QTreeWidget(self)
        self.active_list.setObjectName("recActive")
        self.active_list.setColumnCount(2)
        self.active_list.setHeaderHidden(True)
        self.active_list.setRootIsDecorated(False)
        self.active_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.active_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.active_list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.active_list.header().setStretchLastSection(False)
        self.active_list.itemClicked.connect(self._on_active_clicked)
        self.active_empty = QLabel(self)
        self.active_empty.setObjectName("muted")
        self._build_layout()
        vm.sigSelectionChanged.connect(self._on_selection)
        vm.sigStateChanged.connect(self._on_state)
        vm.sigTick.connect(self._on_tick)
        vm.sigErrorChanged.connect(self._on_error)
        vm.sigActiveChanged.connect(self._on_active)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change)."""
        self.remaining_caption.setText(self.tr("time left"))
        self.duration_caption.setText(self.tr("Duration"))
        self.stop_button.setText(self.tr("Stop recording"))
        self.extend_button.setText(self.tr("{0} min").format(isolate(f"+{EXTEND_S // 60}")))
        self.extend_button.setToolTip(self.tr("Record {0} minutes longer").format(isolate(EXTEND_S // 60)))
        self.active_empty.setText(self.tr("No camera is recording."))
        self._limits = None  # rebuild the duration presets in the new language
        self._on_selection()
        self._on_error(self._vm.error_text)
        self._on_active()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.camera_label, 1)
        header.addWidget(self.state_chip, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self.countdown)
        box.setContentsMargins(12, 10, 12, 12)
        box.setSpacing(4)
        big = QHBoxLayout()
        big.addWidget(self.remaining_label)
        big.addWidget(self.remaining_caption, 1, Qt.AlignmentFlag.AlignBottom)
        box.addLayout(big)
        box.addWidget(self.progress)
        times = QHBoxLayout()
        times.addWidget(self.elapsed_label, 1)
        times.addWidget(self.ends_label)
        box.addLayout(times)
        duration = QHBoxLayout()
        duration.setSpacing(6)
        duration.addWidget(self.duration_caption)
        duration.addWidget(self.duration_combo, 1)
        duration.addWidget(self.custom_spin)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.start_button, 1)
        buttons.addWidget(self.stop_button, 1)
        buttons.addWidget(self.extend_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.countdown)
        layout.addLayout(duration)
        layout.addLayout(buttons)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.error_label)
        layout.addSpacing(6)
        layout.addWidget(self.active_caption)
        layout.addWidget(self.active_list)
        layout.addWidget(self.active_empty)
        layout.addStretch(1)

    # --- view-model -> widgets --------------------------------------------------------------------------
    def _on_selection(self) -> None:
        vm = self._vm
        if vm.camera_id is None:
            self.camera_label.setText(self.tr("No camera selected"))
            self.camera_label.setToolTip("")
        else:
            self.camera_label.setText(isolate(vm.camera_name))
            self.camera_label.setToolTip(vm.camera_id)
        self._on_state()

    def _on_state(self) -> None:
        vm = self._vm
        phase = vm.phase
        texts = {
            IDLE: self.tr("Not recording"),
            STARTING: self.tr("Starting…"),
            RECORDING: self.tr("● Recording"),
            STOPPING: self.tr("Stopping…"),
        }
        self.state_chip.setText(texts.get(phase, self.tr("Extending…")))
        self.state_chip.setProperty("phase", phase)
        self.state_chip.style().unpolish(self.state_chip)
        self.state_chip.style().polish(self.state_chip)
        recording = phase not in (IDLE, STARTING)
        available = vm.available
        self.start_button.setEnabled(available and phase == IDLE)
        self.start_button.setText(self.tr("Starting…") if phase == STARTING else self.tr("Start recording"))
        self.stop_button.setEnabled(available and phase == RECORDING)
        self.extend_button.setEnabled(available and phase == RECORDING)
        self.duration_combo.setEnabled(phase == IDLE)
        self.custom_spin.setEnabled(phase == IDLE)
        hint = vm.unavailable_reason if not recording else ""
        self.hint_label.setText(hint)
        self.setVisible(vm.permitted)  # an account that may not record does not see the recording section
        # The duration applies to the next start: hidden while recording (the countdown shows the total).
        self._set_visible(
            {
                self.state_chip: vm.camera_id is not None,
                self.countdown: recording,
                self.start_button: not recording,
                self.stop_button: recording,
                self.extend_button: recording,
                self.duration_caption: not recording,
                self.duration_combo: not recording,
                self.hint_label: bool(hint),
            }
        )
        self._sync_duration()
        self._on_tick()

    @staticmethod
    def _set_visible(visibility: dict[QWidget, bool]) -> None:
        """Hide first, then show: showing a widget lays its window out at once, and a moment with both rows'
        widgets visible would widen the dock for good."""
        for widget, visible in visibility.items():
            if not visible:
                widget.setVisible(False)
        for widget, visible in visibility.items():
            if visible:
                widget.setVisible(True)

    def _sync_duration(self) -> None:
        vm = self._vm
        limits = vm.limits
        seconds_unit = limits.min_s < 60  # a lab/test backend accepting sub-minute recordings
        combo, spin = self.duration_combo, self.custom_spin
        combo.blockSignals(True)
        spin.blockSignals(True)
        try:
            if limits != self._limits:
                self._limits = limits
                combo.clear()
                for preset in vm.presets_s:
                    combo.addItem(duration_text(preset), preset)
                combo.addItem(self.tr("Custom…"), CUSTOM)
                unit = 1 if seconds_unit else 60
                spin.setRange(max(1, -(-limits.min_s // unit)), max(1, limits.max_s // unit))
                spin.setSuffix(self.tr(" s") if seconds_unit else self.tr(" min"))
                spin.setToolTip(
                    self.tr("Custom duration: {0} to {1}").format(
                        duration_text(limits.min_s), duration_text(limits.max_s)
                    )
                )
            index = combo.findData(vm.duration_s)
            custom = self._custom_mode or index < 0
            combo.setCurrentIndex(combo.findData(CUSTOM) if custom else index)
            spin.setVisible(custom and combo.isVisibleTo(self))
            spin.setValue(vm.duration_s if seconds_unit else max(1, round(vm.duration_s / 60)))
        finally:
            combo.blockSignals(False)
            spin.blockSignals(False)

    def _on_tick(self) -> None:
        vm = self._vm
        rec = vm.recording
        if rec is not None and self.countdown.isVisibleTo(self):
            remaining, elapsed = vm.remaining_s(), vm.elapsed_s()
            self.remaining_label.setText(isolate(format_clock(remaining)))
            self.progress.setValue(round(vm.progress() * 1000))
            self.elapsed_label.setText(
                self.tr("Elapsed {0} of {1}").format(
                    isolate(format_clock(elapsed)), isolate(format_clock(rec.duration_s))
                )
            )
            end = QTime.currentTime().addSecs(round(remaining))
            self.ends_label.setText(self.tr("Ends at {0}").format(isolate(end.toString("HH:mm:ss"))))
        else:
            for label in (self.remaining_label, self.elapsed_label, self.ends_label):
                label.setText("")
            self.progress.setValue(0)
        self._update_active_times()

    def _on_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _on_active(self) -> None:
        recordings = self._vm.active_recordings()
        self.active_caption.setText(self.tr("RECORDING NOW: {0}").format(len(recordings)))
        self.active_list.clear()
        for rec in recordings:
            item = QTreeWidgetItem([isolate(self._vm.name_of(rec.camera_id)), ""])
            item.setData(0, CameraIdRole, rec.camera_id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.active_list.addTopLevelItem(item)
        self._set_visible({self.active_list: bool(recordings), self.active_empty: not recordings})
        if recordings:  # as tall as its rows, up to MAX_ACTIVE_ROWS (then it scrolls)
            row = max(self.active_list.sizeHintForRow(0), 20)
            frame = 2 * self.active_list.frameWidth() + 4
            self.active_list.setFixedHeight(min(len(recordings), MAX_ACTIVE_ROWS) * row + frame)
        self._update_active_times()

    def _update_active_times(self) -> None:
        now = self._vm.now()
        for row in range(self.active_list.topLevelItemCount()):
            item = self.active_list.topLevelItem(row)
            rec = self._vm.recording_of(str(item.data(0, CameraIdRole)))
            item.setText(1, format_clock(rec.remaining_s(now)) if rec is not None else "")

    # --- widgets -> view-model --------------------------------------------------------------------------
    def _on_combo(self, index: int) -> None:
        data = self.duration_combo.itemData(index)
        self._custom_mode = data == CUSTOM
        if self._custom_mode:
            self.custom_spin.setVisible(True)
            self._on_spin(self.custom_spin.value())
            self.custom_spin.setFocus()
        else:
            self._vm.set_duration(int(data))
            self._sync_duration()

    def _on_spin(self, value: int) -> None:
        self._custom_mode = True
        self._vm.set_duration(value if self._vm.limits.min_s < 60 else value * 60)

    def _on_active_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self._vm.select_camera(str(item.data(0, CameraIdRole)))
