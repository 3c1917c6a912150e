"""RecorderCommandService client (SOAP 1.1 ASMX on the recording server): sequences, snapshots, manual recording.

Source: MILESTONE_PROTOCOL.md §4 ([RCSDOC], [XPW]). URL ``{webServerUri}RecorderCommandService/
RecorderCommandService.asmx``; ``SOAPAction: http://videoos.net/2/XProtectCSRecorderCommand/<Method>``; no HTTP
auth, the vms_token travels in the body as ``<token>``. Times in the body are ISO 8601 UTC; this client takes
and returns ms since the epoch (UTC). A "Token invalid" fault triggers one renewal and one retry.
"""

from __future__ import annotations

import base64
import binascii
import logging
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import httpx

from milestone import xmlutil
from milestone.errors import AuthenticationError, ProtocolError
from milestone.isotime import format_iso_ms, parse_iso_ms
from milestone.models import RECORDING_SEQUENCE, Sequence
from milestone.soap import soap_call

log = logging.getLogger(__name__)

NAMESPACE = "http://videoos.net/2/XProtectCSRecorderCommand"
SERVICE_PATH = "RecorderCommandService/RecorderCommandService.asmx"
T = TypeVar("T")


class RecorderCommandClient:
    """Calls one recording server's RecorderCommandService with the session's current vms_token.

    ``client`` is an ``httpx.AsyncClient`` or a function returning the current one (so that a client made by
    ``MilestoneSession.recorder()`` keeps working after a re-login). ``vms_token`` returns the current token;
    ``renew_vms_token(stale)`` renews it after a token fault and returns the new one. Coroutines must run in
    the loop that owns the HTTP client (the session's loop).
    """

    def __init__(
        self,
        client: httpx.AsyncClient | Callable[[], httpx.AsyncClient],
        web_server_uri: str,
        vms_token: Callable[[], str],
        renew_vms_token: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self._client = client
        base = web_server_uri if web_server_uri.endswith("/") else web_server_uri + "/"
        self.url = base + SERVICE_PATH
        self._token = vms_token
        self._renew = renew_vms_token

    def __repr__(self) -> str:
        return f"RecorderCommandClient(url={self.url!r})"

    async def _call(self, method: str, params: list[tuple[str, xmlutil.SoapValue]]) -> ET.Element:
        token = self._token()
        try:
            return await self._send(method, token, params)
        except AuthenticationError:
            if self._renew is None:
                raise
            log.info("recorder %s refused the vms_token; renewing and retrying once", method)
            token = await self._renew(token)
            return await self._send(method, token, params)

    async def _send(self, method: str, token: str, params: list[tuple[str, xmlutil.SoapValue]]) -> ET.Element:
        envelope = xmlutil.soap_envelope(method, NAMESPACE, [("token", token), *params])
        client = self._client if isinstance(self._client, httpx.AsyncClient) else self._client()
        return await soap_call(client, self.url, f"{NAMESPACE}/{method}", envelope)

    # ---------------------------------------------------------------------------------------- sequences

    async def sequences_get(
        self,
        device_id: str,
        sequence_type: str = RECORDING_SEQUENCE,
        min_time_ms: int = 0,
        max_time_ms: int = 0,
        max_count: int = 1000,
    ) -> list[Sequence]:
        """``SequencesGet``: sequences of ``sequence_type`` overlapping [min_time_ms, max_time_ms], by begin time.

        Times in ms UTC. Raises AuthenticationError, NotFoundError, UnreachableError, ProtocolError,
        MilestoneError.
        """
        response = await self._call(
            "SequencesGet",
            [
                ("deviceId", device_id),
                ("sequenceType", sequence_type),
                ("minTime", format_iso_ms(min_time_ms)),
                ("maxTime", format_iso_ms(max_time_ms)),
                ("maxCount", int(max_count)),
            ],
        )
        return parse_sequences(response)

    # ---------------------------------------------------------------------------------------- snapshots

    async def jpeg_get_at(self, device_id: str, time_ms: int) -> tuple[int, bytes] | None:
        """``JPEGGetAt``: the recorded image at (or just before) ``time_ms`` as ``(image time ms, JPEG bytes)``.

        Returns None when nothing is recorded there (minimum dateTime and empty Data, MILESTONE_PROTOCOL.md §4).
        """
        response = await self._call("JPEGGetAt", [("deviceId", device_id), ("time", format_iso_ms(time_ms))])
        return parse_jpeg_data(response)

    async def jpeg_get_live(
        self, device_id: str, max_width: int = 640, max_height: int = 480
    ) -> tuple[int, bytes] | None:
        """``JPEGGetLive``: the latest live image scaled to fit ``max_width`` x ``max_height`` (or None)."""
        response = await self._call(
            "JPEGGetLive", [("deviceId", device_id), ("maxWidth", int(max_width)), ("maxHeight", int(max_height))]
        )
        return parse_jpeg_data(response)

    # ---------------------------------------------------------------------------------- manual recording

    async def start_manual_recording(self, device_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """``StartManualRecording``: ``{device id: (ResultCode, Message)}``; 0 is success (idempotent)."""
        ids = list(device_ids)
        response = await self._call("StartManualRecording", [("deviceIds", ids)])
        return _respell(parse_manual_results(response), ids)

    async def stop_manual_recording(self, device_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """``StopManualRecording``: ``{device id: (ResultCode, Message)}``; 0 is success (idempotent)."""
        ids = list(device_ids)
        response = await self._call("StopManualRecording", [("deviceIds", ids)])
        return _respell(parse_manual_results(response), ids)

    async def is_manual_recording(self, device_ids: Iterable[str]) -> dict[str, bool]:
        """``IsManualRecording``: ``{device id: True while a manual recording is active}``."""
        ids = list(device_ids)
        response = await self._call("IsManualRecording", [("deviceIds", ids)])
        return _respell(parse_manual_info(response), ids)


# -------------------------------------------------------------------------------------------- parsers


def _respell(result: dict[str, T], requested: list[str]) -> dict[str, T]:
    """Key results by the caller's spelling of each GUID (servers may change the letter case)."""
    spelling = {device.lower(): device for device in requested}
    return {spelling.get(key.lower(), key): value for key, value in result.items()}


def parse_sequences(response: ET.Element) -> list[Sequence]:
    """``SequenceEntry`` elements (TimeBegin, TimeTrigged, TimeEnd) -> Sequence list, sorted by begin time."""
    out = []
    for entry in xmlutil.descendants(response, "SequenceEntry"):
        begin = parse_iso_ms(xmlutil.child_text(entry, "TimeBegin"))
        end = parse_iso_ms(xmlutil.child_text(entry, "TimeEnd"))
        trigger = parse_iso_ms(xmlutil.child_text(entry, "TimeTrigged"))
        if end < begin:
            raise ProtocolError("SequenceEntry ends before it begins")
        out.append(Sequence(begin_ms=begin, end_ms=end, trigger_ms=trigger))
    out.sort(key=lambda s: (s.begin_ms, s.end_ms))
    return out


def parse_jpeg_data(response: ET.Element) -> tuple[int, bytes] | None:
    """``<…Result><Time/><Data>base64</Data></…Result>`` -> (ms, JPEG) or None when empty."""
    data_text = "".join(xmlutil.find_text(response, "Data").split())
    time_ms = parse_iso_ms(xmlutil.find_text(response, "Time"))
    if not data_text:
        return None
    try:
        data = base64.b64decode(data_text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("JPEG Data is not valid base64") from exc
    if not data:
        return None
    return time_ms, data


def parse_manual_results(response: ET.Element) -> dict[str, tuple[int, str]]:
    """``ManualRecordingResult`` (DeviceId, ResultCode, Message) elements -> dict keyed by device id."""
    out: dict[str, tuple[int, str]] = {}
    for item in xmlutil.descendants(response, "ManualRecordingResult"):
        device = xmlutil.child_text(item, "DeviceId")
        try:
            code = int(xmlutil.child_text(item, "ResultCode", "0"))
        except ValueError as exc:
            raise ProtocolError("ManualRecordingResult with a non-numeric ResultCode") from exc
        out[device] = (code, xmlutil.child_text(item, "Message"))
    return out


def parse_manual_info(response: ET.Element) -> dict[str, bool]:
    """``ManualRecordingInfo`` (DeviceId, IsManualRecording) elements -> dict keyed by device id."""
    return {
        xmlutil.child_text(item, "DeviceId"): xmlutil.parse_bool(xmlutil.child_text(item, "IsManualRecording"))
        for item in xmlutil.descendants(response, "ManualRecordingInfo")
    }
