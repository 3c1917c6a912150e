"""The Incidents panel's view-model (issue 7 §4): search incidents, page through them, open and edit one, and
play its footage.

Filters: free text ``query`` (full-text over titles and descriptions, any script; the backend treats it as plain
words), severity, status, camera (a GUI camera id) and tag. Typing restarts a debounce timer (``DEBOUNCE_MS``)
and then searches (``GET /api/v1/metadata/incidents``, best match first with words, else newest first);
``load_more`` appends the next page while ``has_more``. A newer search makes an older answer stale (dropped).
``open_incident(id)`` reads one incident into ``current``; ``update_current`` patches it (status, severity,
description, assignee, tags); ``play(incident)`` opens the player at its start with its cameras (``opener(camera_ids,
at_us)``: the main view-model's ``view_recordings``). ``incident_changed`` events refresh the list and the open
incident. ``available``: backend usable and the user may view; ``can_edit``: permission ``incidents``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from backend.api.schemas_metadata import INCIDENT_STATUSES, SEVERITIES, IncidentOut

from ..backend_link.client import BackendError
from ..backend_link.client_metadata import MetadataApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .playback_texts import translate
from .playback_time import format_instant, to_us
from .timeline_marks import INCIDENTS, VIEW, evidence_error_text

DEBOUNCE_MS = 300
PAGE_SIZE = 30
SEVERITY_COLOURS = {"low": "#6e7681", "medium": "#d29922", "high": "#f0883e", "critical": "#f85149"}

__all__ = ["INCIDENT_STATUSES", "SEVERITIES", "IncidentFilters", "IncidentsViewModel", "severity_text", "status_text"]


def severity_text(severity: str) -> str:
    texts = {
        "low": translate("Incidents", "Low"),
        "medium": translate("Incidents", "Medium"),
        "high": translate("Incidents", "High"),
        "critical": translate("Incidents", "Critical"),
    }
    return texts.get(severity, severity)


def status_text(status: str) -> str:
    texts = {
        "open": translate("Incidents", "Open"),
        "investigating": translate("Incidents", "Investigating"),
        "resolved": translate("Incidents", "Resolved"),
        "closed": translate("Incidents", "Closed"),
    }
    return texts.get(status, status)


@dataclass(frozen=True, slots=True)
class IncidentFilters:
    """``query`` words; ``severity`` / ``status`` / ``camera_id`` (GUI id) / ``tag_id``: None = any."""

    query: str = ""
    severity: str | None = None
    status: str | None = None
    camera_id: str | None = None
    tag_id: int | None = None


class IncidentsViewModel(QObject):
    """See the module docstring. Signals: ``sigStateChanged()`` (list, busy, error, availability),
    ``sigCurrentChanged()`` (``current``)."""

    sigStateChanged = Signal()
    sigCurrentChanged = Signal()

    def __init__(
        self,
        backend: BackendConnection,
        runner: TaskRunner,
        *,
        opener: Callable[[list[str], int], bool] | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self.runner = runner
        self._opener = opener
        self.page_size = page_size
        self.filters = IncidentFilters()
        self.items: list[IncidentOut] = []
        self.total = 0
        self.current: IncidentOut | None = None
        self.error = ""
        self.busy = False
        self.searched = False
        self._generation = 0
        self._active = False
        self.cameras: list[tuple[str, str]] = []  # (GUI id, name) of the XProtect inventory, by name
        self.tags: list[tuple[int, str, str]] = []  # (id, name, colour) for the tag filter
        self.tag_defs: list[tuple[int, str, str, str]] = []  # (id, name, colour, category) for the tag picker
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search)
        backend.sigStateChanged.connect(self.sigStateChanged)
        backend.sigPermissionsChanged.connect(self.sigStateChanged)
        backend.sigEvent.connect(self.on_event)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        b = self._backend
        return b.usable and (not b.permissions or b.can(VIEW))

    @property
    def can_edit(self) -> bool:
        return self._backend.usable and self._backend.can(INCIDENTS)

    @property
    def has_more(self) -> bool:
        return len(self.items) < self.total

    def summary_text(self) -> str:
        if self.busy:
            return translate("Incidents", "Searching…")
        if not self.searched:
            return ""
        if not self.items:
            return translate("Incidents", "No incidents match.")
        return translate("Incidents", "{0} of {1} incidents.").format(len(self.items), self.total)

    def set_cameras(self, cameras: list[tuple[str, str]]) -> None:
        """The XProtect inventory's cameras (id, name), after each login (the camera filter, the names shown)."""
        self.cameras = sorted(((str(i), str(n)) for i, n in cameras), key=lambda c: (c[1].casefold(), c[0]))
        self.sigStateChanged.emit()

    def camera_names(self, incident: IncidentOut) -> list[str]:
        """The names of the incident's cameras (the backend's id when this server does not list one)."""
        names = {i.lower(): n for i, n in self.cameras}
        out = []
        for backend_id in incident.camera_ids:
            gui_id = self._backend.xprotect_camera_id(backend_id)
            out.append(names.get(gui_id.lower(), gui_id))
        return out

    async def refresh_tags(self) -> bool:
        """Read the tags for the tag filter."""
        try:
            answer = await self._api().tags()
        except BackendError as exc:
            self.error = evidence_error_text(exc)
            self.sigStateChanged.emit()
            return False
        self.tags = [(t.id, t.name, t.color) for t in answer.tags]
        self.tag_defs = [(t.id, t.name, t.color, t.category) for t in answer.tags]
        self.sigStateChanged.emit()
        return True

    def time_text(self, incident: IncidentOut) -> str:
        return format_instant(to_us(incident.start))

    def _api(self) -> MetadataApi:
        client = self._backend.client
        if client is None or not self._backend.usable:
            raise BackendError(0, "unreachable")
        return MetadataApi(client)

    # --- searching --------------------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        """The dock is shown: search once when nothing was searched yet; read the tags (they may have been
        redefined meanwhile)."""
        self._active = active
        if not (active and self.available):
            return
        if not self.searched and not self.busy:
            self.search()
        self.runner.spawn(self.refresh_tags(), name="incident-tags")

    def set_query(self, text: str) -> None:
        """The search box changed: search after ``DEBOUNCE_MS`` without typing."""
        self.filters = replace(self.filters, query=text)
        self._debounce.start()

    def set_filters(self, **changes: Any) -> None:
        """Change severity / status / camera_id / tag_id and search at once."""
        self.filters = replace(self.filters, **changes)
        self._debounce.stop()
        self.search()

    def search(self) -> asyncio.Task[Any] | None:
        if not self.available:
            return None
        return self.runner.spawn(self.search_async(), name="incident-search")

    async def search_async(self) -> bool:
        """The first page for ``filters``; False when it failed or a newer search overtook it."""
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        self.busy, self.error = True, ""
        self.sigStateChanged.emit()
        ok = await self._page(generation, 0)
        if generation == self._generation:
            self.busy = False
            self.sigStateChanged.emit()
        return ok

    async def load_more(self) -> bool:
        """Append the next page (same filters)."""
        if not self.has_more or self.busy:
            return False
        return await self._page(self._generation, len(self.items))

    async def _page(self, generation: int, offset: int) -> bool:
        f = self.filters
        camera = self._backend.backend_camera_id(f.camera_id) if f.camera_id else None
        if f.camera_id and camera is None:
            if generation == self._generation:
                self.items, self.total, self.searched = [], 0, True
            return True
        try:
            page = await self._api().incidents(
                q=f.query,
                severity=f.severity,
                status=f.status,
                camera_id=camera,
                tag_id=f.tag_id,
                limit=self.page_size,
                offset=offset,
            )
        except BackendError as exc:
            if generation == self._generation:
                self.error = evidence_error_text(exc)
                self.sigStateChanged.emit()
            return False
        if generation != self._generation:
            return False
        self.items = (self.items if offset else []) + list(page.incidents)
        self.total, self.searched = page.total, True
        self.sigStateChanged.emit()
        return True

    # --- one incident -----------------------------------------------------------------------------------
    async def open_incident(self, incident_id: int) -> bool:
        try:
            self.current = await self._api().incident(incident_id)
        except BackendError as exc:
            self.error = evidence_error_text(exc)
            self.sigStateChanged.emit()
            return False
        self.sigCurrentChanged.emit()
        return True

    async def update_current(self, **changes: Any) -> bool:
        """Patch the open incident (``status``, ``severity``, ``description``, ``assignee``, ``tagIds``: wire
        names)."""
        if self.current is None:
            return False
        try:
            self.current = await self._api().update_incident(self.current.id, changes)
        except BackendError as exc:
            self.error = evidence_error_text(exc)
            self.sigStateChanged.emit()
            return False
        self.error = ""
        self.items = [self.current if i.id == self.current.id else i for i in self.items]
        self.sigCurrentChanged.emit()
        self.sigStateChanged.emit()
        return True

    def play(self, incident: IncidentOut | None = None) -> bool:
        """Open the player at the incident's start with its cameras."""
        incident = incident or self.current
        if incident is None or self._opener is None:
            return False
        cameras = [self._backend.xprotect_camera_id(c) for c in incident.camera_ids]
        return self._opener(cameras, to_us(incident.start))

    # --- events -----------------------------------------------------------------------------------------
    def on_event(self, event: Any) -> None:
        if getattr(event, "type", "") != "incident_changed":
            return
        if self._active and self.searched:
            self.search()
        data = getattr(event, "data", None) or {}
        if self.current is not None and data.get("id") == self.current.id:
            self.runner.spawn(self.open_incident(self.current.id), name="incident-reload")
