"""The handle of one live stream: what the GUI holds for a tile (returned by ``MediaEngine.open_live``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import random
import threading
from collections.abc import Callable

from media.backoff import ReconnectPolicy
from media.decode_pool import DecodePool
from media.frames import DecodedFrame
from media.live_reader import LiveReader
from media.stream_decoder import StreamDecoder
from media.stream_stats import StatsCounter, StreamState, StreamStats
from media.tokens import TokenSource
from milestone.clock import Clock
from milestone.models import Camera

log = logging.getLogger(__name__)

StateCallback = Callable[[StreamState, str], None]
FrameCallback = Callable[[], None]


class LiveStream:
    """One camera's live video: ImageServer reader on the engine loop, decoding on the engine's pool.

    Callbacks run on engine threads (``on_state`` on the I/O thread, ``on_frame`` on a decode thread) and must
    be quick and must not block (emit a queued Qt signal). After :meth:`close` returns no callback runs again.
    All public methods are thread-safe.
    """

    def __init__(
        self,
        camera: Camera,
        tokens: TokenSource,
        *,
        loop: asyncio.AbstractEventLoop,
        pool: DecodePool,
        clock: Clock,
        policy: ReconnectPolicy,
        on_state: StateCallback | None = None,
        on_frame: FrameCallback | None = None,
        on_closed: Callable[[LiveStream], None] | None = None,
        jpeg: bool = False,
        stream_id: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.camera = camera
        self.jpeg = jpeg  # asked the ImageServer for standard JPEG pictures instead of H.264 (read-only)
        self._tokens = tokens
        self._loop = loop
        self._on_state = on_state
        self._on_frame = on_frame
        self._on_closed = on_closed
        self._lock = threading.RLock()
        self._closed = False
        self._state = StreamState.CONNECTING
        self._detail = ""
        self._stats = StatsCounter()
        self._decoder = StreamDecoder(pool, clock, self._stats, on_frame=self._frame_ready, label=camera.name)
        self._reader = LiveReader(
            camera,
            tokens,
            sink=self._decoder,
            stats=self._stats,
            clock=clock,
            policy=policy,
            set_state=self._set_state,
            jpeg=jpeg,
            stream_id=stream_id,
            rng=rng,
        )
        self._future: concurrent.futures.Future[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        """Subscribe to token renewals and start the reader on the engine loop (called by the engine)."""
        self._unsubscribe = self._tokens.subscribe_vms_token(self._token_renewed)
        self._future = asyncio.run_coroutine_threadsafe(self._reader.run(), self._loop)
        self._future.add_done_callback(self._reader_done)

    # ------------------------------------------------------------------------------------ public API

    @property
    def state(self) -> StreamState:
        """The current :class:`StreamState`."""
        with self._lock:
            return self._state

    @property
    def detail(self) -> str:
        """Why the stream is in its state (the last error as ``"Type: message"``), "" when LIVE."""
        with self._lock:
            return self._detail

    @property
    def stats(self) -> StreamStats:
        """A snapshot of the counters."""
        return self._stats.snapshot()

    def set_output_size(self, width: int, height: int) -> None:
        """Scale frames (in FFmpeg) to fit inside ``width`` x ``height`` device pixels, aspect kept; 0,0 = native.

        Applies to frames decoded from now on. Raises ValueError for negative sizes.
        """
        self._decoder.set_output_size(width, height)

    def take_frame(self) -> DecodedFrame | None:
        """The newest decoded frame not yet taken, or None (each frame is returned at most once)."""
        frame = self._decoder.slot.take()
        if frame is not None:
            self._stats.add(frames_taken=1)
        return frame

    def close(self) -> None:
        """Stop the stream: the state becomes STOPPED (reported once through ``on_state``, from the calling
        thread), the connection is closed on the engine loop, and no callback runs after this returns.
        Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._state, self._detail = StreamState.STOPPED, "closed"
            self._call(self._on_state, StreamState.STOPPED, "closed")
            self._closed = True
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            try:
                unsubscribe()
            except Exception:
                log.exception("%s: unsubscribing from token renewals failed", self._reader.label)
        self._decoder.close()
        if self._future is not None and not self._loop.is_closed():
            self._future.cancel()
        if self._on_closed is not None:
            self._on_closed(self)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        with self._lock:
            return self._closed

    # ------------------------------------------------------------------------------------ engine side

    def _set_state(self, state: StreamState, detail: str) -> None:
        with self._lock:
            if self._closed or (state, detail) == (self._state, self._detail):
                return
            self._state, self._detail = state, detail
            self._call(self._on_state, state, detail)

    def _frame_ready(self) -> None:
        with self._lock:
            if not self._closed:
                self._call(self._on_frame)

    def _call(self, callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("%s: stream callback failed", self._reader.label)

    def _token_renewed(self, token: str) -> None:
        """Token source callback (any thread): hand the token to the reader on the engine loop."""
        if self.closed:
            return
        try:
            self._loop.call_soon_threadsafe(self._reader.token_renewed, token)
        except RuntimeError:  # the engine loop is closed
            pass

    def _reader_done(self, future: concurrent.futures.Future[None]) -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            log.error("%s: live reader stopped: %s", self._reader.label, error, exc_info=error)
            self._stats.set_error(error)
