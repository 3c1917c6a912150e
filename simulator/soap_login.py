"""SOAP ``Login`` of ServerCommandService: issues and renews vms_tokens (MILESTONE_PROTOCOL.md §1).

``POST /ManagementServer/ServerCommandServiceOAuth.svc`` with ``Authorization: Bearer <access token>`` and
``SOAPAction: http://videoos.net/2/XProtectCSServerCommand/IServerCommandService/Login``; body
``<Login><instanceId/><currentToken/></Login>``. The answer carries ``TimeToLive`` in MICROseconds. A call
with ``currentToken`` set is a renewal: it returns a NEW token; the old one stays valid until its own expiry.
Also served: ``/ManagementServer/ServerCommandService.svc`` with HTTP Basic credentials (the older,
non-OAuth endpoint some integrations use).

Errors: no, invalid or expired bearer (or bad Basic credentials) -> HTTP 401 with a SOAP fault whose
faultstring says why; another operation -> HTTP 500 fault "Method 'X' not supported"; malformed XML -> 400.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator import soap_xml
from simulator.context import SimulatorContext
from simulator.tokens import TokenRejected
from simulator.users import User

NS = "http://videoos.net/2/XProtectCSServerCommand"
XML = "text/xml; charset=utf-8"


def _fault(status: int, text: str) -> Response:
    return Response(soap_xml.fault(text, code="s:Client" if status < 500 else "s:Server"), status, media_type=XML)


def _login_envelope(token: str, registration_ms: int, ttl_us: int) -> bytes:
    return (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<LoginResponse xmlns="{NS}"><LoginResult xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        f"<RegistrationTime>{soap_xml.format_time(registration_ms)}</RegistrationTime>"
        f"<TimeToLive><MicroSeconds>{ttl_us}</MicroSeconds></TimeToLive>"
        "<TimeToLiveLimited>false</TimeToLiveLimited>"
        f"<Token>{token}</Token></LoginResult></LoginResponse></s:Body></s:Envelope>"
    ).encode()


def soap_login_routes(ctx: SimulatorContext) -> list[Route]:
    """Routes of the OAuth and the Basic ServerCommandService endpoints."""

    def bearer_user(request: Request) -> User | str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "Token validation failed: no token was supplied."
        try:
            return ctx.tokens.check_access(token.strip()).user
        except TokenRejected as exc:
            return f"Token validation failed: {exc}."

    def basic_user(request: Request) -> User | str:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        try:
            username, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            username = password = ""
        user = ctx.users.authenticate(username, password) if scheme.lower() == "basic" else None
        return user if user is not None else "Invalid credentials"

    async def login(request: Request, user: User | str) -> Response:
        if isinstance(user, str):
            return _fault(401, user)
        try:
            operation, call = soap_xml.parse_call(await request.body())
        except soap_xml.SoapRequestError as exc:
            return _fault(400, str(exc))
        if operation != "Login":
            return _fault(500, f"Method '{operation}' not supported")
        instance_id = soap_xml.child_text(call, "instanceId") or ""
        grant = ctx.tokens.issue_vms(user, instance_id)
        body = _login_envelope(grant.token, int(grant.issued_at * 1000), grant.ttl_us)
        return Response(body, 200, media_type=XML)

    async def oauth(request: Request) -> Response:
        return await login(request, bearer_user(request))

    async def basic(request: Request) -> Response:
        return await login(request, basic_user(request))

    return [
        Route("/ManagementServer/ServerCommandServiceOAuth.svc", oauth, methods=["POST"]),
        Route("/ManagementServer/ServerCommandService.svc", basic, methods=["POST"]),
    ]
