"""Evidence exports (issue 7 §1; wire contract ``backend.api.schemas_exports``, service ``backend.exports``).

Every route needs the ``export`` permission (on top of ``view``, which the router registration asks for).
State-changing calls are audited by the audit middleware (with the export id added); the download and file
routes write their own audit rows (chain of custody: who fetched which package, with its SHA-256). Bilingual
errors: 400 ``time_without_timezone``; 422 ``too_many_cameras``, ``range_too_long``, ``bad_range``,
``no_footage``; 404 ``camera_not_found``, ``export_not_found``; 409 ``export_not_ready``; 410
``export_expired``; 503 ``exports_unavailable`` (the component is not running).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from backend.api.audit_middleware import audit_note
from backend.api.auth import require_permission
from backend.api.deps import error_responses
from backend.api.incident_links import require_incident
from backend.api.schemas_exports import (
    DEFAULT_PAGE,
    MAX_PAGE,
    ExportCreate,
    ExportDownload,
    ExportOut,
    ExportPage,
    ExportStatus,
    ExportVerification,
    FileCheck,
)
from backend.auth.audit import AuditRecord
from backend.auth.permissions import EXPORT
from backend.auth.principal import Principal
from backend.errors import BilingualError
from backend.exports.service import ExportService, export_out
from backend.exports.store import ExportRecord
from backend.playback.errors import TimeWithoutTimezoneError
from backend.playback.ranges import from_us, to_us

router = APIRouter(prefix="/storage", tags=["exports"], responses=error_responses(400, 401, 403, 404, 503))
Exporter = Annotated[Principal, Depends(require_permission(EXPORT))]
FILE_ROUTE = "/api/v1/storage/exports/{export_id}/file"
JSON = "application/json"


class ExportsUnavailableError(BilingualError):
    code, status = "exports_unavailable", 503

    def __init__(self) -> None:
        super().__init__("Exports are not running in this backend.", "خدمة التصدير لا تعمل في هذا الخادم.")


def _service(request: Request) -> ExportService:
    service = getattr(request.app.state, "exports", None)
    if service is None:
        raise ExportsUnavailableError()
    return service


Service = Annotated[ExportService, Depends(_service)]


def _json(model: Any, status: int = 200) -> Response:
    return Response(model.model_dump_json(by_alias=True), status_code=status, media_type=JSON)


def _file_name(rec: ExportRecord) -> str:
    return f"export-{rec.id}.zip"


async def _audit_fetch(request: Request, principal: Principal, action: str, rec: ExportRecord, **detail: Any) -> None:
    audit = getattr(getattr(request.app.state, "auth", None), "audit", None)
    if audit is None:
        return
    client = request.client
    await audit.record(
        AuditRecord(
            at_us=int(request.app.state.clock.time() * 1_000_000),
            actor=principal.name,
            actor_kind=principal.kind,
            action=action,
            target=f"export_id={rec.id}",
            outcome="success",
            status=200,
            client_address=client.host if client else "",
            detail={"sha256": rec.sha256, "sizeBytes": rec.size_bytes, **detail},
        )
    )


@router.post(
    "/exports",
    status_code=202,
    response_model=ExportOut,
    summary="Queue an evidence export of cameras over a time range",
    responses=error_responses(422),
)
async def create_export(body: ExportCreate, request: Request, principal: Exporter, service: Service) -> Response:
    for field, value in (("start", body.start), ("end", body.end)):
        if value.tzinfo is None:
            raise TimeWithoutTimezoneError(field)
    await require_incident(request, body.incident_id)
    rec = await service.create(body, principal.name)
    audit_note(request, exportId=rec.id, cameraIds=rec.camera_ids, reason=rec.reason, maskFaces=rec.mask_faces)
    return _json(export_out(rec), 202)


@router.get("/exports", response_model=ExportPage, summary="Exports, newest first, with paging")
async def list_exports(
    _: Exporter,
    service: Service,
    status: Annotated[ExportStatus | None, Query()] = None,
    created_by: Annotated[str | None, Query(alias="createdBy", max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    before_created: Annotated[datetime | None, Query(alias="beforeCreated")] = None,
) -> Response:
    if before_created is not None and before_created.tzinfo is None:
        raise TimeWithoutTimezoneError("beforeCreated")
    before = to_us(before_created) if before_created is not None else None
    rows, next_us = await service.page(status=status, created_by=created_by, before_us=before, limit=limit)
    page = ExportPage(
        exports=[export_out(r) for r in rows], next_before_created=from_us(next_us) if next_us is not None else None
    )
    return _json(page)


@router.get("/exports/{export_id}", response_model=ExportOut, summary="One export and its progress")
async def get_export(export_id: str, _: Exporter, service: Service) -> Response:
    return _json(export_out(await service.get(export_id)))


@router.get(
    "/exports/{export_id}/download",
    response_model=ExportDownload,
    summary="Where to fetch a completed package (presigned URL, or this backend's /file route)",
    responses=error_responses(409, 410),
)
async def download_export(export_id: str, request: Request, principal: Exporter, service: Service) -> Response:
    rec = await service.ready(export_id)
    url = await asyncio.to_thread(service.presigned_url, rec)
    now = datetime.fromtimestamp(request.app.state.clock.time()).astimezone()
    expires = now + timedelta(seconds=service.deps.settings.presign_expiry_s) if url else None
    await _audit_fetch(request, principal, "export.download_link", rec, presigned=url is not None)
    assert rec.size_bytes is not None and rec.sha256 is not None
    body = ExportDownload(
        url=url or FILE_ROUTE.format(export_id=rec.id),
        presigned=url is not None,
        url_expires_at=expires,
        name=_file_name(rec),
        size_bytes=rec.size_bytes,
        sha256=rec.sha256,
    )
    return _json(body)


@router.get(
    "/exports/{export_id}/file",
    response_class=Response,
    summary="The package (ZIP)",
    responses={200: {"content": {"application/zip": {}}}, **error_responses(409, 410)},
)
async def export_file(export_id: str, request: Request, principal: Exporter, service: Service) -> Response:
    rec = await service.ready(export_id)
    await _audit_fetch(request, principal, "export.downloaded", rec)
    headers = {"X-Package-Sha256": rec.sha256 or "", "Cache-Control": "private, no-store"}
    path = service.package_path(rec)
    if path is not None:
        return FileResponse(path, media_type="application/zip", filename=_file_name(rec), headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{_file_name(rec)}"'
    headers["Content-Length"] = str(rec.size_bytes)
    return StreamingResponse(
        iterate_in_threadpool(service.package_chunks(rec)), media_type="application/zip", headers=headers
    )


@router.post(
    "/exports/{export_id}/verify",
    response_model=ExportVerification,
    summary="Check the stored package against its manifest",
    responses=error_responses(409, 410),
)
async def verify_export(export_id: str, request: Request, _: Exporter, service: Service) -> Response:
    result = await service.verify(export_id)
    audit_note(request, ok=result.ok)
    body = ExportVerification(
        export_id=export_id,
        ok=result.ok,
        checked_at=from_us(int(request.app.state.clock.time() * 1_000_000)),
        manifest_ok=result.manifest_ok,
        files=[
            FileCheck(name=f.name, expected_sha256=f.expected_sha256, actual_sha256=f.actual_sha256, ok=f.ok)
            for f in result.files
        ],
        problems=result.problems,
    )
    return _json(body)


@router.delete(
    "/exports/{export_id}",
    status_code=204,
    response_class=Response,
    summary="Cancel a queued or running export, or remove a completed package",
)
async def delete_export(export_id: str, request: Request, _: Exporter, service: Service) -> Response:
    rec = await service.delete(export_id)
    audit_note(request, status=rec.status)
    return Response(status_code=204)
