"""RecorderCommandService (SOAP 1.1 ASMX) of a simulated recording server (MILESTONE_PROTOCOL.md §4).

Served at ``/RecorderCommandService/RecorderCommandService.asmx`` on the recording server's port. No HTTP
auth: the vms_token travels in the body. Operations: SequencesGetTypes, SequencesGet (RecordingSequence,
MotionSequence, RecordingWithTriggerSequence = manual recordings), JPEGGetAt / JPEGGetAtOrBefore /
JPEGGetAtOrAfter / JPEGGetLive, StartManualRecording / StopManualRecording / IsManualRecording.

Faults (HTTP 500, as ASMX answers them): "No token supplied" (SubErrorNumber 1), "Token invalid"
(SubErrorNumber 2, also for an expired vms_token or an IDP access token), a permission fault for a camera
the user may not use, "Device not found" for a device this recording server does not hold, and
"Method 'X' not supported" (ErrorNumber 40000) for other operations. SequencesGet returns each sequence
overlapping ``[minTime, maxTime)`` with its full extent (clipped to now), oldest first, at most ``maxCount``.
"""

from __future__ import annotations

import asyncio
import base64
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from milestone.models import MOTION_SEQUENCE, RECORDING_SEQUENCE, RECORDING_WITH_TRIGGER_SEQUENCE
from simulator import soap_xml
from simulator.context import SimulatorContext
from simulator.inventory import SimCamera, SimRecorder
from simulator.playback import snapshot_jpeg
from simulator.tokens import TokenRejected
from simulator.users import User

NS = "http://videoos.net/2/XProtectCSRecorderCommand"
SEQUENCE_TYPES = (
    (RECORDING_WITH_TRIGGER_SEQUENCE, "RecordingWithTriggerSequence"),
    (RECORDING_SEQUENCE, "RecordingSequence"),
    (MOTION_SEQUENCE, "MotionSequence"),
)
PERMISSION_FAULT = "Access denied: the user does not have permission for this device"


class SoapFault(Exception):
    """Raised inside an operation; becomes an HTTP 500 SOAP fault."""

    def __init__(self, faultstring: str, error_number: str = "", sub_error_number: int | None = None) -> None:
        super().__init__(faultstring)
        self.body = soap_xml.fault(faultstring, error_number, sub_error_number)


class RecorderCommandService:
    """Answers RecorderCommandService calls for one recording server."""

    def __init__(self, ctx: SimulatorContext, recorder: SimRecorder) -> None:
        self._ctx = ctx
        self._recorder = recorder

    async def handle(self, body: bytes) -> tuple[int, bytes]:
        """Process one SOAP request body; returns (HTTP status, response envelope)."""
        try:
            operation, call = soap_xml.parse_call(body)
        except soap_xml.SoapRequestError as exc:
            return 400, soap_xml.fault(str(exc), code="soap:Client")
        handler = getattr(self, f"_op_{operation}", None)
        try:
            if handler is None:
                raise SoapFault(f"Method '{operation}' not supported", "40000")
            user = self._user(call)
            result_xml = await handler(call, user)
        except SoapFault as exc:
            return 500, exc.body
        except ValueError as exc:
            return 500, soap_xml.fault(f"Invalid argument: {exc}", code="soap:Client")
        return 200, soap_xml.envelope(f'<{operation}Response xmlns="{NS}">{result_xml}</{operation}Response>')

    # ------------------------------------------------------------------------------------------ helpers

    def _user(self, call: ET.Element) -> User:
        token = soap_xml.child_text(call, "token")
        if not token:
            raise SoapFault("No token supplied", sub_error_number=1)
        try:
            return self._ctx.tokens.check_vms(token).user
        except TokenRejected:
            raise SoapFault("Token invalid", sub_error_number=2) from None

    def _camera(self, device_id: str | None, user: User) -> SimCamera:
        camera = self._ctx.inventory.camera(device_id or "")
        if camera is None or camera.recorder_index != self._recorder.index:
            raise SoapFault(f"Device not found: {device_id}")
        if not user.may_use(camera.index):
            raise SoapFault(PERMISSION_FAULT)
        return camera

    def _time(self, call: ET.Element, name: str) -> int:
        text = soap_xml.child_text(call, name)
        if text is None:
            raise ValueError(f"missing <{name}>")
        return soap_xml.parse_time(text)

    # -------------------------------------------------------------------------------------- sequences

    async def _op_SequencesGetTypes(self, call: ET.Element, user: User) -> str:
        self._camera(soap_xml.child_text(call, "deviceId"), user)
        items = "".join(
            f"<SequenceType><Id>{guid.lower()}</Id><Name>{name}</Name></SequenceType>" for guid, name in SEQUENCE_TYPES
        )
        return f"<SequencesGetTypesResult>{items}</SequencesGetTypesResult>"

    async def _op_SequencesGet(self, call: ET.Element, user: User) -> str:
        camera = self._camera(soap_xml.child_text(call, "deviceId"), user)
        kind = (soap_xml.child_text(call, "sequenceType") or RECORDING_SEQUENCE).strip("{}").upper()
        start, end = self._time(call, "minTime"), self._time(call, "maxTime")
        max_count = int(soap_xml.child_text(call, "maxCount") or 0)
        timeline = self._ctx.timeline
        if kind == RECORDING_SEQUENCE:
            found = timeline.sequences(camera.index, start, end)
        elif kind == MOTION_SEQUENCE:
            found = timeline.motion(camera.index, start, end)
        elif kind == RECORDING_WITH_TRIGGER_SEQUENCE:
            found = timeline.manual_sequences(camera.index, start, end)
        else:
            found = []
        if max_count > 0:
            found = found[:max_count]
        if not found:
            return "<SequencesGetResult />"
        entries = "".join(
            f"<SequenceEntry><TimeBegin>{soap_xml.format_time(b)}</TimeBegin>"
            f"<TimeTrigged>{soap_xml.format_time(b)}</TimeTrigged>"
            f"<TimeEnd>{soap_xml.format_time(e)}</TimeEnd></SequenceEntry>"
            for b, e in found
        )
        return f"<SequencesGetResult>{entries}</SequencesGetResult>"

    # ----------------------------------------------------------------------------------------- images

    async def _jpeg_result(self, element: str, camera: SimCamera, frame_ms: int | None) -> str:
        if frame_ms is None:
            return f"<{element}><Time>{soap_xml.MIN_DATETIME}</Time><Data /></{element}>"
        renderer = self._ctx.renderer(camera.index)
        jpeg = await asyncio.get_running_loop().run_in_executor(self._ctx.pool, snapshot_jpeg, renderer, frame_ms)
        data = base64.b64encode(jpeg).decode("ascii")
        return f"<{element}><Time>{soap_xml.format_time(frame_ms)}</Time><Data>{data}</Data></{element}>"

    async def _op_JPEGGetAt(self, call: ET.Element, user: User) -> str:
        camera = self._camera(soap_xml.child_text(call, "deviceId"), user)
        frame = self._ctx.timeline.frame_at(camera.index, self._time(call, "time"))
        return await self._jpeg_result("JPEGGetAtResult", camera, frame)

    async def _op_JPEGGetAtOrBefore(self, call: ET.Element, user: User) -> str:
        camera = self._camera(soap_xml.child_text(call, "deviceId"), user)
        t_ms = self._time(call, "time")
        frame = self._ctx.timeline.frame_at(camera.index, t_ms)
        if frame is None or frame > t_ms:
            frame = self._ctx.timeline.prev_frame(camera.index, t_ms)
        return await self._jpeg_result("JPEGGetAtOrBeforeResult", camera, frame)

    async def _op_JPEGGetAtOrAfter(self, call: ET.Element, user: User) -> str:
        camera = self._camera(soap_xml.child_text(call, "deviceId"), user)
        t_ms = self._time(call, "time")
        frame = self._ctx.timeline.frame_at(camera.index, t_ms)
        if frame is None or frame < t_ms:
            frame = self._ctx.timeline.next_frame(camera.index, t_ms - 1)
        return await self._jpeg_result("JPEGGetAtOrAfterResult", camera, frame)

    async def _op_JPEGGetLive(self, call: ET.Element, user: User) -> str:
        """The current live frame at full size (maxWidth/maxHeight are accepted and ignored)."""
        camera = self._camera(soap_xml.child_text(call, "deviceId"), user)
        grid = self._ctx.grid
        now_frame = grid.time_of(grid.index_at_or_before(int(self._ctx.clock.time() * 1000)))
        return await self._jpeg_result("JPEGGetLiveResult", camera, now_frame)

    # ------------------------------------------------------------------------------- manual recording

    def _device_ids(self, call: ET.Element) -> list[str]:
        holder = soap_xml.child(call, "deviceIds")
        if holder is None:
            raise ValueError("missing <deviceIds>")
        return [(el.text or "").strip() for el in holder]

    def _manual_targets(self, call: ET.Element, user: User) -> list[tuple[str, SimCamera | None]]:
        out = []
        for device_id in self._device_ids(call):
            camera = self._ctx.inventory.camera(device_id)
            if camera is not None and camera.recorder_index != self._recorder.index:
                camera = None
            if camera is not None and not user.may_use(camera.index):
                raise SoapFault(PERMISSION_FAULT)
            out.append((device_id, camera))
        return out

    def _manual_results(self, call: ET.Element, user: User, start: bool) -> str:
        items = []
        for device_id, camera in self._manual_targets(call, user):
            if camera is None:
                code, message = 1, "Device not found"
            elif not camera.enabled:
                code, message = 1, "Device disabled"
            else:
                (self._ctx.manual.start if start else self._ctx.manual.stop)(camera.index)
                code, message = 0, "Success"
            items.append(
                f"<ManualRecordingResult><DeviceId>{escape(device_id)}</DeviceId>"
                f"<ResultCode>{code}</ResultCode><Message>{message}</Message></ManualRecordingResult>"
            )
        return "".join(items)

    async def _op_StartManualRecording(self, call: ET.Element, user: User) -> str:
        return f"<StartManualRecordingResult>{self._manual_results(call, user, True)}</StartManualRecordingResult>"

    async def _op_StopManualRecording(self, call: ET.Element, user: User) -> str:
        return f"<StopManualRecordingResult>{self._manual_results(call, user, False)}</StopManualRecordingResult>"

    async def _op_IsManualRecording(self, call: ET.Element, user: User) -> str:
        items = []
        for device_id, camera in self._manual_targets(call, user):
            active = camera is not None and self._ctx.manual.is_active(camera.index)
            items.append(
                f"<ManualRecordingInfo><DeviceId>{escape(device_id)}</DeviceId>"
                f"<IsManualRecording>{'true' if active else 'false'}</IsManualRecording>"
                "</ManualRecordingInfo>"
            )
        return f"<IsManualRecordingResult>{''.join(items)}</IsManualRecordingResult>"
