"""Operator passwords in the OS keyring (DESIGN.md §4: never in settings files or logs).

Entries are keyed by the normalised server URL and the user name: service ``control-room-video:<url>``,
username ``<user>``. A machine without a usable keyring backend (a headless Linux box has only
``keyring.backends.fail``) raises ``CredentialsUnavailableError``; the caller tells the operator that the
password cannot be remembered and carries on.
"""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE_PREFIX = "control-room-video:"


class CredentialsUnavailableError(Exception):
    """No keyring backend can store or read passwords on this machine (or it refused the operation)."""


def normalise_server_url(url: str) -> str:
    """``url`` stripped of whitespace and trailing slashes, scheme and host lower-cased."""
    url = url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


class CredentialStore:
    """get/set/delete a password for ``(server_url, username)``.

    ``backend`` is a ``keyring.backend.KeyringBackend`` instance (tests pass an in-memory one); None uses the
    process-wide keyring (``keyring.get_keyring()``) at each call.
    """

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    def _ring(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    @staticmethod
    def _service(server_url: str) -> str:
        return SERVICE_PREFIX + normalise_server_url(server_url)

    def get(self, server_url: str, username: str) -> str | None:
        """The stored password, or None when there is none. Raises CredentialsUnavailableError."""
        try:
            return self._ring().get_password(self._service(server_url), username)
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailableError(type(exc).__name__) from exc

    def set(self, server_url: str, username: str, password: str) -> None:
        """Store (or replace) the password. Raises CredentialsUnavailableError."""
        try:
            self._ring().set_password(self._service(server_url), username, password)
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailableError(type(exc).__name__) from exc
        log.info("password for %s@%s stored in the keyring", username, normalise_server_url(server_url))

    def delete(self, server_url: str, username: str) -> None:
        """Forget the password; a missing entry is not an error. Raises CredentialsUnavailableError."""
        try:
            self._ring().delete_password(self._service(server_url), username)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise CredentialsUnavailableError(type(exc).__name__) from exc
