"""One tile of the video wall: the camera shown, its connection state and the newest decoded frame.

The tile owns the media engine's live handle for its camera. With a ``StreamGate`` (the GUI's
``app.backend_link.reservations.StreamReservations``) it first takes a stream quota lease and opens the stream
only when the lease admits it: a refused tile stays closed and offers ``retry_quota``; a tile that shows video is
never closed by the quota system (it shows a note instead). Engine callbacks arrive on engine threads and are
marshalled to the GUI thread through queued signals; frame notifications are coalesced (at most one queued per
tile). The widget pulls the newest frame (``pull_frame``) when told one is ready, paints ``image`` and then calls
``note_painted``; the tile keeps the statistics (see ``tile_stats``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QImage

from media.stream_stats import StreamState
from milestone.clock import Clock, SystemClock
from milestone.models import Camera

from ..backend_link.lease_status import LeaseState, LeaseStatus
from ..backend_link.reservations import StreamLease
from . import quota_texts
from .camera_names import CameraNames
from .tile_stats import TileStats, TileStatsSnapshot

log = logging.getLogger(__name__)

# open_live(camera, on_state, on_frame) -> handle; the wall binds the engine and the session's tokens.
StreamOpener = Callable[[Camera, Callable[[StreamState, str], None], Callable[[], None]], Any]


class StreamGate(Protocol):
    """Where a tile takes its stream quota lease (``app.backend_link.reservations.StreamReservations``)."""

    def lease(self, camera_id: str, on_change: Callable[[StreamLease], None], kind: str = "live") -> StreamLease: ...


def _dropped(stats: Any) -> int:
    """Frames the engine discarded for this tile: undecoded (queue full, waiting for a key frame) + unshown."""
    return int(stats.dropped_before_decode) + int(stats.dropped_unshown)


def state_text(state: StreamState | None) -> str:
    """The operator-visible, translated text of a stream state ("" for no stream)."""
    texts = {
        StreamState.CONNECTING: QCoreApplication.translate("TileViewModel", "connecting"),
        StreamState.LIVE: QCoreApplication.translate("TileViewModel", "live"),
        StreamState.RECONNECTING: QCoreApplication.translate("TileViewModel", "reconnecting"),
        StreamState.NO_PERMISSION: QCoreApplication.translate("TileViewModel", "no permission"),
        StreamState.AUTH_FAILED: QCoreApplication.translate("TileViewModel", "authentication failed"),
        StreamState.STOPPED: QCoreApplication.translate("TileViewModel", "stopped"),
    }
    return texts.get(state, "") if state is not None else ""


def reason_text(detail: str) -> str:
    """The operator-visible, translated reason behind a non-live state, from the engine's detail.

    The engine reports details as ``"ErrorType: message"`` (``media.reconnect.describe``); the error type
    (a ``milestone.errors`` class) picks the text. Unknown types give "" (the state text alone is shown).
    """
    kind = detail.partition(":")[0].strip()

    # QCoreApplication.translate with a literal context, so that lupdate files the texts under TileViewModel.
    texts = {
        "TlsError": QCoreApplication.translate("TileViewModel", "the recording server's certificate is not trusted"),
        "UnreachableError": QCoreApplication.translate("TileViewModel", "the recording server cannot be reached"),
        "ConnectionError": QCoreApplication.translate("TileViewModel", "the recording server cannot be reached"),
        "OSError": QCoreApplication.translate("TileViewModel", "the recording server cannot be reached"),
        "ProtocolError": QCoreApplication.translate("TileViewModel", "the video stream was interrupted"),
        "EOFError": QCoreApplication.translate("TileViewModel", "the video stream was interrupted"),
        "NotFoundError": QCoreApplication.translate("TileViewModel", "the recording server does not know this camera"),
        "AuthenticationError": QCoreApplication.translate(
            "TileViewModel", "the recording server refused the login token"
        ),
        "PermissionDeniedError": QCoreApplication.translate("TileViewModel", "your user may not view this camera"),
    }
    return texts.get(kind, "")


class TileViewModel(QObject):
    """View-model of tile ``index``. GUI-thread object; only the engine callbacks run elsewhere.

    ``gate``: where to take a stream quota lease before opening (None: open at once, e.g. tests of the wall).
    Signals: ``sigCameraChanged()`` (camera assigned or cleared), ``sigStateChanged()`` (``state``/``state_text``),
    ``sigFrameReady()`` (a newer frame can be pulled; coalesced), ``sigQuotaChanged()`` (``quota``,
    ``quota_refused``, ``quota_note``, ``quota_text``).
    """

    sigCameraChanged = Signal()
    sigStateChanged = Signal()
    sigFrameReady = Signal()
    sigQuotaChanged = Signal()
    _sigEngineState = Signal(int, object, str)  # generation, StreamState, detail
    _sigEngineFrame = Signal(int)  # generation

    def __init__(
        self,
        index: int,
        opener: StreamOpener | None,
        clock: Clock | None = None,
        parent=None,
        *,
        gate: StreamGate | None = None,
    ) -> None:
        super().__init__(parent)
        self._index = index
        self._opener = opener
        self._gate = gate
        self._lease: StreamLease | None = None
        self._clock = clock or SystemClock()
        self._camera: Camera | None = None
        self._unavailable = ""  # the id of a camera a layout named but the inventory does not list
        self._handle: Any = None
        self._generation = 0
        self._state: StreamState | None = None
        self._detail = ""
        self._frame_pending = False  # set on an engine thread, cleared on the GUI thread
        self._frame: Any = None  # the DecodedFrame whose pixels ``_image`` references
        self._image: QImage | None = None
        self._image_painted = True
        self._size = (0, 0)
        self._stats = TileStats()
        self._names = CameraNames.for_app()
        self._sigEngineState.connect(self._on_engine_state, Qt.ConnectionType.QueuedConnection)
        self._sigEngineFrame.connect(self._on_engine_frame, Qt.ConnectionType.QueuedConnection)

    # --- properties -------------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        return self._index

    @property
    def camera(self) -> Camera | None:
        return self._camera

    @property
    def unavailable(self) -> str:
        """The id (or name) of the camera a layout put here that this server does not list ("" otherwise); the
        tile is empty and says so."""
        return self._unavailable

    @property
    def camera_name(self) -> str:
        """The camera's name in the current language (``name_ar`` in Arabic when the backend has one)."""
        return self._names.display(self._camera)

    @property
    def state(self) -> StreamState | None:
        return self._state

    @property
    def state_text(self) -> str:
        return state_text(self._state)

    @property
    def detail(self) -> str:
        """The engine's detail for the current state (diagnostic; never contains a token)."""
        return self._detail

    @property
    def reason_text(self) -> str:
        """Why the tile is not live, translated ("" when live, or when there is no known reason)."""
        if self._state in (None, StreamState.LIVE, StreamState.CONNECTING, StreamState.STOPPED):
            return ""
        reason = reason_text(self._detail)
        if not reason and self._state is StreamState.RECONNECTING:
            reason = self.tr("the connection to the recording server was lost")
        return reason

    @property
    def quota(self) -> LeaseStatus | None:
        """The stream quota lease's status (None without a lease: no camera, no gate, or the stream closed)."""
        return self._lease.status if self._lease is not None else None

    @property
    def quota_refused(self) -> bool:
        """True when the quota refused this tile's stream: it stays closed until ``retry_quota``."""
        return self._lease is not None and self._lease.state is LeaseState.REFUSED

    @property
    def waiting_for_quota(self) -> bool:
        """True while the stream waits for its quota lease's first answer (it opens when admitted)."""
        return self._lease is not None and self._lease.state is LeaseState.PENDING

    @property
    def quota_text(self) -> str:
        """Why the tile was refused (the backend's message in the operator's language and the agency's usage);
        "" unless ``quota_refused``."""
        return quota_texts.refusal_text(self._lease.status) if self.quota_refused else ""

    @property
    def quota_note(self) -> str:
        """A short note while the stream shows without a confirmed slot ("quota not checked", "over the stream
        quota"), "" otherwise; ``quota_note_reason`` explains it."""
        return quota_texts.note_text(self.quota)

    @property
    def quota_note_reason(self) -> str:
        return quota_texts.note_reason(self.quota)

    @property
    def image(self) -> QImage | None:
        """The newest pulled frame as a QImage (Format_RGB32), or None before the first frame."""
        return self._image

    @property
    def picture_ms(self) -> int | None:
        """Capture time (ms UTC) of ``image``."""
        return self._frame.picture_ms if self._frame is not None else None

    @property
    def handle(self) -> Any:
        """The media engine's live handle (None without a camera); for benches and diagnostics."""
        return self._handle

    # --- commands ---------------------------------------------------------------------------------------
    def set_opener(self, opener: StreamOpener | None) -> None:
        """Change how streams are opened (a new session); reopens the current camera's stream."""
        self._opener = opener
        camera = self._camera
        self.assign(None)
        if camera is not None and opener is not None:
            self.assign(camera)

    def assign(self, camera: Camera | None) -> None:
        """Show ``camera`` (None: empty tile). Closes the previous stream (releasing its quota lease) and opens
        the new one once its lease admits it."""
        self._close_handle()
        self._drop_lease()
        self._camera = camera
        self._unavailable = ""
        self._stats.reset()
        self._frame, self._image, self._image_painted = None, None, True
        self._set_state(None, "")
        if camera is not None and self._opener is not None:
            self._start(camera)
        self.sigCameraChanged.emit()
        self.sigFrameReady.emit()  # the picture changed (now empty)

    def mark_unavailable(self, camera_id: str) -> None:
        """Empty the tile and note that it should show ``camera_id``, which the inventory does not list."""
        self.assign(None)
        self._unavailable = camera_id
        self.sigCameraChanged.emit()

    def retry_quota(self) -> None:
        """The operator's Retry on a refused tile: reserve again; the stream opens when granted."""
        if self._lease is not None and self._lease.state is LeaseState.REFUSED:
            self._lease.retry()

    def _start(self, camera: Camera) -> None:
        if self._gate is None:
            self._open(camera)
            return
        self._set_state(StreamState.CONNECTING, "")
        self._lease = self._gate.lease(camera.id, self._on_lease)
        self._on_lease(self._lease)

    def _on_lease(self, lease: StreamLease) -> None:
        if lease is not self._lease:
            return  # a lease this tile let go of
        state = lease.state
        if state.admits and self._handle is None and self._camera is not None and self._opener is not None:
            self._open(self._camera)
        elif self._handle is None:  # waiting for the quota (connecting), or refused (no stream)
            self._set_state(StreamState.CONNECTING if state is LeaseState.PENDING else None, "")
        self.sigQuotaChanged.emit()

    def _drop_lease(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()
            self.sigQuotaChanged.emit()

    def _open(self, camera: Camera) -> None:
        self._generation += 1
        gen = self._generation
        self._set_state(StreamState.CONNECTING, "")
        try:
            self._handle = self._opener(
                camera,
                lambda state, detail: self._engine_state(gen, state, detail),
                lambda: self._engine_frame(gen),
            )
        except Exception as exc:  # the engine refused to open (e.g. camera without recording server)
            log.warning("cannot open live stream of camera %s: %s", camera.id, exc)
            self._handle = None
            self._drop_lease()  # no stream: no slot
            self._set_state(StreamState.STOPPED, type(exc).__name__)
            return
        if self._size != (0, 0):
            self._handle.set_output_size(*self._size)

    def _engine_state(self, gen: int, state: StreamState, detail: str) -> None:
        """Engine thread: queue the state change to the GUI thread."""
        try:
            self._sigEngineState.emit(gen, state, str(detail or ""))
        except RuntimeError:  # the tile was deleted while the engine was still calling back
            pass

    def _engine_frame(self, gen: int) -> None:
        """Engine thread: note a new frame, queue at most one notification."""
        if self._frame_pending:
            return
        self._frame_pending = True
        try:
            self._sigEngineFrame.emit(gen)
        except RuntimeError:
            pass

    def set_output_size(self, width: int, height: int) -> None:
        """Tell the engine the tile's size in device pixels (it scales decoded frames to fit)."""
        self._size = (max(0, int(width)), max(0, int(height)))
        if self._handle is not None and self._size != (0, 0):
            self._handle.set_output_size(*self._size)

    def pull_frame(self) -> bool:
        """Take the engine's newest decoded frame into ``image``; returns True when a new frame was taken."""
        self._frame_pending = False
        if self._handle is None:
            return False
        frame = self._handle.take_frame()
        if frame is None:
            return False
        if not self._image_painted:
            self._stats.gui_dropped += 1
        data = frame.data
        self._frame = frame
        self._image = QImage(data.data, frame.width, frame.height, data.strides[0], QImage.Format.Format_RGB32)
        self._image_painted = False
        return True

    def note_painted(self) -> None:
        """The widget painted ``image``: count it once and record its latency (wall ms - picture_ms)."""
        if self._image_painted or self._frame is None:
            return
        self._image_painted = True
        self._stats.frames_painted += 1
        self._stats.latency_ms.append(self._clock.time() * 1000.0 - self._frame.picture_ms)

    def stats(self) -> TileStatsSnapshot:
        """A snapshot of this tile's display statistics (see TileStatsSnapshot for the meaning of each field)."""
        return TileStatsSnapshot(
            index=self._index,
            camera_id=self._camera.id if self._camera is not None else None,
            frames_painted=self._stats.frames_painted,
            latency_ms=tuple(self._stats.latency_ms),
            engine_dropped=self._stats.engine_dropped_base + self._engine_dropped(),
            gui_dropped=self._stats.gui_dropped,
            went_live=self._stats.went_live,
        )

    def reset_stats(self) -> None:
        """Start counting afresh (e.g. after a bench's warm-up); ``went_live`` stays true if live now."""
        engine_now = self._engine_dropped()
        self._stats.reset()
        self._stats.engine_dropped_base = -engine_now
        self._stats.went_live = self._state == StreamState.LIVE

    def close(self) -> None:
        """Close the stream and release its quota lease (the tile keeps its camera, so a later ``set_opener``
        reopens it)."""
        self._close_handle()
        self._drop_lease()
        self._set_state(None, "")

    # --- internals --------------------------------------------------------------------------------------
    def _engine_dropped(self) -> int:
        if self._handle is None:
            return 0
        return _dropped(self._handle.stats)

    def _close_handle(self) -> None:
        self._generation += 1  # late callbacks of the old handle are ignored
        handle, self._handle = self._handle, None
        self._frame_pending = False
        if handle is not None:
            self._stats.engine_dropped_base += _dropped(handle.stats)
            try:
                handle.close()
            except Exception:
                log.exception("closing the live stream of tile %d failed", self._index)

    def _set_state(self, state: StreamState | None, detail: str) -> None:
        if state == StreamState.LIVE:
            self._stats.went_live = True
        if state == self._state and detail == self._detail:
            return
        self._state, self._detail = state, detail
        self.sigStateChanged.emit()

    def _on_engine_state(self, gen: int, state: StreamState, detail: str) -> None:
        if gen == self._generation:
            self._set_state(state, detail)

    def _on_engine_frame(self, gen: int) -> None:
        # Also for a stale generation: its pending flag may have suppressed the current handle's notification.
        del gen
        self.sigFrameReady.emit()
