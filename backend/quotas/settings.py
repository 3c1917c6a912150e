"""The ``[quotas]`` settings section (``backend.settings.BackendSettings.quotas``).

Kept apart from ``backend.settings`` so that module stays small; it imports only pydantic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class QuotaSettings(BaseModel):
    """Stream quotas (``backend.quotas``). Times in seconds.

    ``store``: ``sql`` (the backend's database, default) or ``redis`` (Valkey/Redis shared by several backends,
    at ``redis_url``; a URL holding a password must come from the secret file ``redis_url_file`` instead).
    ``limits``: concurrent streams per agency over the defaults (DUBAI_POLICE 50, METRO 30, BUS 20, OTHER 400);
    agency names are upper-cased. ``reservation_ttl_s``: a reservation's life without a heartbeat;
    ``cleanup_interval_s``: how often expired reservations are deleted and usage changes announced.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    store: Literal["sql", "redis"] = "sql"
    redis_url: str = ""
    redis_url_file: Path | None = None
    redis_timeout_s: float = Field(default=2.0, gt=0)
    key_prefix: str = Field(default="quota", min_length=1, max_length=64)
    limits: dict[str, int] = Field(default_factory=dict)
    reservation_ttl_s: float = Field(default=60.0, gt=0, le=3600)
    cleanup_interval_s: float = Field(default=15.0, gt=0, le=3600)

    @field_validator("limits")
    @classmethod
    def _limits(cls, value: dict[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for agency, limit in value.items():
            name = agency.strip().upper()
            if not name or len(name) > 32 or not name.replace("_", "").isalnum():
                raise ValueError(f"invalid agency name {agency!r} (letters, digits, _; at most 32)")
            if limit < 0:
                raise ValueError(f"the limit of {name} must be >= 0")
            out[name] = limit
        return out

    @field_validator("redis_url")
    @classmethod
    def _no_password(cls, value: str) -> str:
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("redis", "rediss", "unix"):
                raise ValueError("redis_url must start with redis://, rediss:// or unix://")
            if parts.password:
                raise ValueError("a Redis URL with a password goes in a secret file (quotas.redis_url_file)")
        return value

    @model_validator(mode="after")
    def _redis_needs_url(self) -> QuotaSettings:
        if self.store == "redis" and not self.redis_url and self.redis_url_file is None:
            raise ValueError("quotas.store = redis needs redis_url or redis_url_file")
        return self
