"""Stream quota routes (issue 5 §2): reserve, release, heartbeat, stats, limits.

``app.state.quotas`` (a ``backend.quotas.service.QuotaService``, put there by ``QuotaComponent``) does the
work; this module maps it to the wire contract in ``schemas_quotas``. A refusal is the bilingual 429
``quota_exceeded`` with ``X-RateLimit-Limit``/``X-RateLimit-Remaining``; a store that is down answers 503
``quota_store_unavailable``; an expired or unknown reservation 404 ``reservation_not_found``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response

from backend.api.audit_middleware import audit_note
from backend.api.auth import Principal, require_permission
from backend.api.deps import Caller, Cameras, error_responses
from backend.api.errors import ApiError
from backend.api.schemas import datetime_from_us
from backend.api.schemas_quotas import (
    AGENCY_PATTERN,
    AgencyQuota,
    HeartbeatOut,
    HeartbeatRequest,
    LimitRequest,
    QuotaStats,
    ReleaseOut,
    ReservationOut,
    ReserveRequest,
)
from backend.auth.permissions import QUOTAS_MANAGE
from backend.cameras.service import CameraService
from backend.quotas.base import OTHER_AGENCY, AgencyUsage, QuotaExceededError, Reservation
from backend.quotas.service import QuotaService, ReservationNotYoursError

router = APIRouter(prefix="/stream", tags=["quotas"], responses=error_responses(401, 422, 503))

RATE_HEADERS: dict[str, Any] = {
    "X-RateLimit-Limit": {"description": "the agency's stream limit", "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "streams the agency may still open", "schema": {"type": "integer"}},
}
ReservationId = Annotated[str, Path(min_length=1, max_length=64)]


def quota_service(request: Request) -> QuotaService:
    service = getattr(request.app.state, "quotas", None)
    if service is None:
        raise ApiError(
            503,
            "quotas_not_running",
            "Stream quotas are not running in this backend.",
            "خدمة حصص البث لا تعمل في هذا الخادم الخلفي.",
        )
    return service


Quotas = Annotated[QuotaService, Depends(quota_service)]


def _with_headers(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of /reserve: the rate headers on the 200 and on the 429."""
    out: dict[int | str, dict[str, Any]] = {200: {"headers": RATE_HEADERS}, **responses}
    out[429] = {**out[429], "headers": RATE_HEADERS}
    return out


def _headers(limit: int, used: int) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(0, limit - used))}


def _agency(usage: AgencyUsage) -> AgencyQuota:
    return AgencyQuota(
        agency=usage.agency, limit=usage.limit, used=usage.used, available=max(0, usage.limit - usage.used)
    )


async def _camera_agency(cameras: CameraService, camera_id: str) -> str:
    """The agency of a camera the backend has imported; OTHER for one it has not (a live view of a camera
    this backend does not store still takes a slot)."""
    try:
        return (await cameras.get(camera_id)).agency
    except ApiError as exc:
        if exc.code != "camera_not_found":
            raise
        return OTHER_AGENCY


def holder_principal(holder: str) -> str:
    """The principal name a stored holder starts with (``name`` or ``name/<client label>``)."""
    return holder.split("/", 1)[0]


async def _check_holder(quotas: QuotaService, reservation_id: str, caller: Principal) -> None:
    """403 ``reservation_not_yours`` unless ``caller`` holds the reservation, may manage quotas (admins, API
    tokens) or the reservation is gone (release stays idempotent, heartbeat answers 404)."""
    if caller.can(QUOTAS_MANAGE):
        return
    reservation = await quotas.get(reservation_id)
    if reservation is not None and holder_principal(reservation.holder) != caller.name:
        raise ReservationNotYoursError(reservation_id)


def _ttl_left(reservation: Reservation, now_us: int) -> float:
    return round(max(0, reservation.expires_us - now_us) / 1_000_000, 3)


@router.post(
    "/reserve",
    response_model=ReservationOut,
    summary="Reserve a stream slot of the camera's agency before opening a stream",
    responses=_with_headers(error_responses(400, 404, 429)),
)
async def reserve(
    body: Annotated[ReserveRequest, Body()],
    caller: Caller,
    cameras: Cameras,
    quotas: Quotas,
    request: Request,
    response: Response,
) -> Any:
    agency = (body.agency or await _camera_agency(cameras, body.camera_id)).upper()
    holder = caller.name if body.holder is None else f"{caller.name}/{body.holder}"
    audit_note(request, cameraId=body.camera_id, kind=body.kind, agency=agency)
    try:
        reservation, usage = await quotas.reserve(agency, holder, body.kind, body.camera_id, body.ttl_seconds)
    except QuotaExceededError as exc:
        raise ApiError(
            exc.status, exc.code, exc.message, exc.message_ar, exc.details, _headers(exc.limit, exc.used)
        ) from None
    response.headers.update(_headers(usage.limit, usage.used))
    audit_note(request, reservationId=reservation.id, agency=reservation.agency)
    now_us = int(request.app.state.clock.time() * 1_000_000)
    return ReservationOut(
        reservation_id=reservation.id,
        agency=reservation.agency,
        camera_id=reservation.camera_id,
        kind=reservation.kind,
        holder=reservation.holder,
        expires_at=datetime_from_us(reservation.expires_us),
        ttl_seconds=_ttl_left(reservation, now_us),
        limit=usage.limit,
        remaining=max(0, usage.limit - usage.used),
    )


@router.delete(
    "/release/{reservation_id}",
    response_model=ReleaseOut,
    summary="Release a reservation (idempotent: releasing twice or after expiry answers released=false)",
)
async def release(reservation_id: ReservationId, quotas: Quotas, caller: Caller) -> ReleaseOut:
    await _check_holder(quotas, reservation_id, caller)
    return ReleaseOut(released=await quotas.release(reservation_id))


@router.post(
    "/heartbeat/{reservation_id}",
    response_model=HeartbeatOut,
    summary="Keep a reservation alive; 404 when it expired (reserve again)",
    responses=error_responses(400, 404),
)
async def heartbeat(
    reservation_id: ReservationId,
    quotas: Quotas,
    caller: Caller,
    request: Request,
    body: Annotated[HeartbeatRequest | None, Body()] = None,
) -> HeartbeatOut:
    await _check_holder(quotas, reservation_id, caller)
    reservation = await quotas.heartbeat(reservation_id, body.ttl_seconds if body is not None else None)
    now_us = int(request.app.state.clock.time() * 1_000_000)
    return HeartbeatOut(
        reservation_id=reservation.id,
        agency=reservation.agency,
        expires_at=datetime_from_us(reservation.expires_us),
        ttl_seconds=_ttl_left(reservation, now_us),
    )


@router.get("/stats", response_model=QuotaStats, summary="Every agency's stream limit and live reservations")
async def stats(quotas: Quotas) -> QuotaStats:
    return QuotaStats(agencies=[_agency(u) for u in await quotas.stats()])


@router.put(
    "/limits/{agency}",
    dependencies=[Depends(require_permission(QUOTAS_MANAGE))],
    response_model=AgencyQuota,
    summary="Set an agency's stream limit (a new agency gets one)",
    responses=error_responses(400),
)
async def set_limit(
    agency: Annotated[str, Path(pattern=AGENCY_PATTERN)], body: Annotated[LimitRequest, Body()], quotas: Quotas
) -> AgencyQuota:
    return _agency(await quotas.set_limit(agency.upper(), body.limit))
