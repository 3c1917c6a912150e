"""The footage plan of one camera: which parts of ``[lo, hi)`` come from the backend's segments and which from
XProtect (issue 7 §1: local storage first, XProtect through ImageServer for the parts only it has).

The backend's segments overlapping the range are used as they are (a run of back-to-back segments is one
piece); XProtect's recording sequences (RecorderCommandService ``SequencesGet``, MILESTONE_PROTOCOL.md §4)
fill what the segments leave uncovered, ignoring slivers shorter than ``MIN_XPROTECT_US`` (the two recorders
start and end their files a frame or two apart). When XProtect cannot be asked (not configured, down) the plan
holds the local footage alone and says so in ``notes``. Times are UTC µs, half-open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from backend.playback.local_index import CameraInfo, camera_info, segments_in
from backend.playback.merge import Interval, clip, subtract, union
from backend.playback.milestone_source import MilestoneSource, MilestoneUnavailable
from backend.storage.segment_index import SegmentRecord

log = logging.getLogger(__name__)

MIN_XPROTECT_US = 1_000_000
MAX_SEGMENTS = 100_000  # a day of one-second segments


@dataclass(frozen=True, slots=True)
class Piece:
    """A contiguous part of the plan: ``source`` local (``segments``, oldest first) or xprotect, over
    ``[lo_us, hi_us)`` clipped to the export's range."""

    source: Literal["local", "xprotect"]
    lo_us: int
    hi_us: int
    segments: tuple[SegmentRecord, ...] = ()


@dataclass(slots=True)
class CameraPlan:
    """The plan of one camera: its row, its pieces in time order, and notes (English) on what was not asked."""

    camera: CameraInfo
    agency: str
    name_ar: str | None
    pieces: list[Piece] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.pieces

    @property
    def planned_us(self) -> int:
        return sum(p.hi_us - p.lo_us for p in self.pieces)


def local_part(session: Session, camera_id: str, lo: int, hi: int) -> tuple[CameraInfo, str, str | None, list[Piece]]:
    """The camera row (raises ``CameraNotFoundError``), its agency and Arabic name, and the pieces its segments
    give (blocking; run in a worker thread)."""
    from backend.db.models import Camera

    info = camera_info(session, camera_id)
    row = session.get(Camera, camera_id)
    agency, name_ar = (row.agency, row.name_ar) if row is not None else ("OTHER", None)
    segments = segments_in(session, camera_id, lo, hi, limit=MAX_SEGMENTS)
    pieces: list[Piece] = []
    run: list[SegmentRecord] = []
    for seg in segments:
        if run and seg.start_us > run[-1].end_us + 1:
            pieces.append(_local_piece(run, lo, hi))
            run = []
        run.append(seg)
    if run:
        pieces.append(_local_piece(run, lo, hi))
    return info, agency, name_ar, pieces


def _local_piece(run: list[SegmentRecord], lo: int, hi: int) -> Piece:
    return Piece("local", max(lo, run[0].start_us), min(hi, run[-1].end_us), tuple(run))


async def xprotect_part(
    milestone: MilestoneSource | None, camera: CameraInfo, lo: int, hi: int, covered: list[Interval]
) -> tuple[list[Piece], str | None]:
    """XProtect's pieces of ``[lo, hi)`` outside ``covered``; a note when XProtect could not be asked."""
    if milestone is None or not milestone.applicable(camera):
        return [], None
    try:
        footage = await milestone.footage(camera, lo, hi, motion=False)
    except MilestoneUnavailable as exc:
        log.warning("export plan: XProtect footage of %s unknown: %s", camera.id, exc.reason)
        return [], f"XProtect could not be asked: {exc.reason}"
    wanted = subtract(clip(footage.recordings, lo, hi), union(covered))
    return [Piece("xprotect", a, b) for a, b in wanted if b - a >= MIN_XPROTECT_US], None


def combine(local: list[Piece], xprotect: list[Piece]) -> list[Piece]:
    """Both sources' pieces in time order."""
    return sorted(local + xprotect, key=lambda p: p.lo_us)
