"""One camera of the player: its media ``Player``, the newest decoded frame as a QImage and its state text.

The media player calls back from its own threads (``on_state(PlayerState)``, ``on_frame()``); the channel
marshals both to the GUI thread through queued signals, coalescing frame notifications (at most one queued), as
the live tiles do (``app.viewmodels.tile``). The widget pulls the newest frame when told one is ready
(``pull_frame``) and paints ``image``. A generation number drops late callbacks of a player already replaced.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from .playback_texts import player_error_text

log = logging.getLogger(__name__)


class PlaybackChannel(QObject):
    """See the module docstring. ``camera_id`` is the XProtect GUID; ``name`` the camera's display name.

    Signals: ``sigFrameReady()`` (a newer frame can be pulled; coalesced), ``sigStateChanged()`` (player state,
    error or source changed).
    """

    sigFrameReady = Signal()
    sigStateChanged = Signal()
    _sigEngineState = Signal(int, object)
    _sigEngineFrame = Signal(int)

    def __init__(self, camera_id: str, name: str, parent=None) -> None:
        super().__init__(parent)
        self.camera_id = camera_id
        self.name = name
        self._player: Any = None
        self._generation = 0
        self._state: Any = None
        self._error = ""
        self._source_kind = ""
        self._opening = False
        self._frame_pending = False
        self._frame: Any = None
        self._image: QImage | None = None
        self._size = (0, 0)
        self._sigEngineState.connect(self._on_engine_state, Qt.ConnectionType.QueuedConnection)
        self._sigEngineFrame.connect(self._on_engine_frame, Qt.ConnectionType.QueuedConnection)

    # --- properties -------------------------------------------------------------------------------------
    @property
    def player(self) -> Any:
        """The media ``Player`` (None while opening, after an error, or when closed)."""
        return self._player

    @property
    def state(self) -> Any:
        """The player's last ``PlayerState`` (None before the first)."""
        return self._state

    @property
    def source_kind(self) -> str:
        """``local`` (the backend's segments) | ``milestone`` (ImageServer) | "" (not open)."""
        return self._source_kind

    @property
    def opening(self) -> bool:
        return self._opening

    @property
    def error_text(self) -> str:
        """Why this camera cannot play (translated; "" when it can)."""
        if self._error:
            return self._error
        state = self._state
        if state is None or not state.error:
            return ""
        return player_error_text(state.code or "internal")

    @property
    def buffering(self) -> bool:
        return self._opening or bool(self._state is not None and self._state.buffering)

    @property
    def in_gap(self) -> bool:
        """The player's position lies between two recordings (it shows no picture for it)."""
        return bool(self._state is not None and self._state.in_gap)

    @property
    def image(self) -> QImage | None:
        """The newest pulled frame (Format_RGB32), or None."""
        return self._image

    @property
    def picture_us(self) -> int | None:
        """Media time (µs UTC) of ``image``."""
        return self._frame.picture_ms * 1000 if self._frame is not None else None

    @property
    def position_us(self) -> int | None:
        """The player's position (the media time of the frame on screen), or None."""
        player = self._player
        if player is None:
            return None
        try:
            return player.position_us
        except Exception:  # a player failing to report is shown through its state, not here
            log.debug("position_us of %s failed", self.camera_id, exc_info=True)
            return None

    # --- engine callbacks (any thread) ------------------------------------------------------------------
    def callbacks(self) -> tuple[Any, Any]:
        """``(on_state, on_frame)`` for a new player; bumps the generation (the old player's calls are dropped)."""
        self._generation += 1
        gen = self._generation

        def on_state(state: Any) -> None:
            try:
                self._sigEngineState.emit(gen, state)
            except RuntimeError:  # the channel was deleted while the player still called back
                pass

        def on_frame() -> None:
            if self._frame_pending:
                return
            self._frame_pending = True
            try:
                self._sigEngineFrame.emit(gen)
            except RuntimeError:
                pass

        return on_state, on_frame

    def _on_engine_state(self, gen: int, state: Any) -> None:
        if gen == self._generation:
            self._state = state
            self.sigStateChanged.emit()

    def _on_engine_frame(self, gen: int) -> None:
        del gen  # also for a stale generation: its pending flag may have hidden the current player's frame
        self.sigFrameReady.emit()

    # --- commands (GUI thread) --------------------------------------------------------------------------
    def set_opening(self) -> None:
        """A source is being looked up: no picture, "loading"."""
        self._opening, self._error = True, ""
        self.sigStateChanged.emit()

    def attach(self, player: Any, source_kind: str) -> None:
        """Show ``player`` (made with this channel's ``callbacks()``); it is started by the caller."""
        self._player, self._source_kind = player, source_kind
        self._opening, self._error, self._state = False, "", None
        if self._size != (0, 0):
            player.set_output_size(*self._size)
        self.sigStateChanged.emit()

    def fail(self, text: str) -> None:
        """The source could not be opened: show ``text`` (translated)."""
        self._opening, self._error = False, text
        self.sigStateChanged.emit()

    def detach(self) -> Any:
        """Forget the player (returned, for the caller to close off the GUI thread) and the picture."""
        self._generation += 1
        player, self._player = self._player, None
        self._state, self._source_kind, self._frame_pending = None, "", False
        self._frame, self._image = None, None
        self.sigStateChanged.emit()
        self.sigFrameReady.emit()
        return player

    def set_output_size(self, width: int, height: int) -> None:
        """The surface's size in device pixels: the player scales decoded frames to fit (in FFmpeg)."""
        self._size = (max(0, int(width)), max(0, int(height)))
        if self._player is not None and self._size != (0, 0):
            self._player.set_output_size(*self._size)

    def pull_frame(self) -> bool:
        """Take the player's newest frame into ``image``; True when a new frame was taken."""
        self._frame_pending = False
        if self._player is None:
            return False
        frame = self._player.take_frame()
        if frame is None:
            return False
        data = frame.data
        self._frame = frame
        self._image = QImage(data.data, frame.width, frame.height, data.strides[0], QImage.Format.Format_RGB32)
        return True
