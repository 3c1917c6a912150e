"""The detections search's filters as plain values, and the checks and matching the panel's view-model uses.

``SearchFilters`` is what the operator chose; ``resolve_window`` turns its time range into the ``[start, end)``
searched (µs UTC; a relative range is open-ended so that live detections still match); ``matches`` decides as
the backend's ``GET /api/v1/detections`` filters do (camera, exact class, ``score >= minScore``,
``start <= time < end``); ``detection_from_event`` reads a backend ``detection`` event (``backend.api.schemas``
``EventOut``: ``data`` = id, label, score, time ISO UTC, detector, box; /work/notes/issue6-contracts.md "Events").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .detections import Detection
from .playback_texts import translate
from .playback_time import DAY_US, HOUR_US, to_us

log = logging.getLogger(__name__)

MAX_LABEL_LENGTH = 64  # the backend's label column
RANGE_HOUR, RANGE_DAY, RANGE_WEEK, RANGE_CUSTOM = "hour", "day", "week", "custom"
RELATIVE_US = {RANGE_HOUR: HOUR_US, RANGE_DAY: DAY_US, RANGE_WEEK: 7 * DAY_US}


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What to search for. ``camera_id``: a GUI (XProtect) camera id, None = every camera; ``label``: a class
    name, "" = any; ``range``: ``hour`` | ``day`` | ``week`` (up to now) or ``custom`` (``start_us`` ..
    ``end_us``, µs UTC, end exclusive); ``min_score_pct``: 0..100 (0 = any score)."""

    camera_id: str | None = None
    label: str = ""
    range: str = RANGE_DAY
    start_us: int | None = None
    end_us: int | None = None
    min_score_pct: int = 0


def range_names() -> list[tuple[str, str]]:
    """(range, translated name) for the range selector, in its order."""
    return [
        (RANGE_HOUR, translate("DetectionSearch", "Last hour")),
        (RANGE_DAY, translate("DetectionSearch", "Last 24 hours")),
        (RANGE_WEEK, translate("DetectionSearch", "Last 7 days")),
        (RANGE_CUSTOM, translate("DetectionSearch", "Custom range")),
    ]


def filter_problem(filters: SearchFilters) -> str:
    """Why ``filters`` cannot be searched (translated), "" when they can."""
    if filters.range not in (*RELATIVE_US, RANGE_CUSTOM):
        return translate("DetectionSearch", "Choose a time range.")
    if filters.range == RANGE_CUSTOM:
        if filters.start_us is None or filters.end_us is None:
            return translate("DetectionSearch", "Choose the start and the end of the range.")
        if filters.end_us <= filters.start_us:
            return translate("DetectionSearch", "The end of the range must be after its start.")
    if not 0 <= filters.min_score_pct <= 100:
        return translate("DetectionSearch", "The minimum score is a percentage from 0 to 100.")
    if len(filters.label.strip()) > MAX_LABEL_LENGTH:
        return translate("DetectionSearch", "A class name has at most {0} characters.").format(MAX_LABEL_LENGTH)
    return ""


def resolve_window(filters: SearchFilters, now_us: int) -> tuple[int, int | None]:
    """The searched ``[start_us, end_us)``: a relative range ends open (None: up to now and what comes later),
    a custom one is the operator's. Call with valid filters (``filter_problem`` "")."""
    if filters.range == RANGE_CUSTOM:
        assert filters.start_us is not None and filters.end_us is not None
        return filters.start_us, filters.end_us
    return now_us - RELATIVE_US[filters.range], None


def min_score(filters: SearchFilters) -> float | None:
    """The backend's ``minScore`` (0..1) for the filters; None for 0 % (any)."""
    return filters.min_score_pct / 100 if filters.min_score_pct > 0 else None


def matches(filters: SearchFilters, window: tuple[int, int | None], detection: Detection) -> bool:
    """True when ``detection`` is one the search with ``filters`` over ``window`` lists (as the backend filters:
    camera, exact class, ``score >= minScore``, ``start <= time < end``)."""
    start, end = window
    if filters.camera_id is not None and detection.camera_id.lower() != filters.camera_id.lower():
        return False
    label = filters.label.strip()
    if label and detection.label != label:
        return False
    threshold = min_score(filters)
    if threshold is not None and detection.score < threshold:
        return False
    return start <= detection.at_us and (end is None or detection.at_us < end)


def detection_from_event(event: Any, camera_id: str) -> Detection | None:
    """The ``Detection`` a backend ``detection`` event announces (``camera_id``: the GUI's id), None when the
    event is not a well-formed one."""
    data = event.data if isinstance(event.data, dict) else {}
    try:
        box = data.get("box") or {}
        return Detection(
            id=int(data["id"]),
            camera_id=camera_id,
            at_us=to_us(datetime.fromisoformat(str(data["time"]))),
            label=str(data["label"]),
            score=float(data["score"]),
            detector=str(data.get("detector", "")),
            box=(float(box["x1"]), float(box["y1"]), float(box["x2"]), float(box["y2"])),
        )
    except (KeyError, TypeError, ValueError):
        log.info("ignoring a detection event the GUI does not understand")
        return None
