"""Per-user settings of the operator application: every option declared once, with its default.

Stored as a small versioned JSON file in the user's configuration directory (``settings.json``); environment
variables named as in DESIGN.md §8 (``MILESTONE_BASE_URL``, ``MILESTONE_USERNAME``, ``MILESTONE_AUTH_TYPE``)
override the file for the current run without being written back. Passwords are never stored here: they live
in the OS keyring (see ``app.credentials``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
APP_DIR_NAME = "control-room-video"


@dataclass(frozen=True, slots=True)
class Option:
    """One declared setting: its key, type, default and (optionally) the environment variable overriding it."""

    key: str
    type: type
    default: Any
    env: str | None = None


OPTIONS: tuple[Option, ...] = (
    Option("server_url", str, "", "MILESTONE_BASE_URL"),
    Option("username", str, "", "MILESTONE_USERNAME"),
    Option("auth_type", str, "basic", "MILESTONE_AUTH_TYPE"),
    Option("verify_tls", bool, True),
    Option("remember_password", bool, False),
    Option("last_layout", str, "2x2"),
    Option("last_cameras", list, []),
    Option("language", str, ""),
    Option("calendar", str, "gregorian"),  # how dates are shown: "gregorian" or "hijri" (Umm al-Qura, app.calendars)
    # The backend (app.backend_link.options): "" = start the bundled backend as a child process; a URL = use
    # that remote backend (its API token from backend_token_file, or the keyring entry for the URL).
    Option("backend_url", str, "", "BACKEND_URL"),
    Option("backend_token_file", str, ""),
    Option("backend_username", str, ""),  # remote backend without API token: log in as this user ("" = XProtect's)
    Option("backend_data_dir", str, ""),
    Option("recording_duration", int, 900),  # the operator's last manual recording duration, seconds
)
_BY_KEY = {opt.key: opt for opt in OPTIONS}

# Upgrade functions: UPGRADES[n] turns a version-n dict into a version-(n+1) dict.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def default_config_dir() -> Path:
    """The per-user configuration directory (created on first save).

    Windows ``%APPDATA%\\control-room-video``, macOS ``~/Library/Application Support/control-room-video``,
    elsewhere ``$XDG_CONFIG_HOME/control-room-video`` (``~/.config`` by default).
    """
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / APP_DIR_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP_DIR_NAME


def _coerce(opt: Option, value: Any) -> Any:
    """Convert a stored or environment value to the option's type; raises ValueError when impossible."""
    if opt.type is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return value.strip().lower() in ("1", "true", "yes", "on")
        raise ValueError(f"{opt.key}: not a boolean")
    if opt.type is list:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise ValueError(f"{opt.key}: not a list of strings")
    if opt.type is int and isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise ValueError(f"{opt.key}: not a whole number") from None
    if isinstance(value, opt.type) and not (opt.type is int and isinstance(value, bool)):
        return value
    raise ValueError(f"{opt.key}: expected {opt.type.__name__}")


class Settings:
    """The declared options, loaded from ``path`` (None: in memory only, e.g. the demo) and ``environ``.

    ``get(key)`` returns the effective value (environment, else file, else default); ``set(key, value)``
    changes it in memory; ``save()`` writes the file atomically. Unknown keys raise KeyError; values of the
    wrong type raise ValueError. A corrupt file is logged and ignored (defaults apply).
    """

    def __init__(self, path: Path | None, environ: Mapping[str, str] | None = None) -> None:
        self._path = path
        self._values: dict[str, Any] = {}
        self._env: dict[str, Any] = {}
        env = os.environ if environ is None else environ
        for opt in OPTIONS:
            if opt.env and env.get(opt.env):
                try:
                    self._env[opt.key] = _coerce(opt, env[opt.env])
                except ValueError:
                    log.warning("ignoring environment variable %s: wrong type", opt.env)
        if path is not None:
            self._load(path)

    @classmethod
    def for_user(cls) -> Settings:
        """The settings of the current user, in ``default_config_dir()/settings.json``."""
        return cls(default_config_dir() / "settings.json")

    @property
    def path(self) -> Path | None:
        return self._path

    def _load(self, path: Path) -> None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable settings file %s: %s", path, exc)
            return
        if not isinstance(raw, dict):
            log.warning("ignoring settings file %s: not a JSON object", path)
            return
        version = raw.get("version", 1)
        while isinstance(version, int) and version < SETTINGS_VERSION and version in UPGRADES:
            raw = UPGRADES[version](raw)
            version += 1
        for key, value in raw.get("values", {}).items():
            opt = _BY_KEY.get(key)
            if opt is None:
                continue
            try:
                self._values[key] = _coerce(opt, value)
            except ValueError:
                log.warning("ignoring setting %s: wrong type", key)

    def get(self, key: str) -> Any:
        """The effective value of option ``key``. Raises KeyError for an undeclared option."""
        opt = _BY_KEY[key]
        if key in self._env:
            return self._env[key]
        value = self._values.get(key, opt.default)
        return list(value) if isinstance(value, list) else value

    def set(self, key: str, value: Any) -> None:
        """Set option ``key`` for this run and for ``save()``. Raises KeyError / ValueError."""
        opt = _BY_KEY[key]
        self._values[key] = _coerce(opt, value)
        self._env.pop(key, None)

    def serialise(self) -> str:
        """The file's content for the current values (JSON text; environment overrides are not included)."""
        return json.dumps({"version": SETTINGS_VERSION, "values": self._values}, indent=2, sort_keys=True)

    def write(self, text: str) -> None:
        """Write ``text`` (from ``serialise``) atomically: temporary file, fsync, rename. Raises OSError.

        Safe to call from a worker thread. No-op for in-memory settings.
        """
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=self._path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def save(self) -> None:
        """``write(serialise())`` on the calling thread. Raises OSError."""
        self.write(self.serialise())
