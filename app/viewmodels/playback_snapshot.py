"""Snapshots of the player: the file name offered to the operator, and writing the file whole or not at all."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from pathlib import Path
from typing import Any

from .playback_texts import translate
from .playback_time import local_datetime

log = logging.getLogger(__name__)


def snapshot_file_name(camera_name: str, when_us: int) -> str:
    """``<camera>_<yyyy-MM-dd_HH-mm-ss>.png`` (local time of the picture; unsafe file name characters -> "_")."""
    safe = re.sub(r"[^\w.-]+", "_", camera_name, flags=re.UNICODE).strip("_") or "camera"
    return f"{safe}_{local_datetime(when_us).toString('yyyy-MM-dd_HH-mm-ss')}.png"


def write_snapshot(player: Any, path: Path) -> None:
    """Worker thread: the media player writes its picture (full resolution, format by suffix) beside ``path``,
    then the file is renamed into place, so that nobody ever sees half a file. Raises what ``Player.snapshot``
    raises (LookupError: no picture yet; OSError, ValueError)."""
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        player.snapshot(str(partial))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


async def save_snapshot(player: Any, path: Path) -> tuple[bool, str]:
    """Write ``player``'s picture to ``path`` in a worker thread; (success, the operator's text, translated)."""
    if player is None:
        return False, translate("PlaybackTexts", "There is no picture to save.")
    try:
        await asyncio.get_running_loop().run_in_executor(None, write_snapshot, player, path)
    except Exception as exc:
        log.warning("snapshot to %s failed: %s", path, exc)
        return False, translate("PlaybackTexts", "The snapshot could not be saved: {0}").format(exc)
    return True, translate("PlaybackTexts", "Snapshot saved: {0}").format(path.name)
