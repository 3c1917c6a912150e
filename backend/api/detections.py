"""Detection search, per-camera summaries, thumbnails and the pipeline's status (issue 6 §3; wire contract in
``schemas_detection``, SQL in ``backend.detection.search``). Every route needs the ``view`` permission
(registered under ``API_ROUTERS``).

Bad input is the bilingual error body with 400: ``time_without_timezone`` / ``invalid_time`` (start, end),
``end_before_start``, ``invalid_parameter`` (minScore outside 0..1, limit outside 1..1000, a malformed
beforeId or detection id) and ``invalid_before_id`` (beforeId names no detection). 404: ``camera_not_found``
(summary), ``detection_not_found``, ``thumbnail_unavailable`` (the detection's segment was deleted or its file
is lost); 502 ``snapshot_failed`` (the segment is there but does not decode). Searches read through
``app.state.reads`` (the read-only engine, never SQLite's write lock); thumbnails decode through the playback
component (``app.state.playback_access``; 503 ``playback_unavailable`` without it).
"""

from __future__ import annotations

import asyncio
import inspect
import io
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from PIL import Image

from backend.api.deps import error_responses
from backend.api.schemas_detection import (
    DEFAULT_PAGE,
    MAX_PAGE,
    THUMBNAIL_MAX_WIDTH,
    BoxOut,
    DetectionOut,
    DetectionPage,
    DetectionStatusOut,
    DetectionSummary,
    LabelSummary,
)
from backend.api.schemas_playback import PICTURE_TIME_HEADER
from backend.db.reads import ReadDatabase
from backend.detection.crop import thumbnail_jpeg
from backend.detection.search import (
    DetectionFilter,
    DetectionNotFoundError,
    DetectionRow,
    get_detection,
    search,
    summary,
)
from backend.errors import BilingualError, InvalidParameterError
from backend.playback.access import PlaybackAccess
from backend.playback.errors import (
    EndBeforeStartError,
    NothingRecordedError,
    PlaybackUnavailableError,
    SegmentNotFoundError,
    SegmentUnavailableError,
    SnapshotFailedError,
)
from backend.playback.ranges import from_us, iso_z, parse_time, to_us
from backend.playback.snapshot import Picture, SnapshotError

router = APIRouter(tags=["detections"], responses=error_responses(400, 401, 403, 404, 502, 503))

TIME_DOC = "ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z or 2025-10-27T18:30:00+04:00"
MAX_ID = 2**63 - 1
JSON = "application/json"
LIVE_PICTURE_TOLERANCE_US = 100_000  # a live detection's frame and the recorded picture: the same moment within this


class ThumbnailUnavailableError(BilingualError):
    """404: the detection's frame cannot be decoded any more (segment deleted, or its file lost)."""

    code, status = "thumbnail_unavailable", 404

    def __init__(self, detection_id: int, reason: str) -> None:
        super().__init__(
            "The recording this detection was found in is no longer available, so no thumbnail can be made.",
            "التسجيل الذي وُجد فيه هذا الاكتشاف لم يعد متاحاً، لذلك لا يمكن إنشاء صورة مصغّرة.",
            {"detectionId": detection_id, "reason": reason[:300]},
        )


class LiveThumbnailUnavailableError(BilingualError):
    """404: a detection without a segment (found on the live stream, or its segment was deleted) at a moment
    nothing recorded any more (no local segment, no XProtect picture)."""

    code, status = "thumbnail_unavailable", 404

    def __init__(self, detection_id: int, reason: str) -> None:
        super().__init__(
            "No recording of this detection's moment is available, so no thumbnail can be made.",
            "لا يتوفر تسجيل للحظة هذا الاكتشاف، لذلك لا يمكن إنشاء صورة مصغّرة.",
            {"detectionId": detection_id, "reason": reason[:300]},
        )


def _reads(request: Request) -> ReadDatabase:
    return request.app.state.reads


def _integer(text: str | None, field: str, lo: int, hi: int) -> int | None:
    if text is None:
        return None
    raw = text.strip()
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise InvalidParameterError(
            field, text, f"a whole number from {lo} to {hi}", f"يجب أن تكون عدداً صحيحاً من {lo} إلى {hi}"
        )
    return int(raw)


def _score(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        raise InvalidParameterError("minScore", text, "a number from 0 to 1", "يجب أن تكون رقماً من 0 إلى 1")
    return value


def _time(text: str | None, field: str) -> int | None:
    return None if text is None else to_us(parse_time(text, field))


def _out(row: DetectionRow) -> DetectionOut:
    return DetectionOut(
        id=row.id,
        camera_id=row.camera_id,
        time=from_us(row.at_us),
        label=row.label,
        score=row.score,
        detector=row.detector,
        box=BoxOut(x1=row.x1, y1=row.y1, x2=row.x2, y2=row.y2),
        frame_width=row.frame_width,
        frame_height=row.frame_height,
        segment_id=row.segment_id,
    )


@router.get(
    "/detections",
    response_model=DetectionPage,
    summary="Detections by camera, label, time range, minimum score and detector, newest first, with paging",
)
async def list_detections(
    request: Request,
    camera_id: Annotated[str | None, Query(alias="cameraId", max_length=64)] = None,
    label: Annotated[str | None, Query(max_length=64, description="class name, e.g. person")] = None,
    start: Annotated[str | None, Query(description=f"inclusive; {TIME_DOC}")] = None,
    end: Annotated[str | None, Query(description=f"exclusive; {TIME_DOC}")] = None,
    min_score: Annotated[str | None, Query(alias="minScore", description="0..1")] = None,
    detector: Annotated[str | None, Query(max_length=32, description="yolo | face")] = None,
    limit: Annotated[str | None, Query(description=f"1..{MAX_PAGE}, default {DEFAULT_PAGE}")] = None,
    before_id: Annotated[str | None, Query(alias="beforeId", description="nextBeforeId of the previous page")] = None,
) -> Response:
    start_us, end_us = _time(start, "start"), _time(end, "end")
    if start_us is not None and end_us is not None and end_us <= start_us:
        raise EndBeforeStartError()
    flt = DetectionFilter(
        camera_id=camera_id,
        label=label,
        start_us=start_us,
        end_us=end_us,
        min_score=_score(min_score),
        detector=detector,
        limit=_integer(limit, "limit", 1, MAX_PAGE) or DEFAULT_PAGE,
        before_id=_integer(before_id, "beforeId", 1, MAX_ID),
    )
    page = await _reads(request).run(search, flt)
    body = DetectionPage(detections=[_out(row) for row in page.rows], next_before_id=page.next_before_id)
    return Response(body.model_dump_json(), media_type=JSON)


@router.get(
    "/cameras/{camera_id}/detections/summary",
    response_model=DetectionSummary,
    summary="Per label: how many detections a camera has in a range, the first and last, and the best score",
)
async def detection_summary(
    camera_id: str,
    request: Request,
    start: Annotated[str, Query(description=f"inclusive; {TIME_DOC}")],
    end: Annotated[str, Query(description=f"exclusive; {TIME_DOC}")],
) -> Response:
    start_us, end_us = to_us(parse_time(start, "start")), to_us(parse_time(end, "end"))
    if end_us <= start_us:
        raise EndBeforeStartError()
    counts = await _reads(request).run(summary, camera_id, start_us, end_us)
    body = DetectionSummary(
        camera_id=camera_id,
        start=from_us(start_us),
        end=from_us(end_us),
        labels=[
            LabelSummary(
                label=c.label, count=c.count, first=from_us(c.first_us), last=from_us(c.last_us), max_score=c.max_score
            )
            for c in counts
        ],
    )
    return Response(body.model_dump_json(), media_type=JSON)


@router.get(
    "/detections/{detection_id}/thumbnail",
    response_class=Response,
    summary="The detection's frame cropped around its box (JPEG)",
    responses={200: {"content": {"image/jpeg": {}}, "description": f"JPEG; header {PICTURE_TIME_HEADER}"}},
)
async def detection_thumbnail(detection_id: str, request: Request) -> Response:
    ident = _integer(detection_id, "detectionId", 1, MAX_ID)
    assert ident is not None
    row = await _reads(request).run(get_detection, ident)
    if row is None:
        raise DetectionNotFoundError(detection_id)
    access: PlaybackAccess | None = getattr(request.app.state, "playback_access", None)
    if access is None:
        raise PlaybackUnavailableError()
    if row.segment_id is None:
        picture = await _live_picture(access, row)
    else:
        picture = await _segment_picture(access, row)
    box = (row.x1, row.y1, row.x2, row.y2)
    jpeg = await asyncio.to_thread(thumbnail_jpeg, picture.image, box, max_width=THUMBNAIL_MAX_WIDTH)
    headers = {PICTURE_TIME_HEADER: iso_z(picture.time_us), "Cache-Control": "private, max-age=3600"}
    return Response(jpeg, media_type="image/jpeg", headers=headers)


async def _live_picture(access: PlaybackAccess, row: Any) -> Picture:
    """The recorded picture of a live detection's moment (a local segment or XProtect, as snapshots find it);
    only a picture within ``LIVE_PICTURE_TOLERANCE_US`` of the detection's frame is its frame."""
    try:
        snapshot = await access.snapshot(row.camera_id, row.at_us)
    except NothingRecordedError:
        raise LiveThumbnailUnavailableError(row.id, "nothing recorded at that moment") from None
    if abs(snapshot.time_us - row.at_us) > LIVE_PICTURE_TOLERANCE_US:
        raise LiveThumbnailUnavailableError(row.id, "the nearest recorded picture is from another moment")
    try:
        image = await asyncio.to_thread(_decode_jpeg, snapshot.jpeg)
    except OSError as exc:
        raise SnapshotFailedError(str(exc), {"detectionId": row.id}) from None
    return Picture(snapshot.time_us, image)


def _decode_jpeg(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as img:
        return img.convert("RGB")


async def _segment_picture(access: PlaybackAccess, row: Any) -> Picture:
    """The picture of the detection's frame from the segment it was found in."""
    try:
        return await access.segment_picture(row.segment_id, row.at_us)
    except SegmentNotFoundError:
        raise ThumbnailUnavailableError(row.id, "the segment was deleted") from None
    except SegmentUnavailableError as exc:
        raise ThumbnailUnavailableError(row.id, str(exc.details.get("reason", ""))) from None
    except SnapshotError as exc:
        raise SnapshotFailedError(str(exc), {"detectionId": row.id}) from None


@router.get(
    "/detection/status",
    response_model=DetectionStatusOut,
    summary="Whether detection runs, its detectors, its lag behind recording and what it processed",
)
async def detection_status(request: Request) -> Response:
    service = getattr(request.app.state, "detection", None)
    if service is None:
        body = DetectionStatusOut(enabled=False)
    else:
        body = _status(service.status())
        if inspect.isawaitable(body):
            body = _status(await body)
    return Response(body.model_dump_json(), media_type=JSON)


def _status(value: Any) -> Any:
    """The detection service's ``status()``: a DetectionStatusOut, a dataclass or a mapping of its fields
    (snake_case or camelCase). An awaitable is returned as is (the caller awaits it)."""
    if isinstance(value, DetectionStatusOut) or inspect.isawaitable(value):
        return value
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    return DetectionStatusOut.model_validate(value)
