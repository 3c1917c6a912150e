"""The ``[exports]`` settings section (``backend.settings.BackendSettings.exports``), env ``EXPORTS_*``.

Kept apart from ``backend.settings`` so that module stays small; it imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ExportSettings(BaseModel):
    """Evidence exports (``backend.exports``).

    ``max_cameras``: cameras per export; ``max_range_hours``: longest range; ``concurrency``: export jobs run
    at once (the rest wait, ``queued``); ``expiry_days``: days a package is kept (0 = the exports bucket's
    lifecycle days, or 7 when the bucket has none); ``cleanup_interval_s``: how often expired packages are
    removed; ``presign_expiry_s``: lifetime of a presigned download URL; ``progress_interval_s``: least time
    between two ``export_progress`` events of one job (status changes are always sent); ``face_confidence``:
    CenterFace score above which a face is covered when masking (below the detector's usual 0.5: covering a
    patch that is not a face costs little, leaving a face uncovered costs much); ``mask_crf``: x264 quality of
    masked files;
    ``imageserver_timeout_s``: one ImageServer request's time limit when footage comes from XProtect.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_cameras: int = Field(default=16, ge=1, le=256)
    max_range_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    concurrency: int = Field(default=1, ge=1, le=16)
    expiry_days: int = Field(default=0, ge=0, le=3650)
    cleanup_interval_s: float = Field(default=3600.0, gt=0)
    presign_expiry_s: int = Field(default=3600, ge=60, le=7 * 86400)
    progress_interval_s: float = Field(default=0.5, ge=0)
    face_confidence: float = Field(default=0.3, ge=0, le=1)
    mask_crf: int = Field(default=20, ge=0, le=51)
    imageserver_timeout_s: float = Field(default=15.0, gt=0)


ENV = {
    "EXPORTS_MAX_CAMERAS": "exports.max_cameras",
    "EXPORTS_MAX_RANGE_HOURS": "exports.max_range_hours",
    "EXPORTS_CONCURRENCY": "exports.concurrency",
    "EXPORTS_EXPIRY_DAYS": "exports.expiry_days",
    "EXPORTS_CLEANUP_INTERVAL": "exports.cleanup_interval_s",
    "EXPORTS_PRESIGN_EXPIRY": "exports.presign_expiry_s",
    "EXPORTS_PROGRESS_INTERVAL": "exports.progress_interval_s",
    "EXPORTS_FACE_CONFIDENCE": "exports.face_confidence",
    "EXPORTS_MASK_CRF": "exports.mask_crf",
    "EXPORTS_IMAGESERVER_TIMEOUT": "exports.imageserver_timeout_s",
}
