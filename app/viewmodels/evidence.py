"""What the recordings panel makes from the timeline's selection and cursor: annotations, tagged ranges, clips,
incidents and exports (issue 7 §4), with the permissions that decide which of them are offered.

``EvidenceViewModel`` is bound to the ``PlaybackViewModel`` (its cameras, position and the timeline's
``selection``) and the ``BackendConnection``. Every command is a coroutine returning True on success; a refusal
sets ``sigError`` with the operator's text (the backend's bilingual message), a success ``sigNotice``. Camera ids
given and shown are the GUI's (XProtect) ones; the backend's are mapped by ``MarksService``. Exports run as
``ExportJob`` objects (``export_job``). Without a usable backend nothing is offered (``available`` False).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from ..backend_link.client import BackendError
from ..backend_link.client_exports import ExportsApi
from ..backend_link.client_metadata import MetadataApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .export_job import ExportJob
from .playback_sources import PlaybackError
from .playback_texts import translate
from .playback_time import from_us
from .timeline_marks import ANNOTATE, EXPORT, INCIDENTS, MarksService, Tag, TimelineMarks, evidence_error_text


class EvidenceViewModel(QObject):
    """See the module docstring. Signals: ``sigNotice(str)``, ``sigError(str)``, ``sigPermissionsChanged()``
    (``available`` / ``can_*`` changed), ``sigIncidentCreated(int id)``, ``sigExportsRequested()`` (the
    operator asked for the Exports list)."""

    sigNotice = Signal(str)
    sigError = Signal(str)
    sigPermissionsChanged = Signal()
    sigIncidentCreated = Signal(int)
    sigExportsRequested = Signal()

    def __init__(self, backend: BackendConnection, playback: Any, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.playback = playback
        self.runner = runner
        self.service = MarksService(backend)
        self.marks = TimelineMarks(self.service, playback.timeline, runner, self)
        self.selection = playback.timeline.selection
        self.jobs: list[ExportJob] = []
        self.last_error = ""
        backend.sigStateChanged.connect(self.sigPermissionsChanged)
        backend.sigPermissionsChanged.connect(self.sigPermissionsChanged)

    # --- permissions ------------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self.marks.available

    def _can(self, permission: str) -> bool:
        return self.backend.usable and self.backend.can(permission)

    @property
    def can_annotate(self) -> bool:
        return self._can(ANNOTATE)

    @property
    def can_export(self) -> bool:
        return self._can(EXPORT)

    @property
    def can_incidents(self) -> bool:
        return self._can(INCIDENTS)

    # --- what the commands work on ----------------------------------------------------------------------
    def cameras(self) -> list[tuple[str, str]]:
        """The player's cameras (GUI id, name): what the selection covers."""
        return [(c.camera_id, c.name) for c in self.playback.channels]

    def cursor_us(self) -> int | None:
        """The playhead (where I / O / A act)."""
        return self.playback.position_us

    def _span(self) -> tuple[int, int]:
        span = self.selection.span_us
        if span is None:
            raise PlaybackError(translate("Evidence", "Select a time range on the timeline first (Shift+drag)."))
        return span

    def _fail(self, text: str) -> bool:
        self.last_error = text
        self.sigError.emit(text)
        return False

    def _ok(self, text: str) -> bool:
        self.last_error = ""
        self.sigNotice.emit(text)
        return True

    # --- annotations and tags ---------------------------------------------------------------------------
    async def add_annotation(self, camera_id: str, at_us: int, text: str) -> bool:
        """An annotation with ``text`` at ``at_us`` on ``camera_id``; the lane is re-read."""
        text = text.strip()
        if not text:
            return self._fail(translate("Evidence", "An annotation needs a text."))
        try:
            await self.service.add_annotation(camera_id, at_us, text)
        except PlaybackError as exc:
            return self._fail(exc.text)
        await self.marks.refresh_async()
        return self._ok(translate("Evidence", "Annotation added."))

    async def edit_annotation(self, annotation_id: int, text: str) -> bool:
        try:
            await self.service.edit_annotation(annotation_id, text.strip())
        except PlaybackError as exc:
            return self._fail(exc.text)
        await self.marks.refresh_async()
        return self._ok(translate("Evidence", "Annotation changed."))

    async def delete_annotation(self, annotation_id: int) -> bool:
        try:
            await self.service.delete_annotation(annotation_id)
        except PlaybackError as exc:
            return self._fail(exc.text)
        await self.marks.refresh_async()
        return self._ok(translate("Evidence", "Annotation deleted."))

    async def tags(self) -> list[Tag]:
        """The tags to choose from ([] with ``sigError`` when they cannot be read)."""
        try:
            return await self.service.tags()
        except PlaybackError as exc:
            self._fail(exc.text)
            return []

    async def tag_selection(self, tag_id: int | None, new_name: str = "", colour: str = "#3fb950") -> bool:
        """Tag the selection of every camera of the player with ``tag_id``, or with a new tag ``new_name``."""
        try:
            start, end = self._span()
            if tag_id is None:
                tag_id = (await self.service.create_tag(new_name.strip(), colour)).id
            count = await self.service.tag_range(tag_id, [c for c, _ in self.cameras()], start, end)
        except PlaybackError as exc:
            return self._fail(exc.text)
        await self.marks.refresh_async()
        return self._ok(translate("Evidence", "Range tagged on {0} camera(s).").format(count))

    # --- clips and incidents ----------------------------------------------------------------------------
    def _backend_ids(self) -> list[str]:
        return [self.service.backend_id(c) for c, _ in self.cameras()]

    async def create_clip(self, title: str, reason: str) -> bool:
        """Keep the selection of the player's cameras as a clip (evidence lock)."""
        try:
            start, end = self._span()
            ids = self._backend_ids()
            api = ExportsApi(self._client())
            clip = await api.create_clip(ids, from_us(start), from_us(end), title.strip(), reason.strip())
        except PlaybackError as exc:
            return self._fail(exc.text)
        except BackendError as exc:
            return self._fail(evidence_error_text(exc))
        return self._ok(translate("Evidence", "Clip “{0}” kept ({1} segments).").format(clip.title, clip.segments))

    async def create_incident(
        self, title: str, description: str, severity: str, assignee: str = "", tag_ids: list[int] | None = None
    ) -> int | None:
        """A new incident over the selection with the player's cameras; returns its id (None on failure)."""
        try:
            start, end = self._span()
            body: dict[str, Any] = {
                "title": title.strip(),
                "description": description.strip(),
                "severity": severity,
                "cameraIds": self._backend_ids(),
                "start": from_us(start),
                "end": from_us(end),
                "tagIds": list(tag_ids or []),
            }
            if assignee.strip():
                body["assignee"] = assignee.strip()
            made = await MetadataApi(self._client()).create_incident(body)
        except PlaybackError as exc:
            self._fail(exc.text)
            return None
        except BackendError as exc:
            self._fail(evidence_error_text(exc))
            return None
        self._ok(translate("Evidence", "Incident “{0}” created.").format(made.title))
        self.sigIncidentCreated.emit(int(made.id))
        return int(made.id)

    def _client(self) -> Any:
        client = self.backend.client
        if client is None or not self.backend.usable:
            raise PlaybackError(translate("Evidence", "This needs the backend, which is not connected."))
        return client

    # --- exports ----------------------------------------------------------------------------------------
    def new_export(self) -> ExportJob | None:
        """An ``ExportJob`` for the selection of the player's cameras (not started), or None (``sigError``)."""
        try:
            span = self._span()
            ids = self._backend_ids()
        except PlaybackError as exc:
            self._fail(exc.text)
            return None
        job = ExportJob(self.backend, self.runner, self.cameras(), ids, span, parent=self)
        self.jobs.append(job)
        return job
