"""The IDP client's Windows (NTLM) grant and its token-path fallback, against a loopback HTTP server.

The simulator has basic users only, so this file runs a small HTTP/1.1 server over a real socket that does
what XProtect's IDP does for a Windows user (MILESTONE_PROTOCOL.md §1): ``POST /IDP/connect/token`` with
``grant_type=windows_credentials``, answered 401 ``WWW-Authenticate: NTLM`` until a real NTLM handshake
(pyspnego's acceptor, checking the user against an NTLM user file) succeeds on the same connection. It also
serves the password grant only at ``/IDP/connect/token`` (the API gateway path 404s) to test the fallback.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from urllib.parse import parse_qs

import httpx
import pytest
import spnego

from milestone.clock import SystemClock
from milestone.errors import AuthenticationError
from milestone.idp import GATEWAY_TOKEN_PATH, IDP_TOKEN_PATH, IdentityProvider

DOMAIN, USER, PASSWORD = "CONTROLROOM", "operator1", "N7lm-pass-word!"


class NtlmIdp:
    """Loopback IDP: NTLM windows_credentials grant and password grant, only at /IDP/connect/token."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ntlm = None  # one NTLM acceptor per TCP connection, as IIS keeps it
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((method, path))
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                if path != IDP_TOKEN_PATH:
                    self._send(writer, 404, b"")
                elif form.get("grant_type") == "password":
                    ok = form.get("username") == USER and form.get("password") == PASSWORD
                    self._send(writer, 200 if ok else 400, self._token() if ok else b'{"error":"invalid_grant"}')
                else:
                    auth = headers.get("authorization", "")
                    if not auth.startswith("NTLM "):
                        self._send(writer, 401, b"", {"WWW-Authenticate": "NTLM"})
                    else:
                        blob = base64.b64decode(auth[5:])
                        if ntlm is None or ntlm.complete:
                            ntlm = spnego.server(protocol="ntlm")
                        try:
                            out = ntlm.step(blob)
                        except spnego.exceptions.SpnegoError:
                            self._send(writer, 401, b"")
                            ntlm = None
                            continue
                        if not ntlm.complete:
                            challenge = base64.b64encode(out or b"").decode()
                            self._send(writer, 401, b"", {"WWW-Authenticate": f"NTLM {challenge}"})
                        elif form.get("grant_type") == "windows_credentials" and ntlm.client_principal:
                            self._send(writer, 200, self._token())
                        else:
                            self._send(writer, 400, b'{"error":"unsupported_grant_type"}')
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @staticmethod
    def _token() -> bytes:
        return json.dumps({"access_token": "eyJ.ntlm.token", "expires_in": 3600, "token_type": "Bearer"}).encode()

    @staticmethod
    def _send(writer: asyncio.StreamWriter, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
        reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}[status]
        head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Content-Type: application/json"]
        head += [f"{k}: {v}" for k, v in (extra or {}).items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)


@pytest.fixture
async def idp_server(tmp_path, monkeypatch):
    users = tmp_path / "ntlm-users"
    users.write_text(f"{DOMAIN}:{USER}:{PASSWORD}\n")
    monkeypatch.setenv("NTLM_USER_FILE", str(users))
    server = NtlmIdp()
    base = await server.start()
    yield server, base
    await server.close()


async def test_windows_user_gets_a_token_through_a_real_ntlm_handshake(idp_server, caplog):
    server, base = idp_server
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(timeout=5) as client:
        idp = IdentityProvider(client, base, f"{DOMAIN}\\{USER}", PASSWORD, auth_type="ntlm", clock=SystemClock())
        token = await idp.fetch()
    assert token.token == "eyJ.ntlm.token" and token.expires_in_s == 3600
    # Straight to the IDP (the gateway does not pass NTLM), and three legs: anonymous, negotiate, authenticate.
    assert server.requests == [("POST", IDP_TOKEN_PATH)] * 3
    assert PASSWORD not in caplog.text


async def test_windows_user_with_a_wrong_password_is_refused(idp_server):
    _, base = idp_server
    async with httpx.AsyncClient(timeout=5) as client:
        idp = IdentityProvider(client, base, f"{DOMAIN}\\{USER}", "wrong", auth_type="ntlm", clock=SystemClock())
        with pytest.raises(AuthenticationError) as info:
            await idp.fetch()
    assert "wrong" not in str(info.value)


async def test_password_grant_falls_back_to_the_management_server_idp_on_404(idp_server):
    server, base = idp_server
    async with httpx.AsyncClient(timeout=5) as client:
        idp = IdentityProvider(client, base, USER, PASSWORD, clock=SystemClock())
        assert (await idp.fetch()).token == "eyJ.ntlm.token"
        assert (await idp.fetch()).token == "eyJ.ntlm.token"  # remembers the path that worked
    assert server.requests == [("POST", GATEWAY_TOKEN_PATH), ("POST", IDP_TOKEN_PATH), ("POST", IDP_TOKEN_PATH)]


async def test_password_grant_refusal_is_an_authentication_error_without_the_password(idp_server):
    _, base = idp_server
    async with httpx.AsyncClient(timeout=5) as client:
        idp = IdentityProvider(client, base, USER, "not-the-password", clock=SystemClock())
        with pytest.raises(AuthenticationError) as info:
            await idp.fetch()
    assert "invalid_grant" in str(info.value) and "not-the-password" not in str(info.value)
