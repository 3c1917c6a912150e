"""Who is calling the API: a user with a session, or an API token acting as a service."""

from __future__ import annotations

from dataclasses import dataclass

from backend.auth.permissions import PERMISSIONS, ROLES, permissions_for


@dataclass(frozen=True, slots=True)
class Principal:
    """``name``: user name, or ``token:<label>`` for an API token; ``roles`` (subset of ROLES);
    ``permissions`` (backend.auth.permissions); ``kind`` ``user`` or ``token``; ``expires_us``: the session's
    expiry (UTC µs; None for tokens)."""

    name: str
    roles: frozenset[str]
    permissions: frozenset[str] = frozenset()
    kind: str = "token"
    display_name: str = ""
    expires_us: int | None = None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def can(self, permission: str) -> bool:
        """True when the principal holds ``permission``."""
        return permission in self.permissions

    @property
    def role(self) -> str:
        """The highest role held (``admin`` for API tokens)."""
        return next((r for r in reversed(ROLES) if r in self.roles), "operator")

    @classmethod
    def token(cls, label: str) -> Principal:
        """An API token's principal: every role and permission."""
        return cls(f"token:{label}", frozenset(ROLES), frozenset(PERMISSIONS), "token", label)

    @classmethod
    def user(cls, username: str, role: str, display_name: str = "", expires_us: int | None = None) -> Principal:
        """A logged-in user's principal with ``role``'s permissions."""
        return cls(username, frozenset({role}), permissions_for(role), "user", display_name, expires_us)
