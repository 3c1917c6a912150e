"""The bounded queue of live images between an ImageServer connection's receive side and its consumer.

Live video must never queue without bound (DESIGN.md §5): when the consumer falls this far behind, what is
queued is dropped (counted in ``dropped_frames``) and the stream resumes at the next key frame, so that a
decoder never receives a P-frame whose references were dropped. The queue also carries the end of the live
stream (``stop_live``) and the connection's failure, in stream order. A deque with one waiter rather than an
``asyncio.Queue``: a consumer of batches takes everything queued in one step, at no per-frame cost.
Used by ``milestone.imageserver.ImageServerConnection``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator

from milestone.errors import UnreachableError
from milestone.imageserver_refusals import fresh_error
from milestone.models import ImageFrame

END = object()  # the live stream ended (stop_live)


class LiveQueue:
    """Live frames (and the end marker or an error) in stream order, at most ``maxsize`` items.

    ``what`` names the peer in the idle time-out error. Loop-bound: use from the connection's loop only, with
    one consumer at a time.
    """

    def __init__(self, maxsize: int, what: str) -> None:
        self.maxsize = maxsize
        self.what = what
        self.dropped_frames = 0
        self._items: deque[object] = deque()
        self._await_key_frame = False
        self._waiter: asyncio.Future[None] | None = None

    def full(self) -> bool:
        return len(self._items) >= self.maxsize

    def restart(self) -> None:
        """Empty the queue for a new live request (not counted as dropped)."""
        self._items.clear()
        self._await_key_frame = False

    def push(self, item: object) -> None:
        """Append a frame (under the drop policy of the module docstring) or an error."""
        items = self._items
        if self._await_key_frame and isinstance(item, ImageFrame):
            if not item.key_frame:
                self.dropped_frames += 1
                return
            self._await_key_frame = False
        if len(items) >= self.maxsize:
            self.dropped_frames += sum(1 for queued in items if isinstance(queued, ImageFrame))
            items.clear()
            if isinstance(item, ImageFrame) and not item.key_frame:
                self._await_key_frame = True
                self.dropped_frames += 1
                return
        items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def end(self) -> None:
        """Queue the end of the live stream (dropping the oldest item when full)."""
        self._put_last(END)

    def fail(self, error: BaseException) -> None:
        """Queue the connection's failure (dropping the oldest items when full)."""
        self._put_last(error)

    def _put_last(self, item: object) -> None:
        while self._items and self.full():
            if isinstance(self._items.popleft(), ImageFrame):
                self.dropped_frames += 1
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def _wait(self, idle_timeout: float | None) -> None:
        """Until something is queued; UnreachableError after ``idle_timeout`` s of nothing (None: no limit)."""
        if self._items:
            return
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(idle_timeout):
                await waiter
        except TimeoutError:
            raise UnreachableError(f"no live frame from {self.what} for {idle_timeout:g} s") from None
        finally:
            self._waiter = None

    async def frames(self, idle_timeout: float | None = None) -> AsyncGenerator[ImageFrame, None]:
        """Yield frames one at a time until the end marker; raise the queued error (a fresh copy)."""
        items = self._items
        while True:
            await self._wait(idle_timeout)
            item = items.popleft()
            if item is END:
                return
            if isinstance(item, BaseException):
                raise fresh_error(item)
            assert isinstance(item, ImageFrame)
            yield item

    async def batches(self, idle_timeout: float | None = None) -> AsyncGenerator[list[ImageFrame], None]:
        """Yield every frame queued so far as one non-empty list (stream order), until the end marker; raise
        the queued error after the frames before it."""
        items = self._items
        while True:
            await self._wait(idle_timeout)
            batch: list[ImageFrame] = []
            while items:
                item = items.popleft()
                if isinstance(item, ImageFrame):
                    batch.append(item)
                    continue
                if batch:
                    yield batch
                if item is END:
                    return
                assert isinstance(item, BaseException)
                raise fresh_error(item)
            yield batch
