"""What an ImageServer live reader does after its connection failed: shared by the wall's live streams
(``media.live_reader``) and the backend's recorder source (``media.recorder_imageserver``).

``plan_after_failure`` maps the failure to the state to report and how long to wait (MILESTONE_PROTOCOL.md §3
refusals: permission, token, unknown camera; everything else is a network-type failure retried on the
back-off). ``ask_for_renewal`` and ``image_server_ssl_context`` use a token source's optional extras.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass

from media.backoff import Backoff, ReconnectPolicy
from media.stream_stats import StreamState
from media.tokens import ImageServerTlsSource, TokenSource, VmsTokenRenewer
from milestone.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    UnreachableError,
)
from milestone.models import Camera

log = logging.getLogger(__name__)

NETWORK_ERRORS = (UnreachableError, ProtocolError, OSError, EOFError)


def describe(error: BaseException) -> str:
    """A one-line description for state details and logs (milestone errors never carry tokens)."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@dataclass(frozen=True, slots=True)
class FailurePlan:
    """``state`` to report; ``delay`` seconds to wait; ``wake_on_token``: a renewed token ends the wait early;
    ``refusals``: consecutive token refusals so far; ``renew``: ask the token source for a new token now;
    ``unexpected``: not a failure the protocol explains (worth a stack trace in the log)."""

    state: StreamState
    delay: float
    wake_on_token: bool
    refusals: int
    renew: bool = False
    unexpected: bool = False


def plan_after_failure(exc: BaseException, refusals: int, policy: ReconnectPolicy, backoff: Backoff) -> FailurePlan:
    """The reaction to a failed or dropped connection; see ``ReconnectPolicy`` for the timings."""
    if isinstance(exc, PermissionDeniedError):
        return FailurePlan(StreamState.NO_PERMISSION, policy.slow_retry, True, 0)
    if isinstance(exc, AuthenticationError):
        refusals += 1
        if refusals >= policy.auth_refusals_before_failed:
            return FailurePlan(StreamState.AUTH_FAILED, policy.slow_retry, True, refusals, renew=True)
        return FailurePlan(StreamState.RECONNECTING, backoff.next_delay(), True, refusals, renew=True)
    if isinstance(exc, NotFoundError):
        return FailurePlan(StreamState.RECONNECTING, policy.slow_retry, False, refusals)
    unexpected = not isinstance(exc, NETWORK_ERRORS)
    return FailurePlan(StreamState.RECONNECTING, backoff.next_delay(), False, refusals, unexpected=unexpected)


def ask_for_renewal(tokens: TokenSource, sent_token: str, label: str) -> None:
    """The server refused ``sent_token``: ask a token source that can renew on demand to do so."""
    if not sent_token or not isinstance(tokens, VmsTokenRenewer):
        return
    try:
        tokens.request_vms_token_renewal(sent_token)
    except Exception as exc:
        log.warning("%s: asking for a renewed vms_token failed: %s", label, describe(exc))


def image_server_ssl_context(tokens: TokenSource, camera: Camera) -> ssl.SSLContext | None:
    """TLS for the camera's recording server when the token source knows it (plain TCP otherwise)."""
    server = camera.recording_server
    if server is None or not isinstance(tokens, ImageServerTlsSource):
        return None
    return tokens.image_server_ssl_context(server)
