"""Detached video walls: top-level wall windows on any screen, and the named layouts saved in the backend.

Each detached wall (``DetachedWall``) has its own ``WallViewModel`` (the same tiles, stream quota gate and
stream opener as the main wall) and ``WallCarousel``, plus where it sits: the screen's identity, its frame and
full-screen state. The window widget (``widgets.wall_window``) places itself from ``placement`` and reports
moves back (``note_geometry``). Named layouts (``backend.api.schemas_layouts``) are listed, saved, updated and
deleted through ``/api/v1/layouts``; opening one puts it on its screen by identity (``wall_screens``), or
reflows it onto the remaining screens with a warning when that screen is not connected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from backend.api.schemas_layouts import LayoutOut
from milestone.clock import Clock, SystemClock
from milestone.models import Inventory

from ..backend_link.client import BackendError
from ..backend_link.client_layouts import LayoutsApi
from ..tasks import Notifier, TaskRunner
from .layouts import Layout
from .playback_texts import bilingual
from .tile import StreamGate, StreamOpener
from .wall import WallViewModel
from .wall_carousel import WallCarousel
from .wall_screens import Placement, Rect, Reflow, ScreenIdentity, ScreenInfo, screens_of

log = logging.getLogger(__name__)

ScreensProvider = Callable[[], list[ScreenInfo]]


def live_screens() -> list[ScreenInfo]:
    """The connected screens (primary first); [] without a GUI application."""
    app = QGuiApplication.instance()
    return screens_of(app) if isinstance(app, QGuiApplication) else []


class DetachedWall(QObject):
    """One wall window's view-model: ``wall``, ``carousel``, ``title``, ``layout_id`` (the saved layout it came
    from or was saved as; None), ``placement`` (where to open), and where it is now (``screen``, ``geometry``,
    ``full_screen``, updated by the window). Signals: ``sigTitleChanged()``, ``sigClosed()``."""

    sigTitleChanged = Signal()
    sigClosed = Signal()

    def __init__(self, wall: WallViewModel, carousel: WallCarousel, title: str, placement: Placement | None) -> None:
        super().__init__()
        self.wall, self.carousel = wall, carousel
        wall.setParent(self)
        carousel.setParent(self)
        self._title = title
        self.layout_id: int | None = None
        self.shared = False
        self.placement = placement
        self.screen = placement.screen.identity if placement is not None else ScreenIdentity()
        self.geometry: Rect | None = placement.geometry if placement is not None else None
        self.full_screen = placement.full_screen if placement is not None else False
        self.closed = False

    @property
    def title(self) -> str:
        return self._title

    def set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.sigTitleChanged.emit()

    def note_geometry(self, screen: ScreenIdentity, geometry: Rect, full_screen: bool) -> None:
        """The window moved, resized or changed full-screen state: remember it for saving."""
        self.screen, self.full_screen = screen, full_screen
        if not full_screen:
            self.geometry = geometry

    def layout_body(self, name: str, shared: bool) -> dict[str, Any]:
        """The wire body (``LayoutCreate``) of this wall saved as ``name``."""
        return {
            "name": name,
            "shared": shared,
            "grid": self.wall.layout.value,
            "cameras": self.wall.layout_camera_ids,
            "screen": self.screen.as_dict(),
            "geometry": self.geometry.as_dict() if self.geometry is not None else None,
            "fullScreen": self.full_screen,
            "carouselS": self.carousel.interval_s if self.carousel.running else 0,
        }

    def close(self) -> None:
        """Stop the carousel and every stream (releasing quota leases); the window is gone."""
        if self.closed:
            return
        self.closed = True
        self.carousel.stop()
        self.wall.close_streams()
        self.sigClosed.emit()


class WallWindowsViewModel(QObject):
    """The detached walls and the saved layouts. Signals: ``sigWallOpened(DetachedWall)`` (the GUI makes its
    window), ``sigLayoutsChanged()`` (``layouts``)."""

    sigWallOpened = Signal(object)
    sigLayoutsChanged = Signal()

    def __init__(
        self,
        backend: Any,
        runner: TaskRunner,
        notifier: Notifier,
        *,
        gate: StreamGate | None = None,
        clock: Clock | None = None,
        screens: ScreensProvider = live_screens,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend, self._runner, self._notifier = backend, runner, notifier
        self._gate, self._clock, self._screens = gate, clock or SystemClock(), screens
        self._opener: StreamOpener | None = None
        self._inventory: Inventory | None = None
        self._walls: list[DetachedWall] = []
        self._layouts: list[LayoutOut] = []

    @property
    def walls(self) -> tuple[DetachedWall, ...]:
        return tuple(self._walls)

    @property
    def layouts(self) -> list[LayoutOut]:
        """The saved layouts from the last ``refresh_layouts`` (own and shared, by name)."""
        return list(self._layouts)

    def screens(self) -> list[ScreenInfo]:
        return self._screens()

    def set_source(self, opener: StreamOpener | None, inventory: Inventory | None) -> None:
        """A login (or logout): every detached wall opens its streams with ``opener`` from ``inventory``."""
        self._opener, self._inventory = opener, inventory
        for entry in self._walls:
            entry.wall.set_source(opener, inventory)

    # --- windows ----------------------------------------------------------------------------------------
    def new_wall(
        self,
        layout: Layout = Layout.TWO,
        camera_ids: Sequence[str] = (),
        *,
        screen: ScreenInfo | None = None,
        full_screen: bool = True,
        title: str = "",
    ) -> DetachedWall:
        """Open a wall window (``layout`` showing ``camera_ids``) on ``screen`` (default: the first screen after
        the primary, else the primary), full screen unless told otherwise."""
        if screen is None:
            screens = self._screens()
            screen = screens[1] if len(screens) > 1 else (screens[0] if screens else None)
        placement = Placement(screen, None, full_screen) if screen is not None else None
        entry = self._make(title or self.tr("Wall {0}").format(len(self._walls) + 2), placement)
        entry.wall.open_layout(layout, list(camera_ids))
        self.sigWallOpened.emit(entry)
        return entry

    def move_wall(self, source: WallViewModel, screen: ScreenInfo) -> DetachedWall:
        """ "Move wall to screen": a full-screen window on ``screen`` takes ``source``'s layout and cameras, and
        ``source`` is emptied (its streams and quota slots go with the cameras)."""
        layout, cameras = source.layout, source.layout_camera_ids
        for tile in source.tiles:
            source.assign_camera(tile.index, None)
        return self.new_wall(layout, cameras, screen=screen, full_screen=True)

    def open_layouts(self, layouts: Sequence[LayoutOut]) -> list[DetachedWall]:
        """Open saved layouts, each on its own screen by identity; those whose screen is missing are spread over
        the remaining screens (primary first) and the operator is warned, as for unknown cameras."""
        reflow = Reflow(self._screens())
        opened = []
        for out in layouts:
            saved = ScreenIdentity(out.screen.name, out.screen.model, out.screen.manufacturer, out.screen.serial)
            geometry = Rect.from_dict(out.geometry.model_dump() if out.geometry is not None else None)
            placement = reflow.place(saved, geometry, out.full_screen)
            entry = self._make(out.name, placement)
            entry.layout_id, entry.shared = out.id, out.shared
            if placement is not None and placement.reflowed:
                self._notifier.error(
                    self.tr("Screen {0} of layout {1} is not connected: the wall opened on {2}.").format(
                        saved.label, out.name, placement.screen.identity.label
                    )
                )
            missing = entry.wall.open_layout(Layout.parse(out.grid, default=Layout.TWO), list(out.cameras))
            if missing:
                self._notifier.error(
                    self.tr("Layout {0} names cameras this server does not list: {1}").format(
                        out.name, ", ".join(missing)
                    )
                )
            if out.carousel_s > 0:
                entry.carousel.start(list(out.cameras), out.carousel_s)
            self.sigWallOpened.emit(entry)
            opened.append(entry)
        return opened

    def close_all(self) -> None:
        """Close every detached wall's streams (shutdown)."""
        for entry in list(self._walls):
            entry.close()

    def _make(self, title: str, placement: Placement | None) -> DetachedWall:
        wall = WallViewModel(Layout.TWO, self._clock, gate=self._gate)
        wall.set_source(self._opener, self._inventory)
        entry = DetachedWall(wall, WallCarousel(wall, clock=self._clock), title, placement)
        entry.sigClosed.connect(lambda e=entry: self._forget(e))
        self._walls.append(entry)
        return entry

    def _forget(self, entry: DetachedWall) -> None:
        if entry in self._walls:
            self._walls.remove(entry)

    # --- saved layouts ----------------------------------------------------------------------------------
    def save_later(self, entry: DetachedWall, name: str, shared: bool) -> None:
        """``save_layout`` in the task runner (the GUI's button)."""
        self._runner.spawn(self.save_layout(entry, name, shared), name="save-layout")

    def refresh_later(self) -> None:
        """``refresh_layouts`` in the task runner (the menu opening)."""
        if getattr(self._backend, "client", None) is not None:
            self._runner.spawn(self.refresh_layouts(), name="refresh-layouts")

    def _api(self) -> LayoutsApi | None:
        client = getattr(self._backend, "client", None)
        if client is None:
            self._notifier.error(self.tr("Layouts are saved in the backend, which is not connected."))
            return None
        return LayoutsApi(client)

    def _failed(self, action: str, exc: BackendError) -> None:
        reason = bilingual(exc.message, exc.message_ar) or self.tr("the backend does not answer")
        self._notifier.error(self.tr("{0} failed: {1}").format(action, reason))

    async def refresh_layouts(self) -> bool:
        """Read the saved layouts (own and shared). False (with a message) when the backend cannot answer."""
        api = self._api()
        if api is None:
            return False
        try:
            self._layouts = await api.list()
        except BackendError as exc:
            self._failed(self.tr("Reading the layouts"), exc)
            return False
        self.sigLayoutsChanged.emit()
        return True

    async def save_layout(self, entry: DetachedWall, name: str, shared: bool) -> LayoutOut | None:
        """Save ``entry`` as ``name`` (a new layout, or the one it came from when the name is the same)."""
        api = self._api()
        if api is None:
            return None
        body = entry.layout_body(name, shared)
        try:
            if entry.layout_id is not None and name.casefold() == entry.title.casefold():
                out = await api.update(entry.layout_id, body)
            else:
                out = await api.create(body)
        except BackendError as exc:
            self._failed(self.tr("Saving layout {0}").format(name), exc)
            return None
        entry.layout_id, entry.shared = out.id, out.shared
        entry.set_title(out.name)
        self._notifier.info(self.tr("Layout {0} saved.").format(out.name))
        await self.refresh_layouts()
        return out

    async def delete_layout(self, layout_id: int) -> bool:
        api = self._api()
        if api is None:
            return False
        try:
            await api.delete(layout_id)
        except BackendError as exc:
            self._failed(self.tr("Deleting the layout"), exc)
            return False
        await self.refresh_layouts()
        return True
