"""Saved walls on several screens: a layout saved for a second (virtual) screen opens there, and is reflowed to
the remaining screen with a warning when that screen is gone. Qt's offscreen platform takes its screens from a
JSON file named in QT_QPA_PLATFORM before the QApplication exists, so each run is a child process
(tests/walls_screens_child.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parent.parent
A = {"name": "OFF-A", "x": 0, "y": 0, "width": 1280, "height": 720, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
B = {"name": "OFF-B", "x": 1280, "y": 0, "width": 1024, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}


def _run(tmp_path: Path, screens: list[dict]) -> dict:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "walls_screens_child.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def test_a_layout_saved_for_the_second_screen_opens_there(tmp_path: Path) -> None:
    out = _run(tmp_path, [A, B])
    assert out["screens"] == ["OFF-A", "OFF-B"] and out["errors"] == []
    windowed, full, moved = out["windows"]
    assert windowed["screen"] == "OFF-B" and not windowed["full_screen"]
    assert windowed["geometry"] == [1380, 60, 700, 400]
    assert windowed["saved_geometry"] == {"x": 1380, "y": 60, "width": 700, "height": 400}  # saved back as it was
    assert windowed["cameras"] == ["cam-0", "cam-1", "", ""]
    assert full["screen"] == "OFF-B" and full["full_screen"] and full["geometry"] == [1280, 0, 1024, 768]
    # "Move wall to screen" took the main wall's cameras to a full-screen window on the chosen screen.
    assert moved["screen"] == "OFF-B" and moved["full_screen"] and moved["cameras"][:2] == ["cam-2", "cam-3"]
    assert out["main_wall_after_move"] == ["", "", "", ""]
    assert all(w["saved_screen"] == "OFF-B" for w in out["windows"])  # what a save would record


def test_a_layout_whose_screen_is_gone_is_reflowed_with_a_warning(tmp_path: Path) -> None:
    out = _run(tmp_path, [A])
    assert out["screens"] == ["OFF-A"]
    windowed, full, _moved = out["windows"]
    assert windowed["screen"] == "OFF-A" and not windowed["full_screen"]
    assert windowed["geometry"] == [0, 0, 700, 400]  # its size kept, inside the remaining screen
    assert full["screen"] == "OFF-A" and full["full_screen"] and full["geometry"] == [0, 0, 1280, 720]
    assert out["errors"] == [
        "Screen OFF-B of layout Windowed on B is not connected: the wall opened on OFF-A.",
        "Screen OFF-B of layout Full on B is not connected: the wall opened on OFF-A.",
    ]
