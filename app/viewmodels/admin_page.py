"""What the three administration view-models share: the backend call with busy state, error and notice.

A page calls the backend through an ``AdminApi`` it gets from ``api_source`` at call time (None while no backend
answers: the page then shows "not connected"). One call at a time is not required: ``busy`` stays true while any
runs. A failed call sets ``error_text`` (the backend's bilingual message in the application's language); a
successful one clears it and may set ``notice_text`` (what was done, translated).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from ..backend_link.admin import AdminApi
from ..backend_link.client import BackendError
from ..tasks import TaskRunner
from .admin_texts import admin_error_text, not_connected_text

log = logging.getLogger(__name__)

T = TypeVar("T")
ApiSource = Callable[[], AdminApi | None]  # the API of the backend the GUI talks to now (None: none answers)


class AdminPage(QObject):
    """Base of the administration view-models. Signals: ``sigBusyChanged(bool)``, ``sigErrorChanged(str)`` (""
    when cleared), ``sigNotice(str)`` (a translated confirmation, e.g. "User olga created.")."""

    sigBusyChanged = Signal(bool)
    sigErrorChanged = Signal(str)
    sigNotice = Signal(str)

    def __init__(self, api_source: ApiSource, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._api_source = api_source
        self._runner = runner
        self._running = 0
        self._error = ""
        self._notice = ""

    @property
    def busy(self) -> bool:
        """True while a call to the backend runs."""
        return self._running > 0

    @property
    def error_text(self) -> str:
        """Why the last call failed ("" after a success)."""
        return self._error

    @property
    def notice_text(self) -> str:
        """What the last successful change did ("" when none)."""
        return self._notice

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._runner.spawn(coro, name=name)

    def fail(self, message: str) -> None:
        """Show ``message`` as the page's error (client-side checks use it too)."""
        self._notice = ""
        if message != self._error:
            self._error = message
            self.sigErrorChanged.emit(message)

    def _notify(self, message: str) -> None:
        self._notice = message
        self.sigNotice.emit(message)

    async def _call(self, what: str, call: Callable[[AdminApi], Awaitable[T]]) -> T | None:
        """Run ``call`` with the current API; its result, or None after showing why it failed."""
        api = self._api_source()
        if api is None:
            self.fail(not_connected_text())
            return None
        self._running += 1
        if self._running == 1:
            self.sigBusyChanged.emit(True)
        try:
            result = await call(api)
        except BackendError as exc:
            log.info("%s failed: %s %s", what, exc.status, exc.code)
            self.fail(admin_error_text(exc))
            return None
        finally:
            self._running -= 1
            if self._running == 0:
                self.sigBusyChanged.emit(False)
        self.fail("")
        return result
