"""Recorder packet source: a camera's ImageServer live H.264 stream, reconnecting with back-off.

Protocol steps (MILESTONE_PROTOCOL.md §3): ``connect`` with the current vms_token, ``live``, GenericByteData
frames whose ``picture_ms`` (ms UTC) becomes the packet time; renewed vms_tokens go to the open connection as
``connectupdate``. The same failure classes as the live viewer (``media.live_reader``): network trouble and
stalls back off (``media.backoff``), a refused token is renewed on demand and reported AUTH_FAILED after
several refusals, a refused camera NO_PERMISSION; both then retry slowly or as soon as a new token arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncGenerator, Callable

from media.backoff import Backoff, ReconnectPolicy
from media.reconnect import ask_for_renewal, describe, image_server_ssl_context, plan_after_failure
from media.recorder_packets import EncodedPacket, StateCallback
from media.stream_stats import StreamState
from media.tokens import TokenSource
from milestone.clock import Clock
from milestone.errors import (
    UnreachableError,
)
from milestone.imageserver import ImageServerConnection
from milestone.models import Camera, VideoCodec

log = logging.getLogger(__name__)

_CODEC_NAMES = {VideoCodec.H264: "h264", VideoCodec.H265: "h265", VideoCodec.JPEG: "jpeg"}
_CLOSE_TIMEOUT = 5.0


class ImageServerSource:
    """Live H.264 of one camera from its recording server's ImageServer, as :class:`EncodedPacket`.

    ``tokens`` supplies vms_tokens (``milestone.session.MilestoneSession``); ``clock`` drives the back-off;
    ``policy`` the reconnect timings (``stall_timeout``: seconds without a frame before reconnecting);
    ``stream_id`` picks a stream other than the live default; ``on_state(state, detail)`` is called on the
    event loop when the connection state changes. ``packets()`` runs until :meth:`aclose` or cancellation.
    The first packet of every connection, and the first after the connection's own queue overflowed, has
    ``discontinuity=True``. ``read_interval_s``: the socket is read at most this often (paced reading,
    ``ImageServerConnection.set_read_interval``): packets come in bursts up to that late, for a fraction of
    the CPU of waking for every frame; 0 reads every frame as it arrives.
    """

    def __init__(
        self,
        camera: Camera,
        tokens: TokenSource,
        *,
        clock: Clock,
        on_state: StateCallback | None = None,
        policy: ReconnectPolicy | None = None,
        stream_id: str | None = None,
        rng: random.Random | None = None,
        read_interval_s: float = 1.0,
    ) -> None:
        self.camera = camera
        self.label = f"camera {camera.name!r} ({camera.id})"
        self.state = StreamState.CONNECTING
        self.detail = ""
        self.connections = 0
        self.dropped_frames = 0
        self._tokens = tokens
        self._clock = clock
        self._on_state = on_state
        self._policy = policy or ReconnectPolicy()
        self._stream_id = stream_id
        self.read_interval_s = read_interval_s
        self._backoff = Backoff(self._policy, clock, rng)
        self._refusals = 0
        self._sent_token = ""
        self._closed = False
        self._conn: ImageServerConnection | None = None
        self._last_frame = 0.0  # clock.monotonic() of the last frame on the open connection
        self._stalled: ImageServerConnection | None = None

    async def packets(self) -> AsyncGenerator[EncodedPacket, None]:
        """Yield packets, reconnecting forever, until :meth:`aclose` (or the consumer is cancelled)."""
        async with contextlib.aclosing(self.packet_batches()) as batches:
            async for batch in batches:
                for packet in batch:
                    yield packet

    async def packet_batches(self) -> AsyncGenerator[list[EncodedPacket], None]:
        """Like :meth:`packets`, but yields the packets of each read at once (non-empty lists, in order)."""
        loop = asyncio.get_running_loop()
        token_event = asyncio.Event()

        def on_token(_token: str) -> None:
            loop.call_soon_threadsafe(token_event.set)

        unsubscribe: Callable[[], None] = self._tokens.subscribe_vms_token(on_token)
        self._set_state(StreamState.CONNECTING, "")
        try:
            while not self._closed:
                token_event.clear()
                try:
                    async with contextlib.aclosing(self._connection()) as connection:
                        async for batch in connection:
                            yield batch
                    if self._closed:
                        break
                    raise UnreachableError("the live stream ended")
                except Exception as exc:  # classified below; cancellation and GeneratorExit pass through
                    if self._closed:
                        break
                    delay, wake_on_token = self._classify(exc)
                if wake_on_token:
                    try:  # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
                        async with asyncio.timeout(delay):
                            await token_event.wait()
                    except TimeoutError:
                        pass
                else:
                    await asyncio.sleep(delay)
        finally:
            unsubscribe()
            self._set_state(StreamState.STOPPED, "")

    async def aclose(self) -> None:
        """Stop: read what already arrived (paced reading), end the open connection; ``packets()`` returns
        after yielding those last packets."""
        self._closed = True
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.read_now()
            await _close_quietly(conn)

    # ------------------------------------------------------------------------------------------ internals

    async def _connection(self) -> AsyncGenerator[list[EncodedPacket], None]:
        """One connection's life: open, ``live``, yield batches of packets; raises when it fails."""
        policy = self._policy
        token = self._sent_token = self._tokens.current_vms_token()
        conn = await ImageServerConnection.open_camera(
            self.camera,
            token,
            stream_id=self._stream_id,
            ssl_context=image_server_ssl_context(self._tokens, self.camera),
            timeout=policy.connect_timeout,
        )
        self._conn = conn
        self.connections += 1
        try:
            conn.follow_tokens(self._tokens.subscribe_vms_token)
            conn.set_read_interval(self.read_interval_s)
            await conn.start_live(compression_rate=policy.compression_rate)
            latest = self._tokens.current_vms_token()
            if latest != token:  # renewed while connecting: follow_tokens missed it
                self._sent_token = latest
                await conn.connect_update(latest)
            discontinuity = True
            drops = conn.dropped_frames
            self._last_frame = self._clock.monotonic()
            watchdog = asyncio.get_running_loop().create_task(self._watch(conn))
            try:
                async for frames in conn.live_batches():
                    self._last_frame = self._clock.monotonic()
                    if conn.dropped_frames != drops:  # frames were dropped before the first of this batch
                        self.dropped_frames += conn.dropped_frames - drops
                        drops = conn.dropped_frames
                        discontinuity = True
                    batch = []
                    for frame in frames:  # _packet() inlined: this loop runs for every frame recorded
                        time_ms = frame.picture_ms or frame.current_ms
                        if not frame.payload or not time_ms:  # empty frame, or one without a time
                            continue
                        name = _CODEC_NAMES.get(frame.codec) or str(frame.codec)
                        batch.append(EncodedPacket(frame.payload, time_ms * 1000, frame.key_frame, name, discontinuity))
                        discontinuity = False
                    if not batch:
                        continue
                    if self.state is not StreamState.LIVE:
                        self._refusals = 0
                        self._backoff.mark_live()
                        self._set_state(StreamState.LIVE, "")
                    yield batch
            except Exception:
                if self._stalled is conn:
                    raise UnreachableError(f"no video for {policy.stall_timeout:g} s") from None
                raise
            finally:
                watchdog.cancel()
        finally:
            self._conn = None
            await _close_quietly(conn)

    async def _watch(self, conn: ImageServerConnection) -> None:
        """Close a connection that delivers nothing for ``stall_timeout`` (cheaper than a timeout per frame)."""
        stall = self._policy.stall_timeout
        while True:
            idle = self._clock.monotonic() - self._last_frame
            if idle >= stall:
                self._stalled = conn
                await _close_quietly(conn)
                return
            await asyncio.sleep(min(1.0, stall - idle))

    def _classify(self, exc: Exception) -> tuple[float, bool]:
        """Report a failed connection; return (seconds to wait, whether a renewed token ends the wait)."""
        plan = plan_after_failure(exc, self._refusals, self._policy, self._backoff)
        self._refusals = plan.refusals
        if plan.renew:
            ask_for_renewal(self._tokens, self._sent_token, self.label)
        if plan.unexpected:
            log.exception("%s: unexpected failure of the recorded live stream", self.label)
        self._set_state(plan.state, describe(exc))
        return plan.delay, plan.wake_on_token

    def _set_state(self, state: StreamState, detail: str) -> None:
        if state is self.state and detail == self.detail:
            return
        self.state, self.detail = state, detail
        log.info("%s: %s%s", self.label, state.value, f" ({detail})" if detail else "")
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:
                log.exception("%s: on_state callback failed", self.label)


async def _close_quietly(conn: ImageServerConnection) -> None:
    try:
        await asyncio.wait_for(conn.aclose(), _CLOSE_TIMEOUT)
    except Exception as exc:
        log.debug("closing %r failed: %s", conn, describe(exc))
