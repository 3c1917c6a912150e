"""Password hashing with Argon2id (argon2-cffi, RFC 9106) and the password policy.

Hashes are PHC strings (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``) carrying their own parameters, so
raising the cost later only needs ``needs_rehash`` at the next successful log-in. A log-in for an unknown user
still verifies against a fixed dummy hash, so response times do not tell which user names exist.
"""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from backend.auth.errors import WeakPasswordError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024


class Passwords:
    """Hash and verify passwords. ``time_cost``/``memory_cost_kib``/``parallelism`` default to argon2-cffi's
    RFC 9106 low-memory profile (3 passes, 64 MiB, 4 lanes: about 0.1 s per hash on a desktop core)."""

    def __init__(
        self,
        *,
        time_cost: int = argon2.DEFAULT_TIME_COST,
        memory_cost_kib: int = argon2.DEFAULT_MEMORY_COST,
        parallelism: int = argon2.DEFAULT_PARALLELISM,
        min_length: int = MIN_PASSWORD_LENGTH,
    ) -> None:
        self._hasher = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
        self.min_length = min_length
        self._dummy = self._hasher.hash("not a password of anyone")

    def check_policy(self, password: str, username: str) -> None:
        """Raises WeakPasswordError when ``password`` is shorter than ``min_length`` (or longer than
        MAX_PASSWORD_LENGTH) characters or equals the user name (ignoring case)."""
        if not self.min_length <= len(password) <= MAX_PASSWORD_LENGTH or password.casefold() == username.casefold():
            raise WeakPasswordError(self.min_length)

    def hash(self, password: str) -> str:
        """A new salted Argon2id hash of ``password`` (PHC string)."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches ``password_hash``; None (unknown user) verifies against a dummy
        hash and returns False, taking the same time. A corrupt hash is False."""
        try:
            self._hasher.verify(password_hash or self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than this hasher's."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
