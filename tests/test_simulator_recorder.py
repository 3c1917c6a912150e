"""Simulator RecorderCommandService (SOAP 1.1) over real sockets (MILESTONE_PROTOCOL.md §4)."""

from __future__ import annotations

import base64
import io
import re
import time
import xml.etree.ElementTree as ET

import av
import pytest

from media.stamp import Stamp, read_stamp
from milestone.models import MOTION_SEQUENCE, RECORDING_SEQUENCE, RECORDING_WITH_TRIGGER_SEQUENCE
from simulator import history
from simulator.inventory import camera_id
from simulator.probe import access_token, recorder_call, vms_token
from simulator.soap_xml import format_time, parse_time

HOUR = 3_600_000
ISO7 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")


@pytest.fixture(scope="module")
def token(simulator):
    return vms_token(simulator.management_url, simulator.password)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_all(text: str, name: str) -> list[ET.Element]:
    return [el for el in ET.fromstring(text).iter() if _local(el.tag) == name]


def _text(el: ET.Element, name: str) -> str:
    return next((c.text or "") for c in el if _local(c.tag) == name)


def _port(sim, index: int) -> int:
    """The recording server port of camera ``index``: the first half of the cameras is on the first one."""
    return sim.recorder_ports[0 if index < (sim.info["cameras"] + 1) // 2 else 1]


def _sequences(sim, token, index, kind, start, end, max_count=1000):
    port = _port(sim, index)
    r = recorder_call(
        "127.0.0.1",
        port,
        "SequencesGet",
        f"<token>{token}</token><deviceId>{camera_id(index)}</deviceId>"
        f"<sequenceType>{kind.lower()}</sequenceType><minTime>{format_time(start)}</minTime>"
        f"<maxTime>{format_time(end)}</maxTime><maxCount>{max_count}</maxCount>",
    )
    assert r.status_code == 200, r.text
    entries = _find_all(r.text, "SequenceEntry")
    for e in entries:
        assert ISO7.match(_text(e, "TimeBegin")) and ISO7.match(_text(e, "TimeEnd"))
    return r.text, [(parse_time(_text(e, "TimeBegin")), parse_time(_text(e, "TimeEnd"))) for e in entries]


def test_sequences_get_matches_history(simulator, token):
    now = int(time.time() * 1000)
    start, end = now - 24 * HOUR, now - HOUR
    for index in (0, 5):
        _, got = _sequences(simulator, token, index, RECORDING_SEQUENCE, start, end)
        after = int(time.time() * 1000)
        expected = history.recording_sequences(index, start, end)
        assert got[:-1] == expected[:-1] and got[-1][0] == expected[-1][0] and len(got) >= 4
        if expected[-1][1] <= now:
            assert got[-1][1] == expected[-1][1]
        else:  # the newest sequence is still being recorded: it ends "now"
            assert now <= got[-1][1] <= after
        _, motion = _sequences(simulator, token, index, MOTION_SEQUENCE, start, end)
        assert motion == history.motion_sequences(index, start, end) and motion
    _, limited = _sequences(simulator, token, 0, RECORDING_SEQUENCE, start, end, max_count=2)
    assert len(limited) == 2


def test_sequences_get_empty_result_inside_a_gap(simulator, token):
    now = int(time.time() * 1000)
    seqs = history.recording_sequences(2, now - 12 * HOUR, now - HOUR)
    gap = (seqs[0][1] + 10, seqs[1][0] - 10)
    text, got = _sequences(simulator, token, 2, RECORDING_SEQUENCE, *gap)
    assert got == [] and "<SequencesGetResult />" in text


def test_jpeg_get_at_inside_and_outside_recordings(simulator, token):
    now = int(time.time() * 1000)
    seqs = history.recording_sequences(3, now - 6 * HOUR, now - HOUR)
    inside = seqs[0][1] - 5_000
    body = f"<token>{token}</token><deviceId>{camera_id(3)}</deviceId><time>{format_time(inside)}</time>"
    r = recorder_call("127.0.0.1", simulator.recorder_ports[0], "JPEGGetAt", body)
    result = _find_all(r.text, "JPEGGetAtResult")[0]
    frame_ms = parse_time(_text(result, "Time"))
    assert inside - 67 < frame_ms <= inside
    jpeg = base64.b64decode(_text(result, "Data"))
    image = next(av.open(io.BytesIO(jpeg)).decode(video=0)).to_ndarray(format="rgb24")
    assert read_stamp(image) == Stamp(3, frame_ms)
    gap = (seqs[0][1] + seqs[1][0]) // 2
    body = f"<token>{token}</token><deviceId>{camera_id(3)}</deviceId><time>{format_time(gap)}</time>"
    result = _find_all(
        recorder_call("127.0.0.1", simulator.recorder_ports[0], "JPEGGetAt", body).text, "JPEGGetAtResult"
    )[0]
    assert _text(result, "Time") == "0001-01-01T00:00:00" and _text(result, "Data") == ""


def _manual(sim, token, operation, index):
    port = _port(sim, index)
    body = (
        f'<token>{token}</token><deviceIds xmlns:a="http://microsoft.com/wsdl/types/">'
        f"<a:guid>{camera_id(index)}</a:guid></deviceIds>"
    )
    r = recorder_call("127.0.0.1", port, operation, body)
    assert r.status_code == 200, r.text
    return r.text


def test_manual_recording_is_idempotent_and_stops_after_the_camera_timeout(make_simulator):
    # Camera 1 has manualRecordingTimeoutMinutes 5; a "minute" of 0.4 s makes that 2 s.
    sim = make_simulator(cameras=2, extra_args=["--timeout-minute-seconds", "0.4"])
    token = vms_token(sim.management_url, sim.password)
    for _ in range(2):
        result = _find_all(_manual(sim, token, "StartManualRecording", 1), "ManualRecordingResult")[0]
        assert (_text(result, "DeviceId"), _text(result, "ResultCode"), _text(result, "Message")) == (
            camera_id(1),
            "0",
            "Success",
        )
    started = time.time()
    info = _find_all(_manual(sim, token, "IsManualRecording", 1), "ManualRecordingInfo")[0]
    assert _text(info, "IsManualRecording") == "true"
    time.sleep(max(0.0, started + 2.4 - time.time()))
    info = _find_all(_manual(sim, token, "IsManualRecording", 1), "ManualRecordingInfo")[0]
    assert _text(info, "IsManualRecording") == "false", "auto-stop after manualRecordingTimeoutMinutes"
    stop = _find_all(_manual(sim, token, "StopManualRecording", 1), "ManualRecordingResult")[0]
    assert _text(stop, "ResultCode") == "0", "stopping an inactive recording still succeeds"
    now = int(time.time() * 1000)
    _, manual = _sequences(sim, token, 1, RECORDING_WITH_TRIGGER_SEQUENCE, now - 60_000, now)
    assert len(manual) == 1 and 1_900 <= manual[0][1] - manual[0][0] <= 2_100
    _, recorded = _sequences(sim, token, 1, RECORDING_SEQUENCE, *manual[0])
    assert recorded and recorded[0][0] <= manual[0][0] and recorded[-1][1] >= manual[0][1] - 1


def _fault(response) -> tuple[str, str | None]:
    assert response.status_code == 500
    fault = _find_all(response.text, "Fault")[0]
    sub = [el.text for el in fault.iter() if _local(el.tag) == "SubErrorNumber"]
    return _text(fault, "faultstring"), (sub[0] if sub else None)


def test_faults(simulator, token):
    port = simulator.recorder_ports[0]
    device = f"<deviceId>{camera_id(0)}</deviceId>"
    assert _fault(recorder_call("127.0.0.1", port, "SequencesGetTypes", device)) == ("No token supplied", "1")
    bearer = access_token(simulator.management_url, simulator.password)
    assert _fault(recorder_call("127.0.0.1", port, "SequencesGetTypes", f"<token>{bearer}</token>{device}")) == (
        "Token invalid",
        "2",
    )
    operator = vms_token(simulator.management_url, simulator.password, username="operator")
    text, _ = _fault(
        recorder_call(
            "127.0.0.1",
            simulator.recorder_ports[1],
            "IsManualRecording",
            f"<token>{operator}</token><deviceIds><guid>{camera_id(7)}</guid></deviceIds>",
        )
    )
    assert "permission" in text
    text, _ = _fault(recorder_call("127.0.0.1", port, "StartRecording", f"<token>{token}</token>{device}"))
    assert text == "Method 'StartRecording' not supported"
    types = recorder_call("127.0.0.1", port, "SequencesGetTypes", f"<token>{token}</token>{device}")
    assert {_text(t, "Name") for t in _find_all(types.text, "SequenceType")} == {
        "RecordingSequence",
        "MotionSequence",
        "RecordingWithTriggerSequence",
    }


def test_expired_vms_token_is_invalid(make_simulator):
    sim = make_simulator(cameras=2, vms_token_ttl=1.0)
    token = vms_token(sim.management_url, sim.password)
    body = f"<token>{token}</token><deviceId>{camera_id(0)}</deviceId>"
    assert recorder_call("127.0.0.1", sim.recorder_ports[0], "SequencesGetTypes", body).status_code == 200
    time.sleep(1.2)
    assert _fault(recorder_call("127.0.0.1", sim.recorder_ports[0], "SequencesGetTypes", body)) == (
        "Token invalid",
        "2",
    )
