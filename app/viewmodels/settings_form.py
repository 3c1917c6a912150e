"""The Settings dialog's values as one plain object, read from and written to ``app.settings.Settings``, and
their validation (Qt-free: the view-model translates the problem codes).

Fields map to options one to one, except ``backend_mode`` ("bundled" / "remote"): the options store it as
``backend_url`` ("" = bundled), so choosing the bundled backend clears the remote URL.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from ..backend_link.options import DurationLimits
from ..settings import Settings

BUNDLED, REMOTE = "bundled", "remote"

# Problem codes of ``validate`` (field, code): the view-model turns them into the operator's language.
BAD_URL = "bad_url"  # not http(s)://host[:port][/path]
MISSING = "missing"  # required in this mode
OUT_OF_RANGE = "out_of_range"
NOT_A_FILE = "not_a_file"
NOT_A_DIRECTORY = "not_a_directory"
BAD_CHOICE = "bad_choice"

CHOICES = {
    "auth_type": ("basic", "ntlm"),
    "language": ("", "en", "ar"),
    "calendar": ("gregorian", "hijri"),
    "live_format": ("h264", "jpeg"),
    "backend_mode": (BUNDLED, REMOTE),
}

# Fields stored under the same option key.
_SAME_KEY = (
    "server_url",
    "username",
    "auth_type",
    "verify_tls",
    "language",
    "calendar",
    "live_format",
    "tile_overlays",
    "tile_double_click_maximise",
    "tile_keep_aspect",
    "recording_duration",
    "backend_token_file",
    "backend_username",
    "backend_data_dir",
)


@dataclass(slots=True)
class SettingsForm:
    """Everything the dialog edits. ``recording_duration`` in seconds; paths as typed (``~`` allowed)."""

    server_url: str = ""
    username: str = ""
    auth_type: str = "basic"
    verify_tls: bool = True
    language: str = ""
    calendar: str = "gregorian"
    live_format: str = "h264"
    tile_overlays: bool = True
    tile_double_click_maximise: bool = True
    tile_keep_aspect: bool = True
    recording_duration: int = 900
    backend_mode: str = BUNDLED
    backend_url: str = ""
    backend_token_file: str = ""
    backend_username: str = ""
    backend_data_dir: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SettingsForm:
        """The effective values (environment overrides included)."""
        form = cls(**{key: settings.get(key) for key in _SAME_KEY})
        form.backend_url = str(settings.get("backend_url"))
        form.backend_mode = REMOTE if form.backend_url.strip() else BUNDLED
        return form

    def store(self, settings: Settings) -> list[str]:
        """Write the (validated) values into ``settings`` in memory; returns the option keys whose value
        changed. Raises ValueError for a value of the wrong type (``validate`` first)."""
        before = {key: settings.get(key) for key in (*_SAME_KEY, "backend_url")}
        for key in _SAME_KEY:
            value = getattr(self, key)
            settings.set(key, value.strip() if isinstance(value, str) else value)
        settings.set("backend_url", normalise_url(self.backend_url) if self.backend_mode == REMOTE else "")
        return [key for key, value in before.items() if settings.get(key) != value]

    def field_names(self) -> list[str]:
        return [f.name for f in fields(self)]


def normalise_url(url: str) -> str:
    """``url`` stripped of whitespace and trailing slashes."""
    return url.strip().rstrip("/")


def url_is_valid(url: str) -> bool:
    """True for ``http://`` or ``https://`` with a host (and a valid port when one is given)."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url.strip()


def validate(form: SettingsForm, limits: DurationLimits) -> list[tuple[str, str]]:
    """The form's problems as ``(field, code)`` pairs (codes above), in the dialog's order; [] = valid.

    The XProtect URL may be empty (not configured yet). A remote backend needs a valid URL; its token file, when
    given, must exist. The bundled backend's data directory, when given, must not be a file. The recording
    duration must lie within ``limits`` (seconds, DESIGN.md §8 RECORDING_MIN/MAX_DURATION).
    """
    problems: list[tuple[str, str]] = []
    if form.server_url.strip() and not url_is_valid(form.server_url):
        problems.append(("server_url", BAD_URL))
    for name, allowed in CHOICES.items():
        if getattr(form, name) not in allowed:
            problems.append((name, BAD_CHOICE))
    if not limits.contains(form.recording_duration):
        problems.append(("recording_duration", OUT_OF_RANGE))
    if form.backend_mode == REMOTE:
        if not form.backend_url.strip():
            problems.append(("backend_url", MISSING))
        elif not url_is_valid(form.backend_url):
            problems.append(("backend_url", BAD_URL))
        token_file = form.backend_token_file.strip()
        if token_file and not Path(token_file).expanduser().is_file():
            problems.append(("backend_token_file", NOT_A_FILE))
    else:
        data_dir = form.backend_data_dir.strip()
        if data_dir and Path(data_dir).expanduser().exists() and not Path(data_dir).expanduser().is_dir():
            problems.append(("backend_data_dir", NOT_A_DIRECTORY))
    return problems
