"""Time helpers of the playback view-models: UTC µs <-> aware datetimes, and the local text of an instant.

Inside the GUI's playback code every instant is an ``int`` of microseconds since the Unix epoch, UTC (``*_us``),
as in the backend and the media engine (DESIGN.md §6); the wire carries ISO 8601 with a timezone (aware
``datetime``); the ImageServer speaks ms (MILESTONE_PROTOCOL.md §3). Texts shown to the operator are in the
workstation's local time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QLocale, QTimeZone

from ..bidi import left_to_right
from ..calendars import numeric_date

US = 1_000_000
MINUTE_US = 60 * US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def to_us(value: datetime) -> int:
    """An aware datetime as integer µs UTC (exact, no float rounding). Raises ValueError for a naive one."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time without a timezone cannot be placed on the timeline")
    return (value - EPOCH) // _ONE_US


def from_us(us: int) -> datetime:
    """Integer µs UTC as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=int(us))


def local_datetime(us: int, zone: QTimeZone | None = None) -> QDateTime:
    """The instant ``us`` as a QDateTime in ``zone`` (default: the workstation's local time)."""
    utc = QDateTime.fromMSecsSinceEpoch(int(us) // 1000, QTimeZone.utc())
    return utc.toTimeZone(zone if zone is not None else QTimeZone.systemTimeZone())


def qdatetime_to_us(value: QDateTime) -> int:
    """A QDateTime (any time spec) as integer µs UTC (ms precision)."""
    return int(value.toMSecsSinceEpoch()) * 1000


def format_instant(us: int, *, with_date: bool = True, millis: bool = False, zone: QTimeZone | None = None) -> str:
    """``us`` as the operator reads it, in local time: "2026-05-12 14:05:09" (ISO-like order, the same in
    every language; the date in the ``calendar`` setting's calendar, "1447-11-24 AH" in the Hijri one; digits
    in the locale's own form; isolated left to right so that a right-to-left text never reorders its parts);
    ``millis`` adds ".123"."""
    when = local_datetime(us, zone)
    locale = QLocale()
    text = locale.toString(when.time(), "HH:mm:ss.zzz" if millis else "HH:mm:ss")
    if with_date:  # in the operator's calendar (app.calendars: Gregorian or Hijri Umm al-Qura)
        text = f"{numeric_date(when.date(), locale=locale)} {text}"
    return left_to_right(text)
