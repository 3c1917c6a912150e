"""Raw protocol probes for tests and benchmarks of the simulator (independent of the milestone client).

They speak the wire formats of MILESTONE_PROTOCOL.md directly: httpx for the IDP, SOAP and REST, and an
asyncio socket plus ``milestone.imageserver_codec`` for the ImageServer protocol. Nothing here retries or
renews: a probe shows exactly what the server answered.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from xml.sax.saxutils import escape

import httpx

from milestone.imageserver_codec import Message, ResponseReader, build_method_call, connect_params
from milestone.models import ImageFrame
from simulator.recorder_soap import NS as RECORDER_NS
from simulator.soap_login import NS as SERVER_NS

SOAP_ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    "<soap:Body>{body}</soap:Body></soap:Envelope>"
)


def access_token(base_url: str, password: str, username: str = "admin") -> str:
    """Password grant at ``/API/IDP/connect/token``; returns the access token. Raises httpx.HTTPStatusError."""
    r = httpx.post(
        f"{base_url}/API/IDP/connect/token",
        data={
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": "GrantValidatorClient",
        },
    )
    r.raise_for_status()
    return r.json()["access_token"]


def soap_login(base_url: str, bearer: str, instance_id: str | None = None, current: str = "") -> httpx.Response:
    """SOAP ``Login`` on ServerCommandServiceOAuth.svc (renewal when ``current`` is a vms_token)."""
    body = (
        f'<Login xmlns="{SERVER_NS}"><instanceId>{instance_id or uuid.uuid4()}</instanceId>'
        f"<currentToken>{escape(current)}</currentToken></Login>"
    )
    return httpx.post(
        f"{base_url}/ManagementServer/ServerCommandServiceOAuth.svc",
        content=SOAP_ENVELOPE.format(body=body),
        headers={
            "Authorization": f"Bearer {bearer}",
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f"{SERVER_NS}/IServerCommandService/Login",
        },
    )


def login_fields(response: httpx.Response) -> tuple[str, int]:
    """``(Token, TimeToLive MicroSeconds)`` from a Login response body."""
    token = re.search(r"<Token>(.*?)</Token>", response.text)
    ttl = re.search(r"<MicroSeconds>(\d+)</MicroSeconds>", response.text)
    if token is None or ttl is None:
        raise ValueError(f"not a LoginResponse: {response.text[:200]}")
    return token.group(1), int(ttl.group(1))


def vms_token(base_url: str, password: str, username: str = "admin") -> str:
    """Access token + SOAP Login in one go; returns the vms_token."""
    response = soap_login(base_url, access_token(base_url, password, username))
    response.raise_for_status()
    return login_fields(response)[0]


def recorder_call(host: str, port: int, operation: str, inner_xml: str) -> httpx.Response:
    """POST one RecorderCommandService operation; ``inner_xml`` holds the parameter elements."""
    body = SOAP_ENVELOPE.format(body=f'<{operation} xmlns="{RECORDER_NS}">{inner_xml}</{operation}>')
    return httpx.post(
        f"http://{host}:{port}/RecorderCommandService/RecorderCommandService.asmx",
        content=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f"{RECORDER_NS}/{operation}"},
    )


class RawImageServer:
    """One ImageServer TCP connection: send requests, read framed messages."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._splitter = ResponseReader()
        self._pending: list[Message] = []
        self._next_id = 0

    @classmethod
    async def open(cls, host: str, port: int) -> RawImageServer:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, method: str, params: dict[str, str] | None = None) -> int:
        """Send one request; returns its request id."""
        request_id = self._next_id
        self._next_id += 1
        self._writer.write(build_method_call(request_id, method, params))
        await self._writer.drain()
        return request_id

    async def message(self, timeout: float = 5.0) -> Message | None:
        """The next message, or None at end of stream. Raises ProtocolError, TimeoutError."""
        async with asyncio.timeout(timeout):
            while not self._pending:
                data = await self._reader.read(65536)
                if not data:
                    return None
                self._pending.extend(self._splitter.feed(data))
        return self._pending.pop(0)

    async def call(self, method: str, params: dict[str, str] | None = None, timeout: float = 5.0) -> Message:
        """Send a request and return its answer (live status messages in between are skipped)."""
        await self.send(method, params)
        while True:
            msg = await self.message(timeout)
            if msg is None:
                raise ConnectionError("connection closed before the answer")
            if getattr(msg, "request_id", None) is not None:
                return msg

    async def connect(self, camera_id: str, vms_token: str, jpeg: bool = False) -> Message:
        """``connect`` with the vms_token in connectparam."""
        return await self.call("connect", connect_params(camera_id, vms_token, jpeg=jpeg))

    async def frames(self, count: int, timeout: float = 10.0) -> list[ImageFrame]:
        """Read until ``count`` image responses arrived (status messages skipped)."""
        out: list[ImageFrame] = []
        async with asyncio.timeout(timeout):
            while len(out) < count:
                msg = await self.message(timeout)
                if msg is None:
                    raise ConnectionError(f"connection closed after {len(out)} frames")
                if isinstance(msg, ImageFrame):
                    out.append(msg)
        return out

    async def read_raw(self, limit: int = 1 << 16) -> bytes:
        """Raw bytes from the socket (b"" at end of stream), bypassing the message splitter."""
        return await self._reader.read(limit)

    async def close(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (ConnectionError, OSError):
            pass
