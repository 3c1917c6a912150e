"""Identity provider (IDP) client: the OAuth access token for REST and for SOAP ``Login``.

Source: MILESTONE_PROTOCOL.md §1 ([P] ``identity_provider.py``, [OA]).

- Basic user, password grant: ``POST {base}/API/IDP/connect/token`` (the API gateway's route; the
  management server's own ``/IDP/connect/token`` is tried when the gateway answers 404), form-encoded
  ``grant_type=password&username=U&password=P&client_id=GrantValidatorClient``. There is no refresh token:
  renewal posts the same request again.
- Windows user: ``POST {base}/IDP/connect/token`` directly (the gateway does not pass NTLM) with
  ``grant_type=windows_credentials&client_id=GrantValidatorClient`` and an NTLM handshake (``httpx-ntlm``).
- Bad credentials: HTTP 400 ``{"error":"invalid_grant",…}`` -> AuthenticationError.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

from milestone.clock import Clock
from milestone.errors import AuthenticationError, MilestoneError, ProtocolError
from milestone.httperrors import json_body, rest_error_text, status_error, transport_error, url_label

log = logging.getLogger(__name__)

CLIENT_ID = "GrantValidatorClient"
GATEWAY_TOKEN_PATH = "/API/IDP/connect/token"
IDP_TOKEN_PATH = "/IDP/connect/token"
AUTH_BASIC = "basic"
AUTH_NTLM = "ntlm"


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An IDP access token. ``expires_in_s`` as sent by the IDP; ``obtained_monotonic`` in clock seconds.

    The token text is excluded from ``repr`` so that it cannot reach a log by accident.
    """

    token: str = field(repr=False)
    expires_in_s: float
    obtained_monotonic: float
    token_type: str = "Bearer"
    scope: str = ""

    def expires_at(self) -> float:
        """Monotonic time (s) at which the IDP considers the token expired."""
        return self.obtained_monotonic + self.expires_in_s


def ntlm_auth(username: str, password: str) -> httpx.Auth:
    """An httpx NTLM auth flow (``httpx-ntlm``); ``username`` as ``DOMAIN\\user`` or ``user@domain``.

    Raises MilestoneError with instructions when the optional ``httpx-ntlm`` package is not installed.
    """
    try:
        from httpx_ntlm import HttpNtlmAuth
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise MilestoneError(
            "Windows (NTLM) login needs the 'httpx-ntlm' package; install it or use a basic user"
        ) from exc
    return HttpNtlmAuth(username, password)


class IdentityProvider:
    """Requests access tokens for one user. Remembers which token path the server answered on.

    ``client`` is the session's ``httpx.AsyncClient`` (its TLS settings and time-outs apply). ``auth_type``
    is ``"basic"`` (password grant) or ``"ntlm"`` (Windows credentials).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        username: str,
        password: str,
        *,
        auth_type: str = AUTH_BASIC,
        clock: Clock,
    ) -> None:
        if auth_type not in (AUTH_BASIC, AUTH_NTLM):
            raise MilestoneError(f"unknown auth_type {auth_type!r}: use 'basic' or 'ntlm'")
        self._client = client
        self._base = base_url.rstrip("/")
        self._username = username
        self._password = password
        self._auth_type = auth_type
        self._clock = clock
        self._path = IDP_TOKEN_PATH if auth_type == AUTH_NTLM else GATEWAY_TOKEN_PATH

    def __repr__(self) -> str:
        return f"IdentityProvider(base={self._base!r}, user={self._username!r}, auth_type={self._auth_type!r})"

    async def fetch(self) -> AccessToken:
        """Request a new access token.

        Raises AuthenticationError (refused credentials), UnreachableError/TlsError (transport),
        ProtocolError (unreadable answer), MilestoneError (other HTTP failures).
        """
        started = self._clock.monotonic()  # the TTL counts from the request, to be on the safe side
        response = await self._post(self._path)
        if response.status_code == 404 and self._path == GATEWAY_TOKEN_PATH:
            log.info("IDP not found behind the API gateway; trying the management server's %s", IDP_TOKEN_PATH)
            response = await self._post(IDP_TOKEN_PATH)
            if response.status_code != 404:
                self._path = IDP_TOKEN_PATH
        return self._token_from(response, started)

    async def _post(self, path: str) -> httpx.Response:
        url = self._base + path
        what = f"POST {url_label(url)}"
        if self._auth_type == AUTH_NTLM:
            data = {"grant_type": "windows_credentials", "client_id": CLIENT_ID}
            auth: httpx.Auth | None = ntlm_auth(self._username, self._password)
        else:
            data = {
                "grant_type": "password",
                "username": self._username,
                "password": self._password,
                "client_id": CLIENT_ID,
            }
            auth = None
        try:
            if auth is None:
                return await self._client.post(url, data=data)
            return await self._client.post(url, data=data, auth=auth)
        except httpx.HTTPError as exc:
            raise transport_error(exc, what) from None
        except Exception as exc:
            if auth is None:
                raise
            # pyspnego / httpx-ntlm raise their own errors (or KeyError on a missing challenge header) when
            # the server breaks the NTLM exchange; the message stays generic so no credential can leak.
            raise AuthenticationError(f"{what}: NTLM handshake failed ({type(exc).__name__})") from None

    def _token_from(self, response: httpx.Response, started: float) -> AccessToken:
        what = f"POST {url_label(response.request.url)}"
        if response.status_code in (400, 401):
            reason = rest_error_text(response) or "credentials refused"
            raise AuthenticationError(f"the identity provider refused the login for user {self._username!r}: {reason}")
        if response.status_code != 200:
            raise status_error(response, what)
        payload = json_body(response, what)
        if not isinstance(payload, dict) or not payload.get("access_token"):
            raise ProtocolError(f"{what} returned no access_token")
        try:
            expires_in = float(payload.get("expires_in", 3600))
        except (TypeError, ValueError) as exc:
            raise ProtocolError(f"{what} returned a non-numeric expires_in") from exc
        if expires_in <= 0:
            raise ProtocolError(f"{what} returned expires_in={expires_in}")
        return AccessToken(
            token=str(payload["access_token"]),
            expires_in_s=expires_in,
            obtained_monotonic=started,
            token_type=str(payload.get("token_type", "Bearer")),
            scope=str(payload.get("scope", "")),
        )
