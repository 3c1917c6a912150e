"""Client of the backend's event WebSocket ``/api/v1/events``: parsed events to a callback, reconnects itself.

Each message is ``{"type", "time_us" (UTC µs), "camera_id", "data"}`` (``backend.api.schemas.EventOut``): types
recording_started, recording_progress (data: recordingId, elapsedSeconds, remainingSeconds, durationSeconds,
scheduledEndUs), recording_stopped (data.reason: user | duration | overdue_at_restart | error),
segment_uploaded, camera_status, milestone_status. The client runs as a task on the running asyncio loop (the
GUI's qasync loop), so the callbacks run on the GUI thread. When the connection fails or drops it reconnects
after a back-off (0.5 s doubling up to ``max_backoff_s``). The API token travels in the ``Authorization``
header of the upgrade request (the endpoint also accepts ``?token=``; a header stays out of URLs), and the
websockets library's debug log, which would print request headers, is kept off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from backend.api.schemas import API_PREFIX, EventOut

from .client import is_loopback

log = logging.getLogger(__name__)

# The websockets library logs every request header at DEBUG (the Authorization header included): its logger
# for our connections never goes below INFO, whatever the application's log level.
_ws_log = logging.getLogger(f"{__name__}.websocket")
_ws_log.setLevel(logging.INFO)

OPEN_TIMEOUT_S = 10.0
PING_INTERVAL_S = 20.0
STABLE_AFTER_S = 5.0  # a connection that lasted this long resets the back-off


def events_url(base_url: str) -> str:
    """``http://host:port`` -> ``ws://host:port/api/v1/events`` (``https`` -> ``wss``)."""
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return f"{base}{API_PREFIX}/events"


def parse_event(text: str | bytes) -> EventOut | None:
    """One WebSocket message as an EventOut; None (logged) when it is not one (e.g. an unknown type)."""
    try:
        return EventOut.model_validate(json.loads(text))
    except (ValueError, ValidationError):
        log.debug("ignoring an event the GUI does not understand")
        return None


class EventsClient:
    """Keeps one WebSocket to the backend's events open and hands every event to ``on_event``.

    ``on_connected(bool)`` is called when the socket opens (True) and when it is lost (False). ``start()``
    must be called from the running loop; ``close()`` stops and waits. ``last_error``: why the last attempt
    failed (English, technical, never the token).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        on_event: Callable[[EventOut], None],
        on_connected: Callable[[bool], None] | None = None,
        *,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.url = events_url(base_url)
        self._proxy: bool | None = None if is_loopback(base_url) else True  # True: the environment's proxy
        self._token = token
        self._on_event = on_event
        self._on_connected = on_connected
        self._max_backoff = max_backoff_s
        self._task: asyncio.Task[None] | None = None
        self.connected = False
        self.connections = 0
        self.last_error = ""

    def start(self) -> None:
        """Start the connect/read/reconnect task on the running loop (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="backend-events")

    async def close(self) -> None:
        """Stop the task and close the socket."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._set_connected(False)

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            if self._on_connected is not None:
                self._on_connected(connected)

    async def _run(self) -> None:
        backoff = 0.5
        loop = asyncio.get_running_loop()
        while True:
            opened_at = None
            try:
                async with connect(
                    self.url,
                    additional_headers={"Authorization": f"Bearer {self._token}"},
                    open_timeout=OPEN_TIMEOUT_S,
                    ping_interval=PING_INTERVAL_S,
                    logger=_ws_log,
                    proxy=self._proxy,
                    max_size=2**20,
                ) as ws:
                    opened_at = loop.time()
                    self.connections += 1
                    self.last_error = ""
                    self._set_connected(True)
                    async for message in ws:
                        self._dispatch(message)
                    self.last_error = f"closed by the backend ({ws.close_code})"
            except asyncio.CancelledError:
                raise
            except ConnectionClosed as exc:
                self.last_error = f"connection lost ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
                self.last_error = type(exc).__name__
            self._set_connected(False)
            if opened_at is not None and loop.time() - opened_at >= STABLE_AFTER_S:
                backoff = 0.5
            log.info("backend events: %s; reconnecting in %.1f s", self.last_error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(self._max_backoff, backoff * 2)

    def _dispatch(self, message: Any) -> None:
        event = parse_event(message)
        if event is None:
            return
        if event.type == "error":  # the backend refused us (bad token): it closes right after
            error = event.data.get("error", {}) if isinstance(event.data, dict) else {}
            self.last_error = str(error.get("code") or "refused")
            log.warning("the backend refused the events connection: %s", self.last_error)
            return
        try:
            self._on_event(event)
        except Exception:
            log.exception("handling backend event %s failed", event.type)
