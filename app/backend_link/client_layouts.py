"""REST calls of the backend's named wall layouts (``/api/v1/layouts``; issue 8 §3).

Wire contract: ``backend.api.schemas_layouts`` (camelCase JSON). ``LayoutsApi`` wraps a ``BackendClient`` (its
token, timeouts and error mapping): every failure raises ``BackendError`` (``status``/``code``/``message``/
``message_ar`` of the backend's bilingual error body, or status 0 when it does not answer).
"""

from __future__ import annotations

from typing import Any

from backend.api.schemas import API_PREFIX
from backend.api.schemas_layouts import LayoutList, LayoutOut

from .client import BackendClient

BASE = f"{API_PREFIX}/layouts"


class LayoutsApi:
    """The layout routes of the backend ``client`` talks to. ``body`` dicts use the wire's camelCase names
    (``name``, ``shared``, ``grid``, ``cameras``, ``screen``, ``geometry``, ``fullScreen``, ``carouselS``)."""

    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def list(self) -> list[LayoutOut]:
        """``GET /layouts``: the caller's layouts and every shared one, by name."""
        return self._client._parse(LayoutList, await self._client._request("GET", BASE)).layouts

    async def get(self, layout_id: int) -> LayoutOut:
        """``GET /layouts/{id}``; 404 ``layout_not_found``."""
        return self._client._parse(LayoutOut, await self._client._request("GET", f"{BASE}/{int(layout_id)}"))

    async def create(self, body: dict[str, Any]) -> LayoutOut:
        """``POST /layouts``; 409 ``layout_exists``, 422 ``validation_error``."""
        return self._client._parse(LayoutOut, await self._client._request("POST", BASE, json=body, ok=(201,)))

    async def update(self, layout_id: int, changes: dict[str, Any]) -> LayoutOut:
        """``PATCH /layouts/{id}`` (owner or admin; 403 ``layout_forbidden``)."""
        out = await self._client._request("PATCH", f"{BASE}/{int(layout_id)}", json=changes, ok=(200,))
        return self._client._parse(LayoutOut, out)

    async def delete(self, layout_id: int) -> None:
        """``DELETE /layouts/{id}`` (owner or admin)."""
        await self._client._send("DELETE", f"{BASE}/{int(layout_id)}", (204,))
