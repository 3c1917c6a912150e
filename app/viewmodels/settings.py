"""The Settings dialog's view-model: reads the operator's settings into a ``SettingsForm``, validates and applies
it (writing the settings file off the GUI thread), forgets a saved password, tests the backend connection.

What applies when (the dialog says so after OK): the language at once (``set_language_switcher``; without one,
at the next start); tile behaviour and the recording duration at once; the live video format for the streams
opened from then on; the XProtect server at the next log-in; the backend at the next start of the application.
Passwords and API tokens are never part of the form: they stay in the OS keyring (``app.credentials``).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QObject, Signal

from ..backend_link.connection import BackendConnection
from ..backend_link.options import API_TOKEN_USER, BUNDLED, DurationLimits, default_backend_data_dir
from ..backend_link.probe import AUTH_TOKEN, AUTH_USER, ProbeResult, probe_backend
from ..backend_link.process import read_token_file
from ..credentials import CredentialStore, CredentialsUnavailableError
from ..settings import Settings
from ..tasks import TaskRunner
from . import settings_form as sf
from .settings_form import SettingsForm

log = logging.getLogger(__name__)

SERVER_KEYS = {"server_url", "username", "auth_type", "verify_tls"}
BACKEND_KEYS = {"backend_url", "backend_token_file", "backend_username", "backend_data_dir"}


class SettingsViewModel(QObject):
    """See the module docstring. ``limits()`` gives the recording duration limits in force (the backend's).

    Signals: ``sigApplied(list[str] changed option keys)`` after ``apply`` stored a valid form;
    ``sigTestFinished(bool ok, str text)`` when a connection test ends; ``sigTestingChanged(bool)``;
    ``sigSaveFailed(str text)`` when the settings file cannot be written; ``sigNotice(str text)`` with what the
    operator should know after ``apply`` (when the changes take effect).
    """

    sigApplied = Signal(list)
    sigNotice = Signal(str)
    sigTestFinished = Signal(bool, str)
    sigTestingChanged = Signal(bool)
    sigSaveFailed = Signal(str)

    def __init__(
        self,
        settings: Settings,
        credentials: CredentialStore,
        runner: TaskRunner,
        backend: BackendConnection,
        limits: Callable[[], DurationLimits],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._credentials = credentials
        self._runner = runner
        self._backend = backend
        self._limits = limits
        self._switch_language: Callable[[str], None] | None = None
        self._testing = False

    # --- reading --------------------------------------------------------------------------------------
    def form(self) -> SettingsForm:
        """The current (effective) settings."""
        return SettingsForm.from_settings(self._settings)

    @property
    def limits(self) -> DurationLimits:
        return self._limits()

    def overridden_by(self, field: str) -> str | None:
        """The environment variable fixing ``field`` for this run (the dialog shows it read-only), or None."""
        key = "backend_url" if field == "backend_mode" else field
        try:
            return self._settings.overridden_by(key)
        except KeyError:
            return None

    @staticmethod
    def minutes_text(seconds: int) -> str:
        """``seconds`` as minutes in the operator's locale ("1", "1.5"; Arabic-Indic digits in Arabic)."""
        return _minutes(seconds)

    @property
    def default_data_dir(self) -> str:
        return str(default_backend_data_dir())

    def set_language_switcher(self, switch: Callable[[str], None] | None) -> None:
        """``switch(language)`` applies a language at once (the runtime reinstalls the translators)."""
        self._switch_language = switch

    # --- validation -----------------------------------------------------------------------------------
    def problems(self, form: SettingsForm) -> list[tuple[str, str]]:
        """``(field, message)`` for each problem of ``form``, in the operator's language; [] = valid."""
        return [(name, self._message(name, code)) for name, code in sf.validate(form, self.limits)]

    def _message(self, field: str, code: str) -> str:
        limits = self.limits
        if field == "recording_duration":
            return self.tr("The recording duration must be between {0} and {1} minutes.").format(
                _minutes(limits.min_s), _minutes(limits.max_s)
            )
        if field == "server_url":
            return self.tr("The XProtect server address must start with http:// or https:// and name a host.")
        if field == "backend_url" and code == sf.MISSING:
            return self.tr("Enter the address of the remote backend, or choose the bundled backend.")
        if field == "backend_url":
            return self.tr("The backend address must start with http:// or https:// and name a host.")
        if field == "backend_token_file":
            return self.tr("The API token file does not exist.")
        if field == "backend_data_dir":
            return self.tr("The data directory is a file, not a directory.")
        return self.tr("The value of {0} is not one of the choices.").format(field)

    # --- applying -------------------------------------------------------------------------------------
    def apply(self, form: SettingsForm) -> tuple[list[tuple[str, str]], list[str]]:
        """Validate ``form``; when valid store it, apply what applies at once and save the file (in a worker).

        Returns ``(problems, notices)``: the problems (nothing is stored when there are any) and, when stored,
        what the operator should know about when the changes take effect (translated).
        """
        problems = self.problems(form)
        if problems:
            return problems, []
        changed = form.store(self._settings)
        notices: list[str] = []
        if "language" in changed:
            if self._switch_language is not None:
                self._switch_language(str(self._settings.get("language")))
            else:
                notices.append(self.tr("The language changes when the application starts again."))
        if SERVER_KEYS & set(changed):
            notices.append(self.tr("The XProtect server settings apply at the next log-in."))
        if BACKEND_KEYS & set(changed):
            notices.append(self.tr("The backend settings apply when the application starts again."))
        if "live_format" in changed:
            notices.append(self.tr("The live video format applies to the cameras opened from now on."))
        if changed:
            log.info("settings changed: %s", ", ".join(sorted(changed)))
            self._runner.spawn(self._save(), name="save-settings")
            self.sigApplied.emit(changed)
        if notices:
            self.sigNotice.emit(" ".join(notices))
        return [], notices

    def value(self, key: str) -> Any:
        """The current value of setting ``key`` (``app.settings.OPTIONS``)."""
        return self._settings.get(key)

    def remember(self, key: str, value: str) -> None:
        """A setting the operator chose outside the dialog and that already applies (View ▸ Language /
        Calendar switch the running application): stored and saved so the next start keeps it."""
        if self._settings.get(key) == value:
            return
        self._settings.set(key, value)
        self._runner.spawn(self._save(), name="save-settings")
        self.sigApplied.emit([key])

    async def _save(self) -> None:
        try:
            text = self._settings.serialise()
            await asyncio.get_running_loop().run_in_executor(None, self._settings.write, text)
        except OSError as exc:
            log.warning("cannot write the settings file: %s", exc)
            self.sigSaveFailed.emit(self.tr("The settings could not be saved: {0}").format(exc.strerror or exc))

    # --- saved password ---------------------------------------------------------------------------------
    def has_saved_password(self, server_url: str, username: str) -> bool:
        """True when the keyring holds a password for this server and user (False without a keyring)."""
        if not server_url.strip() or not username.strip():
            return False
        try:
            return bool(self._credentials.get(server_url, username.strip()))
        except CredentialsUnavailableError:
            return False

    def forget_password(self, server_url: str, username: str) -> str:
        """Delete the saved password of this server and user from the keyring and stop remembering it.
        Returns the message to show (translated)."""
        if not server_url.strip() or not username.strip():
            return self.tr("Enter the server address and the user name whose password should be forgotten.")
        try:
            self._credentials.delete(server_url, username.strip())
        except CredentialsUnavailableError:
            return self.tr("The system keyring is not available: no password is saved on this computer.")
        self._settings.set("remember_password", False)
        self._runner.spawn(self._save(), name="save-settings")
        return self.tr("The saved password was forgotten.")

    # --- connection test --------------------------------------------------------------------------------
    @property
    def testing(self) -> bool:
        return self._testing

    def test_connection(self, form: SettingsForm) -> None:
        """Check the backend ``form`` describes, in the background; ``sigTestFinished`` reports."""
        if self._testing:
            return
        self._set_testing(True)
        self._runner.spawn(self._test(form), name="settings-test-backend")

    def _set_testing(self, testing: bool) -> None:
        if testing != self._testing:
            self._testing = testing
            self.sigTestingChanged.emit(testing)

    async def _test(self, form: SettingsForm) -> None:
        try:
            ok, text = await self.check_backend(form)
        finally:
            self._set_testing(False)
        self.sigTestFinished.emit(ok, text)

    async def check_backend(self, form: SettingsForm) -> tuple[bool, str]:
        """``(ok, message)`` for the backend of ``form``: a remote one is asked for its health and shown the
        credentials the GUI would use (token file, keyring token, else the backend user's saved password);
        the bundled one is asked when it runs, else its data directory is checked."""
        if form.backend_mode == sf.REMOTE:
            problems = [p for p in self.problems(form) if p[0].startswith("backend")]
            if problems:
                return False, problems[0][1]
            return await self._check_remote(form)
        return await self._check_bundled(form)

    async def _check_remote(self, form: SettingsForm) -> tuple[bool, str]:
        url = sf.normalise_url(form.backend_url)
        token = password = ""
        username = form.backend_username.strip()
        try:
            if form.backend_token_file.strip():
                path = Path(form.backend_token_file.strip()).expanduser()
                token = await asyncio.get_running_loop().run_in_executor(None, read_token_file, path)
            else:
                token = self._credentials.get(url, API_TOKEN_USER) or ""
                if not token and username:
                    password = self._credentials.get(url, f"user:{username}") or ""
        except (OSError, ValueError):
            return False, self.tr("The API token file cannot be read or holds no token.")
        except CredentialsUnavailableError:
            pass  # no keyring: the health check still says whether the backend answers
        result = await probe_backend(url, token, username=username, password=password)
        return result.ok, self._describe(result)

    async def _check_bundled(self, form: SettingsForm) -> tuple[bool, str]:
        backend = self._backend
        client = backend.client if backend.mode == BUNDLED else None
        if client is not None:
            result = await probe_backend(client.base_url, "")
            if result.ok:
                return True, self.tr("The bundled backend answers (version {0}, status {1}).").format(
                    result.version, result.status
                )
            return False, self._describe(result)
        data_dir = Path(form.backend_data_dir.strip() or self.default_data_dir).expanduser()
        writable = await asyncio.get_running_loop().run_in_executor(None, _writable_dir, data_dir)
        if not writable:
            return False, self.tr("The bundled backend cannot write to its data directory {0}.").format(data_dir)
        return True, self.tr(
            "The bundled backend is not running: it starts after the XProtect log-in. Its data directory {0} is usable."
        ).format(data_dir)

    def _describe(self, result: ProbeResult) -> str:
        if result.ok:
            head = self.tr("The backend answers (version {0}, status {1}).").format(result.version, result.status)
            if result.auth == AUTH_TOKEN:
                return head + " " + self.tr("The API token is accepted.")
            if result.auth == AUTH_USER:
                return head + " " + self.tr("Logged in as {0} ({1}).").format(result.username, result.role)
            return head + " " + self.tr("No API token or saved password: the XProtect log-in is used.")
        error = result.error
        assert error is not None
        if not error.answered:
            return self.tr("The backend does not answer at this address ({0}).").format(error.code)
        if error.status == 401:
            return self.tr("The backend refused the credentials: {0}").format(error.text(_arabic()))
        return self.tr("The backend answered with an error: {0}").format(error.text(_arabic()) or error.code)


def _minutes(seconds: int) -> str:
    """Minutes in the operator's locale (Arabic-Indic digits in Arabic), e.g. "1", "1.5"."""
    return QLocale().toString(seconds / 60, "g", 6)


def _arabic() -> bool:
    return QLocale().language() == QLocale.Language.Arabic


def _writable_dir(path: Path) -> bool:
    """True when ``path`` is (or can be created as) a directory this user can write to."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
