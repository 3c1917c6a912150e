"""The VCR player: one video surface per camera played back (a grid, in sync) over the transport bar.

Keyboard (the panel forwards its key presses to ``handle_key``; in full screen the player is its own window
and handles them itself):
Space play/pause, J / K / L shuttle backwards / pause / forwards (J and L again double the speed), Left / Right
10 s back / forward, comma / period one frame back / forward, Page Up / Page Down previous / next sequence,
Home / End first / last recording of the range, S snapshot, F full screen, Esc leaves full screen.
Detections (with the backend): N next detection of a chosen class (any camera shown), Shift+N the previous
one, B shows / hides the boxes over the video.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from app.viewmodels.playback import SEEK_STEP_US, PlaybackViewModel
from app.viewmodels.playback_channel import PlaybackChannel

from .player_controls import TransportBar
from .player_surface import PlayerSurface
from .theme import TILE_BACKGROUND


class VideoArea(QWidget):
    """The grid of surfaces; key presses reaching it go to the player's shortcuts."""

    def __init__(self, key_handler: Callable[[QKeyEvent], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key_handler = key_handler
        self.setStyleSheet(f"background: {TILE_BACKGROUND};")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(2)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key_handler(event):
            super().keyPressEvent(event)


class PlayerWidget(QWidget):
    """See the module docstring. ``surfaces`` in camera order. ``sigSnapshotRequested``: the panel asks for a
    file name. ``status`` gives a surface's centre text (bound by the panel)."""

    sigSnapshotRequested = Signal()

    def __init__(
        self, vm: PlaybackViewModel, status: Callable[[PlaybackChannel], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vm = vm
        self._status = status
        self.surfaces: list[PlayerSurface] = []
        self.video = VideoArea(self.handle_key, self)
        self.transport = TransportBar(vm, self)
        self.transport.sigSnapshotRequested.connect(self.sigSnapshotRequested)
        self.transport.sigFullscreenRequested.connect(self.toggle_fullscreen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.video, 1)
        layout.addWidget(self.transport)
        self._keys = self._key_map()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        vm.sigChannelsChanged.connect(self._rebuild)
        vm.sigClosed.connect(self._leave_fullscreen)
        self._rebuild()

    # --- surfaces ---------------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        for surface in self.surfaces:
            surface.release()
            self.video.grid.removeWidget(surface)
            surface.deleteLater()
        self.surfaces = []
        channels = self._vm.channels
        columns = max(1, math.ceil(math.sqrt(len(channels))))
        for index, channel in enumerate(channels):
            surface = PlayerSurface(channel, self._status, self.video, detections=self._vm.detections)
            surface.on_pulled = self._vm.note_frame
            self.video.grid.addWidget(surface, index // columns, index % columns)
            self.surfaces.append(surface)

    # --- full screen ------------------------------------------------------------------------------------
    @property
    def fullscreen(self) -> bool:
        return self.isWindow()

    def toggle_fullscreen(self) -> None:
        """Show the player (video and transport bar) alone on its screen, or put it back into the panel (its
        place in the panel's layout is kept meanwhile)."""
        if self.fullscreen:
            self.setWindowFlags(Qt.WindowType.Widget)
            self.show()
        else:
            screen = self.screen() or QGuiApplication.primaryScreen()
            self.setWindowFlags(Qt.WindowType.Window)
            self.setWindowTitle(self.tr("Recordings"))
            if screen is not None:
                self.setGeometry(screen.geometry())  # also without a window manager to honour full screen
            self.showFullScreen()
        self.setFocus()

    def _leave_fullscreen(self) -> None:
        if self.fullscreen:
            self.toggle_fullscreen()

    # --- keyboard ---------------------------------------------------------------------------------------
    def _key_map(self) -> dict[tuple[int, bool], Callable[[], None]]:
        """``(key, shift)`` -> action (no other modifier is used)."""
        vm = self._vm
        key = Qt.Key
        plain: dict[Qt.Key, Callable[[], None]] = {
            key.Key_Space: vm.toggle_play,
            key.Key_K: vm.pause,
            key.Key_L: vm.shuttle_forward,
            key.Key_J: vm.shuttle_reverse,
            key.Key_Left: lambda: vm.seek_relative(-SEEK_STEP_US),
            key.Key_Right: lambda: vm.seek_relative(SEEK_STEP_US),
            key.Key_Comma: lambda: vm.step(-1),
            key.Key_Period: lambda: vm.step(1),
            key.Key_PageUp: vm.previous_sequence,
            key.Key_PageDown: vm.next_sequence,
            key.Key_Home: vm.go_start,
            key.Key_End: vm.go_end,
            key.Key_S: self.sigSnapshotRequested.emit,
            key.Key_F: self.toggle_fullscreen,
            key.Key_N: vm.detections.next_detection,
            key.Key_B: vm.detections.toggle_boxes,
        }
        shifted: dict[Qt.Key, Callable[[], None]] = {key.Key_N: vm.detections.previous_detection}
        return {
            **{(int(k.value), False): action for k, action in plain.items()},
            **{(int(k.value), True): action for k, action in shifted.items()},
        }

    def handle_key(self, event: QKeyEvent) -> bool:
        """Run the shortcut of ``event`` (no modifier other than keypad, or Shift for Shift+N); True when it
        was one."""
        if event.key() == Qt.Key.Key_Escape and self.fullscreen:
            self.toggle_fullscreen()
            return True
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        action = self._keys.get((int(event.key()), modifiers == Qt.KeyboardModifier.ShiftModifier))
        if action is None or not self._vm.is_open:
            return False
        action()
        event.accept()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)
