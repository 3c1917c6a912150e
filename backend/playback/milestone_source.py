"""What XProtect recorded: sequences and snapshots through the backend's Milestone link.

RecorderCommandService on the camera's recording server (MILESTONE_PROTOCOL.md §4): ``SequencesGet`` with the
RecordingSequence and MotionSequence types (each sequence overlapping ``[minTime, maxTime]`` with its full
extent, oldest first, at most ``maxCount``: longer answers are fetched page by page from the last sequence
seen), and ``JPEGGetAt`` for a recorded picture. Times on that protocol are ms UTC; here they become µs.

The recording server's web address comes from the camera row (stored at import); a camera imported before
that was known is looked up in the link's inventory.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from backend.milestone_link import NOT_CONFIGURED, MilestoneLink, MilestoneUnavailableError
from milestone.errors import MilestoneError
from milestone.models import MOTION_SEQUENCE, RECORDING_SEQUENCE, RecordingServer
from milestone.recorder import RecorderCommandClient

from .local_index import CameraInfo
from .merge import Interval, union

log = logging.getLogger(__name__)

PAGE_SIZE = 1000
MAX_PAGES = 20  # 20 000 sequences: far more than a month of a camera's recording and motion


class MilestoneUnavailable(Exception):
    """XProtect could not answer (not connected, unreachable, refused); ``reason`` has no secrets."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class MilestoneFootage:
    """XProtect's recording and motion sequences overlapping a range (full extents, µs, sorted, disjoint)."""

    recordings: list[Interval]
    motion: list[Interval]


class MilestoneSource:
    """Sequences and snapshots of a camera from XProtect; ``timeout_s`` bounds each whole operation."""

    def __init__(self, link: MilestoneLink, *, timeout_s: float = 15.0) -> None:
        self._link = link
        self._timeout_s = timeout_s

    def applicable(self, camera: CameraInfo) -> bool:
        """True when the camera is an XProtect camera and XProtect is configured."""
        return bool(camera.milestone_device_id) and self._link.status().state != NOT_CONFIGURED

    async def _recorder(self, camera: CameraInfo) -> RecorderCommandClient:
        try:
            session = self._link.session()
        except MilestoneUnavailableError as exc:
            raise MilestoneUnavailable(f"XProtect {exc.state}") from exc
        uri = camera.recording_server_uri
        server_id, server_name = camera.recording_server_id or "", camera.recording_server_name or ""
        if not uri:
            inventory = await self._link.inventory()
            xcamera = inventory.camera(camera.milestone_device_id or camera.id)
            if xcamera.recording_server is None:
                raise MilestoneUnavailable("the camera's recording server is not visible to the backend's user")
            uri, server_id, server_name = (
                xcamera.recording_server.web_server_uri,
                xcamera.recording_server.id,
                xcamera.recording_server.name,
            )
        return session.recorder(RecordingServer(server_id, server_name, "", 0, uri))

    async def footage(self, camera: CameraInfo, lo_us: int, hi_us: int, *, motion: bool = True) -> MilestoneFootage:
        """Recording (and motion) sequences overlapping ``[lo_us, hi_us)``. Raises MilestoneUnavailable."""
        try:
            async with asyncio.timeout(self._timeout_s):
                recorder = await self._recorder(camera)
                device = camera.milestone_device_id or camera.id
                if motion:
                    recordings, moving = await asyncio.gather(
                        _sequences(recorder, device, RECORDING_SEQUENCE, lo_us, hi_us),
                        _sequences(recorder, device, MOTION_SEQUENCE, lo_us, hi_us),
                    )
                else:
                    recordings, moving = await _sequences(recorder, device, RECORDING_SEQUENCE, lo_us, hi_us), []
        except TimeoutError:
            raise MilestoneUnavailable(f"XProtect did not answer within {self._timeout_s:g} s") from None
        except (MilestoneError, MilestoneUnavailableError, KeyError) as exc:
            self._link.report_failure(exc)
            raise MilestoneUnavailable(_describe(exc)) from exc
        return MilestoneFootage(recordings, moving)

    async def jpeg_at(self, camera: CameraInfo, time_us: int) -> tuple[int, bytes] | None:
        """``JPEGGetAt``: ``(picture time µs, JPEG)`` of the recorded picture at or just before ``time_us``, or
        None when nothing is recorded there. Raises MilestoneUnavailable."""
        try:
            async with asyncio.timeout(self._timeout_s):
                recorder = await self._recorder(camera)
                found = await recorder.jpeg_get_at(camera.milestone_device_id or camera.id, time_us // 1000)
        except TimeoutError:
            raise MilestoneUnavailable(f"XProtect did not answer within {self._timeout_s:g} s") from None
        except (MilestoneError, MilestoneUnavailableError, KeyError) as exc:
            self._link.report_failure(exc)
            raise MilestoneUnavailable(_describe(exc)) from exc
        if found is None:
            return None
        time_ms, jpeg = found
        return time_ms * 1000, jpeg


async def _sequences(recorder: RecorderCommandClient, device: str, kind: str, lo_us: int, hi_us: int) -> list[Interval]:
    """Every sequence of ``kind`` overlapping the range, page by page; µs, merged."""
    lo_ms, hi_ms = lo_us // 1000, -(-hi_us // 1000)
    found: list[Interval] = []
    cursor = lo_ms
    for _ in range(MAX_PAGES):
        page = await recorder.sequences_get(device, kind, cursor, hi_ms, PAGE_SIZE)
        found += [(s.begin_ms * 1000, s.end_ms * 1000) for s in page if s.end_ms > s.begin_ms]
        if len(page) < PAGE_SIZE:
            break
        last_end = max(s.end_ms for s in page)
        if last_end <= cursor or last_end >= hi_ms:
            break
        cursor = last_end
    else:
        log.warning(
            "XProtect returned more than %d sequences of %s for %s; the rest is left out",
            PAGE_SIZE * MAX_PAGES,
            kind,
            device,
        )
    return union(found)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, MilestoneUnavailableError):
        return f"XProtect {exc.state}"
    if isinstance(exc, KeyError):
        return "the camera is not in XProtect's inventory"
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
