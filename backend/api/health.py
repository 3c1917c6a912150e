"""``/health``: whether the backend can do its job, per dependency (no authentication).

``HealthRegistry`` (``app.state.health``) holds named async checks; the database and Milestone checks are
built in, services add theirs (the storage service registers ``object_store``). The answer is 200 when every
critical check passes and 503 otherwise, with each check's status and a bilingual message when it fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.api.schemas import HealthCheckOut, HealthOut
from backend.db.engine import Database
from backend.milestone_link import (
    AUTH_FAILED,
    CONNECTED,
    CONNECTING,
    MISCONFIGURED,
    NOT_CONFIGURED,
    UNREACHABLE,
    MilestoneLink,
)

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 3.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Outcome of one health check: ``ok``, a short machine ``status``, a technical ``detail`` (English, no
    secrets) and, when not ok, the bilingual operator message."""

    ok: bool
    status: str
    detail: str = ""
    message: str = ""
    message_ar: str = ""
    data: dict[str, Any] = field(default_factory=dict)


HealthCheck = Callable[[], Awaitable[CheckResult]]


class HealthRegistry:
    """Named checks; ``critical`` ones decide between 200 and 503."""

    def __init__(self) -> None:
        self._checks: dict[str, tuple[HealthCheck, bool]] = {}

    def register(self, name: str, check: HealthCheck, *, critical: bool = True) -> None:
        """Add or replace the check ``name``."""
        self._checks[name] = (check, critical)

    def names(self) -> list[str]:
        return list(self._checks)

    async def run(self, timeout_s: float = CHECK_TIMEOUT_S) -> tuple[bool, dict[str, HealthCheckOut]]:
        """Run every check concurrently (each bounded by ``timeout_s``); returns (all critical ok, results)."""

        async def one(name: str, check: HealthCheck) -> CheckResult:
            try:
                return await asyncio.wait_for(check(), timeout_s)
            except TimeoutError:
                return CheckResult(False, "timeout", f"check took longer than {timeout_s:g} s", *_TIMEOUT_MESSAGE)
            except Exception as exc:
                log.warning("health check %s failed: %s", name, type(exc).__name__)
                return CheckResult(False, "error", type(exc).__name__, *_ERROR_MESSAGE)

        items = list(self._checks.items())
        results = await asyncio.gather(*(one(name, check) for name, (check, _c) in items))
        out: dict[str, HealthCheckOut] = {}
        healthy = True
        for (name, (_check, critical)), res in zip(items, results, strict=True):
            healthy = healthy and (res.ok or not critical)
            out[name] = HealthCheckOut(
                ok=res.ok,
                status=res.status,
                critical=critical,
                detail=res.detail or None,
                message=res.message or None,
                message_ar=res.message_ar or None,
                data=res.data or None,
            )
        return healthy, out


_TIMEOUT_MESSAGE = ("The check did not answer in time.", "لم يستجب الفحص في الوقت المحدد.")
_ERROR_MESSAGE = ("The check failed unexpectedly.", "فشل الفحص بشكل غير متوقع.")


def database_check(db: Database) -> HealthCheck:
    """``SELECT 1`` in a worker thread."""

    async def check() -> CheckResult:
        try:
            await asyncio.to_thread(db.ping)
        except Exception as exc:
            return CheckResult(
                False,
                "unavailable",
                f"{type(exc).__name__}",
                "The database cannot be used.",
                "لا يمكن استخدام قاعدة البيانات.",
            )
        return CheckResult(True, "ok", db.dialect)

    return check


_MILESTONE_MESSAGES = {
    CONNECTING: ("Connecting to Milestone XProtect.", "جارٍ الاتصال بنظام Milestone XProtect."),
    UNREACHABLE: ("Milestone XProtect cannot be reached.", "تعذر الوصول إلى نظام Milestone XProtect."),
    AUTH_FAILED: (
        "Milestone XProtect refused the backend's credentials.",
        "رفض نظام Milestone XProtect بيانات اعتماد الخادم الخلفي.",
    ),
    MISCONFIGURED: (
        "The Milestone XProtect settings are incomplete.",
        "إعدادات نظام Milestone XProtect غير مكتملة.",
    ),
}
_MILESTONE_DEFAULT = ("The connection to Milestone XProtect failed.", "فشل الاتصال بنظام Milestone XProtect.")


def milestone_check(link: MilestoneLink) -> HealthCheck:
    """The link's state: ok when connected or when no Milestone server is configured."""

    async def check() -> CheckResult:
        st = link.status()
        data = {"baseUrl": st.base_url, "sinceUs": st.since_us, "attempts": st.attempts}
        if st.state in (CONNECTED, NOT_CONFIGURED):
            return CheckResult(True, st.state, "", data=data)
        en, ar = _MILESTONE_MESSAGES.get(st.state, _MILESTONE_DEFAULT)
        return CheckResult(False, st.state, st.error, en, ar, data)

    return check


def not_running_check(service: str) -> HealthCheck:
    """Placeholder for a dependency whose service is not part of this backend build (reported, not fatal)."""

    async def check() -> CheckResult:
        return CheckResult(True, "not_running", f"no {service} service runs in this backend")

    return check


router = APIRouter(tags=["system"])


@router.get(
    "/health",
    response_model=HealthOut,
    summary="Readiness of the backend and its dependencies (no authentication)",
    responses={503: {"model": HealthOut, "description": "a critical dependency is down"}},
)
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    healthy, checks = await state.health.run()
    clock = state.clock
    body = HealthOut(
        status="ok" if healthy else "unavailable",
        checks=checks,
        version=state.version,
        uptime_seconds=round(clock.monotonic() - state.started_monotonic, 3),
        time_us=int(clock.time() * 1_000_000),
    )
    return JSONResponse(body.model_dump(mode="json", by_alias=True), status_code=200 if healthy else 503)
