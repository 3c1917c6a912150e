"""WebSocket ``/api/v1/events``: the event bus, pushed to clients as JSON text messages (``EventOut``).

Authentication: ``?token=<API token>`` (browsers cannot set headers on WebSockets) or ``Authorization: Bearer``.
A refused client gets one ``{"type": "error", ..., "data": {"error": {...bilingual...}}}`` message and the
close code 4401 (4400 for bad filters). Filters: ``types=recording_started,recording_stopped`` and
``cameraId=<id>`` (repeatable). A slow client loses its oldest queued events (counted in
``backend_events_dropped_total``); the server closes with 1001 when it shuts down. A user session is checked
again every ``REAUTH_INTERVAL_S``: when it ended (logged out, expired, user disabled) the socket gets the
``unauthorized`` error message and is closed with 4401.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from backend.api.auth import authenticate_token
from backend.api.errors import MESSAGES, error_body
from backend.auth.permissions import VIEW
from backend.events import EVENT_TYPES, Subscription

log = logging.getLogger(__name__)

router = APIRouter()

CLOSE_UNAUTHORIZED = 4401
CLOSE_BAD_REQUEST = 4400
CLOSE_GOING_AWAY = 1001
REAUTH_INTERVAL_S = 5.0


def _bearer(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _error_message(websocket: WebSocket, code: str, **details: object) -> str:
    """The bilingual ``error`` message of ``code`` (backend.api.errors.MESSAGES) as JSON text."""
    _status, en, ar = MESSAGES[code]
    now_us = int(websocket.app.state.clock.time() * 1_000_000)
    message = {"type": "error", "time_us": now_us, "camera_id": None, "data": error_body(code, en, ar, dict(details))}
    return json.dumps(message, ensure_ascii=False)


async def _refuse(websocket: WebSocket, code: str, close_code: int, **details: object) -> None:
    await websocket.accept()
    await websocket.send_text(_error_message(websocket, code, **details))
    await websocket.close(code=close_code)


@router.websocket("/events")
async def events(
    websocket: WebSocket,
    token: Annotated[str | None, Query()] = None,
    types: Annotated[str | None, Query(description="comma-separated event types")] = None,
    camera_ids: Annotated[list[str] | None, Query(alias="cameraId")] = None,
) -> None:
    credential = token or _bearer(websocket)
    principal = await authenticate_token(websocket.app, credential)
    if principal is None or not principal.can(VIEW):
        await _refuse(websocket, "unauthorized", CLOSE_UNAUTHORIZED)
        return
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
    if wanted is not None and not set(wanted) <= EVENT_TYPES:
        await _refuse(websocket, "validation_error", CLOSE_BAD_REQUEST, unknown_types=sorted(set(wanted) - EVENT_TYPES))
        return
    state = websocket.app.state
    subscription = state.bus.subscribe(types=wanted, camera_ids=camera_ids)
    await websocket.accept()
    state.metrics.websocket_clients.inc()
    log.info("events client connected (%s)", principal.name)
    try:
        await _pump(websocket, subscription, credential if principal.kind == "user" else None)
    finally:
        subscription.close()
        state.metrics.websocket_clients.dec()
        log.info("events client gone (%s; %d dropped)", principal.name, subscription.dropped)


async def _pump(websocket: WebSocket, subscription: Subscription, session_token: str | None) -> None:
    """Send events until the client leaves or the bus closes, or (``session_token``) the user session ends;
    client messages are read and ignored."""

    async def session_watch(token: str) -> None:
        while True:
            await asyncio.sleep(REAUTH_INTERVAL_S)
            if await authenticate_token(websocket.app, token) is None:
                with contextlib.suppress(Exception):
                    await websocket.send_text(_error_message(websocket, "unauthorized"))
                    await websocket.close(code=CLOSE_UNAUTHORIZED)
                return

    async def reader() -> None:
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                await websocket.receive_text()

    async def sender() -> None:
        while True:
            try:
                event = await subscription.get()
            except EOFError:
                with contextlib.suppress(Exception):
                    await websocket.close(code=CLOSE_GOING_AWAY)
                return
            await websocket.send_text(event.to_json())

    tasks = [asyncio.ensure_future(reader()), asyncio.ensure_future(sender())]
    if session_token is not None:  # API tokens: nothing to watch
        tasks.append(asyncio.ensure_future(session_watch(session_token)))
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, Exception):
                await task
