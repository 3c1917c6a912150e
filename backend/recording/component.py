"""The recording component of the backend's lifespan: builds the RecordingManager and serves it to routes.

Plugged into ``backend.app.default_components()``; puts the manager on ``app.state.recordings``. When the quota
component runs (``app.state.quotas``, started before this one) local recordings hold stream slots of their
camera's agency (``RecordingQuota``, holder ``backend:<hostname>:<pid>``); when the playback component runs
(``app.state.outages``) the time a local recorder could not record is written to the outage log. It follows the
bus's ``milestone_status`` events: when XProtect connects, local recorders waiting to start are retried at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

from sqlalchemy.orm import sessionmaker

from backend.events import Subscription
from backend.milestone_link import MilestoneLink, MilestoneUnavailableError

from .manager import RecordingLimits, RecordingManager
from .milestone_control import XProtectRecordingControl
from .ports import LocalRecordingControl
from .quota import RecordingQuota
from .store import SessionStore

log = logging.getLogger(__name__)


class RecordingComponent:
    """Starts the manager (resuming persisted sessions) after the core services; stops it first."""

    name = "recording"

    def __init__(self, ctx, local: LocalRecordingControl | None = None) -> None:
        settings = ctx.settings.recording
        storage = getattr(ctx.state, "storage", None)
        quotas = getattr(ctx.state, "quotas", None)
        self._bus = ctx.bus
        self._follower: asyncio.Task[None] | None = None
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
                on_ended=lambda camera_id: self.manager.local_recorder_ended(camera_id),
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
            outages=getattr(ctx.state, "outages", None),
        )
        ctx.state.recordings = self.manager

    async def start(self) -> None:
        subscription = self._bus.subscribe(types=["milestone_status"], maxsize=16)
        self._follower = asyncio.create_task(self._follow_milestone(subscription), name="recording-milestone-status")
        await self.manager.start()

    async def stop(self) -> None:
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
        await self.manager.close()

    async def _follow_milestone(self, subscription: Subscription) -> None:
        """XProtect connected (``milestone_status`` with ``connected``): retry the waiting local recorders."""
        try:
            while True:
                try:
                    event = await subscription.get()
                except EOFError:
                    return
                if event.data.get("connected"):
                    try:
                        self.manager.xprotect_connected()
                    except Exception:
                        log.exception("retrying the local recorders after XProtect connected failed")
        finally:
            subscription.close()


def _session_of(link: MilestoneLink):
    def session():
        try:
            return link.session()
        except MilestoneUnavailableError:
            return None

    return session
