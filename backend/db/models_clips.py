"""Tables of clips (evidence locks) and of the S3 legal holds the backend placed (backend.storage.clips).

A clip keeps ``[start_us, end_us)`` (UTC µs) of some cameras: while it exists, the retention job
(``backend.storage.retention``) deletes no segment of those cameras overlapping the range. ``clip_cameras``
repeats the clip's range per camera so that "is this segment held?" is one indexed lookup
(``ix_clip_cameras_camera_time``). ``legal_holds`` lists the recordings objects carrying an S3 legal hold the
backend set (object lock stores only): the bookkeeping that lets holds be lifted when no clip needs them any
more, and set again if the store was down when a clip was made.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.models import Base


class Clip(Base):
    """A kept range for evidence. ``incident_id``: the incident it belongs to (no foreign key: the incidents
    table lives in another module); ``created_by``: the principal's name."""

    __tablename__ = "clips"
    __table_args__ = (
        CheckConstraint("end_us > start_us", name="end_after_start"),
        Index("ix_clips_created", "created_us"),
        Index("ix_clips_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(Integer)
    start_us: Mapped[int]
    end_us: Mapped[int]
    created_by: Mapped[str] = mapped_column(String(128))
    created_us: Mapped[int]


class ClipCamera(Base):
    """One camera of a clip, with the clip's range copied (a clip's range never changes)."""

    __tablename__ = "clip_cameras"
    __table_args__ = (
        CheckConstraint("end_us > start_us", name="end_after_start"),
        Index("ix_clip_cameras_camera_time", "camera_id", "start_us", "end_us"),
    )

    clip_id: Mapped[int] = mapped_column(Integer, ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(36), ForeignKey("cameras.id", ondelete="RESTRICT"), primary_key=True)
    start_us: Mapped[int]
    end_us: Mapped[int]


class LegalHold(Base):
    """An object of the recordings bucket on which the backend set an S3 legal hold (every version of the
    key). ``segment_id`` is the segment it belongs to when it was held (no foreign key: the row must outlive
    a segment row deleted by hand, so the hold can still be lifted)."""

    __tablename__ = "legal_holds"

    object_key: Mapped[str] = mapped_column(String(1024), primary_key=True)  # key in the recordings bucket
    segment_id: Mapped[int | None] = mapped_column(Integer)
    camera_id: Mapped[str] = mapped_column(String(36))
    held_us: Mapped[int]
