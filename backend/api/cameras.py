"""Our cameras: ``/api/v1/cameras`` (list, read, edit, import from XProtect, re-sync one)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Response, status

from backend.api.auth import require_permission
from backend.api.deps import Caller, Cameras, Jobs, error_responses
from backend.api.schemas import (
    Agency,
    CameraList,
    CameraOut,
    CameraPatch,
    CameraSyncResult,
    ImportRequest,
    ImportResult,
    StorageMode,
)
from backend.auth.permissions import CAMERAS_MANAGE
from backend.cameras.queries import CameraFilter

router = APIRouter(prefix="/cameras", tags=["cameras"], responses=error_responses(401, 422))


@router.get("", response_model=CameraList, summary="Our cameras, filtered and paged")
async def list_cameras(
    cameras: Cameras,
    search: Annotated[str | None, Query(max_length=200, description="substring of name, Arabic name, location")] = None,
    agency: Agency | None = None,
    enabled: bool | None = None,
    removed: Annotated[bool | None, Query(description="removed from XProtect at the last sync")] = None,
    storage_mode: Annotated[StorageMode | None, Query(alias="storageMode")] = None,
    recording_server: Annotated[str | None, Query(alias="recordingServer", description="id or name")] = None,
    source: Annotated[Literal["milestone", "rtsp"] | None, Query(description="imported from XProtect or RTSP")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CameraList:
    flt = CameraFilter(
        search=search,
        agency=agency,
        enabled=enabled,
        removed=removed,
        storage_mode=storage_mode,
        recording_server=recording_server,
        milestone=None if source is None else source == "milestone",
    )
    return await cameras.list(flt, limit, offset)


@router.post(
    "/import",
    dependencies=[Depends(require_permission(CAMERAS_MANAGE))],
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    summary="Import or re-import cameras from XProtect (idempotent)",
    description='Body: `{"cameras": [ImportItem, ...]}` or a single ImportItem. 201 when at least one camera '
    "was created, 200 when every camera already existed and was updated. 404 (nothing written) when an id is not "
    "in XProtect's inventory.",
    responses={
        **error_responses(400, 404, 502, 503),
        200: {"model": ImportResult, "description": "re-import: every camera existed"},
    },
)
async def import_cameras(
    cameras: Cameras, caller: Caller, response: Response, body: Annotated[ImportRequest, Body()]
) -> ImportResult:
    result = await cameras.import_cameras(body, caller.name)
    if result.created == 0:
        response.status_code = status.HTTP_200_OK
    return result


@router.get("/{camera_id}", response_model=CameraOut, summary="One of our cameras", responses=error_responses(404))
async def get_camera(cameras: Cameras, camera_id: str) -> CameraOut:
    return await cameras.get(camera_id)


@router.patch(
    "/{camera_id}",
    dependencies=[Depends(require_permission(CAMERAS_MANAGE))],
    response_model=CameraOut,
    summary="Edit agency, names, location, storage mode, RTSP URL",
    responses=error_responses(400, 404),
)
async def patch_camera(cameras: Cameras, camera_id: str, body: CameraPatch) -> CameraOut:
    return await cameras.patch(camera_id, body)


@router.put(
    "/{camera_id}/sync",
    dependencies=[Depends(require_permission(CAMERAS_MANAGE))],
    response_model=CameraSyncResult,
    summary="Re-sync one camera with XProtect now",
    responses=error_responses(404, 409, 502, 503),
)
async def sync_camera(jobs: Jobs, caller: Caller, camera_id: str) -> CameraSyncResult:
    return await jobs.sync_one(camera_id, caller.name)
