"""The main window's view-model: ties login, camera tree, wall, media engine and status text together."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from milestone.clock import Clock, SystemClock
from milestone.models import Camera, Inventory

from ..backend_link.connection import BackendConnection
from ..backend_link.options import BackendOptions
from ..backend_link.process import MilestoneLogin
from ..backend_link.reservations import StreamReservations
from ..bidi import isolate
from ..credentials import CredentialStore
from ..i18n import LanguageChangeWatcher
from ..settings import Settings
from ..tasks import Notifier, TaskRunner
from .admin import AdminViewModel
from .backend_status import BackendStatusViewModel
from .camera_names import CameraNames
from .camera_tree import CameraFilterProxy, CameraTreeModel
from .detection_search import DetectionSearchViewModel
from .detections import DetectionsService
from .evidence import EvidenceViewModel
from .exports_list import ExportsListViewModel
from .incidents import IncidentsViewModel
from .layouts import Layout
from .login import LoginViewModel, SessionFactory, default_session_factory
from .playback import PlaybackViewModel
from .playback_sources import RecordingsService
from .quota_meter import QuotaMeterViewModel
from .recording import RecordingViewModel
from .settings import SettingsViewModel
from .settings_tiles import TileBehaviour
from .tag_admin import TagsViewModel
from .wall import WallViewModel
from .wall_windows import WallWindowsViewModel

log = logging.getLogger(__name__)

OFFLINE, CONNECTING, CONNECTED = "offline", "connecting", "connected"  # connection_text's states


class MainViewModel(QObject):
    """Everything the main window binds to.

    ``engine`` is a started ``media.engine.MediaEngine`` (the caller stops it after ``aclose``). Attributes:
    ``notifier``, ``runner``, ``login`` (LoginViewModel), ``tree`` (CameraTreeModel), ``tree_proxy``
    (CameraFilterProxy), ``wall`` (WallViewModel), ``backend`` (BackendConnection: after each XProtect login it
    starts the bundled backend for the same server and user, or uses the remote one, and imports the cameras;
    ``backend_options`` None = no backend), ``backend_status`` (BackendStatusViewModel), ``reservations``
    (StreamReservations: the stream quota lease every live tile takes before opening, released when it closes),
    ``quota_meter`` (QuotaMeterViewModel: each agency's streams for the status bar), ``recording``
    (RecordingViewModel), ``playback`` (PlaybackViewModel: timeline and player of the cameras "View recordings"
    opened; their wall tiles pause their live streams meanwhile), ``admin`` (AdminViewModel: the administration
    pages the backend user may open), ``detection_search`` (DetectionSearchViewModel: the detections search
    panel; opening a result calls ``open_detection``), ``evidence`` (EvidenceViewModel: the timeline's
    selection, annotations, tags, clips, exports and new incidents), ``incidents`` (IncidentsViewModel: the
    incidents panel; opening one in the player calls ``open_incident``), ``exports`` (ExportsListViewModel: the
    Exports list), ``tags`` (TagsViewModel: tag definitions), ``settings`` (SettingsViewModel: the Settings
    dialog), ``tile_behaviour`` (TileBehaviour: how the wall's tiles behave), ``startup_notice`` (a damaged
    settings file was reset: the message to show once), ``walls`` (WallWindowsViewModel: detached wall windows
    on other screens and the named layouts saved in the backend). Signals: ``sigConnectionChanged()``
    (``connection_text``, ``connected``), ``sigLiveCountChanged(int live, int assigned)`` (relayed from the
    wall).
    """

    sigConnectionChanged = Signal()
    sigLiveCountChanged = Signal(int, int)

    def __init__(
        self,
        settings: Settings,
        credentials: CredentialStore,
        engine: Any,
        *,
        clock: Clock | None = None,
        session_factory: SessionFactory = default_session_factory,
        restore_wall: bool = True,
        backend_options: BackendOptions | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._engine = engine
        self._restore_wall = restore_wall
        self.notifier = Notifier(self)
        self.runner = TaskRunner(self.notifier)
        self._logins: list[tuple[Any, MilestoneLogin]] = []  # (session, the login that made it), newest last

        def factory(base_url: str, username: str, password: str, auth_type: str, verify_tls: bool) -> Any:
            # Remember which account each session logs in with: the bundled backend logs in with the same.
            session = session_factory(base_url, username, password, auth_type, verify_tls)
            account = MilestoneLogin(base_url, username, password, auth_type, verify_tls)
            self._logins = [*self._logins[-3:], (session, account)]
            return session

        self.login = LoginViewModel(settings, credentials, self.runner, factory, parent=self)
        self.tree = CameraTreeModel(self)
        self.tree_proxy = CameraFilterProxy(self.tree, self)
        self.backend = BackendConnection(backend_options, parent=self)
        self.reservations = StreamReservations(self.backend)
        self.quota_meter = QuotaMeterViewModel(self.backend, self.runner, parent=self)
        layout = Layout.parse(str(settings.get("last_layout")), default=Layout.TWO)
        self.wall = WallViewModel(layout, clock or SystemClock(), parent=self, gate=self.reservations)
        self._connection = ""
        self._server = ""
        self.login.sigLoggedIn.connect(self._on_logged_in)
        self.login.sigBusyChanged.connect(self._on_login_busy)
        self.login.sigNotice.connect(self.notifier.info)
        self.login.sigFailed.connect(self._forget_logins)
        self.wall.sigCameraStatusChanged.connect(self.tree.set_status)
        self.wall.sigLiveCountChanged.connect(self.sigLiveCountChanged)
        self.wall.sigRecordingsRequested.connect(self.view_recordings)
        self.backend_status = BackendStatusViewModel(self.backend, parent=self)
        self.admin = AdminViewModel(self.backend, self.runner, clock=clock, parent=self)
        self.recording = RecordingViewModel(
            self.backend,
            self.runner,
            settings,
            camera_name=self._camera_name,
            camera_enabled=self._camera_enabled,
            clock=clock,
            parent=self,
        )
        self._recording_ids: set[str] = set()
        self.playback = PlaybackViewModel(
            RecordingsService(self.backend, self.login),
            self.runner,
            clock,
            detections=DetectionsService(self.backend),
            parent=self,
        )
        self.playback.sigClosed.connect(self._resume_live)
        self.playback.sigBackToLive.connect(self._show_live)
        self.playback.sigNotice.connect(self.notifier.info)
        self.backend.sigCamerasChanged.connect(self._refresh_recordings)
        self._paused_tiles: list[int] = []
        self.recording.sigActiveChanged.connect(self._sync_recording_badges)
        self.recording.sigNotice.connect(self.notifier.info)
        self.detection_search = DetectionSearchViewModel(
            self.backend, self.runner, opener=self.open_detection, clock=clock, parent=self
        )
        self.detection_search.sigNotice.connect(self.notifier.info)
        self.evidence = EvidenceViewModel(self.backend, self.playback, self.runner, parent=self)
        self.evidence.sigNotice.connect(self.notifier.info)
        self.evidence.sigError.connect(self.notifier.error)
        self.incidents = IncidentsViewModel(self.backend, self.runner, opener=self.open_incident, parent=self)
        self.evidence.sigIncidentCreated.connect(lambda _id: self.incidents.search())
        self.exports = ExportsListViewModel(self.backend, self.runner, parent=self)
        self.exports.sigNotice.connect(self.notifier.info)
        self.tags = TagsViewModel(self.backend, self.runner, parent=self)
        self.tags.sigNotice.connect(self.notifier.info)
        self.tile_behaviour = TileBehaviour.from_settings(settings, parent=self)
        self.settings = SettingsViewModel(
            settings, credentials, self.runner, self.backend, lambda: self.recording.limits, parent=self
        )
        self.settings.sigApplied.connect(self._on_settings_applied)
        self.settings.sigSaveFailed.connect(self.notifier.error)
        self.settings.sigNotice.connect(self.notifier.info)
        self.walls = WallWindowsViewModel(
            self.backend, self.runner, self.notifier, gate=self.reservations, clock=clock, parent=self
        )
        self.camera_names = CameraNames.for_app()  # Arabic names (name_ar) while the language is Arabic
        self.backend.sigCamerasChanged.connect(lambda: self.camera_names.set_arabic(self.backend.arabic_names()))
        LanguageChangeWatcher(self, self.sigConnectionChanged.emit)  # connection_text is translated
        self._set_connection(OFFLINE)

    @property
    def startup_notice(self) -> str:
        """What the operator must know about the settings file at start ("" = nothing): a damaged file was set
        aside and the defaults restored."""
        backup = self._settings.recovered_backup
        if backup is None:
            return ""
        return self.tr(
            "The settings file was damaged and has been reset to the defaults; the damaged file was kept as {0}."
        ).format(backup.name)

    def _on_settings_applied(self, changed: list[str]) -> None:
        self.tile_behaviour.load(self._settings)
        if "recording_duration" in changed:
            self.recording.set_duration(int(self._settings.get("recording_duration")))

    @property
    def connection_text(self) -> str:
        """One line for the status bar: "Connected to <url> as <user>", "Connecting…" or "Not connected"
        (in the current language: computed at each call; ``sigConnectionChanged`` on a language change)."""
        if self._connection == CONNECTED:
            return self.tr("Connected to {0} as {1}").format(isolate(self._server), isolate(self.login.username))
        if self._connection == CONNECTING:
            return self.tr("Connecting…")
        return self.tr("Not connected")

    @property
    def connected(self) -> bool:
        return self.login.session is not None

    def _set_connection(self, state: str) -> None:
        if state != self._connection or state == CONNECTED:
            self._connection = state
            self.sigConnectionChanged.emit()

    def _on_login_busy(self, busy: bool) -> None:
        if busy:
            self._set_connection(CONNECTING)
        elif self.login.session is None:
            self._set_connection(OFFLINE)

    def _open_live(self, camera: Camera, on_state, on_frame) -> Any:
        jpeg = self._settings.get("live_format") == "jpeg"  # the operator's choice (Settings > Video)
        return self._engine.open_live(
            camera, tokens=self.login.session, on_state=on_state, on_frame=on_frame, jpeg=jpeg
        )

    def _on_logged_in(self, session: Any, inventory: Inventory) -> None:
        # The stream opener reads login.session at open time; the session identifies the account for the backend.
        self.tree.set_inventory(inventory)
        self.detection_search.set_cameras([(cam.id, cam.name) for cam in inventory.cameras])
        self.incidents.set_cameras([(cam.id, cam.name) for cam in inventory.cameras])
        self.exports.set_cameras([(cam.id, cam.name) for cam in inventory.cameras])
        first = self.wall.assigned_count == 0
        self.wall.set_source(self._open_live, inventory)
        self.walls.set_source(self._open_live, inventory)
        if first and self._restore_wall:
            self.wall.fill(list(self._settings.get("last_cameras")))
        self._server = self.login.server_url
        self._set_connection(CONNECTED)
        self.runner.spawn(self.save_settings(), name="save-settings")
        account = next((login for made, login in self._logins if made is session), None)
        self._logins = []
        if account is not None:
            self.backend.connect_milestone(account, [cam.id for cam in inventory.cameras])

    def _forget_logins(self, *_args) -> None:
        self._logins = []  # a failed login's password is not kept

    def _camera_name(self, camera_id: str) -> str | None:
        camera = self.wall.camera(camera_id)
        return self.camera_names.display(camera) if camera is not None else None

    def _camera_enabled(self, camera_id: str) -> bool:
        camera = self.wall.camera(camera_id)
        return camera is None or camera.enabled

    def _sync_recording_badges(self) -> None:
        now = {camera_id.lower(): camera_id for camera_id in self.recording.recording_camera_ids()}
        for gone in self._recording_ids - now.keys():
            self.tree.set_recording(gone, False)
        for new in now.keys() - self._recording_ids:
            self.tree.set_recording(now[new], True)
        self._recording_ids = set(now)

    def show_cameras(self, camera_ids: list[str] | None = None, layout: Layout | None = None) -> int:
        """Fill the wall with ``camera_ids`` (default: every enabled camera, in the tree's order) in ``layout``
        (default: the smallest square layout that fits). Returns the number of tiles assigned.
        """
        inventory = self.login.inventory
        if inventory is None:
            return 0
        if camera_ids is None:
            camera_ids = self.tree.camera_ids(enabled_only=True)
        self.wall.set_layout(layout or Layout.for_camera_count(len(camera_ids)))
        return self.wall.fill(camera_ids)

    # --- recordings ---------------------------------------------------------------------------------------
    def view_recordings(self, camera_ids: list[str] | None = None, at_us: int | None = None) -> bool:
        """Open the timeline and the player for ``camera_ids`` (default: the selected camera), in sync, at
        ``at_us`` (default: a minute ago). The wall's tiles showing them pause their live streams until
        "back to live". Returns False when there is no camera to show (not logged in, nothing selected)."""
        inventory = self.login.inventory
        if camera_ids is None:
            camera_ids = [self.recording.camera_id] if self.recording.camera_id else []
        cameras: list[tuple[str, str]] = []
        for camera_id in camera_ids:
            try:
                camera = inventory.camera(camera_id) if inventory is not None else None
            except KeyError:
                camera = None
            if camera is not None and all(camera.id != known for known, _ in cameras):
                cameras.append((camera.id, camera.name))
        if not cameras:
            self.notifier.info(self.tr("Select a camera in the tree or on the wall, then choose View recordings."))
            return False
        self._resume_live()
        wanted = {camera_id.lower() for camera_id, _ in cameras}
        for tile in self.wall.tiles:
            opened = tile.handle is not None or tile.waiting_for_quota
            if tile.camera is not None and tile.camera.id.lower() in wanted and opened:
                tile.close()
                self._paused_tiles.append(tile.index)
        self.playback.open(cameras, at_us)
        return True

    def open_detection(self, camera_id: str, at_us: int) -> bool:
        """Play ``camera_id``'s recording at ``at_us`` (a detection's frame time), paused on the frame at or before
        it: the player already showing that camera alone seeks; otherwise ``view_recordings``. False (with a
        notice) when this XProtect server does not list the camera."""
        inventory = self.login.inventory
        try:
            camera = inventory.camera(camera_id) if inventory is not None else None
        except KeyError:
            camera = None
        if camera is None:
            self.notifier.info(self.tr("This detection's camera is not in this XProtect server's camera list."))
            return False
        playback = self.playback
        low, high = playback.timeline.range_us
        if playback.is_open and [c.lower() for c in playback.camera_ids] == [camera.id.lower()] and low <= at_us < high:
            playback.pause()
            playback.seek(at_us)
            playback.timeline.ensure_visible(at_us)
            return True
        return self.view_recordings([camera.id], at_us=at_us)

    def open_incident(self, camera_ids: list[str], at_us: int) -> bool:
        """Play an incident's cameras (GUI ids) at its start ``at_us`` (``view_recordings``)."""
        return self.view_recordings(camera_ids, at_us=at_us)

    def view_wall_recordings(self) -> bool:
        """View the recordings of every camera on the wall, played in sync (see ``view_recordings``)."""
        return self.view_recordings([camera_id for camera_id in self.wall.camera_ids if camera_id])

    def _refresh_recordings(self) -> None:
        """The backend (re)imported the cameras: it can now answer for them (instead of XProtect alone)."""
        if self.playback.is_open:
            self.playback.timeline.refresh()

    def _resume_live(self) -> None:
        """Reopen the live streams of the tiles paused for playback."""
        paused, self._paused_tiles = self._paused_tiles, []
        tiles = self.wall.tiles
        if self.login.session is None:
            return  # logged out meanwhile: the next login reopens every tile
        for index in paused:
            if index < len(tiles) and tiles[index].camera is not None and tiles[index].handle is None:
                tiles[index].set_opener(self._open_live)

    def _show_live(self, camera_ids: list[str]) -> None:
        """Back to live: a camera not on the wall takes the first free tile (the last one when all are used)."""
        shown = {camera_id.lower() for camera_id in self.wall.camera_ids if camera_id}
        missing = [camera_id for camera_id in camera_ids if camera_id.lower() not in shown]
        if missing and self.login.inventory is not None:
            tiles = self.wall.tiles
            free = next((t.index for t in tiles if t.camera is None), len(tiles) - 1)
            self.wall.assign_camera(free, missing[0])

    async def save_settings(self) -> None:
        """Store the wall's layout and cameras and write the settings file in a worker thread."""
        self._settings.set("last_layout", self.wall.layout.value)
        self._settings.set("last_cameras", self.wall.camera_ids)
        try:
            text = self._settings.serialise()
            await asyncio.get_running_loop().run_in_executor(None, self._settings.write, text)
        except OSError as exc:
            log.warning("cannot write the settings file: %s", exc)
            self.notifier.error(self.tr("The settings could not be saved: {0}").format(exc.strerror or exc))

    async def aclose(self) -> None:
        """Shutdown: save settings, close every stream (releasing the tiles' stream quota slots before the
        backend connection closes), cancel pending tasks, close the session."""
        if self.login.session is not None:
            await self.save_settings()
        self.wall.close_streams()
        self.walls.close_all()
        await self.reservations.aclose()
        await self.playback.aclose()
        await self.backend.aclose()
        await self.login.aclose()
        await self.runner.cancel_all()
        self._set_connection(OFFLINE)
