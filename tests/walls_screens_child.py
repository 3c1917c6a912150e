"""Child process of tests/test_gui_walls_screens.py: the Qt offscreen platform with the screens of a JSON
configuration (``QT_QPA_PLATFORM=offscreen:configfile=<json>``, set before the QApplication exists, so not in
the pytest process). Opens saved layouts and a moved wall, prints one JSON line of where each window went."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication

from app.tasks import Notifier, TaskRunner
from app.viewmodels import Layout, WallViewModel
from app.viewmodels.wall_windows import WallWindowsViewModel
from backend.api.schemas_layouts import LayoutOut
from milestone.models import Camera, Inventory
from widgets.wall_window import WallWindow

INVENTORY = Inventory((), tuple(Camera(f"cam-{i}", f"Camera {i}", True, False, "hw", None) for i in range(4)))


def layout(ident: int, name: str, screen: str, geometry: dict | None, full: bool) -> LayoutOut:
    now = datetime.now(UTC)
    return LayoutOut.model_validate(
        {
            "id": ident,
            "name": name,
            "owner": "olga",
            "shared": False,
            "grid": "2x2",
            "cameras": ["cam-0", "cam-1"],
            "screen": {"name": screen, "model": "", "manufacturer": "", "serial": ""},
            "geometry": geometry,
            "fullScreen": full,
            "carouselS": 0,
            "createdAt": now,
            "updatedAt": now,
        }
    )


def main() -> None:
    app = QApplication(sys.argv[:1])
    notifier = Notifier()
    errors: list[str] = []
    notifier.sigError.connect(errors.append)
    walls = WallWindowsViewModel(None, TaskRunner(notifier), notifier)
    walls.set_source(None, INVENTORY)
    windows: list[WallWindow] = []
    walls.sigWallOpened.connect(lambda entry: windows.append(WallWindow(entry, walls)))
    walls.open_layouts(
        [
            layout(1, "Windowed on B", "OFF-B", {"x": 1380, "y": 60, "width": 700, "height": 400}, False),
            layout(2, "Full on B", "OFF-B", None, True),
        ]
    )
    main_wall = WallViewModel(Layout.TWO)
    main_wall.set_source(None, INVENTORY)
    main_wall.fill(["cam-2", "cam-3"])
    last = walls.screens()[-1]
    walls.move_wall(main_wall, last)
    for window in windows:
        window.place()
    for _ in range(5):
        app.processEvents()
    out = {
        "screens": [s.identity.name for s in walls.screens()],
        "errors": errors,
        "main_wall_after_move": main_wall.camera_ids,
        "windows": [
            {
                "title": w.entry.title,
                "screen": w.screen().name(),
                "geometry": [w.frameGeometry().x(), w.frameGeometry().y(), w.width(), w.height()],
                "saved_geometry": w.entry.geometry.as_dict() if w.entry.geometry else None,
                "full_screen": w.isFullScreen(),
                "saved_screen": w.entry.screen.name,
                "cameras": w.entry.wall.camera_ids,
            }
            for w in windows
        ],
    }
    print("RESULT " + json.dumps(out), flush=True)
    for window in windows:
        window.close()


if __name__ == "__main__":
    main()
