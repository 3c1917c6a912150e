"""Bilingual errors of tags, annotations, incidents and search (``backend.errors.BilingualError``)."""

from __future__ import annotations

from typing import Any

from backend.errors import BilingualError


class MetadataError(BilingualError):
    code = "metadata_error"


class TagNotFoundError(MetadataError):
    code, status = "tag_not_found", 404

    def __init__(self, tag_id: int) -> None:
        super().__init__(f"Tag {tag_id} does not exist.", f"الوسم {tag_id} غير موجود.", {"tagId": tag_id})


class TagExistsError(MetadataError):
    code, status = "tag_exists", 409

    def __init__(self, name: str) -> None:
        super().__init__(
            f"A tag named {name!r} already exists (names are compared without regard to case).",
            f"يوجد وسم بالاسم «{name}» مسبقاً (لا يُفرَّق بين الأحرف الكبيرة والصغيرة في الأسماء).",
            {"name": name},
        )


class SegmentNotFoundError(MetadataError):
    code, status = "segment_not_found", 404

    def __init__(self, segment_id: int) -> None:
        super().__init__(
            f"Recorded segment {segment_id} does not exist.",
            f"المقطع المسجّل {segment_id} غير موجود.",
            {"segmentId": segment_id},
        )


class TaggedRangeNotFoundError(MetadataError):
    code, status = "tagged_range_not_found", 404

    def __init__(self, range_id: int) -> None:
        super().__init__(
            f"Tagged range {range_id} does not exist.", f"الفترة الموسومة {range_id} غير موجودة.", {"id": range_id}
        )


class AnnotationNotFoundError(MetadataError):
    code, status = "annotation_not_found", 404

    def __init__(self, annotation_id: int) -> None:
        super().__init__(
            f"Annotation {annotation_id} does not exist.",
            f"الملاحظة {annotation_id} غير موجودة.",
            {"annotationId": annotation_id},
        )


class IncidentNotFoundError(MetadataError):
    code, status = "incident_not_found", 404

    def __init__(self, incident_id: int) -> None:
        super().__init__(
            f"Incident {incident_id} does not exist.", f"الحادثة {incident_id} غير موجودة.", {"incidentId": incident_id}
        )


class UnknownUserError(MetadataError):
    code, status = "unknown_user", 422

    def __init__(self, username: str) -> None:
        super().__init__(
            f"There is no user named {username!r} to assign the incident to.",
            f"لا يوجد مستخدم باسم «{username}» لإسناد الحادثة إليه.",
            {"assignee": username},
        )


class NotAuthorError(MetadataError):
    """403: only the author, or someone with the ``incidents`` permission, may change or delete it."""

    code, status = "forbidden", 403

    def __init__(self, kind: str, ident: int, author: str) -> None:
        super().__init__(
            f"Only its author ({author}) or a supervisor may change or delete this {kind}.",
            f"لا يمكن تعديل هذا العنصر أو حذفه إلا من قِبل كاتبه ({author}) أو مشرف.",
            {"kind": kind, "id": ident, "author": author, "requiredPermission": "incidents"},
        )


class EndNotAfterStartError(MetadataError):
    code, status = "end_before_start", 400

    def __init__(self) -> None:
        super().__init__("The end must be after the start.", "يجب أن تكون النهاية بعد البداية.")


_QUERY_REASONS = {
    "empty": ("The search text is empty; type one or more words.", "نص البحث فارغ؛ اكتب كلمة واحدة أو أكثر."),
    "too_long": (
        "The search text is too long.",
        "نص البحث طويل جداً.",
    ),
    "no_words": (
        "The search text holds no letters or digits to search for; type one or more words.",
        "لا يحتوي نص البحث على حروف أو أرقام يمكن البحث عنها؛ اكتب كلمة واحدة أو أكثر.",
    ),
}


class BadQueryError(MetadataError):
    """422 ``bad_query``: an empty or over-long search text, or one without any word. Details: ``reason``
    (empty | too_long | no_words)."""

    code, status = "bad_query", 422

    def __init__(self, reason: str, q: str, **details: Any) -> None:
        message, message_ar = _QUERY_REASONS[reason]
        if reason == "too_long":
            limit = details["max_chars"]
            message = f"The search text is too long: at most {limit} characters."
            message_ar = f"نص البحث طويل جداً: الحد الأقصى {limit} حرفاً."
        super().__init__(message, message_ar, {"reason": reason, "q": q[:100], **details})
