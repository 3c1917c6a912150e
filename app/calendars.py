"""Dates in the operator's calendar: Gregorian or Hijri (Umm al-Qura).

The ``calendar`` setting (``app.settings``: ``"gregorian"`` or ``"hijri"``) chooses how dates are *shown*;
every instant inside the application stays integer µs UTC (DESIGN.md §6) and times of day are the same in
both calendars. The Hijri calendar is the Umm al-Qura calendar of Saudi Arabia, from the ``hijridate``
package (its tables cover 1343–1500 AH = 1924-08-01 … 2077-11-16 CE). Qt's ``QCalendar`` offers only the
arithmetic "Islamic Civil" calendar, which differs from Umm al-Qura by a day or two in many months, so it
is not used. A date outside the Umm al-Qura tables is shown in the Gregorian calendar (with a log line).

The choice is application-wide display state, like ``QLocale.setDefault``: ``LanguageSwitcher`` in
``app.i18n`` stores it as the application object's ``calendar`` property (``set_calendar``), and the text
helpers read it (``current_calendar``) unless a calendar is passed in.
"""

from __future__ import annotations

import logging
from datetime import date
from enum import Enum

from hijridate import Gregorian
from PySide6.QtCore import QCoreApplication, QDate, QLocale

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # lupdate extracts translate("Context", "literal") calls
PROPERTY = "calendar"


class CalendarSystem(Enum):
    """How dates are shown. The value is the ``calendar`` setting's text."""

    GREGORIAN = "gregorian"
    HIJRI = "hijri"

    @classmethod
    def parse(cls, value: str) -> CalendarSystem:
        """The calendar named ``value`` ("" and unknown names: Gregorian)."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            return cls.GREGORIAN


def set_calendar(system: CalendarSystem) -> None:
    """Make ``system`` the application's display calendar (needs a QCoreApplication)."""
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty(PROPERTY, system.value)


def current_calendar() -> CalendarSystem:
    """The application's display calendar (Gregorian without an application or before ``set_calendar``)."""
    app = QCoreApplication.instance()
    value = app.property(PROPERTY) if app is not None else None
    return CalendarSystem.parse(value) if isinstance(value, str) else CalendarSystem.GREGORIAN


def to_python_date(value: QDate | date) -> date:
    return date(value.year(), value.month(), value.day()) if isinstance(value, QDate) else value


def hijri_parts(value: QDate | date) -> tuple[int, int, int] | None:
    """(year, month, day) of ``value`` in the Umm al-Qura calendar; None outside its tables."""
    d = to_python_date(value)
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (OverflowError, ValueError):
        log.info("%s is outside the Umm al-Qura tables; shown in the Gregorian calendar", d.isoformat())
        return None
    return h.year, h.month, h.day


def hijri_month_name(month: int, locale: QLocale | None = None) -> str:
    """The name of Hijri month ``month`` (1–12) in the locale's language (Arabic, else English)."""
    from hijridate import Hijri  # the class holds the month names

    language = "ar" if (locale or QLocale()).language() == QLocale.Language.Arabic else "en"
    return Hijri(1445, month, 1).month_name(language)


def era_suffix() -> str:
    """ "AH" / "هـ": marks a Hijri date so that it is never read as a Gregorian one."""
    return translate("Calendar", "AH")


def numeric_date(value: QDate | date, system: CalendarSystem | None = None, locale: QLocale | None = None) -> str:
    """``value`` as "yyyy-MM-dd" in ``system`` (default ``current_calendar()``), digits in the locale's form;
    a Hijri date gets the era suffix ("1448-06-12 AH"). Not bidi-isolated: ``app.bidi.left_to_right`` it."""
    locale = locale or QLocale()
    system = system or current_calendar()
    parts = hijri_parts(value) if system is CalendarSystem.HIJRI else None
    if parts is None:
        d = to_python_date(value)
        return locale.toString(QDate(d.year, d.month, d.day), "yyyy-MM-dd")
    year, month, day = parts
    digits = f"{year:04d}-{month:02d}-{day:02d}"
    return f"{localise_digits(digits, locale)} {era_suffix()}"


def long_date(value: QDate | date, system: CalendarSystem | None = None, locale: QLocale | None = None) -> str:
    """``value`` for reading: "Sun 22 Nov 2026" or, Hijri, "Sun 12 Jumada al-Akhirah 1448 AH" (day and month
    names in the locale's language)."""
    locale = locale or QLocale()
    system = system or current_calendar()
    d = to_python_date(value)
    qdate = QDate(d.year, d.month, d.day)
    parts = hijri_parts(d) if system is CalendarSystem.HIJRI else None
    if parts is None:
        return locale.toString(qdate, "ddd d MMM yyyy")
    year, month, day = parts
    weekday = locale.dayName(qdate.dayOfWeek(), QLocale.FormatType.ShortFormat)
    number = localise_digits
    return f"{weekday} {number(str(day), locale)} {hijri_month_name(month, locale)} {number(str(year), locale)} " + (
        era_suffix()
    )


def day_month(value: QDate | date, system: CalendarSystem | None = None, locale: QLocale | None = None) -> str:
    """A short day label for the timeline's midnight ticks (they have room for about "Sun 22 Nov"):
    "Sun 22 Nov", or, Hijri, "Sun 12/6" (day/month of the Hijri year; the full date is shown above the axis)."""
    locale = locale or QLocale()
    d = to_python_date(value)
    qdate = QDate(d.year, d.month, d.day)
    parts = hijri_parts(d) if (system or current_calendar()) is CalendarSystem.HIJRI else None
    if parts is None:
        return locale.toString(qdate, "ddd d MMM")
    _year, month, day = parts
    weekday = locale.dayName(qdate.dayOfWeek(), QLocale.FormatType.ShortFormat)
    return f"{weekday} {localise_digits(f'{day}/{month}', locale)}"


def localise_digits(text: str, locale: QLocale) -> str:
    """ASCII digits of ``text`` in the locale's own digits (Arabic-Indic for Arabic)."""
    zero = locale.zeroDigit()
    if zero == "0":
        return text
    base = ord(zero)
    return "".join(chr(base + ord(c) - 48) if "0" <= c <= "9" else c for c in text)
