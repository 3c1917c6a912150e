"""ImageServer TCP connection (asyncio): connect, live, playback (goto/next/previous) and connectupdate.

Source: MILESTONE_PROTOCOL.md §3 ([ISDOC], [P] ``TcpVideoViewer/ImageServerConnection.cs``). The bytes are
built and split by ``milestone.imageserver_codec``. The receive side is an asyncio protocol
(``milestone.imageserver_transport``): every read is split into messages, and each ``<methodresponse>`` (and
each playback image) goes to the request waiting for that ``requestid``, live images to a bounded live queue,
and ``<livepackage>`` status to ``last_status`` (its XML parsed only when read). So ``connect_update`` works
while live frames flow. Once the stream breaks (ProtocolError, dropped socket) the connection is dead:
every waiter gets the error and the caller opens a new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncGenerator, Callable

from milestone.errors import (
    AuthenticationError,
    MilestoneError,
    NotFoundError,
    ProtocolError,
    TlsError,
    UnreachableError,
)
from milestone.imageserver_codec import LiveStatus, Message, MethodResponse, build_method_call, connect_params
from milestone.imageserver_live import LiveQueue
from milestone.imageserver_refusals import connect_error, fresh_error
from milestone.imageserver_transport import READ_CHUNK, ImageServerProtocol
from milestone.models import Camera, ImageFrame

log = logging.getLogger(__name__)

__all__ = ["LIVE_QUEUE_SIZE", "PACED_QUEUE_SIZE", "READ_CHUNK", "ImageServerConnection", "TokenSubscribe"]

LIVE_QUEUE_SIZE = 64  # frames; a consumer this far behind loses the queue and resumes at the next key frame
PACED_QUEUE_SIZE = 4096  # frames the live queue holds in paced reading (one read may bring many; see below)
STOP_REPLY_WAIT_S = 1.0  # ``stop`` may or may not be answered (GUESS, tolerant)

TokenSubscribe = Callable[[Callable[[str], None]], Callable[[], None]]


class ImageServerConnection:
    """One TCP (or TLS) connection to a recording server's ImageServer, for one camera.

    Create with ``await ImageServerConnection.open(host, port)`` or ``open_camera(camera, vms_token)``. All
    coroutines must run in the loop that opened it. ``timeout`` (s) bounds connecting and each request.
    ``dropped_frames`` counts live frames discarded because the consumer fell behind.

    Paced reading (:meth:`set_read_interval`, ``milestone.imageserver_transport``) trades latency for CPU;
    the recorder uses it (16 cameras at 15 fps, 1 s: about a sixth of the CPU of reading every frame at once).
    """

    def __init__(self, protocol: ImageServerProtocol, *, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, float(timeout)
        self._protocol = protocol
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[MethodResponse | ImageFrame]] = {}
        self._live_ids: set[int] = set()
        self._live = LiveQueue(LIVE_QUEUE_SIZE, f"ImageServer {host}:{port}")  # frames, end marker, failure
        self._live_on = False
        self._error: MilestoneError | None = None
        self._write_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe: list[Callable[[], None]] = []
        self.camera_id = ""
        self.stream_id: str | None = None
        self.last_status: LiveStatus | None = None
        self.token_updates = 0
        protocol.keep_reading = lambda: bool(self._pending)  # never pause while a request waits for its reply
        protocol.attach(self._route_all, self._fail)

    def __repr__(self) -> str:
        return f"ImageServerConnection({self.host}:{self.port}, camera={self.camera_id or '-'})"

    # ------------------------------------------------------------------------------------------ opening

    @classmethod
    async def open(
        cls, host: str, port: int, *, ssl_context: ssl.SSLContext | None = None, timeout: float = 10.0
    ) -> ImageServerConnection:
        """Open the socket (TLS when ``ssl_context`` is given). Raises UnreachableError or TlsError."""
        what = f"ImageServer {host}:{port}"
        protocol = ImageServerProtocol(what)
        try:
            await asyncio.wait_for(
                asyncio.get_running_loop().create_connection(lambda: protocol, host, port, ssl=ssl_context), timeout
            )
        except ssl.SSLError as exc:
            raise TlsError(
                f"TLS handshake with {what} failed: {getattr(exc, 'verify_message', None) or exc.reason or exc}. "
                "Check that the recording server certificate is trusted and matches its host name."
            ) from None
        except TimeoutError:
            raise UnreachableError(f"connecting to {what} timed out after {timeout:g} s") from None
        except OSError as exc:
            raise UnreachableError(f"cannot reach {what}: {exc.strerror or exc}") from None
        return cls(protocol, host=host, port=port, timeout=timeout)

    @classmethod
    async def open_camera(
        cls,
        camera: Camera,
        vms_token: str,
        *,
        stream_id: str | None = None,
        jpeg: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 10.0,
    ) -> ImageServerConnection:
        """Open a connection to the camera's recording server and ``connect`` to the camera.

        Raises NotFoundError (no visible recording server) and everything ``open``/``connect`` raise.
        """
        server = camera.recording_server
        if server is None:
            raise NotFoundError(f"camera {camera.id} has no recording server visible to this user")
        conn = await cls.open(
            server.image_server_host, server.image_server_port, ssl_context=ssl_context, timeout=timeout
        )
        try:
            await conn.connect(camera.id, vms_token, stream_id=stream_id, jpeg=jpeg)
        except BaseException:
            await conn.aclose()
            raise
        return conn

    # ------------------------------------------------------------------------------------------ requests

    async def connect(self, camera_id: str, vms_token: str, stream_id: str | None = None, jpeg: bool = False) -> None:
        """Send ``connect`` with the vms_token (H.264 GenericByteData unless ``jpeg``).

        Raises PermissionDeniedError, AuthenticationError or NotFoundError when the server answers
        ``connected=no``; ProtocolError, UnreachableError.
        """
        reply = await self._request("connect", connect_params(camera_id, vms_token, stream_id, jpeg=jpeg))
        if not isinstance(reply, MethodResponse):
            raise ProtocolError("ImageServer answered connect with an image")
        if reply.fields.get("connected", "").strip().lower() != "yes":
            raise connect_error(reply.fields.get("errorreason", ""), vms_token)
        self.camera_id, self.stream_id = camera_id, stream_id

    async def connect_update(self, vms_token: str) -> None:
        """Hand a renewed vms_token to the open connection (``connectupdate``), also while live.

        Raises AuthenticationError when the server refuses it, UnreachableError/ProtocolError.
        """
        if not self.camera_id:
            raise ProtocolError("connect_update before connect")
        param = f"id={self.camera_id}&connectiontoken={vms_token}"
        reply = await self._request("connectupdate", {"connectparam": param})
        if isinstance(reply, MethodResponse) and reply.fields.get("connected", "yes").strip().lower() == "no":
            raise AuthenticationError(connect_error(reply.fields.get("errorreason", ""), vms_token).args[0])
        self.token_updates += 1

    def set_read_interval(self, interval_s: float) -> None:
        """Read the socket at most every ``interval_s`` seconds (0, the default: as soon as data arrives).

        Each read takes everything the kernel holds (a read that fills READ_CHUNK is followed at once by
        another, so a high bit rate is never throttled). Live frames then come in bursts up to ``interval_s``
        late, and the live queue holds PACED_QUEUE_SIZE frames instead of LIVE_QUEUE_SIZE (a burst is not a
        slow consumer). A request ends the pause at once, so replies are not delayed. Call before
        ``start_live()``; 0 <= ``interval_s`` <= 1. Raises ValueError, ProtocolError (after start_live).
        """
        if not 0.0 <= interval_s <= 1.0:
            raise ValueError("the read interval must be between 0 and 1 s")
        if self._live_on:
            raise ProtocolError("set_read_interval must come before start_live")
        self._protocol.interval = float(interval_s)
        self._live.maxsize = PACED_QUEUE_SIZE if interval_s > 0 else LIVE_QUEUE_SIZE
        self._protocol.wake()

    async def read_now(self, timeout: float = 1.0) -> None:
        """Paced reading: end the pause, and return once what the socket held has been read and its frames
        queued for ``live_frames()``/``live_batches()`` (at most ``timeout`` s). For a consumer about to close
        the connection that wants every frame that already arrived. Does nothing without paced reading."""
        if self._error is None:
            await self._protocol.read_now(timeout)

    async def start_live(self, compression_rate: int = 90) -> None:
        """Ask for live images (``live``); read them with ``live_frames()``. The server streams until stop."""
        self._check_alive()
        self._live.restart()
        request_id = self._new_id()
        self._live_ids.add(request_id)
        self._live_on = True
        await self._send(build_method_call(request_id, "live", {"compressionrate": str(int(compression_rate))}))

    def live_frames(self, idle_timeout: float | None = None) -> AsyncGenerator[ImageFrame, None]:
        """Yield live ImageFrames until ``stop_live()`` (an async generator).

        Raises ProtocolError (malformed stream), UnreachableError (socket dropped, or no frame for
        ``idle_timeout`` seconds when given). After an error the connection is unusable: open a new one.
        """
        return self._live.frames(idle_timeout)

    def live_batches(self, idle_timeout: float | None = None) -> AsyncGenerator[list[ImageFrame], None]:
        """Like ``live_frames()``, but yields every live frame received so far at once, as a non-empty list
        in stream order (one list per read with paced reading: less per-frame overhead for a recorder)."""
        return self._live.batches(idle_timeout)

    @property
    def dropped_frames(self) -> int:
        """Live frames discarded because the consumer fell behind (see ``milestone.imageserver_live``)."""
        return self._live.dropped_frames

    async def stop_live(self) -> None:
        """Send ``stop``; ``live_frames()`` ends after the frames already queued."""
        if not self._live_on:
            return
        self._live_on = False
        self._live.end()
        if self._error is not None:
            return
        with contextlib.suppress(TimeoutError):
            await self._request("stop", {}, timeout=STOP_REPLY_WAIT_S)

    async def goto(self, time_ms: int, keyframes_only: bool = False, compression_rate: int = 75) -> ImageFrame:
        """Playback: the image at ``time_ms`` (ms UTC). An empty frame (all headers 0) = nothing recorded."""
        params = {
            "time": str(int(time_ms)),
            "compressionrate": str(int(compression_rate)),
            "keyframesonly": "yes" if keyframes_only else "no",
        }
        return await self._image_request("goto", params)

    async def next(self) -> ImageFrame:
        """Playback: the image after the current one (empty frame at the end of recordings)."""
        return await self._image_request("next", {})

    async def previous(self) -> ImageFrame:
        """Playback: the image before the current one (empty frame at the start of recordings)."""
        return await self._image_request("previous", {})

    def follow_tokens(self, subscribe: TokenSubscribe) -> Callable[[], None]:
        """Send ``connectupdate`` with every renewed vms_token, e.g. ``conn.follow_tokens(s.subscribe_vms_token)``.

        Tokens may arrive from any thread; the update runs in this connection's loop. Failures are logged
        (the stream keeps running on the old token until it expires). Returns the unsubscribe function;
        ``aclose()`` also unsubscribes.
        """
        loop = asyncio.get_running_loop()

        def on_token(token: str) -> None:
            loop.call_soon_threadsafe(self._spawn_update, token)

        unsubscribe = subscribe(on_token)
        self._unsubscribe.append(unsubscribe)
        return unsubscribe

    def _spawn_update(self, token: str) -> None:
        if self._error is not None:
            return
        task = asyncio.get_running_loop().create_task(self._update_quietly(token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _update_quietly(self, token: str) -> None:
        try:
            await self.connect_update(token)
        except MilestoneError as exc:
            log.warning("connectupdate on %r failed: %s", self, exc)

    async def aclose(self) -> None:
        """Close the socket, fail waiting requests with UnreachableError, end ``live_frames()``."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for task in list(self._tasks):
            task.cancel()
        self._fail(UnreachableError(f"ImageServer connection {self.host}:{self.port} closed"))
        self._protocol.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._protocol.wait_closed(), 2.0)

    @property
    def closed(self) -> bool:
        """True once the connection failed or was closed."""
        return self._error is not None

    # ------------------------------------------------------------------------------------------ plumbing

    def _new_id(self) -> int:
        request_id = self._next_id
        self._next_id += 1
        return request_id

    def _check_alive(self) -> None:
        if self._error is not None:
            raise fresh_error(self._error)

    async def _send(self, data: bytes) -> None:
        self._check_alive()
        async with self._write_lock:
            transport = self._protocol.transport
            try:
                if transport is None or transport.is_closing():
                    raise ConnectionResetError("the connection is closed")
                transport.write(data)
                await asyncio.wait_for(self._protocol.drain(), self.timeout)
            except (OSError, TimeoutError, UnreachableError) as exc:
                error = UnreachableError(f"sending to ImageServer {self.host}:{self.port} failed: {exc}")
                self._fail(error)
                raise error from None

    async def _request(
        self, method: str, params: dict[str, str], *, timeout: float | None = None
    ) -> MethodResponse | ImageFrame:
        self._check_alive()
        request_id = self._new_id()
        future: asyncio.Future[MethodResponse | ImageFrame] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._protocol.wake()  # paced reading: read the reply as soon as it comes
        try:
            await self._send(build_method_call(request_id, method, params))
            wait = self.timeout if timeout is None else timeout
            try:
                return await asyncio.wait_for(asyncio.shield(future), wait)
            except TimeoutError:
                if timeout is not None:
                    raise
                raise UnreachableError(
                    f"ImageServer {self.host}:{self.port} did not answer {method} in {wait:g} s"
                ) from None
        finally:
            self._pending.pop(request_id, None)

    async def _image_request(self, method: str, params: dict[str, str]) -> ImageFrame:
        reply = await self._request(method, params)
        if isinstance(reply, ImageFrame):
            return reply
        reason = reply.fields.get("errorreason") or reply.fields.get("error") or "no image"
        raise ProtocolError(f"ImageServer answered {method} without an image: {reason}")

    def _route_all(self, messages: list[Message]) -> None:
        """The protocol's receiver: one read's messages, in stream order."""
        for message in messages:
            self._route(message)

    def _route(self, message: object) -> None:
        if isinstance(message, LiveStatus):
            self.last_status = message
            return
        if isinstance(message, MethodResponse):
            future = self._pending.get(message.request_id)
            if future is not None and not future.done():
                future.set_result(message)
            elif message.request_id in self._live_ids and message.fields.get("errorreason"):
                self._live.push(ProtocolError(f"ImageServer refused live: {message.fields['errorreason']}"))
            return
        assert isinstance(message, ImageFrame)
        future = self._pending.get(message.request_id)
        if future is not None and not future.done() and message.request_id not in self._live_ids:
            future.set_result(message)
        elif self._live_on:
            self._live.push(message)

    def _fail(self, error: MilestoneError) -> None:
        if self._error is not None:
            return
        self._error = error
        self._protocol.close()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(fresh_error(error))
                future.exception()  # mark retrieved: a waiter may have gone away
        self._live.fail(error)
