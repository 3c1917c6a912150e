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
