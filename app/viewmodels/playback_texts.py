"""Operator-visible texts of the timeline and the player, translated (context ``PlaybackTexts``).

The backend's gap reasons and messages arrive bilingual (``message`` / ``message_ar``); when they are missing
the GUI names the reason itself. Errors of the backend (``BackendError``), of XProtect (``milestone.errors``
class names) and of the media player (its error text) become one sentence in the operator's language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from media.playback.state import SPEEDS

from ..backend_link.client import BAD_RESPONSE, TIMEOUT, UNREACHABLE, BackendError

translate = QCoreApplication.translate  # lupdate extracts translate("Context", "literal") calls

__all__ = ["SPEEDS", "translate"]  # SPEEDS: the VCR speeds the media player accepts (issue 4 part 3)


def is_arabic() -> bool:
    """True when the application's language (QLocale's default, set by ``app.i18n``) is Arabic."""
    return QLocale().language() == QLocale.Language.Arabic


def bilingual(message: str | None, message_ar: str | None) -> str:
    """The backend's text in the operator's language (the other language when one is missing; "" if none)."""
    first, second = (message_ar, message) if is_arabic() else (message, message_ar)
    return (first or second or "").strip()


def gap_reason_text(reason: str | None) -> str:
    """Our own name of a gap reason (``GapReason`` of the wire contract; None = unknown)."""
    texts = {
        "camera_offline": translate("PlaybackTexts", "The camera was offline."),
        "recorder_down": translate("PlaybackTexts", "The recording server was down."),
        "quota_denied": translate("PlaybackTexts", "The agency's stream quota was full."),
        "upload_failed": translate("PlaybackTexts", "The recording could not be uploaded."),
    }
    return texts.get(reason or "", translate("PlaybackTexts", "Nothing was recorded."))


def source_text(source: str) -> str:
    """Where a recorded sequence is stored: ``milestone`` / ``local`` / ``both``."""
    texts = {
        "milestone": translate("PlaybackTexts", "recorded in XProtect"),
        "local": translate("PlaybackTexts", "recorded by the backend"),
        "both": translate("PlaybackTexts", "recorded in XProtect and by the backend"),
    }
    return texts.get(source, translate("PlaybackTexts", "recorded"))


def session_status_text(status: str) -> str:
    """A manual recording session's status (``recording | stopping | stopped | failed``)."""
    texts = {
        "recording": translate("PlaybackTexts", "recording"),
        "stopping": translate("PlaybackTexts", "stopping"),
        "stopped": translate("PlaybackTexts", "finished"),
        "failed": translate("PlaybackTexts", "failed"),
    }
    return texts.get(status, status)


def speed_text(speed: float) -> str:
    """``-8×`` … ``8×`` (no translation needed: digits and the multiplication sign)."""
    return f"{speed:g}×"


def backend_error_text(exc: BackendError) -> str:
    """The operator's message for a failed playback call to the backend, in the application's language."""
    if exc.code in (UNREACHABLE, TIMEOUT) and not exc.answered:
        return translate("PlaybackTexts", "The backend does not answer; the recordings cannot be listed now.")
    if exc.code == BAD_RESPONSE:
        return translate("PlaybackTexts", "The backend's answer was not understood (is it a different version?).")
    text = exc.text(is_arabic())
    return text or translate("PlaybackTexts", "The backend refused the request (HTTP {0}).").format(exc.status)


def milestone_error_text(kind: str) -> str:
    """The operator's message for an XProtect failure, by ``milestone.errors`` class name."""
    texts = {
        "AuthenticationError": translate("PlaybackTexts", "XProtect refused the login token."),
        "PermissionDeniedError": translate("PlaybackTexts", "Your user may not play back this camera."),
        "NotFoundError": translate("PlaybackTexts", "The recording server does not know this camera."),
        "TlsError": translate("PlaybackTexts", "The recording server's certificate is not trusted."),
        "UnreachableError": translate("PlaybackTexts", "The recording server cannot be reached."),
        "ProtocolError": translate("PlaybackTexts", "The recording server answered something unexpected."),
    }
    return texts.get(kind, translate("PlaybackTexts", "The recordings could not be read from XProtect."))


def player_error_text(code: str | None) -> str:
    """The operator's message for a media player error, by its machine code (``media.playback.source``)."""
    if not code:
        return ""
    texts = {
        "unreachable": translate("PlaybackTexts", "The recording cannot be reached."),
        "tls": translate("PlaybackTexts", "The recording server's certificate is not trusted."),
        "auth_failed": translate("PlaybackTexts", "The recording server refused the login token."),
        "no_permission": translate("PlaybackTexts", "Your user may not play back this camera."),
        "not_found": translate("PlaybackTexts", "The recording server does not know this camera."),
        "protocol": translate("PlaybackTexts", "The recording server answered something unexpected."),
        "segment_missing": translate("PlaybackTexts", "A recorded segment no longer exists."),
        "segment_forbidden": translate("PlaybackTexts", "The recording store refused access to a segment."),
        "segment_unavailable": translate("PlaybackTexts", "A recorded segment cannot be read now."),
        "segment_invalid": translate("PlaybackTexts", "A recorded segment is damaged."),
        "decode": translate("PlaybackTexts", "The recording could not be decoded."),
    }
    return texts.get(code, translate("PlaybackTexts", "Playback failed."))


def no_camera_text() -> str:
    return translate("PlaybackTexts", "Select a camera in the tree or on the wall, then choose View recordings.")


def range_error_text(kind: str, limit_days: int = 0) -> str:
    """Why a chosen time range is refused: ``order`` (end not after start) or ``too_long``."""
    if kind == "order":
        return translate("PlaybackTexts", "The end of the range must be after its start.")
    return translate("PlaybackTexts", "Choose a range of at most {0} days.").format(limit_days)
