"""Per-user settings of the operator application: every option declared once, with its default.

Stored as a small versioned JSON file in the user's configuration directory (``settings.json``); environment
variables named as in DESIGN.md §8 (``MILESTONE_BASE_URL``, ``MILESTONE_USERNAME``, ``MILESTONE_AUTH_TYPE``)
override the file for the current run without being written back. Passwords and API tokens are never stored
here: they live in the OS keyring (see ``app.credentials``).

File format: ``{"version": SETTINGS_VERSION, "values": {key: value}}``. An older file is upgraded on load by the
functions in ``UPGRADES`` (version 1 -> 2: see ``upgrade_1_to_2``). A corrupt file (not JSON, not an object,
a value of the wrong type or outside its choices) is renamed ``settings.json.corrupt-<UTC time>`` and replaced
by the defaults; ``Settings.recovered_backup`` then names the copy so the application can tell the operator.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from milestone.clock import Clock, SystemClock

log = logging.getLogger(__name__)

SETTINGS_VERSION = 2
APP_DIR_NAME = "control-room-video"
LANGUAGES = ("", "en", "ar")  # "" = the system's language


@dataclass(frozen=True, slots=True)
class Option:
    """One declared setting: its key, type, default and (optionally) the environment variable overriding it."""

    key: str
    type: type
    default: Any
    env: str | None = None
    choices: tuple[str, ...] = ()  # the allowed values of a str option (empty: any string)


OPTIONS: tuple[Option, ...] = (
    Option("server_url", str, "", "MILESTONE_BASE_URL"),
    Option("username", str, "", "MILESTONE_USERNAME"),
    Option("auth_type", str, "basic", "MILESTONE_AUTH_TYPE", ("basic", "ntlm")),
    Option("verify_tls", bool, True),
    Option("remember_password", bool, False),
    Option("last_layout", str, "2x2"),
    Option("last_cameras", list, []),
    Option("language", str, "", choices=LANGUAGES),
    Option("calendar", str, "gregorian", choices=("gregorian", "hijri")),  # dates: Gregorian or Hijri (Umm al-Qura)
    # Live video: "h264" (decoded here, DESIGN.md §5) or "jpeg" (the ImageServer sends standard JPEG pictures,
    # MILESTONE_PROTOCOL.md §3 ``alwaysstdjpeg``): used for the streams opened after the change.
    Option("live_format", str, "h264", choices=("h264", "jpeg")),
    # Tiles of the wall: the name/state band over live video, double-click maximises, keep the aspect ratio.
    Option("tile_overlays", bool, True),
    Option("tile_double_click_maximise", bool, True),
    Option("tile_keep_aspect", bool, True),
    # The backend (app.backend_link.options): "" = start the bundled backend as a child process; a URL = use
    # that remote backend (its API token from backend_token_file, or the keyring entry for the URL).
    Option("backend_url", str, "", "BACKEND_URL"),
    Option("backend_token_file", str, ""),
    Option("backend_username", str, ""),  # remote backend without API token: log in as this user ("" = XProtect's)
    Option("backend_data_dir", str, ""),
    Option("recording_duration", int, 900),  # the operator's last manual recording duration, seconds
)
_BY_KEY = {opt.key: opt for opt in OPTIONS}


def _language_v2(value: Any) -> Any:
    """A version-1 locale name ("ar_SA", "en-GB", "AR") as a version-2 choice ("ar", "en"; "" = system)."""
    if not isinstance(value, str):
        return value
    base = value.strip().replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else ""


def upgrade_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2. Version 1 took free text where version 2 has choices or a normalised form:

    ``language``: any locale name -> "en" / "ar" / "" (the system's; other languages have no catalogue);
    ``auth_type``: any case -> lower case ("NTLM" -> "ntlm"); ``backend_url``: a bare ``host:port`` (version 1
    added ``http://`` when used) -> ``http://host:port`` without trailing slashes. Values of the wrong type are
    left for the loader to reject. Returns a new dict with ``version`` 2.
    """
    values = data.get("values")
    values = dict(values) if isinstance(values, dict) else values
    if isinstance(values, dict):
        if "language" in values:
            values["language"] = _language_v2(values["language"])
        if isinstance(values.get("auth_type"), str):
            values["auth_type"] = values["auth_type"].strip().lower()
        url = values.get("backend_url")
        if isinstance(url, str) and url.strip():
            url = url.strip().rstrip("/")
            values["backend_url"] = url if "://" in url else f"http://{url}"
    return {**data, "version": 2, "values": values}


# Upgrade functions: UPGRADES[n] turns a version-n dict into a version-(n+1) dict.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: upgrade_1_to_2}


class CorruptSettingsError(ValueError):
    """The settings file cannot be used as it is (the message says why, for the log)."""


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


def _coerce_choice(opt: Option, value: Any) -> Any:
    """``_coerce``, then check the option's choices; raises ValueError."""
    value = _coerce(opt, value)
    if opt.choices and value not in opt.choices:
        raise ValueError(f"{opt.key}: not one of {', '.join(repr(c) for c in opt.choices)}")
    return value


class Settings:
    """The declared options, loaded from ``path`` (None: in memory only, e.g. the demo) and ``environ``.

    ``get(key)`` returns the effective value (environment, else file, else default); ``set(key, value)``
    changes it in memory; ``save()`` writes the file atomically. Unknown keys raise KeyError; values of the
    wrong type (or outside an option's choices) raise ValueError. A corrupt file is renamed
    ``<name>.corrupt-<UTC time, YYYYmmddTHHMMSSZ>`` and replaced by the defaults (``recovered_backup`` is the
    copy's path, ``load_problem`` the reason, for the log); an unreadable one (permissions) is ignored.
    ``clock`` (UTC seconds) dates the copy.
    """

    def __init__(self, path: Path | None, environ: Mapping[str, str] | None = None, clock: Clock | None = None) -> None:
        self._path = path
        self._clock = clock or SystemClock()
        self._values: dict[str, Any] = {}
        self._env: dict[str, Any] = {}
        self.recovered_backup: Path | None = None
        self.load_problem = ""
        env = os.environ if environ is None else environ
        for opt in OPTIONS:
            if opt.env and env.get(opt.env):
                try:
                    value = env[opt.env].strip().lower() if opt.choices else env[opt.env]
                    self._env[opt.key] = _coerce_choice(opt, value)
                except ValueError:
                    log.warning("ignoring environment variable %s: wrong type or value", opt.env)
        if path is not None:
            self._load(path)

    @classmethod
    def for_user(cls) -> Settings:
        """The settings of the current user, in ``default_config_dir()/settings.json``."""
        return cls(default_config_dir() / "settings.json")

    @property
    def path(self) -> Path | None:
        return self._path

    def overridden_by(self, key: str) -> str | None:
        """The environment variable overriding option ``key`` for this run, or None. Raises KeyError."""
        opt = _BY_KEY[key]
        return opt.env if key in self._env else None

    def _load(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, UnicodeDecodeError):
                self._recover(path, "not UTF-8 text")
            else:
                log.warning("ignoring unreadable settings file %s: %s", path, exc)
            return
        try:
            self._values = self._parse(text)
        except CorruptSettingsError as exc:
            self._recover(path, str(exc))

    @staticmethod
    def _parse(text: str) -> dict[str, Any]:
        """The values of a settings file's ``text``, upgraded to SETTINGS_VERSION. Raises CorruptSettingsError."""
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise CorruptSettingsError(f"not JSON ({exc})") from None
        if not isinstance(raw, dict):
            raise CorruptSettingsError("not a JSON object")
        version = raw.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise CorruptSettingsError(f"bad version {version!r}")
        if version > SETTINGS_VERSION:
            log.warning(
                "settings file version %d is newer than %d: reading the options known here", version, SETTINGS_VERSION
            )
        while version < SETTINGS_VERSION:
            raw = UPGRADES[version](raw)
            version += 1
            log.info("settings upgraded to version %d", version)
        values = raw.get("values", {})
        if not isinstance(values, dict):
            raise CorruptSettingsError("'values' is not a JSON object")
        loaded: dict[str, Any] = {}
        for key, value in values.items():
            opt = _BY_KEY.get(key)
            if opt is None:
                continue  # an option of another version: dropped
            try:
                loaded[key] = _coerce_choice(opt, value)
            except ValueError as exc:
                raise CorruptSettingsError(str(exc)) from None
        return loaded

    def _recover(self, path: Path, problem: str) -> None:
        """Rename the corrupt file aside and write the defaults in its place (both best effort, logged)."""
        stamp = datetime.fromtimestamp(self._clock.time(), UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = path.with_name(f"{path.name}.corrupt-{stamp}")
        self.load_problem = problem
        self._values = {}
        try:
            os.replace(path, backup)
        except OSError as exc:
            log.error("the settings file %s is corrupt (%s) and cannot be moved aside: %s", path, problem, exc)
            return
        self.recovered_backup = backup
        log.error("the settings file %s is corrupt (%s): kept as %s, defaults restored", path, problem, backup.name)
        try:
            self.save()
        except OSError as exc:
            log.error("cannot write default settings to %s: %s", path, exc)

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
        self._values[key] = _coerce_choice(opt, value)
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
