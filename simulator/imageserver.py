"""The ImageServer TCP protocol of a simulated recording server (MILESTONE_PROTOCOL.md §3).

One ``ImageServerSession`` per TCP connection. Every byte is framed by ``milestone.imageserver_codec``.
Requests: ``connect`` (vms_token in ``connectparam``; the vendor's basic-user form with real
username/password is accepted too), ``live`` (streams image responses until ``stop``, with a
``<livepackage>`` status about every second), ``stop``, ``goto``/``next``/``previous`` (see
simulator.playback), ``connectupdate`` (a new vms_token on the open socket).

Token expiry: a connection lives on the vms_token of its last successful ``connect``/``connectupdate``.
When that token expires the server sends, on a live stream, a final status with ``statusitem id="1"
value="0"`` (live feed stopped) and then CLOSES the socket; a playback request after expiry also gets the
socket closed. Clients renew with ``connectupdate`` before expiry (MILESTONE_PROTOCOL.md §1, §3).

Live status items (GUESS; the vendor's numbering is not documented in our sources): id 1 live feed
(1 running, 0 stopped), id 2 motion (0/1), id 3 recording (0/1).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from milestone.errors import ProtocolError
from milestone.imageserver_codec import (
    CONTENT_TYPE_GBD,
    CONTENT_TYPE_JPEG,
    TERMINATOR,
    MethodCall,
    RequestReader,
    build_image_response,
    build_live_status,
    build_method_response,
    pack_gbd,
    parse_connectparam,
)
from milestone.models import VideoCodec
from simulator import history
from simulator.context import SimulatorContext
from simulator.inventory import SimCamera, SimRecorder
from simulator.live import LiveFrame, LiveSubscriber
from simulator.playback import PlaybackCursor, PlaybackImage
from simulator.tokens import TokenRejected
from simulator.users import User

log = logging.getLogger(__name__)
STATUS_INTERVAL_S = 1.0
NO_EXPIRY = float("inf")


class ImageServerSession:
    """Serves one ImageServer connection until the client leaves, the token expires or the server stops."""

    def __init__(
        self,
        ctx: SimulatorContext,
        recorder: SimRecorder,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self._ctx = ctx
        self._recorder = recorder
        self._reader = reader
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._camera: SimCamera | None = None
        self._user: User | None = None
        self._jpeg = False
        self._expires_at = NO_EXPIRY
        self._live_task: asyncio.Task | None = None
        self._cursor: PlaybackCursor | None = None
        self._closing = False

    async def run(self, initial: bytes) -> None:
        """Serve requests, starting with bytes already read while sniffing the protocol."""
        requests = RequestReader()
        data = initial
        try:
            while not self._closing:
                for call in requests.feed(data):
                    await self._dispatch(call)
                    if self._closing:
                        return
                data = await self._reader.read(65536)
                if not data:
                    return
        except ProtocolError as exc:
            log.info("ImageServer connection closed: bad request (%s)", exc)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            await self._stop_live()
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()

    async def _send(self, data: bytes) -> None:
        async with self._write_lock:
            self._writer.write(data)
            await self._writer.drain()

    def _expired(self) -> bool:
        return self._ctx.clock.time() >= self._expires_at

    async def _dispatch(self, call: MethodCall) -> None:
        method = call.method.lower()
        if method == "connect":
            await self._connect(call)
        elif self._camera is None:
            await self._send(
                build_method_response(call.request_id, call.method, {"connected": "no", "errorreason": "Not connected"})
            )
        elif method == "connectupdate":
            await self._connect_update(call)
        elif self._expired():
            log.info("ImageServer connection closed: vms_token expired")
            self._closing = True
        elif method == "live":
            await self._start_live(call)
        elif method == "stop":
            await self._stop_live()
            await self._send(build_method_response(call.request_id, call.method, {}))
        elif method in ("goto", "next", "previous"):
            await self._playback(call, method)
        else:
            await self._send(
                build_method_response(call.request_id, call.method, {"error": f"Unsupported method {call.method}"})
            )

    # ----------------------------------------------------------------------------------------- connect

    def _authorise(self, token: str, username: str, password: str) -> tuple[User, float] | str:
        if token:
            try:
                grant = self._ctx.tokens.check_vms(token)
            except TokenRejected as exc:
                return "Token expired" if exc.expired else "Token invalid"
            return grant.user, grant.expires_at
        user = self._ctx.users.authenticate(username, password)
        return (user, NO_EXPIRY) if user is not None else "Invalid credentials"

    async def _connect(self, call: MethodCall) -> None:
        params = parse_connectparam(call.params.get("connectparam", ""))
        camera_guid = call.params.get("cameraid") or params.get("id", "")
        camera = self._ctx.inventory.camera(camera_guid)
        result = self._authorise(
            params.get("connectiontoken", ""), call.params.get("username", ""), call.params.get("password", "")
        )
        reason = ""
        if isinstance(result, str):
            reason = result
        elif camera is None or camera.recorder_index != self._recorder.index:
            reason = "Camera not found on this recording server"
        elif not camera.enabled:
            reason = "Camera disabled"
        elif not result[0].may_use(camera.index):
            reason = "Access denied: the user has no permission for this camera"
        if reason:
            await self._send(
                build_method_response(call.request_id, call.method, {"connected": "no", "errorreason": reason})
            )
            return
        assert camera is not None and not isinstance(result, str)
        await self._stop_live()
        self._camera, (self._user, self._expires_at) = camera, result
        self._jpeg = call.params.get("alwaysstdjpeg", "no").strip().lower() == "yes"
        self._cursor = None
        await self._send(build_method_response(call.request_id, call.method, {"connected": "yes"}))

    async def _connect_update(self, call: MethodCall) -> None:
        params = parse_connectparam(call.params.get("connectparam", ""))
        result = self._authorise(params.get("connectiontoken", ""), "", "")
        if isinstance(result, str) or result[0] != self._user:
            reason = result if isinstance(result, str) else "Token belongs to another user"
            await self._send(
                build_method_response(call.request_id, call.method, {"connected": "no", "errorreason": reason})
            )
            return
        self._expires_at = result[1]
        await self._send(build_method_response(call.request_id, call.method, {"connected": "yes"}))

    # -------------------------------------------------------------------------------------------- live

    async def _start_live(self, call: MethodCall) -> None:
        await self._stop_live()
        assert self._camera is not None
        sub = self._ctx.live.subscribe(self._camera.index, self._jpeg)
        self._live_task = asyncio.get_running_loop().create_task(self._live_loop(call.request_id, sub))

    async def _stop_live(self) -> None:
        task, self._live_task = self._live_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _status(self, live: bool) -> bytes:
        assert self._camera is not None
        index = self._camera.index
        now_ms = int(self._ctx.clock.time() * 1000)
        return build_live_status(
            now_ms,
            {
                "1": "1" if live else "0",
                "2": "1" if history.is_motion(index, now_ms) else "0",
                "3": "1" if self._ctx.timeline.is_recording(index) else "0",
            },
        )

    async def _live_loop(self, request_id: int, sub: LiveSubscriber) -> None:
        assert self._camera is not None
        camera_id = self._camera.id
        period_ms = 1000 // self._ctx.grid.fps
        last_status = -STATUS_INTERVAL_S
        prev_ms = 0
        try:
            while True:
                if self._expired():
                    await self._send(self._status(live=False))
                    log.info("live stream of %s stopped: vms_token expired", camera_id)
                    self._abort()
                    return
                timed_out = False
                frame: LiveFrame | None = None
                try:
                    frame = await asyncio.wait_for(sub.get(), STATUS_INTERVAL_S)
                except TimeoutError:
                    timed_out = True
                now = self._ctx.clock.monotonic()
                if now - last_status >= STATUS_INTERVAL_S:
                    last_status = now
                    await self._send(self._status(live=True))
                if timed_out:
                    continue
                if frame is None:
                    return
                await self._send_live_frame(request_id, frame, prev_ms, period_ms)
                prev_ms = frame.picture_ms
        except (ConnectionError, RuntimeError):
            self._abort()
        finally:
            self._ctx.live.unsubscribe(sub)

    async def _send_live_frame(self, request_id: int, frame: LiveFrame, prev_ms: int, period_ms: int) -> None:
        assert self._camera is not None
        if self._jpeg:
            content, ctype = frame.jpeg or b"", CONTENT_TYPE_JPEG
        else:
            content = pack_gbd(
                VideoCodec.H264,
                frame.sequence_number,
                frame.key_frame,
                frame.sync_ms,
                frame.picture_ms,
                frame.h264 or b"",
            )
            ctype = CONTENT_TYPE_GBD
        current = frame.picture_ms
        data = build_image_response(request_id, current, prev_ms or current, current + period_ms, ctype, content)
        fault = self._ctx.faults.take(self._camera.id)
        if fault == "malformed_frame":
            head_end = data.index(TERMINATOR)
            head = data[:head_end].replace(
                f"Content-length: {len(content)}".encode(), f"Content-length: {len(content)}x7".encode()
            )
            data = head + data[head_end:]
        elif fault == "close_mid_frame":
            head_end = data.index(TERMINATOR) + len(TERMINATOR)
            await self._send(data[: head_end + len(content) // 2])
            log.info("fault injection: closing live connection of %s mid-frame", self._camera.id)
            self._abort()
            return
        await self._send(data)

    def _abort(self) -> None:
        self._closing = True
        self._writer.close()

    # ---------------------------------------------------------------------------------------- playback

    async def _playback(self, call: MethodCall, method: str) -> None:
        await self._stop_live()
        assert self._camera is not None
        if self._cursor is None:
            renderer = self._ctx.renderer(self._camera.index)
            self._cursor = PlaybackCursor(renderer, self._ctx.timeline, self._ctx.pool, self._jpeg)
        image: PlaybackImage
        if method == "goto":
            try:
                t_ms = int(call.params.get("time", "").strip())
            except ValueError:
                await self._send(
                    build_method_response(call.request_id, call.method, {"error": "goto needs a numeric <time> in ms"})
                )
                return
            image = await self._cursor.goto(t_ms)
        else:
            image = await self._cursor.step(forward=method == "next")
        await self._send(
            build_image_response(
                call.request_id, image.current_ms, image.prev_ms, image.next_ms, image.content_type, image.content
            )
        )
