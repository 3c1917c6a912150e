"""Shared fixtures: real components over real sockets (no protocol mocks)."""

from __future__ import annotations

import os

import pytest

from simulator.launcher import SimulatorProcess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.backend_fixtures"]


@pytest.fixture(scope="session")
def simulator():
    """One simulator (8 cameras, default token lifetimes) shared by tests that do not disturb it."""
    sim = SimulatorProcess()
    sim.start()
    yield sim
    sim.close()


@pytest.fixture
def make_simulator():
    """Factory for a private simulator (custom camera count, short token lifetimes, restarts)."""
    started: list[SimulatorProcess] = []

    def factory(**kwargs) -> SimulatorProcess:
        sim = SimulatorProcess(**kwargs)
        sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        sim.close()
