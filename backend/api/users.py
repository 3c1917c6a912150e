"""User administration (permission ``users.manage``, admins): list, create, read, change, disable.

Users are never deleted (their names stay meaningful in the audit log); disabling one ends their sessions at
once. Every change is audited with the fields changed (never the password itself).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Request

from backend.api.audit_middleware import audit_note
from backend.api.auth import require_permission
from backend.api.deps import error_responses
from backend.api.login import Auth, user_out
from backend.api.schemas_auth import UserCreateRequest, UserList, UserOut, UserUpdateRequest
from backend.auth.permissions import USERS_MANAGE

router = APIRouter(
    prefix="/users",
    tags=["users"],
    dependencies=[Depends(require_permission(USERS_MANAGE))],
    responses=error_responses(401, 403, 422),
)
Username = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("", response_model=UserList, summary="Every user")
async def list_users(auth: Auth) -> UserList:
    return UserList(users=[user_out(u) for u in await auth.list_users()])


@router.post("", response_model=UserOut, status_code=201, summary="Create a user", responses=error_responses(400, 409))
async def create_user(body: Annotated[UserCreateRequest, Body()], auth: Auth, request: Request) -> UserOut:
    audit_note(request, username=body.username, role=body.role, disabled=body.disabled)
    user = await auth.create_user(body.username, body.password, body.role, body.display_name, body.disabled)
    return user_out(user)


@router.get("/{username}", response_model=UserOut, summary="One user", responses=error_responses(404))
async def get_user(username: Username, auth: Auth) -> UserOut:
    return user_out(await auth.get_user(username))


@router.patch(
    "/{username}",
    response_model=UserOut,
    summary="Change a user's role, display name, password or disabled flag",
    responses=error_responses(400, 404, 409),
)
async def update_user(
    username: Username, body: Annotated[UserUpdateRequest, Body()], auth: Auth, request: Request
) -> UserOut:
    changes = body.model_dump(exclude_none=True)
    audit_note(request, changed=sorted(k for k in changes if k != "password") + (["password"] if body.password else []))
    if "role" in changes:
        audit_note(request, role=changes["role"])
    if "disabled" in changes:
        audit_note(request, disabled=changes["disabled"])
    return user_out(await auth.update_user(username, **changes))
