"""REST calls of the backend's metadata API (tags, tagged ranges, annotations, incidents, search; issue 7 §3).

Wire contract: ``backend.api.schemas_metadata`` (routes under ``/api/v1/metadata``, camelCase JSON, aware
datetimes). ``MetadataApi`` wraps a ``BackendClient`` (its token, timeouts and error mapping): every failure
raises ``BackendError`` (``status``/``code``/``message``/``message_ar`` of the backend's bilingual error body, or
status 0 when it does not answer). Camera ids here are the backend's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.api.schemas import API_PREFIX
from backend.api.schemas_metadata import (
    MAX_PAGE,
    AnnotationOut,
    AnnotationPage,
    IncidentOut,
    IncidentPage,
    SearchPage,
    TaggedRangeList,
    TaggedRangeOut,
    TagList,
    TagOut,
)

from .client import BackendClient

BASE = f"{API_PREFIX}/metadata"


def _params(**values: Any) -> dict[str, Any]:
    """Query parameters without the ``None`` ones; datetimes as ISO 8601, lists repeated."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _body(**values: Any) -> dict[str, Any]:
    """A JSON body: datetimes as ISO 8601; ``None`` values kept only when listed in ``values`` explicitly."""
    return {key: (value.isoformat() if isinstance(value, datetime) else value) for key, value in values.items()}


class MetadataApi:
    """The metadata routes of the backend ``client`` talks to. See the module docstring."""

    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def _get(self, path: str, **params: Any) -> Any:
        return await self._client._request("GET", f"{BASE}{path}", params=_params(**params))

    async def _write(self, method: str, path: str, body: dict[str, Any]) -> Any:
        return await self._client._request(method, f"{BASE}{path}", json=body, ok=(200, 201))

    async def _delete(self, path: str) -> None:
        await self._client._send("DELETE", f"{BASE}{path}", (200, 204))

    # --- tags -------------------------------------------------------------------------------------------
    async def tags(self) -> TagList:
        """``GET /tags``: every tag, by category then name."""
        return self._client._parse(TagList, await self._get("/tags"))

    async def create_tag(self, name: str, color: str, category: str = "") -> TagOut:
        """``POST /tags`` (permission ``incidents``); 409 ``tag_exists``."""
        body = _body(name=name, color=color, category=category)
        return self._client._parse(TagOut, await self._write("POST", "/tags", body))

    async def update_tag(
        self, tag_id: int, *, name: str | None = None, color: str | None = None, category: str | None = None
    ) -> TagOut:
        """``PATCH /tags/{id}`` (permission ``incidents``): only the values given change; 404 ``tag_not_found``,
        409 ``tag_exists`` (a rename onto another tag's name)."""
        changes = {"name": name, "color": color, "category": category}
        body = _body(**{key: value for key, value in changes.items() if value is not None})
        return self._client._parse(TagOut, await self._write("PATCH", f"/tags/{int(tag_id)}", body))

    async def delete_tag(self, tag_id: int) -> None:
        """``DELETE /tags/{id}`` (permission ``incidents``): the tag goes from every range and incident too."""
        await self._delete(f"/tags/{int(tag_id)}")

    async def tagged_ranges(
        self, camera_id: str, start: datetime, end: datetime, limit: int = MAX_PAGE
    ) -> TaggedRangeList:
        """``GET /tagged-ranges``: the camera's tagged ranges overlapping ``[start, end)``, by start."""
        answer = await self._get("/tagged-ranges", cameraId=camera_id, start=start, end=end, limit=limit)
        return self._client._parse(TaggedRangeList, answer)

    async def create_tagged_range(
        self, tag_id: int, camera_id: str, start: datetime, end: datetime, note: str = ""
    ) -> TaggedRangeOut:
        """``POST /tagged-ranges`` (permission ``annotate``)."""
        body = _body(tagId=tag_id, cameraId=camera_id, start=start, end=end, note=note)
        return self._client._parse(TaggedRangeOut, await self._write("POST", "/tagged-ranges", body))

    async def delete_tagged_range(self, range_id: int) -> None:
        await self._delete(f"/tagged-ranges/{int(range_id)}")

    # --- annotations ------------------------------------------------------------------------------------
    async def annotations(
        self, camera_id: str, start: datetime, end: datetime, limit: int = MAX_PAGE, before_id: int | None = None
    ) -> AnnotationPage:
        """``GET /annotations``: the camera's annotations in ``[start, end)``, newest first (``next_before_id``
        continues)."""
        answer = await self._get(
            "/annotations", cameraId=camera_id, start=start, end=end, limit=limit, beforeId=before_id
        )
        return self._client._parse(AnnotationPage, answer)

    async def create_annotation(self, camera_id: str, time: datetime, text: str) -> AnnotationOut:
        """``POST /annotations`` (permission ``annotate``)."""
        body = _body(cameraId=camera_id, time=time, text=text)
        return self._client._parse(AnnotationOut, await self._write("POST", "/annotations", body))

    async def update_annotation(self, annotation_id: int, text: str) -> AnnotationOut:
        """``PATCH /annotations/{id}``: its author, or a user with ``incidents``; 404 ``annotation_not_found``."""
        answer = await self._write("PATCH", f"/annotations/{int(annotation_id)}", _body(text=text))
        return self._client._parse(AnnotationOut, answer)

    async def delete_annotation(self, annotation_id: int) -> None:
        await self._delete(f"/annotations/{int(annotation_id)}")

    # --- incidents --------------------------------------------------------------------------------------
    async def incidents(
        self,
        *,
        q: str = "",
        severity: str | None = None,
        status: str | None = None,
        camera_id: str | None = None,
        tag_id: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> IncidentPage:
        """``GET /incidents``: best match first with ``q`` (full-text, plain words), else newest first."""
        answer = await self._get(
            "/incidents",
            q=q.strip() or None,
            severity=severity,
            status=status,
            cameraId=camera_id,
            tagId=tag_id,
            limit=limit,
            offset=offset,
        )
        return self._client._parse(IncidentPage, answer)

    async def incident(self, incident_id: int) -> IncidentOut:
        """``GET /incidents/{id}``; 404 ``incident_not_found``."""
        return self._client._parse(IncidentOut, await self._get(f"/incidents/{int(incident_id)}"))

    async def create_incident(self, body: dict[str, Any]) -> IncidentOut:
        """``POST /incidents`` (permission ``incidents``) with an ``IncidentCreate`` body (camelCase keys,
        datetimes allowed); 422 ``unknown_user`` for an assignee the backend does not know."""
        return self._client._parse(IncidentOut, await self._write("POST", "/incidents", _body(**body)))

    async def update_incident(self, incident_id: int, changes: dict[str, Any]) -> IncidentOut:
        """``PATCH /incidents/{id}`` with an ``IncidentPatch`` body (only the keys given change)."""
        answer = await self._write("PATCH", f"/incidents/{int(incident_id)}", _body(**changes))
        return self._client._parse(IncidentOut, answer)

    async def search(self, q: str, *, kind: str | None = None, limit: int = 50, offset: int = 0) -> SearchPage:
        """``GET /search``: full-text hits over incidents and annotations; 422 ``bad_query`` for an empty one."""
        return self._client._parse(SearchPage, await self._get("/search", q=q, kind=kind, limit=limit, offset=offset))
