"""Errors of the playback layer, each with an HTTP status and an English and Arabic message.

The API's handler for ``backend.errors.BilingualError`` turns them into
``{"error": {"code", "message", "message_ar", "details"}}``.
"""

from __future__ import annotations

from typing import Any

from backend import errors
from backend.errors import BilingualError


class PlaybackError(BilingualError):
    """Base class of this layer's errors."""

    code = "playback_error"


class InvalidTimeError(PlaybackError):
    code, status = "invalid_time", 400

    def __init__(self, field: str, value: str) -> None:
        super().__init__(
            f"{field} is not an ISO 8601 time (example: 2025-10-27T14:30:00Z).",
            f"قيمة {field} ليست وقتاً بصيغة ISO 8601 (مثال: 2025-10-27T14:30:00Z).",
            {"field": field, "value": value[:100]},
        )


class TimeWithoutTimezoneError(PlaybackError):
    code, status = "time_without_timezone", 400

    def __init__(self, field: str) -> None:
        super().__init__(
            f"{field} has no timezone; add Z (UTC) or an offset such as +04:00.",
            f"الوقت في {field} بلا منطقة زمنية؛ أضف Z (التوقيت العالمي) أو فرق توقيت مثل ‎+04:00.",
            {"field": field},
        )


class EndBeforeStartError(PlaybackError):
    code, status = "end_before_start", 400

    def __init__(self) -> None:
        super().__init__(
            "The end of the range must be after its start.",
            "يجب أن تكون نهاية الفترة بعد بدايتها.",
        )


class RangeTooLongError(PlaybackError):
    code, status = "range_too_long", 400

    def __init__(self, days: float, max_days: float) -> None:
        super().__init__(
            f"The range covers {days:.1f} days; at most {max_days:g} days can be queried at once.",
            f"تغطي الفترة {days:.1f} يوماً؛ الحد الأقصى للاستعلام مرة واحدة هو {max_days:g} يوماً.",
            {"days": round(days, 3), "maxDays": max_days},
        )


class InvalidResolutionError(PlaybackError):
    code, status = "invalid_resolution", 400

    def __init__(self, value: str) -> None:
        super().__init__(
            "resolution must be minute, hour or day.",
            "يجب أن تكون الدقة دقيقة (minute) أو ساعة (hour) أو يوماً (day).",
            {"value": value[:50], "allowed": ["minute", "hour", "day"]},
        )


class TooManyBucketsError(PlaybackError):
    code, status = "too_many_buckets", 400

    def __init__(self, buckets: int, maximum: int, suggested: str | None) -> None:
        hint_en = f" Use resolution={suggested}." if suggested else " Use a shorter range."
        hint_ar = f" استخدم الدقة {suggested}." if suggested else " استخدم فترة أقصر."
        super().__init__(
            f"This range needs {buckets} timeline buckets; at most {maximum} are allowed.{hint_en}",
            f"تحتاج هذه الفترة إلى {buckets} خانة في الخط الزمني؛ الحد الأقصى {maximum}.{hint_ar}",
            {"buckets": buckets, "maximum": maximum, "suggestedResolution": suggested},
        )


class CameraNotFoundError(PlaybackError, errors.CameraNotFoundError):
    """404 (see ``backend.errors.CameraNotFoundError``), also a PlaybackError."""

    code, status = "camera_not_found", 404


class NothingRecordedError(PlaybackError):
    code, status = "no_recording_at_time", 404

    def __init__(self, camera_id: str, time_iso: str, milestone: str) -> None:
        super().__init__(
            "Nothing was recorded at this time.",
            "لا يوجد تسجيل في هذا الوقت.",
            {"cameraId": camera_id, "time": time_iso, "milestone": milestone},
        )


class SegmentNotFoundError(PlaybackError):
    code, status = "segment_not_found", 404

    def __init__(self, segment_id: str) -> None:
        super().__init__(
            "No such recording segment.",
            "مقطع التسجيل غير موجود.",
            {"segmentId": segment_id[:64]},
        )


class SegmentUnavailableError(PlaybackError):
    code, status = "segment_unavailable", 404

    def __init__(self, segment_id: int, reason: str) -> None:
        super().__init__(
            "The recording segment's file cannot be read (it was lost before reaching storage).",
            "لا يمكن قراءة ملف مقطع التسجيل (فُقد قبل وصوله إلى التخزين).",
            {"segmentId": str(segment_id), "reason": reason[:300]},
        )


class StorageUnavailableError(PlaybackError):
    code, status = "storage_unavailable", 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            "The recordings storage cannot be read right now; try again shortly.",
            "لا يمكن قراءة مخزن التسجيلات حالياً؛ حاول مرة أخرى بعد قليل.",
            {"reason": reason[:300]},
        )


class PlaybackUnavailableError(PlaybackError):
    code, status = "playback_unavailable", 503

    def __init__(self) -> None:
        super().__init__(
            "Recordings and playback are not running in this backend.",
            "خدمة التسجيلات والتشغيل غير مفعّلة في هذا الخادم.",
        )


class SnapshotFailedError(PlaybackError):
    code, status = "snapshot_failed", 502

    def __init__(self, reason: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(
            "The picture could not be produced from the recording.",
            "تعذر استخراج الصورة من التسجيل.",
            {"reason": reason[:300], **(details or {})},
        )


class MilestoneUnreachableError(PlaybackError):
    code, status = "milestone_unavailable", 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            "Milestone XProtect could not be reached to look for the recording; try again shortly.",
            "تعذر الوصول إلى نظام Milestone XProtect للبحث عن التسجيل؛ حاول مرة أخرى بعد قليل.",
            {"reason": reason[:300]},
        )
