"""Process bootstrap of the operator application: QApplication, qasync loop, translators, engine, clean shutdown.

``Runtime`` owns, for one GUI process: the QApplication (reused if one exists, e.g. under pytest-qt), the qasync
event loop (set as the thread's asyncio loop), the installed translators, a started ``media.engine.MediaEngine``
and the ``MainViewModel``. ``Runtime.run(coro)`` runs the application's main coroutine on the loop and then
shuts down cleanly: save settings, close streams, close the session, cancel pending tasks, stop the engine.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

import qasync
from PySide6.QtWidgets import QApplication

from media.engine import MediaEngine
from milestone.clock import Clock

from .credentials import CredentialStore
from .i18n import install_translators
from .settings import Settings
from .viewmodels import MainViewModel
from .viewmodels.login import SessionFactory, default_session_factory

log = logging.getLogger(__name__)

APP_NAME = "Control Room Video"
ORGANISATION = "control-room-video"


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr at ``level`` (DEBUG, INFO, WARNING, ERROR); nothing logged ever contains a secret."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (created if needed). Quitting is explicit: closing the main window asks the
    runtime to shut down; Qt must not stop the event loop behind qasync's back."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else [sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setQuitOnLastWindowClosed(False)
    return app


class Runtime:
    """Everything one GUI process runs on; see the module docstring. Not reusable after ``run``."""

    def __init__(
        self,
        settings: Settings,
        credentials: CredentialStore,
        *,
        argv: list[str] | None = None,
        clock: Clock | None = None,
        session_factory: SessionFactory = default_session_factory,
        restore_wall: bool = True,
    ) -> None:
        self.settings = settings
        self.app = create_application(argv)
        self.translators = install_translators(self.app, str(settings.get("language")))
        self.loop = qasync.QEventLoop(self.app)
        asyncio.set_event_loop(self.loop)
        self.engine = MediaEngine(clock=clock)
        self.engine.start()
        self.vm = MainViewModel(
            settings, credentials, self.engine, clock=clock, session_factory=session_factory, restore_wall=restore_wall
        )
        self._closed = False

    def run(self, main: Coroutine[Any, Any, Any]) -> Any:
        """Run ``main`` on the qasync loop, then shut down (also when it raises); returns ``main``'s result."""
        try:
            return self.loop.run_until_complete(self._main(main))
        finally:
            self.close()

    async def _main(self, main: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await main
        finally:
            await self.shutdown()

    async def shutdown(self) -> None:
        """Save settings, close streams and the session, cancel pending tasks, stop the engine (in a worker)."""
        try:
            await self.vm.aclose()
        finally:
            await asyncio.get_running_loop().run_in_executor(None, self.engine.stop)
            current = asyncio.current_task()
            pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    def close(self) -> None:
        """Release the loop (after ``run``); the QApplication stays for the process."""
        if self._closed:
            return
        self._closed = True
        self.engine.stop()  # no-op when shutdown already stopped it
        self.vm.deleteLater()
        self.loop.close()
        asyncio.set_event_loop(None)
