"""FastAPI dependencies giving route handlers the services the lifespan created (``app.state``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from backend.api.auth import Principal, require_principal
from backend.api.schemas import ErrorResponse
from backend.cameras.jobs import SyncJobs
from backend.cameras.service import CameraService


def camera_service(request: Request) -> CameraService:
    return request.app.state.cameras


def sync_jobs(request: Request) -> SyncJobs:
    return request.app.state.sync_jobs


Caller = Annotated[Principal, Depends(require_principal)]
Cameras = Annotated[CameraService, Depends(camera_service)]
Jobs = Annotated[SyncJobs, Depends(sync_jobs)]


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error statuses (all share ErrorResponse)."""
    text = {
        400: "bad request (e.g. malformed JSON)",
        401: "missing or invalid API token",
        403: "not allowed",
        404: "not found",
        409: "conflict",
        422: "invalid request fields",
        502: "Milestone XProtect refused or failed",
        503: "Milestone XProtect not connected or not configured",
    }
    out: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": text.get(status, "error")} for status in statuses
    }
    return out
