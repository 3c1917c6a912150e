"""How the GUI reaches its backend: bundled child process, a configured remote URL, or none (DESIGN.md §2).

Settings (``app.settings``): ``backend_url`` ("" = start the bundled backend; a URL = use that remote backend),
``backend_token_file`` (remote only: file whose first token line is the API token; "" = the OS keyring entry
for the URL, user ``api-token``), ``backend_data_dir`` (bundled only; "" = the per-user default).
A remote backend without an API token is used with a user log-in (``app.backend_link.session``):
``backend_username`` ("" = the XProtect user name) and its password from the keyring entry for the URL, user
``user:<name>``, else the XProtect password the operator typed.
Duration limits come from the same environment variables the backend reads (``RECORDING_MIN_DURATION``,
``RECORDING_MAX_DURATION``, ``RECORDING_DEFAULT_DURATION``, seconds); a 400 from the backend corrects them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..credentials import CredentialStore, CredentialsUnavailableError
from ..settings import APP_DIR_NAME, Settings
from .process import read_token_file

log = logging.getLogger(__name__)

OFF, BUNDLED, REMOTE = "off", "bundled", "remote"
API_TOKEN_USER = "api-token"  # keyring user name of a remote backend's API token (service: the backend URL)
MIN_DURATION_S, MAX_DURATION_S, DEFAULT_DURATION_S = 60, 7200, 900  # the seeds' RECORDING_*_DURATION defaults


@dataclass(frozen=True, slots=True)
class DurationLimits:
    """Manual recording durations the backend accepts, in seconds (the seeds' defaults: 60, 7200, 900)."""

    min_s: int = MIN_DURATION_S
    max_s: int = MAX_DURATION_S
    default_s: int = DEFAULT_DURATION_S

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DurationLimits:
        """From RECORDING_MIN/MAX/DEFAULT_DURATION in ``env`` (invalid values are ignored)."""

        def value(name: str, default: int) -> int:
            try:
                return max(1, int(env.get(name, "") or default))
            except ValueError:
                log.warning("ignoring %s: not a whole number of seconds", name)
                return default

        low = value("RECORDING_MIN_DURATION", MIN_DURATION_S)
        high = max(low, value("RECORDING_MAX_DURATION", MAX_DURATION_S))
        return cls(low, high, min(high, max(low, value("RECORDING_DEFAULT_DURATION", DEFAULT_DURATION_S))))

    def contains(self, seconds: int) -> bool:
        return self.min_s <= seconds <= self.max_s


@dataclass(frozen=True, slots=True)
class BackendOptions:
    """``mode``: ``off`` (no backend: recording is unavailable), ``bundled`` (child process with ``data_dir``
    and extra ``env``), ``remote`` (``url`` + ``token``, or without a token a user log-in as ``username``).
    ``problem``: why a remote backend cannot be used
    (e.g. no token), shown in the status bar. Intervals in seconds."""

    mode: str = OFF
    url: str = ""
    token: str = field(default="", repr=False)
    username: str = ""  # remote user log-in ("" = the XProtect user name)
    password: str = field(default="", repr=False)  # "" = the XProtect password
    data_dir: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    limits: DurationLimits = DurationLimits()
    problem: str = ""
    health_interval_s: float = 5.0
    start_timeout_s: float = 90.0

    @classmethod
    def bundled(cls, data_dir: Path | None = None, env: Mapping[str, str] | None = None, **kwargs) -> BackendOptions:
        """A bundled backend; limits from ``env`` over the process environment."""
        merged = {**os.environ, **(env or {})}
        return cls(BUNDLED, data_dir=data_dir, env=dict(env or {}), limits=DurationLimits.from_env(merged), **kwargs)


def default_backend_data_dir() -> Path:
    """Where the bundled backend keeps its database, spool and token: the backend's own per-user default.

    Windows ``%LOCALAPPDATA%\\control-room-video\\backend``, macOS ``~/Library/Application Support/...``,
    elsewhere ``$XDG_DATA_HOME/control-room-video/backend`` (``~/.local/share`` by default).
    """
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME / "backend"


def options_from_settings(
    settings: Settings, credentials: CredentialStore, environ: Mapping[str, str] | None = None
) -> BackendOptions:
    """The operator's backend options (see the module docstring). Never raises: a remote backend without a
    usable token gives ``remote`` options with ``problem`` set."""
    env = os.environ if environ is None else environ
    limits = DurationLimits.from_env(env)
    url = str(settings.get("backend_url")).strip().rstrip("/")
    if not url:
        data_dir = str(settings.get("backend_data_dir")).strip()
        return BackendOptions(
            BUNDLED, data_dir=Path(data_dir).expanduser() if data_dir else default_backend_data_dir(), limits=limits
        )
    if "://" not in url:
        url = f"http://{url}"
    token, problem = "", ""
    token_file = str(settings.get("backend_token_file")).strip()
    username = str(settings.get("backend_username")).strip()
    password = ""
    try:
        if token_file:
            token = read_token_file(Path(token_file).expanduser())
        else:
            token = credentials.get(url, API_TOKEN_USER) or ""
            if not token and username:
                password = credentials.get(url, f"user:{username}") or ""
    except (OSError, ValueError) as exc:
        problem = f"the API token file cannot be read ({type(exc).__name__})"
    except CredentialsUnavailableError:
        log.info("no keyring: the backend is used with the XProtect user name and password")
    return BackendOptions(
        REMOTE, url=url, token=token, username=username, password=password, limits=limits, problem=problem
    )
