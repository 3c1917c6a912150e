"""The one place where routers are registered (add new routers here).

Authentication and permissions: every router under ``/api/v1`` requires a principal holding at least ``view``
(an API token or a logged-in user; ``require_permission(VIEW)``), and routes that change more than a view ask
for their own permission on top (backend.auth.permissions). ``/health``, ``POST /api/v1/auth/login`` and the
OpenAPI document/viewer are public; ``/metrics`` is public only with ``auth.metrics_public`` and otherwise needs
``audit.read``-level trust (an administrator or an API token). The events WebSocket authenticates itself
(token in the query or header) and needs ``view``. The user and audit routers carry their admin permissions.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from backend.api import (
    audit,
    cameras,
    clips,
    detections,
    events_ws,
    exports,
    health,
    layouts,
    login,
    metadata,
    metrics,
    milestone,
    playback,
    quotas,
    recordings,
    users,
)
from backend.api.auth import require_permission
from backend.api.schemas import API_PREFIX
from backend.auth.permissions import AUDIT_READ, VIEW
from backend.settings import BackendSettings

# Routers under /api/v1 that need a principal with the view permission (plus what their routes ask).
API_ROUTERS = (
    cameras.router,
    milestone.router,
    recordings.router,
    playback.router,
    quotas.router,
    detections.router,
    metadata.router,
    clips.router,
    exports.router,
    layouts.router,
)


def include_routers(app: FastAPI, settings: BackendSettings) -> None:
    """Mount every router on ``app``."""
    view = [Depends(require_permission(VIEW))]
    app.include_router(health.router)
    app.include_router(
        metrics.router, dependencies=[] if settings.auth.metrics_public else [Depends(require_permission(AUDIT_READ))]
    )
    app.include_router(login.router, prefix=API_PREFIX)
    app.include_router(users.router, prefix=API_PREFIX)
    app.include_router(audit.router, prefix=API_PREFIX)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX, dependencies=view)
    app.include_router(events_ws.router, prefix=API_PREFIX)
