"""The per-stream connection loop on the engine's asyncio loop: ImageServer live -> decode queue, with reconnects.

Source of the protocol steps: MILESTONE_PROTOCOL.md §3 (``connect``, ``live``, ``connectupdate``); the
connection itself is ``milestone.imageserver.ImageServerConnection``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import Callable

from media.backoff import Backoff, ReconnectPolicy
from media.packet_queue import EncodedPacket
from media.stream_decoder import StreamDecoder
from media.stream_stats import StatsCounter, StreamState
from media.tokens import ImageServerTlsSource, TokenSource, VmsTokenRenewer
from milestone.clock import Clock
from milestone.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    UnreachableError,
)
from milestone.imageserver import ImageServerConnection
from milestone.models import Camera

log = logging.getLogger(__name__)

_NETWORK_ERRORS = (UnreachableError, ProtocolError, OSError, EOFError)
_CLOSE_TIMEOUT = 5.0


def describe(error: BaseException) -> str:
    """A one-line description for state details and logs (milestone errors never carry tokens)."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


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
        policy = self._policy
        try:
            await self._stream()
        except PermissionDeniedError as exc:
            self._refusals = 0
            self._report(StreamState.NO_PERMISSION, exc)
            return policy.slow_retry, True
        except AuthenticationError as exc:
            self._refusals += 1
            self._ask_for_renewal()
            if self._refusals >= policy.auth_refusals_before_failed:
                self._report(StreamState.AUTH_FAILED, exc)
                return policy.slow_retry, True
            self._report(StreamState.RECONNECTING, exc)
            return self._backoff.next_delay(), True
        except NotFoundError as exc:
            self._report(StreamState.RECONNECTING, exc)
            return policy.slow_retry, False
        except _NETWORK_ERRORS as exc:
            self._report(StreamState.RECONNECTING, exc)
            return self._backoff.next_delay(), False
        except Exception as exc:
            log.exception("%s: unexpected failure of the live stream", self.label)
            self._report(StreamState.RECONNECTING, exc)
            return self._backoff.next_delay(), False
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
            ssl_context=self._ssl_context(),
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

    def _ask_for_renewal(self) -> None:
        """The server refused the token we sent: ask a token source that can renew on demand to do so."""
        if not self._sent_token or not isinstance(self._tokens, VmsTokenRenewer):
            return
        try:
            self._tokens.request_vms_token_renewal(self._sent_token)
        except Exception as exc:
            log.warning("%s: asking for a renewed vms_token failed: %s", self.label, describe(exc))

    def _ssl_context(self) -> ssl.SSLContext | None:
        server = self._camera.recording_server
        if server is None or not isinstance(self._tokens, ImageServerTlsSource):
            return None
        return self._tokens.image_server_ssl_context(server)

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
