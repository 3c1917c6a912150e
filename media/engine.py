"""The Qt-free live video engine: one I/O thread with its own asyncio loop, a shared pool of decode threads.

DESIGN.md §5: ImageServer source -> PyAV decode in worker threads -> frames scaled in FFmpeg to the tile's size
-> newest frame handed to the GUI; bounded buffers, dropped frames counted; reconnect with back-off. Video runs
on its own loop so that a stalled GUI thread never stalls sockets, and vice versa.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import threading

from media.backoff import ReconnectPolicy
from media.decode_pool import DecodePool
from media.live_stream import FrameCallback, LiveStream, StateCallback
from media.tokens import TokenSource
from milestone.clock import Clock, SystemClock
from milestone.models import Camera

log = logging.getLogger(__name__)

_STOP_TIMEOUT = 10.0


def default_decode_threads() -> int:
    """Decode threads when none are configured: one per CPU, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


class MediaEngine:
    """Owns the I/O thread, the decode pool and every open live stream.

    ``clock`` drives frame timestamps and reconnect back-off (``milestone.clock.SystemClock`` by default);
    ``max_decode_threads`` sizes the decode pool (default :func:`default_decode_threads`); ``policy`` tunes
    reconnects; ``rng`` seeds back-off jitter. Threads are not daemons: call :meth:`stop` before the process
    exits. Usage::

        engine = MediaEngine(); engine.start()
        handle = engine.open_live(camera, session, on_state=..., on_frame=...)
        handle.set_output_size(640, 360); frame = handle.take_frame()
        engine.stop()
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        max_decode_threads: int | None = None,
        policy: ReconnectPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if max_decode_threads is not None and max_decode_threads < 1:
            raise ValueError("max_decode_threads must be at least 1")
        self._clock: Clock = clock or SystemClock()
        self._decode_threads = max_decode_threads or default_decode_threads()
        self._policy = policy or ReconnectPolicy()
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pool: DecodePool | None = None
        self._streams: set[LiveStream] = set()
        self._stopped = False

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        with self._lock:
            return self._loop is not None and not self._stopped

    def start(self) -> None:
        """Start the I/O thread (its own asyncio loop) and the decode pool. Idempotent while running.

        Raises RuntimeError after :meth:`stop` (an engine is not restartable; create a new one).
        """
        with self._lock:
            if self._stopped:
                raise RuntimeError("the media engine was stopped; create a new one")
            if self._loop is not None:
                return
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            thread = threading.Thread(target=self._run_loop, args=(loop, ready), name="media-io")
            thread.start()
            ready.wait()
            self._loop, self._thread = loop, thread
            self._pool = DecodePool(self._decode_threads)

    def open_live(
        self,
        camera: Camera,
        tokens: TokenSource,
        *,
        on_state: StateCallback | None = None,
        on_frame: FrameCallback | None = None,
        jpeg: bool = False,
        stream_id: str | None = None,
    ) -> LiveStream:
        """Start live video of ``camera`` (ImageServer ``connect`` + ``live``, MILESTONE_PROTOCOL.md §3).

        ``tokens`` supplies the vms_token and its renewals; ``jpeg`` asks the server for standard JPEG
        instead of H.264 GenericByteData; ``stream_id`` picks a stream (default: the server's live default).
        ``on_state(state, detail)`` and ``on_frame()`` are called from engine threads. Returns the stream's
        handle immediately (state CONNECTING). Raises RuntimeError when the engine is not running.
        """
        with self._lock:
            if self._loop is None or self._pool is None or self._stopped:
                raise RuntimeError("the media engine is not running")
            stream = LiveStream(
                camera,
                tokens,
                loop=self._loop,
                pool=self._pool,
                clock=self._clock,
                policy=self._policy,
                on_state=on_state,
                on_frame=on_frame,
                on_closed=self._forget,
                jpeg=jpeg,
                stream_id=stream_id,
                rng=random.Random(self._rng.random()),
            )
            self._streams.add(stream)
        stream.start()
        return stream

    def streams(self) -> list[LiveStream]:
        """The open streams."""
        with self._lock:
            return list(self._streams)

    def stop(self) -> None:
        """Close every stream, close their connections, stop and join all threads. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            loop, thread, pool = self._loop, self._thread, self._pool
            streams = list(self._streams)
        for stream in streams:
            stream.close()
        if loop is not None and thread is not None:
            try:
                asyncio.run_coroutine_threadsafe(_cancel_all_tasks(), loop).result(_STOP_TIMEOUT)
            except Exception as exc:
                log.error("media engine: streams did not close cleanly: %r", exc)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_STOP_TIMEOUT)
            if thread.is_alive():
                log.error("media engine: the I/O thread did not stop within %s s", _STOP_TIMEOUT)
        if pool is not None:
            pool.close(_STOP_TIMEOUT)

    def _forget(self, stream: LiveStream) -> None:
        with self._lock:
            self._streams.discard(stream)

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(_cancel_all_tasks())
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()


async def _cancel_all_tasks() -> None:
    """Cancel every other task on this loop and wait for them (their ``finally`` blocks close sockets)."""
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=_STOP_TIMEOUT - 1)
