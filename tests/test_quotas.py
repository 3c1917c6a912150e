"""Stream quotas on both stores (backend.quotas): the SQL store on a SQLite file and on PostgreSQL, migrated
to head, and the Redis store on a real ``redis-server`` (Debian package ``redis-server``) started per test on
a free loopback port, without persistence unless a test asks for it.

Concurrency is tested with several OS processes reserving against one limit; time with a ManualClock.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from backend.db.engine import create_db_engine
from backend.db.migrate import upgrade_to_head
from backend.quotas.base import DEFAULT_LIMITS, AgencyUsage, QuotaExceededError, QuotaStore
from backend.quotas.redis_store import RedisQuotaStore
from backend.quotas.sql_store import SqlQuotaStore
from milestone.clock import Clock, ManualClock, SystemClock
from tests.redis_server import REDIS_SERVER, RedisServer
from tests.test_backend_core_postgres import _fresh_database, postgres_url  # noqa: F401 (a fixture)


def _open_store(spec: Mapping[str, Any], clock: Clock, limits: Mapping[str, int] | None) -> QuotaStore:
    """A store from a picklable description (also used in the worker processes)."""
    if spec["kind"] == "sql":
        return SqlQuotaStore(create_db_engine(spec["url"]), clock, limits)
    return RedisQuotaStore.from_url(spec["url"], clock, limits)


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The SQL store on a SQLite file or on a fresh PostgreSQL database (the module's throw-away server of
    tests.test_backend_core_postgres; skipped without its binaries), migrated to head; or the Redis store."""
    if request.param in ("sqlite", "postgres"):
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'quotas.sqlite3'}"
        else:
            url = _fresh_database(request.getfixturevalue("postgres_url"), f"quotas_{uuid.uuid4().hex[:12]}")
        engine = create_db_engine(url)
        upgrade_to_head(engine)
        engine.dispose()
        return {"kind": "sql", "url": url}
    server = request.getfixturevalue("redis_server")
    return {"kind": "redis", "url": server.url}


@pytest.fixture
def make_store(store_spec: dict[str, Any]) -> Callable[..., QuotaStore]:
    def make(clock: Clock, limits: Mapping[str, int] | None = None) -> QuotaStore:
        return _open_store(store_spec, clock, limits)

    return make


# (agency, limit, attempts per worker): the brief's 13 of 4 x 20, then ten small contests, each of which
# starts with every worker racing for the same few slots (a store that counts and inserts apart loses one).
CONTESTS = [("BUS", 13, 20)] + [(f"CONTEST_{k}", 3, 4) for k in range(10)]
WORKERS = 4


def _reserve_worker(spec: dict[str, Any], ready: Any, go: Any, results: Any) -> None:
    limits = {agency: limit for agency, limit, _ in CONTESTS}
    store = _open_store(spec, SystemClock(), limits)
    ready.put(True)
    go.wait(30)
    granted: dict[str, list[str]] = {}
    refused: dict[str, list[dict[str, Any]]] = {}
    for agency, _, attempts in CONTESTS:
        for i in range(attempts):
            try:
                granted.setdefault(agency, []).append(store.reserve(agency, f"w-{i}", "live", f"cam-{i}", 600).id)
            except QuotaExceededError as exc:
                refused.setdefault(agency, []).append(exc.details)
    results.put((granted, refused))


def test_concurrent_processes_get_exactly_the_limit(store_spec: dict[str, Any]) -> None:
    store = _open_store(store_spec, SystemClock(), {agency: limit for agency, limit, _ in CONTESTS})
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_reserve_worker, args=(store_spec, ready, go, results)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for _ in workers:  # all connected before any reserves, so that the attempts overlap
        assert ready.get(timeout=60)
    go.set()
    outcomes = [results.get(timeout=60) for _ in workers]  # granted ids and refusals' details per agency
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    used = {u.agency: u.used for u in store.stats()}
    for agency, limit, attempts in CONTESTS:
        granted = [rid for ids, _ in outcomes for rid in ids.get(agency, [])]
        refusals = [details for _, refused in outcomes for details in refused.get(agency, [])]
        assert (agency, len(granted), len(set(granted))) == (agency, limit, limit)
        assert len(refusals) == WORKERS * attempts - limit
        assert all(details == {"agency": agency, "limit": limit, "used": limit} for details in refusals)
        assert used[agency] == limit


def test_limits_default_configured_and_set(make_store: Callable[..., QuotaStore]) -> None:
    clock = ManualClock()
    store = make_store(clock, {"metro": 3})
    assert store.limits() == {**DEFAULT_LIMITS, "METRO": 3}
    store.set_limit("METRO", 1)
    store.reserve("METRO", "op", "live", "c1", 30)
    with pytest.raises(QuotaExceededError) as refused:
        store.reserve("metro", "op", "recording", "c2", 30)
    assert refused.value.status == 429 and refused.value.code == "quota_exceeded"
    assert refused.value.details == {"agency": "METRO", "limit": 1, "used": 1}
    assert "METRO" in refused.value.message_ar and "حصة" in refused.value.message_ar
    # A second store on the same data (another backend, or a restart) keeps what the administrator set.
    assert make_store(clock, {"metro": 3}).limits()["METRO"] == 1
    with pytest.raises(ValueError):
        store.set_limit("BUS", -1)


def test_unknown_agency_counts_against_other(make_store: Callable[..., QuotaStore]) -> None:
    store = make_store(ManualClock(), {"OTHER": 2})
    first = store.reserve("RTA_TAXI", "op", "live", "c1", 30)
    assert first.agency == "OTHER"
    store.reserve("OTHER", "op", "live", "c2", 30)
    with pytest.raises(QuotaExceededError) as refused:
        store.reserve("SOMEONE_ELSE", "op", "live", "c3", 30)
    assert refused.value.details["agency"] == "OTHER"
    store.reserve("BUS", "op", "live", "c3", 30)  # BUS has its own limit


def test_ttl_expiry_frees_a_slot_and_heartbeat_keeps_one(make_store: Callable[..., QuotaStore]) -> None:
    clock = ManualClock()
    store = make_store(clock, {"BUS": 2})
    kept = store.reserve("BUS", "op-1", "live", "c1", 10)
    lapsing = store.reserve("BUS", "op-2", "recording", "c2", 10)
    assert lapsing.expires_us == lapsing.created_us + 10_000_000
    with pytest.raises(QuotaExceededError):
        store.reserve("BUS", "op-3", "live", "c3", 10)
    clock.advance(8)
    beat = store.heartbeat(kept.id, 10)
    assert beat is not None and beat.expires_us == kept.created_us + 18_000_000
    assert (beat.holder, beat.kind, beat.camera_id, beat.agency) == ("op-1", "live", "c1", "BUS")
    clock.advance(2)  # lapsing expires exactly now (expires_us <= now is stale); kept lives 8 s more
    assert store.heartbeat(lapsing.id, 10) is None
    third = store.reserve("BUS", "op-3", "live", "c3", 10)
    with pytest.raises(QuotaExceededError):
        store.reserve("BUS", "op-4", "live", "c4", 10)
    clock.advance(7.9)
    shorter = store.heartbeat(kept.id, 0.05)  # never shortens: still expires at +18 s
    assert shorter is not None and shorter.expires_us == kept.created_us + 18_000_000
    assert {u.agency: u.used for u in store.stats()}["BUS"] == 2
    clock.advance(0.2)
    assert {u.agency: u.used for u in store.stats()}["BUS"] == 1  # kept lapsed without heartbeat
    assert store.heartbeat(kept.id, 10) is None
    assert store.release(third.id) is True


def test_release_is_idempotent(make_store: Callable[..., QuotaStore]) -> None:
    clock = ManualClock()
    store = make_store(clock, {"BUS": 1})
    held = store.reserve("BUS", "op", "live", None, 30)
    assert store.release(held.id) is True
    assert store.release(held.id) is False
    assert store.release("no-such-reservation") is False
    again = store.reserve("BUS", "op", "live", None, 30)
    assert store.release(held.id) is False  # the old id does not free the new reservation
    assert [u.used for u in store.stats() if u.agency == "BUS"] == [1]
    clock.advance(31)
    assert store.release(again.id) is False  # expired: nothing was held any more


def test_cleanup_counts_stale_reservations_and_stats(make_store: Callable[..., QuotaStore]) -> None:
    clock = ManualClock()
    store = make_store(clock, {"BUS": 5, "METRO": 5})
    for i in range(3):
        store.reserve("BUS", "op", "live", f"b{i}", 5)
    store.reserve("METRO", "op", "recording", "m0", 5)
    store.reserve("METRO", "op", "recording", "m1", 60)
    store.reserve("TAXI", "op", "live", "t0", 5)
    assert store.cleanup() == 0
    assert store.stats() == [
        AgencyUsage("BUS", 5, 3),
        AgencyUsage("DUBAI_POLICE", 50, 0),
        AgencyUsage("METRO", 5, 2),
        AgencyUsage("OTHER", 400, 1),
    ]
    clock.advance(5)
    assert store.cleanup() == 5
    assert store.cleanup() == 0
    assert [(u.agency, u.used) for u in store.stats() if u.used] == [("METRO", 1)]


def test_redis_restart_without_persistence_keeps_the_configured_limits(redis_server: RedisServer) -> None:
    clock = ManualClock()
    store = RedisQuotaStore.from_url(redis_server.url, clock, {"BUS": 2})
    store.reserve("BUS", "op", "live", "c1", 60)
    store.set_limit("METRO", 7)
    redis_server.stop()
    redis_server.start()
    # The same store (reconnecting) answers with the configured limits; the runtime change and the
    # reservations went with the server's memory.
    assert store.limits() == {**DEFAULT_LIMITS, "BUS": 2}
    assert [u.used for u in store.stats() if u.agency == "BUS"] == [0]
    store.reserve("BUS", "op", "live", "c1", 60)
    store.reserve("BUS", "op", "live", "c2", 60)
    with pytest.raises(QuotaExceededError):
        store.reserve("BUS", "op", "live", "c3", 60)
    # A store started after the restart seeds them too.
    redis_server.stop()
    redis_server.start()
    assert RedisQuotaStore.from_url(redis_server.url, clock, {"BUS": 2}).limits()["BUS"] == 2


def test_redis_restart_with_persistence_keeps_limits_and_reservations(tmp_path: Path) -> None:
    if REDIS_SERVER is None:
        pytest.fail("redis-server is missing: apt-get install -y redis-server")
    server = RedisServer(tmp_path, appendonly=True)
    server.start()
    try:
        clock = ManualClock()
        store = RedisQuotaStore.from_url(server.url, clock, {"BUS": 2})
        held = store.reserve("BUS", "op", "live", "c1", 60)
        store.set_limit("METRO", 7)
        server.stop()
        server.start()
        assert store.limits()["METRO"] == 7
        assert [u.used for u in store.stats() if u.agency == "BUS"] == [1]
        beat = store.heartbeat(held.id, 120)
        assert beat is not None and beat.camera_id == "c1"
        assert store.release(held.id) is True
    finally:
        server.stop()
