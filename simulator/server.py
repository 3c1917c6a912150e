"""Wires one simulator instance: management server (uvicorn) + two recording servers, in ONE asyncio loop.

``SimulatorServer.start()`` binds every socket first (ports 0 = picked by the OS), builds the site for the
bound ports, warms the per-camera renderers, starts serving and returns the ready information that
``simulator.cli`` prints as ``SIMULATOR_READY {json}``. ``stop()`` shuts everything down cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import uvicorn

from milestone.clock import Clock, SystemClock
from simulator.context import SimulatorConfig, SimulatorContext
from simulator.faults import FaultBoard
from simulator.inventory import RECORDER_COUNT, build_inventory
from simulator.management import build_management_app
from simulator.manual import ManualRecordings
from simulator.recorder_server import RecorderServer
from simulator.timeline import FrameGrid, RecordedTimeline
from simulator.tokens import TokenAuthority
from simulator.users import UserDirectory

log = logging.getLogger(__name__)


class _EmbeddedUvicorn(uvicorn.Server):
    """uvicorn without its own signal handling: the simulator's CLI owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.create_server((host, port), reuse_port=False)
    sock.setblocking(False)
    return sock


class SimulatorServer:
    """One running simulator. Not restartable: create a new one after ``stop()``."""

    def __init__(self, config: SimulatorConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.ctx: SimulatorContext | None = None
        self._uvicorn: _EmbeddedUvicorn | None = None
        self._uvicorn_task: asyncio.Task | None = None
        self._recorders: list[RecorderServer] = []
        self._pool: ThreadPoolExecutor | None = None

    async def start(self) -> dict:
        """Bind, build and serve. Returns ``{"management_url", "recording_servers": [{id, name, host, port}],
        "password_file", "cameras"}``. Raises OSError when a port cannot be bound."""
        cfg = self.config
        rec_socks = [_bind(cfg.host, port) for port in cfg.recorder_ports[:RECORDER_COUNT]]
        mgmt_sock = _bind(cfg.host, cfg.port)
        endpoints = [(cfg.host, s.getsockname()[1]) for s in rec_socks]
        inventory = build_inventory(cfg.cameras, endpoints)
        self._pool = ThreadPoolExecutor(max_workers=cfg.encode_threads, thread_name_prefix="sim-encode")
        manual = ManualRecordings(
            self.clock, {c.index: c.manual_timeout_minutes for c in inventory.cameras}, cfg.minute_s
        )
        grid = FrameGrid(cfg.fps)
        ctx = SimulatorContext(
            config=cfg,
            clock=self.clock,
            inventory=inventory,
            users=UserDirectory(cfg.password, cfg.cameras),
            tokens=TokenAuthority(self.clock, cfg.token_ttl_s, cfg.vms_token_ttl_s, cfg.host),
            manual=manual,
            grid=grid,
            timeline=RecordedTimeline(grid, self.clock, manual, cfg.retention_s),
            faults=FaultBoard(),
            pool=self._pool,
        )
        self.ctx = ctx
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, ctx.renderer, c.index) for c in inventory.cameras))
        for rec, sock in zip(inventory.recorders, rec_socks, strict=True):
            server = RecorderServer(ctx, rec)
            await server.start(sock)
            self._recorders.append(server)
        config = uvicorn.Config(
            build_management_app(ctx),
            log_level="warning",
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._uvicorn = _EmbeddedUvicorn(config)
        self._uvicorn_task = loop.create_task(self._uvicorn.serve(sockets=[mgmt_sock]), name="management")
        while not self._uvicorn.started:
            if self._uvicorn_task.done():
                self._uvicorn_task.result()
                raise RuntimeError("management server stopped during startup")
            await asyncio.sleep(0.02)
        mgmt_port = mgmt_sock.getsockname()[1]
        return {
            "management_url": f"http://{cfg.host}:{mgmt_port}",
            "recording_servers": [
                {"id": r.id, "name": r.name, "host": r.host, "port": r.port} for r in inventory.recorders
            ],
            "password_file": cfg.password_file,
            "cameras": cfg.cameras,
        }

    async def wait(self) -> None:
        """Until the management server task ends (it only ends through ``stop()`` or a crash)."""
        if self._uvicorn_task is not None:
            await self._uvicorn_task

    async def stop(self) -> None:
        """Close every connection and listener, stop live encoders and the worker threads."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        for rec in self._recorders:
            await rec.close()
        if self.ctx is not None:
            await self.ctx.live.close()
        if self._uvicorn_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._uvicorn_task, 5.0)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
