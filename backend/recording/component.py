"""The recording component of the backend's lifespan: builds the RecordingManager and serves it to routes.

Plugged into ``backend.app.default_components()``; puts the manager on ``app.state.recordings``.
"""

from __future__ import annotations

import socket

from sqlalchemy.orm import sessionmaker

from backend.milestone_link import MilestoneLink, MilestoneUnavailableError

from .manager import RecordingLimits, RecordingManager
from .milestone_control import XProtectRecordingControl
from .ports import LocalRecordingControl
from .store import SessionStore


class RecordingComponent:
    """Starts the manager (resuming persisted sessions) after the core services; stops it first."""

    name = "recording"

    def __init__(self, ctx, local: LocalRecordingControl | None = None) -> None:
        settings = ctx.settings.recording
        storage = getattr(ctx.state, "storage", None)
        if local is None and storage is not None:
            from .local_control import LocalRecorders

            local = LocalRecorders(
                storage, ctx.milestone, ctx.clock, segment_seconds=settings.segment_seconds, publish=ctx.bus.publish
            )
        limits = RecordingLimits(
            default_s=settings.default_duration,
            min_s=settings.min_duration,
            max_s=settings.max_duration,
            max_concurrent=settings.max_concurrent,
        )
        store = SessionStore(sessionmaker(ctx.db.engine, expire_on_commit=False), instance=socket.gethostname())
        self.manager = RecordingManager(
            store,
            limits,
            milestone=XProtectRecordingControl(_session_of(ctx.milestone)),
            local=local,
            publish=ctx.bus.publish,
            clock=ctx.clock,
        )
        ctx.state.recordings = self.manager

    async def start(self) -> None:
        await self.manager.start()

    async def stop(self) -> None:
        await self.manager.close()


def _session_of(link: MilestoneLink):
    def session():
        try:
            return link.session()
        except MilestoneUnavailableError:
            return None

    return session
