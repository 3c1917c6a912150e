"""The VCR transport bar: sequence jumps, frame steps, reverse / play / pause, speed, skip gaps, snapshot,
fullscreen and "back to live", bound to a ``PlaybackViewModel``.

The bar keeps a left-to-right layout in every language (time flows left to right on the timeline, and the
controls follow it: "back" on the left, "forward" on the right). Buttons take no keyboard focus, so that the
panel's shortcuts (space, J/K/L, arrows, comma/period) always reach the player.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from app.viewmodels.playback import PlaybackViewModel
from app.viewmodels.playback_texts import SPEEDS, speed_text
from app.viewmodels.recording_state import isolate

from .player_icons import transport_icon
from .theme import BORDER, PANEL

STYLE = f"""
#transportBar {{ background: {PANEL}; border-top: 1px solid {BORDER}; }}
#transportBar QToolButton {{ border: 1px solid transparent; border-radius: 4px; padding: 4px; }}
#transportBar QToolButton:hover {{ background: #2a313b; border-color: {BORDER}; }}
#transportBar QToolButton:checked {{ background: #1f3b63; }}
#transportBar QToolButton#playButton {{ background: #2f81f7; }}
#transportBar QToolButton#playButton:hover {{ background: #4893fc; }}
#transportBar QToolButton#liveButton {{ padding: 4px 10px; color: #ffffff; font-weight: 600;
                                       background: #3a2326; border: 1px solid #d13438; }}
#transportBar QToolButton#liveButton:hover {{ background: #4a2a2d; }}
QLabel#positionLabel {{ font-family: monospace; font-size: 11pt; font-weight: 600; color: #ffffff; padding: 0 8px; }}
QLabel#speedBadge {{ color: #e3b341; font-weight: 700; padding: 0 4px; }}
"""


class TransportBar(QWidget):
    """See the module docstring. ``sigSnapshotRequested`` / ``sigFullscreenRequested``: the panel opens the file
    dialog / switches the video to full screen (widgets' business, not the view-model's)."""

    sigSnapshotRequested = Signal()
    sigFullscreenRequested = Signal()

    def __init__(self, vm: PlaybackViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.setObjectName("transportBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # deliberate: time flows left to right
        self.previous_button = self._button("previous", self.tr("Previous sequence (Page Up)"), vm.previous_sequence)
        self.step_back_button = self._button("step_back", self.tr("One frame back (,)"), lambda: vm.step(-1))
        self.reverse_button = self._button("reverse", self.tr("Play backwards (J)"), vm.shuttle_reverse)
        self.play_button = self._button("play", self.tr("Play or pause (Space)"), vm.toggle_play)
        self.play_button.setObjectName("playButton")
        self.play_button.setIconSize(QSize(24, 24))
        self.step_forward_button = self._button("step_forward", self.tr("One frame forward (.)"), lambda: vm.step(1))
        self.next_button = self._button("next", self.tr("Next sequence (Page Down)"), vm.next_sequence)
        self.speed_combo = QComboBox(self)
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_combo.setToolTip(self.tr("Playback speed (J and L change it)"))
        for speed in SPEEDS:
            self.speed_combo.addItem(speed_text(speed), speed)
        self.speed_combo.activated.connect(lambda index: vm.set_speed(float(self.speed_combo.itemData(index))))
        self.skip_gaps_box = QCheckBox(self.tr("Skip gaps"), self)
        self.skip_gaps_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.skip_gaps_box.setToolTip(self.tr("Jump over time without recording instead of showing it"))
        self.skip_gaps_box.toggled.connect(vm.set_skip_gaps)
        self.position_label = QLabel(self)
        self.position_label.setObjectName("positionLabel")
        self.position_label.setToolTip(self.tr("Time of the picture shown (local time)"))
        self.speed_badge = QLabel(self)
        self.speed_badge.setObjectName("speedBadge")
        self.snapshot_button = self._button("snapshot", self.tr("Save a snapshot of the picture (S)"))
        self.snapshot_button.clicked.connect(self.sigSnapshotRequested)
        self.fullscreen_button = self._button("fullscreen", self.tr("Full screen (F; Esc to leave)"))
        self.fullscreen_button.clicked.connect(self.sigFullscreenRequested)
        self.live_button = QToolButton(self)
        self.live_button.setObjectName("liveButton")
        self.live_button.setText(self.tr("Back to live"))
        self.live_button.setIcon(transport_icon("live"))
        self.live_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.live_button.setToolTip(self.tr("Close the recordings and show these cameras live again"))
        self.live_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.live_button.clicked.connect(vm.back_to_live)
        self._build_layout()
        vm.sigTransportChanged.connect(self._on_transport)
        vm.sigPositionChanged.connect(self._on_position)
        self._on_transport()
        self._on_position()

    def _button(self, kind: str, tip: str, slot=None) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(transport_icon(kind))
        button.setIconSize(QSize(20, 20))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    def _build_layout(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)
        for button in (self.previous_button, self.step_back_button, self.reverse_button, self.play_button):
            layout.addWidget(button)
        for button in (self.step_forward_button, self.next_button):
            layout.addWidget(button)
        layout.addSpacing(8)
        layout.addWidget(self.speed_combo)
        layout.addWidget(self.speed_badge)
        layout.addSpacing(8)
        layout.addWidget(self.skip_gaps_box)
        layout.addWidget(_separator(self))
        layout.addWidget(self.position_label)
        layout.addStretch(1)
        layout.addWidget(self.snapshot_button)
        layout.addWidget(self.fullscreen_button)
        layout.addSpacing(6)
        layout.addWidget(self.live_button)

    def _on_transport(self) -> None:
        vm = self._vm
        playing = vm.playing
        self.play_button.setIcon(transport_icon("pause" if playing else "play"))
        self.play_button.setToolTip(self.tr("Pause (Space or K)") if playing else self.tr("Play (Space or L)"))
        index = self.speed_combo.findData(vm.speed)
        if index >= 0 and index != self.speed_combo.currentIndex():
            self.speed_combo.setCurrentIndex(index)
        self.speed_badge.setText(isolate(speed_text(vm.speed)) if playing else self.tr("paused"))
        self.skip_gaps_box.blockSignals(True)
        self.skip_gaps_box.setChecked(vm.skip_gaps)
        self.skip_gaps_box.blockSignals(False)

    def _on_position(self) -> None:
        self.position_label.setText(self._vm.position_text)


def _separator(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.VLine)
    line.setStyleSheet(f"color: {BORDER};")
    return line
