"""The VCR transport bar: sequence jumps, frame steps, reverse / play / pause, speed, skip gaps, snapshot,
fullscreen and "back to live", bound to a ``PlaybackViewModel``; with the backend's detections also previous /
next detection, the classes followed (a menu of the classes present, all by default) and the boxes toggle.

The bar keeps a left-to-right layout in every language (time flows left to right on the timeline, and the
controls follow it: "back" on the left, "forward" on the right). Buttons take no keyboard focus, so that the
panel's shortcuts (space, J/K/L, arrows, comma/period) always reach the player.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from app.viewmodels.playback import PlaybackViewModel
from app.viewmodels.playback_texts import SPEEDS, speed_text
from app.viewmodels.recording_state import isolate

from .detection_style import chip_icon, detection_colour, detection_icon
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
#transportBar QToolButton#classesButton {{ padding: 4px 6px; color: #d6dbe1; }}
"""
CLASSES_TEXT_CHARS = 24  # the classes button elides a longer list


class StayOpenMenu(QMenu):
    """A menu whose check boxes toggle without closing it (several classes are picked in a row)."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            event.accept()
            return
        super().mouseReleaseEvent(event)


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
        self.previous_button = self._button("previous", vm.previous_sequence)
        self.step_back_button = self._button("step_back", lambda: vm.step(-1))
        self.reverse_button = self._button("reverse", vm.shuttle_reverse)
        self.play_button = self._button("play", vm.toggle_play)
        self.play_button.setObjectName("playButton")
        self.play_button.setIconSize(QSize(24, 24))
        self.step_forward_button = self._button("step_forward", lambda: vm.step(1))
        self.next_button = self._button("next", vm.next_sequence)
        self.speed_combo = QComboBox(self)
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for speed in SPEEDS:
            self.speed_combo.addItem(speed_text(speed), speed)
        self.speed_combo.activated.connect(lambda index: vm.set_speed(float(self.speed_combo.itemData(index))))
        self.skip_gaps_box = QCheckBox(self)
        self.skip_gaps_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.skip_gaps_box.toggled.connect(vm.set_skip_gaps)
        self.position_label = QLabel(self)
        self.position_label.setObjectName("positionLabel")
        self.speed_badge = QLabel(self)
        self.speed_badge.setObjectName("speedBadge")
        self.snapshot_button = self._button("snapshot")
        self.snapshot_button.clicked.connect(self.sigSnapshotRequested)
        self.fullscreen_button = self._button("fullscreen")
        self.fullscreen_button.clicked.connect(self.sigFullscreenRequested)
        self.live_button = QToolButton(self)
        self.live_button.setObjectName("liveButton")
        self.live_button.setIcon(transport_icon("live"))
        self.live_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.live_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.live_button.clicked.connect(vm.back_to_live)
        self._build_detection_controls()
        self._build_layout()
        vm.sigTransportChanged.connect(self._on_transport)
        vm.sigPositionChanged.connect(self._on_position)
        vm.detections.sigChanged.connect(self._on_detections)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the current language (from ``__init__`` and on a language change). The bar itself
        stays left to right in every language: see the class docstring."""
        self.previous_button.setToolTip(self.tr("Previous sequence (Page Up)"))
        self.step_back_button.setToolTip(self.tr("One frame back (,)"))
        self.reverse_button.setToolTip(self.tr("Play backwards (J)"))
        self.step_forward_button.setToolTip(self.tr("One frame forward (.)"))
        self.next_button.setToolTip(self.tr("Next sequence (Page Down)"))
        self.snapshot_button.setToolTip(self.tr("Save a snapshot of the picture (S)"))
        self.fullscreen_button.setToolTip(self.tr("Full screen (F; Esc to leave)"))
        self.previous_detection_button.setToolTip(self.tr("Previous detection of the chosen classes (Shift+N)"))
        self.next_detection_button.setToolTip(self.tr("Next detection of the chosen classes (N)"))
        self.boxes_button.setToolTip(self.tr("Show the detection boxes over the video (B)"))
        self.classes_button.setToolTip(self.tr("Classes of detections to jump between and to box over the video"))
        self.speed_combo.setToolTip(self.tr("Playback speed (J and L change it)"))
        self.skip_gaps_box.setText(self.tr("Skip gaps"))
        self.skip_gaps_box.setToolTip(self.tr("Jump over time without recording instead of showing it"))
        self.position_label.setToolTip(self.tr("Time of the picture shown (local time)"))
        self.live_button.setText(self.tr("Back to live"))
        self.live_button.setToolTip(self.tr("Close the recordings and show these cameras live again"))
        for index, speed in enumerate(SPEEDS):
            self.speed_combo.setItemText(index, speed_text(speed))
        self._on_transport()
        self._on_position()
        self._on_detections()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _build_detection_controls(self) -> None:
        detections = self._vm.detections
        self.previous_detection_button = self._button("", detections.previous_detection)
        self.previous_detection_button.setIcon(detection_icon("previous_detection"))
        self.next_detection_button = self._button("", detections.next_detection)
        self.next_detection_button.setIcon(detection_icon("next_detection"))
        self.classes_menu = StayOpenMenu(self)
        self.classes_menu.aboutToShow.connect(self.build_classes_menu)
        self.classes_button = QToolButton(self)
        self.classes_button.setObjectName("classesButton")
        self.classes_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.classes_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.classes_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.classes_button.setMenu(self.classes_menu)
        self.boxes_button = self._button("")
        self.boxes_button.setIcon(detection_icon("boxes"))
        self.boxes_button.setCheckable(True)
        self.boxes_button.toggled.connect(detections.set_show_boxes)
        self.detections_separator = _separator(self)
        self.detection_controls: list[QWidget] = [
            self.detections_separator,
            self.previous_detection_button,
            self.classes_button,
            self.next_detection_button,
            self.boxes_button,
        ]

    def _button(self, kind: str, slot=None) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(transport_icon(kind))
        button.setIconSize(QSize(20, 20))
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
        for widget in self.detection_controls:
            layout.addWidget(widget)
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

    def classes_text(self) -> str:
        """What the classes button says: all classes, the ones chosen, none, or that nothing was detected."""
        detections = self._vm.detections
        labels, chosen = detections.labels, detections.chosen
        if not labels:
            return self.tr("No detections")
        if len(chosen) == len(labels):
            return self.tr("All classes")
        if not chosen:
            return self.tr("No class")
        text = ", ".join(chosen)
        return text if len(text) <= CLASSES_TEXT_CHARS else text[: CLASSES_TEXT_CHARS - 1] + "…"

    def build_classes_menu(self) -> list[QAction]:
        """Fill the classes menu: "All classes", then one check box per class present (with its colour and how
        many detections); returns the class actions."""
        detections = self._vm.detections
        menu = self.classes_menu
        menu.clear()
        every = menu.addAction(self.tr("All classes"))
        every.triggered.connect(detections.choose_all)
        menu.addSeparator()
        actions = []
        for label in detections.labels:
            action = menu.addAction(chip_icon(detection_colour(label)), f"{label} ({detections.count(label)})")
            action.setCheckable(True)
            action.setChecked(detections.is_chosen(label))
            action.setData(label)
            action.toggled.connect(lambda checked, name=label: detections.set_chosen(name, checked))
            actions.append(action)
        return actions

    def _on_detections(self) -> None:
        detections = self._vm.detections
        available = detections.available
        for widget in self.detection_controls:
            widget.setVisible(available)
        has_labels = bool(detections.labels)
        self.classes_button.setText(self.classes_text())
        self.classes_button.setEnabled(has_labels)
        self.previous_detection_button.setEnabled(has_labels)
        self.next_detection_button.setEnabled(has_labels)
        self.boxes_button.blockSignals(True)
        self.boxes_button.setChecked(detections.show_boxes)
        self.boxes_button.blockSignals(False)


def _separator(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.VLine)
    line.setStyleSheet(f"color: {BORDER};")
    return line
