"""Unit tests of the XProtect client's pure parts: ISO times, XML/SOAP building and parsing, fault mapping,
the renewal schedule, and the inventory join. Inputs are the shapes quoted in MILESTONE_PROTOCOL.md."""

from __future__ import annotations

import base64

import pytest

from milestone import xmlutil
from milestone.errors import (
    AuthenticationError,
    MilestoneError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
)
from milestone.imageserver_refusals import connect_error
from milestone.inventory import join_inventory, recording_server_from, streams_from
from milestone.isotime import format_iso_ms, parse_iso_ms
from milestone.recorder import parse_jpeg_data, parse_manual_info, parse_manual_results, parse_sequences
from milestone.renewal import next_renewal_at, renewal_delay, retry_delay
from milestone.soap import fault_error
from milestone.soap_login import build_login_envelope, parse_login_result

# ------------------------------------------------------------------------------------------------ times


def test_parse_seven_digit_fraction_truncates_to_ms():
    # 2025-10-27T15:03:52Z is 1761577432 s after the epoch; .8070000 adds 807 ms.
    assert parse_iso_ms("2025-10-27T15:03:52.8070000Z") == 1_761_577_432_807
    assert parse_iso_ms("2023-07-20T18:52:49.0539999Z") == parse_iso_ms("2023-07-20T18:52:49.053Z")


def test_parse_offsets_and_missing_zone_are_utc():
    base = parse_iso_ms("2025-10-27T15:03:52Z")
    assert parse_iso_ms("2025-10-27T19:03:52+04:00") == base
    assert parse_iso_ms("2025-10-27T11:03:52-0400") == base
    assert parse_iso_ms("2025-10-27T15:03:52") == base


def test_minimum_datetime_and_empty_mean_not_set():
    assert parse_iso_ms("0001-01-01T00:00:00Z") == 0
    assert parse_iso_ms("0001-01-01T00:00:00.0000000Z") == 0
    assert parse_iso_ms("") == 0


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01T00:00:00Z", "2025-10-27"])
def test_garbage_times_raise_protocol_error(bad):
    with pytest.raises(ProtocolError):
        parse_iso_ms(bad)


def test_format_round_trips_with_seven_digits():
    for ms in (0, 1_761_577_432_807, 1_790_000_000_001):
        text = format_iso_ms(ms)
        assert text.endswith("Z") and len(text.split(".")[1]) == 8  # 7 digits + Z
        assert parse_iso_ms(text) == ms
    assert format_iso_ms(1_761_577_432_807) == "2025-10-27T15:03:52.8070000Z"


# ------------------------------------------------------------------------------------------------ XML / SOAP


def test_login_envelope_escapes_values_and_sends_empty_current_token():
    body = build_login_envelope("inst<&>id").decode()
    assert "<instanceId>inst&lt;&amp;&gt;id</instanceId>" in body
    assert "<currentToken/>" in body
    root = xmlutil.parse(body.encode(), "test")
    login = xmlutil.find(root, "Login")
    assert login is not None and login.tag == "{http://videoos.net/2/XProtectCSServerCommand}Login"
    renewal = build_login_envelope("i", "TOKEN#abc#host//ServerConnector#").decode()
    assert "<currentToken>TOKEN#abc#host//ServerConnector#</currentToken>" in renewal


def test_list_parameters_become_guid_children():
    body = xmlutil.soap_envelope("IsManualRecording", "urn:x", [("token", "t"), ("deviceIds", ["a", "b"])])
    root = xmlutil.parse(body, "test")
    ids = xmlutil.find(root, "deviceIds")
    assert ids is not None
    assert [el.text for el in xmlutil.children(ids, "guid")] == ["a", "b"]


LOGIN_RESPONSE = b"""<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<LoginResponse xmlns="http://videoos.net/2/XProtectCSServerCommand"><LoginResult>
<RegistrationTime>2025-10-27T19:30:05.9Z</RegistrationTime><TimeToLive><MicroSeconds>14400000000</MicroSeconds>
</TimeToLive><TimeToLiveLimited>false</TimeToLiveLimited><Token>TOKEN#b41f#host//ServerConnector#</Token>
</LoginResult></LoginResponse></s:Body></s:Envelope>"""


def test_login_result_is_parsed_namespace_agnostic():
    root = xmlutil.parse(LOGIN_RESPONSE, "test")
    token = parse_login_result(root, obtained_monotonic=12.5)
    assert token.token == "TOKEN#b41f#host//ServerConnector#"
    assert token.ttl_us == 14_400_000_000
    assert token.obtained_monotonic == 12.5
    assert token.registration_time == "2025-10-27T19:30:05.9Z"
    # Same document with another prefix/namespace spelling still parses.
    other = LOGIN_RESPONSE.replace(b"http://videoos.net/2/XProtectCSServerCommand", b"urn:other")
    assert parse_login_result(xmlutil.parse(other, "test"), 0).token == token.token


def test_login_result_without_token_is_protocol_error():
    with pytest.raises(ProtocolError):
        parse_login_result(xmlutil.parse(b"<LoginResponse><LoginResult/></LoginResponse>", "t"), 0)


def _fault(text: str, sub: str = "") -> bytes:
    detail = f"<detail><ErrorNumber/><SubErrorNumber>{sub}</SubErrorNumber></detail>" if sub else ""
    return (
        f'<soap:Fault xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><faultcode>soap:Server</faultcode>'
        f"<faultstring>{text}</faultstring>{detail}</soap:Fault>"
    ).encode()


@pytest.mark.parametrize(
    ("text", "sub", "kind"),
    [
        ("Token invalid", "2", AuthenticationError),
        ("No token supplied", "1", AuthenticationError),
        ("Something odd", "2", AuthenticationError),
        ("User does not have permission for this device", "", PermissionDeniedError),
        ("Device not found", "", NotFoundError),
        ("Disk full", "", MilestoneError),
    ],
)
def test_soap_faults_map_to_typed_errors(text, sub, kind):
    err = fault_error(xmlutil.parse(_fault(text, sub), "t"), "SOAP X at http://h/")
    assert type(err) is kind
    assert text in str(err)


def test_imageserver_connect_refusals_are_typed_and_mask_the_token():
    token = "TOKEN#secret-guid#h//ServerConnector#"
    assert isinstance(connect_error("Camera not found", token), NotFoundError)
    assert isinstance(connect_error(f"Token {token} expired", token), AuthenticationError)
    assert token not in str(connect_error(f"Token {token} expired", token))
    assert isinstance(connect_error("Insufficient rights", token), PermissionDeniedError)


# ------------------------------------------------------------------------------------------------ recorder


def test_sequences_are_parsed_and_sorted():
    xml = b"""<SequencesGetResponse xmlns="http://videoos.net/2/XProtectCSRecorderCommand"><SequencesGetResult>
    <SequenceEntry><TimeBegin>2023-07-20T18:55:00.0000000Z</TimeBegin><TimeTrigged>2023-07-20T18:55:00.0000000Z</TimeTrigged>
    <TimeEnd>2023-07-20T18:56:00.0000000Z</TimeEnd></SequenceEntry>
    <SequenceEntry><TimeBegin>2023-07-20T18:52:49.0530000Z</TimeBegin><TimeTrigged>2023-07-20T18:52:49.0530000Z</TimeTrigged>
    <TimeEnd>2023-07-20T18:53:01.0290000Z</TimeEnd></SequenceEntry></SequencesGetResult></SequencesGetResponse>"""
    seqs = parse_sequences(xmlutil.parse(xml, "t"))
    assert [s.begin_ms for s in seqs] == [
        parse_iso_ms("2023-07-20T18:52:49.053Z"),
        parse_iso_ms("2023-07-20T18:55:00Z"),
    ]
    assert seqs[0].end_ms - seqs[0].begin_ms == 11_976
    assert seqs[0].trigger_ms == seqs[0].begin_ms
    assert (
        parse_sequences(xmlutil.parse(b"<SequencesGetResponse><SequencesGetResult /></SequencesGetResponse>", "t"))
        == []
    )


def test_jpeg_data_and_the_empty_answer():
    jpeg = b"\xff\xd8\xff\xe0fake-but-bytes\xff\xd9"
    xml = (
        "<JPEGGetAtResponse><JPEGGetAtResult><Time>2023-07-16T01:27:47.5040000Z</Time>"
        f"<Data>{base64.b64encode(jpeg).decode()}</Data></JPEGGetAtResult></JPEGGetAtResponse>"
    ).encode()
    assert parse_jpeg_data(xmlutil.parse(xml, "t")) == (parse_iso_ms("2023-07-16T01:27:47.504Z"), jpeg)
    empty = b"<R><JPEGGetAtResult><Time>0001-01-01T00:00:00</Time><Data /></JPEGGetAtResult></R>"
    assert parse_jpeg_data(xmlutil.parse(empty, "t")) is None
    with pytest.raises(ProtocolError):
        parse_jpeg_data(xmlutil.parse(b"<R><Time>2023-07-16T01:27:47Z</Time><Data>%%%</Data></R>", "t"))


def test_manual_recording_results_and_info():
    xml = b"""<R xmlns="http://videoos.net/2/XProtectCSRecorderCommand"><StartManualRecordingResult>
    <ManualRecordingResult><DeviceId>aa</DeviceId><ResultCode>0</ResultCode><Message>Success</Message></ManualRecordingResult>
    <ManualRecordingResult><DeviceId>bb</DeviceId><ResultCode>4</ResultCode><Message>No permission</Message>
    </ManualRecordingResult>
    </StartManualRecordingResult></R>"""
    assert parse_manual_results(xmlutil.parse(xml, "t")) == {"aa": (0, "Success"), "bb": (4, "No permission")}
    info = b"""<R><ManualRecordingInfo><DeviceId>aa</DeviceId><IsManualRecording>true</IsManualRecording>
    </ManualRecordingInfo><ManualRecordingInfo><DeviceId>bb</DeviceId><IsManualRecording>false</IsManualRecording>
    </ManualRecordingInfo></R>"""
    assert parse_manual_info(xmlutil.parse(info, "t")) == {"aa": True, "bb": False}


# ------------------------------------------------------------------------------------------------ renewal


def test_renewal_delay_is_the_earlier_of_ttl_minus_30s_and_80_percent():
    assert renewal_delay(3600) == pytest.approx(2880)  # 0.8 * 3600 = 2880 < 3570
    assert renewal_delay(100) == pytest.approx(70)  # 100 - 30 = 70 < 80
    assert renewal_delay(50) == pytest.approx(40)  # 50 - 30 = 20 would leave under half: 80 %
    assert renewal_delay(3) == pytest.approx(2.4)  # short test TTL: 80 %
    assert renewal_delay(0.1) == pytest.approx(0.2)  # never below the floor


def test_joint_renewal_follows_the_shorter_lived_token():
    # access token obtained at t=100 living 3 s (renew at 102.4); vms_token at t=100.5 living 4 s (103.7)
    assert next_renewal_at(100, 3, 100.5, 4) == pytest.approx(102.4)
    # 4 h vms_token, 1 h access token: the access token decides (100 + 2880)
    assert next_renewal_at(100, 3600, 100, 14400) == pytest.approx(2980)


def test_retry_back_off_doubles_is_capped_and_fits_before_expiry():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert retry_delay(20) == 30.0
    assert retry_delay(20, seconds_left=8) == 2.0  # a quarter of what is left


# ------------------------------------------------------------------------------------------------ inventory


def _rs(rs_id, host="10.0.0.5", port=7563, web="https://rs1:7563/", active=""):
    return {
        "id": rs_id, "name": f"RS {rs_id}", "hostName": host, "portNumber": port, "webServerUri": web,
        "activeWebServerUri": active, "enabled": True, "timeZoneName": "UTC", "version": "25.2",
    }  # fmt: skip


def _cam(cam_id, hw_id, name, **extra):
    item = {
        "id": cam_id, "name": name, "displayName": name, "enabled": True, "channel": 0, "ptzEnabled": False,
        "lastModified": "2025-10-27T15:03:52.8070000Z", "gisPoint": "POINT (55.3 25.2)",
        "manualRecordingTimeoutEnabled": True, "manualRecordingTimeoutMinutes": 15,
        "relations": {"self": {"type": "cameras", "id": cam_id}, "parent": {"type": "hardware", "id": hw_id}},
    }  # fmt: skip
    item.update(extra)
    return item


def _hw(hw_id, rs_id, cameras):
    return {
        "id": hw_id, "name": f"HW {hw_id}", "address": "http://10.1.1.1/", "enabled": True,
        "relations": {"self": {"type": "hardware", "id": hw_id}, "parent": {"type": "recordingServers", "id": rs_id}},
        "cameras": cameras,
    }  # fmt: skip


def test_recording_server_prefers_active_web_server_uri():
    plain = recording_server_from(_rs("r1", web="https://rs1:7563"))
    assert plain.web_server_uri == "https://rs1:7563/"
    assert (plain.image_server_host, plain.image_server_port) == ("10.0.0.5", 7563)
    active = recording_server_from(_rs("r1", active="https://rs1.example.com:7563/"))
    assert active.web_server_uri == "https://rs1.example.com:7563/"


def test_streams_are_flattened_with_live_default_first():
    payload = [
        {
            "displayName": "Video stream 1",
            "stream": [
                {"name": "Video stream 1", "streamReferenceId": "AAA", "liveDefault": False, "defaultPlayback": True},
                {"name": "Video stream 2", "streamReferenceId": "BBB", "liveDefault": True, "defaultPlayback": False},
            ],
        }
    ]
    streams = streams_from(payload)
    assert [s.stream_id for s in streams] == ["AAA", "BBB"]
    inv = join_inventory([_rs("r1")], [_hw("h1", "r1", [_cam("c1", "h1", "Cam")])], {"c1": streams})
    assert inv.cameras[0].stream_ids == ("BBB", "AAA")


def test_join_follows_relations_camera_to_hardware_to_recording_server():
    servers = [_rs("R1", host="10.0.0.1"), _rs("R2", host="10.0.0.2", port=7564)]
    hardware = [
        _hw("H1", "r1", [_cam("C1", "h1", "Zulu gate")]),
        _hw("H2", "r2", [_cam("C2", "h2", "Alpha gate", ptzEnabled=True)]),
        # a camera nested under H2 whose relation says H1: the relation wins
        _hw("H3", "R2", [_cam("C3", "H1", "Mike gate")]),
        # hardware on a recording server the user may not see
        _hw("H4", "R9", [_cam("C4", "H4", "Hidden rs")]),
    ]
    inv = join_inventory(servers, hardware)
    assert [c.name for c in inv.cameras] == ["Alpha gate", "Hidden rs", "Mike gate", "Zulu gate"]
    c1, c2, c3, c4 = (inv.camera(x) for x in ("c1", "C2", "C3", "c4"))
    assert c1.recording_server is not None and c1.recording_server.image_server_host == "10.0.0.1"
    assert c2.recording_server is not None and c2.recording_server.image_server_port == 7564 and c2.ptz_enabled
    assert c3.recording_server is not None and c3.recording_server.id == "R1" and c3.hardware_id == "h1"
    assert c4.recording_server is None
    assert c1.hardware_name == "HW H1" and c1.hardware_address == "http://10.1.1.1/"
    assert c1.last_modified_ms == 1_761_577_432_807
    assert c1.manual_recording_timeout_enabled and c1.manual_recording_timeout_minutes == 15
    with pytest.raises(KeyError):
        inv.camera("nope")


def test_string_booleans_from_old_servers_are_understood():
    inv = join_inventory([_rs("r1")], [_hw("h1", "r1", [_cam("c1", "h1", "Cam", enabled="False")])])
    assert inv.cameras[0].enabled is False
