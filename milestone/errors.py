"""Typed errors raised by the XProtect client.

Every failure the client can meet maps to one of these classes, so that callers (the GUI's view-models, the
backend) can show an operator a precise message without parsing strings. None of them ever carries a password
or a token in its message.
"""

from __future__ import annotations


class MilestoneError(Exception):
    """Base class of every error raised by the ``milestone`` package."""


class AuthenticationError(MilestoneError):
    """The server refused the credentials or a token (IDP ``invalid_grant``, HTTP 401, SOAP "Token invalid").

    Source: MILESTONE_PROTOCOL.md §1 (IDP 400 ``invalid_grant``) and §4 (SOAP fault SubErrorNumber 1/2).
    """


class PermissionDeniedError(MilestoneError):
    """The user is authenticated but may not use this item (HTTP 403, ImageServer ``connected=no``).

    Source: MILESTONE_PROTOCOL.md §2 (403 ``VMO61008``) and §3 (``<connected>no</connected>``).
    """


class NotFoundError(MilestoneError):
    """The camera, hardware or recording server does not exist (HTTP 404 "Device not found")."""


class ProtocolError(MilestoneError):
    """The server sent something that does not follow the protocol (bad framing, bad XML, bad header)."""


class UnreachableError(MilestoneError):
    """The server could not be reached: refused connection, DNS failure, time-out, connection dropped."""


class TlsError(UnreachableError):
    """The TLS handshake failed (untrusted or mismatched certificate, protocol mismatch)."""
