"""Shared fixtures and helpers for backend tests: settings pointing at a real simulator, the backend app
in-process (FastAPI TestClient, lifespan included), and a real backend child process (BackendProcess).

Fixtures: ``backend_settings_factory`` (settings in a private data dir, optionally logged into a simulator),
``backend_settings`` (logged into the shared ``simulator``), ``make_backend`` (factory of in-process backends,
closed at teardown), ``backend`` (one in-process backend connected to the shared simulator),
``make_backend_process`` (factory of BackendProcess children, closed at teardown), ``wait_for`` (polling),
``redis_server`` (a real redis-server child), ``s3_server`` and ``store`` (object stores).

tests/conftest.py registers it as a pytest plugin.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.api.auth import read_api_token
from backend.app import ComponentFactory, create_app
from backend.launcher import BackendProcess
from backend.settings import BackendSettings, load_settings
from milestone.clock import Clock
from simulator.launcher import SimulatorProcess
from tests.redis_server import REDIS_SERVER, RedisServer

SIM_USER = "admin"


def milestone_section(sim: SimulatorProcess | None, **extra: Any) -> dict[str, Any]:
    """The ``[milestone]`` settings for logging into ``sim`` as admin (fast retries and probes for tests);
    None gives a configuration without Milestone."""
    if sim is None:
        return {"base_url": "", **extra}
    return {
        "base_url": sim.management_url,
        "username": SIM_USER,
        "password_file": sim.info["password_file"],
        "verify_tls": False,
        "retry_max_s": 1.0,
        "probe_interval_s": 0.5,
        "inventory_ttl_s": 0.0,
        **extra,
    }


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy; returns it. Raises AssertionError on time-out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout:g} s")
        time.sleep(interval)


@dataclass
class InProcessBackend:
    """A backend app running in a TestClient (lifespan entered); ``client`` sends the API token."""

    app: FastAPI
    settings: BackendSettings
    client: TestClient
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str, **kwargs: Any):
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, **kwargs: Any):
        return self.client.post(url, headers=self.headers, **kwargs)

    def put(self, url: str, **kwargs: Any):
        return self.client.put(url, headers=self.headers, **kwargs)

    def patch(self, url: str, **kwargs: Any):
        return self.client.patch(url, headers=self.headers, **kwargs)

    def wait_milestone(self, timeout: float = 20.0) -> None:
        """Wait until /health reports Milestone connected."""

        def connected() -> bool:
            body = self.client.get("/health").json()
            return body["checks"]["milestone"]["status"] == "connected"

        wait_until(connected, timeout)


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """``wait_for(predicate, timeout=15)``: ``wait_until`` as a fixture (test modules need not import this one)."""
    return wait_until


@pytest.fixture
def backend_settings_factory(tmp_path: Path) -> Callable[..., BackendSettings]:
    """``make(sim=None, **sections)``: settings with data in a fresh directory under tmp_path; ``sim`` fills
    ``[milestone]``; keyword arguments are settings-file sections/keys merged on top."""
    counter = iter(range(1000))

    def make(sim: SimulatorProcess | None = None, **data: Any) -> BackendSettings:
        milestone = {**milestone_section(sim), **data.pop("milestone", {})}
        merged = {"data_dir": str(tmp_path / f"backend-{next(counter)}"), "milestone": milestone, **data}
        return load_settings(env={}, overrides=_flatten(merged))

    return make


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@pytest.fixture
def backend_settings(backend_settings_factory, simulator) -> BackendSettings:
    return backend_settings_factory(simulator)


@pytest.fixture
def make_backend() -> Iterator[Callable[..., InProcessBackend]]:
    """``make(settings, clock=None, components=())``: an in-process backend (lifespan running)."""
    opened: list[TestClient] = []

    def make(
        settings: BackendSettings, *, clock: Clock | None = None, components: list[ComponentFactory] | None = None
    ) -> InProcessBackend:
        app = create_app(settings, clock=clock, components=components or [])
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return InProcessBackend(app, settings, client, read_api_token(settings.token_file_path))

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def backend(make_backend, backend_settings) -> InProcessBackend:
    """An in-process backend logged into the shared simulator (connected before the test starts)."""
    harness = make_backend(backend_settings)
    harness.wait_milestone()
    return harness


@pytest.fixture
def make_backend_process() -> Iterator[Callable[..., BackendProcess]]:
    """``make(settings=dict, env=dict, data_dir=None)``: a started backend child process."""
    started: list[BackendProcess] = []

    def make(**kwargs: Any) -> BackendProcess:
        proc = BackendProcess(**kwargs)
        started.append(proc)
        proc.start()
        return proc

    yield make
    for proc in started:
        proc.close()


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """A real S3 server (``weed mini``) for the module's tests."""
    from tests.s3_server import WeedS3Server

    server = WeedS3Server(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server (no persistence) for the test, stopped at teardown."""
    if REDIS_SERVER is None:
        pytest.fail("redis-server is missing: apt-get install -y redis-server")
    server = RedisServer(tmp_path / "redis")
    server.directory.mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    """Each object store in turn, buckets created: the filesystem store, then S3 on ``s3_server``."""
    from backend.storage.filesystem import FilesystemStore

    if request.param == "filesystem":
        result = FilesystemStore(tmp_path / "objects")
    else:
        result = request.getfixturevalue("s3_server").store()
    result.ensure_buckets()
    return result
