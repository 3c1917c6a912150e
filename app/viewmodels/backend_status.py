"""The backend's state for the main window's status bar: one line, a severity and a tooltip with the details.

Severity drives the dot's colour: ``ok`` (connected), ``busy`` (starting, connecting), ``warning`` (answers
but a health check fails or the events socket is down), ``error`` (unreachable, failed to start), ``off``.
Health check problems are shown with the backend's bilingual message in the application's language.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..backend_link.connection import BackendConnection, BackendState
from ..backend_link.options import BUNDLED, OFF
from ..i18n import LanguageChangeWatcher
from .recording_state import is_arabic

OK, BUSY, WARNING, ERROR, SEVERITY_OFF = "ok", "busy", "warning", "error", "off"


class BackendStatusViewModel(QObject):
    """Binds to a BackendConnection. Signal ``sigChanged()``: ``text``, ``severity`` or ``details`` changed."""

    sigChanged = Signal()

    def __init__(self, backend: BackendConnection, parent=None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._text = ""
        self._severity = SEVERITY_OFF
        self._details = ""
        backend.sigStateChanged.connect(self._refresh)
        backend.sigPermissionsChanged.connect(self._refresh)
        backend.sigCamerasChanged.connect(self._refresh)
        LanguageChangeWatcher(self, self._refresh)  # text and details are translated: set again, sigChanged
        self._refresh()

    @property
    def text(self) -> str:
        """One translated line, e.g. "Backend: connected" or "Backend unreachable (http://…); retrying"."""
        return self._text

    @property
    def severity(self) -> str:
        """``ok``, ``busy``, ``warning``, ``error`` or ``off``."""
        return self._severity

    @property
    def details(self) -> str:
        """A tooltip: where the backend is, each failing check, the imported cameras (translated)."""
        return self._details

    @property
    def ok(self) -> bool:
        return self._backend.state == BackendState.CONNECTED

    def _problem(self, message: str | None, message_ar: str | None, fallback: str) -> str:
        text = (message_ar or message) if is_arabic() else (message or message_ar)
        return text or fallback

    def _refresh(self) -> None:
        b = self._backend
        state = b.state
        where = b.url or self.tr("bundled")
        details: list[str] = []
        if b.mode == OFF:
            text, severity = self.tr("Backend: none configured (recording unavailable)"), SEVERITY_OFF
        elif state == BackendState.OFF:
            text, severity = self.tr("Backend: starts after the XProtect login"), SEVERITY_OFF
        elif state == BackendState.STARTING:
            text, severity = self.tr("Backend: starting…"), BUSY
        elif state == BackendState.CONNECTING:
            text, severity = self.tr("Backend: connecting to {0}…").format(where), BUSY
        elif state == BackendState.CONNECTED:
            text, severity = self.tr("Backend: connected"), OK
        elif state == BackendState.DEGRADED:
            problems = b.problems()
            if problems:
                name, check = problems[0]
                problem = self._problem(check.message, check.message_ar, self.tr("check {0} fails").format(name))
                text = self.tr("Backend: {0}").format(problem)
            else:
                text = self.tr("Backend: live events disconnected; reconnecting…")
            severity = WARNING
            for name, check in problems:
                problem = self._problem(check.message, check.message_ar, check.status)
                details.append(self.tr("{0}: {1}").format(name, problem))
        elif state == BackendState.UNREACHABLE:
            text, severity = self.tr("Backend unreachable ({0}); retrying…").format(where), ERROR
        elif b.login_error is not None:
            error = b.login_error
            text = self.tr("Backend log-in refused: {0}").format(
                self._problem(error.message, error.message_ar, error.code)
            )
            severity = ERROR
        else:
            if b.mode == BUNDLED:
                text = self.tr("Backend could not be started; retrying…")
            else:
                text = self.tr("Backend at {0} cannot be used; retrying…").format(where)
            severity = ERROR
        if b.failure:
            details.append(self.tr("Reason: {0}").format(b.failure))
        if b.mode != OFF:
            kind = self.tr("bundled (started by this application)") if b.mode == BUNDLED else self.tr("remote")
            details.insert(0, self.tr("Backend {0}: {1}").format(kind, b.url or "—"))
            if state in (BackendState.CONNECTED, BackendState.DEGRADED):
                me = b.identity
                if me is not None and me.kind == "user":
                    role = {
                        "operator": self.tr("operator"),
                        "supervisor": self.tr("supervisor"),
                        "admin": self.tr("administrator"),
                    }.get(me.role, me.role)
                    details.append(self.tr("Signed in as {0} ({1})").format(me.display_name or me.username, role))
                details.append(self.tr("Cameras known to the backend: {0}").format(b.imported_count))
                details.append(
                    self.tr("Live events: connected") if b.events_connected else self.tr("Live events: reconnecting")
                )
        details_text = "\n".join(details)
        if (text, severity, details_text) != (self._text, self._severity, self._details):
            self._text, self._severity, self._details = text, severity, details_text
            self.sigChanged.emit()
