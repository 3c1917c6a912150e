"""Background asyncio work started from the GUI thread, with failures relayed to one notifier.

The qasync loop only awaits I/O (STYLE.md practice 3). Every task started through ``TaskRunner.spawn`` is
tracked so that shutdown can cancel what is still pending; an exception that the coroutine did not handle
itself is logged and reported through ``Notifier.sigError`` (never swallowed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)


class Notifier(QObject):
    """The one place background failures and notices go; the main window shows them in its status bar."""

    sigError = Signal(str)  # translated, operator-readable message
    sigInfo = Signal(str)

    def error(self, message: str) -> None:
        self.sigError.emit(message)

    def info(self, message: str) -> None:
        self.sigInfo.emit(message)


class TaskRunner:
    """Starts coroutines on the running (qasync) loop and cancels the pending ones on ``cancel_all``."""

    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Schedule ``coro`` as a task named ``name``; call from the GUI thread while the qasync loop runs."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("background task %s failed", task.get_name(), exc_info=exc)
            message = QCoreApplication.translate("TaskRunner", "An internal error occurred: {0}")
            self._notifier.error(message.format(type(exc).__name__))

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def cancel_all(self) -> None:
        """Cancel every pending task and wait until they have finished."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
