"""SOAP ``Login`` on the management server: turns an IDP access token into a vms_token, and renews it.

Source: MILESTONE_PROTOCOL.md §1 ([P] ``OauthLoginFlow/Program.cs``, ``ServerCommandWrapper/BasicConnection.cs``):
``POST {base}/ManagementServer/ServerCommandServiceOAuth.svc`` with ``Authorization: Bearer <access token>``,
``SOAPAction: http://videoos.net/2/XProtectCSServerCommand/IServerCommandService/Login``, body
``<Login><instanceId>{client GUID}</instanceId><currentToken/></Login>``. Renewal calls Login again with the
same instanceId and ``currentToken`` = the token being renewed. The answer's ``TimeToLive/MicroSeconds`` is µs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from milestone import xmlutil
from milestone.clock import Clock
from milestone.errors import ProtocolError
from milestone.models import VmsToken
from milestone.soap import soap_call

SERVER_COMMAND_PATH = "/ManagementServer/ServerCommandServiceOAuth.svc"
NAMESPACE = "http://videoos.net/2/XProtectCSServerCommand"
LOGIN_ACTION = f"{NAMESPACE}/IServerCommandService/Login"
DEFAULT_TTL_US = 4 * 3600 * 1_000_000  # TimeToLive absent: assume the usual 4 h (GUESS, tolerant)


def build_login_envelope(instance_id: str, current_token: str = "") -> bytes:
    """The Login request body; ``current_token`` empty on first login, the old vms_token on renewal."""
    return xmlutil.soap_envelope("Login", NAMESPACE, [("instanceId", instance_id), ("currentToken", current_token)])


def parse_login_result(response: ET.Element, obtained_monotonic: float) -> VmsToken:
    """Read ``LoginResult`` (Token, TimeToLive/MicroSeconds, RegistrationTime) from a ``LoginResponse``.

    Raises ProtocolError when no token is present or the TTL is not a positive integer.
    """
    result = xmlutil.find(response, "LoginResult")
    if result is None:
        raise ProtocolError("SOAP Login answer without LoginResult")
    token = xmlutil.child_text(result, "Token")
    if not token:
        raise ProtocolError("SOAP Login answer without a Token")
    ttl_elem = xmlutil.child(result, "TimeToLive")
    ttl_text = xmlutil.find_text(ttl_elem, "MicroSeconds") if ttl_elem is not None else ""
    try:
        ttl_us = int(ttl_text) if ttl_text else DEFAULT_TTL_US
    except ValueError as exc:
        raise ProtocolError("SOAP Login answer with a non-numeric TimeToLive") from exc
    if ttl_us <= 0:
        raise ProtocolError(f"SOAP Login answer with TimeToLive {ttl_us} µs")
    extra = {}
    limited = xmlutil.child_text(result, "TimeToLiveLimited")
    if limited:
        extra["time_to_live_limited"] = limited
    return VmsToken(
        token=token,
        ttl_us=ttl_us,
        obtained_monotonic=obtained_monotonic,
        registration_time=xmlutil.child_text(result, "RegistrationTime"),
        extra=extra,
    )


async def soap_login(
    client: httpx.AsyncClient,
    base_url: str,
    access_token: str,
    instance_id: str,
    clock: Clock,
    current_token: str = "",
) -> VmsToken:
    """Log in (or renew with ``current_token``) and return the vms_token.

    Raises AuthenticationError (401, "Token invalid"), UnreachableError/TlsError, ProtocolError, MilestoneError.
    """
    started = clock.monotonic()  # the TTL counts from the request, to be on the safe side
    response = await soap_call(
        client,
        base_url.rstrip("/") + SERVER_COMMAND_PATH,
        LOGIN_ACTION,
        build_login_envelope(instance_id, current_token),
        headers={"Authorization": f"Bearer {access_token}"},
    )
    return parse_login_result(response, started)
