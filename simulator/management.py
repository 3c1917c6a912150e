"""The simulated management server: one Starlette app (IDP, SOAP Login, REST Config API, test faults).

XProtect runs on IIS, where URL paths are case-insensitive (clients send ``/API/IDP/...``, ``/api/rest/v1``,
``/API/rest/v1``); ``CanonicalPaths`` maps any casing of a known prefix to the one the routes use.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.context import SimulatorContext
from simulator.faults import fault_routes
from simulator.idp import idp_routes
from simulator.rest import BASE, RestApi
from simulator.soap_login import soap_login_routes

CANONICAL_PATHS = (
    "/API/IDP/connect/token",
    "/IDP/connect/token",
    "/api/.well-known/uris",
    "/ManagementServer/ServerCommandServiceOAuth.svc",
    "/ManagementServer/ServerCommandService.svc",
    "/simulator/faults",
    "/simulator/status",
)


class CanonicalPaths:
    """ASGI middleware: rewrite the path of a request whose known prefix differs only in letter case."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._exact = {p.lower(): p for p in CANONICAL_PATHS}
        self._prefixes = {BASE.lower() + "/": BASE + "/", "/api/rest/v1/": BASE + "/"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            low = path.lower()
            new = self._exact.get(low)
            if new is None:
                for prefix, canonical in self._prefixes.items():
                    if low.startswith(prefix):
                        new = canonical + path[len(prefix) :]
                        break
            if new is not None and new != path:
                scope = {**scope, "path": new, "raw_path": new.encode()}
        await self._app(scope, receive, send)


def status_route(ctx: SimulatorContext) -> Route:
    """Test-only ``GET /simulator/status`` (not an XProtect endpoint): ``{"cameras", "live_channels"}``, the
    number of cameras whose live encoder is running."""

    async def status(_: Request) -> JSONResponse:
        return JSONResponse({"cameras": ctx.config.cameras, "live_channels": ctx.live.active_channels()})

    return Route("/simulator/status", status, methods=["GET"])


def build_management_app(ctx: SimulatorContext) -> ASGIApp:
    """The management server's ASGI app."""
    routes = [
        status_route(ctx),
        *idp_routes(ctx),
        *soap_login_routes(ctx),
        *RestApi(ctx).routes(),
        *fault_routes(ctx.faults, lambda camera_id: ctx.inventory.camera(camera_id) is not None),
    ]
    return CanonicalPaths(Starlette(routes=routes))
