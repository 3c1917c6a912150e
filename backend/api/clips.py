"""Clip routes (issue 7 §2; wire contract in ``schemas_exports``, clips part): evidence locks on time ranges.

``POST /storage/clips`` and ``DELETE /storage/clips/{id}`` need ``export``; reading needs ``view`` (the router is
registered under ``API_ROUTERS``). The service is ``app.state.clips`` (``backend.storage.clips.ClipService``,
started by ``backend.storage.clips_component``); whether the range has footage is asked of the recordings query
(``app.state.playback_query``: the backend's own segments and XProtect's recording sequences).

Errors (bilingual body): 400 ``time_without_timezone`` / ``invalid_time`` / ``invalid_parameter``; 422
``bad_range`` (end not after start), ``no_footage`` (no camera has backend segments or XProtect sequences in
the range); 404 ``camera_not_found``, ``clip_not_found``; 503 ``clips_unavailable``, ``playback_unavailable``,
``milestone_unavailable`` (nothing local and XProtect could not be asked). Every change publishes
``clip_changed`` (data: ``{"action": "created"|"deleted", "clip": ClipOut}``) and is audited with the clip's id,
title, range and reason.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from backend.api.audit_middleware import audit_note
from backend.api.auth import require_permission
from backend.api.deps import Caller, error_responses
from backend.api.incident_links import require_incident
from backend.api.schemas_exports import DEFAULT_PAGE, MAX_PAGE, ClipCreate, ClipOut, ClipPage
from backend.auth.permissions import EXPORT
from backend.errors import BadRangeError, BilingualError, InvalidParameterError, NoFootageError
from backend.playback.errors import PlaybackUnavailableError
from backend.playback.query import RecordingsQuery
from backend.playback.ranges import QueryRange, from_us, parse_time, require_timezone, to_us
from backend.storage.clips import ClipFilter, ClipRecord, ClipService

router = APIRouter(tags=["clips"], responses=error_responses(400, 401, 403, 404, 422, 503))
TIME_DOC = "ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z"


class ClipNotFoundError(BilingualError):
    code, status = "clip_not_found", 404

    def __init__(self, clip_id: int) -> None:
        super().__init__("No such clip.", "المقطع المحفوظ غير موجود.", {"clipId": clip_id})


class FootageUnknownError(BilingualError):
    code, status = "milestone_unavailable", 503

    def __init__(self, camera_ids: list[str]) -> None:
        super().__init__(
            "The backend has no recordings in this range and Milestone XProtect could not be asked; try again.",
            "لا توجد تسجيلات لدى الخادم في هذه الفترة وتعذر سؤال نظام Milestone XProtect؛ حاول مرة أخرى.",
            {"cameraIds": camera_ids},
        )


class ClipsUnavailableError(BilingualError):
    code, status = "clips_unavailable", 503

    def __init__(self) -> None:
        super().__init__("Clips are not running in this backend.", "خدمة المقاطع المحفوظة غير مفعّلة في هذا الخادم.")


def _clips(request: Request) -> ClipService:
    service = getattr(request.app.state, "clips", None)
    if service is None:
        raise ClipsUnavailableError()
    return service


Clips = Annotated[ClipService, Depends(_clips)]


def clip_out(record: ClipRecord, hold: str) -> ClipOut:
    """The wire form of a clip; ``hold``: ``legal_hold`` or ``database`` (``ClipService.hold_kind``)."""
    return ClipOut(
        id=record.id,
        camera_ids=record.camera_ids,
        start=from_us(record.start_us),
        end=from_us(record.end_us),
        title=record.title,
        reason=record.reason,
        incident_id=record.incident_id,
        created_by=record.created_by,
        created_at=from_us(record.created_us),
        hold=hold,  # type: ignore[arg-type]
        segments=record.segments,
        size_bytes=record.size_bytes,
    )


async def _check_footage(request: Request, camera_ids: list[str], start_us: int, end_us: int) -> None:
    """Raise CameraNotFoundError, NoFootageError or FootageUnknownError unless some camera has footage."""
    query: RecordingsQuery | None = getattr(request.app.state, "playback_query", None)
    if query is None:
        raise PlaybackUnavailableError()
    results = await asyncio.gather(*(query.query(c, QueryRange(start_us, end_us)) for c in camera_ids))
    if any(result.sequences for result in results):
        return
    if any(result.sources.milestone == "unavailable" for result in results):
        raise FootageUnknownError(camera_ids)
    raise NoFootageError(camera_ids)


def _publish(request: Request, action: str, out: ClipOut) -> None:
    request.app.state.bus.publish("clip_changed", None, action=action, clip=out.model_dump(mode="json"))


@router.post(
    "/storage/clips",
    status_code=201,
    response_model=ClipOut,
    dependencies=[Depends(require_permission(EXPORT))],
    summary="Keep a time range of some cameras as evidence (retention never deletes it while the clip exists)",
)
async def create_clip(body: ClipCreate, request: Request, clips: Clips, caller: Caller) -> ClipOut:
    start_us = to_us(require_timezone(body.start, "start"))
    end_us = to_us(require_timezone(body.end, "end"))
    if end_us <= start_us:
        raise BadRangeError(start_us, end_us)
    cameras = list(dict.fromkeys(body.camera_ids))
    await require_incident(request, body.incident_id)
    await _check_footage(request, cameras, start_us, end_us)
    record = await asyncio.to_thread(
        clips.create,
        cameras,
        start_us,
        end_us,
        title=body.title,
        reason=body.reason,
        incident_id=body.incident_id,
        created_by=caller.name,
    )
    out = clip_out(record, await asyncio.to_thread(lambda: clips.hold_kind))
    audit_note(request, clipId=record.id, title=record.title, reason=record.reason, cameraIds=cameras)
    audit_note(request, start=out.start.isoformat(), end=out.end.isoformat(), segments=record.segments)
    _publish(request, "created", out)
    return out


def _time(text: str | None, field: str) -> int | None:
    return None if text is None else to_us(parse_time(text, field))


@router.get("/storage/clips", response_model=ClipPage, summary="Clips, newest first")
async def list_clips(
    clips: Clips,
    camera_id: Annotated[str | None, Query(alias="cameraId")] = None,
    start: Annotated[str | None, Query(description=TIME_DOC)] = None,
    end: Annotated[str | None, Query(description=TIME_DOC)] = None,
    incident_id: Annotated[int | None, Query(alias="incidentId")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    before_created: Annotated[str | None, Query(alias="beforeCreated", description=TIME_DOC)] = None,
) -> ClipPage:
    where = ClipFilter(
        camera_id=camera_id,
        start_us=_time(start, "start"),
        end_us=_time(end, "end"),
        incident_id=incident_id,
        limit=limit,
        before_created_us=_time(before_created, "beforeCreated"),
    )
    if where.start_us is not None and where.end_us is not None and where.end_us <= where.start_us:
        raise BadRangeError(where.start_us, where.end_us)
    page = await asyncio.to_thread(clips.list, where)
    hold = await asyncio.to_thread(lambda: clips.hold_kind)
    nxt = page.next_before_created_us
    return ClipPage(clips=[clip_out(c, hold) for c in page.clips], next_before_created=from_us(nxt) if nxt else None)


def _clip_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise InvalidParameterError("id", text, "a clip id is a whole number", "رقم المقطع المحفوظ عدد صحيح")
    return int(text)


@router.get("/storage/clips/{clip_id}", response_model=ClipOut, summary="One clip and what it holds now")
async def get_clip(clip_id: str, clips: Clips) -> ClipOut:
    record = await asyncio.to_thread(clips.get, _clip_id(clip_id))
    if record is None:
        raise ClipNotFoundError(int(clip_id))
    return clip_out(record, await asyncio.to_thread(lambda: clips.hold_kind))


@router.delete(
    "/storage/clips/{clip_id}",
    status_code=204,
    dependencies=[Depends(require_permission(EXPORT))],
    summary="Delete a clip: its segments become subject to retention again (unless another clip holds them)",
)
async def delete_clip(clip_id: str, request: Request, clips: Clips) -> Response:
    number = _clip_id(clip_id)
    record = await asyncio.to_thread(clips.delete, number)
    if record is None:
        raise ClipNotFoundError(number)
    audit_note(request, clipId=number, title=record.title, cameraIds=record.camera_ids)
    _publish(request, "deleted", clip_out(record, await asyncio.to_thread(lambda: clips.hold_kind)))
    return Response(status_code=204)
