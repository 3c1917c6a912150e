"""``main.py demo`` without a display: runs offscreen, writes screenshots and an honest summary line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.test_gui_support import image_to_array

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[1]


def test_demo_offscreen_shows_every_camera_live_and_writes_its_outputs(qapp, tmp_path):
    out = tmp_path / "demo-output"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    cmd = [sys.executable, "main.py", "demo", "--cameras", "4", "--seconds", "6", "--output", str(out)]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=150)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    line = proc.stdout.strip().splitlines()[-1]
    match = re.fullmatch(
        r"demo tiles_live=(\d+)/(\d+) frames_shown=(\d+) dropped=(\d+) backend=(ok|down) playback_frames=(\d+)", line
    )
    assert match, line
    assert match[5] == "ok"  # the demo started the bundled backend, which connected to the simulator
    live, total, shown = int(match[1]), int(match[2]), int(match[3])
    assert live == total == 4
    assert shown >= 4 * 6 * 15 * 0.4  # 4 tiles, 6 s, 15 fps: at least 40 % of the frames painted offscreen
    assert int(match[6]) >= 2 * 4 * 15 * 0.4  # two cameras played 4 s of recordings at 1x
    assert (out / "summary.txt").read_text(encoding="utf-8") == line + "\n"
    for name in ("wall.png", "wall-maximised.png", "playback.png"):
        image = QImage(str(out / name))
        assert not image.isNull() and image.width() >= 1000 and image.height() >= 600, name
    wall = image_to_array(QImage(str(out / "wall.png")))
    # The right-hand 80 % of the window is the wall: live video is not a flat colour.
    assert float(wall[:, wall.shape[1] // 5 :, :3].std()) > 20
