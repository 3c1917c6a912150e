"""Texts of the administration view-models: roles, audit outcomes, times and the backend's errors (translated).

Times are shown in the workstation's local time (``playback_time.format_instant``: ISO-like order, the locale's
digits, isolated left to right). Errors are the backend's own bilingual message in the application's language
(issue 5: weak_password, user_exists, last_admin, forbidden, ...), or a translated text of ours when the backend
did not answer or answered something unexpected.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

from ..backend_link.client import BAD_RESPONSE, BackendError
from .playback_time import format_instant, to_us
from .recording_state import is_arabic

translate = QCoreApplication.translate  # lupdate extracts translate("Context", "literal") calls

ROLES: tuple[str, ...] = ("operator", "supervisor", "admin")  # the backend's roles, least privileged first
OUTCOMES: tuple[str, ...] = ("success", "denied", "failed", "error")  # the audit log's outcomes


def role_text(role: str) -> str:
    """The translated name of a role (the role itself when unknown)."""
    texts = {
        "operator": translate("Administration", "Operator"),
        "supervisor": translate("Administration", "Supervisor"),
        "admin": translate("Administration", "Administrator"),
    }
    return texts.get(role, role)


def outcome_text(outcome: str) -> str:
    """The translated outcome of an audited call (the outcome itself when unknown)."""
    texts = {
        "success": translate("Administration", "Success"),
        "denied": translate("Administration", "Denied"),
        "failed": translate("Administration", "Failed"),
        "error": translate("Administration", "Error"),
    }
    return texts.get(outcome, outcome)


def time_text(when: datetime | None) -> str:
    """An aware datetime in local time, "2026-05-12 14:05:09" ("" for None; a naive one is taken as UTC)."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_instant(to_us(when))


def not_connected_text() -> str:
    return translate("Administration", "The backend is not connected; see the status bar.")


def admin_error_text(exc: BackendError) -> str:
    """The administrator's message for a failed call, in the application's language."""
    if not exc.answered:
        return translate("Administration", "The backend does not answer. Its state is shown in the status bar.")
    if exc.code == BAD_RESPONSE:
        return translate("Administration", "The backend's answer was not understood (is it a different version?).")
    text = exc.text(is_arabic())
    if not text:
        return translate("Administration", "The backend refused the request (HTTP {0}).").format(exc.status)
    return text
