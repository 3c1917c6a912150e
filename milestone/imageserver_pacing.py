"""Paced reading for an asyncio stream connection: read the socket at most every ``interval`` seconds.

Between reads the transport is paused, so the data waits in the kernel's socket buffer (which the kernel
grows as needed) and each read takes several frames at once: the event loop wakes a few times a second per
connection instead of once per frame. Used by ``milestone.imageserver.ImageServerConnection`` for
recording, where latency does not matter; a live viewer keeps reading every frame as it arrives.
"""

from __future__ import annotations

import asyncio
import contextlib


class ReadPacer:
    """The pause between reads of one connection: :meth:`pause` after a read, :meth:`wake` to end it early
    (a request whose reply must not wait), :meth:`read_now` to have the socket read once more now.

    ``interval`` 0 (the default) means no pacing. Loop-bound: use from the connection's event loop only.
    """

    def __init__(self) -> None:
        self.interval = 0.0
        self._nap: asyncio.Future[None] | None = None
        self._read_done: asyncio.Future[None] | None = None

    def wake(self) -> None:
        """End the current pause (if any) now."""
        nap = self._nap
        if nap is not None and not nap.done():
            nap.set_result(None)

    async def pause(self, transport: asyncio.Transport) -> None:
        """Leave the socket unread for up to ``interval`` seconds (or until :meth:`wake`)."""
        done = self._read_done
        if done is not None and not done.done():
            done.set_result(None)  # read_now(): the socket was read
        loop = asyncio.get_running_loop()
        nap = self._nap = loop.create_future()
        timer = loop.call_later(self.interval, self.wake)
        transport.pause_reading()
        try:
            await nap
        finally:
            timer.cancel()
            self._nap = None
            if not transport.is_closing():
                transport.resume_reading()

    async def read_now(self, timeout: float) -> None:
        """End the pause and wait (at most ``timeout`` s) until the reader has read and paused again."""
        if self.interval <= 0:
            return
        done = self._read_done = asyncio.get_running_loop().create_future()
        self.wake()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await done
