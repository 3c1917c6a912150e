"""Manual recordings as the GUI tracks them, and their operator-visible texts (translated, bidi-safe).

A running recording is kept with a *local* monotonic end time (``end_monotonic``, seconds on the GUI's clock):
the countdown ticks locally every second and each backend answer or ``recording_progress`` event re-anchors
it (``scheduledEndUs - time_us`` of an event is the remaining time in µs on the backend's own clock, so the
two machines' clocks never need to agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QLocale

from ..backend_link.client import BAD_RESPONSE, TIMEOUT, UNREACHABLE, BackendError
from ..bidi import isolate

translate = QCoreApplication.translate  # lupdate extracts translate("Context", "literal") calls


def is_arabic() -> bool:
    """True when the application's language (QLocale's default, set by ``app.i18n``) is Arabic."""
    return QLocale().language() == QLocale.Language.Arabic


def format_clock(seconds: float) -> str:
    """Whole seconds as ``m:ss`` (``h:mm:ss`` from one hour), rounded up so that 0:00 means "over"."""
    total = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_text(seconds: int) -> str:
    """A duration for people: "15 min", "1 h 30 min", "45 s" (translated)."""
    if seconds < 60:
        return translate("RecordingViewModel", "{0} s").format(seconds)
    minutes = seconds // 60
    if seconds % 60:
        return translate("RecordingViewModel", "{0} min {1} s").format(minutes, seconds % 60)
    if minutes >= 60 and minutes % 60 == 0:
        return translate("RecordingViewModel", "{0} h").format(minutes // 60)
    if minutes > 60:
        return translate("RecordingViewModel", "{0} h {1} min").format(minutes // 60, minutes % 60)
    return translate("RecordingViewModel", "{0} min").format(minutes)


def stop_reason_text(reason: str | None) -> str:
    """Why a recording stopped (``recording_stopped`` data.reason), for the notification."""
    texts = {
        "user": translate("RecordingViewModel", "stopped by an operator"),
        "duration": translate("RecordingViewModel", "the chosen duration ended"),
        "overdue_at_restart": translate("RecordingViewModel", "its end passed while the backend was down"),
        "error": translate("RecordingViewModel", "stopped by an error"),
    }
    return texts.get(reason or "", translate("RecordingViewModel", "stopped"))


def error_text(exc: BackendError) -> str:
    """The operator's message for a failed recording command, in the application's language.

    The backend's own bilingual message when it answered (Arabic when the application runs in Arabic); a
    translated text of ours when it did not answer or answered something unexpected.
    """
    if exc.code in (UNREACHABLE, TIMEOUT) and not exc.answered:
        return translate(
            "RecordingViewModel", "The backend does not answer. Its state is shown in the status bar; try again soon."
        )
    if exc.code == BAD_RESPONSE:
        return translate("RecordingViewModel", "The backend's answer was not understood (is it a different version?).")
    text = exc.text(is_arabic())
    if not text:
        return translate("RecordingViewModel", "The backend refused the request (HTTP {0}).").format(exc.status)
    current = exc.current_recording or {}
    remaining = current.get("remainingSeconds")
    if exc.code == "already_recording" and isinstance(remaining, int | float):
        left = isolate(format_clock(float(remaining)))
        return translate("RecordingViewModel", "{0} Time left: {1}.").format(text, left)
    return text


@dataclass(slots=True)
class ActiveRecordingView:
    """A recording running now on ``camera_id`` (the XProtect camera GUID the GUI uses).

    ``duration_s``: the chosen duration in seconds (extensions included); ``end_monotonic``: when it is due
    to end on the GUI's monotonic clock (seconds); ``started_at``: UTC start, when known; ``overdue_checks``:
    how many times the GUI asked the backend about it after its end passed without a stop event.
    """

    camera_id: str
    recording_id: str
    duration_s: int
    end_monotonic: float
    started_at: datetime | None = None
    storage_mode: str = ""
    overdue_checks: int = 0

    def remaining_s(self, now_monotonic: float) -> float:
        return max(0.0, self.end_monotonic - now_monotonic)

    def elapsed_s(self, now_monotonic: float) -> float:
        return max(0.0, self.duration_s - self.remaining_s(now_monotonic))

    def progress(self, now_monotonic: float) -> float:
        """Elapsed fraction of the duration, 0.0 … 1.0."""
        return min(1.0, self.elapsed_s(now_monotonic) / self.duration_s) if self.duration_s > 0 else 1.0
