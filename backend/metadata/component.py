"""The metadata component of the backend's lifespan (``backend.app.default_components``): builds the
``MetadataService`` over the backend's database, read-only database, event bus and clock and puts it on
``app.state.metadata`` for ``backend.api.metadata``. It owns no task: start and stop do nothing else."""

from __future__ import annotations

from typing import Any

from backend.metadata.service import MetadataService


class MetadataComponent:
    """See the module docstring."""

    name = "metadata"

    def __init__(self, ctx: Any) -> None:
        self.service = MetadataService(ctx.db, ctx.state.reads, ctx.bus, ctx.clock, ctx.settings.metadata)
        ctx.state.metadata = self.service

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
