"""Bilingual errors of the named wall layouts (``backend.errors.BilingualError``)."""

from __future__ import annotations

from backend.errors import BilingualError


class LayoutNotFoundError(BilingualError):
    """404: no layout ``layout_id``, or it is another user's private layout (not revealed)."""

    code, status = "layout_not_found", 404

    def __init__(self, layout_id: int) -> None:
        super().__init__(
            f"Wall layout {layout_id} does not exist.", f"تخطيط الجدار {layout_id} غير موجود.", {"id": layout_id}
        )


class LayoutExistsError(BilingualError):
    """409: the owner already has a layout of this name (compared without regard to case)."""

    code, status = "layout_exists", 409

    def __init__(self, name: str) -> None:
        super().__init__(
            f"You already have a wall layout named {name!r}.",
            f"لديك مسبقاً تخطيط جدار بالاسم «{name}».",
            {"name": name},
        )


class LayoutForbiddenError(BilingualError):
    """403: only the layout's owner or an administrator may change or delete it."""

    code, status = "layout_forbidden", 403

    def __init__(self, layout_id: int, owner: str) -> None:
        super().__init__(
            f"Only {owner} (the owner) or an administrator may change wall layout {layout_id}.",
            f"لا يمكن تعديل تخطيط الجدار {layout_id} إلا لمالكه ({owner}) أو لمسؤول النظام.",
            {"id": layout_id, "owner": owner},
        )
