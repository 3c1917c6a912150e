"""The bilingual errors of users, log-ins and sessions (shown to operators and administrators)."""

from __future__ import annotations

from backend.errors import BilingualError


class InvalidCredentialsError(BilingualError):
    """401: unknown user or wrong password (the two are not told apart)."""

    code, status = "invalid_credentials", 401

    def __init__(self) -> None:
        super().__init__("The user name or password is wrong.", "اسم المستخدم أو كلمة المرور غير صحيحة.")


class UserDisabledError(BilingualError):
    """403: the account is disabled (only said after the right password was given)."""

    code, status = "user_disabled", 403

    def __init__(self, username: str) -> None:
        super().__init__(
            f"The account {username} is disabled; ask an administrator.",
            f"الحساب {username} معطَّل؛ راجع مسؤول النظام.",
            {"username": username},
        )


class LoginLockedError(BilingualError):
    """429: too many failed log-ins; ``retry_after_s`` seconds until the next attempt is allowed."""

    code, status = "login_locked", 429

    def __init__(self, username: str, retry_after_s: int) -> None:
        super().__init__(
            f"Too many failed log-ins for {username}; try again in {retry_after_s} seconds.",
            f"محاولات دخول فاشلة كثيرة للحساب {username}؛ حاول مرة أخرى بعد {retry_after_s} ثانية.",
            {"username": username, "retryAfterSeconds": retry_after_s},
        )
        self.retry_after_s = retry_after_s
        self.headers = {"Retry-After": str(retry_after_s)}


class UserNotFoundError(BilingualError):
    code, status = "user_not_found", 404

    def __init__(self, username: str) -> None:
        super().__init__(f"There is no user {username}.", f"لا يوجد مستخدم باسم {username}.", {"username": username})


class UserExistsError(BilingualError):
    code, status = "user_exists", 409

    def __init__(self, username: str) -> None:
        super().__init__(
            f"A user {username} exists already.", f"المستخدم {username} موجود مسبقاً.", {"username": username}
        )


class InvalidUserError(BilingualError):
    """400: a user name, role or display name that cannot be stored; ``field`` names which."""

    code, status = "invalid_user", 400

    def __init__(self, field: str, message: str, message_ar: str) -> None:
        super().__init__(message, message_ar, {"field": field})


class WeakPasswordError(BilingualError):
    """400: the new password does not meet the policy (``min_length`` characters, not the user name)."""

    code, status = "weak_password", 400

    def __init__(self, min_length: int) -> None:
        super().__init__(
            f"The password must have at least {min_length} characters and must not be the user name.",
            f"يجب أن تتكون كلمة المرور من {min_length} أحرف على الأقل وألا تكون اسم المستخدم.",
            {"minLength": min_length},
        )


class LastAdminError(BilingualError):
    """409: the change would leave no enabled administrator."""

    code, status = "last_admin", 409

    def __init__(self, username: str) -> None:
        super().__init__(
            f"{username} is the last enabled administrator; make another administrator first.",
            f"{username} هو آخر مسؤول مفعَّل؛ عيِّن مسؤولاً آخر أولاً.",
            {"username": username},
        )


class WrongPasswordError(BilingualError):
    """403: the current password given to change one's own password is wrong."""

    code, status = "wrong_password", 403

    def __init__(self) -> None:
        super().__init__("The current password is wrong.", "كلمة المرور الحالية غير صحيحة.")
