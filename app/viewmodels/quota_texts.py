"""Operator-visible texts of the stream quotas (translated; the backend's own messages in the operator's language).

Agency names: the four agencies of the seeds have translated display names; any other agency an administrator
created is shown as its name with spaces (``NEW_CO`` -> ``NEW CO``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..backend_link.client import TIMEOUT, UNREACHABLE
from ..backend_link.lease_status import BACKEND_UNAVAILABLE, CAMERA_NOT_IMPORTED, LeaseState, LeaseStatus
from .recording_state import is_arabic, isolate

translate = QCoreApplication.translate  # lupdate extracts translate("Context", "literal") calls


def agency_name(agency: str) -> str:
    """The display name of an agency (translated for the known ones)."""
    names = {
        "DUBAI_POLICE": translate("QuotaTexts", "Dubai Police"),
        "METRO": translate("QuotaTexts", "Metro"),
        "BUS": translate("QuotaTexts", "Bus"),
        "OTHER": translate("QuotaTexts", "Other"),
    }
    return names.get(agency.upper(), agency.replace("_", " "))


def usage_text(agency: str, used: int | None, limit: int | None) -> str:
    """``Dubai Police: 2 of 2 streams in use`` ("" without numbers)."""
    if used is None or limit is None:
        return ""
    return translate("QuotaTexts", "{0}: {1} of {2} streams in use").format(isolate(agency_name(agency)), used, limit)


def refusal_text(status: LeaseStatus) -> str:
    """Why the tile was refused: the backend's bilingual message in the operator's language, then the agency's
    usage (``agency``/``used``/``limit`` from the 429's details)."""
    message = status.text(is_arabic())
    if not message:
        message = translate("QuotaTexts", "The stream quota of {0} is used up.").format(
            isolate(agency_name(status.agency or "OTHER"))
        )
    usage = usage_text(status.agency, status.used, status.limit)
    # Each line isolated: the backend's Arabic sentence and a GUI line not translated yet keep their own
    # directions (a line break is no paragraph break for Qt's bidi algorithm).
    return f"{isolate(message)}\n{isolate(usage)}" if usage else message


def note_text(status: LeaseStatus | None) -> str:
    """The small note on a tile that shows video without a confirmed slot ("" when there is nothing to say)."""
    if status is None:
        return ""
    if status.state is LeaseState.UNCHECKED:
        return translate("QuotaTexts", "quota not checked")
    if status.state is LeaseState.OVER_LIMIT:
        return translate("QuotaTexts", "over the stream quota")
    return ""


def note_reason(status: LeaseStatus | None) -> str:
    """A sentence for the tooltip explaining ``note_text`` ("" when there is no note)."""
    if status is None or not note_text(status):
        return ""
    if status.state is LeaseState.OVER_LIMIT:
        return refusal_text(status)
    backend_said = status.text(is_arabic())
    if backend_said:
        return backend_said
    reasons = {
        BACKEND_UNAVAILABLE: translate(
            "QuotaTexts", "The backend is not connected; the stream quota is checked later."
        ),
        UNREACHABLE: translate("QuotaTexts", "The backend cannot be reached; the stream quota is checked later."),
        TIMEOUT: translate("QuotaTexts", "The backend did not answer in time; the stream quota is checked later."),
        CAMERA_NOT_IMPORTED: translate(
            "QuotaTexts", "The backend is still importing this camera; the stream quota is checked then."
        ),
    }
    return reasons.get(status.code, translate("QuotaTexts", "The stream quota could not be checked; retrying."))
