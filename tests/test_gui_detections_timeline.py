"""Detections on the timeline and in the player, against the real simulator and the real bundled backend.

Detection rows are written into the bundled backend's own database at frame times the simulator recorded (the
detection pipeline itself is tested in tests/test_detection_*.py); the GUI reads them through the backend's
search API. Checked as the operator sees it: one timeline sub-row per class with its spans at the right times
and a hover text; N / Shift+N land the player on the detection's frame (the stamp drawn into the picture says
which frame it is); the boxes are painted at the right place over the video (rectangles and pixels); B hides
them; a failing detections query shows its error and leaves the recorded lanes alone; without a backend there
are no detection rows. Pure logic (spans under the mouse, nearest detection among cameras, box mapping) is
tested on its own.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from sqlalchemy import create_engine, text

from app.backend_link.options import BackendOptions
from app.viewmodels.detections import CameraDetections, Detection
from app.viewmodels.playback_sources import PlaybackError
from app.viewmodels.playback_time import MINUTE_US, US
from app.viewmodels.timeline import TimelineViewModel
from app.viewmodels.timeline_detections import (
    BOX_TOLERANCE_US,
    RowDetections,
    box_rect,
    landing_anchor,
    nearest_next,
    nearest_previous,
    present_labels,
    score_text,
)
from media.stamp import read_stamp
from simulator import history
from simulator.inventory import camera_id, camera_name
from simulator.timeline import FrameGrid
from tests import test_gui_support as support
from tests.detection_rows import detection_row, insert_detection_rows
from tests.test_gui_support import image_to_array, move_mouse, wait_until
from tests.test_gui_timeline import log_in_with_backend
from widgets.detection_style import FALLBACK_COLOURS, detection_colour
from widgets.shell import create_main_window
from widgets.timeline import TimelineWidget
from widgets.timeline_lanes import DETECTION_ROW
from widgets.timeline_marks import MARKS_ROW

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
GRID = FrameGrid(15)  # the simulator's frame grid
FIRST_FRAME_S = 30  # the simulator encodes an ImageServer GOP on demand: generous on a busy machine
BOXES = {
    "person": (0.25, 0.20, 0.50, 0.80),
    "face": (0.30, 0.22, 0.42, 0.40),
    "car": (0.55, 0.50, 0.90, 0.85),
}
DETECTOR = {"person": "yolo", "car": "yolo", "face": "face"}


# ------------------------------------------------------------------------------------------- pure logic
def _det(camera: str, at_us: int, label: str, score: float = 0.5, ident: int = 0) -> Detection:
    return Detection(ident or at_us // 1000, camera, at_us, label, score, DETECTOR.get(label, "yolo"), BOXES["person"])


def _camera(camera: str, *items: Detection) -> CameraDetections:
    ordered = tuple(sorted(items, key=lambda d: (d.at_us, d.id)))
    return CameraDetections(camera, 0, 10_000 * US, ordered)


def test_row_detections_give_one_sub_row_per_class_and_the_span_under_the_mouse():
    t = 1_000 * US
    found = _camera(
        "a",
        _det("a", t, "person", 0.6, 1),
        _det("a", t + US, "person", 0.9, 2),
        _det("a", t + 2 * US, "person", 0.7, 3),
        _det("a", t + 60 * US, "person", 0.4, 4),
        _det("a", t + 5 * US, "car", 0.8, 5),
    )
    row = RowDetections.of(found)
    assert row.labels == ("person", "car") and row.counts == {"person": 4, "car": 1}
    assert [(s.start_us, s.end_us, s.count) for s in row.spans["person"]] == [
        (t, t + 2 * US, 3),
        (t + 60 * US, t + 61 * US, 1),
    ]
    span = row.span_at("person", t + US)
    assert span is not None and span.count == 3 and span.max_score == 0.9
    assert row.span_at("person", t + 2 * US) is None  # half-open
    assert row.span_at("person", t - 1) is None and row.span_at("person", t + 30 * US) is None
    assert row.span_at("person", t + 60 * US + 999_999) is not None
    assert row.span_at("bus", t) is None
    assert row.span_at("person", t - 500_000, tolerance_us=500_000) is span  # near enough to a span
    assert row.span_at("person", t - 500_001, tolerance_us=500_000) is None
    late = row.span_at("person", t + 2 * US + 300_000, tolerance_us=US)
    assert late is span  # 0.3 s after it, and 57.7 s before the next one
    other = RowDetections.of(_camera("b", _det("b", t, "car", ident=9), _det("b", t, "face", ident=10)))
    assert present_labels([row, other]) == ["person", "car", "face"]  # 4, 2, 1 detections


def test_the_nearest_detection_among_cameras_and_the_landing_anchor():
    t = 5_000 * US
    a = _camera("a", _det("a", t, "person", ident=1), _det("a", t + 10 * US, "car", ident=2))
    b = _camera("b", _det("b", t + 4 * US, "person", ident=3), _det("b", t + 4 * US, "face", ident=4))
    assert nearest_next([a, b], t - 1).at_us == t
    assert nearest_next([a, b], t).at_us == t + 4 * US  # strictly later
    assert nearest_next([a, b], t, ["car"]).at_us == t + 10 * US
    assert nearest_next([a, b], t + 10 * US) is None
    assert nearest_previous([a, b], t + 10 * US).camera_id == "b"
    assert nearest_previous([a, b], t + 10 * US, ["person"]).at_us == t + 4 * US
    assert nearest_previous([a, b], t + 4 * US, ["face"]) is None
    assert nearest_next([b, a], t + 1, ["person", "face"]).id == 3  # same frame: the first detection of it
    # Landed on a detection: a picture up to a second before it still counts from the detection itself.
    assert landing_anchor(t, t) == t
    assert landing_anchor(t - 66_000, t) == t
    assert landing_anchor(t + 66_000, t) == t + 66_000  # stepped past it: from the picture
    assert landing_anchor(t - 2 * US, t) == t - 2 * US
    assert landing_anchor(t - 2 * US, None) == t - 2 * US


def test_boxes_map_into_the_painted_picture_and_colours_are_stable():
    assert box_rect((0.25, 0.2, 0.5, 0.8), 10.0, 40.0, 640.0, 360.0) == pytest.approx((170.0, 112.0, 160.0, 216.0))
    assert box_rect((0.9, 0.9, 0.1, 0.1), 0, 0, 100, 100) == pytest.approx((10.0, 10.0, 80.0, 80.0))
    assert box_rect((-0.5, 0.0, 1.5, 1.2), 0, 0, 100, 50) == (0.0, 0.0, 100.0, 50.0)  # clamped to the picture
    assert score_text(0.874) == "87 %" and score_text(1.3) == "100 %"
    assert detection_colour("person") == detection_colour("Person") != detection_colour("car")
    assert detection_colour("zebra") in FALLBACK_COLOURS and detection_colour("zebra") == detection_colour("zebra")
    far = _camera("a", _det("a", 10 * US, "person", ident=1))
    assert far.at(10 * US + BOX_TOLERANCE_US, BOX_TOLERANCE_US) and not far.at(11 * US, BOX_TOLERANCE_US)


class HeldSource:
    """A detections source for the timeline view-model alone: answers what the test sets, when it says so
    (the real service is used in the scenarios below)."""

    def __init__(self) -> None:
        self.answers: list[Any] = []
        self.gates: list[asyncio.Event] = []
        self.known = {"cam-a"}

    def available(self, camera: str) -> bool:
        return camera in self.known

    async def for_camera(self, camera: str, start: int, end: int) -> CameraDetections:
        gate, answer = asyncio.Event(), self.answers.pop(0)
        self.gates.append(gate)
        await gate.wait()
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_stale_detection_answers_are_dropped_and_rows_grow_with_the_classes(make_runtime, qtbot):
    rt = make_runtime()
    now = rt.vm.playback.timeline.now_us()
    t = now - 10 * MINUTE_US

    async def lanes(_camera: str, start: int, end: int):
        from app.viewmodels.playback_lanes import lanes_from_sequences

        return lanes_from_sequences(_camera, start, end, [((t - MINUTE_US) // 1000, (t + MINUTE_US) // 1000)], [])

    source = HeldSource()
    vm = TimelineViewModel(lanes, rt.vm.runner, parent=rt.vm, detections=source)
    widget = TimelineWidget(vm)
    qtbot.addWidget(widget)
    widget.resize(1200, 200)
    widget.show()
    old = _camera("cam-a", _det("cam-a", t, "bus", ident=1))
    new = _camera(
        "cam-a",
        *(_det("cam-a", t + i * US, label, 0.5, 10 + i) for i, label in enumerate(("person", "car", "face", "car"))),
    )

    async def scenario() -> None:
        assert vm.set_range(now - 30 * MINUTE_US, now)
        source.answers = [old]
        vm.set_cameras([("cam-a", "Camera A"), ("cam-b", "Camera B")])  # cam-b: not known to the source
        await wait_until(lambda: len(source.gates) == 1, 5, "the first detections query")
        source.answers = [new]
        vm.refresh()  # supersedes the first query
        await wait_until(lambda: len(source.gates) == 2, 5, "the second detections query")
        source.gates[1].set()
        await wait_until(lambda: vm.rows[0].detections is not None, 5, "the second answer")
        source.gates[0].set()  # the first answer arrives late: dropped
        await asyncio.sleep(0.1)
        assert widget.detection_labels(0) == ["car", "face", "person"] and widget.detection_labels(1) == []
        assert vm.rows[1].detections is None and vm.rows[1].detections_error == ""
        assert widget.drawn_detections(0, "car") == [(t + US, t + 3 * US, "car")]
        assert widget.drawn_detections(0, "bus") == []
        assert widget.row_top(1) == pytest.approx(1 + 3 * DETECTION_ROW)
        assert widget.plot.height() > 12 + 54 * (2 + 3 * DETECTION_ROW)
        names = [(text, colour) for _y, text, colour in widget.names_axis.entries]
        assert names == [
            ("Camera A", None),
            ("car", detection_colour("car")),
            ("face", detection_colour("face")),
            ("person", detection_colour("person")),
            ("Camera B", None),
        ]
        # Row 1's lanes are where its row now starts; the tooltips follow the rows.
        assert widget.tooltip_at(widget.x_of(t), widget.lane_y(1)).startswith("\u2068Camera B")
        tip = widget.tooltip_at(widget.x_of(t + 2 * US), widget.lane_y(0, "detections", "car"))
        assert "car: 2 detections" in plain(tip)
        # An error replaces the classes with its message, in one sub-row; the lanes stay.
        source.answers = [PlaybackError("The backend refused the detections.")]
        vm.refresh()
        await wait_until(lambda: len(source.gates) == 3, 5, "the third query")
        source.gates[2].set()
        await wait_until(lambda: vm.rows[0].detections_error != "", 5, "the error")
        await wait_until(lambda: not vm.loading, 5, "the lanes")
        assert widget.detection_labels(0) == [] and widget.detection_text(0) == "The backend refused the detections."
        assert widget.row_top(1) == pytest.approx(1 + DETECTION_ROW) and widget.drawn(0, "recorded")
        assert "The backend refused" in widget.tooltip_at(widget.x_of(t), widget.lane_y(0, "detections"))

    rt.run(scenario())


# ------------------------------------------------------------------------------------- with the backend
def window_for(rt, qtbot):
    window = create_main_window(rt.app, rt.vm)
    qtbot.addWidget(window)
    window.resize(1500, 980)
    window.show()
    return window


def shared_recording(now_ms: int, seconds: int = 30) -> tuple[int, int]:
    """A stretch (ms) both camera 0 and camera 1 record for ``seconds``, in the hour before two minutes ago."""
    low, high = now_ms - 55 * 60_000, now_ms - 3 * 60_000
    for a0, a1 in history.recording_sequences(0, low, high):
        for b0, b1 in history.recording_sequences(1, low, high):
            start, end = max(a0, b0, low), min(a1, b1, high)
            if end - start >= (seconds + 10) * 1000:
                return start + 5000, start + 5000 + seconds * 1000
    raise AssertionError("cameras 0 and 1 share no recording in the last hour")


def frame_us(ms: int) -> int:
    """The simulator's frame time (µs) at or after ``ms``."""
    return GRID.time_of(GRID.index_at_or_after(ms)) * 1000


def seed(data_dir: Path, rows: list[dict[str, Any]]) -> None:
    """Write detection rows into the bundled backend's database (as the detection pipeline would)."""
    insert_detection_rows(data_dir, rows)


def sql(data_dir: Path, statement: str) -> None:
    engine = create_engine(f"sqlite:///{data_dir / 'backend.sqlite3'}", connect_args={"timeout": 30})
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def row(backend_camera: str, at_us: int, label: str, score: float) -> dict[str, Any]:
    return detection_row(backend_camera, at_us, label, score, box=BOXES[label], detector=DETECTOR[label])


def stamp_us(channel) -> int | None:
    """The time stamped into the picture the channel's surface paints (µs), None when unreadable."""
    image = channel.image
    stamp = read_stamp(image_to_array(image)) if image is not None else None
    return stamp.timestamp_ms * 1000 if stamp is not None else None


async def landed(vm, channel, at_us: int, what: str) -> None:
    """The player shows the frame of ``at_us`` on ``channel`` (stamp and media time) and the playhead is there."""
    await wait_until(
        lambda: channel.picture_us == at_us and stamp_us(channel) == at_us,
        FIRST_FRAME_S,
        what,
        describe=lambda: (channel.picture_us, stamp_us(channel), at_us, channel.state),
    )
    await wait_until(lambda: vm.position_us == at_us, 5, f"the position at {what}")
    assert vm.timeline.playhead_us == at_us
    low, high = vm.timeline.visible_us
    assert low <= at_us < high


def plain(text: str) -> str:
    """``text`` without bidi isolation marks."""
    return text.replace("\u2068", "").replace("\u2069", "")


def pixel(image: QImage, x: float, y: float) -> QColor:
    return image.pixelColor(round(x), round(y))


def close_to(colour: QColor, expected: str, tolerance: int = 8) -> bool:
    want = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_the_detections_lane_jumps_and_boxes_with_the_real_backend(simulator, make_runtime, tmp_path, qtbot):
    data_dir = tmp_path / "backend"
    env = {"DETECTION_ENABLED": "false"}  # only the rows written here: no pipeline adding its own
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, env, health_interval_s=1.0))
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel
    timeline, transport = panel.timeline, panel.player.transport
    notices: list[str] = []
    vm.sigNotice.connect(notices.append)

    async def scenario() -> None:
        await log_in_with_backend(rt, simulator)
        begin_ms, _end_ms = shared_recording(int(vm.timeline.now_us() // 1000))
        a = frame_us(begin_ms)  # camera 0: a person for three seconds, then a car
        persons = [a, frame_us(begin_ms + 1000), frame_us(begin_ms + 2000)]
        b = frame_us(begin_ms + 6000)  # camera 1: a person and a face in one frame, the face a second longer
        b2 = frame_us(begin_ms + 7000)
        c = frame_us(begin_ms + 12000)  # camera 0: a car
        backend = rt.vm.backend
        cam0, cam1 = backend.backend_camera_id(camera_id(0)), backend.backend_camera_id(camera_id(1))
        seed(
            data_dir,
            [row(cam0, t, "person", s) for t, s in zip(persons, (0.62, 0.91, 0.75), strict=True)]
            + [row(cam0, c, "car", 0.8), row(cam1, b, "person", 0.55), row(cam1, b, "face", 0.7)]
            + [row(cam1, b2, "face", 0.66)],
        )

        assert rt.vm.view_recordings([camera_id(0), camera_id(1)], at_us=a - 10 * US)
        rows = vm.timeline.rows
        await wait_until(
            lambda: all(r.lanes is not None and r.detections is not None for r in rows),
            30,
            "the lanes and the detections",
            describe=lambda: [(r.error, r.detections_error) for r in rows],
        )
        # The lane: one sub-row per class, most detections first, spans at the detections' times.
        assert timeline.detection_labels(0) == ["person", "car"]
        assert timeline.detection_labels(1) == ["face", "person"]
        assert timeline.drawn_detections(0, "person") == [(a, persons[-1], "person")]
        assert timeline.drawn_detections(0, "car") == [(c, c + US, "car")]
        assert timeline.drawn_detections(1, "face") == [(b, b + US, "face")]  # b2 - b < 1 s of minimum length
        assert timeline.drawn_detections(1, "person") == [(b, b + US, "person")]
        assert timeline.row_top(1) == pytest.approx(1 + MARKS_ROW + 2 * DETECTION_ROW)  # marks lane: backend
        recorded = timeline.drawn(0, "recorded")
        assert any(s <= a and c < e for s, e, _k in recorded)
        vm.timeline.ensure_visible(a)
        tip = timeline.tooltip_at(timeline.x_of(persons[1]), timeline.lane_y(0, "detections", "person"))
        assert "person: 3 detections" in plain(tip) and "Best score: 91 %" in plain(tip), tip
        assert camera_name(0) in tip
        vm.timeline.ensure_visible(c)
        viewport = timeline.plot.viewport()

        moves = iter(range(1000))

        def hover_car() -> bool:  # moved again at each poll: the rows may still be settling under the mouse
            point = timeline.widget_point(c, 0, "detections", "car").toPoint() + QPoint(next(moves) % 2, 0)
            move_mouse(viewport, point)
            return "car: 1 detection" in plain(timeline.last_tooltip)

        await wait_until(hover_car, 5, "the hover over the car", describe=lambda: timeline.last_tooltip)
        assert "80 %" in timeline.last_tooltip
        assert transport.classes_button.isVisible() and transport.classes_text() == "All classes"
        legend = [text for _c, text in panel.legend.entries]
        assert "Detections (a row per class)" in legend

        # N: the next detection of any class, on the camera that saw it, exactly on its frame.
        channel0, channel1 = vm.channels
        await wait_until(lambda: vm.position_us is not None, 10, "a position")
        QTest.keyClick(panel, Qt.Key.Key_N)
        await landed(vm, channel0, a, "the first person")
        for t in persons[1:]:
            QTest.keyClick(panel, Qt.Key.Key_N)
            await landed(vm, channel0, t, "the next person")
        QTest.keyClick(panel, Qt.Key.Key_N)
        await landed(vm, channel1, b, "camera 1's person and face")
        surface1 = panel.player.surfaces[1]
        await wait_until(lambda: len(surface1.boxes_painted) == 2, 5, "two boxes on camera 1")
        assert {d.label for d, _r in surface1.boxes_painted} == {"person", "face"}
        QTest.keyClick(panel, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
        await landed(vm, channel0, persons[-1], "back to the last person")

        # Only cars: the menu of classes present, then N twice (the second: nothing later).
        actions = transport.build_classes_menu()
        assert [x.data() for x in actions] == ["person", "face", "car"]  # 4, 2, 1 detections
        assert [x.text() for x in actions] == ["person (4)", "face (2)", "car (1)"]
        for action in actions:
            action.setChecked(action.data() == "car")
        assert vm.detections.chosen == ["car"] and transport.classes_text() == "car"
        transport.next_detection_button.click()
        await landed(vm, channel0, c, "the car")

        # The car's box over camera 0's picture: where the frame's normalised box falls in the painted picture.
        surface0 = panel.player.surfaces[0]
        await wait_until(lambda: len(surface0.boxes_painted) == 1, 5, "the car's box")
        picture = surface0.picture_rect()
        assert picture is not None
        image = channel0.image
        scale = min(surface0.width() / image.width(), surface0.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        assert picture == QRectF((surface0.width() - w) / 2, (surface0.height() - h) / 2, w, h)
        detection, rect = surface0.boxes_painted[0]
        assert detection.label == "car" and detection.at_us == c
        x1, y1, x2, y2 = BOXES["car"]
        expected = QRectF(picture.x() + x1 * w, picture.y() + y1 * h, (x2 - x1) * w, (y2 - y1) * h)
        assert rect == expected
        grabbed = surface0.grab().toImage()
        car = detection_colour("car")
        edges = [(rect.center().x(), rect.top()), (rect.left(), rect.center().y()), (rect.right(), rect.bottom() - 4)]
        assert all(close_to(pixel(grabbed, x, y), car) for x, y in edges), [pixel(grabbed, x, y) for x, y in edges]
        assert close_to(pixel(grabbed, rect.left() + 1, rect.top() - 5), car)  # the label above the box
        assert not close_to(pixel(grabbed, rect.center().x(), rect.center().y()), car)  # the picture inside
        # B hides the boxes (and shows them again).
        QTest.keyClick(panel, Qt.Key.Key_B)
        assert not vm.detections.show_boxes and not transport.boxes_button.isChecked()
        hidden = surface0.grab().toImage()
        assert surface0.boxes_painted == [] and not close_to(pixel(hidden, rect.center().x(), rect.top()), car)
        transport.boxes_button.click()
        assert vm.detections.show_boxes and len(surface0.box_rects()) == 1
        QTest.keyClick(panel, Qt.Key.Key_N)
        await wait_until(lambda: notices[-1:] == ["No later detection of \u2068car\u2069 in this range."], 5, "notice")
        await wait_until(lambda: window.statusBar().currentMessage() == notices[-1], 5, "the status bar")
        vm.detections.choose_all()

        # A look at the whole panel, as the operator sees it.
        QTest.keyClick(panel, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)  # back to camera 1's frame
        await landed(vm, channel1, b2, "camera 1's face")
        QTest.keyClick(panel, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
        await landed(vm, channel1, b, "camera 1's person and face again")
        await wait_until(lambda: len(surface1.boxes_painted) == 2, 5, "the boxes for the screenshot")
        low, high = vm.timeline.visible_us
        factor = 40 * US / (high - low)  # 40 s from 10 s before the first detection
        vm.timeline.zoom(factor, round((a - 10 * US - low * factor) / (1 - factor)))
        shot = tmp_path / "recordings-detections.png"
        assert window.grab().save(str(shot))
        if os.environ.get("DETECTIONS_SCREENSHOT"):
            shutil.copy(shot, os.environ["DETECTIONS_SCREENSHOT"])
        # Right to left (Arabic): the boxes and their labels stay where the picture has them.
        before = [(d.label, QRectF(r)) for d, r in surface1.boxes_painted]
        rt.app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        try:
            rtl = surface1.grab().toImage()
            assert [(d.label, r) for d, r in surface1.boxes_painted] == before
            person = next(r for d, r in surface1.boxes_painted if d.label == "person")
            assert close_to(pixel(rtl, person.left() + 1, person.top() - 5), detection_colour("person"))
            if os.environ.get("DETECTIONS_SCREENSHOT"):
                window.grab().save(os.environ["DETECTIONS_SCREENSHOT"].replace(".png", "-rtl.png"))
        finally:
            rt.app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)

        # The detections query fails (the backend cannot read its table): a message, the lanes unchanged.
        sql(data_dir, "ALTER TABLE detections RENAME TO detections_away")
        try:
            vm.timeline.refresh()
            await wait_until(
                lambda: all(r.detections_error for r in rows) and not vm.timeline.loading, 30, "the errors"
            )
            assert timeline.detection_text(0) == rows[0].detections_error != ""
            assert timeline.detection_labels(0) == [] and timeline.drawn(0, "recorded") == recorded
            assert surface0.box_rects() == []
            QTest.keyClick(panel, Qt.Key.Key_N)
            assert notices[-1] == rows[0].detections_error
        finally:
            sql(data_dir, "ALTER TABLE detections_away RENAME TO detections")
        vm.timeline.refresh()
        await wait_until(lambda: timeline.detection_labels(0) == ["person", "car"], 30, "the detections again")
        assert timeline.detection_text(0) == ""
        await wait_until(lambda: not any(r.loading or r.detections_loading for r in rows), 30, "every answer")
        window.close()

    rt.run(scenario())


def test_without_a_backend_there_are_no_detection_rows(simulator, make_runtime, qtbot):
    rt = make_runtime()  # XProtect alone: it does not run our detectors
    window = window_for(rt, qtbot)
    vm, panel = rt.vm.playback, window.playback_panel
    notices: list[str] = []
    vm.sigNotice.connect(notices.append)

    async def scenario() -> None:
        assert await rt.vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        assert rt.vm.view_recordings([camera_id(3)])
        row0 = vm.timeline.rows[0]
        await wait_until(lambda: row0.lanes is not None and not row0.detections_loading, 30, "the lanes")
        assert row0.detections is None and row0.detections_error == ""
        assert panel.timeline.detection_labels(0) == [] and panel.timeline.detection_text(0) == ""
        assert panel.timeline.row_height(0) == 1.0 and panel.timeline.drawn(0, "recorded")
        assert [c for _y, _t, c in panel.timeline.names_axis.entries] == [None]  # the camera's name alone
        assert not panel.player.transport.classes_button.isVisible()
        QTest.keyClick(panel, Qt.Key.Key_N)
        assert notices == ["No detections for these cameras: they need the backend."]
        assert panel.player.surfaces[0].box_rects() == []
        window.close()

    rt.run(scenario())
