"""Bilingual errors of evidence exports (codes as in ``backend.api.schemas_exports``).

Refusals before a job is queued are 422 (``too_many_cameras``, ``range_too_long``, ``bad_range``,
``no_footage``); ``camera_not_found`` is ``backend.errors.CameraNotFoundError`` (404). A job that fails keeps one
of the ``ExportJobError`` subclasses' code, message and Arabic message in its row (``ExportOut.error``).
"""

from __future__ import annotations

from typing import Any

from backend.errors import BilingualError


class TooManyCamerasError(BilingualError):
    code, status = "too_many_cameras", 422

    def __init__(self, asked: int, limit: int) -> None:
        super().__init__(
            f"An export may hold at most {limit} cameras; {asked} were asked for.",
            f"يمكن أن يضم التصدير {limit} كاميرا على الأكثر، وقد طُلبت {asked}.",
            {"asked": asked, "limit": limit},
        )


class RangeTooLongError(BilingualError):
    code, status = "range_too_long", 422

    def __init__(self, hours: float, limit: float) -> None:
        super().__init__(
            f"The time range is {hours:.2f} hours long; an export may cover at most {limit:g} hours.",
            f"طول الفترة الزمنية {hours:.2f} ساعة، ولا يجوز أن يتجاوز التصدير {limit:g} ساعة.",
            {"hours": round(hours, 3), "limitHours": limit},
        )


class ExportNotFoundError(BilingualError):
    code, status = "export_not_found", 404

    def __init__(self, export_id: str) -> None:
        super().__init__(
            f"Export {export_id} does not exist.", f"التصدير {export_id} غير موجود.", {"exportId": export_id}
        )


class ExportNotReadyError(BilingualError):
    code, status = "export_not_ready", 409

    def __init__(self, export_id: str, status: str) -> None:
        super().__init__(
            f"Export {export_id} has no package to download (status {status}).",
            f"لا توجد حزمة للتنزيل للتصدير {export_id} (الحالة: {status}).",
            {"exportId": export_id, "status": status},
        )


class ExportExpiredError(BilingualError):
    code, status = "export_expired", 410

    def __init__(self, export_id: str) -> None:
        super().__init__(
            f"Export {export_id} has expired and its package was removed.",
            f"انتهت صلاحية التصدير {export_id} وأُزيلت حزمته.",
            {"exportId": export_id},
        )


class ExportJobError(BilingualError):
    """Why a job failed (kept in its row)."""

    code, status = "export_failed", 500


class SourceVanishedError(ExportJobError):
    code = "source_missing"

    def __init__(self, camera_id: str, what: str) -> None:
        super().__init__(
            f"Footage of camera {camera_id} disappeared while it was being exported ({what}).",
            f"اختفت تسجيلات الكاميرا {camera_id} أثناء تصديرها ({what}).",
            {"cameraId": camera_id, "reason": what[:300]},
        )


class SourceUnavailableError(ExportJobError):
    code = "source_unavailable"

    def __init__(self, camera_id: str, what: str) -> None:
        super().__init__(
            f"Footage of camera {camera_id} could not be read: {what}.",
            f"تعذّرت قراءة تسجيلات الكاميرا {camera_id}: {what}.",
            {"cameraId": camera_id, "reason": what[:300]},
        )


class PackageStoreError(ExportJobError):
    code = "store_failed"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The export package could not be stored: {what}.",
            f"تعذّر حفظ حزمة التصدير: {what}.",
            {"reason": what[:300]},
        )


class InternalExportError(ExportJobError):
    code = "export_failed"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The export failed: {what}.",
            f"فشل التصدير: {what}.",
            {"reason": what[:300]},
        )


def error_body(exc: BilingualError) -> dict[str, Any]:
    """The error as stored in the row and sent as ``ExportOut.error``."""
    return {"code": exc.code, "message": exc.message, "message_ar": exc.message_ar, "details": exc.details}
