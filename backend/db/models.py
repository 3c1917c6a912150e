"""The backend's tables (SQLAlchemy 2 declarative models).

Conventions (after moonfire-nvr's ``design/schema.md`` and ``design/time.md``):
- Every time is an integer of **microseconds since the Unix epoch, UTC** (columns ending in ``_us``); wall time
  (when something happened) and media duration (how long the media's own timestamps say) are kept apart.
- A row describes a file only once the file is durable: write, fsync the file, fsync its directory, then insert
  the row. Deleting goes the other way: the row moves to ``garbage``, the file is unlinked and the directory
  fsynced, then the garbage row is deleted. Start-up recovery reconciles the spool with the rows and
  quarantines what it cannot index; nothing is silently deleted.
- Enumerations are stored as short strings with CHECK constraints so that PostgreSQL and SQLite agree.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are explicit so that Alembic migrations are deterministic on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

AGENCIES = ("DUBAI_POLICE", "METRO", "BUS", "OTHER")
STORAGE_MODES = ("MILESTONE", "LOCAL", "BOTH")
SESSION_STATES = ("recording", "stopping", "stopped", "failed")
STORAGE_STATES = ("local", "uploading", "uploaded")
OUTAGE_KINDS = ("camera_offline", "recorder_down", "quota_denied", "upload_failed")
OUTAGE_SOURCES = ("recorder", "backend", "quota", "admin")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {int: BigInteger, dict[str, Any]: JSON}


class Camera(Base):
    """A camera imported from XProtect (or added by RTSP URL), with what the control room adds to it."""

    __tablename__ = "cameras"
    __table_args__ = (
        CheckConstraint(_in("agency", AGENCIES), name="agency"),
        CheckConstraint(_in("storage_mode", STORAGE_MODES), name="storage_mode"),
        CheckConstraint("milestone_device_id IS NOT NULL OR rtsp_url IS NOT NULL", name="has_source"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # XProtect's camera GUID, or a UUID for RTSP
    milestone_device_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # XProtect camera GUID
    name: Mapped[str] = mapped_column(String(255))  # English/Latin display name (from XProtect on import)
    name_ar: Mapped[str | None] = mapped_column(String(255))  # Arabic display name, set by an administrator
    agency: Mapped[str] = mapped_column(String(32), default="OTHER")  # quota group
    location: Mapped[str | None] = mapped_column(Text)  # free text, e.g. "Sheikh Zayed Rd, Interchange 1"
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    recording_server_id: Mapped[str | None] = mapped_column(String(64))  # XProtect recording server GUID
    recording_server_name: Mapped[str | None] = mapped_column(String(255))
    recording_server_uri: Mapped[str | None] = mapped_column(String(512))  # web server URI (RecorderCommandService)
    stream_id: Mapped[str | None] = mapped_column(String(64))  # XProtect stream reference used for recording
    rtsp_url: Mapped[str | None] = mapped_column(String(1024))  # for cameras recorded from RTSP (no secrets)
    storage_mode: Mapped[str] = mapped_column(String(16), default="MILESTONE")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    ptz_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_from_milestone: Mapped[bool] = mapped_column(Boolean, default=False)  # gone at the last sync
    manual_recording_timeout_minutes: Mapped[int | None] = mapped_column(Integer)  # XProtect's own auto-stop
    milestone_metadata: Mapped[dict[str, Any] | None]  # the raw XProtect fields at the last sync
    last_sync_us: Mapped[int | None]
    created_us: Mapped[int]
    updated_us: Mapped[int]


class RecordingSession(Base):
    """One manual recording an operator started, with the chosen duration the backend enforces.

    XProtect has no duration parameter (MILESTONE_PROTOCOL.md §4): ``scheduled_end_us`` is ours, persisted so
    that the session still stops on time after a backend restart.
    """

    __tablename__ = "recording_sessions"
    __table_args__ = (
        CheckConstraint(_in("state", SESSION_STATES), name="state"),
        CheckConstraint(_in("storage_mode", STORAGE_MODES), name="storage_mode"),
        CheckConstraint("scheduled_end_us > started_us", name="end_after_start"),
        CheckConstraint("duration_s > 0", name="positive_duration"),
        Index("ix_recording_sessions_active", "camera_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="RESTRICT"))
    storage_mode: Mapped[str] = mapped_column(String(16))  # the camera's mode when the session started
    state: Mapped[str] = mapped_column(String(16), default="recording")
    duration_s: Mapped[int]  # chosen duration, seconds
    started_us: Mapped[int]
    scheduled_end_us: Mapped[int]  # started_us + duration_s * 1e6 (extended when the operator extends)
    stopped_us: Mapped[int | None]
    stop_reason: Mapped[str | None] = mapped_column(String(32))  # user | duration | overdue_at_restart | error
    started_by: Mapped[str | None] = mapped_column(String(255))  # user name (or API token label)
    milestone_started: Mapped[bool] = mapped_column(Boolean, default=False)  # StartManualRecording succeeded
    local_started: Mapped[bool] = mapped_column(Boolean, default=False)  # the local recorder ran
    error: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(255))  # backend instance that runs it (scale-out)
    created_us: Mapped[int]
    updated_us: Mapped[int]


class SyncHistory(Base):
    """One import or re-sync run against XProtect, with its progress and outcome."""

    __tablename__ = "sync_history"
    __table_args__ = (CheckConstraint(_in("status", ("running", "succeeded", "failed")), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # import | sync_all | sync_one
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_us: Mapped[int]
    finished_us: Mapped[int | None]
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    triggered_by: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any] | None]  # per-camera changes (renamed, moved, disabled, removed)


class Segment(Base):
    """One recorded file of one camera: a run of whole GOPs, stream-copied, in the spool or the object store.

    ``start_us``/``end_us`` are wall times (UTC µs) of the first frame and of the end of the last frame;
    ``media_duration_us`` is what the media's own timestamps span. ``storage_state``: ``local`` (durable in
    the spool, ``local_path`` set), ``uploading``, ``uploaded`` (``object_key`` and ``etag`` set, size and
    sha256 verified; the local file is deleted only after this state is committed).
    """

    __tablename__ = "segments"
    __table_args__ = (
        CheckConstraint("end_us > start_us", name="end_after_start"),
        CheckConstraint("size_bytes > 0", name="positive_size"),
        CheckConstraint(_in("storage_state", STORAGE_STATES), name="storage_state"),
        CheckConstraint("storage_state != 'uploaded' OR object_key IS NOT NULL", name="uploaded_has_key"),
        CheckConstraint("storage_state = 'uploaded' OR local_path IS NOT NULL", name="local_has_path"),
        UniqueConstraint("camera_id", "start_us", name="uq_segments_camera_start"),
        Index("ix_segments_camera_time", "camera_id", "start_us", "end_us"),
        Index("ix_segments_state", "storage_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="RESTRICT"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("recording_sessions.id", ondelete="SET NULL"))
    start_us: Mapped[int]
    end_us: Mapped[int]
    media_duration_us: Mapped[int]
    frames: Mapped[int] = mapped_column(Integer)
    key_frames: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))  # hex
    container: Mapped[str] = mapped_column(String(16))  # e.g. "mpegts" or "mp4"
    codec: Mapped[str] = mapped_column(String(16))  # e.g. "h264"
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    storage_state: Mapped[str] = mapped_column(String(16), default="local")
    local_path: Mapped[str | None] = mapped_column(String(1024))  # relative to the spool directory
    object_key: Mapped[str | None] = mapped_column(String(1024))  # key in the recordings bucket
    etag: Mapped[str | None] = mapped_column(String(128))
    thumbnail_key: Mapped[str | None] = mapped_column(String(1024))  # key in the thumbnails bucket
    upload_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_upload_error: Mapped[str | None] = mapped_column(Text)
    created_us: Mapped[int]
    uploaded_us: Mapped[int | None]


class Garbage(Base):
    """Files on their way out or set aside: deletions in progress and quarantined leftovers.

    ``kind``: ``delete`` (the row of a file being deleted: unlink, fsync, then delete this row) or
    ``quarantine`` (a file start-up recovery could not index, moved to the quarantine directory and kept for an
    administrator). Nothing leaves the spool without a row here or in ``segments``.
    """

    __tablename__ = "garbage"
    __table_args__ = (CheckConstraint(_in("kind", ("delete", "quarantine")), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    camera_id: Mapped[str | None] = mapped_column(String(36))
    local_path: Mapped[str | None] = mapped_column(String(1024))  # relative to the spool (or quarantine) dir
    object_key: Mapped[str | None] = mapped_column(String(1024))
    size_bytes: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text)
    created_us: Mapped[int]


class RecordingOutage(Base):
    """Why a camera was not recorded for a while: the reasons the recordings query gives its gaps.

    ``kind`` is the gap reason (camera_offline, recorder_down, quota_denied, upload_failed); ``source`` who wrote
    the row: ``recorder`` (the local recorder's source went down and came back), ``backend`` (the backend was
    not running during a LOCAL/BOTH session), ``quota`` (the quota service refused a recording), ``admin``.
    ``end_us`` is NULL while the outage lasts; ``updated_us`` is refreshed while it is open (a heartbeat), so
    that an outage left open by a crash is closed at the last moment the backend knew about it.
    """

    __tablename__ = "recording_outages"
    __table_args__ = (
        CheckConstraint(_in("kind", OUTAGE_KINDS), name="kind"),
        CheckConstraint(_in("source", OUTAGE_SOURCES), name="source"),
        CheckConstraint("end_us IS NULL OR end_us >= start_us", name="end_after_start"),
        Index("ix_recording_outages_camera_time", "camera_id", "start_us"),
        Index("ix_recording_outages_open", "end_us"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    start_us: Mapped[int]
    end_us: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)  # English, technical, no secrets
    created_us: Mapped[int]
    updated_us: Mapped[int]


RESERVATION_KINDS = ("live", "recording")


class AgencyQuotaLimit(Base):
    """How many streams (live views and recordings) an agency may hold at once (backend.quotas).

    Seeded from configuration at start (rows missing only), changed by an administrator. In the SQL quota
    store the row is also the lock that serialises reservations of the agency on PostgreSQL (SELECT ... FOR
    UPDATE). Agencies without a row count against ``OTHER``.
    """

    __tablename__ = "agency_quota_limits"
    __table_args__ = (CheckConstraint("stream_limit >= 0", name="non_negative_limit"),)

    agency: Mapped[str] = mapped_column(String(32), primary_key=True)
    stream_limit: Mapped[int] = mapped_column(Integer)  # concurrent streams
    updated_us: Mapped[int]


class StreamReservation(Base):
    """One slot of an agency's stream quota, held until released or until ``expires_us`` (extended by
    heartbeats). ``agency`` is the quota group counted against (``OTHER`` for an agency without a limit row);
    rows with ``expires_us <= now`` are stale and are deleted lazily. No foreign key to ``cameras``: a live
    view of a camera the backend does not store (or a removed one) still takes a slot."""

    __tablename__ = "stream_reservations"
    __table_args__ = (
        CheckConstraint(_in("kind", RESERVATION_KINDS), name="kind"),
        CheckConstraint("expires_us > created_us", name="expires_after_created"),
        Index("ix_stream_reservations_agency_expiry", "agency", "expires_us"),
        Index("ix_stream_reservations_expiry", "expires_us"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID
    agency: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    camera_id: Mapped[str | None] = mapped_column(String(36))
    created_us: Mapped[int]
    expires_us: Mapped[int]


ROLES = ("operator", "supervisor", "admin")
AUDIT_OUTCOMES = ("success", "denied", "failed", "error")


class User(Base):
    """A person who logs into the backend (backend.auth). ``username`` is stored lower-case (log-ins are
    case-insensitive); ``password_hash`` is an Argon2id PHC string (argon2-cffi), never the password.
    ``failed_logins`` counts consecutive failures; ``locked_until_us`` refuses log-ins until then. A disabled
    user's sessions are refused at their next request (sessions are looked up on every request)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint("username = lower(username)", name="lower_case_username"),
    )

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until_us: Mapped[int | None]
    last_login_us: Mapped[int | None]
    password_changed_us: Mapped[int]
    created_us: Mapped[int]
    updated_us: Mapped[int]


class UserSession(Base):
    """A log-in: the SHA-256 digest (hex) of its bearer token, never the token. Valid while not revoked and
    ``now < expires_us``; refreshing moves ``expires_us`` up to ``created_us`` + the maximum session age."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_username", "username"), Index("ix_user_sessions_expiry", "expires_us"))

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), ForeignKey("users.username", ondelete="CASCADE"))
    client_address: Mapped[str] = mapped_column(String(64), default="")
    created_us: Mapped[int]
    expires_us: Mapped[int]
    revoked_us: Mapped[int | None]


class AuditEntry(Base):
    """One row of the audit log (backend.auth.audit): a state-changing API call or a log-in. Append-only:
    migration 0004 installs triggers that make UPDATE and DELETE fail on SQLite and PostgreSQL.
    ``actor``: user name, ``token:<label>`` or ``anonymous``; ``action``: ``METHOD /route/template``;
    ``target``: the route's path parameters (e.g. a camera id); ``detail``: what the route added (never a
    password or token)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("outcome", AUDIT_OUTCOMES), name="outcome"),
        Index("ix_audit_log_at", "at_us"),
        Index("ix_audit_log_actor_at", "actor", "at_us"),
        Index("ix_audit_log_action_at", "action", "at_us"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at_us: Mapped[int]
    actor: Mapped[str] = mapped_column(String(128))
    actor_kind: Mapped[str] = mapped_column(String(16))  # user | token | anonymous
    action: Mapped[str] = mapped_column(String(160))
    target: Mapped[str] = mapped_column(String(255), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[int] = mapped_column(Integer)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# The audit log's append-only guard, also created by ``metadata.create_all`` (migration 0004 installs the same).
for _event in ("UPDATE", "DELETE"):
    event.listen(
        AuditEntry.__table__,
        "after_create",
        DDL(
            f"CREATE TRIGGER audit_log_no_{_event.lower()} BEFORE {_event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        ).execute_if(dialect="sqlite"),
    )
event.listen(
    AuditEntry.__table__,
    "after_create",
    DDL(
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    AuditEntry.__table__,
    "after_create",
    DDL(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ).execute_if(dialect="postgresql"),
)


DETECTION_RUN_STATES = ("done", "failed", "skipped")


class Detection(Base):
    """One object a detector found in one sampled frame of a recorded segment (backend.detection).

    ``at_us`` is the frame's wall time (UTC µs: the segment's ``start_us`` plus the frame's timestamp offset,
    as ``media.segment_writer`` stamps it). The box corners are NORMALISED to 0..1 of the frame's width and
    height (``frame_width`` x ``frame_height`` pixels); ``score`` is 0..1. ``detector`` names the plugin
    (``yolo``, ``face``), ``label`` the class name and ``class_id`` its index in the detector's classes.
    """

    __tablename__ = "detections"
    __table_args__ = (
        Index("ix_detections_camera_at", "camera_id", "at_us"),
        Index("ix_detections_label_at", "label", "at_us"),
        Index("ix_detections_camera_label_at", "camera_id", "label", "at_us"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    camera_id: Mapped[str] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("segments.id", ondelete="SET NULL"))
    at_us: Mapped[int]
    detector: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64))
    class_id: Mapped[int] = mapped_column(Integer)
    score: Mapped[float]
    x1: Mapped[float]
    y1: Mapped[float]
    x2: Mapped[float]
    y2: Mapped[float]
    frame_width: Mapped[int] = mapped_column(Integer)
    frame_height: Mapped[int] = mapped_column(Integer)
    created_us: Mapped[int]


class DetectionRun(Base):
    """The detection pipeline's verdict on one segment: ``done`` (``frames`` sampled frames analysed,
    ``detections`` rows written), ``failed`` (``error``: why, e.g. an undecodable file; what could be analysed
    before the error is kept) or ``skipped``. A segment with a row here is not analysed again."""

    __tablename__ = "detection_runs"
    __table_args__ = (CheckConstraint(_in("state", DETECTION_RUN_STATES), name="state"),)

    segment_id: Mapped[int] = mapped_column(Integer, ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    frames: Mapped[int] = mapped_column(Integer, default=0)
    detections: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_us: Mapped[int]
    finished_us: Mapped[int]


from backend.db import models_clips as _models_clips  # noqa: E402,F401
from backend.db import models_exports as _models_exports  # noqa: E402,F401
from backend.db import models_layouts as _models_layouts  # noqa: E402,F401
from backend.db import models_metadata as _models_metadata  # noqa: E402,F401
