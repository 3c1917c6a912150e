"""Errors of the storage layer, each with an HTTP status and an English and Arabic message.

Same shape as ``backend.recording.errors``: the API turns them into the backend's error body
``{"error": {"code", "message", "message_ar", "details"}}``. Messages name the endpoint or path involved but
never a secret key, password or presigned URL signature.
"""

from __future__ import annotations

from backend.errors import BilingualError


class StorageError(BilingualError):
    """Base class of this layer's errors (see ``backend.errors.BilingualError``)."""

    code = "storage_error"


class StoreUnavailableError(StorageError):
    """The object store cannot be reached or answered with a server error (transient: retry later)."""

    code, status = "object_store_unavailable", 503

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(
            f"The object store at {where} is not available: {reason}",
            f"مخزن الكائنات في {where} غير متاح حالياً: {reason}",
            {"store": where, "reason": reason},
        )


class StoreAuthError(StorageError):
    """The object store refused the configured access key / secret key (or their permissions)."""

    code, status = "object_store_auth_failed", 502

    def __init__(self, where: str, s3_code: str) -> None:
        super().__init__(
            f"The object store at {where} refused the backend's credentials ({s3_code}). "
            "Check the S3 access key and secret key in the backend settings or secret file.",
            f"رفض مخزن الكائنات في {where} بيانات اعتماد الخادم ({s3_code}). "
            "تحقق من مفتاح الوصول والمفتاح السري لـ S3 في إعدادات الخادم أو ملف الأسرار.",
            {"store": where, "s3Code": s3_code},
        )


class ObjectNotFoundError(StorageError):
    """The bucket or object does not exist."""

    code, status = "object_not_found", 404

    def __init__(self, bucket: str, key: str) -> None:
        super().__init__(
            f"The object {bucket}/{key} does not exist in the object store.",
            f"الكائن {bucket}/{key} غير موجود في مخزن الكائنات.",
            {"bucket": bucket, "key": key},
        )


class ChecksumMismatchError(StorageError):
    """What was stored (or read from the local file) is not what the segment row says: size or SHA-256 differ."""

    code, status = "checksum_mismatch", 500

    def __init__(self, what: str, expected: str, actual: str) -> None:
        super().__init__(
            f"Verification of {what} failed: expected {expected}, found {actual}.",
            f"فشل التحقق من {what}: القيمة المتوقعة {expected}، والقيمة الموجودة {actual}.",
            {"object": what, "expected": expected, "actual": actual},
        )


class InvalidObjectKeyError(StorageError):
    """An object key the stores refuse (empty, absolute, with ``..`` or hidden components)."""

    code, status = "invalid_object_key", 400

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Invalid object key {key!r}: keys are relative paths without '..', empty or hidden components.",
            f"مفتاح الكائن {key!r} غير صالح: يجب أن يكون مساراً نسبياً بلا '..' ولا أجزاء فارغة أو مخفية.",
            {"key": key},
        )


class SpoolFullError(StorageError):
    """The disk of the local recording spool is nearly full; new local recordings are refused."""

    code, status = "spool_full", 507

    def __init__(self, path: str, free_bytes: int, required_bytes: int) -> None:
        free_gib, required_gib = free_bytes / 2**30, required_bytes / 2**30
        super().__init__(
            f"The recording spool disk is nearly full: {free_gib:.1f} GiB free at {path}, at least "
            f"{required_gib:.1f} GiB must stay free. New recordings are refused until uploads or an "
            "administrator free disk space.",
            f"قرص التخزين المؤقت للتسجيلات ممتلئ تقريباً: المساحة الحرة {free_gib:.1f} غيغابايت في {path}، "
            f"ويجب أن يبقى {required_gib:.1f} غيغابايت على الأقل حراً. سيتم رفض التسجيلات الجديدة حتى يتم "
            "تحرير مساحة بالرفع إلى المخزن أو من قبل المسؤول.",
            {"path": path, "freeBytes": free_bytes, "requiredBytes": required_bytes},
        )


class SegmentConflictError(StorageError):
    """A segment row for the same camera and start time already exists with another file."""

    code, status = "segment_conflict", 409

    def __init__(self, camera_id: str, start_us: int, existing_id: int) -> None:
        super().__init__(
            f"Camera {camera_id} already has segment {existing_id} starting at {start_us} µs.",
            f"لدى الكاميرا {camera_id} بالفعل المقطع {existing_id} الذي يبدأ عند {start_us} ميكروثانية.",
            {"cameraId": camera_id, "startUs": start_us, "existingId": existing_id},
        )


class ObjectHeldError(StorageError):
    """The object store refused to delete an object version because it carries an S3 legal hold (object lock)."""

    code, status = "object_held", 409

    def __init__(self, bucket: str, key: str) -> None:
        super().__init__(
            f"The object {bucket}/{key} is under a legal hold and cannot be deleted.",
            f"الكائن {bucket}/{key} خاضع لحجز قانوني ولا يمكن حذفه.",
            {"bucket": bucket, "key": key},
        )


class LegalHoldUnsupportedError(StorageError):
    """Legal holds were asked of a store or bucket without S3 object lock."""

    code, status = "legal_hold_unsupported", 409

    def __init__(self, bucket: str) -> None:
        super().__init__(
            f"The bucket {bucket} has no S3 object lock, so its objects cannot carry a legal hold.",
            f"الحاوية {bucket} لا تدعم قفل الكائنات في S3، لذلك لا يمكن وضع حجز قانوني على كائناتها.",
            {"bucket": bucket},
        )
