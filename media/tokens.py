"""Where a live stream gets its vms_token: the protocol the Milestone session implements.

The media engine never logs in by itself; it asks a token source for the current vms_token when it opens an
ImageServer connection and forwards renewed tokens to open connections with ``connectupdate``
(MILESTONE_PROTOCOL.md §3, "Token renewal on an open socket").
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from milestone.models import RecordingServer


@runtime_checkable
class TokenSource(Protocol):
    """A thread-safe supplier of the current vms_token (``milestone.session.MilestoneSession`` implements it)."""

    def current_vms_token(self) -> str:
        """Return the newest vms_token. Must be safe to call from any thread; must not block for long."""
        ...

    def subscribe_vms_token(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(new_token)`` after every renewal, from any thread; return a function that unsubscribes."""
        ...


@runtime_checkable
class ImageServerTlsSource(Protocol):
    """Optional extra of a token source: the TLS context for a recording server's ImageServer socket.

    ``MilestoneSession.image_server_ssl_context`` provides it (TLS when the recorder's web server URI is
    ``https``, MILESTONE_PROTOCOL.md §3/ports). A token source without it gets plain TCP connections.
    """

    def image_server_ssl_context(self, recording_server: RecordingServer) -> ssl.SSLContext | None: ...


@runtime_checkable
class VmsTokenRenewer(Protocol):
    """Optional extra of a token source: renew on demand when a server refuses the vms_token.

    DESIGN.md §4 renews tokens "before expiry and on 401 / Token invalid"; the media engine is the one that
    sees an ImageServer ``connect`` answer "Token invalid" (MILESTONE_PROTOCOL.md §3), e.g. after the
    management server forgot its tokens. A live stream whose token is refused calls this, then waits for the
    renewed token to arrive through ``subscribe_vms_token``.
    """

    def request_vms_token_renewal(self, stale_token: str) -> None:
        """Renew soon unless the current token already differs from ``stale_token``. Thread-safe, non-blocking."""
        ...
