"""Backend settings: a TOML settings file overridden by environment variables; secrets from files or the keyring.

Precedence (lowest first): built-in defaults, the settings file (``--config FILE`` or ``$BACKEND_CONFIG``),
environment variables (names as in the seeds: ``RECORDING_*``, ``MILESTONE_*``; ours start with ``BACKEND_``,
see ``ENV_VARS``), then command-line overrides. Relative paths are taken under ``data_dir``.

Secrets (Milestone password, S3 secret key, API tokens) are never settings: the settings file may only name a
secret *file* (first line = the secret, mode 0600) or rely on the OS keyring, service ``KEYRING_SERVICE`` with
user names ``milestone:<username>``, ``s3:<access key>`` and ``api-token``. A settings file holding a key
that looks like a secret is refused.

TOML layout::

    host = "127.0.0.1"          # top level: BackendSettings fields
    port = 8765
    [milestone]                 # MilestoneSettings
    base_url = "https://vms.example.com"
    [recording]                 # RecordingSettings
    [storage]                   # StorageSettings
    [auth]                      # AuthSettings
    [playback]                  # PlaybackSettings
    [quotas]                    # backend.quotas.settings.QuotaSettings
    [quotas.limits]             # METRO = 30 (env QUOTA_LIMIT_METRO=30)
    [detection]                 # backend.detection.settings.DetectionSettings (env DETECTION_*)
    [metadata]                  # backend.metadata.settings.MetadataSettings (env METADATA_*)
    [retention]                 # backend.storage.retention_settings.RetentionSettings (env RETENTION_*)
    [exports]                   # backend.exports.settings.ExportSettings (env EXPORTS_*)
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import keyring
import keyring.errors
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from backend.detection.settings import DetectionSettings
from backend.exports.settings import ENV as EXPORTS_ENV
from backend.exports.settings import ExportSettings
from backend.metadata.settings import MetadataSettings
from backend.quotas.settings import QuotaSettings
from backend.storage.retention_settings import ENV_VARS as RETENTION_ENV_VARS
from backend.storage.retention_settings import RetentionSettings

log = logging.getLogger(__name__)

APP_DIR_NAME = "control-room-video"
KEYRING_SERVICE = "control-room-video-backend"
SECRET_LOOKING_KEYS = frozenset({"password", "secret", "secret_key", "token", "tokens", "api_token", "access_token"})


class SettingsError(ValueError):
    """The settings file or an environment variable is invalid (message names the key, never a secret)."""


def default_data_dir() -> Path:
    """The per-user data directory of the backend.

    Windows ``%LOCALAPPDATA%\\control-room-video\\backend``, macOS
    ``~/Library/Application Support/control-room-video/backend``, elsewhere
    ``$XDG_DATA_HOME/control-room-video/backend`` (``~/.local/share`` by default).
    """
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME / "backend"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MilestoneSettings(_Section):
    """The XProtect management server the backend logs in to (MILESTONE_PROTOCOL.md §1).

    ``base_url`` empty = no Milestone (RTSP-only site; /health reports ``not_configured``). ``verify_tls``: true
    (system CAs), false (lab only) or a CA bundle path. Times in seconds.
    """

    enabled: bool = True
    base_url: str = ""
    username: str = ""
    auth_type: Literal["basic", "ntlm"] = "basic"
    password_file: Path | None = None
    verify_tls: bool | str = True
    timeout_s: float = Field(default=10.0, gt=0)
    retry_max_s: float = Field(default=30.0, gt=0)  # longest wait between login attempts
    probe_interval_s: float = Field(default=15.0, gt=0)  # how often a connected session is checked
    inventory_ttl_s: float = Field(default=30.0, ge=0)  # camera inventory cache for the listing route

    @property
    def configured(self) -> bool:
        return self.enabled and bool(self.base_url.strip())


class RecordingSettings(_Section):
    """Manual recording limits (seconds) and the local recorder's segment length (seconds)."""

    default_duration: int = Field(default=900, gt=0)
    min_duration: int = Field(default=60, gt=0)
    max_duration: int = Field(default=7200, gt=0)
    max_concurrent: int = Field(default=50, gt=0)
    segment_seconds: int = Field(default=60, gt=0)
    default_storage_mode: Literal["MILESTONE", "LOCAL", "BOTH"] = "MILESTONE"

    @model_validator(mode="after")
    def _ordered(self) -> RecordingSettings:
        if not self.min_duration <= self.default_duration <= self.max_duration:
            raise ValueError("recording durations must satisfy min_duration <= default_duration <= max_duration")
        return self


class BucketSettings(_Section):
    """Bucket names of the object store (DESIGN.md §6)."""

    recordings: str = "recordings"
    exports: str = "exports"
    thumbnails: str = "thumbnails"
    clips: str = "clips"


class LifecycleSettings(_Section):
    """Days an object lives in each bucket (0 = forever). DESIGN.md §6: 90, 7, 30, none."""

    recordings: int = Field(default=90, ge=0)
    exports: int = Field(default=7, ge=0)
    thumbnails: int = Field(default=30, ge=0)
    clips: int = Field(default=0, ge=0)


class StorageSettings(_Section):
    """Object store: ``filesystem`` (under ``root``, relative to data_dir) or ``s3`` (MinIO, SeaweedFS, AWS).

    The S3 secret key comes from ``s3_secret_key_file`` or the keyring entry ``s3:<access key>``.
    ``spool_min_free_mb``: below this much free space on the spool's disk new recordings are refused.
    """

    kind: Literal["filesystem", "s3"] = "filesystem"
    root: Path = Path("objects")
    s3_endpoint: str = ""  # host:port or URL
    s3_region: str = ""
    s3_secure: bool = False
    s3_access_key: str = ""
    s3_secret_key_file: Path | None = None
    buckets: BucketSettings = BucketSettings()
    lifecycle_days: LifecycleSettings = LifecycleSettings()
    spool_min_free_mb: int = Field(default=1024, ge=0)
    upload_concurrency: int = Field(default=2, gt=0)
    s3_object_lock: bool = False  # recordings bucket with S3 object lock: clips' segments get a legal hold


class PlaybackSettings(_Section):
    """Recordings query, timeline and playback (``backend.playback``). Times in seconds unless named otherwise.

    ``cache_ttl_s``: how long a query/timeline result is served from the cache (seeds' PLAYBACK_CACHE_TTL);
    ``live_cache_ttl_s``: the same for ranges ending less than ``live_margin_s`` before now (they still grow).
    ``max_query_days``: the longest range a query, timeline or source request may cover.
    ``min_speed``/``max_speed``: the playback speeds the GUI offers (seeds' PLAYBACK_MIN/MAX_SPEED).
    ``presign_urls``: hand the GUI presigned S3 URLs for uploaded segments (false: the backend serves the bytes
    itself, e.g. when the object store is not reachable from the workstations); ``presign_expiry_s`` their
    lifetime. ``max_source_segments``: at most this many segments in one playback source answer.
    """

    cache_enabled: bool = True
    cache_ttl_s: float = Field(default=300.0, ge=0)
    live_cache_ttl_s: float = Field(default=5.0, ge=0)
    live_margin_s: float = Field(default=10.0, ge=0)
    cache_max_entries: int = Field(default=2048, gt=0)
    max_query_days: float = Field(default=31.0, gt=0)
    max_timeline_buckets: int = Field(default=20_000, gt=0)
    min_speed: float = -8.0
    max_speed: float = 8.0
    presign_urls: bool = True
    presign_expiry_s: int = Field(default=3600, gt=0, le=7 * 86_400)
    max_source_segments: int = Field(default=2000, gt=0)
    milestone_timeout_s: float = Field(default=15.0, gt=0)
    snapshot_concurrency: int = Field(default=2, gt=0)

    @model_validator(mode="after")
    def _speeds(self) -> PlaybackSettings:
        if not self.min_speed < 0 < self.max_speed:
            raise ValueError("playback speeds must satisfy min_speed < 0 < max_speed")
        return self


class AuthSettings(_Section):
    """API tokens and users. API tokens: lines of ``token_file`` (``token`` or ``label token``) plus the
    keyring entry ``api-token`` when ``use_keyring``. With no token anywhere, one is generated into
    ``token_file`` (0600) at start-up.
    ``metrics_public`` lets Prometheus scrape ``/metrics`` without a token (default: a token is required)."""

    token_file: Path = Path("api-token")
    use_keyring: bool = False
    metrics_public: bool = False
    # Users (backend.auth): a log-in lasts session_hours, refreshable up to session_max_hours after it;
    # max_failed_logins in a row lock the account for lockout_seconds. admin_password_file: a secret file
    # whose password creates the user admin_username (role admin) at start-up while no user exists.
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    session_max_hours: float = Field(default=24.0, gt=0, le=24 * 90)
    max_failed_logins: int = Field(default=5, ge=1, le=100)
    lockout_seconds: int = Field(default=300, ge=1, le=86_400)
    password_min_length: int = Field(default=10, ge=8, le=128)
    admin_username: str = Field(default="admin", min_length=1, max_length=64)
    admin_password_file: Path | None = None


class BackendSettings(_Section):
    """Everything the backend process is configured with. Build with ``load_settings``."""

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)  # 0 = any free port (tests)
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""  # empty = SQLite file backend.sqlite3 in data_dir; else an SQLAlchemy URL
    spool_dir: Path = Path("spool")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    instance_name: str = ""  # recording sessions' owner (scale-out); default host name
    milestone: MilestoneSettings = MilestoneSettings()
    recording: RecordingSettings = RecordingSettings()
    storage: StorageSettings = StorageSettings()
    auth: AuthSettings = AuthSettings()
    playback: PlaybackSettings = PlaybackSettings()
    quotas: QuotaSettings = QuotaSettings()
    detection: DetectionSettings = DetectionSettings()
    metadata: MetadataSettings = MetadataSettings()
    retention: RetentionSettings = RetentionSettings()
    exports: ExportSettings = ExportSettings()

    def resolve(self, path: Path | str) -> Path:
        """``path`` itself when absolute, else under ``data_dir``."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.data_dir / p

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL in force (the SQLite default lives in data_dir)."""
        return self.database_url or f"sqlite:///{self.resolve('backend.sqlite3')}"

    @property
    def spool_path(self) -> Path:
        return self.resolve(self.spool_dir)

    @property
    def object_root(self) -> Path:
        return self.resolve(self.storage.root)

    @property
    def token_file_path(self) -> Path:
        return self.resolve(self.auth.token_file)

    @property
    def owner_name(self) -> str:
        """This backend instance's name (recording sessions' ``owner``)."""
        import socket

        return self.instance_name or socket.gethostname()

    def milestone_password(self) -> str | None:
        """The Milestone password from ``milestone.password_file`` or the keyring (``milestone:<username>``);
        None when neither has one. Raises SettingsError when the file cannot be read."""
        ms = self.milestone
        if ms.password_file is not None:
            return read_secret_file(self.resolve(ms.password_file))
        return keyring_secret(f"milestone:{ms.username}")

    def s3_secret_key(self) -> str | None:
        """The S3 secret key from ``storage.s3_secret_key_file`` or the keyring (``s3:<access key>``)."""
        st = self.storage
        if st.s3_secret_key_file is not None:
            return read_secret_file(self.resolve(st.s3_secret_key_file))
        return keyring_secret(f"s3:{st.s3_access_key}")

    def quota_redis_url(self) -> str:
        """The Valkey/Redis URL of the quota store: ``quotas.redis_url_file`` (a secret: it may hold a
        password) or ``quotas.redis_url``. Raises SettingsError when the file cannot be read."""
        q = self.quotas
        return read_secret_file(self.resolve(q.redis_url_file)) if q.redis_url_file is not None else q.redis_url


# Environment variable -> dotted settings key. Seeds' names where they exist (000 §Environment Setup).
ENV_VARS: dict[str, str] = {
    "BACKEND_HOST": "host",
    "BACKEND_PORT": "port",
    "BACKEND_DATA_DIR": "data_dir",
    "BACKEND_DATABASE_URL": "database_url",
    "BACKEND_SPOOL_DIR": "spool_dir",
    "BACKEND_LOG_LEVEL": "log_level",
    "BACKEND_INSTANCE_NAME": "instance_name",
    "BACKEND_API_TOKEN_FILE": "auth.token_file",
    "BACKEND_API_TOKEN_KEYRING": "auth.use_keyring",
    "BACKEND_METRICS_PUBLIC": "auth.metrics_public",
    "BACKEND_SESSION_HOURS": "auth.session_hours",
    "BACKEND_SESSION_MAX_HOURS": "auth.session_max_hours",
    "BACKEND_MAX_FAILED_LOGINS": "auth.max_failed_logins",
    "BACKEND_LOCKOUT_SECONDS": "auth.lockout_seconds",
    "BACKEND_PASSWORD_MIN_LENGTH": "auth.password_min_length",
    "BACKEND_ADMIN_USERNAME": "auth.admin_username",
    "BACKEND_ADMIN_PASSWORD_FILE": "auth.admin_password_file",
    "BACKEND_STORAGE_KIND": "storage.kind",
    "BACKEND_STORAGE_ROOT": "storage.root",
    "BACKEND_S3_ENDPOINT": "storage.s3_endpoint",
    "BACKEND_S3_REGION": "storage.s3_region",
    "BACKEND_S3_SECURE": "storage.s3_secure",
    "BACKEND_S3_ACCESS_KEY": "storage.s3_access_key",
    "BACKEND_S3_SECRET_KEY_FILE": "storage.s3_secret_key_file",
    "BACKEND_S3_BUCKET_RECORDINGS": "storage.buckets.recordings",
    "BACKEND_S3_BUCKET_EXPORTS": "storage.buckets.exports",
    "BACKEND_S3_BUCKET_THUMBNAILS": "storage.buckets.thumbnails",
    "BACKEND_S3_BUCKET_CLIPS": "storage.buckets.clips",
    "BACKEND_SPOOL_MIN_FREE_MB": "storage.spool_min_free_mb",
    "BACKEND_S3_OBJECT_LOCK": "storage.s3_object_lock",
    "RECORDING_DEFAULT_DURATION": "recording.default_duration",
    "RECORDING_MIN_DURATION": "recording.min_duration",
    "RECORDING_MAX_DURATION": "recording.max_duration",
    "RECORDING_MAX_CONCURRENT": "recording.max_concurrent",
    "RECORDING_SEGMENT_SECONDS": "recording.segment_seconds",
    "RECORDING_DEFAULT_STORAGE_MODE": "recording.default_storage_mode",
    "PLAYBACK_CACHE_ENABLED": "playback.cache_enabled",
    "PLAYBACK_CACHE_TTL": "playback.cache_ttl_s",
    "PLAYBACK_LIVE_CACHE_TTL": "playback.live_cache_ttl_s",
    "PLAYBACK_MAX_QUERY_DAYS": "playback.max_query_days",
    "PLAYBACK_MAX_TIMELINE_BUCKETS": "playback.max_timeline_buckets",
    "PLAYBACK_MAX_SPEED": "playback.max_speed",
    "PLAYBACK_MIN_SPEED": "playback.min_speed",
    "PLAYBACK_PRESIGN_URLS": "playback.presign_urls",
    "MILESTONE_ENABLED": "milestone.enabled",
    "MILESTONE_BASE_URL": "milestone.base_url",
    "MILESTONE_USERNAME": "milestone.username",
    "MILESTONE_AUTH_TYPE": "milestone.auth_type",
    "MILESTONE_PASSWORD_FILE": "milestone.password_file",
    "MILESTONE_VERIFY_TLS": "milestone.verify_tls",
    "MILESTONE_TIMEOUT": "milestone.timeout_s",
    "MILESTONE_RETRY_MAX": "milestone.retry_max_s",
    "MILESTONE_PROBE_INTERVAL": "milestone.probe_interval_s",
    "MILESTONE_INVENTORY_TTL": "milestone.inventory_ttl_s",
    "QUOTA_STORE": "quotas.store",
    "VALKEY_URL": "quotas.redis_url",
    "QUOTA_REDIS_URL": "quotas.redis_url",  # after VALKEY_URL: wins when both are set
    "QUOTA_REDIS_URL_FILE": "quotas.redis_url_file",
    "QUOTA_RESERVATION_TTL": "quotas.reservation_ttl_s",
    "QUOTA_CLEANUP_INTERVAL": "quotas.cleanup_interval_s",
    "DETECTION_ENABLED": "detection.enabled",
    "DETECTION_SAMPLE_FPS": "detection.sample_fps",
    "DETECTION_BATCH_SIZE": "detection.batch_size",
    "DETECTION_THREADS": "detection.threads",
    "DETECTION_WORKERS": "detection.workers",
    "DETECTION_YOLO_MODEL": "detection.yolo_model",
    "DETECTION_YOLO_CLASSES": "detection.yolo_classes",
    "DETECTION_CONFIDENCE": "detection.confidence",
    "DETECTION_IOU": "detection.iou",
    "DETECTION_FACE": "detection.face",
    "DETECTION_FACE_CONFIDENCE": "detection.face_confidence",
    "DETECTION_WATCH_LABELS": "detection.watch_labels",
    "DETECTION_LIVE_CAMERAS": "detection.live_cameras",
    "DETECTION_LIVE_FPS": "detection.live_fps",
    "METADATA_TOTAL_CAP": "metadata.total_cap",
    "METADATA_SNIPPET_WORDS": "metadata.snippet_words",
    **RETENTION_ENV_VARS,
    **EXPORTS_ENV,
}
QUOTA_LIMIT_PREFIX = "QUOTA_LIMIT_"  # QUOTA_LIMIT_<AGENCY>=N -> quotas.limits.<AGENCY>


def _set_dotted(target: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise SettingsError(f"{dotted}: expected a table")
    target[leaf] = value


def _env_value(key: str, raw: str) -> Any:
    """Environment strings to TOML-like values; pydantic coerces the rest (ints, paths)."""
    if key == "milestone.verify_tls":
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        return raw.strip()  # a CA bundle path
    return raw


def _reject_secrets(data: Mapping[str, Any], where: str = "") -> None:
    for key, value in data.items():
        if key.lower() in SECRET_LOOKING_KEYS:
            raise SettingsError(
                f"{where}{key}: secrets never go in the settings file; use a *_file setting or the keyring"
            )
        if isinstance(value, Mapping):
            _reject_secrets(value, f"{where}{key}.")


def load_settings(
    config_file: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> BackendSettings:
    """Build settings from the TOML file, ``env`` (default ``os.environ``) and dotted-key ``overrides``.

    ``config_file`` None uses ``$BACKEND_CONFIG`` when set. Raises SettingsError with the offending key (a
    missing or malformed file, an unknown key, a secret in the file, a value of the wrong type).
    """
    env = os.environ if env is None else env
    path = (
        Path(config_file)
        if config_file is not None
        else (Path(env["BACKEND_CONFIG"]) if env.get("BACKEND_CONFIG") else None)
    )
    data: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError(f"cannot read the settings file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
        _reject_secrets(data)
    for var, key in ENV_VARS.items():
        raw = env.get(var)
        if raw is not None and raw != "":
            _set_dotted(data, key, _env_value(key, raw))
    for var, raw in env.items():
        if var.startswith(QUOTA_LIMIT_PREFIX) and var != QUOTA_LIMIT_PREFIX and raw != "":
            _set_dotted(
                data, "quotas.limits", {**data.get("quotas", {}).get("limits", {}), var[len(QUOTA_LIMIT_PREFIX) :]: raw}
            )
    for key, value in (overrides or {}).items():
        if value is not None:
            _set_dotted(data, key, value)
    try:
        return BackendSettings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(settings)'}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from None


def read_secret_file(path: Path) -> str:
    """The first line of a secret file, stripped. Warns (without the secret) when others may read it.

    Raises SettingsError when the file is missing, unreadable or empty.
    """
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise SettingsError(f"cannot read the secret file {path}: {exc.strerror}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("secret file %s is readable by other users; chmod 600 it", path)
    secret = text.splitlines()[0].strip() if text.strip() else ""
    if not secret:
        raise SettingsError(f"the secret file {path} is empty")
    return secret


def keyring_secret(name: str) -> str | None:
    """The keyring entry ``(KEYRING_SERVICE, name)``, or None when absent or no keyring is usable."""
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError as exc:
        log.info("no usable keyring for %s (%s)", name, type(exc).__name__)
        return None
