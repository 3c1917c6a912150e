"""The Exports list's view-model: the user's evidence exports, newest first, with paging, live progress and the
per-export commands Cancel, Save package… and Delete (issue 7 §1, §4).

Reads ``GET /api/v1/storage/exports`` (``ExportPage``, newest first; ``load_more`` continues with the page's
``nextBeforeCreated``) for the user the backend knows this GUI as (``createdBy``; everyone's with ``show_all``
or when the GUI talks with the backend's API token). ``export_progress`` events (data: ``ExportOut``) update a
listed export in place, and put a new one of the listed user at the top. ``cancel(id)`` stops a queued or
running job, ``delete(id)`` removes a completed package before its expiry (the backend keeps the record, status
``expired``); both are ``DELETE /storage/exports/{id}`` and need permission ``export``, as the whole list does.
``save(id, path)`` downloads a completed package, SHA-256 checked (``export_job.fetch_package``). Times shown
are local; sizes in MB (10^6 bytes).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from backend.api.schemas_exports import ExportOut

from ..backend_link.client import BackendError
from ..backend_link.client_exports import ExportsApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .export_job import FINISHED, download_error_text, fetch_package, status_text
from .playback_texts import bilingual, translate
from .playback_time import format_instant, to_us
from .recording_state import isolate
from .timeline_marks import EXPORT, evidence_error_text
from .timeline_selection import span_text

PAGE_SIZE = 30
ACTIVE = ("queued", "running")

__all__ = ["ACTIVE", "PAGE_SIZE", "ExportOut", "ExportsListViewModel", "status_text"]


class ExportsListViewModel(QObject):
    """See the module docstring. Signals: ``sigChanged()`` (rows, busy, error, availability),
    ``sigRowChanged(str id)`` (one export's state or progress), ``sigDownloadProgress(str id, int written,
    int total)``, ``sigNotice(str)`` (a command done)."""

    sigChanged = Signal()
    sigRowChanged = Signal(str)
    sigDownloadProgress = Signal(str, int, int)
    sigNotice = Signal(str)

    def __init__(
        self, backend: BackendConnection, runner: TaskRunner, *, page_size: int = PAGE_SIZE, parent=None
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self.runner = runner
        self.page_size = page_size
        self.rows: list[ExportOut] = []
        self.next_before: datetime | None = None
        self.show_all = False
        self.busy = False
        self.loaded = False
        self.error = ""
        self.downloading: str | None = None  # the export whose package is being saved
        self.saved: dict[str, Path] = {}  # export id -> where its package was saved (verified)
        self.cameras: dict[str, str] = {}  # GUI (XProtect) camera id, lower case -> name
        self._generation = 0
        self._active = False
        backend.sigStateChanged.connect(self.sigChanged)
        backend.sigPermissionsChanged.connect(self.sigChanged)
        backend.sigEvent.connect(self.on_event)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self._backend.usable and self._backend.can(EXPORT)

    @property
    def has_more(self) -> bool:
        return self.next_before is not None

    @property
    def user(self) -> str | None:
        """Whose exports are listed: the backend user's name; None = everyone's."""
        identity = self._backend.identity
        if self.show_all or identity is None or identity.kind != "user":
            return None
        return identity.username

    def row(self, export_id: str) -> ExportOut | None:
        return next((r for r in self.rows if r.id == export_id), None)

    def may_cancel(self, export: ExportOut) -> bool:
        return self.available and export.status in ACTIVE

    def may_save(self, export: ExportOut) -> bool:
        return self.available and export.status == "completed" and self.downloading is None

    def may_delete(self, export: ExportOut) -> bool:
        return self.available and export.status == "completed"

    def set_cameras(self, cameras: list[tuple[str, str]]) -> None:
        """The XProtect inventory's cameras (id, name): the names shown."""
        self.cameras = {str(i).lower(): str(n) for i, n in cameras}
        self.sigChanged.emit()

    # --- texts ------------------------------------------------------------------------------------------
    def summary_text(self) -> str:
        if self.busy and not self.rows:
            return translate("ExportsList", "Loading…")
        if not self.loaded:
            return ""
        if not self.rows:
            return translate("ExportsList", "No exports yet.")
        more = translate("ExportsList", " (more available)") if self.has_more else ""
        return translate("ExportsList", "{0} exports shown{1}.").format(len(self.rows), more)

    def state_text(self, export: ExportOut) -> str:
        """ "Exporting… 42 %" while running; the status otherwise."""
        text = status_text(export.status).rstrip(".")
        if export.status == "running":
            return translate("ExportsList", "{0} {1} %").format(text.rstrip("…"), round(100 * export.progress))
        return text

    def cameras_text(self, export: ExportOut) -> str:
        names = {f.camera_id.lower(): f.camera_name for f in export.files}
        out = []
        for backend_id in export.camera_ids:
            gui_id = self._backend.xprotect_camera_id(backend_id)
            out.append(self.cameras.get(gui_id.lower()) or names.get(backend_id.lower()) or backend_id)
        return ", ".join(isolate(n) for n in out)

    def range_text(self, export: ExportOut) -> str:
        return span_text(to_us(export.start), to_us(export.end))

    def size_text(self, export: ExportOut) -> str:
        if export.size_bytes is None:
            return ""
        return translate("ExportsList", "{0} MB").format(f"{export.size_bytes / 1e6:.1f}")

    def created_text(self, export: ExportOut) -> str:
        return format_instant(to_us(export.created_at))

    def expires_text(self, export: ExportOut) -> str:
        if export.status != "completed" or export.expires_at is None:
            return ""
        return format_instant(to_us(export.expires_at))

    def error_text(self, export: ExportOut) -> str:
        """Why a failed export failed (the backend's message in the operator's language), else ""."""
        if export.error is None:
            return ""
        return bilingual(export.error.message, export.error.message_ar)

    # --- loading ----------------------------------------------------------------------------------------
    def _api(self) -> ExportsApi:
        client = self._backend.client
        if client is None or not self._backend.usable:
            raise BackendError(0, "unreachable")
        return ExportsApi(client)

    def _fail(self, exc: BackendError) -> bool:
        self.error = evidence_error_text(exc)
        self.sigChanged.emit()
        return False

    def set_active(self, active: bool) -> None:
        """The list is shown: read it (again)."""
        self._active = active
        if active and self.available:
            self.refresh()

    def set_show_all(self, show_all: bool) -> asyncio.Task[Any] | None:
        self.show_all = bool(show_all)
        return self.refresh()

    def refresh(self) -> asyncio.Task[Any] | None:
        if not self.available:
            return None
        return self.runner.spawn(self.refresh_async(), name="exports-list")

    async def refresh_async(self) -> bool:
        """The first page again; False when it failed or a newer read overtook it."""
        self._generation += 1
        generation = self._generation
        self.busy, self.error = True, ""
        self.sigChanged.emit()
        ok = await self._page(generation, None)
        if generation == self._generation:
            self.busy = False
            self.sigChanged.emit()
        return ok

    async def load_more(self) -> bool:
        """Append the next page (older exports)."""
        if not self.has_more or self.busy:
            return False
        self.busy = True
        try:
            return await self._page(self._generation, self.next_before)
        finally:
            self.busy = False
            self.sigChanged.emit()

    async def _page(self, generation: int, before: datetime | None) -> bool:
        try:
            page = await self._api().exports(limit=self.page_size, before_created=before, created_by=self.user)
        except BackendError as exc:
            return self._fail(exc) if generation == self._generation else False
        if generation != self._generation:
            return False
        known = {r.id for r in self.rows} if before is not None else set()
        fresh = [e for e in page.exports if e.id not in known]
        self.rows = (self.rows if before is not None else []) + fresh
        self.next_before, self.loaded = page.next_before_created, True
        self.sigChanged.emit()
        return True

    # --- events -----------------------------------------------------------------------------------------
    def on_event(self, event: Any) -> None:
        """``export_progress``: a listed export changed, or a new one of the listed user started."""
        if getattr(event, "type", "") != "export_progress" or not self.loaded:
            return
        try:
            found = ExportOut.model_validate(getattr(event, "data", None) or {})
        except ValueError:
            return
        self._update(found)

    def _update(self, found: ExportOut) -> None:
        for index, old in enumerate(self.rows):
            if old.id == found.id:
                if old.status in FINISHED and found.status not in FINISHED:
                    return  # a late progress event after the end
                self.rows[index] = found
                self.sigRowChanged.emit(found.id)
                return
        user = self.user
        if user is not None and found.created_by != user:
            return
        if self.rows and found.created_at < self.rows[-1].created_at and self.has_more:
            return  # older than what is listed: it comes with "Load more"
        self.rows.insert(0, found)
        self.rows.sort(key=lambda r: r.created_at, reverse=True)
        self.sigChanged.emit()

    # --- commands ---------------------------------------------------------------------------------------
    async def cancel(self, export_id: str) -> bool:
        """Stop a queued or running export (its temporary files are removed by the backend)."""
        return await self._delete(export_id, translate("ExportsList", "Export cancelled."))

    async def delete(self, export_id: str) -> bool:
        """Remove a completed package before its expiry."""
        return await self._delete(export_id, translate("ExportsList", "Export package deleted."))

    async def _delete(self, export_id: str, notice: str) -> bool:
        try:
            api = self._api()
            await api.cancel_export(export_id)
            found = await api.export(export_id)
        except BackendError as exc:
            return self._fail(exc)
        self.error = ""
        self._update(found)
        self.sigChanged.emit()
        self.sigNotice.emit(notice)
        return True

    async def save(self, export_id: str, path: str | Path) -> bool:
        """Save the completed package of ``export_id`` to ``path``; True when saved and its SHA-256 matched."""
        export = self.row(export_id)
        if export is None or export.status != "completed":
            self.error = translate("ExportJob", "The export is not complete yet.")
            self.sigChanged.emit()
            return False
        self.downloading, self.error = export_id, ""
        self.sigChanged.emit()

        def progress(written: int, total: int) -> None:
            self.sigDownloadProgress.emit(export_id, written, total)

        try:
            await fetch_package(self._api(), export, Path(path), progress)
        except BackendError as exc:
            self.downloading = None
            self.error = download_error_text(exc)
            self.sigChanged.emit()
            return False
        self.downloading = None
        self.saved[export_id] = Path(path)
        self.sigChanged.emit()
        self.sigNotice.emit(
            translate("ExportsList", "Saved to {0}; its SHA-256 matches the export's.").format(isolate(str(path)))
        )
        return True
