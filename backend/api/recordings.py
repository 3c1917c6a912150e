"""Manual recording routes (seeds' API specification §8.2): start with a duration, stop, status, extend, active.

The recording manager (``backend.recording.manager``) owns the sessions; this module maps its results and
errors to the wire contract in ``schemas_recording``.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse

from backend.api.auth import require_permission
from backend.api.deps import Caller, error_responses
from backend.api.errors import error_body
from backend.api.schemas import StorageMode, datetime_from_us
from backend.api.schemas_recording import (
    ActiveRecording,
    ActiveRecordings,
    AlreadyRecordingResponse,
    ExtendRecordingRequest,
    LastRecording,
    RecordingLimitsOut,
    RecordingStarted,
    RecordingStatus,
    RecordingStopped,
    RunningRecording,
    StartRecordingRequest,
)
from backend.auth.permissions import RECORD
from backend.recording.errors import AlreadyRecordingError
from backend.recording.manager import RecordingManager
from backend.recording.store import SessionView

router = APIRouter(tags=["recordings"], responses=error_responses(401, 404, 422))

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": AlreadyRecordingResponse, "description": "the camera is already recording"}
}


def recording_manager(request: Request) -> RecordingManager:
    return request.app.state.recordings


Manager = Annotated[RecordingManager, Depends(recording_manager)]


async def _guard(call):
    """Await ``call``; a 409 gets the seeds' body (the bilingual error plus ``currentRecording``). Other
    RecordingErrors reach the API's handler for ``backend.errors.BilingualError``."""
    try:
        return await call
    except AlreadyRecordingError as exc:
        current = dict(exc.current)
        current["startTime"] = datetime_from_us(int(current["startTime"])).isoformat().replace("+00:00", "Z")
        body = error_body(exc.code, exc.message, exc.message_ar, exc.details | {"currentRecording": current})
        body["currentRecording"] = current
        return JSONResponse(body, status_code=exc.status)


def _running(manager: RecordingManager, view: SessionView) -> dict:
    return {
        "recording_id": view.id,
        "start_time": datetime_from_us(view.started_us),
        "estimated_end_time": datetime_from_us(view.scheduled_end_us),
        "elapsed_seconds": manager.elapsed_s(view),
        "remaining_seconds": manager.remaining_s(view),
        "duration_seconds": view.duration_s,
        "storage_mode": view.storage_mode,
    }


@router.post(
    "/cameras/{camera_id}/recordings/start",
    dependencies=[Depends(require_permission(RECORD))],
    response_model=RecordingStarted,
    summary="Start a manual recording with a chosen duration",
    responses=CONFLICT | error_responses(400, 429, 502, 503, 507),
)
async def start_recording(
    camera_id: str,
    manager: Manager,
    caller: Caller,
    body: Annotated[StartRecordingRequest | None, Body()] = None,
):
    duration = body.duration if body is not None else None
    result = await _guard(manager.start_recording(camera_id, duration, caller.name))
    if isinstance(result, JSONResponse):
        return result
    view: SessionView = result
    return RecordingStarted(
        recording_id=view.id,
        camera_id=view.camera_id,
        start_time=datetime_from_us(view.started_us),
        estimated_end_time=datetime_from_us(view.scheduled_end_us),
        duration_seconds=view.duration_s,
        storage_mode=cast(StorageMode, view.storage_mode),
    )


@router.post(
    "/cameras/{camera_id}/recordings/stop",
    dependencies=[Depends(require_permission(RECORD))],
    response_model=RecordingStopped,
    summary="Stop the camera's running manual recording",
)
async def stop_recording(camera_id: str, manager: Manager, caller: Caller) -> RecordingStopped:
    view: SessionView = await _guard(manager.stop_recording(camera_id, "user"))
    end_us = view.stopped_us or manager.now_us()
    return RecordingStopped(
        recording_id=view.id,
        camera_id=view.camera_id,
        start_time=datetime_from_us(view.started_us),
        end_time=datetime_from_us(end_us),
        actual_duration=max(0, round((end_us - view.started_us) / 1_000_000)),
        status=view.state,
        stop_reason=view.stop_reason,
    )


@router.get(
    "/cameras/{camera_id}/recordings/status",
    response_model=RecordingStatus,
    response_model_exclude_none=True,
    summary="Whether the camera records now, or its last recording",
)
async def recording_status(camera_id: str, manager: Manager) -> RecordingStatus:
    running, last = await _guard(manager.status(camera_id))
    if running is not None:
        return RecordingStatus(is_recording=True, recording=RunningRecording(**_running(manager, running)))
    last_out = None
    if last is not None:
        last_out = LastRecording(
            recording_id=last.id,
            start_time=datetime_from_us(last.started_us),
            end_time=datetime_from_us(last.stopped_us),
            status=last.state,
            stop_reason=last.stop_reason,
        )
    return RecordingStatus(is_recording=False, last_recording=last_out)


@router.post(
    "/cameras/{camera_id}/recordings/extend",
    dependencies=[Depends(require_permission(RECORD))],
    response_model=RunningRecording,
    summary="Extend the running recording",
    responses=error_responses(400),
)
async def extend_recording(camera_id: str, body: ExtendRecordingRequest, manager: Manager) -> RunningRecording:
    view: SessionView = await _guard(manager.extend_recording(camera_id, body.seconds))
    return RunningRecording(**_running(manager, view))


@router.get("/recordings/active", response_model=ActiveRecordings, summary="Every running manual recording")
async def active_recordings(manager: Manager) -> ActiveRecordings:
    items = [ActiveRecording(camera_id=v.camera_id, **_running(manager, v)) for v in manager.active()]
    return ActiveRecordings(recordings=items, total=len(items))


@router.get("/recordings/limits", response_model=RecordingLimitsOut, summary="Durations this backend accepts")
async def recording_limits(manager: Manager) -> RecordingLimitsOut:
    limits = manager.limits
    return RecordingLimitsOut(
        default_seconds=limits.default_s,
        min_seconds=limits.min_s,
        max_seconds=limits.max_s,
        max_concurrent=limits.max_concurrent,
    )
