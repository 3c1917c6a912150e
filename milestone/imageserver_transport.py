"""The receive side of an ImageServer connection: an asyncio buffered protocol with paced reading.

The socket is read straight into one fixed buffer (``recv_into``: no per-read allocation, no stream buffer
and no reader task between the socket and the splitter), each read is split into messages by
``milestone.imageserver_codec.ResponseReader`` and handed to the connection in one call. Used by
``milestone.imageserver.ImageServerConnection``; source of the protocol facts: MILESTONE_PROTOCOL.md §3.

Paced reading (``interval`` > 0, for recording): after a read that did not fill the buffer, reading pauses for
``interval`` seconds, so the data waits in the kernel's socket buffer (which the kernel grows as needed) and
the next read takes several frames at once: the event loop wakes once per interval per connection instead of
once per frame. A read that fills the buffer is followed at once by another (a high bit rate is never
throttled); :meth:`ImageServerProtocol.wake` ends a pause early (a request whose reply must not wait), and
the connection is never paused while ``keep_reading()`` is true (requests waiting for replies). A live viewer
keeps ``interval`` 0: every frame is read as it arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from milestone.errors import MilestoneError, ProtocolError, UnreachableError
from milestone.imageserver_codec import Message, ResponseReader

log = logging.getLogger(__name__)

READ_CHUNK = 256 * 1024  # bytes read at most at a time (the fixed receive buffer)

OnMessages = Callable[[list[Message]], None]
OnError = Callable[[MilestoneError], None]


class ImageServerProtocol(asyncio.BufferedProtocol):
    """One connection's receive side and write flow control; see the module docstring.

    ``what`` names the peer in error texts (``"ImageServer host:port"``). :meth:`attach` gives the receivers:
    ``on_messages(list)`` gets every read's complete messages in stream order (never an empty list),
    ``on_error(error)`` the first failure (ProtocolError for a malformed stream, UnreachableError when the
    peer closes or the connection drops) exactly once; after it nothing more is delivered and the transport
    is closed. Loop-bound: use from the connection's event loop only.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self.interval = 0.0
        self.keep_reading: Callable[[], bool] = lambda: False
        self.transport: asyncio.Transport | None = None
        self._codec = ResponseReader()
        self._buffer = bytearray(READ_CHUNK)
        self._view = memoryview(self._buffer)
        self._on_messages: OnMessages | None = None
        self._on_error: OnError | None = None
        self._backlog: list[Message] = []  # received before attach()
        self._error: MilestoneError | None = None
        self._failed = False
        self._paused = False
        self._timer: asyncio.TimerHandle | None = None
        self._read_done: asyncio.Future[None] | None = None
        self._write_paused = False
        self._drain: asyncio.Future[None] | None = None
        self._lost: asyncio.Future[None] | None = None

    def attach(self, on_messages: OnMessages, on_error: OnError) -> None:
        """Start delivering to the connection (what arrived before is delivered now)."""
        self._on_messages, self._on_error = on_messages, on_error
        backlog, self._backlog = self._backlog, []
        if backlog:
            on_messages(backlog)
        if self._error is not None:
            self._report(self._error)

    # ------------------------------------------------------------------------------------------ asyncio

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._lost = asyncio.get_running_loop().create_future()

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        if self._error is not None:
            return
        try:
            messages = self._codec.feed(self._view[:nbytes])
            if messages:
                if self._on_messages is None:
                    self._backlog += messages
                else:
                    self._on_messages(messages)
        except MilestoneError as exc:
            self._fail(exc)
            return
        except Exception as exc:
            log.exception("%s: the stream could not be read", self.what)
            self._fail(ProtocolError(f"ImageServer stream could not be read: {type(exc).__name__}"))
            return
        if self.interval > 0 and nbytes < len(self._buffer) and self._error is None and not self.keep_reading():
            self._pause()

    def eof_received(self) -> bool:
        self._fail(UnreachableError(f"{self.what} closed the connection"))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self._fail(UnreachableError(f"{self.what} connection lost: {exc}"))
        else:
            self._fail(UnreachableError(f"{self.what} closed the connection"))
        self._cancel_timer()
        for future in (self._lost, self._drain, self._read_done):
            if future is not None and not future.done():
                future.set_result(None)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    # ------------------------------------------------------------------------------------------ for the connection

    async def drain(self) -> None:
        """Wait until the transport's write buffer is below its high-water mark."""
        if self._write_paused and self._error is None:
            self._drain = asyncio.get_running_loop().create_future()
            await self._drain
        if self._error is not None:
            raise UnreachableError(self._error.args[0] if self._error.args else str(self._error))

    def wake(self) -> None:
        """End the current pause (if any) now."""
        self._cancel_timer()
        if self._paused:
            self._paused = False
            transport = self.transport
            if transport is not None and not transport.is_closing():
                transport.resume_reading()

    async def read_now(self, timeout: float) -> None:
        """Paced reading: end the pause and wait (at most ``timeout`` s) until the next read is delivered."""
        if self.interval <= 0 or self._error is not None:
            return
        done = self._read_done = asyncio.get_running_loop().create_future()
        self.wake()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await done

    def close(self) -> None:
        """Close the transport (``connection_lost`` follows)."""
        self._cancel_timer()
        if self.transport is not None:
            self.transport.close()

    async def wait_closed(self) -> None:
        if self._lost is not None:
            await asyncio.shield(self._lost)

    # ------------------------------------------------------------------------------------------ internals

    def _pause(self) -> None:
        done = self._read_done
        if done is not None and not done.done():
            done.set_result(None)  # read_now(): the socket was read
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if not self._paused:
            transport.pause_reading()
            self._paused = True
        self._cancel_timer()
        self._timer = asyncio.get_running_loop().call_later(self.interval, self.wake)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fail(self, error: MilestoneError) -> None:
        if self._error is not None:
            return
        self._error = error
        self._cancel_timer()
        if self.transport is not None:
            self.transport.close()
        self._report(error)

    def _report(self, error: MilestoneError) -> None:
        if self._on_error is not None and not self._failed:
            self._failed = True
            self._on_error(error)
