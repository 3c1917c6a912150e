"""The exports component of the backend's lifespan (``backend.app.default_components``, after storage).

Builds the ``ExportService`` over the storage component's object store and spool (``app.state.storage``), the
backend's XProtect link and the audit log, and puts it on ``app.state.exports`` for the routes
(``backend.api.exports``). Scratch files live in ``<data_dir>/exports-work`` (emptied at start-up). The face
detector (CenterFace) is loaded only by jobs that mask faces. Gauge ``backend_exports{status}``: jobs queued or
running in this process.
"""

from __future__ import annotations

from typing import Any

from backend.detection.face import FaceDetector
from backend.exports.job import JobDeps
from backend.exports.mask import FaceFinder
from backend.exports.service import ExportService
from backend.exports.settings import ExportSettings


class ExportComponent:
    """See the module docstring."""

    name = "exports"

    def __init__(self, ctx: Any) -> None:
        settings: ExportSettings = ctx.settings.exports
        storage = getattr(ctx.state, "storage", None)
        auth = getattr(ctx.state, "auth", None)

        def face_finder() -> FaceFinder:
            return FaceDetector(confidence=settings.face_confidence, threads=1)

        deps = JobDeps(
            db=ctx.db,
            store=storage.store if storage is not None else None,
            spool_root=storage.spool.root if storage is not None else ctx.settings.spool_path,
            link=ctx.milestone,
            audit=getattr(auth, "audit", None),
            clock=ctx.clock,
            settings=settings,
            version=str(getattr(ctx.state, "version", "source")),
            work_dir=ctx.settings.resolve("exports-work"),
            face_finder=face_finder,
        )
        self.service = ExportService(deps, ctx.bus)
        ctx.state.exports = self.service

    async def start(self) -> None:
        await self.service.start()

    async def stop(self) -> None:
        await self.service.stop()
