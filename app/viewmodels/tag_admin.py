"""The tag definitions (name, colour, category) as the "Tags…" dialog edits them and the tag pickers offer them
(issue 7 §3-4).

``TagsViewModel`` reads ``GET /api/v1/metadata/tags`` (by category, then name) into ``tags`` and, for a user
with permission ``incidents`` (``can_edit``), creates (``POST``), renames / recolours / recategorises
(``PATCH``, only what changed) and deletes (``DELETE``: the tag also goes from every tagged range and
incident) them. Every command is a coroutine returning True on success; a refusal (a name already taken, no
permission, the tag gone) sets ``error`` to the backend's bilingual message in the operator's language.
Colours are ``#rrggbb``. The list is read when the dialog is shown (``refresh``) and after each change (the
backend sends no event for tag definitions).
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QObject, Signal

from backend.api.schemas_metadata import TagOut

from ..backend_link.client import BackendError
from ..backend_link.client_metadata import MetadataApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .playback_texts import translate
from .timeline_marks import INCIDENTS, evidence_error_text

DEFAULT_COLOUR = "#58a6ff"

__all__ = ["DEFAULT_COLOUR", "TagsViewModel", "category_text", "group_by_category"]


def category_text(category: str) -> str:
    """A category as shown ("" is "Uncategorised")."""
    return category or translate("Tags", "Uncategorised")


def group_by_category(tags: list[TagOut]) -> list[tuple[str, list[TagOut]]]:
    """``tags`` grouped by category (named categories first, alphabetically; then the uncategorised), each
    group by name (case-insensitive)."""
    groups: dict[str, list[TagOut]] = {}
    for tag in tags:
        groups.setdefault(tag.category, []).append(tag)
    order = sorted(groups, key=lambda c: (c == "", c.casefold()))
    return [(c, sorted(groups[c], key=lambda t: t.name.casefold())) for c in order]


class TagsViewModel(QObject):
    """See the module docstring. Signals: ``sigChanged()`` (tags, busy, error, permission), ``sigNotice(str)``."""

    sigChanged = Signal()
    sigNotice = Signal(str)

    def __init__(self, backend: BackendConnection, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self.runner = runner
        self.tags: list[TagOut] = []
        self.error = ""
        self.busy = False
        self.loaded = False
        backend.sigStateChanged.connect(self.sigChanged)
        backend.sigPermissionsChanged.connect(self.sigChanged)

    @property
    def available(self) -> bool:
        return self._backend.usable

    @property
    def can_edit(self) -> bool:
        return self._backend.usable and self._backend.can(INCIDENTS)

    def tag(self, tag_id: int) -> TagOut | None:
        return next((t for t in self.tags if t.id == tag_id), None)

    def categories(self) -> list[str]:
        """The named categories in use, alphabetically (for the category box)."""
        return sorted({t.category for t in self.tags if t.category}, key=str.casefold)

    def _api(self) -> MetadataApi:
        client = self._backend.client
        if client is None or not self._backend.usable:
            raise BackendError(0, "unreachable")
        return MetadataApi(client)

    def _fail(self, exc: BackendError) -> bool:
        self.error = evidence_error_text(exc)
        self.sigChanged.emit()
        return False

    def _refuse(self, text: str) -> bool:
        self.error = text
        self.sigChanged.emit()
        return False

    def refresh(self) -> asyncio.Task[Any] | None:
        if not self.available:
            return None
        return self.runner.spawn(self.refresh_async(), name="tags")

    async def refresh_async(self) -> bool:
        self.busy = True
        self.sigChanged.emit()
        try:
            answer = await self._api().tags()
        except BackendError as exc:
            self.busy = False
            return self._fail(exc)
        self.tags, self.busy, self.loaded = list(answer.tags), False, True
        self.sigChanged.emit()
        return True

    async def create(self, name: str, colour: str, category: str = "") -> TagOut | None:
        """A new tag; None (``error``) when refused (409 ``tag_exists``: the name is taken)."""
        name = name.strip()
        if not name:
            self._refuse(translate("Tags", "A tag needs a name."))
            return None
        try:
            made = await self._api().create_tag(name, colour, category.strip())
        except BackendError as exc:
            self._fail(exc)
            return None
        self.error = ""
        await self.refresh_async()
        self.sigNotice.emit(translate("Tags", "Tag “{0}” created.").format(made.name))
        return made

    async def update(
        self, tag_id: int, *, name: str | None = None, colour: str | None = None, category: str | None = None
    ) -> bool:
        """Rename, recolour or recategorise ``tag_id``; only the values that differ are sent."""
        tag = self.tag(tag_id)
        if tag is None:
            return self._refuse(translate("Tags", "That tag no longer exists."))
        if name is not None and not name.strip():
            return self._refuse(translate("Tags", "A tag needs a name."))
        changes: dict[str, str] = {}
        if name is not None and name.strip() != tag.name:
            changes["name"] = name.strip()
        if colour is not None and colour.lower() != tag.color.lower():
            changes["color"] = colour
        if category is not None and category.strip() != tag.category:
            changes["category"] = category.strip()
        if not changes:
            return True
        try:
            await self._api().update_tag(tag_id, **changes)
        except BackendError as exc:
            return self._fail(exc)
        self.error = ""
        await self.refresh_async()
        self.sigNotice.emit(translate("Tags", "Tag changed."))
        return True

    async def delete(self, tag_id: int) -> bool:
        """Delete ``tag_id`` (it also goes from every tagged range and incident)."""
        try:
            await self._api().delete_tag(tag_id)
        except BackendError as exc:
            return self._fail(exc)
        self.error = ""
        await self.refresh_async()
        self.sigNotice.emit(translate("Tags", "Tag deleted."))
        return True
