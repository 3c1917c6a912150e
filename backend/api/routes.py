"""The one place where routers are registered (add new routers here, e.g. recordings).

Authentication: every router under ``/api/v1`` requires the API token (``require_principal``); ``/health``
and the OpenAPI document/viewer are public; ``/metrics`` is public only with ``auth.metrics_public``. The
events WebSocket authenticates itself (token in the query or header).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

from backend.api import cameras, events_ws, health, metrics, milestone, playback, quotas, recordings
from backend.api.auth import require_principal
from backend.api.schemas import API_PREFIX
from backend.settings import BackendSettings

# Routers under /api/v1 that need the API token.
API_ROUTERS = (cameras.router, milestone.router, recordings.router, playback.router, quotas.router)


def include_routers(app: FastAPI, settings: BackendSettings) -> None:
    """Mount every router on ``app``."""
    auth = [Depends(require_principal)]
    app.include_router(health.router)
    app.include_router(metrics.router, dependencies=[] if settings.auth.metrics_public else auth)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX, dependencies=auth)
    app.include_router(events_ws.router, prefix=API_PREFIX)
