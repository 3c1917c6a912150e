"""The base of the backend's service errors: an HTTP status, a stable code and an English and Arabic message.

Services (recording, storage, ...) raise subclasses; the API's error handler turns any of them into the error
body ``{"error": {"code", "message", "message_ar", "details"}}`` with ``status``, so the operator sees the
message in their language. Messages never carry a password, token or secret key.
"""

from __future__ import annotations

from typing import Any


class BilingualError(Exception):
    """Base class: ``code`` (stable, machine-readable), ``status`` (HTTP), bilingual messages, ``details``."""

    code = "backend_error"
    status = 500

    def __init__(self, message: str, message_ar: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_ar = message_ar
        self.details = details or {}


class CameraNotFoundError(BilingualError):
    """404: ``camera_id`` is not in this backend's camera table (raised by every service that takes a camera)."""

    code, status = "camera_not_found", 404

    def __init__(self, camera_id: str) -> None:
        super().__init__(
            f"Camera {camera_id} is not known to this backend.",
            f"الكاميرا {camera_id} غير معروفة لدى هذا الخادم.",
            {"cameraId": camera_id},
        )


class InvalidParameterError(BilingualError):
    """400: a query or path parameter is malformed or out of range (``field``, ``value`` and the rule in
    details)."""

    code, status = "invalid_parameter", 400

    def __init__(self, field: str, value: str, rule_en: str, rule_ar: str) -> None:
        super().__init__(
            f"{field} is not valid: {rule_en}.",
            f"قيمة {field} غير صالحة: {rule_ar}.",
            {"field": field, "value": value[:100], "rule": rule_en},
        )


class BadRangeError(BilingualError):
    """422 ``bad_range``: a range to keep or export ends at or before its start (times UTC µs in details)."""

    code, status = "bad_range", 422

    def __init__(self, start_us: int, end_us: int) -> None:
        super().__init__(
            "The end of the range must come after its start.",
            "يجب أن تكون نهاية الفترة بعد بدايتها.",
            {"startUs": start_us, "endUs": end_us},
        )


class NoFootageError(BilingualError):
    """422 ``no_footage``: none of ``camera_ids`` has recorded footage (backend segments or XProtect
    sequences) in the range asked for (an export, a clip)."""

    code, status = "no_footage", 422

    def __init__(self, camera_ids: list[str]) -> None:
        super().__init__(
            "None of the cameras has recorded footage in this time range.",
            "لا توجد لدى أي من الكاميرات تسجيلات في هذه الفترة الزمنية.",
            {"cameraIds": camera_ids},
        )
