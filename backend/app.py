"""The FastAPI application factory and the lifespan that owns the backend's services (DESIGN.md §6).

``create_app(settings, *, clock, milestone_factory, components)`` returns an app whose lifespan, at start-up:
creates the data and spool directories, opens the database and migrates it to the newest revision, binds
the event bus, starts the Milestone link (in the background: start-up never waits for XProtect), builds the
camera services, then starts the pluggable components in order; at shutdown it stops them in reverse order.

Plugging a service in (storage, recording, ...): write a ``ComponentFactory`` - a callable taking the
``AppContext`` and returning an object with ``name`` and async ``start()``/``stop()`` - and list it in
``default_components()`` (or pass ``components=[...]``). The factory may put the service on ``ctx.state``
(= ``app.state``) for its routes, register health checks (``ctx.health.register("object_store", check)``),
metrics (``ctx.metrics.gauge(...)``) and publish events (``ctx.bus.publish(...)``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Protocol

from fastapi import FastAPI
from starlette.datastructures import State

from backend.api.audit_middleware import AuditMiddleware
from backend.api.auth import ensure_api_token, load_authenticator
from backend.api.errors import install_error_handlers
from backend.api.health import HealthRegistry, database_check, milestone_check, not_running_check
from backend.api.introspect import RouteTemplates
from backend.api.metrics import Metrics, MetricsMiddleware
from backend.api.routes import include_routers
from backend.auth.audit import AuditLog
from backend.auth.service import AuthService
from backend.cameras.jobs import SyncJobs
from backend.cameras.service import CameraService
from backend.db.engine import Database
from backend.db.migrate import upgrade_to_head
from backend.db.reads import ReadDatabase
from backend.events import EventBus
from backend.milestone_link import CONNECTED, MilestoneFactory, MilestoneLink, MilestoneStatus
from backend.settings import BackendSettings
from milestone.clock import Clock, SystemClock

log = logging.getLogger(__name__)

COMPONENT_STOP_TIMEOUT_S = 20.0
SESSION_CLEANUP_INTERVAL_S = 3600.0


@dataclass(frozen=True, slots=True)
class AppContext:
    """What a component factory gets: the process's settings, clock and shared services; ``state`` is
    ``app.state`` (put services for routes there)."""

    settings: BackendSettings
    clock: Clock
    db: Database
    bus: EventBus
    milestone: MilestoneLink
    metrics: Metrics
    health: HealthRegistry
    state: State


class Component(Protocol):
    """A service the lifespan starts after the core and stops before it (reverse order)."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


ComponentFactory = Callable[[AppContext], Component]


def default_components() -> list[ComponentFactory]:
    """The components of a production backend, in start order. Storage and recording register here.

        Playback starts after storage (it reads the spool and the store) and before recording (at start-up it
        records the backend's downtime during sessions that recording is about to resume). Quotas start first so that
    recordings resumed at start-up can reserve their slots. Detection starts after storage (it reads uploaded
    segments from the store)."""
    from backend.detection.component import DetectionComponent
    from backend.exports.component import ExportComponent
    from backend.metadata.component import MetadataComponent
    from backend.playback.component import PlaybackComponent
    from backend.quotas.component import QuotaComponent
    from backend.recording.component import RecordingComponent
    from backend.storage.clips_component import ClipsComponent
    from backend.storage.component import StorageComponent

    return [
        QuotaComponent,
        StorageComponent,
        ClipsComponent,
        DetectionComponent,
        PlaybackComponent,
        RecordingComponent,
        MetadataComponent,
        ExportComponent,
    ]


def _version() -> str:
    try:
        return metadata.version("control-room-video")
    except metadata.PackageNotFoundError:
        return "source"


DESCRIPTION = """Headless backend of the control-room video product.

**Authentication**: `Authorization: Bearer <API token>` on every route except `/health` and this document.
**Errors**: `{"error": {"code", "message", "message_ar", "details"}}` (English and Arabic).
**Events**: WebSocket `/api/v1/events?token=<API token>[&types=a,b][&cameraId=...]` pushes JSON messages
`{"type", "time_us", "camera_id", "data"}` of types recording_started, recording_progress, recording_stopped,
segment_uploaded, camera_status, quota_changed (`{agency, limit, used}`), detection, milestone_status (see the EventOut
schema).
"""


def create_app(
    settings: BackendSettings,
    *,
    clock: Clock | None = None,
    milestone_factory: MilestoneFactory | None = None,
    components: Sequence[ComponentFactory] | None = None,
) -> FastAPI:
    """Build the app. ``clock`` (default SystemClock) is used for every timestamp; ``milestone_factory``
    overrides how XProtect sessions are made (default: from ``settings.milestone``); ``components`` default to
    ``default_components()``. Creates the data directory and, when no API token exists, generates one.
    """
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    ensure_api_token(settings)
    metrics = Metrics()
    health = HealthRegistry()
    factories = list(default_components() if components is None else components)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _services(app, settings, clock, milestone_factory, factories):
            yield

    app = FastAPI(
        title="Control-room video backend",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,
    )
    state = app.state
    state.settings = settings
    state.clock = clock
    state.metrics = metrics
    state.health = health
    state.version = app.version
    state.started_monotonic = clock.monotonic()
    state.authenticator = load_authenticator(settings)
    state.component_factories = factories
    health.register("object_store", not_running_check("object store"), critical=False)
    metrics.gauge_callback(
        "backend_milestone_connected",
        "1 when the backend's XProtect session is connected",
        lambda: 1.0 if getattr(state, "milestone", None) is not None and state.milestone.status().connected else 0.0,
    )
    install_error_handlers(app)
    templates = RouteTemplates(app)
    app.add_middleware(AuditMiddleware, templates=templates)
    app.add_middleware(MetricsMiddleware, metrics=metrics, templates=templates)
    include_routers(app, settings)
    return app


@contextlib.asynccontextmanager
async def _services(
    app: FastAPI,
    settings: BackendSettings,
    clock: Clock,
    milestone_factory: MilestoneFactory | None,
    factories: list[ComponentFactory],
) -> AsyncIterator[None]:
    state = app.state
    settings.spool_path.mkdir(parents=True, exist_ok=True)
    db = Database.from_url(settings.db_url)
    try:
        await asyncio.to_thread(upgrade_to_head, db.engine)
    except Exception:
        db.dispose()
        raise
    reader = ReadDatabase.of(db)
    written = state.metrics.counter("backend_audit_rows_total", "Audit log rows committed")
    lost = state.metrics.counter("backend_audit_failures_total", "Audit log rows that could not be written")
    audit = AuditLog(db.engine, reader.engine, on_written=written.inc, on_failed=lost.inc)
    auth = AuthService(db.engine, reader.engine, clock, settings.auth, audit=audit)
    try:
        await asyncio.to_thread(auth.bootstrap_admin, settings.resolve)
    except Exception:
        reader.dispose()
        db.dispose()
        raise
    state.auth = auth
    state.reads = reader  # read-only database access for services and routes that only read (playback, search)
    housekeeping = asyncio.create_task(_auth_housekeeping(auth), name="auth-housekeeping")
    bus = EventBus(clock)
    bus.start()
    bus.on_publish = lambda kind: state.metrics.events_published.labels(kind).inc()
    bus.on_drop = lambda kind: state.metrics.events_dropped.labels(kind).inc()

    def milestone_changed(status: MilestoneStatus) -> None:
        bus.publish("milestone_status", state=status.state, connected=status.state == CONNECTED, error=status.error)

    link = MilestoneLink.from_settings(settings, milestone_factory, clock, on_change=milestone_changed)
    state.health.register("database", database_check(db))
    state.health.register("milestone", milestone_check(link))
    cameras = CameraService(db, link, bus, clock, default_storage_mode=settings.recording.default_storage_mode)
    jobs = SyncJobs(cameras)
    state.db, state.bus, state.milestone, state.cameras, state.sync_jobs = db, bus, link, cameras, jobs
    ctx = AppContext(settings, clock, db, bus, link, state.metrics, state.health, state)
    started: list[Component] = []
    await link.start()
    try:
        for factory in factories:
            component = factory(ctx)
            log.info("starting %s", component.name)
            await component.start()
            started.append(component)
        state.components = started
        log.info("backend ready (database %s, %d component(s))", db.dialect, len(started))
        yield
    finally:
        for component in reversed(started):
            await _stop(component)
        await jobs.stop()
        await link.stop()
        bus.close()
        housekeeping.cancel()
        await audit.close()
        reader.dispose()
        db.dispose()
        log.info("backend stopped")


async def _auth_housekeeping(auth: AuthService) -> None:
    """Delete long-dead log-in sessions at start-up and every SESSION_CLEANUP_INTERVAL_S."""
    while True:
        try:
            deleted = await auth.cleanup()
            if deleted:
                log.info("deleted %d expired log-in session(s)", deleted)
        except Exception as exc:  # housekeeping must not die
            log.warning("session clean-up failed: %s", type(exc).__name__)
        await asyncio.sleep(SESSION_CLEANUP_INTERVAL_S)


async def _stop(component: Any) -> None:
    try:
        await asyncio.wait_for(component.stop(), COMPONENT_STOP_TIMEOUT_S)
    except Exception as exc:
        log.error("stopping %s failed: %s", getattr(component, "name", component), type(exc).__name__, exc_info=exc)
