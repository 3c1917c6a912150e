"""``MetadataService``: the async face of tags, tagged ranges, annotations, incidents and search.

Writes run through ``Database.run`` (one transaction each; the SQLite FTS triggers update the index in the
same transaction), reads and searches through ``ReadDatabase.run`` (never SQLite's write lock). After a
committed change of an annotation or incident it publishes ``annotation_changed`` / ``incident_changed``
(``{"id", "change": created|updated|deleted, "cameraIds"}``; ``camera_id`` = the annotation's camera, or the
incident's first camera). ``actor`` is the caller's name (``Principal.name``); ``moderator`` is True when the
caller holds ``incidents`` (may change anyone's annotations and tagged ranges).
"""

from __future__ import annotations

from typing import Any

from backend.api.schemas_metadata import (
    AnnotationCreate,
    AnnotationOut,
    AnnotationPage,
    AnnotationPatch,
    IncidentCreate,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    SearchPage,
    TagCreate,
    TaggedRangeCreate,
    TaggedRangeOut,
    TagOut,
    TagPatch,
)
from backend.db.engine import Database
from backend.db.reads import ReadDatabase
from backend.events import EventBus
from backend.metadata import annotations as marks
from backend.metadata import incidents, search, tags
from backend.metadata.settings import MetadataSettings
from milestone.clock import Clock


class MetadataService:
    """See the module docstring. Every method may raise the ``backend.metadata.errors`` errors it names."""

    def __init__(
        self, db: Database, reads: ReadDatabase, bus: EventBus, clock: Clock, settings: MetadataSettings
    ) -> None:
        self._db, self._reads, self._bus, self._clock, self.settings = db, reads, bus, clock, settings

    def _now_us(self) -> int:
        return int(self._clock.time() * 1_000_000)

    def _publish(self, kind: str, ident: int, change: str, camera_ids: list[str]) -> None:
        self._bus.publish(kind, camera_ids[0] if camera_ids else None, id=ident, change=change, cameraIds=camera_ids)

    # ------------------------------------------------------------------------------------------ tags

    async def list_tags(self) -> list[TagOut]:
        return await self._reads.run(tags.list_tags)

    async def create_tag(self, body: TagCreate, actor: str) -> TagOut:
        return await self._db.run(tags.create_tag, body, actor, self._now_us())

    async def patch_tag(self, tag_id: int, body: TagPatch) -> TagOut:
        return await self._db.run(tags.patch_tag, tag_id, body)

    async def delete_tag(self, tag_id: int) -> None:
        await self._db.run(tags.delete_tag, tag_id)

    async def tag_segment(self, segment_id: int, tag_id: int, actor: str) -> TaggedRangeOut:
        return await self._db.run(tags.tag_segment, segment_id, tag_id, actor, self._now_us())

    async def untag_segment(self, segment_id: int, tag_id: int, actor: str, moderator: bool) -> None:
        await self._db.run(tags.untag_segment, segment_id, tag_id, actor, moderator)

    async def list_ranges(self, flt: tags.RangeFilter) -> list[TaggedRangeOut]:
        return await self._reads.run(tags.list_ranges, flt)

    async def create_range(self, body: TaggedRangeCreate, actor: str) -> TaggedRangeOut:
        return await self._db.run(tags.create_range, body, actor, self._now_us())

    async def delete_range(self, range_id: int, actor: str, moderator: bool) -> None:
        await self._db.run(tags.delete_range, range_id, actor, moderator)

    # ------------------------------------------------------------------------------------------ annotations

    async def annotations(self, flt: marks.AnnotationFilter) -> AnnotationPage:
        return await self._reads.run(marks.page, flt)

    async def annotation(self, annotation_id: int) -> AnnotationOut:
        return await self._reads.run(lambda s: marks.annotation_out(marks.get(s, annotation_id)))

    async def create_annotation(self, body: AnnotationCreate, actor: str) -> AnnotationOut:
        out = await self._db.run(marks.create, body, actor, self._now_us())
        self._publish("annotation_changed", out.id, "created", [out.camera_id])
        return out

    async def patch_annotation(
        self, annotation_id: int, body: AnnotationPatch, actor: str, moderator: bool
    ) -> AnnotationOut:
        out = await self._db.run(marks.patch, annotation_id, body, actor, moderator, self._now_us())
        self._publish("annotation_changed", out.id, "updated", [out.camera_id])
        return out

    async def delete_annotation(self, annotation_id: int, actor: str, moderator: bool) -> None:
        camera_id = await self._db.run(marks.delete, annotation_id, actor, moderator)
        self._publish("annotation_changed", annotation_id, "deleted", [camera_id])

    # ------------------------------------------------------------------------------------------ incidents

    async def incidents(self, flt: search.SearchFilter) -> IncidentPage:
        s = self.settings
        return await self._reads.run(search.incident_page, flt, s.total_cap, s.snippet_words)

    async def incident(self, incident_id: int) -> IncidentOut:
        def one(session: Any) -> IncidentOut:
            return incidents.outs(session, [incidents.get(session, incident_id).id])[0]

        return await self._reads.run(one)

    async def create_incident(self, body: IncidentCreate, actor: str) -> IncidentOut:
        out = await self._db.run(incidents.create, body, actor, self._now_us())
        self._publish("incident_changed", out.id, "created", out.camera_ids)
        return out

    async def patch_incident(self, incident_id: int, body: IncidentPatch) -> IncidentOut:
        out = await self._db.run(incidents.patch, incident_id, body, self._now_us())
        self._publish("incident_changed", out.id, "updated", out.camera_ids)
        return out

    async def delete_incident(self, incident_id: int) -> None:
        camera_ids = await self._db.run(incidents.delete, incident_id)
        self._publish("incident_changed", incident_id, "deleted", camera_ids)

    # ------------------------------------------------------------------------------------------ search

    async def search(self, flt: search.SearchFilter) -> SearchPage:
        s = self.settings
        return await self._reads.run(search.search, flt, s.total_cap, s.snippet_words)
