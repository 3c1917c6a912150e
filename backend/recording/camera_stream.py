"""Opening a camera's live stream inside the backend: one way for the local recorder and live detection.

The camera's RTSP URL when it has one (``RtspSource``: PyAV demuxing, credentials in the URL never logged), else
XProtect's ImageServer live stream through the backend's Milestone session and inventory (``ImageServerSource``,
MILESTONE_PROTOCOL.md §3). Both sources reconnect with back-off by themselves and report their state through
``on_state``. An ImageServer source reads through one session's vms_token: when the link logs in again, the
source must be reopened (``session_replaced``).
"""

from __future__ import annotations

from backend.milestone_link import MilestoneLink, MilestoneUnavailableError
from media.recorder_imageserver import ImageServerSource
from media.recorder_packets import PacketSource, StateCallback
from media.recorder_rtsp import RtspSource
from milestone.clock import Clock
from milestone.errors import MilestoneError
from milestone.session import MilestoneSession

from .ports import CameraTarget


class CameraStreamUnavailable(Exception):
    """XProtect's live stream of the camera cannot be had now; ``reason`` says why (English, for messages and
    logs). Callers wrap it in their own bilingual error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def open_camera_stream(
    camera: CameraTarget, link: MilestoneLink | None, clock: Clock, on_state: StateCallback
) -> tuple[PacketSource, MilestoneSession | None]:
    """The camera's live packet source and the Milestone session it reads through (None: RTSP). Raises
    CameraStreamUnavailable (no XProtect connection, XProtect not connected, camera not in its inventory)."""
    if camera.rtsp_url:
        return RtspSource(camera.rtsp_url, clock=clock, on_state=on_state), None
    if link is None:
        raise CameraStreamUnavailable("this backend has no XProtect connection")
    try:
        session = link.session()
        inventory = await link.inventory()
        xcamera = inventory.camera(camera.milestone_device_id or camera.id)
    except MilestoneUnavailableError as exc:
        raise CameraStreamUnavailable(f"XProtect {exc.state}") from exc
    except KeyError as exc:
        raise CameraStreamUnavailable("the camera is not in XProtect's inventory") from exc
    except MilestoneError as exc:
        raise CameraStreamUnavailable(type(exc).__name__) from exc
    source = ImageServerSource(xcamera, session, clock=clock, stream_id=camera.stream_id, on_state=on_state)
    return source, session


def session_replaced(link: MilestoneLink | None, session: MilestoneSession | None) -> bool:
    """True when an ImageServer source reading through ``session`` must be reopened: the link logged in again
    (a new session; the old one's vms_token is gone). False for RTSP (``session`` None) or while disconnected."""
    if link is None or session is None:
        return False
    try:
        return link.session() is not session
    except MilestoneUnavailableError:
        return False
