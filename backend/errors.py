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
