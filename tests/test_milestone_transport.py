"""Transport failures and ImageServer stream handling the simulator cannot stage on demand.

Real sockets throughout: a closed port (unreachable), a TLS server with a self-signed certificate made at
test time (untrusted -> TlsError; trusted through a CA bundle -> works), and a loopback ImageServer that
speaks the protocol with ``milestone.imageserver_codec``'s server-side builders to stage a slow consumer,
a token update in the middle of a live stream, and a connection dropped mid-frame.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from milestone.errors import AuthenticationError, ProtocolError, TlsError, UnreachableError
from milestone.httperrors import client_ssl_context
from milestone.imageserver import LIVE_QUEUE_SIZE, ImageServerConnection
from milestone.imageserver_codec import (
    CONTENT_TYPE_GBD,
    RequestReader,
    build_image_response,
    build_live_status,
    build_method_response,
    pack_gbd,
)
from milestone.models import VideoCodec
from milestone.session import MilestoneSession


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_closed_port_is_unreachable_for_login_and_imageserver():
    port = _free_port()
    session = MilestoneSession(f"http://127.0.0.1:{port}", "admin", "pw-not-shown", timeout=3)
    with pytest.raises(UnreachableError) as info:
        await session.login()
    assert not isinstance(info.value, TlsError)
    assert "pw-not-shown" not in str(info.value)
    assert not session.logged_in
    with pytest.raises(UnreachableError):
        await ImageServerConnection.open("127.0.0.1", port, timeout=3)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (PEM paths: cert, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


@pytest.fixture
async def tls_server(self_signed):
    """A TLS listener answering every HTTP request with 400 invalid_grant (enough to prove TLS got through)."""
    cert, key = self_signed
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)

    async def handle(reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (int(ln.split(b":")[1]) for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")), 0
            )
            await reader.readexactly(length)
            body = b'{"error":"invalid_grant","error_description":"invalid_username_or_password"}'
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    yield server.sockets[0].getsockname()[1], cert
    server.close()
    await server.wait_closed()


async def test_untrusted_certificate_is_a_tls_error_with_a_clear_message(tls_server):
    port, _ = tls_server
    session = MilestoneSession(f"https://127.0.0.1:{port}", "admin", "secret", timeout=5)
    with pytest.raises(TlsError) as info:
        await session.login()
    assert "certificate" in str(info.value).lower()
    with pytest.raises(TlsError):
        await ImageServerConnection.open("127.0.0.1", port, ssl_context=client_ssl_context(True), timeout=5)


async def test_site_ca_bundle_makes_the_same_server_trusted(tls_server):
    port, cert = tls_server
    session = MilestoneSession(f"https://127.0.0.1:{port}", "admin", "secret", verify_tls=cert, timeout=5)
    with pytest.raises(AuthenticationError):  # TLS passed; the (fake) IDP refused the password
        await session.login()


# ---------------------------------------------------------------------------------- loopback ImageServer


class LoopbackImageServer:
    """Answers connect/connectupdate/stop; on ``live`` streams ``frames`` GBD packets as fast as it can,
    then (if ``cut``) sends half an image response and closes. Requests keep being answered while live."""

    def __init__(self, frames: int, cut: bool = False, pace: float = 0.0) -> None:
        self.frames, self.cut, self.pace = frames, cut, pace
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.live_done = asyncio.Event()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def handle(self, reader, writer):
        requests = RequestReader()
        try:
            while data := await reader.read(65536):
                for call in requests.feed(data):
                    self.calls.append((call.method, call.params))
                    if call.method == "connect":
                        writer.write(build_method_response(call.request_id, "connect", {"connected": "yes"}))
                    elif call.method in ("connectupdate", "stop"):
                        writer.write(build_method_response(call.request_id, call.method, {"connected": "yes"}))
                    elif call.method == "live":
                        self.task = asyncio.create_task(self._stream(call.request_id, writer))
                    await writer.drain()
        except ConnectionError:
            pass
        finally:
            if not self.cut:
                writer.close()

    async def _stream(self, request_id, writer):
        t0 = 1_790_000_000_000
        for n in range(self.frames):
            key = n % 10 == 0
            gbd = pack_gbd(
                VideoCodec.H264,
                n,
                key,
                t0 + (n // 10) * 10 * 66,
                t0 + n * 66,
                b"\x00\x00\x00\x01" + bytes([n % 256]) * 50,
            )
            writer.write(build_image_response(request_id, t0 + n * 66, 0, 0, CONTENT_TYPE_GBD, gbd))
            if n % 25 == 0:
                writer.write(build_live_status(t0 + n * 66, {"2": "0"}))
            await writer.drain()
            await asyncio.sleep(self.pace)
        if self.cut:
            writer.write(b"ImageResponse\r\nRequestId: 1\r\nContent-length: 5000\r\n\r\n" + b"x" * 100)
            await writer.drain()
            writer.close()
        self.live_done.set()


async def test_slow_consumer_drops_whole_gops_and_resumes_on_a_key_frame():
    server = LoopbackImageServer(frames=LIVE_QUEUE_SIZE * 4)
    port = await server.start()
    conn = await ImageServerConnection.open("127.0.0.1", port, timeout=5)
    try:
        await conn.connect("cam-1", "TOKEN#x#h//ServerConnector#")
        await conn.start_live()
        await asyncio.wait_for(server.live_done.wait(), 10)  # the consumer has not read anything yet
        await asyncio.sleep(0.2)
        await conn.stop_live()
        got = [frame async for frame in conn.live_frames()]
    finally:
        await conn.aclose()
        await server.close()
    assert conn.dropped_frames > 0
    assert len(got) + conn.dropped_frames == LIVE_QUEUE_SIZE * 4
    assert len(got) <= LIVE_QUEUE_SIZE
    # Whatever survived starts at a key frame and is gap-free from there (a decoder never misses a reference).
    assert got[0].key_frame
    numbers = [f.sequence_number for f in got]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert conn.last_status is not None and conn.last_status.items == {"2": "0"}


async def test_connect_update_is_answered_while_live_frames_flow_and_a_cut_stream_fails_cleanly():
    server = LoopbackImageServer(frames=200, cut=True, pace=0.003)
    port = await server.start()
    conn = await ImageServerConnection.open("127.0.0.1", port, timeout=5)
    try:
        await conn.connect("cam-1", "TOKEN#old#h//ServerConnector#")
        await conn.start_live()
        frames = 0
        with pytest.raises(UnreachableError):
            async for _frame in conn.live_frames():
                frames += 1
                if frames == 5:
                    await conn.connect_update("TOKEN#new#h//ServerConnector#")
        assert frames + conn.dropped_frames == 200
        assert frames > 100
        assert conn.token_updates == 1 and conn.closed
        update = [params for method, params in server.calls if method == "connectupdate"]
        assert update == [{"connectparam": "id=cam-1&connectiontoken=TOKEN#new#h//ServerConnector#"}]
        with pytest.raises(UnreachableError):
            await conn.goto(1_790_000_000_000)
    finally:
        await conn.aclose()
        await server.close()


async def test_garbage_from_the_server_is_a_protocol_error():
    async def handle(reader, writer):
        await reader.read(65536)
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(1)
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        conn = await ImageServerConnection.open("127.0.0.1", srv.sockets[0].getsockname()[1], timeout=5)
        with pytest.raises(ProtocolError):
            await conn.connect("cam", "tok")
        await conn.aclose()
    finally:
        srv.close()
        await srv.wait_closed()
