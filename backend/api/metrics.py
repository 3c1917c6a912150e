"""Prometheus metrics: one registry per app (no global state), request counters and latency histograms, and
gauges that services register (``app.state.metrics``).

``GET /metrics`` needs the API token like every route (Prometheus: ``authorization: {credentials_file: ...}``
in the scrape config) unless ``auth.metrics_public`` is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "<unmatched>"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _CallbackGauge(Collector):
    """A gauge read at scrape time from ``fn()``: a number, or {label values tuple: number}."""

    def __init__(self, name: str, documentation: str, labels: Sequence[str], fn: Callable[[], object]) -> None:
        self._name, self._doc, self._labels, self._fn = name, documentation, list(labels), fn

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(self._name, self._doc, labels=self._labels or None)
        value = self._fn()
        if isinstance(value, dict):
            for key, number in value.items():
                family.add_metric([str(k) for k in (key if isinstance(key, tuple) else (key,))], float(number))
        else:
            family.add_metric([], float(value))  # type: ignore[arg-type]
        yield family


class Metrics:
    """The app's metrics registry with the built-in series; services add their own with the helpers."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._made: dict[str, Any] = {}
        self.requests = self.counter(
            "backend_http_requests_total",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
        )
        self.latency = self.histogram(
            "backend_http_request_duration_seconds",
            "HTTP request latency in seconds by method and route template",
            ["method", "route"],
        )
        self.events_published = self.counter("backend_events_published_total", "Events published by type", ["type"])
        self.events_dropped = self.counter(
            "backend_events_dropped_total", "Events dropped for slow WebSocket clients by type", ["type"]
        )
        self.websocket_clients = self.gauge("backend_websocket_clients", "Connected /api/v1/events clients")

    # The helpers are idempotent per name (a second lifespan of the same app gets the same series back).

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        if name not in self._made:
            self._made[name] = Counter(name, documentation, list(labels), registry=self.registry)
        return self._made[name]

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        if name not in self._made:
            self._made[name] = Gauge(name, documentation, list(labels), registry=self.registry)
        return self._made[name]

    def histogram(
        self, name: str, documentation: str, labels: Sequence[str] = (), buckets: Sequence[float] = LATENCY_BUCKETS
    ) -> Histogram:
        if name not in self._made:
            self._made[name] = Histogram(
                name, documentation, list(labels), buckets=tuple(buckets), registry=self.registry
            )
        return self._made[name]

    def gauge_callback(
        self, name: str, documentation: str, fn: Callable[[], object], labels: Sequence[str] = ()
    ) -> None:
        """A gauge whose value ``fn()`` computes at scrape time (number, or {label values: number}); registering
        the same name again replaces the callback."""
        old = self._made.pop(name, None)
        if old is not None:
            self.registry.unregister(old)
        self._made[name] = _CallbackGauge(name, documentation, labels, fn)
        self.registry.register(self._made[name])

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts HTTP requests and times them, labelled by the matched route template (not the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics, templates: Callable[[str, str], str | None]) -> None:
        self.app = app
        self.metrics = metrics
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            method = scope.get("method", "")
            template = self.templates(scope.get("path", ""), method) or UNMATCHED_ROUTE
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - start)


router = APIRouter(tags=["system"])


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics (text exposition format)",
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "metrics"}},
)
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
