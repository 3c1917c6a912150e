"""The audit log viewer (issue 5 §5; permission ``audit.read``): search with filters, newest first, older pages.

Filters (``AuditFilters``): the user (exact principal name), the action (exact ``METHOD /route/template``), the
outcome, a text (found in the user, action, target or details) and a time range (aware datetimes; the start
inclusive, the end exclusive). ``search`` shows the newest page; ``older`` appends the next older page with the
same filters (the backend's ``nextBeforeId``) while ``has_older``. ``model`` is a table of the entries shown,
times in local time, with the entry's id in ``EntryIdRole`` of every row's first item.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from backend.api.schemas_auth import AuditEntryOut, AuditPage

from ..backend_link.admin import AUDIT_PAGE, AdminApi
from ..tasks import TaskRunner
from .admin_page import AdminPage, ApiSource
from .admin_texts import OUTCOMES, outcome_text, time_text

EntryIdRole = Qt.ItemDataRole.UserRole + 1  # int audit entry id (first column of every row)
COLUMNS = ("time", "user", "action", "target", "outcome", "status", "client", "details")


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What to search for; empty strings and None mean "any". ``outcome``: success, denied, failed or error."""

    actor: str = ""
    action: str = ""
    outcome: str = ""
    text: str = ""
    since: datetime | None = None
    until: datetime | None = None


def details_text(detail: dict[str, Any]) -> str:
    """An entry's details on one line: ``key=value, …`` (values that are not text as JSON)."""
    parts = []
    for key, value in detail.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        parts.append(f"{key}={shown}")
    return ", ".join(parts)


class AuditLogViewModel(AdminPage):
    """See the module docstring. Signal ``sigEntriesChanged()``: ``entries``, ``model`` or ``has_older`` changed.
    ``page_size``: entries per page (1 … 1000). Commands return the task; ``*_async`` return True on success."""

    sigEntriesChanged = Signal()

    def __init__(
        self, api_source: ApiSource, runner: TaskRunner, *, page_size: int = AUDIT_PAGE, parent: QObject | None = None
    ) -> None:
        super().__init__(api_source, runner, parent)
        self.page_size = max(1, min(1000, int(page_size)))
        self._filters = AuditFilters()
        self._entries: list[AuditEntryOut] = []
        self._next_before_id: int | None = None
        self._generation = 0  # a newer search makes the answers of older ones stale
        self._actions: set[str] = set()
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        headers = (
            self.tr("Time"),
            self.tr("User"),
            self.tr("Action"),
            self.tr("Target"),
            self.tr("Outcome"),
            self.tr("HTTP"),
            self.tr("From"),
            self.tr("Details"),
        )
        for column, text in enumerate(headers):
            self.model.setHeaderData(column, Qt.Orientation.Horizontal, text)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def filters(self) -> AuditFilters:
        """The filters of the entries shown."""
        return self._filters

    @property
    def entries(self) -> list[AuditEntryOut]:
        """The entries shown, newest first."""
        return list(self._entries)

    @property
    def has_older(self) -> bool:
        """True when ``older`` can load more entries."""
        return self._next_before_id is not None

    @property
    def known_actions(self) -> list[str]:
        """Every action seen in the entries loaded so far (for the action filter), sorted."""
        return sorted(self._actions)

    @staticmethod
    def outcomes() -> list[tuple[str, str]]:
        """(outcome, translated name) of every outcome."""
        return [(outcome, outcome_text(outcome)) for outcome in OUTCOMES]

    # --- commands ---------------------------------------------------------------------------------------
    def search(self, filters: AuditFilters | None = None) -> asyncio.Task[Any]:
        return self._spawn(self.search_async(filters), "admin-audit-search")

    async def search_async(self, filters: AuditFilters | None = None) -> bool:
        """Show the newest entries matching ``filters`` (default: the current ones)."""
        filters = filters if filters is not None else self._filters
        if filters.outcome and filters.outcome not in OUTCOMES:
            self.fail(self.tr("Choose an outcome."))
            return False
        if filters.since is not None and filters.until is not None and filters.since >= filters.until:
            self.fail(self.tr("The start of the time range must be before its end."))
            return False
        self._generation += 1
        generation = self._generation
        page = await self._call("searching the audit log", lambda api: self._page(api, filters, None))
        if page is None or generation != self._generation:
            return False
        self._filters = filters
        self._entries = []
        self.model.removeRows(0, self.model.rowCount())
        self._append(page.entries, page.next_before_id)
        return True

    def older(self) -> asyncio.Task[Any]:
        return self._spawn(self.older_async(), "admin-audit-older")

    async def older_async(self) -> bool:
        """Append the next older page (same filters); False when there is none or the call failed."""
        before = self._next_before_id
        if before is None:
            return False
        generation = self._generation
        filters = self._filters
        page = await self._call("searching the audit log", lambda api: self._page(api, filters, before))
        if page is None or generation != self._generation or before != self._next_before_id:
            return False
        self._append(page.entries, page.next_before_id)
        return True

    async def _page(self, api: AdminApi, filters: AuditFilters, before_id: int | None) -> AuditPage:
        return await api.search_audit(
            actor=filters.actor.strip() or None,
            action=filters.action.strip() or None,
            outcome=filters.outcome or None,
            q=filters.text.strip() or None,
            since=filters.since,
            until=filters.until,
            before_id=before_id,
            limit=self.page_size,
        )

    # --- model ------------------------------------------------------------------------------------------
    def _append(self, entries: list[AuditEntryOut], next_before_id: int | None) -> None:
        self._entries.extend(entries)
        self._next_before_id = next_before_id
        for entry in entries:
            self._actions.add(entry.action)
            self.model.appendRow(self._row(entry))
        self.sigEntriesChanged.emit()

    def _row(self, entry: AuditEntryOut) -> list[QStandardItem]:
        texts = (
            time_text(entry.at),
            entry.actor or self.tr("(anonymous)"),
            entry.action,
            entry.target,
            outcome_text(entry.outcome),
            str(entry.status),
            entry.client_address,
            details_text(entry.detail),
        )
        items = []
        for column, text in enumerate(texts):
            item = QStandardItem(text)
            item.setEditable(False)
            item.setData(entry.id, EntryIdRole)
            if COLUMNS[column] in ("action", "target", "details"):
                item.setToolTip(text)
            items.append(item)
        return items
