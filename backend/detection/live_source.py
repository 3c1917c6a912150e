"""Live mode's access to a camera: which camera a configured name means, its live stream, and its stream slot.

- :class:`LiveCameras` looks a configured name up in the ``cameras`` table: the backend's camera id or the
  camera's XProtect device id (GUID, any case). Unknown or disabled: :class:`LiveCameraError` (bilingual).
- :func:`open_live_source` opens the camera's live stream exactly as the local recorder does
  (``backend.recording.camera_stream.open_camera_stream``: RTSP, else XProtect's ImageServer).
- :class:`LiveSlot` holds one ``live`` stream-quota slot of the camera's agency (``OTHER`` when the agency has
  no limit) for holder ``detection:<host>:<pid>``, as ``backend.recording.quota`` does for local recordings:
  reserve before the stream opens, heartbeat every TTL/3, reserve again when it expired, release at the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import sessionmaker

from backend.db.models import Camera
from backend.errors import BilingualError
from backend.milestone_link import MilestoneLink
from backend.quotas.service import ReservationNotFoundError
from backend.recording.camera_stream import CameraStreamUnavailable, open_camera_stream
from backend.recording.ports import CameraTarget
from backend.recording.quota import QuotaPort, reserve_slot
from backend.recording.store import camera_target
from media.recorder_packets import PacketSource, StateCallback
from milestone.clock import Clock
from milestone.session import MilestoneSession


class LiveCameraError(BilingualError):
    """A configured live camera the backend cannot use: ``reason`` ``unknown`` (no camera has this id or
    XProtect device id) or ``disabled``. ``details``: camera (the configured text), reason."""

    code, status = "live_camera_invalid", 422

    def __init__(self, camera: str, reason: str) -> None:
        if reason == "disabled":
            en = f"Live detection: camera {camera} is disabled in the backend."
            ar = f"الكشف المباشر: الكاميرا {camera} معطلة في الخادم."
        else:
            en = (
                f"Live detection: camera {camera} is not a camera of this backend; import it or correct "
                "detection.live_cameras."
            )
            ar = f"الكشف المباشر: الكاميرا {camera} ليست من كاميرات هذا الخادم؛ استوردها أو صحّح detection.live_cameras."
        super().__init__(en, ar, {"camera": camera, "reason": reason})
        self.reason = reason


class LiveSourceUnavailableError(BilingualError):
    """503: the camera's live stream cannot be opened now (XProtect not connected, the camera not in its
    inventory). Retried."""

    code, status = "live_source_unavailable", 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"The camera's live stream from XProtect is not available now ({reason}); retrying.",
            f"البث المباشر للكاميرا من XProtect غير متاح حالياً ({reason})؛ ستتم إعادة المحاولة.",
            {"reason": reason},
        )


class LiveCameras:
    """Looks configured camera names up in the ``cameras`` table (blocking: call from a worker thread)."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def find(self, name: str) -> CameraTarget:
        """The camera whose id, or XProtect device id (case-insensitive), is ``name``. Raises LiveCameraError."""
        wanted = name.strip()
        statement = select(Camera).where(
            or_(Camera.id == wanted, func.lower(Camera.milestone_device_id) == wanted.lower())
        )
        with self._sessions() as s:
            rows = list(s.scalars(statement.order_by(Camera.id)))
        if not rows:
            raise LiveCameraError(name, "unknown")
        row = next((r for r in rows if r.id == wanted), rows[0])
        if not row.enabled:
            raise LiveCameraError(name, "disabled")
        return camera_target(row)


async def open_live_source(
    camera: CameraTarget, link: MilestoneLink | None, clock: Clock, on_state: StateCallback
) -> tuple[PacketSource, MilestoneSession | None]:
    """The camera's live packet source and the Milestone session it reads through (None: RTSP), opened as the
    local recorder opens it (``backend.recording.camera_stream``). Raises LiveSourceUnavailableError when
    XProtect's live stream cannot be had now."""
    try:
        return await open_camera_stream(camera, link, clock, on_state)
    except CameraStreamUnavailable as exc:
        raise LiveSourceUnavailableError(exc.reason) from exc


class LiveSlot:
    """One camera's ``live`` stream slot (see the module docstring); ``quotas`` None: no stream quotas.

    :meth:`acquire` and :meth:`keep` raise ``QuotaExceededError`` (the agency is full) and
    ``QuotaStoreUnavailableError`` (the store does not answer); :meth:`release` never raises.
    """

    def __init__(self, quotas: QuotaPort | None, holder: str, camera: CameraTarget) -> None:
        self._quotas = quotas
        self.holder = holder
        self.camera = camera
        self.reservation_id: str | None = None

    @property
    def interval_s(self) -> float | None:
        """Seconds between heartbeats (TTL/3); None without quotas."""
        return self._quotas.ttl_s / 3 if self._quotas is not None else None

    async def acquire(self) -> None:
        """Reserve the slot (nothing when one is held already)."""
        if self._quotas is None or self.reservation_id is not None:
            return
        self.reservation_id = await reserve_slot(self._quotas, self.camera, self.holder, "live")

    async def keep(self) -> None:
        """Heartbeat the slot; reserve it again when it expired (or was never obtained)."""
        if self._quotas is None:
            return
        if self.reservation_id is not None:
            try:
                await self._quotas.heartbeat(self.reservation_id)
                return
            except ReservationNotFoundError:
                self.reservation_id = None
        await self.acquire()

    async def release(self, log_failure: Callable[[str], None] | None = None) -> None:
        """Give the slot back; a failure is passed to ``log_failure`` (the TTL frees the slot)."""
        reservation_id, self.reservation_id = self.reservation_id, None
        if self._quotas is None or reservation_id is None:
            return
        try:
            await asyncio.shield(self._quotas.release(reservation_id))
        except Exception as exc:
            if log_failure is not None:
                log_failure(f"{type(exc).__name__}: {exc}")
