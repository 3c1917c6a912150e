"""REST Config API of the simulated management server, base ``/api/rest/v1`` (MILESTONE_PROTOCOL.md §2).

Collections answer ``{"array": [...]}``, single items ``{"data": {...}}``, tasks ``{"result": {...}}``.
Resource names are matched case-insensitively. Query parameters:
- ``?disabled`` (present, any value) includes disabled items; without it they are left out;
- ``?includeChildren=cameras,streams`` embeds children under their type name (``hardware`` -> ``cameras``,
  ``cameras`` -> ``streams``);
- ``page`` (0-based) and ``size`` page a collection, with no total count: clients page until a short page.
  ``--page-size-limit N`` caps ``size`` at N (for paging tests; 0 = no cap; unpaged requests are not capped).
Errors use the envelope of §2: 401 "Token validation failed: the token is expired." (or "... invalid." /
"... no token was supplied."), 403 with ``errorTextId`` VMO61008 (``?task=JpegGetLive`` on a camera the user
may not use), 404 "Device not found. cameras/<id>" (or ``hardware/<id>``, ``recordingServers/<id>``),
404 "Unknown resource: <name>".
Every user sees every camera here; permissions bite in ImageServer and RecorderCommandService (simulator.users).
"""

from __future__ import annotations

import asyncio
import base64
import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simulator import rest_json
from simulator.context import SimulatorContext
from simulator.inventory import SimCamera
from simulator.playback import snapshot_jpeg
from simulator.soap_xml import format_time
from simulator.tokens import TokenRejected
from simulator.users import User

BASE = "/api/rest/v1"
TOKEN_TEXTS = {
    True: "Token validation failed: the token is expired.",
    False: "Token validation failed: the token is invalid.",
}


class RestError(Exception):
    """An error answer in the §2 envelope."""

    def __init__(self, status: int, text: str, text_id: str | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.text_id = status, text, text_id

    def response(self) -> JSONResponse:
        return JSONResponse(rest_json.error_json(self.status, self.text, self.text_id), status_code=self.status)


def bearer_user(ctx: SimulatorContext, request: Request) -> User:
    """The user of the request's Bearer access token. Raises RestError 401."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise RestError(401, "Token validation failed: no token was supplied.")
    try:
        return ctx.tokens.check_access(token.strip()).user
    except TokenRejected as exc:
        raise RestError(401, TOKEN_TEXTS[exc.expired]) from None


class RestApi:
    """Dispatches ``/api/rest/v1/...`` requests."""

    def __init__(self, ctx: SimulatorContext) -> None:
        self._ctx = ctx

    def routes(self) -> list[Route]:
        return [Route(BASE + "/{path:path}", self._endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])]

    async def _endpoint(self, request: Request) -> JSONResponse:
        try:
            user = bearer_user(self._ctx, request)
            parts = [p for p in request.path_params["path"].split("/") if p]
            if request.method == "POST" and request.query_params.get("task"):
                return await self._task(request, parts, user)
            if request.method != "GET":
                raise RestError(405, f"Method {request.method} is not supported on {'/'.join(parts)}")
            return JSONResponse(self._get(request, parts))
        except RestError as exc:
            return exc.response()

    # -------------------------------------------------------------------------------------------- GET

    def _get(self, request: Request, parts: list[str]) -> dict:
        if not parts:
            raise RestError(404, "Unknown resource: ")
        kind = parts[0].lower()
        q = request.query_params
        disabled = "disabled" in q
        children = {c.strip().lower() for c in q.get("includeChildren", q.get("includechildren", "")).split(",")}
        inv = self._ctx.inventory
        if kind == "cameras":
            if len(parts) == 1:
                return self._page(q, [self._camera(c, children) for c in self._cameras(disabled)])
            cam = self._find(inv.camera(parts[1]), "cameras", parts[1])
            if len(parts) == 2:
                return {"data": self._camera(cam, children)}
            if len(parts) == 3 and parts[2].lower() == "streams":
                return {"array": [rest_json.streams_json(cam)]}
        elif kind == "hardware":
            if len(parts) == 1:
                return self._page(q, [self._hardware(c, children, disabled) for c in self._cameras(disabled)])
            cam = self._find(inv.hardware(parts[1]), "hardware", parts[1])
            if len(parts) == 2:
                return {"data": self._hardware(cam, children, disabled)}
            if len(parts) == 3 and parts[2].lower() == "cameras":
                chosen = [cam] if cam.enabled or disabled else []
                return self._page(q, [self._camera(c, children) for c in chosen])
        elif kind == "recordingservers":
            if len(parts) == 1:
                return self._page(q, [rest_json.recorder_json(r) for r in inv.recorders])
            rec = self._find(inv.recorder(parts[1]), "recordingServers", parts[1])
            if len(parts) == 2:
                return {"data": rest_json.recorder_json(rec)}
            if len(parts) == 3 and parts[2].lower() == "hardware":
                held = [c for c in self._cameras(disabled) if c.recorder_index == rec.index]
                return self._page(q, [self._hardware(c, children, disabled) for c in held])
        elif kind == "sites":
            site = rest_json.site_json(str(request.base_url).rstrip("/"))
            if len(parts) == 1:
                return {"array": [site]}
            if len(parts) == 2 and parts[1].lower() == rest_json.SITE_ID:
                return {"data": site}
            raise RestError(404, f"Device not found. sites/{parts[1]}")
        raise RestError(404, f"Unknown resource: {parts[-1]}")

    def _cameras(self, disabled: bool) -> list[SimCamera]:
        return [c for c in self._ctx.inventory.cameras if c.enabled or disabled]

    @staticmethod
    def _find(item, kind: str, item_id: str):
        if item is None:
            raise RestError(404, f"Device not found. {kind}/{item_id}")
        return item

    def _camera(self, cam: SimCamera, children: set[str]) -> dict:
        body = rest_json.camera_json(cam, self._ctx.config.fps)
        if "streams" in children:
            body["streams"] = [rest_json.streams_json(cam)]
        return body

    def _hardware(self, cam: SimCamera, children: set[str], disabled: bool) -> dict:
        body = rest_json.hardware_json(cam, self._ctx.inventory.recorders[cam.recorder_index])
        if "cameras" in children:
            body["cameras"] = [self._camera(cam, children)] if cam.enabled or disabled else []
        return body

    def _page(self, q, items: list[dict]) -> dict:
        if "page" not in q and "size" not in q:
            return {"array": items}
        try:
            page = int(q.get("page", "0"))
            size = int(q.get("size", "100"))
        except ValueError:
            raise RestError(400, "page and size must be integers") from None
        if page < 0 or size < 1:
            raise RestError(400, "page must be >= 0 and size >= 1")
        limit = self._ctx.config.page_size_limit
        if limit > 0:
            size = min(size, limit)
        return {"array": items[page * size : (page + 1) * size]}

    # ------------------------------------------------------------------------------------------ tasks

    async def _task(self, request: Request, parts: list[str], user: User) -> JSONResponse:
        task = request.query_params["task"]
        if len(parts) != 2 or parts[0].lower() != "cameras" or task.lower() != "jpeggetlive":
            raise RestError(400, f"Task {task} is not supported on {'/'.join(parts)}")
        cam = self._find(self._ctx.inventory.camera(parts[1]), "cameras", parts[1])
        if not user.may_use(cam.index):
            raise RestError(403, "You do not have sufficient permissions to complete the operation.", "VMO61008")
        try:
            json.loads(await request.body() or b"{}")  # {"width", "height"}: accepted, full size returned
        except ValueError:
            raise RestError(400, "Request body is not valid JSON") from None
        grid = self._ctx.grid
        frame_ms = grid.time_of(grid.index_at_or_before(int(self._ctx.clock.time() * 1000)))
        renderer = self._ctx.renderer(cam.index)
        jpeg = await asyncio.get_running_loop().run_in_executor(self._ctx.pool, snapshot_jpeg, renderer, frame_ms)
        return JSONResponse(
            {
                "result": {
                    "frameDateTime": format_time(frame_ms),
                    "jpegDataAsBase64": base64.b64encode(jpeg).decode("ascii"),
                    "state": "Success",
                }
            }
        )
