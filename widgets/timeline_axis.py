"""The timeline's time axis: tick spacing and label format chosen by the visible span, in the workstation's local time.

X coordinates of the timeline are seconds since an origin (``origin_s``, a UTC epoch second) so that the numbers
pyqtgraph transforms stay small; the axis adds the origin back for its labels. Steps go from 1 s to 1 day;
labels are ``HH:mm:ss`` below a minute, ``HH:mm`` below a day (a tick on local midnight shows the date instead)
and the day's date from one day
(in the ``calendar`` setting's calendar: Gregorian or Hijri). Ticks are aligned on the local clock (a 3 h step
falls on 00:00, 03:00, …).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QDateTime, QLocale, QTime, QTimeZone

from app.bidi import LRI, PDI, isolate
from app.calendars import CalendarSystem, current_calendar, day_month, long_date
from app.viewmodels.playback_time import left_to_right

STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
DAY_S = 86400
MIN_LABEL_PX = 84  # room for one "HH:mm:ss" label with its margins

SECONDS_FORMAT = "HH:mm:ss"
MINUTES_FORMAT = "HH:mm"
DAY_FORMAT = "ddd d MMM"


def choose_step(span_s: float, width_px: float, min_label_px: float = MIN_LABEL_PX) -> int:
    """The smallest step (seconds) of ``STEPS_S`` that keeps labels ``min_label_px`` apart over ``width_px``
    pixels showing ``span_s`` seconds; whole days beyond a day."""
    labels = max(1.0, width_px / min_label_px)
    for step in STEPS_S:
        if span_s / step <= labels:
            return step
    return DAY_S * max(1, math.ceil(span_s / labels / DAY_S))


def label_format(step_s: float) -> str:
    """The QDateTime format of labels ``step_s`` apart."""
    if step_s < 60:
        return SECONDS_FORMAT
    if step_s < DAY_S:
        return MINUTES_FORMAT
    return DAY_FORMAT


def local_dt(t_s: float, zone: QTimeZone) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(round(t_s * 1000), QTimeZone.utc()).toTimeZone(zone)


def tick_times(start_s: float, end_s: float, step_s: int, zone: QTimeZone) -> list[float]:
    """UTC epoch seconds of the ticks in ``[start_s, end_s]``, on multiples of ``step_s`` of the local clock
    (whole local days from a day's step)."""
    if end_s <= start_s or step_s <= 0:
        return []
    out: list[float] = []
    if step_s >= DAY_S:
        days = step_s // DAY_S
        first = local_dt(start_s, zone).date()
        day = QDateTime(first, QTime(0, 0), zone)
        while day.toSecsSinceEpoch() <= end_s:
            t = float(day.toSecsSinceEpoch())
            if t >= start_s and day.date().toJulianDay() % days == 0:
                out.append(t)
            day = day.addDays(1)
        return out
    offset = local_dt(start_s, zone).offsetFromUtc()
    first = math.ceil((start_s + offset) / step_s) * step_s - offset
    t = float(first)
    while t <= end_s:
        # Re-align across a daylight-saving change inside the span: keep ticks on the local clock.
        shift = local_dt(t, zone).offsetFromUtc() - offset
        out.append(t - shift)
        t += step_s
    return out


def format_tick(t_s: float, step_s: float, zone: QTimeZone, locale: QLocale | None = None) -> str:
    """The label of the tick at ``t_s``: the step's format, or the date for a tick on local midnight."""
    when = local_dt(t_s, zone)
    fmt = label_format(step_s)
    if fmt != DAY_FORMAT and when.time() == QTime(0, 0):
        fmt = DAY_FORMAT
    locale = locale or QLocale()
    if fmt == DAY_FORMAT and current_calendar() is CalendarSystem.HIJRI:
        return left_to_right(day_month(when.date(), locale=locale))
    return left_to_right(locale.toString(when, fmt))


class TimeAxisItem(pg.AxisItem):
    """A bottom axis of local times for x = seconds since ``origin_s`` (UTC). ``zone`` defaults to the
    workstation's time zone. ``current_step`` / ``current_format`` / ``last_labels`` tell what the last paint
    chose and wrote (tests, diagnostics)."""

    def __init__(self, origin_s: float = 0.0, zone: QTimeZone | None = None, **kwargs) -> None:
        super().__init__("bottom", **kwargs)
        self.origin_s = float(origin_s)
        self.zone = zone if zone is not None else QTimeZone.systemTimeZone()
        self.current_step = 0
        self.current_format = ""
        self.last_labels: list[str] = []
        self.enableAutoSIPrefix(False)

    def set_origin(self, origin_s: float) -> None:
        self.origin_s = float(origin_s)
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        step = choose_step(span, size)
        self.current_step = step
        self.current_format = label_format(step)
        start, end = self.origin_s + minVal, self.origin_s + maxVal
        return [(float(step), [t - self.origin_s for t in tick_times(start, end, step, self.zone)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        self.last_labels = [format_tick(self.origin_s + v, spacing, self.zone) for v in values]
        return self.last_labels

    def date_text(self, start_x: float, end_x: float) -> str:
        """The visible span's dates ("Tue 12 May 2026" or "Tue 12 May – Thu 14 May 2026")."""
        first = local_dt(self.origin_s + start_x, self.zone).date()
        last = local_dt(self.origin_s + end_x, self.zone).date()
        if first == last:
            return long_date(first)  # in the operator's calendar (Gregorian or Hijri Umm al-Qura)
        # Left to right like the axis under it (the earlier date on the left), each date shaped in its language.
        return f"{LRI}{isolate(long_date(first))} – {isolate(long_date(last))}{PDI}"
