"""MilestoneRecordingControl over the XProtect client: RecorderCommandService manual recording.

Source: MILESTONE_PROTOCOL.md §4 — ``StartManualRecording`` / ``StopManualRecording`` /
``IsManualRecording`` on ``{recorder webServerUri}RecorderCommandService/RecorderCommandService.asmx`` with the
vms_token in the body; start and stop are idempotent; results carry a ResultCode (0 = success).
"""

from __future__ import annotations

from collections.abc import Callable

from milestone.errors import MilestoneError, UnreachableError
from milestone.models import RecordingServer
from milestone.session import MilestoneSession

from .errors import MilestoneRefusedError, MilestoneUnavailableError
from .ports import CameraTarget


class XProtectRecordingControl:
    """Starts, stops and asks about manual recording of a camera on its recording server.

    ``session`` returns the backend's logged-in MilestoneSession, or None while it is not logged in.
    """

    def __init__(self, session: Callable[[], MilestoneSession | None]) -> None:
        self._session = session

    def _recorder(self, camera: CameraTarget):
        session = self._session()
        if session is None:
            raise MilestoneUnavailableError("the backend is not logged in to XProtect")
        if not camera.milestone_device_id or not camera.recording_server_uri:
            raise MilestoneRefusedError("the camera has no XProtect device or recording server")
        server = RecordingServer(
            id=camera.recording_server_id or "",
            name=camera.recording_server_name or "",
            image_server_host="",
            image_server_port=0,
            web_server_uri=camera.recording_server_uri,
        )
        return session.recorder(server), camera.milestone_device_id

    async def start(self, camera: CameraTarget) -> None:
        """StartManualRecording; raises MilestoneRefusedError / MilestoneUnavailableError."""
        recorder, device = self._recorder(camera)
        results = await _call(recorder.start_manual_recording, [device])
        _check(results, device)

    async def stop(self, camera: CameraTarget) -> None:
        """StopManualRecording (idempotent on the server)."""
        recorder, device = self._recorder(camera)
        results = await _call(recorder.stop_manual_recording, [device])
        _check(results, device)

    async def is_recording(self, camera: CameraTarget) -> bool:
        """IsManualRecording for the camera."""
        recorder, device = self._recorder(camera)
        states = await _call(recorder.is_manual_recording, [device])
        for key, value in states.items():
            if key.lower() == device.lower():
                return bool(value)
        raise MilestoneRefusedError("the recording server did not report the camera's recording state")


async def _call(method, device_ids):
    try:
        return await method(device_ids)
    except UnreachableError as exc:
        raise MilestoneUnavailableError(str(exc)) from exc
    except MilestoneError as exc:
        raise MilestoneRefusedError(f"{type(exc).__name__}: {exc}") from exc


def _check(results: dict, device: str) -> None:
    for key, (code, message) in results.items():
        if key.lower() == device.lower():
            if int(code) != 0:
                raise MilestoneRefusedError(f"result code {code}: {message}")
            return
    raise MilestoneRefusedError("the recording server did not answer for the camera")
