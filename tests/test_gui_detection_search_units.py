"""The detections search panel's pure parts: filter checks and windows, matching a live event, the result list's
order, the thumbnail loader's concurrency, queue and bounded cache, texts, and a search without a backend."""

from __future__ import annotations

import asyncio
import io
from types import SimpleNamespace

import pytest
from PIL import Image
from PySide6.QtCore import QLocale, Qt

from app.backend_link.connection import BackendConnection
from app.tasks import Notifier, TaskRunner
from app.viewmodels.detection_filters import (
    RANGE_CUSTOM,
    RANGE_HOUR,
    RANGE_WEEK,
    SearchFilters,
    detection_from_event,
    filter_problem,
    matches,
    min_score,
    resolve_window,
)
from app.viewmodels.detection_results import DetectionResultsModel, ThumbnailRole, score_text
from app.viewmodels.detection_search import DetectionSearchViewModel
from app.viewmodels.detection_thumbnails import FAILED, IDLE, LOADING, READY, ThumbnailLoader
from app.viewmodels.detections import Detection
from app.viewmodels.playback_sources import PlaybackError
from app.viewmodels.playback_time import DAY_US, HOUR_US, US

pytestmark = pytest.mark.gui

NOW = 1_790_000_000 * US
CAM = "0b8f6f2e-0000-4000-8000-000000000001"


def det(i: int, at_us: int, label: str = "person", score: float = 0.9, camera: str = CAM) -> Detection:
    return Detection(i, camera, at_us, label, score, "yolo", (0.1, 0.2, 0.3, 0.4), 640, 360)


def jpeg(width: int = 64, height: int = 36, grey: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (grey, grey, grey)).save(buf, format="JPEG")
    return buf.getvalue()


def test_filters_are_checked_and_resolved_to_the_searched_window():
    assert filter_problem(SearchFilters()) == ""
    assert resolve_window(SearchFilters(), NOW) == (NOW - DAY_US, None)
    assert resolve_window(SearchFilters(range=RANGE_HOUR), NOW) == (NOW - HOUR_US, None)
    assert resolve_window(SearchFilters(range=RANGE_WEEK), NOW) == (NOW - 7 * DAY_US, None)
    custom = SearchFilters(range=RANGE_CUSTOM, start_us=NOW - 5 * US, end_us=NOW)
    assert filter_problem(custom) == "" and resolve_window(custom, NOW + DAY_US) == (NOW - 5 * US, NOW)
    backwards = SearchFilters(range=RANGE_CUSTOM, start_us=NOW, end_us=NOW)
    assert filter_problem(backwards) == "The end of the range must be after its start."
    assert filter_problem(SearchFilters(range=RANGE_CUSTOM)) == "Choose the start and the end of the range."
    assert filter_problem(SearchFilters(range="month")) == "Choose a time range."
    assert filter_problem(SearchFilters(min_score_pct=101)) != ""
    assert filter_problem(SearchFilters(label="x" * 65)) == "A class name has at most 64 characters."
    assert min_score(SearchFilters()) is None and min_score(SearchFilters(min_score_pct=70)) == 0.7


def test_matching_follows_the_backend_filters():
    window = (NOW - HOUR_US, None)
    flt = SearchFilters(camera_id=CAM.upper(), label="car", min_score_pct=50)
    assert matches(flt, window, det(1, NOW, "car", 0.5))  # score >= minScore, camera ids case-insensitive
    assert not matches(flt, window, det(1, NOW, "car", 0.49))
    assert not matches(flt, window, det(1, NOW, "person", 0.9))
    assert not matches(flt, window, det(1, NOW, "car", 0.9, camera="other"))
    assert not matches(flt, window, det(1, NOW - HOUR_US - 1, "car", 0.9))
    assert matches(SearchFilters(), window, det(1, NOW + DAY_US))  # a relative range stays open: live events
    closed = (NOW - HOUR_US, NOW)
    assert matches(SearchFilters(), closed, det(1, NOW - 1)) and not matches(SearchFilters(), closed, det(1, NOW))


def test_a_detection_event_becomes_a_detection():
    data = {
        "id": 42,
        "label": "person",
        "score": 0.87,
        "time": "2026-09-21T10:00:00.250000Z",
        "detector": "yolo",
        "box": {"x1": 0.1, "y1": 0.2, "x2": 0.5, "y2": 0.9},
    }
    event = SimpleNamespace(type="detection", camera_id="backend-cam", data=data)
    d = detection_from_event(event, CAM)
    assert d is not None and (d.id, d.camera_id, d.label, d.score, d.box) == (
        42,
        CAM,
        "person",
        0.87,
        (0.1, 0.2, 0.5, 0.9),
    )
    assert d.at_us == 1_789_984_800_250_000
    assert detection_from_event(SimpleNamespace(type="detection", data={"id": 1}), CAM) is None
    assert detection_from_event(SimpleNamespace(type="detection", data={**data, "time": "soon"}), CAM) is None


def test_results_stay_newest_first_and_live_rows_go_where_they_belong(qapp):
    loader = ThumbnailLoader(_never, TaskRunner(Notifier()))
    model = DetectionResultsModel(loader, lambda camera_id: "Gate")
    assert model.append([det(9, NOW), det(7, NOW - US), det(8, NOW - US), det(9, NOW)]) == 3  # a repeat is skipped
    assert [d.id for d in model.items] == [9, 7, 8]
    assert model.insert_sorted(det(10, NOW + US), complete=False) == 0  # newest: at the top
    assert model.insert_sorted(det(11, NOW - US), complete=False) == 2  # same time, higher id: before 7
    assert model.insert_sorted(det(12, NOW - 9 * US), complete=False) is None  # older than the page: Load more
    assert model.insert_sorted(det(12, NOW - 9 * US), complete=True) == 5
    assert model.insert_sorted(det(9, NOW), complete=True) is None  # listed already
    assert [d.id for d in model.items] == [10, 9, 11, 7, 8, 12]
    assert model.row_of(7) == 3 and model.detection(99) is None
    index = model.index(0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "person" and index.data(ThumbnailRole) is None
    assert "Gate" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_score_text_uses_the_locale_and_keeps_its_direction(qapp):
    try:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert score_text(0.874) == "\u206887\u00a0%\u2069"
        QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.Egypt))
        text = score_text(0.5)
        assert text.startswith("\u2068") and text.endswith("\u2069") and "٥٠" in text
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


async def _never(detection_id: int) -> bytes:
    await asyncio.Event().wait()
    return b""


class Fetches:
    """A thumbnail source whose answers the test releases one by one (the loader's scheduling is under test)."""

    def __init__(self) -> None:
        self.pending: dict[int, asyncio.Future[bytes]] = {}
        self.peak = 0

    async def fetch(self, detection_id: int) -> bytes:
        future = asyncio.get_running_loop().create_future()
        self.pending[detection_id] = future
        self.peak = max(self.peak, len(self.pending))
        try:
            return await future
        finally:
            del self.pending[detection_id]

    def answer(self, detection_id: int, value: bytes | Exception) -> None:
        future = self.pending[detection_id]
        if isinstance(value, Exception):
            future.set_exception(value)
        else:
            future.set_result(value)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0.005)


async def test_thumbnails_load_a_few_at_a_time_for_the_cards_on_screen_and_are_cached(qapp):
    fetches = Fetches()
    runner = TaskRunner(Notifier())
    loader = ThumbnailLoader(fetches.fetch, runner, cache_size=4, concurrency=2)
    changed: list[int] = []
    loader.sigChanged.connect(changed.append)
    loader.want([1, 2, 3, 4, 5])
    await settle()
    assert sorted(fetches.pending) == [1, 2] and [loader.state(i) for i in (1, 3, 9)] == [LOADING, LOADING, IDLE]
    loader.want([4, 5])  # scrolled: 3 is no longer wanted; 1 and 2 are already asked for and complete
    assert loader.state(3) == IDLE and loader.state(4) == LOADING
    fetches.answer(1, jpeg(64, 36))
    fetches.answer(2, PlaybackError("The recording this detection was found in is no longer available."))
    await settle()
    image = loader.image(1)
    assert loader.state(1) == READY and image is not None and (image.width(), image.height()) == (64, 36)
    assert loader.state(2) == FAILED and loader.failure(2).startswith("The recording")
    assert sorted(fetches.pending) == [4, 5] and fetches.peak == 2
    fetches.answer(4, b"not a jpeg")
    fetches.answer(5, jpeg())
    await settle()
    assert loader.state(4) == FAILED and loader.failure(4) == "The backend sent a picture that cannot be read."
    loader.want([6, 7, 8, 1])  # 1 is cached: it is touched, not fetched again
    await settle()
    for i in (6, 7):
        fetches.answer(i, jpeg())
    await settle()
    fetches.answer(8, jpeg())
    await settle()
    assert loader.requested == [1, 2, 4, 5, 6, 7, 8]
    # The cache keeps 4 pictures: 5 was the least recently wanted and went; 1 (on screen again) stayed.
    assert loader.cached == 4 and loader.state(5) == IDLE and loader.state(1) == READY
    assert 5 in changed  # its card is told to show the placeholder again
    loader.retry_failed()
    assert loader.state(2) == IDLE and loader.state(4) == IDLE
    await runner.cancel_all()


async def test_without_a_backend_the_search_says_so(qapp):
    runner = TaskRunner(Notifier())
    vm = DetectionSearchViewModel(BackendConnection(), runner)
    assert not vm.available
    assert not await vm.search_async(SearchFilters(label="car"))
    assert vm.error == "Detections need the backend, which is not connected."
    assert not vm.searched and vm.count == 0 and vm.summary_text() == ""
    assert not await vm.search_async(SearchFilters(range=RANGE_CUSTOM, start_us=NOW, end_us=NOW - 1))
    assert vm.error == "The end of the range must be after its start."
    vm.set_cameras([("b", "Zulu gate"), ("a", "alpha yard")])
    assert vm.cameras == [("a", "alpha yard"), ("b", "Zulu gate")]
    assert vm.camera_name("A") == "alpha yard" and vm.camera_name("zz") == "Unknown camera"
