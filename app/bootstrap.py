"""Process bootstrap of the operator application: QApplication, qasync loop, translators, engine, clean shutdown.

``Runtime`` owns, for one GUI process: the QApplication (reused if one exists, e.g. under pytest-qt), the qasync
event loop (set as the thread's asyncio loop), the installed translators, a started ``media.engine.MediaEngine``
and the ``MainViewModel`` (with its link to the backend: ``backend`` options, None = no backend).
``Runtime.run(coro)`` runs the application's main coroutine on the loop and then shuts down cleanly: save
settings, close streams, stop the bundled backend, close the session, cancel pending tasks, stop the engine.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import qasync
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from media.engine import MediaEngine
from milestone.clock import Clock

from .backend_link.options import BackendOptions
from .credentials import CredentialStore
from .i18n import LanguageSwitcher
from .settings import Settings
from .viewmodels import MainViewModel
from .viewmodels.login import SessionFactory, default_session_factory

# (QApplication, MainViewModel) -> the main window (a QMainWindow with ``sigCloseRequested``); main.py passes
# ``widgets.shell.create_main_window`` so that the app layer never imports widgets.
WindowFactory = Callable[[Any, Any], Any]

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
    # httpx logs every request line at INFO: the backend's health polls would flood the log.
    logging.getLogger("httpx").setLevel(logging.WARNING)


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
        backend: BackendOptions | None = None,
    ) -> None:
        self.settings = settings
        self.app = create_application(argv)
        self.languages = LanguageSwitcher.for_app(self.app)  # View ▸ Language and the settings dialog switch it
        self.languages.switch(str(settings.get("language")))
        self.languages.set_calendar(str(settings.get("calendar")))
        self.loop = qasync.QEventLoop(self.app)
        asyncio.set_event_loop(self.loop)
        self.engine = MediaEngine(clock=clock)
        self.engine.start()
        self.vm = MainViewModel(
            settings,
            credentials,
            self.engine,
            clock=clock,
            session_factory=session_factory,
            restore_wall=restore_wall,
            backend_options=backend,
        )
        self.vm.settings.set_language_switcher(self.switch_language)
        self.vm.settings.sigApplied.connect(self._on_settings_applied)
        self.quit_requested = asyncio.Event()
        self._old_handlers: dict[int, Any] = {}
        self._wakeup: QTimer | None = None
        self._closed = False

    def switch_language(self, language: str) -> None:
        """Apply ``language`` ("" = the system's) now (``LanguageSwitcher.switch``: the translators are replaced,
        every widget gets a LanguageChange event, the layout direction follows)."""
        self.languages.switch(language)
        log.info("language switched to %s", language or "the system's")

    def _on_settings_applied(self, changed: list[str]) -> None:
        if "calendar" in changed:
            self.languages.set_calendar(str(self.vm.settings.value("calendar")))

    def install_signal_handlers(self) -> None:
        """Make SIGINT (Ctrl-C) and SIGTERM (service stop) set ``quit_requested`` for a clean shutdown.

        Python runs signal handlers only between bytecodes, so a 250 ms timer wakes the interpreter while Qt
        idles in C++.
        """
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._old_handlers[signum] = signal.signal(signum, self._on_signal)
        self._wakeup = QTimer()
        self._wakeup.timeout.connect(lambda: None)
        self._wakeup.start(250)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        log.info("signal %d received: shutting down", signum)
        self.loop.call_soon_threadsafe(self.quit_requested.set)

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
        """Release the loop and the view-models (after ``run``) on the GUI thread; the QApplication stays.

        Every QObject of this runtime is destroyed here, on the GUI thread. Left to Python's cyclic garbage
        collector they could be destroyed on whichever thread happens to collect (an engine thread), and a
        QObject destroyed off its thread leaves its Qt timers registered ("Timers cannot be stopped from
        another thread"): the next timer event then hits freed memory. qasync's timer object keeps a Qt timer
        for every asyncio handle scheduled and later cancelled, so it is deleted explicitly.
        """
        if self._closed:
            return
        self._closed = True
        if self._wakeup is not None:
            self._wakeup.stop()
            self._wakeup = None
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self.engine.stop()  # no-op when shutdown already stopped it
        self.vm.backend.stop_now()  # no-op when shutdown already stopped the bundled backend
        qasync_timer = getattr(self.loop, "_timer", None)  # qasync._SimpleTimer (a private attribute)
        self.loop.close()
        asyncio.set_event_loop(None)
        if isinstance(qasync_timer, QObject) and shiboken6.isValid(qasync_timer):
            shiboken6.delete(qasync_timer)
        self.vm.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
