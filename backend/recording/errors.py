"""Errors of the recording layer, each with an HTTP status and an English and Arabic message.

The API turns them into the backend's error body
``{"error": {"code", "message", "message_ar", "details"}}``; the GUI shows the message in the operator's
language.
"""

from __future__ import annotations

from typing import Any

from backend import errors
from backend.errors import BilingualError


class RecordingError(BilingualError):
    """Base class of this layer's errors (see ``backend.errors.BilingualError``)."""

    code = "recording_error"


class CameraNotFoundError(RecordingError, errors.CameraNotFoundError):
    """404 (see ``backend.errors.CameraNotFoundError``), also a RecordingError."""

    code, status = "camera_not_found", 404


class DurationOutOfRangeError(RecordingError):
    code, status = "duration_out_of_range", 400

    def __init__(self, duration_s: int, minimum_s: int, maximum_s: int) -> None:
        super().__init__(
            f"The recording duration must be between {minimum_s} and {maximum_s} seconds (got {duration_s}).",
            f"يجب أن تكون مدة التسجيل بين {minimum_s} و{maximum_s} ثانية (القيمة المرسلة {duration_s}).",
            {"duration": duration_s, "minimum": minimum_s, "maximum": maximum_s},
        )


class AlreadyRecordingError(RecordingError):
    code, status = "already_recording", 409

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__(
            "Camera is already recording.",
            "الكاميرا تسجل بالفعل.",
            {"currentRecording": current},
        )
        self.current = current


class NotRecordingError(RecordingError):
    code, status = "not_recording", 404

    def __init__(self, camera_id: str) -> None:
        super().__init__(
            "No active recording found for camera.",
            "لا يوجد تسجيل نشط لهذه الكاميرا.",
            {"cameraId": camera_id},
        )


class TooManyRecordingsError(RecordingError):
    code, status = "too_many_recordings", 429

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The backend already runs {limit} recordings, its configured maximum.",
            f"يدير الخادم بالفعل {limit} تسجيلاً، وهو الحد الأقصى المسموح به.",
            {"limit": limit},
        )


class NoStreamError(RecordingError):
    code, status = "camera_has_no_stream", 422

    def __init__(self, camera_id: str) -> None:
        super().__init__(
            "The camera has no video stream the backend can record (no XProtect device and no RTSP URL).",
            "لا تملك الكاميرا بثاً مرئياً يمكن للخادم تسجيله (لا جهاز في XProtect ولا رابط RTSP).",
            {"cameraId": camera_id},
        )


class MilestoneRefusedError(RecordingError):
    code, status = "milestone_refused", 502

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"XProtect refused the manual recording: {reason}",
            f"رفض نظام XProtect التسجيل اليدوي: {reason}",
            {"reason": reason},
        )


class MilestoneUnavailableError(RecordingError):
    code, status = "milestone_unavailable", 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"The XProtect recording server cannot be reached: {reason}",
            f"تعذر الوصول إلى خادم التسجيل في XProtect: {reason}",
            {"reason": reason},
        )


class LocalRecordingUnavailableError(RecordingError):
    code, status = "local_recording_unavailable", 507

    def __init__(self, reason: str, reason_ar: str) -> None:
        super().__init__(
            f"The backend cannot record locally: {reason}",
            f"لا يستطيع الخادم التسجيل محلياً: {reason_ar}",
            {"reason": reason},
        )


class RecordingQuotaExceededError(RecordingError):
    """429: the camera's agency holds as many streams as its quota allows, so a local recording cannot start.
    ``details``: agency, limit, used, cameraId; ``headers``: X-RateLimit-Limit / X-RateLimit-Remaining (the API's
    error handler puts them on the response, as on a refused ``POST /api/v1/stream/reserve``)."""

    code, status = "quota_exceeded", 429

    def __init__(self, agency: str, limit: int, used: int, camera_id: str) -> None:
        super().__init__(
            f"The stream quota of {agency} is used up ({used} of {limit} streams); the local recording cannot "
            "start until one of the agency's streams ends.",
            f"تم استنفاد حصة البث للجهة {agency} ({used} من {limit} بثاً)؛ لا يمكن بدء التسجيل المحلي حتى ينتهي "
            "أحد بثوث هذه الجهة.",
            {"agency": agency, "limit": limit, "used": used, "cameraId": camera_id},
        )
        self.headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(0, limit - used))}
