"""Issues and checks the simulator's two tokens (MILESTONE_PROTOCOL.md §1).

- access token: what the IDP returns for the password grant. It looks like a JWT (three base64url parts) but
  is opaque: the simulator only looks it up. Lifetime ``access_ttl_s`` (the IDP's ``expires_in``).
- vms_token: ``TOKEN#<guid>#<host>//ServerConnector#`` from SOAP ``Login``, lifetime ``vms_ttl_s`` (sent as
  TimeToLive in microseconds). Renewing (``Login`` with ``currentToken``) returns a NEW string; the old token
  stays valid until its own expiry, which is the grace period for open ImageServer connections.

Times are wall-clock seconds (float, UTC) from the injected clock.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from milestone.clock import Clock
from simulator.users import User

MAX_REMEMBERED = 20_000  # tokens kept (expired ones included, to tell "expired" from "unknown")


class TokenRejected(Exception):
    """A token is unknown or expired; ``expired`` tells which. The message never contains the token."""

    def __init__(self, expired: bool) -> None:
        super().__init__("the token is expired" if expired else "the token is invalid")
        self.expired = expired


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """An issued access token: owner, issue and expiry time (wall seconds)."""

    token: str
    user: User
    issued_at: float
    expires_at: float


@dataclass(frozen=True, slots=True)
class VmsGrant:
    """An issued vms_token: owner, the client's instanceId, issue and expiry time (wall seconds)."""

    token: str
    user: User
    instance_id: str
    issued_at: float
    expires_at: float

    @property
    def ttl_us(self) -> int:
        """TimeToLive in microseconds, as SOAP Login reports it."""
        return round((self.expires_at - self.issued_at) * 1_000_000)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenAuthority:
    """Issues and validates access tokens and vms_tokens against one clock."""

    def __init__(self, clock: Clock, access_ttl_s: float, vms_ttl_s: float, host: str) -> None:
        if access_ttl_s <= 0 or vms_ttl_s <= 0:
            raise ValueError("token lifetimes must be positive")
        self._clock = clock
        self._access_ttl = access_ttl_s
        self._vms_ttl = vms_ttl_s
        self._host = host
        self._access: OrderedDict[str, AccessGrant] = OrderedDict()
        self._vms: OrderedDict[str, VmsGrant] = OrderedDict()

    @property
    def access_ttl_s(self) -> float:
        return self._access_ttl

    def issue_access(self, user: User) -> AccessGrant:
        """A new access token for ``user``, valid for the configured lifetime."""
        now = self._clock.time()
        header = {"alg": "RS256", "kid": "SIMULATOR", "typ": "JWT"}
        payload = {
            "iss": "http://simulator/IDP",
            "nbf": int(now),
            "iat": int(now),
            "exp": int(now + self._access_ttl),
            "aud": "managementserver",
            "scope": ["managementserver"],
            "client_id": "GrantValidatorClient",
            "sub": str(uuid.uuid5(uuid.NAMESPACE_OID, user.name)),
            "name": user.name,
            "jti": secrets.token_hex(16),
        }
        token = ".".join(
            (_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()), _b64(secrets.token_bytes(64)))
        )
        grant = AccessGrant(token, user, now, now + self._access_ttl)
        self._remember(self._access, token, grant)
        return grant

    def check_access(self, token: str) -> AccessGrant:
        """The grant of a valid access token. Raises TokenRejected when unknown or expired."""
        grant = self._access.get(token)
        if grant is None:
            raise TokenRejected(expired=False)
        if self._clock.time() >= grant.expires_at:
            raise TokenRejected(expired=True)
        return grant

    def issue_vms(self, user: User, instance_id: str) -> VmsGrant:
        """A new vms_token for ``user`` (Login, or its renewal: every call returns a new string)."""
        now = self._clock.time()
        token = f"TOKEN#{uuid.uuid4()}#{self._host}//ServerConnector#"
        grant = VmsGrant(token, user, instance_id, now, now + self._vms_ttl)
        self._remember(self._vms, token, grant)
        return grant

    def check_vms(self, token: str) -> VmsGrant:
        """The grant of a valid vms_token. Raises TokenRejected when unknown (an access token included) or
        expired."""
        grant = self._vms.get(token.strip())
        if grant is None:
            raise TokenRejected(expired=False)
        if self._clock.time() >= grant.expires_at:
            raise TokenRejected(expired=True)
        return grant

    def peek_vms(self, token: str) -> VmsGrant | None:
        """The grant of a known vms_token, expired or not (None when unknown)."""
        return self._vms.get(token.strip())

    @staticmethod
    def _remember(store: OrderedDict, token: str, grant: object) -> None:
        store[token] = grant
        while len(store) > MAX_REMEMBERED:
            store.popitem(last=False)
