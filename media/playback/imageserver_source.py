"""Playback source over XProtect's ImageServer (``goto``/``next``/``previous``, H.264 GenericByteData).

The source owns one ImageServer connection for one camera (MILESTONE_PROTOCOL.md §3) on its own I/O thread
and asyncio loop; the player's fetch thread calls the blocking methods. The connection opens on the first
request with the token source's current vms_token (TLS when the token source offers a context for the
recording server, ``media.tokens.ImageServerTlsSource``), follows renewed tokens with ``connectupdate``, asks
for a renewal when the token is refused, and reopens once when the server dropped it (e.g. a socket closed
while paused).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from media.playback.imageserver_gops import ImageServerGops
from media.playback.source import (
    AUTH_FAILED,
    INTERNAL,
    NO_PERMISSION,
    NOT_FOUND,
    PROTOCOL,
    TLS,
    UNREACHABLE,
    FetchCancelled,
    Gop,
    Pacer,
    PlaybackError,
)
from media.reconnect import ask_for_renewal, describe, image_server_ssl_context
from media.tokens import TokenSource
from milestone.errors import (
    AuthenticationError,
    MilestoneError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    TlsError,
    UnreachableError,
)
from milestone.imageserver import ImageServerConnection
from milestone.models import Camera

log = logging.getLogger(__name__)

T = TypeVar("T")

_STOP_TIMEOUT = 5.0
_RENEWAL_POLL_S = 0.1


def playback_error(exc: BaseException) -> PlaybackError:
    """The PlaybackError (with its machine code) for a failure of the ImageServer connection."""
    if isinstance(exc, PlaybackError):
        return exc
    text = describe(exc)
    if isinstance(exc, TlsError):
        return PlaybackError(TLS, text)
    if isinstance(exc, PermissionDeniedError):
        return PlaybackError(NO_PERMISSION, text)
    if isinstance(exc, AuthenticationError):
        return PlaybackError(AUTH_FAILED, text)
    if isinstance(exc, NotFoundError):
        return PlaybackError(NOT_FOUND, text)
    if isinstance(exc, ProtocolError):
        return PlaybackError(PROTOCOL, text)
    if isinstance(exc, UnreachableError | OSError | EOFError):
        return PlaybackError(UNREACHABLE, text)
    return PlaybackError(INTERNAL, text)


class ImageServerPlaybackSource:
    """Recorded video of ``camera`` from its recording server's ImageServer.

    ``tokens`` supplies the vms_token and its renewals (``milestone.session.MilestoneSession``); ``stream_id``
    picks a stream (default: the server's default); ``timeout`` bounds connecting and each request (s);
    ``renewal_wait`` is how long a refused token waits for a renewed one before failing (s). Implements
    ``media.playback.source.PlaybackSource``.
    """

    def __init__(
        self,
        camera: Camera,
        tokens: TokenSource,
        *,
        stream_id: str | None = None,
        timeout: float = 10.0,
        renewal_wait: float = 5.0,
    ) -> None:
        self.camera = camera
        self._tokens = tokens
        self._stream_id = stream_id
        self._timeout = timeout
        self._renewal_wait = renewal_wait
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._running: concurrent.futures.Future[object] | None = None
        self._nav: ImageServerGops | None = None  # touched only on the loop
        self.connections_opened = 0  # ImageServer connections opened so far (reopens after drops count)
        self.label = f"ImageServer playback of camera {camera.name!r} ({camera.id})"

    # ------------------------------------------------------------------------------------------ PlaybackSource

    def open(self) -> None:
        with self._lock:
            if self._closed or self._loop is not None:
                return
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=_run_loop, args=(loop,), name="playback-imageserver")
            thread.start()
            self._loop, self._thread = loop, thread

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop, thread, running = self._loop, self._thread, self._running
        if running is not None:
            running.cancel()
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._drop(), loop).result(_STOP_TIMEOUT)
        except Exception as exc:
            log.info("%s: closing the connection failed: %s", self.label, describe(exc))
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            log.error("%s: the I/O thread did not stop within %s s", self.label, _STOP_TIMEOUT)

    def request_log(self) -> list[tuple[float, str, int]]:
        """The latest answered requests of the current connection: ``(monotonic s, method, Current ms)``."""
        nav = self._nav
        return list(nav.requests.copy()) if nav is not None else []  # deque.copy is atomic under the GIL

    def sequences(self) -> list[tuple[int, int]] | None:
        return None  # XProtect's sequences come from RecorderCommandService (Player.set_sequences)

    def gop_at(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        return self._call(lambda nav: nav.gop_at(time_us, pacer))

    def gop_after(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        return self._call(lambda nav: nav.gop_after(time_us, pacer))

    def gop_before(self, time_us: int, pacer: Pacer | None = None) -> Gop | None:
        return self._call(lambda nav: nav.gop_before(time_us, pacer))

    # ------------------------------------------------------------------------------------------ internals

    def _call(self, op: Callable[[ImageServerGops], Awaitable[T]]) -> T:
        with self._lock:
            loop = self._loop
            if loop is None or self._closed:
                raise PlaybackError(INTERNAL, f"{self.label} is not open")
            future = asyncio.run_coroutine_threadsafe(self._run(op), loop)
            self._running = future  # type: ignore[assignment]
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise FetchCancelled() from None
        finally:
            with self._lock:
                if self._running is future:
                    self._running = None

    async def _run(self, op: Callable[[ImageServerGops], Awaitable[T]]) -> T:
        """``op`` on an open connection; one reopen when the connection broke. Raises PlaybackError."""
        for attempt in (1, 2):
            try:
                nav = await self._ensure()
                return await op(nav)
            except (FetchCancelled, PlaybackError):
                raise
            except (UnreachableError, ProtocolError, OSError, EOFError) as exc:
                await self._drop()
                if attempt == 2 or isinstance(exc, TlsError):
                    raise playback_error(exc) from None
                log.info("%s: %s; reopening the connection", self.label, describe(exc))
            except MilestoneError as exc:
                await self._drop()
                raise playback_error(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _ensure(self) -> ImageServerGops:
        nav = self._nav
        if nav is not None and not nav.conn.closed:
            return nav
        await self._drop()
        token = self._tokens.current_vms_token()
        try:
            conn = await self._open(token)
        except AuthenticationError:
            ask_for_renewal(self._tokens, token, self.label)
            renewed = await self._renewed(token)
            if renewed is None:
                raise
            token = renewed
            conn = await self._open(token)
        self.connections_opened += 1
        conn.follow_tokens(self._tokens.subscribe_vms_token)
        latest = self._tokens.current_vms_token()
        if latest != token:
            try:
                await conn.connect_update(latest)
            except MilestoneError as exc:
                log.info("%s: connectupdate failed: %s", self.label, describe(exc))
        self._nav = ImageServerGops(conn)
        return self._nav

    async def _open(self, token: str) -> ImageServerConnection:
        return await ImageServerConnection.open_camera(
            self.camera,
            token,
            stream_id=self._stream_id,
            ssl_context=image_server_ssl_context(self._tokens, self.camera),
            timeout=self._timeout,
        )

    async def _renewed(self, stale: str) -> str | None:
        """Wait up to ``renewal_wait`` for a vms_token other than ``stale``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._renewal_wait
        while loop.time() < deadline:
            token = self._tokens.current_vms_token()
            if token != stale:
                return token
            await asyncio.sleep(_RENEWAL_POLL_S)
        return None

    async def _drop(self) -> None:
        nav, self._nav = self._nav, None
        if nav is not None:
            try:
                await asyncio.wait_for(nav.conn.aclose(), _STOP_TIMEOUT)
            except Exception as exc:
                log.debug("%s: closing the connection failed: %s", self.label, describe(exc))


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=_STOP_TIMEOUT))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
