"""The per-stream connection loop on the engine's asyncio loop: ImageServer live -> decode queue, with reconnects.

Source of the protocol steps: MILESTONE_PROTOCOL.md §3 (``connect``, ``live``, ``connectupdate``); the
connection itself is ``milestone.imageserver.ImageServerConnection``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

from media.backoff import Backoff, ReconnectPolicy
from media.packet_queue import EncodedPacket
from media.reconnect import ask_for_renewal, describe, image_server_ssl_context, plan_after_failure
from media.stream_decoder import StreamDecoder
from media.stream_stats import StatsCounter, StreamState
from media.tokens import TokenSource
from milestone.clock import Clock
from milestone.errors import (
    UnreachableError,
)
from milestone.imageserver import ImageServerConnection
from milestone.models import Camera

log = logging.getLogger(__name__)

_CLOSE_TIMEOUT = 5.0


class LiveReader:
    """Keeps one camera's live stream connected and feeds its packets to a :class:`StreamDecoder`.

    :meth:`run` loops until cancelled: open the ImageServer connection with the token source's current
    vms_token, ``live``, push every frame into the decoder's bounded queue; on failure, classify, report the
    state through ``set_state(state, detail)`` and wait before the next attempt:

    - unreachable / dropped / malformed stream / no video for ``stall_timeout``: RECONNECTING, back-off;
    - vms_token refused: ask the token source to renew it (when it implements ``VmsTokenRenewer``), RECONNECTING
      with back-off, AUTH_FAILED after ``auth_refusals_before_failed`` refusals in a row (then every
      ``slow_retry``); a renewed token ends the wait early;
    - camera refused for this user: NO_PERMISSION, every ``slow_retry`` (or on a renewed token);
    - camera not found: RECONNECTING, every ``slow_retry``.

    Renewed tokens (:meth:`token_renewed`, called on the loop) go to the open connection as ``connectupdate``.
    All methods run on the engine loop.
    """

    def __init__(
        self,
        camera: Camera,
        tokens: TokenSource,
        *,
        sink: StreamDecoder,
        stats: StatsCounter,
        clock: Clock,
        policy: ReconnectPolicy,
        set_state: Callable[[StreamState, str], None],
        jpeg: bool = False,
        stream_id: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._camera = camera
        self._tokens = tokens
        self._sink = sink
        self._stats = stats
        self._clock = clock
        self._policy = policy
        self._set_state = set_state
        self._jpeg = jpeg
        self._stream_id = stream_id
        self._backoff = Backoff(policy, clock, rng)
        self._refusals = 0
        self._conn: ImageServerConnection | None = None
        self._conn_token = ""
        self._sent_token = ""  # the token the server last received (connect or connectupdate; "" when none)
        self._token_event: asyncio.Event | None = None
        self._updates: set[asyncio.Task[None]] = set()
        self.label = f"camera {camera.name!r} ({camera.id})"

    async def run(self) -> None:
        """Connect, stream and reconnect until cancelled."""
        self._token_event = asyncio.Event()
        self._set_state(StreamState.CONNECTING, "")
        first = True
        try:
            while True:
                if not first:
                    self._stats.add(reconnects=1)
                first = False
                self._token_event.clear()
                delay, wake_on_token = await self._attempt()
                if wake_on_token:
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation
                    # that arrives as the event is set, and close() would wait forever.
                    try:
                        async with asyncio.timeout(delay):
                            await self._token_event.wait()
                    except TimeoutError:
                        pass
                else:
                    await asyncio.sleep(delay)
        finally:
            for task in list(self._updates):
                task.cancel()

    def token_renewed(self, token: str) -> None:
        """A new vms_token exists: send it to the open connection and wake a wait that is waiting for one."""
        if self._token_event is not None:
            self._token_event.set()
        conn = self._conn
        if conn is None or token == self._conn_token:
            return
        self._conn_token = self._sent_token = token
        task = asyncio.get_running_loop().create_task(self._connect_update(conn, token))
        self._updates.add(task)
        task.add_done_callback(self._updates.discard)

    # ------------------------------------------------------------------------------------------ internals

    async def _attempt(self) -> tuple[float, bool]:
        """One connection's life; returns (seconds to wait before the next, whether a new token ends the wait)."""
        try:
            await self._stream()
        except Exception as exc:
            plan = plan_after_failure(exc, self._refusals, self._policy, self._backoff)
            self._refusals = plan.refusals
            if plan.renew:
                ask_for_renewal(self._tokens, self._sent_token, self.label)
            if plan.unexpected:
                log.exception("%s: unexpected failure of the live stream", self.label)
            self._report(plan.state, exc)
            return plan.delay, plan.wake_on_token
        raise AssertionError("_stream returns only by raising")  # pragma: no cover

    async def _stream(self) -> None:
        """Open, go live and pump frames until the connection fails (always raises)."""
        policy = self._policy
        self._sent_token = ""
        token = self._sent_token = self._tokens.current_vms_token()
        conn = await ImageServerConnection.open_camera(
            self._camera,
            token,
            stream_id=self._stream_id,
            jpeg=self._jpeg,
            ssl_context=image_server_ssl_context(self._tokens, self._camera),
            timeout=policy.connect_timeout,
        )
        try:
            await conn.start_live(compression_rate=policy.compression_rate)
            self._sink.new_connection()
            self._conn, self._conn_token = conn, token
            latest = self._tokens.current_vms_token()
            if latest != token:
                self.token_renewed(latest)
            await self._pump(conn)
        finally:
            self._conn = None
            await self._close(conn)

    async def _pump(self, conn: ImageServerConnection) -> None:
        stall = self._policy.stall_timeout
        loop = asyncio.get_running_loop()
        live = False
        client_drops = conn.dropped_frames
        try:
            async with asyncio.timeout(stall) as deadline:
                async for frame in conn.live_frames():
                    deadline.reschedule(loop.time() + stall)
                    if frame.empty:
                        continue
                    if conn.dropped_frames != client_drops:  # the connection's own queue overflowed
                        self._stats.add(dropped_before_decode=conn.dropped_frames - client_drops)
                        client_drops = conn.dropped_frames
                    self._stats.add(packets_received=1)
                    self._sink.submit(
                        EncodedPacket(
                            payload=frame.payload,
                            codec=frame.codec,
                            key_frame=frame.key_frame,
                            picture_ms=frame.picture_ms or frame.current_ms,
                            received_monotonic=self._clock.monotonic(),
                        )
                    )
                    if not live:
                        live = True
                        self._refusals = 0
                        self._backoff.mark_live()
                        self._set_state(StreamState.LIVE, "")
        except TimeoutError:
            if deadline.expired():
                raise UnreachableError(f"no video for {stall:g} s") from None
            raise
        raise UnreachableError("the live stream ended")

    async def _connect_update(self, conn: ImageServerConnection, token: str) -> None:
        try:
            await conn.connect_update(token)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if conn is self._conn:
                log.warning("%s: connectupdate with the renewed vms_token failed: %s", self.label, describe(exc))
                self._stats.set_error(describe(exc))

    async def _close(self, conn: ImageServerConnection) -> None:
        try:
            await asyncio.wait_for(conn.aclose(), _CLOSE_TIMEOUT)
        except Exception as exc:
            log.debug("%s: closing the connection failed: %s", self.label, describe(exc))

    def _report(self, state: StreamState, error: BaseException) -> None:
        detail = describe(error)
        self._stats.set_error(detail)
        log.info("%s: %s (%s)", self.label, state.value, detail)
        self._set_state(state, detail)
