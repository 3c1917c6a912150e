"""Recordings query, timeline, snapshots, playback sources and segment bytes (wire contract in
``schemas_playback``; services in ``backend.playback``).

Every failure is the bilingual error body: 400 for times without a timezone (``time_without_timezone``),
unparsable times (``invalid_time``), an end not after the start (``end_before_start``), a range longer than
``playback.max_query_days`` (``range_too_long``), a bad resolution (``invalid_resolution``) or too many timeline
buckets (``too_many_buckets``, with the coarser resolution to use); 404 for an unknown camera
(``camera_not_found``), nothing recorded at a snapshot's time (``no_recording_at_time``) or an unknown segment;
416 for a byte range outside the segment. A camera without recordings is not an error: 200 with no sequences,
one gap over the range and a message.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from backend.api.deps import error_responses
from backend.api.errors import ApiError
from backend.api.schemas_playback import (
    PICTURE_TIME_HEADER,
    PlaybackLimitsOut,
    PlaybackSourceResult,
    RecordingQueryRequest,
    RecordingQueryResult,
    TimelineResult,
)
from backend.playback.access import PlaybackAccess
from backend.playback.errors import PlaybackUnavailableError
from backend.playback.media import Unsatisfiable, parse_range
from backend.playback.query import RecordingsQuery
from backend.playback.ranges import bucket_grid, check_range, iso_z, parse_time, to_us
from backend.playback.ranges import parse_range as parse_time_range
from backend.playback.sources import content_type
from backend.settings import PlaybackSettings

router = APIRouter(tags=["playback"], responses=error_responses(400, 401, 404, 422, 503))

TIME_DOC = "ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z or 2025-10-27T18:30:00+04:00"
StartTime = Annotated[str, Query(alias="startTime", description=TIME_DOC)]
EndTime = Annotated[str, Query(alias="endTime", description=TIME_DOC)]
JSON = "application/json"


def _state(request: Request, name: str) -> Any:
    value = getattr(request.app.state, name, None)
    if value is None:
        raise PlaybackUnavailableError()
    return value


def _query(request: Request) -> RecordingsQuery:
    return _state(request, "playback_query")


def _access(request: Request) -> PlaybackAccess:
    return _state(request, "playback_access")


def _settings(request: Request) -> PlaybackSettings:
    return _state(request, "playback_settings")


@router.post(
    "/cameras/{camera_id}/recordings/query",
    response_model=RecordingQueryResult,
    summary="Recorded sequences, gaps (with reasons), motion and sessions of a camera in a range",
)
async def query_recordings(camera_id: str, body: RecordingQueryRequest, request: Request) -> Response:
    settings = _settings(request)
    rng = check_range(body.start_time, body.end_time, max_days=settings.max_query_days)
    result = await _query(request).query(camera_id, rng)
    return Response(result.model_dump_json(by_alias=True), media_type=JSON)


@router.get(
    "/cameras/{camera_id}/recordings/timeline",
    response_model=TimelineResult,
    summary="Recording per minute, hour or day bucket (for the timeline bar)",
)
async def recordings_timeline(
    camera_id: str,
    request: Request,
    start_time: StartTime,
    end_time: EndTime,
    resolution: Annotated[str, Query(description="minute | hour | day")] = "minute",
) -> Response:
    settings = _settings(request)
    rng = parse_time_range(start_time, end_time, max_days=settings.max_query_days)
    grid = bucket_grid(rng, resolution, settings.max_timeline_buckets)
    answer = await _query(request).timeline(camera_id, rng, grid)
    return Response(answer.to_json(), media_type=JSON)


@router.get(
    "/cameras/{camera_id}/playback/source",
    response_model=PlaybackSourceResult,
    summary="Where the GUI reads a range: local segment URLs and XProtect's recorded ranges",
)
async def playback_source(
    camera_id: str,
    request: Request,
    start_time: StartTime,
    end_time: EndTime,
    at: Annotated[
        str | None, Query(description="the moment the player opens at: the source with footage there is preferred")
    ] = None,
) -> Response:
    settings = _settings(request)
    rng = parse_time_range(start_time, end_time, max_days=settings.max_query_days)
    at_us = to_us(parse_time(at, "at")) if at is not None else None
    result = await _access(request).source(camera_id, rng, str(request.base_url), at_us)
    return Response(result.model_dump_json(by_alias=True), media_type=JSON)


@router.get(
    "/cameras/{camera_id}/playback/snapshot",
    response_class=Response,
    summary="The recorded picture at (or just before) a time, as JPEG",
    responses={200: {"content": {"image/jpeg": {}}, "description": f"JPEG; header {PICTURE_TIME_HEADER}"}},
)
async def playback_snapshot(
    camera_id: str, request: Request, time: Annotated[str, Query(description=TIME_DOC)]
) -> Response:
    moment = parse_time(time, "time")
    snapshot = await _access(request).snapshot(camera_id, to_us(moment))
    headers = {PICTURE_TIME_HEADER: iso_z(snapshot.time_us), "Cache-Control": "private, max-age=60"}
    return Response(snapshot.jpeg, media_type="image/jpeg", headers=headers)


_MEDIA_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"video/mp2t": {}}, "description": "the whole segment"},
    206: {"content": {"video/mp2t": {}}, "description": "the requested byte range"},
    416: {"description": "range outside the segment (Content-Range: bytes */size)"},
}


@router.head(
    "/storage/segments/{segment_id}/media",
    response_class=Response,
    operation_id="segment_media_head",
    summary="A recording segment's size and range support (headers only)",
    responses=_MEDIA_RESPONSES,
)
@router.get(
    "/storage/segments/{segment_id}/media",
    response_class=Response,
    operation_id="segment_media",
    summary="A recording segment's bytes (MPEG-TS), with HTTP Range support",
    responses=_MEDIA_RESPONSES,
)
async def segment_media(segment_id: str, request: Request) -> Response:
    record, reader = await _access(request).open_segment(segment_id)
    size = reader.size()
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{record.sha256}"',
        "Cache-Control": "private, max-age=3600",
    }
    try:
        wanted = request.headers.get("range")
        if_range = request.headers.get("if-range")
        span = parse_range(wanted, size) if if_range in (None, headers["ETag"]) else None
    except Unsatisfiable:
        reader.close()
        raise ApiError(
            416,
            "range_not_satisfiable",
            f"The requested byte range is outside the segment ({size} bytes).",
            f"نطاق البايتات المطلوب خارج حدود المقطع ({size} بايت).",
            {"size": size},
            {"Content-Range": f"bytes */{size}", **headers},
        ) from None
    first, length, status = (0, size, 200) if span is None else (span.first, span.length, 206)
    headers["Content-Length"] = str(length)
    if span is not None:
        headers["Content-Range"] = span.content_range
    media_type = content_type(record.container)
    if request.method == "HEAD":
        reader.close()
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(reader.chunks(first, length), status_code=status, headers=headers, media_type=media_type)


@router.get("/playback/limits", response_model=PlaybackLimitsOut, summary="Ranges and speeds this backend accepts")
async def playback_limits(request: Request) -> PlaybackLimitsOut:
    settings = _settings(request)
    speeds = [s for s in (-8.0, -4.0, -2.0, -1.0, 1.0, 2.0, 4.0, 8.0) if settings.min_speed <= s <= settings.max_speed]
    return PlaybackLimitsOut(
        max_query_days=settings.max_query_days,
        max_timeline_buckets=settings.max_timeline_buckets,
        min_speed=settings.min_speed,
        max_speed=settings.max_speed,
        speeds=speeds,
    )
