"""The recordings query and the timeline: XProtect sequences and local segments merged per camera.

``RecordingsQuery.query`` answers ``POST /cameras/{id}/recordings/query``: local islands (SQL), XProtect
recording and motion sequences (RecorderCommandService), merged into sequences labelled milestone/local/both;
gaps are the rest of the range up to now, cut by the reasons the backend knows (``recording_outages`` and
segments lost before upload, see ``merge.explain_gaps``); manual recording sessions and motion ride along.
When XProtect cannot answer, the local part is still returned with ``sources.milestone = "unavailable"`` and
the answer is not cached.

``RecordingsQuery.timeline`` answers ``GET /cameras/{id}/recordings/timeline``: per minute/hour/day bucket the
local segments touching it and their recorded time (aggregated in SQL), plus XProtect sequences folded in
(time XProtect recorded and no local segment covers is added, so each instant counts once).

Both go through the PlaybackCache (TTL; short for ranges reaching now; invalidated per camera on writes).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from backend.api.schemas_playback import (
    MotionInterval,
    RecordedSequence,
    RecordingGap,
    RecordingQueryResult,
    SessionInterval,
    SourceState,
    TimelineResult,
    TimeRange,
)
from backend.db.reads import ReadDatabase
from milestone.clock import Clock

from . import local_index as idx
from .cache import PlaybackCache
from .merge import (
    DEFAULT_JOIN_US,
    DEFAULT_SNAP_US,
    Interval,
    LocalIsland,
    ReasonSpan,
    clip,
    complement,
    explain_gaps,
    merge_sources,
    spread,
    subtract,
    total,
    union,
)
from .milestone_source import MilestoneFootage, MilestoneSource, MilestoneUnavailable
from .outages import OutageRecord, outages_overlapping
from .ranges import BucketGrid, QueryRange, from_us

log = logging.getLogger(__name__)
EPOCH_DATE = date(1970, 1, 1)
TWO_DIGITS = tuple(f"{i:02d}" for i in range(60))

GAP_TEXT: dict[str | None, tuple[str, str]] = {
    "camera_offline": ("The camera was offline.", "كانت الكاميرا غير متصلة."),
    "recorder_down": ("The recorder was not running.", "لم يكن المسجّل يعمل."),
    "quota_denied": ("Recording was refused: the storage quota was reached.", "رُفض التسجيل: تم بلوغ حصة التخزين."),
    "upload_failed": (
        "The recording was lost before it reached storage (upload failed).",
        "فُقد التسجيل قبل وصوله إلى التخزين (فشل الرفع).",
    ),
    None: ("No recording; the reason is not known.", "لا يوجد تسجيل؛ السبب غير معروف."),
}
NO_RECORDINGS = ("No recordings in this time range.", "لا توجد تسجيلات في هذه الفترة الزمنية.")
FUTURE = ("The range lies in the future: nothing is recorded yet.", "الفترة في المستقبل: لا يوجد تسجيل بعد.")
MILESTONE_DOWN = (
    "Milestone XProtect could not be reached: only the backend's own recordings are shown.",
    "تعذر الوصول إلى نظام Milestone XProtect: تُعرض تسجيلات الخادم المحلية فقط.",
)


@dataclass(frozen=True, slots=True)
class TimelineAnswer:
    """A timeline as computed: per bucket of ``grid`` the recorded µs and the pieces touching it.

    ``to_json()`` writes the wire shape of ``schemas_playback.TimelineResult`` directly (a month of minutes is
    tens of thousands of buckets: building a pydantic model per bucket would dominate the route's time);
    ``to_model()`` parses it back into the schema (tests, callers inside the backend)."""

    camera_id: str
    grid: BucketGrid
    start_us: int
    end_us: int
    covered_us: list[int]
    touching: list[int]

    def to_json(self) -> bytes:
        head = json.dumps(
            {
                "cameraId": self.camera_id,
                "resolution": self.grid.resolution,
                "startTime": _iso(self.start_us),
                "endTime": _iso(self.end_us),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        buckets = _buckets_json(self.grid, self.covered_us, self.touching)
        return f'{head[:-1]},"timeline":{buckets}}}'.encode()

    def to_model(self) -> TimelineResult:
        return TimelineResult.model_validate_json(self.to_json())


def _iso(us: int) -> str:
    return from_us(us).isoformat().replace("+00:00", "Z")


def _buckets_json(grid: BucketGrid, covered_us: list[int], touching: list[int]) -> str:
    """The ``timeline`` array: ISO times formatted from whole seconds (a date string per day), bucket by bucket
    with one f-string (about a microsecond each)."""
    if grid.origin_us % 1_000_000 or grid.bucket_us % 1_000_000:
        items = [
            {
                "timestamp": _iso(grid.start_of(i)),
                "hasRecording": c > 0,
                "segmentCount": n,
                "recordedSeconds": c / 1e6,
            }
            for i, (c, n) in enumerate(zip(covered_us, touching, strict=True))
        ]
        return json.dumps(items, separators=(",", ":"))
    second, step = grid.origin_us // 1_000_000, grid.bucket_us // 1_000_000
    dates: dict[int, str] = {}
    parts = []
    two = TWO_DIGITS
    for c, n in zip(covered_us, touching, strict=True):
        day, rest = divmod(second, 86_400)
        day_text = dates.get(day)
        if day_text is None:
            day_text = dates[day] = (EPOCH_DATE + timedelta(days=day)).isoformat() + "T"
        hour, rest = divmod(rest, 3600)
        minute, sec = divmod(rest, 60)
        stamp = f"{day_text}{two[hour]}:{two[minute]}:{two[sec]}Z"
        if c > 0:
            parts.append(
                f'{{"timestamp":"{stamp}","hasRecording":true,"segmentCount":{n},"recordedSeconds":{c / 1e6!r}}}'
            )
        else:
            parts.append(f'{{"timestamp":"{stamp}","hasRecording":false,"segmentCount":{n},"recordedSeconds":0.0}}')
        second += step
    return "[" + ",".join(parts) + "]"


@dataclass(frozen=True, slots=True)
class _Local:
    """What the database says about a camera in a range."""

    camera: idx.CameraInfo
    islands: list[LocalIsland]
    lost: list[Interval]  # segments lost before upload
    outages: list[OutageRecord]
    sessions: list[idx.SessionRecord]


class RecordingsQuery:
    """See the module docstring. ``db`` reads (``ReadDatabase``); ``spool_root``: where missing spool files are
    looked for (None: not checked), ``suspects``: which cameras have segments with upload errors at all."""

    def __init__(
        self,
        db: ReadDatabase,
        milestone: MilestoneSource,
        cache: PlaybackCache,
        clock: Clock,
        *,
        spool_root: Path | None = None,
        suspects: idx.SuspectCameras | None = None,
        join_us: int = DEFAULT_JOIN_US,
        snap_us: int = DEFAULT_SNAP_US,
    ) -> None:
        self._db = db
        self._suspects = suspects
        self._milestone = milestone
        self._cache = cache
        self._clock = clock
        self._spool_root = spool_root
        self.join_us = join_us
        self.snap_us = snap_us

    def now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

    # ------------------------------------------------------------------------------------------ query

    async def query(self, camera_id: str, rng: QueryRange) -> RecordingQueryResult:
        """Sequences, gaps, motion and sessions of ``camera_id`` in ``rng``. Raises CameraNotFoundError."""
        key = ("query", camera_id, rng.start_us, rng.end_us)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        generation = self._cache.generation(camera_id)
        now = self.now_us()
        local = await self._db.run(self._local_query, camera_id, rng.start_us, rng.end_us, True)
        footage, state = await self._footage(local.camera, rng.start_us, rng.end_us, motion=True)
        result = self._assemble(local, footage, state, rng, now)
        if state != "unavailable":
            self._cache.put(key, result, self._cache.policy.ttl_for(rng.end_us, now), generation)
        return result

    def _local_query(self, session: Session, camera_id: str, lo: int, hi: int, details: bool) -> _Local:
        camera = idx.camera_info(session, camera_id)
        lost = idx.unplayable(session, camera_id, lo, hi, self._spool_root, self._suspects)
        islands = idx.local_islands(session, camera_id, lo, hi, join_us=self.join_us, exclude=[r.id for r in lost])
        outages = outages_overlapping(session, camera_id, lo, hi) if details else []
        sessions = idx.sessions_overlapping(session, camera_id, lo, hi) if details else []
        return _Local(camera, islands, union((r.start_us, r.end_us) for r in lost), outages, sessions)

    async def _footage(
        self, camera: idx.CameraInfo, lo: int, hi: int, *, motion: bool
    ) -> tuple[MilestoneFootage | None, str]:
        if not self._milestone.applicable(camera):
            return None, "not_applicable"
        try:
            return await self._milestone.footage(camera, lo, hi, motion=motion), "ok"
        except MilestoneUnavailable as exc:
            log.warning("recordings of camera %s: XProtect unavailable (%s)", camera.id, exc.reason)
            return None, "unavailable"

    def _assemble(
        self, local: _Local, footage: MilestoneFootage | None, state: str, rng: QueryRange, now: int
    ) -> RecordingQueryResult:
        lo, hi = rng.start_us, rng.end_us
        span_hi = max(lo, min(hi, now))
        milestone = footage.recordings if footage is not None else []
        merged = merge_sources(milestone, local.islands, lo, span_hi, self.join_us)
        sequences = [
            RecordedSequence(
                sequence_id=f"seq_{m.start_us}",
                start_time=from_us(m.start_us),
                end_time=from_us(m.end_us),
                duration_seconds=(m.end_us - m.start_us) / 1e6,
                available=True,
                size_bytes=m.size_bytes,
                source=m.source,  # type: ignore[arg-type]
            )
            for m in merged
        ]
        holes = complement([(m.start_us, m.end_us) for m in merged], lo, span_hi)
        spans = [ReasonSpan(s, e, "upload_failed") for s, e in local.lost]
        spans += [ReasonSpan(o.start_us, o.end_us if o.end_us is not None else now, o.kind) for o in local.outages]
        gaps = [
            RecordingGap(
                start_time=from_us(p.start_us),
                end_time=from_us(p.end_us),
                duration_seconds=(p.end_us - p.start_us) / 1e6,
                reason=p.reason,  # type: ignore[arg-type]
                message=GAP_TEXT[p.reason][0],
                message_ar=GAP_TEXT[p.reason][1],
            )
            for p in explain_gaps(holes, spans, self.snap_us)
        ]
        motion = [
            MotionInterval(start_time=from_us(s), end_time=from_us(e))
            for s, e in clip(footage.motion if footage is not None else [], lo, span_hi)
        ]
        sessions = [
            SessionInterval(
                recording_id=r.id,
                start_time=from_us(r.start_us),
                end_time=from_us(r.end_us) if r.end_us is not None else None,
                status=r.state,
                storage_mode=r.storage_mode,  # type: ignore[arg-type]
            )
            for r in local.sessions
        ]
        recorded = sum(m.end_us - m.start_us for m in merged)
        messages = []
        if span_hi <= lo:
            messages.append(FUTURE)
        elif not merged:
            messages.append(NO_RECORDINGS)
        if state == "unavailable":
            messages.append(MILESTONE_DOWN)
        has_local = local.camera.records_local or bool(local.islands) or bool(local.lost)
        return RecordingQueryResult(
            camera_id=local.camera.id,
            query_range=TimeRange(start=from_us(lo), end=from_us(hi)),
            sequences=sequences,
            gaps=gaps,
            motion=motion,
            sessions=sessions,
            total_recording_seconds=recorded / 1e6,
            total_gap_seconds=total(holes) / 1e6,
            coverage=round(recorded / (span_hi - lo), 6) if span_hi > lo else 0.0,
            sources=SourceState(milestone=state, local="ok" if has_local else "not_applicable"),  # type: ignore[arg-type]
            message=" ".join(m[0] for m in messages) or None,
            message_ar=" ".join(m[1] for m in messages) or None,
        )

    # ------------------------------------------------------------------------------------------ timeline

    async def timeline(self, camera_id: str, rng: QueryRange, grid: BucketGrid) -> TimelineAnswer:
        """Buckets of ``grid`` for ``camera_id``. Raises CameraNotFoundError."""
        key = ("timeline", camera_id, rng.start_us, rng.end_us, grid.resolution, grid.origin_us)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        generation = self._cache.generation(camera_id)
        now = self.now_us()
        camera, (touching, covered), islands = await self._db.run(self._timeline_local, camera_id, grid)
        lo, hi = grid.origin_us, grid.origin_us + grid.count * grid.bucket_us
        footage, state = await self._footage(camera, lo, hi, motion=False)
        if footage is not None and footage.recordings:
            local_cover = union(clip(((i.start_us, i.end_us) for i in islands), lo, hi))
            only_xprotect = subtract(clip(footage.recordings, lo, hi), local_cover)
            extra, _ = spread(only_xprotect, lo, grid.bucket_us, grid.count)
            _, sequences = spread(footage.recordings, lo, grid.bucket_us, grid.count)
            covered = [a + b for a, b in zip(covered, extra, strict=True)]
            touching = [a + b for a, b in zip(touching, sequences, strict=True)]
        result = TimelineAnswer(camera.id, grid, rng.start_us, rng.end_us, covered, touching)
        if state != "unavailable":
            self._cache.put(key, result, self._cache.policy.ttl_for(rng.end_us, now), generation)
        return result

    def _timeline_local(
        self, session: Session, camera_id: str, grid: BucketGrid
    ) -> tuple[idx.CameraInfo, tuple[list[int], list[int]], list[LocalIsland]]:
        camera = idx.camera_info(session, camera_id)
        lo, hi = grid.origin_us, grid.origin_us + grid.count * grid.bucket_us
        lost = [r.id for r in idx.unplayable(session, camera_id, lo, hi, self._spool_root, self._suspects)]
        buckets = idx.timeline_buckets(session, camera_id, grid, exclude=lost)
        islands: list[LocalIsland] = []
        if any(buckets[0]) and self._milestone.applicable(camera):
            islands = idx.local_islands(session, camera_id, lo, hi, join_us=0, exclude=lost)
        return camera, buckets, islands
