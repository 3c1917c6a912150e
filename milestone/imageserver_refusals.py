"""ImageServer refusals as typed errors, and error copies for re-raising (MILESTONE_PROTOCOL.md §3)."""

from __future__ import annotations

from milestone.errors import AuthenticationError, MilestoneError, NotFoundError, PermissionDeniedError


def connect_error(reason: str, vms_token: str) -> MilestoneError:
    """Map a ``<connected>no</connected>`` ``errorreason`` to a typed error (token text masked).

    Token problems -> AuthenticationError; unknown camera -> NotFoundError; anything else (the usual case: the
    user lacks the live/playback right) -> PermissionDeniedError (MILESTONE_PROTOCOL.md §3; wording GUESS).
    """
    text = (reason or "connection refused").replace(vms_token, "***") if vms_token else (reason or "refused")
    lowered = text.lower()
    message = f"ImageServer refused the connection: {text}"
    if "not found" in lowered or "unknown" in lowered or "no such" in lowered or "does not exist" in lowered:
        return NotFoundError(message)
    if "token" in lowered or "expired" in lowered or "authenticat" in lowered or "credential" in lowered:
        return AuthenticationError(message)
    return PermissionDeniedError(message)


def fresh_error(error: BaseException) -> BaseException:
    """A new exception of the same type and message (re-raising one instance grows its traceback)."""
    try:
        return type(error)(*error.args)
    except Exception:
        return error
