"""ISO 8601 times as XProtect writes them, to and from integer milliseconds since the Unix epoch (UTC).

XProtect writes UTC times with up to 7 fractional digits (.NET ticks), e.g. ``2025-10-27T15:03:52.8070000Z``,
and ``0001-01-01T00:00:00Z`` (.NET ``DateTime.MinValue``) for "not set" (MILESTONE_PROTOCOL.md §2, §4).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from milestone.errors import ProtocolError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)


def parse_iso_ms(text: str) -> int:
    """Parse an ISO 8601 time into ms since the epoch, UTC (fraction truncated to the millisecond).

    A time without zone is taken as UTC. The .NET minimum ``0001-01-01T00:00:00…`` and empty text mean
    "not set" and return 0. Raises ProtocolError for anything else that is not such a time.
    """
    if not text or not text.strip():
        return 0
    match = _ISO.match(text)
    if match is None:
        raise ProtocolError(f"not an ISO 8601 time: {text[:40]!r}")
    year, month, day, hour, minute, second, frac, zone = match.groups()
    if int(year) <= 1:
        return 0
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError as exc:
        raise ProtocolError(f"not a valid time: {text[:40]!r}") from exc
    if zone and zone.upper() != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        stamp -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    millis = int((frac or "0")[:3].ljust(3, "0"))
    return (stamp - _EPOCH) // timedelta(milliseconds=1) + millis


def format_iso_ms(ms: int) -> str:
    """Format ms since the epoch (UTC) as XProtect does: ``YYYY-MM-DDTHH:MM:SS.fffffffZ`` (7 digits)."""
    stamp = _EPOCH + timedelta(milliseconds=int(ms))
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond * 10:07d}Z"
