"""XProtect side: ``/api/v1/milestone/...`` (inventory with import flags, sync-all job and its progress)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

from backend.api.auth import require_permission
from backend.api.deps import Caller, Cameras, Jobs, error_responses
from backend.api.schemas import (
    API_PREFIX,
    MilestoneCameraList,
    SyncAccepted,
    SyncAllRequest,
    SyncList,
    SyncStatusOut,
)
from backend.auth.permissions import CAMERAS_MANAGE
from backend.cameras.service import MilestoneFilter

router = APIRouter(prefix="/milestone", tags=["milestone"], responses=error_responses(401, 422))


@router.get(
    "/cameras",
    response_model=MilestoneCameraList,
    summary="Cameras in XProtect, with import flags, filters and paging",
    responses=error_responses(502, 503),
)
async def list_milestone_cameras(
    cameras: Cameras,
    search: Annotated[str | None, Query(max_length=200, description="substring of names, description, id")] = None,
    recording_server: Annotated[str | None, Query(alias="recordingServer", description="id or name")] = None,
    imported: bool | None = None,
    enabled: bool | None = None,
    ptz: bool | None = None,
    recording: Annotated[bool | None, Query(description="recording enabled in XProtect")] = None,
    refresh: Annotated[bool, Query(description="bypass the short inventory cache")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MilestoneCameraList:
    flt = MilestoneFilter(
        search=search,
        recording_server=recording_server,
        imported=imported,
        enabled=enabled,
        ptz=ptz,
        recording=recording,
    )
    return await cameras.list_milestone(flt, limit, offset, refresh=refresh)


@router.post(
    "/sync-all",
    dependencies=[Depends(require_permission(CAMERAS_MANAGE))],
    response_model=SyncAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Re-sync every imported camera with XProtect (background job)",
    description="Returns at once with the sync history id; follow progress at `GET /api/v1/milestone/sync/{id}`. "
    "While a run is in progress, its id is returned instead of starting another.",
    responses=error_responses(503),
)
async def sync_all(
    jobs: Jobs, caller: Caller, response: Response, body: Annotated[SyncAllRequest | None, Body()] = None
) -> SyncAccepted:
    sync_id, started = await jobs.start_sync_all(body or SyncAllRequest(), caller.name)
    response.headers["Location"] = f"{API_PREFIX}/milestone/sync/{sync_id}"
    if started:
        en, ar = "Camera synchronisation started.", "بدأت مزامنة الكاميرات."
    else:
        en, ar = "A camera synchronisation is already running.", "مزامنة الكاميرات قيد التنفيذ بالفعل."
    return SyncAccepted(
        sync_job_id=sync_id,
        status="running",
        message=en,
        message_ar=ar,
        progress_url=f"{API_PREFIX}/milestone/sync/{sync_id}",
    )


@router.get("/sync", response_model=SyncList, summary="Sync history, newest first")
async def sync_history(jobs: Jobs, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> SyncList:
    return SyncList(runs=await jobs.history(limit))


@router.get(
    "/sync/{sync_id}",
    response_model=SyncStatusOut,
    summary="Progress and outcome of one sync or import run",
    responses=error_responses(404),
)
async def sync_status(jobs: Jobs, sync_id: int) -> SyncStatusOut:
    return await jobs.status(sync_id)
