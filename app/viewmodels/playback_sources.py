"""Where the GUI finds a camera's recordings: the backend when it answers, else XProtect through the GUI's session.

``RecordingsService.lanes`` lists what is recorded over a range (the timeline): the backend's
``POST .../recordings/query`` (XProtect and local segments merged, gaps with reasons), or, when no backend is
connected or it does not know the camera, XProtect's own ``SequencesGet`` for the recording and motion types
through the GUI's Milestone session (MILESTONE_PROTOCOL.md §4). ``RecordingsService.media_source`` builds the
media engine's source for a range: local segments (``GET .../playback/source``, presigned or the backend's
byte-range route with its ``Authorization`` header) or the ImageServer (``goto``/``next``/``previous``,
MILESTONE_PROTOCOL.md §3) with the GUI's own vms_token, as the backend prefers. Coroutines run on the qasync
loop; they only await I/O. Failures raise ``PlaybackError`` with the operator's text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin

from media.playback.imageserver_source import ImageServerPlaybackSource
from media.playback.local_source import LocalSegmentsSource
from media.playback.segment_reader import SegmentRef
from milestone.errors import MilestoneError
from milestone.models import MOTION_SEQUENCE, RECORDING_SEQUENCE, Camera

from ..backend_link.client import BackendError
from ..backend_link.connection import BackendConnection
from .playback_lanes import CameraLanes, lanes_from_query, lanes_from_sequences
from .playback_texts import backend_error_text, milestone_error_text, translate
from .playback_time import from_us

log = logging.getLogger(__name__)

SEQUENCES_PAGE = 1000  # SequencesGet maxCount per call
SEQUENCES_PAGES = 20  # at most 20 000 sequences per type and range
SOURCE_WINDOW_US = 12 * 3600 * 1_000_000  # local segments read around the playhead when a range lists too many


class PlaybackError(Exception):
    """A failure to list or open recordings; ``text`` is the operator's message (translated)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True, slots=True)
class MediaSourcePlan:
    """How one camera's range is played: ``kind`` ``local`` | ``milestone``; ``source`` the media engine's
    source object (``LocalSegmentsSource`` / ``ImageServerPlaybackSource``)."""

    kind: str
    source: Any


class RecordingsService:
    """See the module docstring. ``login`` is the ``LoginViewModel`` (its ``session`` and ``inventory`` are read
    at call time, so a re-login is followed); ``backend`` the ``BackendConnection``."""

    def __init__(self, backend: BackendConnection, login: Any) -> None:
        self._backend = backend
        self._login = login

    def camera(self, camera_id: str) -> Camera | None:
        inventory = self._login.inventory
        if inventory is None:
            return None
        try:
            return inventory.camera(camera_id)
        except KeyError:
            return None

    def _backend_id(self, camera_id: str) -> str | None:
        if self._backend.client is None or not self._backend.usable:
            return None
        return self._backend.backend_camera_id(camera_id)

    # --- what is recorded -------------------------------------------------------------------------------
    async def lanes(self, camera_id: str, start_us: int, end_us: int) -> CameraLanes:
        """The timeline lanes of ``camera_id`` over ``[start_us, end_us)``. Raises PlaybackError."""
        backend_id = self._backend_id(camera_id)
        client = self._backend.client
        if backend_id is not None and client is not None:
            try:
                result = await client.query_recordings(backend_id, from_us(start_us), from_us(end_us))
            except BackendError as exc:
                if exc.answered:
                    raise PlaybackError(backend_error_text(exc)) from None
                log.info("the backend does not answer (%s); asking XProtect for the sequences", exc.code)
            else:
                lanes = lanes_from_query(result)
                if lanes.camera_id.lower() != camera_id.lower():  # the backend's id: keep the GUI's own
                    lanes = replace(lanes, camera_id=camera_id)
                return lanes
        return await self._milestone_lanes(camera_id, start_us, end_us)

    async def _milestone_lanes(self, camera_id: str, start_us: int, end_us: int) -> CameraLanes:
        session, camera = self._login.session, self.camera(camera_id)
        if session is None or camera is None or camera.recording_server is None:
            raise PlaybackError(translate("PlaybackTexts", "Not connected to XProtect: log in to see recordings."))
        recorder = session.recorder(camera.recording_server)
        try:
            recordings = await _all_sequences(recorder, camera.id, RECORDING_SEQUENCE, start_us, end_us)
            motion = await _all_sequences(recorder, camera.id, MOTION_SEQUENCE, start_us, end_us)
        except MilestoneError as exc:
            log.info("SequencesGet for camera %s failed: %s", camera_id, type(exc).__name__)
            raise PlaybackError(milestone_error_text(type(exc).__name__)) from None
        message = "" if recordings else translate("PlaybackTexts", "Nothing is recorded in this range.")
        return lanes_from_sequences(camera_id, start_us, end_us, recordings, motion, message)

    # --- how to play it ---------------------------------------------------------------------------------
    async def media_source(
        self, camera_id: str, start_us: int, end_us: int, around_us: int | None = None
    ) -> MediaSourcePlan:
        """The media engine's source for ``camera_id`` over the range, as the backend prefers (XProtect when
        there is no backend). When the backend lists only part of a long range's local segments (``truncated``),
        the source covers ``SOURCE_WINDOW_US`` around ``around_us`` (the playhead) instead. Raises PlaybackError."""
        backend_id = self._backend_id(camera_id)
        client = self._backend.client
        if backend_id is not None and client is not None:
            try:
                at = from_us(around_us) if around_us is not None else None
                plan = await client.playback_source(backend_id, from_us(start_us), from_us(end_us), at)
                if plan.truncated and around_us is not None:
                    low = max(start_us, around_us - SOURCE_WINDOW_US // 2)
                    high = min(end_us, low + SOURCE_WINDOW_US)
                    log.info(
                        "camera %s: %d local segments listed of more; reading around the playhead",
                        camera_id,
                        len(plan.local),
                    )
                    plan = await client.playback_source(backend_id, from_us(low), from_us(high), at)
            except BackendError as exc:
                if exc.answered:
                    raise PlaybackError(backend_error_text(exc)) from None
                plan = None
            if plan is not None and plan.preferred == "local" and plan.local:
                headers = client.media_headers()
                refs = [
                    SegmentRef(
                        url=urljoin(client.base_url + "/", seg.url),
                        start_us=int(seg.start_us),
                        end_us=int(seg.end_us),
                        headers=headers if seg.requires_auth else None,
                    )
                    for seg in plan.local
                ]
                return MediaSourcePlan("local", LocalSegmentsSource(refs))
        session, camera = self._login.session, self.camera(camera_id)
        if session is None or camera is None:
            raise PlaybackError(translate("PlaybackTexts", "Not connected to XProtect: log in to see recordings."))
        if camera.recording_server is None:
            raise PlaybackError(milestone_error_text("NotFoundError"))
        return MediaSourcePlan("milestone", ImageServerPlaybackSource(camera, session))


async def _all_sequences(recorder: Any, device_id: str, kind: str, start_us: int, end_us: int) -> list[tuple[int, int]]:
    """Every sequence of ``kind`` overlapping the range as (begin_ms, end_ms), paging by ``SEQUENCES_PAGE``."""
    out: list[tuple[int, int]] = []
    cursor_ms, end_ms = start_us // 1000, -(-end_us // 1000)
    for _ in range(SEQUENCES_PAGES):
        page = await recorder.sequences_get(device_id, kind, cursor_ms, end_ms, SEQUENCES_PAGE)
        fresh = [(s.begin_ms, s.end_ms) for s in page if not out or s.begin_ms >= out[-1][1]]
        out.extend(fresh)
        if len(page) < SEQUENCES_PAGE or not fresh:
            break
        cursor_ms = out[-1][1]
    return out
