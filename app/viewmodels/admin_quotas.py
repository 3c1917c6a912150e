"""The stream limits editor (issue 5 §1-2; permission ``quotas.manage``): each agency's limit and use, set a limit.

``model`` is a table of the agencies (by name): limit, streams in use, streams available, with the agency in
``AgencyRole`` of every row's first item. ``set_limit`` changes an agency's limit (a new agency gets one);
``quota_changed`` events of the backend (``apply_event``) keep the use up to date while the editor is open.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from PySide6.QtCore import QLocale, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from backend.api.schemas_quotas import AGENCY_PATTERN, AgencyQuota

from ..tasks import TaskRunner
from .admin_page import AdminPage, ApiSource

AgencyRole = Qt.ItemDataRole.UserRole + 1  # str agency (first column of every row)
COLUMNS = ("agency", "limit", "used", "available")
MAX_LIMIT = 100_000  # the backend's highest limit (schemas_quotas.LimitRequest)
_AGENCY = re.compile(AGENCY_PATTERN)


class StreamLimitsViewModel(AdminPage):
    """See the module docstring. Signal ``sigAgenciesChanged()``: ``agencies`` and ``model`` changed. Commands
    return the task; ``*_async`` return True on success."""

    sigAgenciesChanged = Signal()

    def __init__(self, api_source: ApiSource, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(api_source, runner, parent)
        self._agencies: dict[str, AgencyQuota] = {}
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        headers = (self.tr("Agency"), self.tr("Limit"), self.tr("In use"), self.tr("Available"))
        for column, text in enumerate(headers):
            self.model.setHeaderData(column, Qt.Orientation.Horizontal, text)
            if column:  # numbers: aligned at the end of the cell, as their header
                alignment = Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
                self.model.setHeaderData(
                    column, Qt.Orientation.Horizontal, alignment, Qt.ItemDataRole.TextAlignmentRole
                )

    @property
    def agencies(self) -> list[AgencyQuota]:
        """Every agency's limit and use, by name."""
        return [self._agencies[name] for name in sorted(self._agencies)]

    def agency(self, name: str) -> AgencyQuota | None:
        return self._agencies.get(name.strip().upper())

    # --- commands ---------------------------------------------------------------------------------------
    def refresh(self) -> asyncio.Task[Any]:
        return self._spawn(self.refresh_async(), "admin-quota-stats")

    async def refresh_async(self) -> bool:
        """Read every agency's limit and use (``GET /api/v1/stream/stats``)."""
        stats = await self._call("reading the stream quotas", lambda api: api.quota_stats())
        if stats is None:
            return False
        self._agencies = {a.agency: a for a in stats.agencies}
        self._rebuild()
        return True

    def set_limit(self, agency: str, limit: int) -> asyncio.Task[Any]:
        return self._spawn(self.set_limit_async(agency, limit), "admin-set-limit")

    async def set_limit_async(self, agency: str, limit: int) -> bool:
        """Set ``agency``'s limit to ``limit`` concurrent streams (0 … MAX_LIMIT; 0 refuses new streams)."""
        name = agency.strip().upper()
        if not _AGENCY.match(name):
            self.fail(self.tr("An agency name has 1 to 32 letters, digits or underscores."))
            return False
        if not 0 <= int(limit) <= MAX_LIMIT:
            self.fail(self.tr("A limit is between 0 and {0} streams.").format(MAX_LIMIT))
            return False
        quota = await self._call("setting a stream limit", lambda api: api.set_limit(name, int(limit)))
        if quota is None:
            return False
        self._agencies[quota.agency] = quota
        self._rebuild()
        self._notify(self.tr("The limit of {0} is now {1} streams.").format(quota.agency, quota.limit))
        return True

    def apply_event(self, data: dict[str, Any]) -> None:
        """A ``quota_changed`` event's data ``{agency, limit, used}``: update that agency's row."""
        try:
            name, limit, used = str(data["agency"]), int(data["limit"]), int(data["used"])
        except (KeyError, TypeError, ValueError):
            return
        quota = AgencyQuota(agency=name, limit=limit, used=used, available=max(0, limit - used))
        if self._agencies.get(name) != quota:
            self._agencies[name] = quota
            self._rebuild()

    # --- model ------------------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for quota in self.agencies:
            items = []
            numbers = (QLocale().toString(n) for n in (quota.limit, quota.used, quota.available))
            for text in (quota.agency, *numbers):
                item = QStandardItem(text)
                item.setEditable(False)
                item.setData(quota.agency, AgencyRole)
                items.append(item)
            for item in items[1:]:
                item.setTextAlignment(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
            self.model.appendRow(items)
        self.sigAgenciesChanged.emit()
