"""The simulator's users and their camera permissions (one place, so tests and docs agree).

Two basic users share one password (from the password file):
- ``admin`` sees and may use every camera;
- ``operator`` sees every camera over REST but has no permission for the LAST enabled camera: ImageServer
  ``connect`` answers ``connected=no`` with an ``errorreason``, RecorderCommandService calls fault with a
  permission message, and the REST ``JpegGetLive`` task answers 403 VMO61008.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

ADMIN = "admin"
OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class User:
    """A basic user; ``denied`` holds the camera indexes the user may not view, play back or record."""

    name: str
    denied: frozenset[int] = frozenset()

    def may_use(self, camera_index: int) -> bool:
        """True when the user has permission for camera ``camera_index``."""
        return camera_index not in self.denied


class UserDirectory:
    """Looks up users and checks passwords (constant-time comparison; the password is never logged)."""

    def __init__(self, password: str, camera_count: int) -> None:
        if not password:
            raise ValueError("empty password")
        self._password = password.encode()
        self._users = {
            ADMIN: User(ADMIN),
            OPERATOR: User(OPERATOR, frozenset({camera_count - 1})),
        }

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when ``username`` exists (case-insensitive) and ``password`` matches, else None."""
        user = self._users.get(username.strip().lower())
        ok = hmac.compare_digest(password.encode(), self._password)
        return user if user is not None and ok else None

    def get(self, username: str) -> User | None:
        """The user named ``username`` (case-insensitive), or None."""
        return self._users.get(username.strip().lower())
