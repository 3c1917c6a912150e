"""Bilingual API errors: ``{"error": {"code", "message", "message_ar", "details"}}`` for every failure.

``ApiError`` carries an HTTP status, a stable machine code, the English and Arabic message and details; route
handlers and services raise it (or build one with ``api_error(code, **details)`` from ``MESSAGES``).
``install_error_handlers(app)`` turns it, FastAPI's validation errors, malformed JSON, unknown routes (404),
wrong methods (405) and unexpected exceptions (500, without internals) into that body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.errors import BilingualError

log = logging.getLogger(__name__)

# code -> (HTTP status, English, Arabic). Other modules may pass their own messages to ApiError directly.
MESSAGES: dict[str, tuple[int, str, str]] = {
    "unauthorized": (
        401,
        "A valid API token is required (Authorization: Bearer <token>).",
        "يلزم رمز وصول صالح للواجهة البرمجية (Authorization: Bearer <token>).",
    ),
    "forbidden": (403, "You are not allowed to do this.", "ليس لديك صلاحية للقيام بهذا الإجراء."),
    "not_found": (404, "Not found.", "غير موجود."),
    "method_not_allowed": (405, "This method is not allowed here.", "هذه الطريقة غير مسموح بها هنا."),
    "malformed_json": (
        400,
        "The request body is not valid JSON.",
        "نص الطلب ليس بتنسيق JSON صالح.",
    ),
    "validation_error": (
        422,
        "The request is not valid; see details for the fields in error.",
        "الطلب غير صالح؛ راجع التفاصيل لمعرفة الحقول الخاطئة.",
    ),
    "internal_error": (
        500,
        "Internal error in the backend; the administrator can find it in the backend log.",
        "حدث خطأ داخلي في الخادم؛ يمكن للمسؤول الاطلاع عليه في سجل الخادم.",
    ),
    "camera_not_found": (404, "Camera not found.", "الكاميرا غير موجودة."),
    "milestone_camera_not_found": (
        404,
        "Camera not found in Milestone XProtect.",
        "الكاميرا غير موجودة في نظام Milestone XProtect.",
    ),
    "milestone_unavailable": (
        503,
        "Milestone XProtect is not connected; try again when the connection is back.",
        "نظام Milestone XProtect غير متصل؛ حاول مرة أخرى عند عودة الاتصال.",
    ),
    "milestone_not_configured": (
        503,
        "No Milestone XProtect server is configured for this backend.",
        "لم يتم إعداد خادم Milestone XProtect لهذا الخادم الخلفي.",
    ),
    "milestone_error": (
        502,
        "Milestone XProtect refused or failed the request.",
        "رفض نظام Milestone XProtect الطلب أو فشل في تنفيذه.",
    ),
    "not_a_milestone_camera": (
        409,
        "This camera was not imported from Milestone XProtect.",
        "لم يتم استيراد هذه الكاميرا من نظام Milestone XProtect.",
    ),
    "camera_needs_source": (
        400,
        "A camera needs a Milestone device or an RTSP URL.",
        "تحتاج الكاميرا إلى جهاز في Milestone أو رابط RTSP.",
    ),
    "rtsp_url_invalid": (
        400,
        "The RTSP URL must start with rtsp:// or rtsps:// and must not contain a user name or password.",
        "يجب أن يبدأ رابط RTSP بـ rtsp:// أو rtsps:// وألا يحتوي على اسم مستخدم أو كلمة مرور.",
    ),
    "sync_not_found": (404, "No such synchronisation run.", "عملية المزامنة غير موجودة."),
}


class ApiError(Exception):
    """An error the API reports as ``status`` with the bilingual body. ``headers`` go on the response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_ar: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.message_ar = message_ar
        self.details = details or {}
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.message_ar, self.details)

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def error_body(code: str, message: str, message_ar: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The wire shape of an error."""
    return {"error": {"code": code, "message": message, "message_ar": message_ar, "details": details or {}}}


def api_error(
    code: str, *, status: int | None = None, headers: dict[str, str] | None = None, **details: Any
) -> ApiError:
    """An ApiError from the ``MESSAGES`` catalogue (KeyError for an unknown code)."""
    default_status, en, ar = MESSAGES[code]
    return ApiError(status or default_status, code, en, ar, details, headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


async def _api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _service_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BilingualError)
    headers = getattr(exc, "headers", None)  # e.g. the X-RateLimit-* headers of a refused recording
    return ApiError(exc.status, exc.code, exc.message, exc.message_ar, exc.details, headers).response()


async def _validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_details(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return api_error("malformed_json", errors=errors).response()
    return api_error("validation_error", errors=errors).response()


async def _http_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code)
    headers = getattr(exc, "headers", None)
    if code is not None:
        return api_error(code, status=exc.status_code, headers=headers).response()
    detail = str(exc.detail)
    return ApiError(exc.status_code, "http_error", detail, detail, {}, headers).response()


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error in %s %s: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
    return api_error("internal_error").response()


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that give every error response the bilingual body."""
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(BilingualError, _service_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
