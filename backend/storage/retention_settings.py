"""The ``[retention]`` settings section (``backend.settings.BackendSettings.retention``), env ``RETENTION_*``.

How long recordings are kept is ``storage.lifecycle_days.recordings`` (days, 0 = forever); this section says
how the backend's retention job (``backend.storage.retention``) applies it. Kept apart from
``backend.settings`` so that module stays small; it imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RetentionSettings(BaseModel):
    """The retention job: ``enabled`` runs it at all; ``interval_s`` seconds between passes (the first pass
    runs ``first_pass_delay_s`` seconds after start-up); ``batch_size`` segments are read per query (a pass
    goes on until nothing old enough is left, at most ``max_segments_per_pass`` deletions, so a backlog after a
    long stop is worked off over a few passes without holding the database for long)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    interval_s: float = Field(default=3600.0, gt=0)
    first_pass_delay_s: float = Field(default=60.0, ge=0)
    batch_size: int = Field(default=500, ge=1, le=10_000)
    max_segments_per_pass: int = Field(default=100_000, ge=1)


ENV_VARS: dict[str, str] = {
    "RETENTION_ENABLED": "retention.enabled",
    "RETENTION_INTERVAL": "retention.interval_s",
    "RETENTION_FIRST_PASS_DELAY": "retention.first_pass_delay_s",
    "RETENTION_BATCH_SIZE": "retention.batch_size",
    "RETENTION_MAX_SEGMENTS_PER_PASS": "retention.max_segments_per_pass",
}
