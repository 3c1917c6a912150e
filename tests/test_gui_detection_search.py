"""The detections search panel in the main window against the real simulator and the real bundled backend.

Detection rows are written into the backend's own database (as tests/test_detection_api.py does) and every list
the panel shows is compared with what plain Python computes from the same rows, for filters set through the
panel's own widgets (camera, class, minimum score, time ranges), page after page with "Load more". Thumbnails
are asked for the cards on screen only. In the second test the backend's real detection pipeline (a YOLO-layout
model built with ``onnx.helper`` whose boxes are known) analyses what the backend recorded from the simulator:
its ``detection`` event shows in the open panel at once, the thumbnails are decoded JPEGs of the recorded
frames (a full-frame detection's thumbnail carries the simulator's stamp of the detection's time), and opening
a result shows the recorded frame at that time in the player. A backend that dies gives the panel's message and
hides it until the backend is back.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import sys
import time
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from app.backend_link.connection import BackendState
from app.backend_link.options import BackendOptions
from app.backend_link.process import read_token_file
from app.viewmodels.detection_filters import RANGE_CUSTOM, RANGE_WEEK, SearchFilters, matches
from app.viewmodels.detection_results import CameraNameRole
from app.viewmodels.detection_thumbnails import FAILED, IDLE, READY
from app.viewmodels.playback_time import DAY_US, US, qdatetime_to_us
from media.stamp import read_stamp
from simulator import history
from simulator.inventory import camera_id, camera_name
from tests import test_gui_support as support
from tests.detection_rows import detection_row, insert_detection_rows
from tests.test_detection_yolo import CLASSES, yolo_model
from tests.test_gui_support import image_to_array, wait_until
from tests.test_gui_timeline import log_in_with_backend
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="kills the backend with a POSIX signal")
LABELS = ("person", "car", "bicycle", "dog")
FRAME_US = US // 15  # the simulator's 15 fps grid
FIRST_FRAME_S = 30  # an ImageServer GOP is encoded on demand by the simulator: generous on a busy machine


def window_for(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1600, 950)
    window.show()
    return window


insert_rows = insert_detection_rows


def unrecorded_time(rng: random.Random, index: int, now_us: int, ages_s: tuple[tuple[int, int], ...]) -> int:
    """A time (µs UTC) ``ages_s`` before ``now_us`` when the simulator's camera ``index`` recorded nothing within
    a second either side: no recording has a picture of it (its thumbnail fails with a clear reason)."""
    while True:
        t_us = now_us - int(rng.uniform(*rng.choice(ages_s)) * US)
        t_ms = t_us // 1000
        if not any(history.is_recorded(index, t_ms + d) for d in (-1000, 0, 1000)):
            return t_us


def row(camera: str, at_us: int, label: str, score: float, *, segment_id=None, box=(0.2, 0.2, 0.6, 0.9)) -> dict:
    return detection_row(camera, at_us, label, score, box=box, segment_id=segment_id)


def expected_ids(rows: list[dict], gui_camera: dict[str, str], vm) -> list[int]:
    """The ids the search shown by ``vm`` must list, newest first (what the backend's filters keep)."""
    from app.viewmodels.detections import Detection

    keep = []
    for r in rows:
        d = Detection(r["id"], gui_camera[r["camera_id"]], r["at_us"], r["label"], r["score"], r["detector"], (0,) * 4)
        if matches(vm.filters, vm.window, d):
            keep.append(r)
    return [r["id"] for r in sorted(keep, key=lambda r: (r["at_us"], r["id"]), reverse=True)]


async def search_done(vm, what: str, predicate=lambda f: True) -> None:
    await wait_until(
        lambda: vm.searched and not vm.busy and predicate(vm.filters), 20, what, describe=lambda: (vm.filters, vm.error)
    )


async def load_everything(vm, panel) -> None:
    while vm.has_more:
        before = vm.count
        QTest.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda n=before: vm.count > n and not vm.busy, 20, "an older page")


@posix_only
def test_filters_reach_the_backend_pages_load_older_and_a_dead_backend_is_reported(
    simulator, make_runtime, tmp_path, qtbot
):
    data_dir = tmp_path / "backend"
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, {"DETECTION_ENABLED": "0"}, health_interval_s=0.5))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.detection_search, window.detection_panel
    vm.page_size = 25

    async def scenario() -> None:
        assert not window.detections_action.isEnabled() and window.detection_dock.isHidden()
        await log_in_with_backend(rt, simulator, cameras=3)
        gui = [camera_id(0), camera_id(1)]
        backend_ids = [rt.vm.backend.backend_camera_id(c) for c in gui]
        gui_camera = dict(zip(backend_ids, gui, strict=True))
        now = int(time.time() * US)
        rng = random.Random(6)
        ages_s = ((60, 3500), (3700, 86_000), (86_500, 6 * 86_400), (8 * 86_400, 9 * 86_400))
        rows = insert_rows(
            data_dir,
            [
                row(
                    backend_ids[n % 2],
                    unrecorded_time(rng, n % 2, now, ages_s),
                    rng.choice(LABELS),
                    round(rng.uniform(0.05, 0.99), 3),
                )
                for n in range(240)
            ]
            # At least one sure car of camera 1 from 8-9 days ago (the custom range must find an old one).
            + [row(backend_ids[1], unrecorded_time(rng, 1, now, ages_s[-1:]), "car", 0.9)],
        )
        await wait_until(lambda: window.detections_action.isEnabled(), 10, "the Detections action")
        assert window.detections_action.shortcut().toString() == "Ctrl+D"
        QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        assert window.detection_dock.isVisible() and panel.isVisible()
        assert window.detections_action.isChecked()

        # Shown: the last 24 hours of every camera, newest first, 25 at a time; "Load more" walks the rest.
        await search_done(vm, "the first search")
        want = expected_ids(rows, gui_camera, vm)
        assert len(want) > 50 and vm.window[1] is None and abs(vm.window[0] - (now - DAY_US)) < 60 * US
        assert [d.id for d in vm.results.items] == want[:25] and vm.has_more
        assert panel.summary_label.text() == "Newest 25 detections shown; older ones exist."
        assert panel.more_button.isVisible()
        names = {(d.camera_id, vm.results.index(i).data(CameraNameRole)) for i, d in enumerate(vm.results.items)}
        assert names and names <= {(c, camera_name(i)) for i, c in enumerate(gui)}

        # Thumbnails: only the cards on screen are asked for; these rows have no footage: a clear mark.
        visible = panel.grid.visible_rows()
        assert 2 <= len(visible) < 25
        on_screen = {vm.results.items[r].id for r in visible}
        states = lambda rows_: [vm.thumbnails.state(vm.results.items[r].id) for r in rows_]  # noqa: E731
        await wait_until(lambda: all(s == FAILED for s in states(visible)), 20, "the thumbnails' failure marks")
        assert set(vm.thumbnails.requested) <= on_screen
        assert states([24]) == [IDLE]
        tip = vm.results.index(visible[0]).data(Qt.ItemDataRole.ToolTipRole)
        assert "no thumbnail can be made" in tip, tip
        panel.grid.scrollToBottom()
        await wait_until(lambda: states([24]) == [FAILED], 20, "the last card's thumbnail after scrolling")
        await load_everything(vm, panel)
        assert [d.id for d in vm.results.items] == want and not panel.more_button.isVisible()
        assert panel.summary_label.text() == f"{len(want)} detections."

        # Camera, class (typed), minimum score, longer and custom ranges: each as the backend keeps them.
        combo = panel.camera_combo
        combo.setCurrentIndex(combo.findData(gui[1]))
        combo.activated.emit(combo.currentIndex())
        await search_done(vm, "camera 1's detections", lambda f: f.camera_id == gui[1])
        await load_everything(vm, panel)
        assert [d.id for d in vm.results.items] == expected_ids(rows, gui_camera, vm) != []
        assert {d.camera_id for d in vm.results.items} == {gui[1]}
        await wait_until(
            lambda: set(vm.labels) == set(LABELS), 10, "the classes camera 1 saw", describe=lambda: vm.labels
        )
        assert [panel.label_combo.itemText(i) for i in range(panel.label_combo.count())] == ["", *sorted(LABELS)]
        panel.label_combo.setEditText("car")
        QTest.keyClick(panel.label_edit, Qt.Key.Key_Return)
        await search_done(vm, "the cars", lambda f: f.label == "car")
        panel.score_spin.setValue(70)  # searched after a typing pause
        await search_done(vm, "the sure cars", lambda f: f.min_score_pct == 70)
        panel.range_combo.setCurrentIndex(panel.range_combo.findData(RANGE_WEEK))
        panel.range_combo.activated.emit(panel.range_combo.currentIndex())
        await search_done(vm, "a week of sure cars", lambda f: f.range == RANGE_WEEK)
        await load_everything(vm, panel)
        got = [d.id for d in vm.results.items]
        assert got == expected_ids(rows, gui_camera, vm) != []
        assert all(d.label == "car" and d.score >= 0.7 and d.camera_id == gui[1] for d in vm.results.items)
        assert not any(r["at_us"] < now - 7 * DAY_US for r in rows if r["id"] in got)
        panel.range_combo.setCurrentIndex(panel.range_combo.findData(RANGE_CUSTOM))
        panel.range_combo.activated.emit(panel.range_combo.currentIndex())
        assert panel.custom_row.isVisible()
        panel.from_edit.setDateTime(panel.from_edit.dateTime().addDays(-10))
        await search_done(vm, "a custom range", lambda f: f.range == RANGE_CUSTOM and f.start_us < now - 9 * DAY_US)
        await load_everything(vm, panel)
        assert vm.window == (qdatetime_to_us(panel.from_edit.dateTime()), qdatetime_to_us(panel.to_edit.dateTime()))
        assert [d.id for d in vm.results.items] == expected_ids(rows, gui_camera, vm)
        assert any(r["at_us"] < now - 8 * DAY_US for r in rows if r["id"] in {d.id for d in vm.results.items})

        # Nothing matches: said so. A search overtaken by a newer one: its answer is dropped.
        await vm.search_async(SearchFilters(label="zebra"))
        assert vm.count == 0 and panel.summary_label.text() == "No detections match these filters."
        first = vm.search(SearchFilters(camera_id=gui[0], range=RANGE_WEEK))
        second = vm.search(SearchFilters(camera_id=gui[1], label="dog", range=RANGE_WEEK))
        assert not await first and await second
        assert [d.id for d in vm.results.items] == expected_ids(rows, gui_camera, vm)[:25]
        assert {d.label for d in vm.results.items} == {"dog"}

        # The backend dies: the search says so, the panel hides until the backend is back, then searches again.
        os.kill(rt.vm.backend.pid, signal.SIGKILL)
        assert not await vm.search_async()
        assert vm.error in (
            "The backend does not answer; detections cannot be read now.",
            "Detections need the backend, which is not connected.",
        )
        assert panel.error_label.text() == vm.error
        await wait_until(lambda: window.detection_dock.isHidden(), 20, "the panel to hide")
        assert not window.detections_action.isEnabled()
        assert "not connected" in window.detections_action.toolTip()
        await wait_until(lambda: rt.vm.backend.state == BackendState.CONNECTED, 60, "the backend to come back")
        await wait_until(lambda: window.detection_dock.isVisible(), 10, "the panel to come back")
        await search_done(vm, "the search after the restart")
        assert vm.error == "" and not panel.error_label.isVisibleTo(panel)
        assert vm.filters == panel.filters()  # what the panel shows (sure cars of camera 1 over the custom range)
        assert [d.id for d in vm.results.items] == expected_ids(rows, gui_camera, vm)[:25] != []
        window.close()

    rt.run(scenario())


def segments_of(data_dir: Path, backend_camera: str) -> list[tuple[int, int, int]]:
    """(id, start_us, end_us) of the camera's recorded segments, oldest first (the backend's database)."""
    db = sqlite3.connect(data_dir / "backend.sqlite3", timeout=20)
    try:
        query = "SELECT id, start_us, end_us FROM segments WHERE camera_id = ? ORDER BY start_us"
        return [tuple(r) for r in db.execute(query, (backend_camera,))]
    finally:
        db.close()


def detection_rows(data_dir: Path, backend_camera: str) -> list[dict]:
    db = sqlite3.connect(data_dir / "backend.sqlite3", timeout=20)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM detections WHERE camera_id = ?", (backend_camera,))]
    finally:
        db.close()


def processed(data_dir: Path, backend_camera: str) -> bool:
    """True when the pipeline recorded a run for every segment of the camera."""
    db = sqlite3.connect(data_dir / "backend.sqlite3", timeout=20)
    try:
        query = (
            "SELECT COUNT(*), COUNT(r.segment_id) FROM segments s LEFT JOIN detection_runs r ON r.segment_id = s.id"
            " WHERE s.camera_id = ?"
        )
        segments, runs = db.execute(query, (backend_camera,)).fetchone()
        return segments > 0 and segments == runs
    finally:
        db.close()


def picture_stamp(channel):
    return read_stamp(image_to_array(channel.image)) if channel.image is not None else None


def test_live_detections_thumbnails_of_the_recorded_frames_and_opening_the_player_there(
    make_simulator, make_runtime, tmp_path, qtbot
):
    # A camera XProtect records for the next few minutes: the player then plays XProtect's footage of the
    # moments the backend also recorded (the backend prefers the source covering more of the timeline's range).
    sim = make_simulator(cameras=24)
    now_ms = int(time.time() * 1000)
    covered = [
        i
        for i in range(24)
        if any(
            b <= now_ms - 10_000 and e >= now_ms + 240_000
            for b, e in history.recording_sequences(i, now_ms, now_ms + 1)
        )
    ]
    assert covered, "no simulated camera is recorded by XProtect for the next four minutes"
    index = covered[0]
    camera = camera_id(index)
    data_dir = tmp_path / "backend"
    env = {
        "DETECTION_YOLO_MODEL": str(yolo_model(tmp_path / "yolo.onnx")),
        "DETECTION_YOLO_CLASSES": ",".join(CLASSES),
        "DETECTION_FACE": "0",
        "RECORDING_MIN_DURATION": "1",
        "RECORDING_SEGMENT_SECONDS": "2",
        "BACKEND_SPOOL_MIN_FREE_MB": "0",
    }
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, env, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel, playback = rt.vm.detection_search, window.detection_panel, rt.vm.playback
    notices: list[str] = []
    rt.vm.notifier.sigInfo.connect(notices.append)

    async def scenario() -> None:
        await log_in_with_backend(rt, sim, cameras=index + 1)
        backend_camera = rt.vm.backend.backend_camera_id(camera)
        token = read_token_file(data_dir / "api-token")
        http = httpx.AsyncClient(base_url=rt.vm.backend.url, headers={"Authorization": f"Bearer {token}"}, timeout=20)
        patched = await http.patch(f"/api/v1/cameras/{backend_camera}", json={"storageMode": "LOCAL"})
        assert patched.status_code == 200, patched.text
        window.detections_action.trigger()
        await search_done(vm, "the first search")
        assert vm.count == 0 and panel.summary_label.text() == "No detections match these filters."

        # The backend records 6 s; its pipeline finds the model's boxes; the watched class's event shows at once.
        started_us = int(time.time() * US)
        assert await rt.vm.recording.start_async(camera, 6)
        await wait_until(lambda: vm.count > 0, 90, "the live detection in the open panel")
        live = vm.results.items[0]
        assert (live.label, live.camera_id) == ("person", camera) and live.score == pytest.approx(0.9)
        assert started_us - 5 * US < live.at_us < time.time() * US
        assert any(
            n.startswith(f"Detected person (\u206890\u00a0%\u2069) on \u2068{camera_name(index)}") for n in notices
        )
        await wait_until(lambda: not rt.vm.recording.is_recording(camera), 30, "the recording to end")
        await wait_until(lambda: processed(data_dir, backend_camera), 90, "the pipeline to analyse every segment")

        # Searching again lists what the pipeline stored, newest first; the thumbnails are the backend's JPEGs.
        QTest.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
        await search_done(vm, "the pipeline's detections")
        rows = detection_rows(data_dir, backend_camera)
        assert [d.id for d in vm.results.items] == expected_ids(rows, {backend_camera: camera}, vm)[: vm.page_size]
        assert {d.label for d in vm.results.items} == {"person", "car"} and live.id in {r["id"] for r in rows}
        visible = panel.grid.visible_rows()
        assert visible and visible[0] == 0
        await wait_until(
            lambda: all(vm.thumbnails.state(vm.results.items[r].id) == READY for r in visible),
            30,
            "the thumbnails",
            describe=lambda: [vm.thumbnails.failure(vm.results.items[r].id) for r in visible],
        )
        first = vm.results.items[0]
        jpeg = await http.get(f"/api/v1/detections/{first.id}/thumbnail")
        shown = vm.thumbnails.image(first.id)
        assert jpeg.headers["content-type"] == "image/jpeg"
        reference = QImage.fromData(jpeg.content, "JPG")
        assert (shown.width(), shown.height()) == (reference.width(), reference.height())
        assert image_to_array(shown).tobytes() == image_to_array(reference).tobytes()

        # A whole-frame detection: its thumbnail is the recorded frame at its time (the simulator's stamp says so).
        segment_id, seg_start, _seg_end = segments_of(data_dir, backend_camera)[1]
        at_us = seg_start + 700_000
        insert_rows(data_dir, [row(backend_camera, at_us, "vehicle", 0.66, segment_id=segment_id, box=(0, 0, 1, 1))])
        panel.label_combo.setEditText("vehicle")
        QTest.keyClick(panel.label_edit, Qt.Key.Key_Return)
        await search_done(vm, "the whole-frame detection", lambda f: f.label == "vehicle")
        assert vm.count == 1
        whole = vm.results.items[0]
        await wait_until(lambda: vm.thumbnails.state(whole.id) == READY, 30, "its thumbnail")
        stamp = read_stamp(image_to_array(vm.thumbnails.image(whole.id)))
        assert stamp is not None and stamp.camera_index == index
        assert at_us - FRAME_US < stamp.timestamp_ms * 1000 <= at_us

        # Double-click: the recordings of that camera, paused on the frame at (or just before) the detection.
        rect = panel.grid.visualRect(vm.results.index(0))
        QTest.mouseClick(panel.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's
        QTest.mouseDClick(panel.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # first press
        assert playback.is_open and playback.camera_ids == [camera] and playback.position_us == at_us
        assert window.pages.currentWidget() is window.playback_panel
        channel = playback.channels[0]
        await wait_until(
            lambda: (s := picture_stamp(channel)) is not None and at_us - FRAME_US < s.timestamp_ms * 1000 <= at_us,
            FIRST_FRAME_S,
            "the detection's frame in the player",
            describe=lambda: (
                picture_stamp(channel),
                channel.error_text,
                at_us,
                channel.source_kind,
                playback.position_us,
            ),
        )
        assert channel.source_kind == "milestone"

        # Enter on another result of the same camera: the open player jumps there.
        panel.label_combo.setEditText("")
        QTest.keyClick(panel.label_edit, Qt.Key.Key_Return)
        await search_done(vm, "every class again", lambda f: f.label == "")
        target = vm.results.items[-1]
        panel.grid.setCurrentIndex(vm.results.index(vm.count - 1))
        QTest.keyClick(panel.grid, Qt.Key.Key_Return)
        assert playback.channels[0] is channel and playback.position_us == target.at_us
        await wait_until(
            lambda: (
                (s := picture_stamp(channel)) is not None
                and target.at_us - FRAME_US < s.timestamp_ms * 1000 <= target.at_us
            ),
            30,
            "the other detection's frame",
            describe=lambda: (picture_stamp(channel), target.at_us),
        )
        await http.aclose()
        window.close()

    rt.run(scenario())
