"""What the backend's object detection found, as the GUI uses it: per camera over a range (the timeline's
detections lane, the player's boxes, next / previous detection) and as a search (the detections panel).

``Detection`` is one object found in one sampled frame: its time is the frame's wall time (integer µs UTC), its
box normalised to 0..1 of the frame (x right, y down). ``CameraDetections`` holds one camera's detections over
``[start_us, end_us)`` oldest first, with the lookups the timeline and player need. ``DetectionsService`` reads
them from the backend (``GET /api/v1/detections``, wire contract ``backend.api.schemas_detection``); the GUI's
camera ids are XProtect's, the backend's are mapped both ways by the ``BackendConnection``. Failures raise
``PlaybackError`` with the operator's text (translated). Without a backend there are no detections: XProtect
does not run our detectors.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..backend_link.client import TIMEOUT, UNREACHABLE, BackendError
from ..backend_link.connection import BackendConnection
from .playback_sources import PlaybackError
from .playback_texts import backend_error_text, translate
from .playback_time import from_us, to_us

PAGE = 1000  # the backend's largest page
RANGE_CAP = 20_000  # at most this many detections of one camera are read for one timeline range (newest kept)
SPAN_JOIN_US = 3_000_000  # detections of a label closer than this form one span on the timeline
SPAN_MIN_US = 1_000_000  # a lone detection is drawn as a span this long (about one sampling interval)


def detections_error_text(exc: BackendError) -> str:
    """The operator's message for a failed detections call (``backend_error_text``, except that a backend that
    does not answer is named for what the operator was doing)."""
    if exc.code in (UNREACHABLE, TIMEOUT) and not exc.answered:
        return translate("PlaybackTexts", "The backend does not answer; detections cannot be read now.")
    return backend_error_text(exc)


@dataclass(frozen=True, slots=True)
class Detection:
    """One object found in one sampled frame.

    ``camera_id``: the GUI's (XProtect) camera id; ``at_us``: the frame's wall time, µs UTC; ``label``: the class
    name (person, car, face…); ``score`` 0..1; ``detector`` ``yolo`` | ``face``; ``box`` ``(x1, y1, x2, y2)``
    normalised 0..1 of the frame; ``frame_width`` x ``frame_height`` pixels of the analysed frame.
    """

    id: int
    camera_id: str
    at_us: int
    label: str
    score: float
    detector: str
    box: tuple[float, float, float, float]
    frame_width: int = 0
    frame_height: int = 0


def detection_from_wire(item: Any, camera_id: str) -> Detection:
    """A ``Detection`` from a ``DetectionOut`` with the GUI's ``camera_id``."""
    return Detection(
        id=int(item.id),
        camera_id=camera_id,
        at_us=to_us(item.time),
        label=str(item.label),
        score=float(item.score),
        detector=str(item.detector),
        box=(float(item.box.x1), float(item.box.y1), float(item.box.x2), float(item.box.y2)),
        frame_width=int(item.frame_width),
        frame_height=int(item.frame_height),
    )


@dataclass(frozen=True, slots=True)
class LabelSpan:
    """Detections of ``label`` without a pause longer than ``SPAN_JOIN_US``: ``[start_us, end_us)``, how many,
    and the best score."""

    label: str
    start_us: int
    end_us: int
    count: int
    max_score: float


@dataclass(frozen=True)
class CameraDetections:
    """One camera's detections over ``[start_us, end_us)``, oldest first (by time, then id).

    ``truncated``: the range holds more than ``RANGE_CAP``; only the newest were read (from ``items[0].at_us``).
    """

    camera_id: str
    start_us: int
    end_us: int
    items: tuple[Detection, ...] = ()
    truncated: bool = False
    _times: list[int] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._times.extend(d.at_us for d in self.items)

    def labels(self) -> list[str]:
        """The labels present, most frequent first (ties by name): the timeline's rows, top to bottom."""
        counts: dict[str, int] = {}
        for d in self.items:
            counts[d.label] = counts.get(d.label, 0) + 1
        return sorted(counts, key=lambda label: (-counts[label], label))

    def spans(self, label: str, join_us: int = SPAN_JOIN_US) -> list[LabelSpan]:
        """The spans of ``label`` oldest first: consecutive detections less than ``join_us`` apart are one span;
        each span lasts at least ``SPAN_MIN_US`` (a single sampled frame stands for about a second)."""
        out: list[LabelSpan] = []
        start = end = count = 0
        best = 0.0
        for d in self.items:
            if d.label != label:
                continue
            if count and d.at_us - end <= join_us:
                end, count, best = d.at_us, count + 1, max(best, d.score)
                continue
            if count:
                out.append(LabelSpan(label, start, max(end, start + SPAN_MIN_US), count, best))
            start = end = d.at_us
            count, best = 1, d.score
        if count:
            out.append(LabelSpan(label, start, max(end, start + SPAN_MIN_US), count, best))
        return out

    def at(self, time_us: int, tolerance_us: int) -> list[Detection]:
        """The detections of the sampled frame nearest ``time_us`` when it is at most ``tolerance_us`` away
        (every detection of that frame, all labels), else []."""
        if not self.items:
            return []
        i = bisect.bisect_left(self._times, time_us)
        candidates = [j for j in (i - 1, i) if 0 <= j < len(self._times)]
        j = min(candidates, key=lambda k: abs(self._times[k] - time_us))
        frame = self._times[j]
        if abs(frame - time_us) > tolerance_us:
            return []
        lo, hi = bisect.bisect_left(self._times, frame), bisect.bisect_right(self._times, frame)
        return list(self.items[lo:hi])

    def next_after(self, time_us: int, labels: Collection[str] | None = None, min_gap_us: int = 0) -> Detection | None:
        """The first detection later than ``time_us + min_gap_us`` whose label is in ``labels`` (None: any)."""
        i = bisect.bisect_right(self._times, time_us + min_gap_us)
        return next((d for d in self.items[i:] if labels is None or d.label in labels), None)

    def previous_before(
        self, time_us: int, labels: Collection[str] | None = None, min_gap_us: int = 0
    ) -> Detection | None:
        """The last detection earlier than ``time_us - min_gap_us`` whose label is in ``labels`` (None: any)."""
        i = bisect.bisect_left(self._times, time_us - min_gap_us)
        return next((d for d in reversed(self.items[:i]) if labels is None or d.label in labels), None)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of a search, newest first; ``next_before_id`` continues it (None: the last page)."""

    items: tuple[Detection, ...]
    next_before_id: int | None


class DetectionsService:
    """Reads detections from the backend for GUI camera ids. See the module docstring."""

    def __init__(self, backend: BackendConnection) -> None:
        self._backend = backend

    def _client(self) -> Any:
        client = self._backend.client
        if client is None or not self._backend.usable:
            raise PlaybackError(translate("PlaybackTexts", "Detections need the backend, which is not connected."))
        return client

    def available(self, camera_id: str) -> bool:
        """True when the backend is connected and knows ``camera_id`` (its detections can be read)."""
        return self._backend.client is not None and self._backend.usable and self._backend_id(camera_id) is not None

    def _backend_id(self, camera_id: str) -> str | None:
        return self._backend.backend_camera_id(camera_id)

    async def for_camera(self, camera_id: str, start_us: int, end_us: int, cap: int = RANGE_CAP) -> CameraDetections:
        """``camera_id``'s detections over ``[start_us, end_us)`` (at most ``cap``, the newest). A camera the
        backend has not imported has none. Raises PlaybackError (backend down or refusing)."""
        client = self._client()
        backend_id = self._backend_id(camera_id)
        if backend_id is None:
            return CameraDetections(camera_id, start_us, end_us)
        found: list[Detection] = []
        before: int | None = None
        truncated = False
        while True:
            want = min(PAGE, cap - len(found))
            try:
                page = await client.detections(
                    camera_id=backend_id, start=from_us(start_us), end=from_us(end_us), limit=want, before_id=before
                )
            except BackendError as exc:
                raise PlaybackError(detections_error_text(exc)) from None
            found.extend(detection_from_wire(d, camera_id) for d in page.detections)
            before = page.next_before_id
            if before is None:
                break
            if len(found) >= cap:
                truncated = True
                break
        found.sort(key=lambda d: (d.at_us, d.id))
        return CameraDetections(camera_id, start_us, end_us, tuple(found), truncated)

    async def search(
        self,
        *,
        camera_id: str | None = None,
        label: str | None = None,
        start_us: int | None = None,
        end_us: int | None = None,
        min_score: float | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> SearchPage:
        """One page of detections newest first matching the filters (``camera_id`` a GUI id, None: every camera;
        a camera the backend does not know has none). Raises PlaybackError."""
        client = self._client()
        backend_id = None
        if camera_id is not None:
            backend_id = self._backend_id(camera_id)
            if backend_id is None:
                return SearchPage((), None)
        try:
            page = await client.detections(
                camera_id=backend_id,
                label=label or None,
                start=from_us(start_us) if start_us is not None else None,
                end=from_us(end_us) if end_us is not None else None,
                min_score=min_score,
                limit=limit,
                before_id=before_id,
            )
        except BackendError as exc:
            raise PlaybackError(detections_error_text(exc)) from None
        items = tuple(detection_from_wire(d, self._backend.xprotect_camera_id(d.camera_id)) for d in page.detections)
        return SearchPage(items, page.next_before_id)

    async def thumbnail(self, detection_id: int) -> bytes:
        """The JPEG of the frame of ``detection_id`` cropped around its box. Raises PlaybackError."""
        client = self._client()
        try:
            jpeg, _time = await client.detection_thumbnail(detection_id)
        except BackendError as exc:
            raise PlaybackError(detections_error_text(exc)) from None
        return jpeg

    async def labels(self, camera_ids: Sequence[str], start_us: int, end_us: int) -> list[str]:
        """Every label the given cameras saw in ``[start_us, end_us)`` (the per-camera summaries, asked
        concurrently), sorted. Raises PlaybackError."""
        client = self._client()
        backend_ids = [b for b in map(self._backend_id, camera_ids) if b is not None]
        start, end = from_us(start_us), from_us(end_us)
        try:
            summaries = await asyncio.gather(*(client.detection_summary(b, start, end) for b in backend_ids))
        except BackendError as exc:
            raise PlaybackError(detections_error_text(exc)) from None
        return sorted({entry.label for summary in summaries for entry in summary.labels})
