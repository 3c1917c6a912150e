"""The timeline against the real simulator and the real bundled backend (a child process the app starts).

What the widget drew (``TimelineWidget.drawn``) is compared with the backend's own JSON answer to the same
query, read over a separate HTTP connection; hover tooltips must name the gap's reason in the operator's
language; zooming with the wheel must change the axis labels' format; the range picker re-queries and refuses
bad ranges. Without a backend, the timeline draws what XProtect's SequencesGet says (the fallback).
"""

from __future__ import annotations

import asyncio
import io
import math
import time
from datetime import datetime

import httpx
import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.backend_link.connection import BackendState
from app.backend_link.options import BackendOptions
from app.backend_link.process import read_token_file
from app.viewmodels.playback_lanes import lanes_from_query
from app.viewmodels.playback_sources import RecordingsService
from app.viewmodels.playback_texts import gap_reason_text
from app.viewmodels.playback_time import DAY_US, HOUR_US, MINUTE_US, US, from_us, to_us
from app.viewmodels.timeline import TimelineViewModel
from backend.api.schemas_playback import GAP_REASONS, RecordingQueryResult
from media.stamp import read_stamp
from milestone.models import MOTION_SEQUENCE, RECORDING_SEQUENCE
from simulator.inventory import camera_id, camera_name
from tests import test_gui_support as support
from tests.test_gui_support import move_mouse, wait_until
from widgets.theme import apply_theme
from widgets.timeline import TimelineWidget
from widgets.timeline_axis import DAY_FORMAT, MINUTES_FORMAT, SECONDS_FORMAT
from widgets.timeline_lanes import colour_of

pytestmark = pytest.mark.gui
WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring


@pytest.fixture
def with_backend(make_runtime, tmp_path):
    """(runtime, backend data dir): the app with a bundled backend (not logged in yet)."""
    data_dir = tmp_path / "backend"
    rt = make_runtime(backend=BackendOptions.bundled(data_dir, {}, health_interval_s=1.0))
    return rt, data_dir


async def log_in_with_backend(rt, sim, cameras: int = 2) -> None:
    """Log in to ``sim`` and wait until the bundled backend runs and imported the cameras."""
    assert await rt.vm.login.login_async(sim.management_url, "admin", sim.password, None), rt.vm.login.last_error
    backend = rt.vm.backend
    await wait_until(
        lambda: backend.state == BackendState.CONNECTED and backend.imported_count >= cameras,
        60,
        "the bundled backend to start and import the cameras",
        describe=lambda: (backend.state, backend.failure, backend.imported_count),
    )


async def backend_query(rt, data_dir, camera: str, start_us: int, end_us: int) -> dict:
    """The backend's raw JSON answer to the recordings query (a separate HTTP client: not the GUI's code)."""
    token = read_token_file(data_dir / "api-token")
    body = {"startTime": _iso(start_us), "endTime": _iso(end_us)}
    async with httpx.AsyncClient(base_url=rt.vm.backend.url, timeout=20) as client:
        response = await client.post(
            f"/api/v1/cameras/{camera}/recordings/query", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    return response.json()


def _iso(us: int) -> str:
    return datetime.fromtimestamp(us / US).astimezone().isoformat(timespec="microseconds")


def _us(text: str) -> int:
    return to_us(datetime.fromisoformat(text.replace("Z", "+00:00")))


def make_timeline(rt, qtbot, zone=None) -> tuple[TimelineViewModel, TimelineWidget]:
    """A timeline bound to the app's own recordings service (backend, else XProtect), shown at 1400 px."""
    apply_theme(QApplication.instance())
    vm = TimelineViewModel(RecordingsService(rt.vm.backend, rt.vm.login).lanes, rt.vm.runner, parent=rt.vm)
    widget = TimelineWidget(vm, zone=zone)
    qtbot.addWidget(widget)
    widget.resize(1400, 200)
    widget.show()
    return vm, widget


def labels(widget: TimelineWidget) -> tuple[str, list[str]]:
    """(label format, label texts) of the time axis as painted now."""
    widget.grab()  # the axis lays its ticks out when it paints
    plain = [t.strip("\u2066\u2069").replace("\u200e", "") for t in widget.axis.last_labels]  # no bidi marks
    return widget.axis.current_format, plain


def wheel(widget: TimelineWidget, time_us: int, steps: int) -> None:
    """``steps`` wheel notches over ``time_us`` (positive zooms in, as a mouse wheel pushed away)."""
    point = widget.widget_point(time_us)
    viewport = widget.plot.viewport()
    for _ in range(abs(steps)):
        event = QWheelEvent(
            point,
            QPointF(viewport.mapToGlobal(point.toPoint())),
            QPoint(0, 0),
            QPoint(0, 120 if steps > 0 else -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)


def test_the_timeline_draws_exactly_what_the_backend_returned_with_gap_reasons(simulator, with_backend, qtbot):
    rt, data_dir = with_backend
    vm, widget = make_timeline(rt, qtbot)

    async def scenario() -> None:
        await log_in_with_backend(rt, simulator)
        cameras = [(camera_id(i), camera_name(i)) for i in (0, 1)]
        now = vm.now_us()
        start, end = now - 6 * HOUR_US, now - MINUTE_US
        assert vm.set_range(start, end)
        vm.set_cameras(cameras)
        await wait_until(lambda: all(r.lanes is not None for r in vm.rows), 30, "both rows' lanes")
        for row, (camera, _name) in enumerate(cameras):
            answer = await backend_query(rt, data_dir, camera, start, end)
            sequences = [(_us(s["startTime"]), _us(s["endTime"]), s["source"]) for s in answer["sequences"]]
            gaps = [(_us(g["startTime"]), _us(g["endTime"]), g["reason"] or "unknown") for g in answer["gaps"]]
            motion = [(_us(m["startTime"]), _us(m["endTime"]), "motion") for m in answer["motion"]]
            assert sequences and gaps, "the simulator's last six hours hold recordings and gaps"
            assert widget.drawn(row, "recorded") == sequences
            assert widget.drawn(row, "gaps") == gaps
            assert widget.drawn(row, "motion") == motion
            assert len(widget.lane_item(row, "recorded").rects()) == len(sequences)
            # Hovering a gap names its reason (the backend's English text, or ours when it gave none).
            for raw in answer["gaps"][:3]:
                middle = (_us(raw["startTime"]) + _us(raw["endTime"])) // 2
                text = widget.tooltip_at(widget.x_of(middle), row + 0.3)
                assert (raw["message"] or gap_reason_text(raw["reason"])) in text
                assert "No recording" in text and camera_name(row) in text
            first = sequences[0]
            text = widget.tooltip_at(widget.x_of((first[0] + first[1]) // 2), row + 0.3)
            assert "Recorded: recorded in XProtect" in text
        # Outside every row: only the time.
        assert widget.tooltip_at(widget.x_of(start + HOUR_US), -0.5).count("\n") == 0

        # The client's other two playback calls: hourly buckets, and a snapshot JPEG of a recorded instant.
        client = rt.vm.backend.client
        buckets = await client.timeline(camera_id(0), from_us(start), from_us(end), "hour")
        assert buckets.resolution == "hour" and 6 <= len(buckets.timeline) <= 7
        inside = [b for b in buckets.timeline if start <= to_us(b.timestamp) and to_us(b.timestamp) + HOUR_US <= end]
        assert len(inside) >= 4
        for bucket in inside:  # each whole hour: the recorded seconds the timeline drew in it
            low, high = to_us(bucket.timestamp), to_us(bucket.timestamp) + HOUR_US
            drawn = sum(max(0, min(b, high) - max(a, low)) for a, b, _k in widget.drawn(0, "recorded")) / US
            assert abs(bucket.recorded_seconds - drawn) < 0.01
        block = widget.drawn(0, "recorded")[0]
        instant = (block[0] + block[1]) // 2
        jpeg, picture_time = await client.snapshot(camera_id(0), from_us(instant))
        stamp = read_stamp(np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")))
        assert stamp is not None and stamp.camera_index == 0
        assert stamp.timestamp_ms * 1000 == to_us(picture_time) and instant - US < to_us(picture_time) <= instant

        # In Arabic the reasons come from the backend's Arabic text.
        QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.UnitedArabEmirates))
        try:
            vm.refresh()
            await wait_until(lambda: not vm.loading, 30, "the lanes in Arabic")
            answer = await backend_query(rt, data_dir, camera_id(0), start, end)
            raw = answer["gaps"][0]
            middle = (_us(raw["startTime"]) + _us(raw["endTime"])) // 2
            expected = raw["message_ar"] or raw["message"] or gap_reason_text(raw["reason"])
            assert expected in widget.tooltip_at(widget.x_of(middle), 0.3)
        finally:
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))

    rt.run(scenario())


def test_wheel_zoom_changes_the_labels_and_the_range_picker_requeries(simulator, with_backend, qtbot):
    rt, _data_dir = with_backend
    vm, widget = make_timeline(rt, qtbot)

    async def scenario() -> None:
        await log_in_with_backend(rt, simulator, cameras=1)
        now = vm.now_us()
        assert vm.set_range(now - 7 * DAY_US, now)
        vm.set_cameras([(camera_id(2), camera_name(2))])
        await wait_until(lambda: vm.rows[0].lanes is not None, 30, "the week's lanes")
        week_format, week_labels = labels(widget)
        days = [text for text in week_labels if text.split()[0] in WEEKDAYS]  # "Tue 12 May" at each midnight
        assert week_format in (MINUTES_FORMAT, DAY_FORMAT) and len(days) >= 6, week_labels

        centre = now - 3 * DAY_US
        wheel(widget, centre, 10)
        await wait_until(lambda: vm.visible_us[1] - vm.visible_us[0] < DAY_US, 5, "a zoom below a day")
        fmt, texts = labels(widget)
        assert fmt == MINUTES_FORMAT and all(len(t) == 5 or t.split()[0] in WEEKDAYS for t in texts), texts
        assert vm.visible_us[0] <= centre <= vm.visible_us[1]
        wheel(widget, centre, 25)
        await wait_until(lambda: vm.visible_us[1] - vm.visible_us[0] < 10 * MINUTE_US, 5, "a zoom below 10 min")
        fmt, texts = labels(widget)
        assert fmt == SECONDS_FORMAT and texts and all(t.count(":") == 2 for t in texts if t.split()[0] not in WEEKDAYS)
        wheel(widget, centre, -80)  # zooming out stops at the queried range
        await wait_until(lambda: vm.visible_us[1] - vm.visible_us[0] >= 7 * DAY_US, 5, "the whole week again")
        assert labels(widget)[0] == week_format
        low, high = vm.visible_us
        assert vm.range_us[0] <= low and high <= vm.range_us[1]

        # A bad range is refused with a reason; a good one is queried and drawn.
        assert not vm.set_range(now, now - HOUR_US)
        assert vm.error_text == "The end of the range must be after its start."
        assert not vm.set_range(now - 9 * DAY_US, now)
        assert "at most 7 days" in vm.error_text
        assert vm.set_range(now - 2 * HOUR_US, now - HOUR_US)
        assert vm.error_text == ""
        await wait_until(lambda: not vm.loading, 30, "the new range's lanes")
        drawn = widget.drawn(0, "recorded") + widget.drawn(0, "gaps")
        assert min(b[0] for b in drawn) >= now - 2 * HOUR_US and max(b[1] for b in drawn) <= now - HOUR_US
        assert sum(b[1] - b[0] for b in drawn) == HOUR_US  # recordings and gaps partition the range
        assert labels(widget)[0] == MINUTES_FORMAT

        # Following now: the range slides with the clock.
        assert vm.show_last(HOUR_US) and vm.follow_now
        await wait_until(lambda: vm.range_us[1] > vm.now_us(), 5, "the range to reach now")
        assert abs(widget.now_line.value() - widget.x_of(vm.now_us())) < 2.0
        vm.set_follow_now(False)

    rt.run(scenario())


def test_without_a_backend_the_timeline_draws_xprotects_sequences(simulator, make_runtime, qtbot):
    rt = make_runtime()  # no backend configured
    vm, widget = make_timeline(rt, qtbot)

    async def scenario() -> None:
        assert await rt.vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
        now = vm.now_us()
        start, end = now - 4 * HOUR_US, now - MINUTE_US
        assert vm.set_range(start, end)
        vm.set_cameras([(camera_id(3), camera_name(3))])
        await wait_until(lambda: vm.rows[0].lanes is not None or vm.rows[0].error, 30, "XProtect's sequences")
        lanes = vm.rows[0].lanes
        assert lanes is not None and lanes.origin == "milestone", vm.rows[0].error
        camera = rt.vm.login.inventory.camera(camera_id(3))
        recorder = rt.vm.login.session.recorder(camera.recording_server)
        recorded = await recorder.sequences_get(camera.id, RECORDING_SEQUENCE, start // 1000, end // 1000)
        motion = await recorder.sequences_get(camera.id, MOTION_SEQUENCE, start // 1000, end // 1000)
        expected = [(max(s.begin_ms * 1000, start), min(s.end_ms * 1000, end), "milestone") for s in recorded]
        assert widget.drawn(0, "recorded") == expected
        assert widget.drawn(0, "motion") == [
            (max(s.begin_ms * 1000, start), min(s.end_ms * 1000, end), "motion") for s in motion
        ]
        gaps = widget.drawn(0, "gaps")
        assert gaps and all(key == "unknown" for _a, _b, key in gaps)
        assert sum(b - a for a, b, _k in gaps + widget.drawn(0, "recorded")) == end - start
        middle = (gaps[0][0] + gaps[0][1]) // 2
        assert "Nothing was recorded." in widget.tooltip_at(widget.x_of(middle), 0.3)
        assert math.isclose(lanes.coverage, sum(b - a for a, b, _k in expected) / (end - start))

    rt.run(scenario())


def _query_result(start_us: int) -> RecordingQueryResult:
    """A recordings query answer as the backend's wire contract parses it: a gap of every reason."""

    def iso(offset_s: int) -> str:
        return _iso(start_us + offset_s * US)

    gaps = [
        {
            "startTime": iso(60),
            "endTime": iso(120),
            "durationSeconds": 60,
            "reason": "camera_offline",
            "message": "The camera was offline.",
            "message_ar": "كانت الكاميرا غير متصلة.",
        },
        {"startTime": iso(180), "endTime": iso(240), "durationSeconds": 60, "reason": "recorder_down"},
        {"startTime": iso(300), "endTime": iso(360), "durationSeconds": 60, "reason": "quota_denied"},
        {"startTime": iso(420), "endTime": iso(480), "durationSeconds": 60, "reason": "upload_failed"},
        {"startTime": iso(540), "endTime": iso(600), "durationSeconds": 60, "reason": None},
    ]
    sequences = [
        {
            "sequenceId": f"seq_{i}",
            "startTime": iso(a),
            "endTime": iso(a + 60),
            "durationSeconds": 60,
            "available": True,
            "sizeBytes": None,
            "source": source,
        }
        for i, (a, source) in enumerate(
            ((0, "milestone"), (120, "local"), (240, "both"), (360, "milestone"), (480, "milestone"))
        )
    ]
    return RecordingQueryResult.model_validate(
        {
            "cameraId": camera_id(0),
            "queryRange": {"start": iso(0), "end": iso(600)},
            "sequences": sequences,
            "gaps": gaps,
            "motion": [{"startTime": iso(10), "endTime": iso(20)}],
            "sessions": [
                {
                    "recordingId": "r1",
                    "startTime": iso(130),
                    "endTime": None,
                    "status": "recording",
                    "storageMode": "LOCAL",
                }
            ],
            "totalRecordingSeconds": 300,
            "totalGapSeconds": 300,
            "coverage": 0.5,
            "sources": {"milestone": "ok", "local": "ok"},
        }
    )


def test_gaps_are_coloured_by_reason_and_their_tooltip_speaks_the_operators_language(make_runtime, qtbot):
    """The wire contract's answer (in-test data, parsed by the real schema) drawn lane by lane."""
    rt = make_runtime()
    now = int(time.time()) * US
    start = now - HOUR_US
    result = _query_result(start)

    async def fetch(_camera: str, _start: int, _end: int):
        return lanes_from_query(result)

    vm = TimelineViewModel(fetch, rt.vm.runner, parent=rt.vm)
    widget = TimelineWidget(vm)
    qtbot.addWidget(widget)
    widget.resize(1200, 160)
    widget.show()

    async def scenario() -> None:
        assert vm.set_range(start, start + 600 * US)
        vm.set_cameras([(camera_id(0), camera_name(0))])
        await wait_until(lambda: vm.rows[0].lanes is not None, 5, "the lanes")
        gaps = widget.drawn(0, "gaps")
        assert [key for _a, _b, key in gaps] == [*GAP_REASONS, "unknown"]
        assert [key for _a, _b, key in widget.drawn(0, "recorded")] == [
            "milestone",
            "local",
            "both",
            "milestone",
            "milestone",
        ]
        colours = {colour_of("gaps", key) for key in (*GAP_REASONS, "unknown")}
        assert len(colours) == 5  # one colour per reason
        assert widget.drawn(0, "sessions") == [(start + 130 * US, start + 600 * US, "running")]
        texts = [widget.tooltip_at(widget.x_of((a + b) // 2), 0.3) for a, b, _k in gaps]
        assert "The camera was offline." in texts[0]  # the backend's own English text
        assert "The recording server was down." in texts[1]  # ours, the backend gave none
        assert "stream quota was full" in texts[2] and "could not be uploaded" in texts[3]
        assert "Nothing was recorded." in texts[4]
        assert "Manual recording session" in widget.tooltip_at(widget.x_of(start + 150 * US), 0.3)
        # A real mouse move over the second gap shows the same text as a tooltip.
        middle = (gaps[1][0] + gaps[1][1]) // 2
        move_mouse(widget.plot.viewport(), widget.widget_point(middle).toPoint())
        await wait_until(lambda: "The recording server was down." in widget.last_tooltip, 5, "the hover tooltip")
        plain = widget.last_tooltip.replace("\u200e", "").replace("\u2066", "").replace("\u2069", "")
        assert datetime.fromtimestamp(middle / US).strftime("%Y-%m-%d ") in plain
        # Dragging the playhead seeks to where it is dropped.
        sought: list[int] = []
        vm.sigSeekRequested.connect(sought.append)
        vm.set_playhead(start + 100 * US)
        viewport = widget.plot.viewport()
        grab = widget.widget_point(start + 100 * US).toPoint()
        drop = widget.widget_point(start + 400 * US).toPoint()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grab)
        for step in range(1, 11):
            QTest.mouseMove(viewport, grab + (drop - grab) * step / 10)
            await asyncio.sleep(0.02)  # let Qt deliver each move (they are queued, and compressed)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, drop)
        assert sought and abs(sought[-1] - (start + 400 * US)) < 2 * US, sought
        assert vm.playhead_us == sought[-1] and vm.visible_us == (start, start + 600 * US)  # the view did not pan
        QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.UnitedArabEmirates))
        try:
            vm.refresh()
            await wait_until(lambda: not vm.loading, 5, "the lanes in Arabic")
            assert "كانت الكاميرا غير متصلة." in widget.tooltip_at(widget.x_of(start + 90 * US), 0.3)
        finally:
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))

    rt.run(scenario())


def test_a_tall_timeline_scrolls_instead_of_squeezing_the_player(make_runtime, qtbot):
    """Sixteen camera rows do not fit under the player: the timeline scrolls, at most 45 % of the panel tall;
    two rows fit and do not scroll."""
    from widgets.playback_panel import TIMELINE_SHARE, PlaybackPanel

    rt = make_runtime()
    panel = PlaybackPanel(rt.vm.playback)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    timeline = rt.vm.playback.timeline
    scroll = panel.timeline_scroll

    async def scenario() -> None:
        timeline.set_cameras([(camera_id(i), camera_name(i)) for i in range(16)])
        await wait_until(lambda: scroll.verticalScrollBar().maximum() > 0, 5, "a scrolling timeline")
        assert scroll.height() <= round(900 * TIMELINE_SHARE)
        assert panel.player.height() > 900 * 0.4, "the player keeps most of the panel"
        timeline.set_cameras([(camera_id(i), camera_name(i)) for i in range(2)])
        await wait_until(lambda: scroll.verticalScrollBar().maximum() == 0, 5, "a timeline that fits")
        assert scroll.height() == panel.timeline.minimumSizeHint().height() + 2
        await wait_until(lambda: not timeline.loading, 5, "the rows' answers")

    rt.run(scenario())
