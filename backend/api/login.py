"""Log-in, log-out, session refresh, the caller's identity and own password change (issue 5 §4).

``POST /auth/login`` is the one route under ``/api/v1`` that needs no token. Every call here is audited (the
log-in under the user name tried, with its outcome); passwords and tokens never reach the audit log or logs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, Response

from backend.api.audit_middleware import audit_note
from backend.api.auth import Principal, bearer_token, require_principal
from backend.api.deps import error_responses
from backend.api.errors import api_error
from backend.api.schemas import datetime_from_us
from backend.api.schemas_auth import LoginRequest, MeOut, PasswordChangeRequest, SessionOut, UserOut
from backend.auth.service import AuthService
from backend.auth.users import UserRecord

router = APIRouter(prefix="/auth", tags=["auth"], responses=error_responses(401, 422))
Caller = Annotated[Principal, Depends(require_principal)]


def auth_service(request: Request) -> AuthService:
    return request.app.state.auth


Auth = Annotated[AuthService, Depends(auth_service)]


def user_out(user: UserRecord) -> UserOut:
    """The wire form of a user (never the hash)."""
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role,  # type: ignore[arg-type]
        disabled=user.disabled,
        locked_until=datetime_from_us(user.locked_until_us),
        last_login=datetime_from_us(user.last_login_us),
        password_changed=datetime_from_us(user.password_changed_us),
        created=datetime_from_us(user.created_us),
        updated=datetime_from_us(user.updated_us),
    )


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _user_token(request: Request, caller: Principal) -> str:
    """The caller's session token; the bilingual 403 for an API token (which has no session)."""
    token = bearer_token(request)
    if caller.kind != "user" or token is None:
        raise api_error("forbidden", reason="api_token_has_no_session")
    return token


@router.post(
    "/login",
    response_model=SessionOut,
    summary="Log in with a user name and password; returns a bearer token and its expiry",
    responses=error_responses(401, 403, 429),
)
async def login(body: Annotated[LoginRequest, Body()], auth: Auth, request: Request) -> SessionOut:
    audit_note(request, actor=body.username.strip().lower()[:64])
    result = await auth.login(body.username, body.password, _client(request))
    audit_note(request, expiresAt=datetime_from_us(result.expires_us).isoformat())
    return SessionOut(token=result.token, expires_at=datetime_from_us(result.expires_us), user=user_out(result.user))


@router.post("/refresh", response_model=SessionOut, summary="Extend the caller's session (same token)")
async def refresh(caller: Caller, auth: Auth, request: Request) -> SessionOut:
    principal = await auth.refresh(_user_token(request, caller))
    assert principal.expires_us is not None
    user = await auth.get_user(principal.name)
    return SessionOut(expires_at=datetime_from_us(principal.expires_us), user=user_out(user))


@router.post("/logout", status_code=204, summary="End the caller's session (the token stops working)")
async def logout(caller: Caller, auth: Auth, request: Request) -> Response:
    if caller.kind == "user":
        token = bearer_token(request)
        if token is not None:
            await auth.logout(token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut, summary="Who the caller is, with role and permissions")
async def me(caller: Caller) -> MeOut:
    return MeOut(
        username=caller.name,
        display_name=caller.display_name,
        role=caller.role,  # type: ignore[arg-type]
        kind=caller.kind,  # type: ignore[arg-type]
        permissions=sorted(caller.permissions),
        expires_at=datetime_from_us(caller.expires_us),
    )


@router.post(
    "/password",
    response_model=UserOut,
    summary="Change the caller's own password (other sessions of the user end)",
    responses=error_responses(400, 403),
)
async def change_password(
    body: Annotated[PasswordChangeRequest, Body()], caller: Caller, auth: Auth, request: Request
) -> UserOut:
    token = _user_token(request, caller)
    return user_out(await auth.change_password(caller.name, token, body.current_password, body.new_password))
