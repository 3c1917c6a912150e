"""Detached walls without a display server's screens: the carousel (driven by an injected clock and timer),
layouts naming unknown cameras, screen identity matching and the reflow of walls whose screen is missing, and
the wall window (F11, close stops the streams). The multi-screen placement runs in a child process
(tests/test_gui_walls_screens.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QTimer

from app.tasks import Notifier, TaskRunner
from app.viewmodels import Layout, WallViewModel
from app.viewmodels.wall_carousel import WallCarousel
from app.viewmodels.wall_screens import Placement, Rect, Reflow, ScreenIdentity, ScreenInfo, match_screen
from app.viewmodels.wall_windows import WallWindowsViewModel
from backend.api.schemas_layouts import LayoutOut
from milestone.clock import ManualClock
from milestone.models import Camera, Inventory
from widgets.wall_window import WallWindow

pytestmark = pytest.mark.gui

CAMERAS = [f"cam-{i}" for i in range(10)]
INVENTORY = Inventory((), tuple(Camera(c, f"Camera {c[-1]}", True, False, "hw", None) for c in CAMERAS))


class Opened:
    """A stream opener that records which cameras were opened and closed (no engine: no video)."""

    def __init__(self) -> None:
        self.open: list[str] = []

    def __call__(self, camera, on_state, on_frame):
        self.open.append(camera.id)
        opened = self

        class Handle:
            def set_output_size(self, w, h):
                pass

            def take_frame(self):
                return None

            @property
            def stats(self):
                return type("S", (), {"dropped_before_decode": 0, "dropped_unshown": 0})()

            def close(self_inner):
                opened.open.remove(camera.id)

        return Handle()


def _wall(clock=None) -> WallViewModel:
    wall = WallViewModel(Layout.TWO, clock)
    wall.set_source(None, INVENTORY)
    return wall


def test_the_carousel_pages_through_the_cameras_and_pauses_for_the_operator(qapp) -> None:
    clock = ManualClock(1000.0)
    wall = _wall(clock)
    timer = QTimer()
    carousel = WallCarousel(wall, clock=clock, timer=timer)
    carousel.start(CAMERAS, 10)
    assert timer.isActive() and timer.interval() == 10_000
    assert wall.camera_ids == CAMERAS[0:4] and carousel.page_count == 3
    assert carousel.tick() and wall.camera_ids == CAMERAS[4:8]
    assert carousel.tick() and wall.camera_ids == ["cam-8", "cam-9", "", ""]  # the last, partial page
    assert carousel.tick() and wall.camera_ids == CAMERAS[0:4]  # wraps round
    # The operator clicks: no step for one interval.
    carousel.note_interaction()
    clock.advance(9.0)
    assert not carousel.tick() and wall.camera_ids == CAMERAS[0:4] and carousel.paused
    clock.advance(1.5)
    assert carousel.tick() and wall.camera_ids == CAMERAS[4:8]
    # A maximised tile holds the page until the layout is restored.
    wall.toggle_maximise(2)
    assert carousel.paused and not carousel.tick() and wall.camera_ids == CAMERAS[4:8]
    wall.toggle_maximise(2)
    assert carousel.tick() and wall.camera_ids == ["cam-8", "cam-9", "", ""]
    carousel.stop()
    assert not timer.isActive() and not carousel.tick()
    # Nothing to cycle when every camera fits; the interval is clamped.
    carousel.start(CAMERAS[:3], 0)
    assert carousel.interval_s == 2 and not carousel.tick() and wall.camera_ids == [*CAMERAS[:3], ""]


def test_the_carousel_timer_really_steps(qapp, qtbot) -> None:
    wall = _wall()
    carousel = WallCarousel(wall)
    carousel.start(CAMERAS[:8], 2)
    assert wall.camera_ids == CAMERAS[:4]
    qtbot.waitUntil(lambda: wall.camera_ids == CAMERAS[4:8], timeout=4000)
    carousel.stop()


def _out(name: str, cameras: list[str], screen: dict, **extra) -> LayoutOut:
    now = datetime.now(UTC)
    body = {"id": 7, "name": name, "owner": "olga", "shared": False, "grid": "2x2", "cameras": cameras}
    body |= {"screen": screen, "geometry": None, "fullScreen": False, "carouselS": 0}
    return LayoutOut.model_validate(body | {"createdAt": now, "updatedAt": now} | extra)


SCREENS = [
    ScreenInfo(ScreenIdentity("DP-1", "U2720Q", "Dell", "CN01"), Rect(0, 0, 1920, 1080), primary=True),
    ScreenInfo(ScreenIdentity("HDMI-2", "VG248", "ASUS", "AS77"), Rect(1920, 0, 1280, 1024)),
    ScreenInfo(ScreenIdentity("HDMI-3", "VG248", "ASUS", "AS78"), Rect(3200, 0, 1280, 1024)),
]


def test_a_layout_naming_unknown_cameras_opens_with_tiles_that_say_so(qapp, qtbot) -> None:
    notifier = Notifier()
    errors: list[str] = []
    notifier.sigError.connect(errors.append)
    walls = WallWindowsViewModel(None, TaskRunner(notifier), notifier, screens=lambda: [SCREENS[0]])
    opener = Opened()
    walls.set_source(opener, INVENTORY)
    (entry,) = walls.open_layouts([_out("Gate", ["cam-1", "cam-gone", "", "cam-2"], {"name": "DP-1"})])
    wall = entry.wall
    assert wall.camera_ids == ["cam-1", "", "", "cam-2"]
    assert [t.unavailable for t in wall.tiles] == ["", "cam-gone", "", ""]
    assert wall.layout_camera_ids == ["cam-1", "cam-gone", "", "cam-2"]  # saved again as it was
    assert sorted(opener.open) == ["cam-1", "cam-2"]
    assert errors == ["Layout Gate names cameras this server does not list: cam-gone"]
    window = WallWindow(entry, walls)
    qtbot.addWidget(window)
    window.resize(800, 500)
    window.show()
    tile = window.wall.tiles[1]
    assert tile.toolTip() == "Camera not available: cam-gone"
    window.grab().save("/tmp/wall-unknown-camera.png")
    # The camera comes back with a later login's inventory: the tile shows it.
    more = Inventory((), (*INVENTORY.cameras, Camera("cam-gone", "Back again", True, False, "hw", None)))
    walls.set_source(opener, more)
    assert wall.camera_ids == ["cam-1", "cam-gone", "", "cam-2"] and wall.tiles[1].unavailable == ""
    assert tile.toolTip().startswith("Back again")
    # Closing the window closes every stream it opened.
    window.close()
    assert opener.open == [] and entry.closed and walls.walls == ()


def test_screens_are_found_by_serial_then_model_then_name() -> None:
    assert match_screen(ScreenIdentity("HDMI-9", "x", "y", "AS78"), SCREENS) is SCREENS[2]  # serial wins
    assert match_screen(ScreenIdentity("DP-1", "VG248", "ASUS", "gone"), SCREENS) is SCREENS[1]  # then model
    assert match_screen(ScreenIdentity("HDMI-3", "", "", ""), SCREENS) is SCREENS[2]  # then name
    assert match_screen(ScreenIdentity("HDMI-3", "VG248", "", ""), SCREENS) is SCREENS[2]  # model alone: name
    assert match_screen(ScreenIdentity("DVI-1", "", "", "nope"), SCREENS) is None
    assert match_screen(ScreenIdentity(), SCREENS) is None


def test_walls_whose_screen_is_missing_spread_over_the_rest_primary_first() -> None:
    reflow = Reflow(SCREENS[:2])
    here = reflow.place(ScreenIdentity("HDMI-2", serial="AS77"), Rect(2000, 100, 800, 600), False)
    assert here == Placement(SCREENS[1], Rect(2000, 100, 800, 600), False, reflowed=False)
    gone = [reflow.place(ScreenIdentity("HDMI-3", serial=f"X{i}"), Rect(3300, 50, 1600, 900), True) for i in range(3)]
    assert [p.screen for p in gone] == [SCREENS[0], SCREENS[1], SCREENS[0]]  # primary first, then spread
    assert all(p.reflowed and p.full_screen for p in gone)
    assert gone[0].geometry == Rect(0, 0, 1600, 900)  # kept its size, moved onto the screen
    assert gone[1].geometry == Rect(1920, 0, 1280, 900)  # shrunk to fit the smaller screen
    assert Reflow([]).place(ScreenIdentity("DP-1"), None, True) is None
