"""One evidence export as the Export dialog shows it: start, progress, then download and check the package.

``ExportJob`` starts ``POST /api/v1/storage/exports`` for the selection (``[start_us, end_us)``, the backend's
camera ids, a reason, optional face masking) and follows it by the backend's ``export_progress`` events (data:
the ``ExportOut``) and, as a fallback when none arrive (events socket down), by polling ``GET
.../exports/{id}`` every ``POLL_S``. Once ``completed``, ``download(path)`` fetches the package (presigned URL or
the backend's ``/file`` route, see ``client_exports``) to the chosen file with progress and checks its SHA-256
against the export's: ``saved_path`` and ``verified`` tell the outcome. Errors are the operator's text (the
backend's bilingual message) in ``error``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from backend.api.schemas_exports import ExportOut

from ..backend_link.client import BackendError
from ..backend_link.client_exports import CHECKSUM_MISMATCH, ExportsApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .playback_texts import bilingual, translate
from .playback_time import from_us
from .timeline_marks import evidence_error_text

log = logging.getLogger(__name__)

POLL_S = 1.0  # poll the export's state when no event came for this long
FINISHED = ("completed", "failed", "cancelled", "expired")


def status_text(status: str) -> str:
    texts = {
        "queued": translate("ExportJob", "Waiting to start…"),
        "running": translate("ExportJob", "Exporting…"),
        "completed": translate("ExportJob", "Completed."),
        "failed": translate("ExportJob", "Failed."),
        "cancelled": translate("ExportJob", "Cancelled."),
        "expired": translate("ExportJob", "Expired: the package was removed."),
    }
    return texts.get(status, status)


_CAMERA_PHASE = re.compile(r"camera (\d+)/(\d+): (copying|checking|masking faces)")


def phase_text(phase: str) -> str:
    """The operator's text for an export's ``phase`` (the backend's English phase names,
    ``backend.exports.job``: ``camera N/M: copying|checking|masking faces``, ``packaging``, ...); an unknown
    phase is shown as it is."""
    found = _CAMERA_PHASE.fullmatch(phase)
    if found is not None:
        n, m, step = found.groups()
        texts = {
            "copying": translate("ExportJob", "Camera %1 of %2: copying footage"),
            "checking": translate("ExportJob", "Camera %1 of %2: computing checksums"),
            "masking faces": translate("ExportJob", "Camera %1 of %2: blurring faces"),
        }
        return texts[step].replace("%1", n).replace("%2", m)
    texts = {
        "queued": translate("ExportJob", "Waiting to start"),
        "starting": translate("ExportJob", "Starting"),
        "packaging": translate("ExportJob", "Writing the package and its manifest"),
        "completed": translate("ExportJob", "Completed"),
        "failed": translate("ExportJob", "Failed"),
        "cancelled": translate("ExportJob", "Cancelled"),
        "expired": translate("ExportJob", "Expired"),
        "removed": translate("ExportJob", "Removed"),
    }
    return texts.get(phase, phase)


async def fetch_package(api: ExportsApi, export: ExportOut, path: Path, progress: Any = None) -> str:
    """Download the completed ``export``'s package to ``path``, its SHA-256 checked against the one the export
    reported (``export.sha256``) and the download route's; returns the SHA-256 (hex). Raises BackendError
    (``checksum_mismatch``: nothing is left at ``path``). ``progress(written, total)`` is called per chunk."""
    info = await api.download_info(export.id)
    expected = (export.sha256 or info.sha256).lower()
    if info.sha256.lower() != expected:
        raise BackendError(0, CHECKSUM_MISMATCH)
    return await api.download(info, Path(path), progress)


def download_error_text(exc: BackendError) -> str:
    """The operator's text of a failed package download."""
    if exc.code == CHECKSUM_MISMATCH:
        return translate("ExportJob", "The downloaded package does not match its SHA-256; it was discarded.")
    return evidence_error_text(exc)


class ExportJob(QObject):
    """See the module docstring. ``cameras``: (GUI id, name) shown; ``backend_ids`` sent; ``span_us`` the range.

    Signals: ``sigChanged()`` (state, progress, error), ``sigDownloadProgress(int written, int total)``.
    """

    sigChanged = Signal()
    sigDownloadProgress = Signal(int, int)

    def __init__(
        self,
        backend: BackendConnection,
        runner: TaskRunner,
        cameras: list[tuple[str, str]],
        backend_ids: list[str],
        span_us: tuple[int, int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self.cameras = list(cameras)
        self.backend_ids = list(backend_ids)
        self.span_us = span_us
        self.export: ExportOut | None = None
        self.error = ""
        self.downloading = False
        self.saved_path: Path | None = None
        self.verified: bool | None = None
        self.events_seen = 0
        self._last_event = 0.0
        self._poller: asyncio.Task[Any] | None = None
        backend.sigEvent.connect(self.on_event)

    # --- state ------------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.export.status if self.export is not None else ""

    @property
    def progress(self) -> float:
        return float(self.export.progress) if self.export is not None else 0.0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def state_text(self) -> str:
        """What the dialog says under the progress bar."""
        if self.error:
            return self.error
        if self.export is None:
            return ""
        return status_text(self.export.status)

    def _api(self) -> ExportsApi:
        client = self._backend.client
        if client is None or not self._backend.usable:
            raise BackendError(0, "unreachable")
        return ExportsApi(client)

    def _set_error(self, text: str) -> bool:
        self.error = text
        self.sigChanged.emit()
        return False

    # --- start and follow -------------------------------------------------------------------------------
    async def start(self, reason: str, mask_faces: bool) -> bool:
        """Ask the backend for the export; False with ``error`` when it refuses (too many cameras, range too
        long, no footage…). Then follows it until it finishes."""
        self.error = ""
        start, end = self.span_us
        try:
            self.export = await self._api().create_export(
                self.backend_ids, from_us(start), from_us(end), reason.strip(), mask_faces=mask_faces
            )
        except BackendError as exc:
            return self._set_error(evidence_error_text(exc))
        self.sigChanged.emit()
        self._poller = self._runner.spawn(self._follow(), name="export-follow")
        return True

    async def _follow(self) -> None:
        while self.export is not None and not self.finished:
            await asyncio.sleep(POLL_S / 2)
            if time.monotonic() - self._last_event < POLL_S:
                continue
            try:
                self._update(await self._api().export(self.export.id))
            except BackendError as exc:
                log.info("export %s: state not read: %s", self.export.id, exc)

    def on_event(self, event: Any) -> None:
        """An ``export_progress`` event of this export."""
        if getattr(event, "type", "") != "export_progress" or self.export is None:
            return
        data = getattr(event, "data", None) or {}
        if str(data.get("id", "")) != self.export.id:
            return
        try:
            found = ExportOut.model_validate(data)
        except ValueError:
            return
        self.events_seen += 1
        self._last_event = time.monotonic()
        self._update(found)

    def _update(self, found: ExportOut) -> None:
        if self.export is not None and self.finished and found.status not in FINISHED:
            return  # a late progress event after the end
        self.export = found
        if found.status == "failed" and found.error is not None:
            self.error = bilingual(found.error.message, found.error.message_ar) or status_text("failed")
        self.sigChanged.emit()

    async def wait_finished(self, timeout_s: float) -> bool:
        """Wait (polling the state) until the job finished; True when it completed."""
        deadline = time.monotonic() + timeout_s
        while not self.finished and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return self.completed

    async def cancel(self) -> bool:
        """Cancel the queued or running export (the backend removes its temporary files); True when the
        backend took it (the state is read back at once)."""
        if self.export is None or self.finished:
            return False
        try:
            api = self._api()
            await api.cancel_export(self.export.id)
            self._update(await api.export(self.export.id))
        except BackendError as exc:
            return self._set_error(evidence_error_text(exc))
        return True

    # --- download ---------------------------------------------------------------------------------------
    def suggested_name(self) -> str:
        return f"export-{self.export.id}.zip" if self.export is not None else "export.zip"

    async def download(self, path: str | Path) -> bool:
        """Fetch the completed package to ``path`` and check its SHA-256; True when saved and verified."""
        if not self.completed or self.export is None:
            return self._set_error(translate("ExportJob", "The export is not complete yet."))
        self.downloading, self.verified, self.saved_path, self.error = True, None, None, ""
        self.sigChanged.emit()
        try:
            await fetch_package(self._api(), self.export, Path(path), self.sigDownloadProgress.emit)
        except BackendError as exc:
            self.downloading = False
            self.verified = False if exc.code == CHECKSUM_MISMATCH else None
            return self._set_error(download_error_text(exc))
        self.downloading, self.verified, self.saved_path = False, True, Path(path)
        self.sigChanged.emit()
        return True
