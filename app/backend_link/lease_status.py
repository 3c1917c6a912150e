"""The state of a tile's stream quota lease (``app.backend_link.reservations``): plain data, no I/O.

``LeaseState`` says whether the stream may be open; ``LeaseStatus`` adds what the backend last said (the agency's
quota, its bilingual message when it refused or failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

DEFAULT_TTL_S = 60.0  # the backend's default QUOTA_RESERVATION_TTL, until a reservation tells the real one

# Client-side codes in LeaseStatus.code (no answer from the backend about this lease).
BACKEND_UNAVAILABLE = "backend_unavailable"
CAMERA_NOT_IMPORTED = "camera_not_imported"


class LeaseState(Enum):
    """Where a tile's reservation stands; the transitions are in ``app.backend_link.reservations``."""

    NOT_NEEDED = "not_needed"  # no backend configured: streams open without reservations
    PENDING = "pending"  # the first reservation is being asked for: the stream waits
    GRANTED = "granted"  # a slot is held and heartbeated
    REFUSED = "refused"  # 429 before the stream opened: it stays closed until retry()
    UNCHECKED = "unchecked"  # the backend or its quota store did not answer: the stream opens anyway
    OVER_LIMIT = "over_limit"  # the stream shows but re-reserving its lost slot was refused (429)
    RELEASED = "released"

    @property
    def admits(self) -> bool:
        """True when the stream may be open (everything but PENDING, REFUSED and RELEASED)."""
        return self in (LeaseState.NOT_NEEDED, LeaseState.GRANTED, LeaseState.UNCHECKED, LeaseState.OVER_LIMIT)


@dataclass(frozen=True, slots=True)
class LeaseStatus:
    """A lease's state and what the backend last said about it.

    ``agency``/``limit``/``used``: the agency's quota as of the last answer (``used`` counts this reservation
    when granted; None when unknown). ``code``/``message``/``message_ar``: the backend's error code and
    bilingual message of the last failure (``quota_exceeded``, ``quota_store_unavailable``, ...; client-side
    ``unreachable``, ``timeout``, ``backend_unavailable``, ``camera_not_imported``), "" when the last call
    succeeded. ``reservation_id``: the live reservation ("" when none); ``holder``: who holds it as the backend
    stored it. ``ttl_s``: its time to live (seconds).
    """

    state: LeaseState
    agency: str = ""
    limit: int | None = None
    used: int | None = None
    code: str = ""
    message: str = ""
    message_ar: str = ""
    reservation_id: str = ""
    holder: str = ""
    ttl_s: float = DEFAULT_TTL_S

    def text(self, arabic: bool) -> str:
        """The backend's message in the operator's language ("" when it gave none)."""
        return (self.message_ar or self.message) if arabic else (self.message or self.message_ar)
