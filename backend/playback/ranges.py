"""Times and ranges of playback requests: ISO 8601 text with a timezone -> integer UTC microseconds.

A time without a timezone is refused (the backend cannot guess the operator's offset); a range must end after
it starts and span at most the configured number of days. Timeline buckets are whole minutes, hours or days
in the UTC offset the request's start time carries, so a "day" bucket starts at the operator's midnight.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import (
    EndBeforeStartError,
    InvalidResolutionError,
    InvalidTimeError,
    RangeTooLongError,
    TimeWithoutTimezoneError,
    TooManyBucketsError,
)

US_PER_S = 1_000_000
US_PER_DAY = 86_400 * US_PER_S
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BUCKET_US = {"minute": 60 * US_PER_S, "hour": 3600 * US_PER_S, "day": US_PER_DAY}
COARSER = {"minute": "hour", "hour": "day", "day": None}
# "+04:00" in an unencoded query string arrives as " 04:00": put the plus back.
_SPACE_OFFSET = re.compile(r"^(.*\d)\s(\d{2}(?::?\d{2})?)$")


def to_us(moment: datetime) -> int:
    """An aware datetime -> integer µs since the Unix epoch, UTC (exact, no float rounding)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_us(us: int) -> datetime:
    """Integer UTC µs -> aware UTC datetime (exact)."""
    return EPOCH + timedelta(microseconds=us)


def iso_z(us: int) -> str:
    """Integer UTC µs -> ``2025-10-27T14:30:00.123456Z`` (fraction only when non-zero)."""
    text = from_us(us).isoformat()
    return text.replace("+00:00", "Z")


def parse_time(text: str, field: str) -> datetime:
    """ISO 8601 text (``Z`` or an offset required) -> aware datetime. Raises InvalidTimeError,
    TimeWithoutTimezoneError."""
    raw = text.strip()
    fixed = _SPACE_OFFSET.sub(r"\1+\2", raw) if "T" in raw else raw
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise InvalidTimeError(field, text) from None
    return require_timezone(moment, field)


def require_timezone(moment: datetime, field: str) -> datetime:
    """``moment`` when it carries a UTC offset; else TimeWithoutTimezoneError naming ``field``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeWithoutTimezoneError(field)
    return moment


@dataclass(frozen=True, slots=True)
class QueryRange:
    """A validated range: ``[start_us, end_us)`` UTC µs, and the UTC offset of the start time (µs) for
    aligning timeline buckets."""

    start_us: int
    end_us: int
    offset_us: int = 0

    @property
    def duration_us(self) -> int:
        return self.end_us - self.start_us


def check_range(
    start: datetime, end: datetime, *, max_days: float, start_field: str = "startTime", end_field: str = "endTime"
) -> QueryRange:
    """Validate a request's range. Raises TimeWithoutTimezoneError, EndBeforeStartError, RangeTooLongError."""
    require_timezone(start, start_field)
    require_timezone(end, end_field)
    start_us, end_us = to_us(start), to_us(end)
    if end_us <= start_us:
        raise EndBeforeStartError()
    days = (end_us - start_us) / US_PER_DAY
    if days > max_days:
        raise RangeTooLongError(days, max_days)
    offset = start.utcoffset() or timedelta(0)
    return QueryRange(start_us, end_us, offset // timedelta(microseconds=1))


def parse_range(start_text: str, end_text: str, *, max_days: float) -> QueryRange:
    """``check_range`` of two query-string times (``startTime``, ``endTime``)."""
    return check_range(parse_time(start_text, "startTime"), parse_time(end_text, "endTime"), max_days=max_days)


@dataclass(frozen=True, slots=True)
class BucketGrid:
    """``count`` buckets of ``bucket_us`` starting at ``origin_us`` (UTC µs) that cover a range."""

    resolution: str
    origin_us: int
    bucket_us: int
    count: int

    def start_of(self, index: int) -> int:
        return self.origin_us + index * self.bucket_us


def bucket_grid(query: QueryRange, resolution: str, max_buckets: int) -> BucketGrid:
    """The aligned buckets covering ``query``. Raises InvalidResolutionError, TooManyBucketsError (suggesting
    the next coarser resolution that fits)."""
    bucket_us = BUCKET_US.get(resolution)
    if bucket_us is None:
        raise InvalidResolutionError(resolution)
    origin = query.start_us - (query.start_us + query.offset_us) % bucket_us
    count = math.ceil((query.end_us - origin) / bucket_us)
    if count > max_buckets:
        suggested = COARSER[resolution]
        while suggested is not None and math.ceil(query.duration_us / BUCKET_US[suggested]) + 1 > max_buckets:
            suggested = COARSER[suggested]
        raise TooManyBucketsError(count, max_buckets, suggested)
    return BucketGrid(resolution, origin, bucket_us, count)
