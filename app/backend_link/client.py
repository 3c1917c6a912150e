"""Async HTTP client of the backend's REST API (``/health``, ``/api/v1/cameras``, manual recording, playback,
stream quotas, object detections).

Results are the backend's own wire models (``backend.api.schemas`` / ``schemas_recording`` / ``schemas_playback``,
the only backend modules the GUI may import). Every failure raises ``BackendError``: the backend's bilingual error
body ``{"error": {"code", "message", "message_ar", "details"}}`` becomes
``status``/``code``/``message``/``message_ar``/``details``; a backend that does not answer raises it with ``status``
0 and code ``unreachable`` (or ``timeout``); an answer that does not match the contract gives code ``bad_response``.
The API token goes in the ``Authorization`` header only (never in a URL or a log).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from backend.api.schemas import API_PREFIX, CameraList, CameraOut, HealthOut, ImportResult
from backend.api.schemas_detection import DetectionPage, DetectionStatusOut, DetectionSummary
from backend.api.schemas_playback import PlaybackSourceResult, RecordingQueryResult, TimelineResult
from backend.api.schemas_quotas import HeartbeatOut, QuotaStats, ReleaseOut, ReservationOut
from backend.api.schemas_recording import (
    ActiveRecordings,
    RecordingLimitsOut,
    RecordingStarted,
    RecordingStatus,
    RecordingStopped,
    RunningRecording,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
QUOTA_TIMEOUT_S = 3.0  # reserve/heartbeat/release: a tile must not wait long for a quota answer
IMPORT_BATCH = 500  # cameras per import request (the API accepts up to 5000)

M = TypeVar("M", bound=BaseModel)

# Client-side error codes (no answer from the backend); the view-models translate them.
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
BAD_RESPONSE = "bad_response"


def is_loopback(url: str) -> bool:
    """True for a backend on this machine (127.x, ::1, localhost): never reached through an HTTP proxy."""
    host = httpx.URL(url).host.lower()
    return host in ("localhost", "::1") or host.startswith("127.")


class BackendError(Exception):
    """A failed backend call.

    ``status``: HTTP status (0 when the backend did not answer). ``code``: the backend's machine code (e.g.
    ``already_recording``, ``duration_out_of_range``, ``camera_not_found``, ``not_recording``) or one of
    ``unreachable``/``timeout``/``bad_response``. ``message``/``message_ar``: the backend's English and Arabic
    texts ("" for client-side errors). ``details``: the error's details; ``current_recording``: the 409's
    ``currentRecording`` ({recordingId, startTime, remainingSeconds}) when starting a recording that runs.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str = "",
        message_ar: str = "",
        details: dict[str, Any] | None = None,
        current_recording: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}" if message else f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.message_ar = message_ar
        self.details = details or {}
        self.current_recording = current_recording

    @property
    def answered(self) -> bool:
        """True when the backend answered (an HTTP error), False when it could not be reached."""
        return self.status != 0

    def text(self, arabic: bool) -> str:
        """The backend's message in the operator's language (Arabic when ``arabic`` and available)."""
        return (self.message_ar or self.message) if arabic else (self.message or self.message_ar)


def _error_from_response(response: httpx.Response) -> BackendError:
    try:
        body = response.json()
    except ValueError:
        body = None
    info = body.get("error") if isinstance(body, dict) else None
    if not isinstance(info, dict):
        return BackendError(response.status_code, f"http_{response.status_code}", response.reason_phrase)
    current = body.get("currentRecording") if isinstance(body, dict) else None
    details = info.get("details") if isinstance(info.get("details"), dict) else {}
    if current is None and isinstance(details.get("currentRecording"), dict):
        current = details["currentRecording"]
    return BackendError(
        response.status_code,
        str(info.get("code") or f"http_{response.status_code}"),
        str(info.get("message") or ""),
        str(info.get("message_ar") or ""),
        details,
        current if isinstance(current, dict) else None,
    )


class BackendClient:
    """REST client of one backend at ``base_url`` (``http://host:port``) authenticated by ``token``.

    ``transport``: an httpx transport for tests (default: real sockets). Use ``aclose()`` when done.
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT_S, transport: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._authorization = f"Bearer {token}" if token else ""
        headers = {"Accept": "application/json"} | ({"Authorization": self._authorization} if token else {})
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout,
            transport=transport,
            trust_env=not is_loopback(self.base_url),  # a proxy must never see the loopback backend or its token
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- plumbing ---------------------------------------------------------------------------------------
    def media_headers(self) -> dict[str, str]:
        """The header a media reader sends to the backend's own byte-range route (``requires_auth`` segments).
        Holds the API token: pass it to the media engine only, never log it."""
        return {"Authorization": self._authorization}

    async def _send(self, method: str, path: str, ok: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise BackendError(0, TIMEOUT, type(exc).__name__) from None
        except (httpx.TransportError, OSError) as exc:
            raise BackendError(0, UNREACHABLE, type(exc).__name__) from None
        if response.status_code not in ok:
            raise _error_from_response(response)
        return response

    async def _request(self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        response = await self._send(method, path, ok, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise BackendError(response.status_code, BAD_RESPONSE, "not JSON") from None

    @staticmethod
    def _parse(model: type[M], body: Any) -> M:
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            log.warning("the backend's answer does not match %s: %s", model.__name__, exc.errors()[:3])
            raise BackendError(200, BAD_RESPONSE, f"unexpected {model.__name__}") from None

    @staticmethod
    def _camera_path(camera_id: str, tail: str) -> str:
        return f"{API_PREFIX}/cameras/{quote(camera_id, safe='')}/{tail}"

    # --- system -----------------------------------------------------------------------------------------
    async def health(self) -> HealthOut:
        """``GET /health`` (no token needed): overall ``status`` ok|unavailable (503 is an answer, not an
        error here) and per-check ``checks[name]`` {ok, status, critical, message, message_ar, ...}."""
        return self._parse(HealthOut, await self._request("GET", "/health", ok=(200, 503)))

    # --- cameras ----------------------------------------------------------------------------------------
    async def import_cameras(self, milestone_ids: list[str]) -> list[CameraOut]:
        """``POST /api/v1/cameras/import`` of these XProtect camera GUIDs (idempotent; batches of
        ``IMPORT_BATCH``); returns the backend's cameras. Raises BackendError (503 while the backend's own
        XProtect session is not connected yet, 404 when XProtect does not know an id)."""
        cameras: list[CameraOut] = []
        for start in range(0, len(milestone_ids), IMPORT_BATCH):
            batch = milestone_ids[start : start + IMPORT_BATCH]
            body = {"cameras": [{"milestoneDeviceId": camera_id} for camera_id in batch]}
            result = self._parse(ImportResult, await self._request("POST", f"{API_PREFIX}/cameras/import", json=body))
            cameras.extend(result.cameras)
        return cameras

    async def cameras(self, page: int = 1000) -> list[CameraOut]:
        """Every camera of the backend (``GET /api/v1/cameras``, paged)."""
        out: list[CameraOut] = []
        while True:
            params = {"limit": page, "offset": len(out)}
            result = self._parse(CameraList, await self._request("GET", f"{API_PREFIX}/cameras", params=params))
            out.extend(result.cameras)
            if not result.cameras or len(out) >= result.total:
                return out

    # --- manual recording -------------------------------------------------------------------------------
    async def start_recording(self, camera_id: str, duration_s: int) -> RecordingStarted:
        """``POST .../recordings/start {"duration": s}``. Raises BackendError: 409 ``already_recording`` (with
        ``current_recording``), 400 ``duration_out_of_range`` (details minimum/maximum), 404, 429, 502, 503."""
        body = await self._request(
            "POST", self._camera_path(camera_id, "recordings/start"), json={"duration": int(duration_s)}
        )
        return self._parse(RecordingStarted, body)

    async def stop_recording(self, camera_id: str) -> RecordingStopped:
        """``POST .../recordings/stop``. Raises BackendError 404 ``not_recording`` when nothing records."""
        body = await self._request("POST", self._camera_path(camera_id, "recordings/stop"))
        return self._parse(RecordingStopped, body)

    async def recording_status(self, camera_id: str) -> RecordingStatus:
        """``GET .../recordings/status``: ``is_recording`` with ``recording`` or ``last_recording``."""
        body = await self._request("GET", self._camera_path(camera_id, "recordings/status"))
        return self._parse(RecordingStatus, body)

    async def extend_recording(self, camera_id: str, seconds: int) -> RunningRecording:
        """``POST .../recordings/extend {"seconds": n}``; 400 when the total would exceed the maximum."""
        body = await self._request(
            "POST", self._camera_path(camera_id, "recordings/extend"), json={"seconds": int(seconds)}
        )
        return self._parse(RunningRecording, body)

    async def recording_limits(self) -> RecordingLimitsOut:
        """``GET /api/v1/recordings/limits``: the durations the backend accepts (seconds)."""
        return self._parse(RecordingLimitsOut, await self._request("GET", f"{API_PREFIX}/recordings/limits"))

    async def active_recordings(self) -> ActiveRecordings:
        """``GET /api/v1/recordings/active``: every running recording of this backend."""
        return self._parse(ActiveRecordings, await self._request("GET", f"{API_PREFIX}/recordings/active"))

    # --- recordings and playback ------------------------------------------------------------------------
    async def query_recordings(self, camera_id: str, start: datetime, end: datetime) -> RecordingQueryResult:
        """``POST .../recordings/query {startTime, endTime}`` (aware datetimes): sequences (XProtect and local
        merged), gaps with reasons, motion, manual sessions, totals. Raises BackendError: 400 (no timezone, end
        before start, range too long), 404 unknown camera, 503/502 XProtect unavailable."""
        body = {"startTime": start.isoformat(), "endTime": end.isoformat()}
        answer = await self._request("POST", self._camera_path(camera_id, "recordings/query"), json=body)
        return self._parse(RecordingQueryResult, answer)

    async def timeline(self, camera_id: str, start: datetime, end: datetime, resolution: str) -> TimelineResult:
        """``GET .../recordings/timeline?startTime=&endTime=&resolution=minute|hour|day``: recorded seconds per
        bucket. Raises BackendError (400 bad range or resolution, 404)."""
        params = {"startTime": start.isoformat(), "endTime": end.isoformat(), "resolution": resolution}
        answer = await self._request("GET", self._camera_path(camera_id, "recordings/timeline"), params=params)
        return self._parse(TimelineResult, answer)

    async def playback_source(
        self, camera_id: str, start: datetime, end: datetime, at: datetime | None = None
    ) -> PlaybackSourceResult:
        """``GET .../playback/source?startTime=&endTime=&at=``: the local segments overlapping the range (URLs the
        media engine opens) and whether XProtect has footage; ``preferred`` local | milestone | none (with
        ``at``, the moment the player opens at: the source with footage there when only one has)."""
        params = {"startTime": start.isoformat(), "endTime": end.isoformat()}
        if at is not None:
            params["at"] = at.isoformat()
        answer = await self._request("GET", self._camera_path(camera_id, "playback/source"), params=params)
        return self._parse(PlaybackSourceResult, answer)

    async def snapshot(self, camera_id: str, time: datetime) -> tuple[bytes, datetime]:
        """``GET .../playback/snapshot?time=``: (JPEG bytes, the picture's time from ``X-Picture-Time``).
        Raises BackendError: 404 when nothing is recorded there, ``bad_response`` when the answer is no JPEG."""
        path = self._camera_path(camera_id, "playback/snapshot")
        params, accept = {"time": time.isoformat()}, {"Accept": "image/jpeg"}
        response = await self._send("GET", path, (200,), params=params, headers=accept)
        return _jpeg_with_time(response)

    # --- object detections ------------------------------------------------------------------------------
    async def detections(
        self,
        *,
        camera_id: str | None = None,
        label: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        min_score: float | None = None,
        detector: str | None = None,
        limit: int | None = None,
        before_id: int | None = None,
    ) -> DetectionPage:
        """``GET /api/v1/detections``: detections newest first (time, then id) matching every filter given;
        ``start``/``end`` aware datetimes (``[start, end)``), ``min_score`` 0..1, ``limit`` 1..1000 (backend
        default 100). Pass the answer's ``next_before_id`` as ``before_id`` for the next, older page. Boxes are
        normalised 0..1 (``backend.api.schemas_detection``). Raises BackendError (400 bad filter, 0 unreachable)."""
        params: dict[str, Any] = {}
        for key, value in (
            ("cameraId", camera_id),
            ("label", label),
            ("start", start.isoformat() if start is not None else None),
            ("end", end.isoformat() if end is not None else None),
            ("minScore", min_score),
            ("detector", detector),
            ("limit", limit),
            ("beforeId", before_id),
        ):
            if value is not None:
                params[key] = value
        answer = await self._request("GET", f"{API_PREFIX}/detections", params=params)
        return self._parse(DetectionPage, answer)

    async def detection_summary(self, camera_id: str, start: datetime, end: datetime) -> DetectionSummary:
        """``GET .../detections/summary?start=&end=``: per label, how many detections the camera has in
        ``[start, end)``, the first and last time and the best score. Raises BackendError (400, 404)."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        answer = await self._request("GET", self._camera_path(camera_id, "detections/summary"), params=params)
        return self._parse(DetectionSummary, answer)

    async def detection_thumbnail(self, detection_id: int) -> tuple[bytes, datetime]:
        """``GET /api/v1/detections/{id}/thumbnail``: (JPEG bytes cropped around the box, the picture's time from
        ``X-Picture-Time``). Raises BackendError: 404 unknown detection or footage gone, ``bad_response``."""
        path = f"{API_PREFIX}/detections/{int(detection_id)}/thumbnail"
        response = await self._send("GET", path, (200,), headers={"Accept": "image/jpeg"})
        return _jpeg_with_time(response)

    async def detection_status(self) -> DetectionStatusOut:
        """``GET /api/v1/detection/status``: whether detection runs, its detectors' state, lag and counts."""
        return self._parse(DetectionStatusOut, await self._request("GET", f"{API_PREFIX}/detection/status"))

    # --- stream quotas ----------------------------------------------------------------------------------
    async def reserve_stream(
        self,
        camera_id: str,
        kind: str = "live",
        *,
        holder: str | None = None,
        agency: str | None = None,
        ttl_s: float | None = None,
        timeout: float = QUOTA_TIMEOUT_S,
    ) -> ReservationOut:
        """``POST /api/v1/stream/reserve``: a slot of the camera's agency (``agency`` overrides it) for
        ``kind`` ``live``|``recording``, held by ``holder`` (shown to administrators; default the caller's
        name) for ``ttl_s`` seconds (default the backend's QUOTA_RESERVATION_TTL; the answer's ``ttl_seconds``
        says how long). Raises BackendError: 429 ``quota_exceeded`` (bilingual message, details agency/limit/
        used), 503 ``quota_store_unavailable``/``quotas_not_running``, 404 ``camera_not_found``, 0 unreachable."""
        body: dict[str, Any] = {"cameraId": camera_id, "kind": kind}
        if holder:
            body["holder"] = holder
        if agency:
            body["agency"] = agency
        if ttl_s is not None:
            body["ttlSeconds"] = float(ttl_s)
        answer = await self._request("POST", f"{API_PREFIX}/stream/reserve", json=body, timeout=timeout)
        return self._parse(ReservationOut, answer)

    async def heartbeat_stream(
        self, reservation_id: str, ttl_s: float | None = None, *, timeout: float = QUOTA_TIMEOUT_S
    ) -> HeartbeatOut:
        """``POST /api/v1/stream/heartbeat/{id}``: extend the reservation by ``ttl_s`` (default the backend's
        TTL). Raises BackendError: 404 ``reservation_not_found`` (it expired: reserve again), 403
        ``reservation_not_yours``, 503 store down."""
        body = {"ttlSeconds": float(ttl_s)} if ttl_s is not None else None
        path = f"{API_PREFIX}/stream/heartbeat/{quote(reservation_id, safe='')}"
        return self._parse(HeartbeatOut, await self._request("POST", path, json=body, timeout=timeout))

    async def release_stream(self, reservation_id: str, *, timeout: float = QUOTA_TIMEOUT_S) -> bool:
        """``DELETE /api/v1/stream/release/{id}``: True when the slot was live, False when it had expired or
        was released already (idempotent). Raises BackendError (403 ``reservation_not_yours``, 503, 0)."""
        path = f"{API_PREFIX}/stream/release/{quote(reservation_id, safe='')}"
        return self._parse(ReleaseOut, await self._request("DELETE", path, timeout=timeout)).released

    async def stream_stats(self) -> QuotaStats:
        """``GET /api/v1/stream/stats``: every agency's ``limit``, ``used`` and ``available`` streams."""
        return self._parse(QuotaStats, await self._request("GET", f"{API_PREFIX}/stream/stats"))


def _jpeg_with_time(response: httpx.Response) -> tuple[bytes, datetime]:
    """(JPEG bytes, the aware time of ``X-Picture-Time``) of a picture answer; BackendError ``bad_response`` when
    the body is no JPEG or the header is missing or has no timezone."""
    stamp = response.headers.get("X-Picture-Time", "")
    try:
        picture_time = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise BackendError(200, BAD_RESPONSE, "no X-Picture-Time") from None
    if picture_time.tzinfo is None or not response.content.startswith(b"\xff\xd8"):
        raise BackendError(200, BAD_RESPONSE, "not a JPEG with a picture time")
    return response.content, picture_time
