"""Wire contract of the stream quotas (seeds' stream counter; issue 5), camelCase on the wire.

A live tile or a recording reserves a slot of its camera's agency before it opens a stream, heartbeats it
while open (before ``expiresAt``) and releases it when closed. Times are ISO 8601 UTC; TTLs in seconds.
Responses to a reservation carry the headers ``X-RateLimit-Limit`` (the agency's limit) and
``X-RateLimit-Remaining`` (slots left), also on the 429 refusal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from backend.api.schemas import ApiModel, ApiRequest

AGENCY_PATTERN = r"^[A-Za-z0-9_]{1,32}$"
MAX_TTL_S = 3600.0


class ReserveRequest(ApiRequest):
    """``agency`` omitted: the camera's agency (cameras table; OTHER for a camera the backend has not
    imported). The stored holder is the caller's name, followed by ``/<holder>`` when one is given (a label
    of the client, e.g. a GUI session); only that caller (or an administrator) may heartbeat or release it.
    ``ttlSeconds`` omitted: the backend's QUOTA_RESERVATION_TTL (60)."""

    camera_id: str = Field(min_length=1, max_length=64)
    kind: Literal["live", "recording"]
    agency: str | None = Field(default=None, pattern=AGENCY_PATTERN, description="agencies are upper-cased")
    holder: str | None = Field(default=None, min_length=1, max_length=128)
    ttl_seconds: float | None = Field(default=None, gt=0, le=MAX_TTL_S)


class ReservationOut(ApiModel):
    reservation_id: str
    agency: str = Field(description="the quota group it counts against (OTHER for an agency without a limit)")
    camera_id: str | None
    kind: Literal["live", "recording"]
    holder: str
    expires_at: datetime
    ttl_seconds: float = Field(description="seconds from now until it expires without a heartbeat")
    limit: int
    remaining: int = Field(description="slots of the agency still free after this reservation")


class HeartbeatRequest(ApiRequest):
    ttl_seconds: float | None = Field(default=None, gt=0, le=MAX_TTL_S)


class HeartbeatOut(ApiModel):
    reservation_id: str
    agency: str
    expires_at: datetime
    ttl_seconds: float


class ReleaseOut(ApiModel):
    released: bool = Field(description="false when it had expired, was released already or never existed")


class AgencyQuota(ApiModel):
    agency: str
    limit: int
    used: int
    available: int


class QuotaStats(ApiModel):
    agencies: list[AgencyQuota]


class LimitRequest(ApiRequest):
    limit: int = Field(ge=0, le=100_000, description="concurrent streams; 0 refuses every new one")
