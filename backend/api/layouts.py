"""Named wall layouts (issue 8 §3): list, get, create, update, delete; wire contract in ``schemas_layouts``,
logic in ``backend.layouts.store`` (functions of a database session).

Permissions (registered under ``API_ROUTERS``, so every route needs ``view``): anyone may create layouts; a
layout is private to its owner unless shared; only the owner or an administrator (role ``admin``, API tokens)
changes or deletes it (403 ``layout_forbidden``). Bad input: 422 ``validation_error`` (body fields, a grid that
cannot hold the cameras, ids out of range). Each change publishes ``layout_changed`` and is audited by the
middleware (the route adds the layout's id).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from backend.api.audit_middleware import audit_note
from backend.api.auth import require_principal
from backend.api.deps import error_responses
from backend.api.errors import api_error
from backend.api.schemas_layouts import LayoutCreate, LayoutList, LayoutOut, LayoutPatch
from backend.auth.principal import Principal
from backend.layouts import store

router = APIRouter(prefix="/layouts", tags=["layouts"], responses=error_responses(401, 403, 404, 422))

MAX_ID = 2**63 - 1
NO_CONTENT = status.HTTP_204_NO_CONTENT

Caller = Annotated[Principal, Depends(require_principal)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _now_us(request: Request) -> int:
    return int(request.app.state.clock.time() * 1_000_000)


def _admin(caller: Principal) -> bool:
    return caller.has_role("admin")


def _publish(request: Request, out: LayoutOut, change: str) -> None:
    request.app.state.bus.publish("layout_changed", None, id=out.id, change=change, owner=out.owner, shared=out.shared)


@router.get("", response_model=LayoutList, summary="The caller's layouts and every shared one, by name")
async def list_layouts(request: Request, caller: Caller) -> LayoutList:
    return LayoutList(layouts=await request.app.state.reads.run(store.list_layouts, caller.name))


@router.get("/{layout_id}", response_model=LayoutOut, summary="One layout (own or shared)")
async def get_layout(request: Request, caller: Caller, layout_id: Id) -> LayoutOut:
    return await request.app.state.reads.run(store.get_layout, layout_id, caller.name)


@router.post(
    "", response_model=LayoutOut, status_code=201, summary="Save a named layout", responses=error_responses(409)
)
async def create_layout(request: Request, caller: Caller, body: LayoutCreate) -> LayoutOut:
    out = await request.app.state.db.run(store.create_layout, body, caller.name, _now_us(request))
    audit_note(request, layoutId=out.id, name=out.name)
    _publish(request, out, "created")
    return out


@router.patch(
    "/{layout_id}", response_model=LayoutOut, summary="Change a layout (owner or admin)", responses=error_responses(409)
)
async def update_layout(request: Request, caller: Caller, layout_id: Id, body: LayoutPatch) -> LayoutOut:
    try:
        out = await request.app.state.db.run(
            store.update_layout, layout_id, body, caller.name, _admin(caller), _now_us(request)
        )
    except ValueError as exc:
        detail = {"loc": ["body", "cameras"], "msg": str(exc), "type": "value_error"}
        raise api_error("validation_error", errors=[detail]) from exc
    audit_note(request, layoutId=out.id)
    _publish(request, out, "updated")
    return out


@router.delete("/{layout_id}", status_code=NO_CONTENT, summary="Delete a layout (owner or admin)")
async def delete_layout(request: Request, caller: Caller, layout_id: Id) -> Response:
    out = await request.app.state.db.run(store.delete_layout, layout_id, caller.name, _admin(caller))
    audit_note(request, layoutId=out.id)
    _publish(request, out, "deleted")
    return Response(status_code=NO_CONTENT)
