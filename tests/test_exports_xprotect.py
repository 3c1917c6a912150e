"""Exports of footage only XProtect has: the backend (logged into the shared simulator) plans the range from
XProtect's recording sequences and copies the H.264 from the ImageServer (``goto`` the key frame, ``next`` to
the end), with the exact frame range. The simulator stamps every frame with its camera and time, so the
decoded MP4 must hold exactly the simulator's frame grid inside ``[start, end)``.
"""

from __future__ import annotations

import io
import time
import zipfile

from backend.exports.component import ExportComponent
from backend.playback.ranges import iso_z
from backend.storage.component import StorageComponent
from simulator import history
from simulator.inventory import camera_id
from simulator.timeline import FrameGrid
from tests.test_exports_api import EXPORTS, decoded_stamps

MS_CAM = 2
FPS = 15  # the simulator's default


def test_footage_only_xprotect_has_is_exported_through_the_imageserver(
    make_backend, backend_settings_factory, simulator, wait_for
):
    settings = backend_settings_factory(simulator, storage={"spool_min_free_mb": 0}, exports={"progress_interval_s": 0})
    backend = make_backend(settings, components=[StorageComponent, ExportComponent])
    backend.wait_milestone()
    imported = backend.post("/api/v1/cameras/import", json={"milestoneDeviceId": camera_id(MS_CAM)})
    assert imported.status_code in (200, 201), imported.text
    cam = camera_id(MS_CAM)
    now_ms = int(time.time() * 1000)
    sequences = history.recording_sequences(MS_CAM, now_ms - 30 * 3_600_000, now_ms - 6 * 3_600_000)
    begin, _ = next((b, e) for b, e in sequences if e - b > 60_000)
    start_ms, end_ms = begin + 10_533, begin + 13_100  # mid-GOP start: the copy starts at the key frame before

    answer = backend.post(
        EXPORTS,
        json={"cameraIds": [cam], "start": iso_z(start_ms * 1000), "end": iso_z(end_ms * 1000), "reason": "xprotect"},
    )
    assert answer.status_code == 202, answer.text
    export_id = answer.json()["id"]
    done = wait_for(
        lambda: (b := backend.get(f"{EXPORTS}/{export_id}").json())["status"] in ("completed", "failed") and b, 60
    )
    assert done["status"] == "completed", done
    [file] = done["files"]
    grid = FrameGrid(FPS)
    expected = [grid.time_of(n) for n in range(grid.index_at_or_after(start_ms), grid.index_at_or_after(end_ms))]
    assert file["source"] == "xprotect" and file["frames"] == len(expected)
    package = backend.get(f"{EXPORTS}/{export_id}/file").content
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        mp4 = archive.read(file["name"])
    assert decoded_stamps(mp4, MS_CAM) == expected
    assert backend.post(f"{EXPORTS}/{export_id}/verify").json()["ok"]
