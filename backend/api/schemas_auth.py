"""Wire contract of log-in, users and the audit log (issue 5 §4-5), camelCase on the wire.

A GUI logs in with ``POST /api/v1/auth/login`` and sends the token it gets as ``Authorization: Bearer``;
``GET /api/v1/auth/me`` tells it the user's role and permissions so it can hide what the user may not do.
Times are ISO 8601 UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from backend.api.schemas import ApiModel, ApiRequest

Role = Literal["operator", "supervisor", "admin"]
Outcome = Literal["success", "denied", "failed", "error"]


class LoginRequest(ApiRequest):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024, repr=False)


class UserOut(ApiModel):
    username: str
    display_name: str
    role: Role
    disabled: bool
    locked_until: datetime | None = Field(description="log-ins refused until then after too many failures")
    last_login: datetime | None
    password_changed: datetime
    created: datetime
    updated: datetime


class SessionOut(ApiModel):
    """What a log-in or a refresh gives: the bearer token (log-in only) and its expiry."""

    token: str | None = Field(default=None, description="send as Authorization: Bearer <token>; only on log-in")
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user: UserOut


class MeOut(ApiModel):
    """The caller: a user (``kind`` user) or an API token (``kind`` token, every permission)."""

    username: str
    display_name: str
    role: Role
    kind: Literal["user", "token"]
    permissions: list[str]
    expires_at: datetime | None


class PasswordChangeRequest(ApiRequest):
    current_password: str = Field(min_length=1, max_length=1024, repr=False)
    new_password: str = Field(min_length=1, max_length=1024, repr=False)


class UserCreateRequest(ApiRequest):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024, repr=False)
    role: Role
    display_name: str = Field(default="", max_length=128)
    disabled: bool = False


class UserUpdateRequest(ApiRequest):
    """Only the fields given change. A new ``password`` or ``disabled: true`` ends the user's sessions."""

    role: Role | None = None
    display_name: str | None = Field(default=None, max_length=128)
    disabled: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=1024, repr=False)


class UserList(ApiModel):
    users: list[UserOut]


class AuditEntryOut(ApiModel):
    id: int
    at: datetime
    actor: str
    actor_kind: Literal["user", "token", "anonymous"]
    action: str = Field(description="METHOD /route/template")
    target: str = Field(description="the route's parameters, name=value separated by spaces")
    outcome: Outcome
    status: int
    client_address: str
    detail: dict[str, Any]


class AuditPage(ApiModel):
    entries: list[AuditEntryOut]
    next_before_id: int | None = Field(description="pass as beforeId for the next (older) page; null at the end")
