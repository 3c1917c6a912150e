"""The recording component of the backend's lifespan: builds the RecordingManager and serves it to routes.

Plugged into ``backend.app.default_components()``; puts the manager on ``app.state.recordings``. When the quota
component runs (``app.state.quotas``, started before this one) local recordings hold stream slots of their
camera's agency (``RecordingQuota``, holder ``backend:<hostname>:<pid>``).
"""

from __future__ import annotations

import os
import socket

from sqlalchemy.orm import sessionmaker

from backend.milestone_link import MilestoneLink, MilestoneUnavailableError

from .manager import RecordingLimits, RecordingManager
from .milestone_control import XProtectRecordingControl
from .ports import LocalRecordingControl
from .quota import RecordingQuota
from .store import SessionStore


class RecordingComponent:
    """Starts the manager (resuming persisted sessions) after the core services; stops it first."""

    name = "recording"

    def __init__(self, ctx, local: LocalRecordingControl | None = None) -> None:
        settings = ctx.settings.recording
        storage = getattr(ctx.state, "storage", None)
        quotas = getattr(ctx.state, "quotas", None)
        quota = None
        if quotas is not None:
            holder = f"backend:{socket.gethostname()}:{os.getpid()}"
            quota = RecordingQuota(quotas, holder=holder, clock=ctx.clock)
        if local is None and storage is not None:
            from .local_control import LocalRecorders

            local = LocalRecorders(
                storage,
                ctx.milestone,
                ctx.clock,
                segment_seconds=settings.segment_seconds,
                publish=ctx.bus.publish,
                on_ended=quota.recorder_ended if quota is not None else None,
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
            quota=quota if local is not None else None,
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
