"""API authentication (DESIGN.md §6): API tokens and user sessions, and permission checks.

Every route but ``/health``, the log-in and the OpenAPI document depends on ``require_principal``, which
resolves ``Authorization: Bearer <token>`` into a ``Principal``: first through the API tokens of
``app.state.authenticator`` (in memory; a token acts for a service with every permission), then through the
user sessions of ``app.state.auth`` (``backend.auth.service.AuthService``; looked up on every request, so a
disabled user is refused at once). Routes ask for a permission with ``require_permission(VIEW)`` etc.
(backend.auth.permissions); every router is mounted with at least VIEW.

Token sources (``AuthSettings``): the lines of the token file (``<token>`` or ``<label> <token>``; ``#``
comments) and the keyring entry ``api-token``. When there is none, ``ensure_api_token`` generates one into the
token file (mode 0600). Tokens are kept only as SHA-256 digests in memory and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Annotated, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backend.api.errors import api_error
from backend.auth.permissions import ROLES
from backend.auth.principal import Principal
from backend.settings import BackendSettings, keyring_secret

log = logging.getLogger(__name__)

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="control-room-video"'}
__all__ = ["ROLES", "Principal", "require_permission", "require_principal"]


class Authenticator(Protocol):
    """Resolves a bearer token to a Principal, or None when the token is not valid."""

    def authenticate(self, token: str) -> Principal | None: ...


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class TokenAuthenticator:
    """Static API tokens, each with a label; constant-time comparison of SHA-256 digests."""

    def __init__(self, tokens: dict[str, str]) -> None:
        """``tokens`` maps token -> label."""
        self._digests = [(_digest(token), label) for token, label in tokens.items() if token]

    def __len__(self) -> int:
        return len(self._digests)

    def authenticate(self, token: str) -> Principal | None:
        wanted = _digest(token)
        found: str | None = None
        for digest, label in self._digests:
            if hmac.compare_digest(digest, wanted):
                found = label
        return Principal.token(found) if found is not None else None


def parse_token_file(text: str) -> dict[str, str]:
    """Token file lines -> {token: label}: ``<token>`` (label ``api``) or ``<label> <token>``; blank lines and
    ``#`` comments are skipped."""
    tokens: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) == 1:
            tokens[parts[0]] = "api"
        else:
            tokens[parts[-1]] = parts[0]
    return tokens


def write_secret_file(path: Path, content: str) -> None:
    """Create ``path`` with mode 0600 (fails if it exists), write ``content`` and fsync it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def ensure_api_token(settings: BackendSettings) -> bool:
    """Generate a token into the token file when no token is configured anywhere; True when one was made.

    The token file's path is logged, the token never is.
    """
    path = settings.token_file_path
    if path.exists():
        return False
    if settings.auth.use_keyring and keyring_secret("api-token"):
        return False
    write_secret_file(
        path, f"# API token of the control-room-video backend (label, token)\ndefault {secrets.token_urlsafe(32)}\n"
    )
    log.warning("generated an API token into %s (mode 0600); clients read it from there", path)
    return True


def load_authenticator(settings: BackendSettings) -> TokenAuthenticator:
    """A TokenAuthenticator over the token file and (when enabled) the keyring. Raises OSError when the token
    file exists but cannot be read."""
    tokens: dict[str, str] = {}
    path = settings.token_file_path
    if path.exists():
        tokens.update(parse_token_file(path.read_text(encoding="utf-8")))
    if settings.auth.use_keyring:
        ring = keyring_secret("api-token")
        if ring:
            tokens[ring] = "keyring"
    if not tokens:
        log.warning("no API token is configured: every authenticated request will be refused")
    return TokenAuthenticator(tokens)


def read_api_token(path: Path) -> str:
    """The first token of a token file (for clients: the GUI, the launcher, tests). Raises OSError/ValueError."""
    tokens = parse_token_file(path.read_text(encoding="utf-8"))
    if not tokens:
        raise ValueError(f"no token in {path}")
    return next(iter(tokens))


_bearer = HTTPBearer(auto_error=False, description="API token (see the backend's token file)")


async def authenticate_token(app: object, token: str | None) -> Principal | None:
    """Resolve ``token``: the app's API tokens (``app.state.authenticator``), then user sessions
    (``app.state.auth``); None when neither knows it."""
    if not token:
        return None
    state = app.state  # type: ignore[attr-defined]
    authenticator: Authenticator = state.authenticator
    principal = authenticator.authenticate(token)
    if principal is not None:
        return principal
    auth = getattr(state, "auth", None)
    return None if auth is None else await auth.authenticate(token)


def bearer_token(request: Request) -> str | None:
    """The bearer token of ``request`` (None without one)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


async def require_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """FastAPI dependency: the caller's Principal; raises the bilingual 401 without a valid bearer token."""
    token = credentials.credentials if credentials is not None else None
    principal = await authenticate_token(request.app, token)
    if principal is None:
        raise api_error("unauthorized", headers=WWW_AUTHENTICATE)
    request.state.principal = principal
    return principal


def require_permission(permission: str):
    """Dependency factory: the Principal when it holds ``permission``, else the bilingual 403 ``forbidden``
    (details: ``requiredPermission``)."""

    async def dependency(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
        if not principal.can(permission):
            raise api_error("forbidden", requiredPermission=permission, role=principal.role)
        return principal

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
