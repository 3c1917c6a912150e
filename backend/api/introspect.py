"""The app's route table, flattened across included routers (FastAPI versions differ in how they keep
included routers in ``app.routes``); used by the metrics middleware and the OpenAPI completeness test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import compile_path

_iter_contexts: Any
try:  # FastAPI >= 0.16x keeps included routers as _IncludedRouter entries
    from fastapi.routing import iter_route_contexts as _iter_contexts
except ImportError:  # older FastAPI flattens them into app.routes
    _iter_contexts = None


@dataclass(frozen=True, slots=True)
class RouteInfo:
    """One route: full ``path`` template, HTTP ``methods`` (empty for WebSockets), ``websocket`` flag and
    whether it is documented in the OpenAPI schema."""

    path: str
    methods: frozenset[str]
    websocket: bool
    include_in_schema: bool


def route_table(app: FastAPI) -> list[RouteInfo]:
    """Every route of ``app`` with its full path."""
    out: list[RouteInfo] = []
    entries: Iterator = _iter_contexts(app.routes) if _iter_contexts is not None else iter(app.routes)
    for entry in entries:
        original = getattr(entry, "original_route", entry)
        path = getattr(entry, "path", None)
        if not path:
            continue
        methods = frozenset(getattr(entry, "methods", None) or ())
        websocket = isinstance(original, APIWebSocketRoute) or type(original).__name__ == "WebSocketRoute"
        schema = bool(getattr(entry, "include_in_schema", True)) and (isinstance(original, APIRoute) or websocket)
        out.append(RouteInfo(path, methods, websocket, schema and not websocket))
    return out


class RouteTemplates:
    """Maps a request path to its route template (``/api/v1/cameras/{camera_id}``), built on first use."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._compiled: list[tuple[re.Pattern[str], frozenset[str], str]] | None = None

    def __call__(self, path: str, method: str = "GET") -> str | None:
        if self._compiled is None:
            self._compiled = [
                (compile_path(r.path)[0], r.methods, r.path) for r in route_table(self._app) if not r.websocket
            ]
        fallback = None
        for regex, methods, template in self._compiled:
            if regex.match(path):
                if method in methods:
                    return template
                fallback = fallback or template
        return fallback
