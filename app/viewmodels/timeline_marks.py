"""Annotations (markers with text) and tagged ranges (coloured bars) of each camera row of the timeline.

``MarksService`` reads and writes them through the backend's metadata API (``client_metadata.MetadataApi``,
wire contract ``backend.api.schemas_metadata``) for the GUI's (XProtect) camera ids, mapped to the backend's by
the ``BackendConnection``; failures raise ``PlaybackError`` with the operator's text (the backend's bilingual
message). ``TimelineMarks`` keeps each row's ``RowMarks`` over the timeline's range, re-read with the lanes
(every query of the timeline) and when another workstation changes them (``annotation_changed`` events; tagged
ranges are re-read with them). Times are integer µs UTC.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..backend_link.client import BackendError
from ..backend_link.client_metadata import MetadataApi
from ..backend_link.connection import BackendConnection
from ..tasks import TaskRunner
from .playback_sources import PlaybackError
from .playback_texts import backend_error_text, translate
from .playback_time import format_instant, from_us, to_us
from .recording_state import isolate

log = logging.getLogger(__name__)

ANNOTATE = "annotate"  # backend.auth.permissions.ANNOTATE
INCIDENTS = "incidents"
EXPORT = "export"
VIEW = "view"
MARK_EVENTS = ("annotation_changed", "incident_changed")


@dataclass(frozen=True, slots=True)
class Annotation:
    """A marker: ``camera_id`` the GUI's, ``at_us`` its time, ``text``, ``author`` (backend user name)."""

    id: int
    camera_id: str
    at_us: int
    text: str
    author: str
    end_us: int | None = None


@dataclass(frozen=True, slots=True)
class TaggedRange:
    """A tag on ``[start_us, end_us)`` of a camera: ``tag`` its name, ``colour`` #RRGGBB."""

    id: int
    camera_id: str
    start_us: int
    end_us: int
    tag_id: int
    tag: str
    colour: str
    author: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Tag:
    id: int
    name: str
    colour: str
    category: str = ""


@dataclass(frozen=True, slots=True)
class RowMarks:
    """One row's annotations (by time) and tagged ranges (by start)."""

    annotations: tuple[Annotation, ...] = ()
    ranges: tuple[TaggedRange, ...] = ()

    def annotation_near(self, time_us: int, tolerance_us: int) -> Annotation | None:
        """The annotation nearest ``time_us`` at most ``tolerance_us`` away, or None."""
        best = min(self.annotations, key=lambda a: abs(a.at_us - time_us), default=None)
        return best if best is not None and abs(best.at_us - time_us) <= tolerance_us else None

    def ranges_at(self, time_us: int) -> list[TaggedRange]:
        return [r for r in self.ranges if r.start_us <= time_us < r.end_us]


def evidence_error_text(exc: BackendError) -> str:
    """The operator's text of a failed metadata, export or clip call: the backend's own message (in the
    operator's language) when it gave one."""
    if not exc.answered:
        return translate("Evidence", "The backend does not answer; try again in a moment.")
    return backend_error_text(exc)


def metadata_error(exc: BackendError) -> PlaybackError:
    return PlaybackError(evidence_error_text(exc))


class MarksService:
    """Metadata calls for GUI camera ids (see the module docstring)."""

    def __init__(self, backend: BackendConnection) -> None:
        self.backend = backend

    def api(self) -> MetadataApi:
        client = self.backend.client
        if client is None or not self.backend.usable:
            raise PlaybackError(translate("Evidence", "This needs the backend, which is not connected."))
        return MetadataApi(client)

    def backend_id(self, camera_id: str) -> str:
        found = self.backend.backend_camera_id(camera_id)
        if found is None:
            raise PlaybackError(translate("Evidence", "The backend does not know this camera yet."))
        return found

    def gui_id(self, backend_id: str) -> str:
        return self.backend.xprotect_camera_id(backend_id)

    async def row(self, camera_id: str, start_us: int, end_us: int) -> RowMarks | None:
        """``camera_id``'s marks over ``[start_us, end_us)`` (None: the backend does not know the camera)."""
        backend_id = self.backend.backend_camera_id(camera_id)
        if backend_id is None:
            return None
        api = self.api()
        start, end = from_us(start_us), from_us(end_us)
        try:
            page, ranges = await asyncio.gather(
                api.annotations(backend_id, start, end, limit=200), api.tagged_ranges(backend_id, start, end)
            )
        except BackendError as exc:
            raise metadata_error(exc) from None
        notes = sorted(
            (
                Annotation(
                    a.id, camera_id, to_us(a.time), a.text, a.created_by, to_us(a.end) if a.end is not None else None
                )
                for a in page.annotations
            ),
            key=lambda a: (a.at_us, a.id),
        )
        bars = tuple(
            TaggedRange(
                r.id,
                camera_id,
                to_us(r.start),
                to_us(r.end),
                r.tag.id,
                r.tag.name,
                r.tag.color.lower(),
                r.created_by,
                r.note,
            )
            for r in ranges.ranges
        )
        return RowMarks(tuple(notes), bars)

    async def _call(self, coro: Any) -> Any:
        try:
            return await coro
        except BackendError as exc:
            raise metadata_error(exc) from None

    async def add_annotation(self, camera_id: str, at_us: int, text: str) -> int:
        """Create an annotation; returns its id. Raises PlaybackError."""
        api = self.api()
        made = await self._call(api.create_annotation(self.backend_id(camera_id), from_us(at_us), text))
        return int(made.id)

    async def edit_annotation(self, annotation_id: int, text: str) -> None:
        await self._call(self.api().update_annotation(annotation_id, text))

    async def delete_annotation(self, annotation_id: int) -> None:
        await self._call(self.api().delete_annotation(annotation_id))

    async def tags(self) -> list[Tag]:
        answer = await self._call(self.api().tags())
        return [Tag(t.id, t.name, t.color, t.category) for t in answer.tags]

    async def create_tag(self, name: str, colour: str) -> Tag:
        made = await self._call(self.api().create_tag(name, colour))
        return Tag(made.id, made.name, made.color, made.category)

    async def tag_range(self, tag_id: int, camera_ids: list[str], start_us: int, end_us: int, note: str = "") -> int:
        """Tag ``[start_us, end_us)`` of every camera; returns how many ranges were made. Raises PlaybackError."""
        api = self.api()
        ids = [self.backend_id(c) for c in camera_ids]
        start, end = from_us(start_us), from_us(end_us)
        for backend_id in ids:
            await self._call(api.create_tagged_range(tag_id, backend_id, start, end, note))
        return len(ids)


class TimelineMarks(QObject):
    """Each timeline row's ``RowMarks`` (see the module docstring). ``timeline`` is the ``TimelineViewModel``.

    Signals: ``sigChanged(int row)`` (-1: every row, or the availability changed).
    """

    sigChanged = Signal(int)

    def __init__(self, service: MarksService, timeline: Any, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._timeline = timeline
        self._runner = runner
        self._marks: dict[str, RowMarks] = {}
        self._errors: dict[str, str] = {}
        self._generation = 0
        backend = service.backend
        timeline.sigLanesChanged.connect(self._on_timeline_query)
        timeline.sigRowsChanged.connect(self._on_rows)
        backend.sigEvent.connect(self.on_event)
        backend.sigStateChanged.connect(lambda: self.sigChanged.emit(-1))
        backend.sigPermissionsChanged.connect(lambda: self.sigChanged.emit(-1))

    # --- state ------------------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """The backend answers and this user may view: the marks lane is shown."""
        b = self.service.backend
        return b.usable and (not b.permissions or b.can(VIEW))

    def can(self, permission: str) -> bool:
        b = self.service.backend
        return b.usable and b.can(permission)

    @property
    def username(self) -> str:
        identity = self.service.backend.identity
        return identity.username if identity is not None else ""

    def may_edit(self, annotation: Annotation) -> bool:
        """Its author, or a user with ``incidents`` (an API token has every permission)."""
        identity = self.service.backend.identity
        if identity is not None and identity.kind == "token":
            return True
        return (annotation.author == self.username and self.can(ANNOTATE)) or self.can(INCIDENTS)

    def marks(self, camera_id: str) -> RowMarks | None:
        return self._marks.get(camera_id.lower())

    def row_marks(self, row: int) -> RowMarks | None:
        rows = self._timeline.rows
        return self.marks(rows[row].camera_id) if 0 <= row < len(rows) else None

    def error(self, camera_id: str) -> str:
        return self._errors.get(camera_id.lower(), "")

    def hover_text(self, row: int, time_us: int, tolerance_us: int) -> str:
        """The tooltip over ``row``'s marks lane at ``time_us``: the annotation there (text, author, time) and the
        tags of the ranges covering it; "" when there is nothing."""
        marks = self.row_marks(row)
        if marks is None:
            rows = self._timeline.rows
            return self.error(rows[row].camera_id) if 0 <= row < len(rows) else ""
        lines: list[str] = []
        note = marks.annotation_near(time_us, tolerance_us)
        if note is not None:
            lines.append(note.text)
            lines.append(
                translate("Evidence", "{0}, {1}").format(isolate(note.author), isolate(format_instant(note.at_us)))
            )
        for bar in marks.ranges_at(time_us):
            lines.append(translate("Evidence", "Tag: {0} (by {1})").format(isolate(bar.tag), isolate(bar.author)))
        return "\n".join(lines)

    # --- reading ----------------------------------------------------------------------------------------
    def _on_rows(self) -> None:
        self._marks, self._errors = {}, {}
        self.sigChanged.emit(-1)

    def _on_timeline_query(self, row: int) -> None:
        if row == -1 and self._timeline.loading:
            self.refresh()

    def refresh(self) -> asyncio.Task[Any] | None:
        """Re-read every row's marks over the timeline's range (returns at once)."""
        if not self.available or not self._timeline.rows:
            return None
        self._generation += 1
        return self._runner.spawn(self.refresh_async(self._generation), name="timeline-marks")

    async def refresh_async(self, generation: int | None = None) -> None:
        generation = self._generation if generation is None else generation
        start, end = self._timeline.range_us
        rows = self._timeline.rows
        await asyncio.gather(*(self._read(generation, r.camera_id, start, end) for r in rows))

    async def _read(self, generation: int, camera_id: str, start: int, end: int) -> None:
        try:
            found, error = await self.service.row(camera_id, start, end), ""
        except PlaybackError as exc:
            found, error = None, exc.text
        if generation != self._generation:
            return
        key = camera_id.lower()
        if found is None:
            self._marks.pop(key, None)
        else:
            self._marks[key] = found
        self._errors[key] = error
        index = self._timeline.row_of(camera_id)
        if index >= 0:
            self.sigChanged.emit(index)

    def on_event(self, event: Any) -> None:
        """Another workstation (or this one) changed an annotation: re-read the rows it concerns."""
        if getattr(event, "type", "") != "annotation_changed" or not self._timeline.rows:
            return
        self.refresh()
