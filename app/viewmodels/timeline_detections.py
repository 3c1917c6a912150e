"""The detections lane of the timeline and the player's detection commands, as pure data and functions.

``RowDetections`` is what one camera row of the timeline shows under its recorded bands: one sub-row per class
present in the range (``CameraDetections.labels()`` order: most frequent first), each with the spans of that
class (``CameraDetections.spans``), and a bisect lookup of the span under the mouse. ``nearest_next`` /
``nearest_previous`` pick the next / previous detection of the chosen classes among several cameras (the one
nearest in time); ``landing_anchor`` keeps a repeated "next" from landing on the same detection again;
``box_rect`` maps a normalised box into the painted picture. Times are integer µs UTC.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .detections import CameraDetections, Detection, LabelSpan

BOX_TOLERANCE_US = 600_000  # boxes of a sampled frame are shown this far from it (about half the 1 s interval)
LANDING_TOLERANCE_US = 1_000_000  # a paused picture up to this much before a detection counts as landed on it


@dataclass(frozen=True)
class RowDetections:
    """One camera row's detections lane: ``detections`` over the row's range, ``labels`` the sub-rows top to
    bottom, ``spans[label]`` oldest first. Build with ``RowDetections.of``."""

    detections: CameraDetections
    labels: tuple[str, ...]
    spans: dict[str, tuple[LabelSpan, ...]]
    counts: dict[str, int]
    _starts: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, detections: CameraDetections) -> RowDetections:
        labels = tuple(detections.labels())
        spans = {label: tuple(detections.spans(label)) for label in labels}
        counts = {label: sum(s.count for s in spans[label]) for label in labels}
        starts = {label: [s.start_us for s in spans[label]] for label in labels}
        return cls(detections, labels, spans, counts, starts)

    def span_at(self, label: str, time_us: int, tolerance_us: int = 0) -> LabelSpan | None:
        """The span of ``label`` covering ``time_us`` (``[start_us, end_us)``), else the nearest one at most
        ``tolerance_us`` away (a span a pixel wide is hard to hit with the mouse), or None."""
        starts = self._starts.get(label)
        if not starts:
            return None
        spans = self.spans[label]
        i = bisect.bisect_right(starts, time_us) - 1
        best: LabelSpan | None = None
        best_distance = tolerance_us + 1
        for j in (i, i + 1):
            if 0 <= j < len(spans):
                span = spans[j]
                distance = max(span.start_us - time_us, time_us - span.end_us + 1, 0)
                if distance < best_distance:
                    best, best_distance = span, distance
        return best


def present_labels(rows: Iterable[RowDetections]) -> list[str]:
    """The classes present over several camera rows, most detections first (ties by name)."""
    totals: dict[str, int] = {}
    for row in rows:
        for label, count in row.counts.items():
            totals[label] = totals.get(label, 0) + count
    return sorted(totals, key=lambda label: (-totals[label], label))


def nearest_next(
    cameras: Iterable[CameraDetections], time_us: int, labels: Collection[str] | None = None
) -> Detection | None:
    """The earliest detection later than ``time_us`` of ``labels`` (None: any class) over every camera; on a
    tie the first camera given wins."""
    best: Detection | None = None
    for detections in cameras:
        found = detections.next_after(time_us, labels)
        if found is not None and (best is None or found.at_us < best.at_us):
            best = found
    return best


def nearest_previous(
    cameras: Iterable[CameraDetections], time_us: int, labels: Collection[str] | None = None
) -> Detection | None:
    """The latest detection earlier than ``time_us`` of ``labels`` (None: any class) over every camera; on a
    tie the first camera given wins."""
    best: Detection | None = None
    for detections in cameras:
        found = detections.previous_before(time_us, labels)
        if found is not None and (best is None or found.at_us > best.at_us):
            best = found
    return best


def landing_anchor(position_us: int, landed_us: int | None, tolerance_us: int = LANDING_TOLERANCE_US) -> int:
    """Where "next / previous detection" counts from: the detection last landed on (``landed_us``) while the
    picture shown is that detection's frame, i.e. at most ``tolerance_us`` before it (a paused seek shows the
    frame at or before a time; a recording's frames need not fall on the detection's exact µs); else the
    position itself."""
    if landed_us is not None and landed_us - tolerance_us <= position_us <= landed_us:
        return landed_us
    return position_us


def box_rect(
    box: tuple[float, float, float, float], left: float, top: float, width: float, height: float
) -> tuple[float, float, float, float]:
    """A normalised box ``(x1, y1, x2, y2)`` (0..1 of the frame, x right, y down; clamped into 0..1) as
    ``(x, y, w, h)`` in the coordinates of the painted picture ``(left, top, width, height)``."""
    x1, y1, x2, y2 = (min(1.0, max(0.0, v)) for v in box)
    x1, x2 = min(x1, x2), max(x1, x2)
    y1, y2 = min(y1, y2), max(y1, y2)
    return (left + x1 * width, top + y1 * height, (x2 - x1) * width, (y2 - y1) * height)


def score_text(score: float) -> str:
    """A score 0..1 as a whole percentage with ASCII digits ("87 %"): boxes and tooltips read left to right."""
    return f"{round(max(0.0, min(1.0, score)) * 100)} %"
