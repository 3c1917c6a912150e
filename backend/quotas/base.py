"""The quota store interface: reservations of stream slots per agency, with a time to live.

A reservation holds one slot of an agency's limit (a live view or a recording of one camera) until it is
released or its time to live runs out; a heartbeat pushes the expiry forward. Expired reservations count for
nothing and are deleted lazily (by ``reserve`` for the agency at hand) or by ``cleanup``. Agencies without a
configured limit count against ``OTHER``. Times are integer microseconds since the Unix epoch, UTC, read from
an injected ``milestone.clock.Clock``; a reservation is live while ``now_us < expires_us``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from backend.errors import BilingualError
from milestone.clock import Clock

ReservationKind = Literal["live", "recording"]
RESERVATION_KINDS: tuple[str, ...] = ("live", "recording")

OTHER_AGENCY = "OTHER"
# Concurrent streams per agency when configuration says nothing else.
DEFAULT_LIMITS: Mapping[str, int] = {"DUBAI_POLICE": 50, "METRO": 30, "BUS": 20, OTHER_AGENCY: 400}


@dataclass(frozen=True)
class Reservation:
    """One held slot. ``agency`` is the quota group it counts against (``OTHER`` for an agency without a
    limit of its own); ``holder`` who holds it (a user name, a backend instance, a session id);
    ``created_us``/``expires_us`` UTC µs."""

    id: str
    agency: str
    holder: str
    kind: ReservationKind
    camera_id: str | None
    created_us: int
    expires_us: int


@dataclass(frozen=True)
class AgencyUsage:
    """An agency's limit and how many live reservations count against it now."""

    agency: str
    limit: int
    used: int


class QuotaExceededError(BilingualError):
    """429: the agency already holds ``limit`` live reservations. ``details``: agency, limit, used."""

    code, status = "quota_exceeded", 429

    def __init__(self, agency: str, limit: int, used: int) -> None:
        super().__init__(
            f"The stream quota of {agency} is used up ({used} of {limit} streams); try again when a stream ends.",
            f"تم استنفاد حصة البث للجهة {agency} ({used} من {limit} بثاً)؛ حاول مرة أخرى عند انتهاء أحد البثوث.",
            {"agency": agency, "limit": limit, "used": used},
        )
        self.agency = agency
        self.limit = limit
        self.used = used


class QuotaStore(Protocol):
    """Where reservations and limits live. Every method is one atomic operation on the store, safe against
    other processes using the same store. Methods are synchronous (run them in a worker thread from async
    code); ``ttl_s`` is in seconds (> 0)."""

    def reserve(
        self, agency: str, holder: str, kind: ReservationKind, camera_id: str | None, ttl_s: float
    ) -> Reservation:
        """Take a slot of ``agency`` (or ``OTHER``) for ``ttl_s`` seconds. Raises QuotaExceededError."""
        ...

    def get(self, reservation_id: str) -> Reservation | None:
        """The reservation while it is live; None when unknown, released or expired."""
        ...

    def release(self, reservation_id: str) -> bool:
        """Give a slot back. True if it was live; False if unknown, released already or expired (idempotent)."""
        ...

    def heartbeat(self, reservation_id: str, ttl_s: float) -> Reservation | None:
        """Extend a live reservation to at least now + ``ttl_s``; None if it expired or is unknown."""
        ...

    def stats(self) -> list[AgencyUsage]:
        """Limit and live reservations of every agency with a limit, sorted by agency."""
        ...

    def set_limit(self, agency: str, limit: int) -> None:
        """Set ``agency``'s limit (>= 0; an agency without a limit counts against OTHER). Reservations beyond
        a lowered limit are kept until they end; new ones are refused until usage is below it."""
        ...

    def limits(self) -> dict[str, int]:
        """Every agency's limit."""
        ...

    def cleanup(self) -> int:
        """Delete expired reservations of every agency; returns how many were deleted."""
        ...


def configured_limits(limits: Mapping[str, int] | None) -> dict[str, int]:
    """DEFAULT_LIMITS overridden by ``limits``; agency names upper-cased. Raises ValueError on a negative or
    non-integer limit or an empty agency name."""
    merged = dict(DEFAULT_LIMITS)
    for agency, limit in (limits or {}).items():
        merged[check_agency(agency)] = check_limit(limit)
    return merged


def check_agency(agency: str) -> str:
    """``agency`` stripped and upper-cased; ValueError when empty or longer than 32 characters."""
    name = agency.strip().upper()
    if not name or len(name) > 32:
        raise ValueError(f"invalid agency name {agency!r}")
    return name


def check_limit(limit: int) -> int:
    """``limit`` when it is an int >= 0; ValueError otherwise."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"a quota limit is an integer >= 0, not {limit!r}")
    return limit


def check_request(kind: str, ttl_s: float) -> int:
    """Validates a reservation's ``kind`` and returns ``ttl_s`` in µs (>= 1); ValueError otherwise."""
    if kind not in RESERVATION_KINDS:
        raise ValueError(f"reservation kind must be one of {RESERVATION_KINDS}, not {kind!r}")
    ttl_us = round(ttl_s * 1_000_000)
    if ttl_us < 1:
        raise ValueError(f"ttl_s must be > 0, not {ttl_s!r}")
    return ttl_us


def now_us(clock: Clock) -> int:
    """The clock's wall time in integer UTC microseconds."""
    return round(clock.time() * 1_000_000)
