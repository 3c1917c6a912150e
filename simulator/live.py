"""Live video: ONE renderer + encoder per camera, broadcast to every live subscriber of that camera.

A camera's channel starts on its first subscriber and stops when the last one leaves. Frames sit on the fps
grid of wall time (``simulator.timeline.FrameGrid``); every whole second is a key frame (IDR with SPS/PPS), so
GOPs are one second long. Rendering and encoding run in worker threads (PyAV releases the GIL); the asyncio
loop only sleeps until the next grid time and hands finished frames to subscribers. When the workers fall
behind, the channel skips to the current grid frame instead of queueing.

A new H.264 subscriber first receives the cached current GOP (key frame and the frames after it), so it can
decode at once. A subscriber's queue is bounded: when it is full (slow reader), the queue is emptied and an
H.264 subscriber waits for the next key frame; memory never grows without bound. JPEG frames are encoded only
while a JPEG (``alwaysstdjpeg=yes``) subscriber exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

from media.encoder import H264Encoder, JpegEncoder
from milestone.clock import Clock
from simulator.scene import SceneRenderer
from simulator.timeline import FrameGrid

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveFrame:
    """One live frame: picture time and the time of its GOP's key frame (ms UTC), and its encodings."""

    picture_ms: int
    sync_ms: int
    key_frame: bool
    sequence_number: int
    h264: bytes | None
    jpeg: bytes | None


class LiveSubscriber:
    """One live consumer's bounded queue; ``get()`` returns None once the channel has closed."""

    def __init__(self, camera_index: int, jpeg: bool, max_queue: int) -> None:
        self.camera_index = camera_index
        self.jpeg = jpeg
        self.dropped = 0
        self._queue: asyncio.Queue[LiveFrame | None] = asyncio.Queue(max_queue)
        self._need_key = not jpeg
        self._closed = False

    @property
    def queued(self) -> int:
        """Frames waiting to be sent."""
        return self._queue.qsize()

    def offer(self, frame: LiveFrame) -> None:
        """Queue a frame (loop thread only), dropping to the next key frame when the queue is full."""
        if self._closed or (frame.jpeg if self.jpeg else frame.h264) is None:
            return
        if self._need_key and not frame.key_frame:
            self.dropped += 1
            return
        self._need_key = False
        if self._queue.full():
            while not self._queue.empty():
                self._queue.get_nowait()
                self.dropped += 1
            if not self.jpeg and not frame.key_frame:
                self._need_key = True
                self.dropped += 1
                return
        self._queue.put_nowait(frame)

    def close(self) -> None:
        """Mark the end of the stream; the reader gets None after the frames already queued."""
        if self._closed:
            return
        self._closed = True
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(None)

    async def get(self) -> LiveFrame | None:
        """The next frame, or None when the channel has closed."""
        return await self._queue.get()


class LiveChannel:
    """The live source of one camera: renders, encodes and broadcasts while it has subscribers."""

    def __init__(self, renderer: SceneRenderer, grid: FrameGrid, clock: Clock, pool: Executor, max_queue: int) -> None:
        self._renderer = renderer
        self._grid = grid
        self._clock = clock
        self._pool = pool
        self._max_queue = max_queue
        self._subs: set[LiveSubscriber] = set()
        self._task: asyncio.Task | None = None
        self._gop: list[LiveFrame] = []
        self._lock = threading.Lock()  # serialises encoder use across worker threads
        self._h264: H264Encoder | None = None
        self._jpeg: JpegEncoder | None = None
        self._generation = 0  # run counter (loop thread)
        self._encoder_generation = 0  # run owning the encoders (worker threads, under the lock)
        self._prev_n: int | None = None
        self._sync_ms = 0
        self.frames_produced = 0

    @property
    def subscriber_count(self) -> int:
        return len(self._subs)

    @property
    def running(self) -> bool:
        """True while the channel renders and encodes (it has subscribers)."""
        return self._task is not None and not self._task.done()

    def subscribe(self, jpeg: bool) -> LiveSubscriber:
        """Add a subscriber (loop thread); starts the channel when it is the first."""
        sub = LiveSubscriber(self._renderer.camera_index, jpeg, self._max_queue)
        if not jpeg:
            for frame in self._gop:
                sub.offer(frame)
        self._subs.add(sub)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"live-{sub.camera_index}")
        return sub

    def unsubscribe(self, sub: LiveSubscriber) -> None:
        """Remove a subscriber; the channel stops (and frees its encoders) when none is left."""
        self._subs.discard(sub)
        sub.close()
        if not self._subs and self._task is not None:
            self._task.cancel()
            self._task = None

    async def close(self) -> None:
        """Stop the channel and close every subscriber."""
        for sub in list(self._subs):
            sub.close()
        self._subs.clear()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        self._generation += 1
        generation = self._generation
        last_n: int | None = None
        try:
            while self._subs:
                now_ms = int(self._clock.time() * 1000)
                current = self._grid.index_at_or_before(now_ms)
                n = current + 1 if last_n is None else max(last_n + 1, current)
                delay = self._grid.time_of(n) / 1000 - self._clock.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                want_h264 = any(not s.jpeg for s in self._subs)
                want_jpeg = any(s.jpeg for s in self._subs)
                frame = await loop.run_in_executor(self._pool, self._produce, generation, n, want_h264, want_jpeg)
                last_n = n
                if frame.h264 is None:
                    self._gop = []
                else:
                    self._gop = [frame] if frame.key_frame else [*self._gop, frame]
                for sub in list(self._subs):
                    sub.offer(frame)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live channel of camera %d failed", self._renderer.camera_index)
            for sub in list(self._subs):
                sub.close()
        finally:
            self._gop = []
            # Free the encoders in a worker, behind the lock, after any in-flight encode of this run.
            self._pool.submit(self._release, generation)

    def _release(self, generation: int) -> None:
        with self._lock:
            if self._encoder_generation != generation:
                return  # a newer run owns the encoders now
            if self._h264 is not None:
                self._h264.close()
            self._h264 = None
            self._jpeg = None
            self._prev_n = None

    def _produce(self, generation: int, n: int, want_h264: bool, want_jpeg: bool) -> LiveFrame:
        with self._lock:
            if self._encoder_generation != generation:
                if self._h264 is not None:
                    self._h264.close()
                self._h264, self._jpeg, self._prev_n = None, None, None
                self._encoder_generation = generation
            t_ms = self._grid.time_of(n)
            picture = self._renderer.render(t_ms)
            fps = self._grid.fps
            new_second = self._prev_n is None or n // fps != self._prev_n // fps
            self._prev_n = n
            h264 = None
            key = False
            if want_h264:
                if self._h264 is None:
                    self._h264 = H264Encoder(self._renderer.width, self._renderer.height, fps)
                    new_second = True
                encoded = self._h264.encode(picture, t_ms, key_frame=new_second)
                h264, key = encoded.data, encoded.key_frame
                if key:
                    self._sync_ms = t_ms
            elif self._h264 is not None:
                self._h264.close()
                self._h264 = None
            jpeg = None
            if want_jpeg:
                if self._jpeg is None:
                    self._jpeg = JpegEncoder(self._renderer.width, self._renderer.height)
                jpeg = self._jpeg.encode(picture)
            self.frames_produced += 1
            sync = self._sync_ms if h264 is not None else t_ms
            return LiveFrame(t_ms, sync, key or h264 is None, n & 0xFFFF, h264, jpeg)


class LiveHub:
    """All live channels of the site, created lazily per camera index."""

    def __init__(
        self,
        renderer_for: Callable[[int], SceneRenderer],
        grid: FrameGrid,
        clock: Clock,
        pool: Executor,
        max_queue: int | None = None,
    ) -> None:
        self._renderer_for = renderer_for
        self._grid = grid
        self._clock = clock
        self._pool = pool
        self._max_queue = max_queue or 2 * grid.fps
        self._channels: dict[int, LiveChannel] = {}

    def channel(self, camera_index: int) -> LiveChannel:
        """The channel of a camera (created on first use)."""
        chan = self._channels.get(camera_index)
        if chan is None:
            chan = LiveChannel(self._renderer_for(camera_index), self._grid, self._clock, self._pool, self._max_queue)
            self._channels[camera_index] = chan
        return chan

    def subscribe(self, camera_index: int, jpeg: bool) -> LiveSubscriber:
        return self.channel(camera_index).subscribe(jpeg)

    def unsubscribe(self, sub: LiveSubscriber) -> None:
        self.channel(sub.camera_index).unsubscribe(sub)

    def active_channels(self) -> int:
        """How many cameras currently render and encode live video."""
        return sum(1 for c in self._channels.values() if c.running)

    async def close(self) -> None:
        for chan in self._channels.values():
            await chan.close()
