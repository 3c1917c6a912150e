"""Stream quota benchmark: reserve+release operations per second through each quota store and the HTTP API.

    python bench/quotas.py [--store redis|sql|both] [--clients 2] [--seconds 20] [--http-clients 2]

For each store (``both``: SQL first, then Valkey/Redis), one phase after the other, never two at once:

1. **store**: ``--clients`` client processes (``multiprocessing``, spawned), each a real client of the store
   with its own connection: ``backend.quotas.redis_store.RedisQuotaStore`` on a ``redis-server`` child
   (Debian package, started like the tests do, ``tests/redis_server.py``, no persistence), or
   ``backend.quotas.sql_store.SqlQuotaStore`` on the backend's SQLite database file (created with the backend's
   engine and Alembic migrations: WAL, ``BEGIN IMMEDIATE``, one transaction per call, as the backend runs it).
   redis-py parses replies with hiredis when it is installed (stderr names the parser).
2. **http**: the real backend (``python main.py backend`` child, its data directory holding that database,
   ``[quotas] store`` set to the same store) and ``--http-clients`` client processes, each one keep-alive
   connection sending ``POST /api/v1/stream/reserve`` then ``DELETE /api/v1/stream/release/{id}`` with the
   API token. The camera reserved is one the backend has in its database (agency ``DUBAI_POLICE``, also sent as
   ``agency``). Everything the backend does per call counts: authentication, the camera lookup, the audit row
   of each state-changing call, the ownership check before a release, the usage re-read after each change
   (``quota_changed``); logging at WARNING. The clients' own CPU shares the machine with the backend.

One operation = one reserve (kind ``live``, TTL 60 s) + one release of the same reservation, back to back in
each client. Agency ``DUBAI_POLICE`` gets a limit (1,000,000) that never refuses; refusals would be counted
apart (stderr ``refused``). Throughout each store's phases the parent holds ``--held`` reservations of that
agency, so every reserve counts and cleans a populated agency, as in a busy control room.

Timing (``bench/quotas_workers.py``): every client process is started, connected and warmed up (a few
operations) before the clock starts; then all run together for ``--warmup`` seconds (not counted) and
``--seconds`` seconds (counted) in one wall window on CLOCK_MONOTONIC shared by all processes. Only
operations that start and end inside the window count; ``ops_per_s`` = all processes' operations / window.
Reserve latency is timed per call in each client with ``time.perf_counter`` and the p99 taken over all
clients' calls merged. stderr also gets p50/max, release p99, operations per client and the CPU used
during the window by the clients and by the server (redis-server or the backend) in percent of one core.

Prints one line per store, the Valkey/Redis one last (the issue's headline figure)::

    quotas store=S clients=N ops_per_s=X reserve_p99_ms=Y http_ops_per_s=Z

Goals (issue 5): redis >= 10,000 ops/s from two client processes with reserve p99 < 5 ms; sql >= 1,000 ops/s;
the HTTP rate is reported (``--http-clients 0`` skips it: ``http_ops_per_s=n/a``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

AGENCY = "DUBAI_POLICE"  # a camera agency the database accepts; its limit is raised for the bench
LIMITS = {AGENCY: 1_000_000}
CAMERA_ID = "00000000-0000-4000-8000-00000000b5e1"
GOALS = {"redis": (10_000, 5.0), "sql": (1_000, None)}  # ops/s, reserve p99 ms


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=("redis", "sql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=2, help="store client processes")
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement window of each phase, s")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up before each window (not counted), s")
    parser.add_argument("--http-clients", type=int, default=2, help="HTTP client processes (0: skip the API)")
    parser.add_argument("--held", type=int, default=100, help="reservations held in the agency throughout")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.http_clients < 0 or args.seconds <= 0 or args.warmup < 0 or args.held < 0:
        parser.error("--clients >= 1, --http-clients >= 0, --seconds > 0, --warmup >= 0, --held >= 0")
    return args


def create_database(data_dir: Path) -> str:
    """The backend's SQLite database in ``data_dir`` (``backend.sqlite3``, as ``BackendSettings.db_url``), made
    with the backend's engine and migrations, holding the bench camera. Returns its URL."""
    from sqlalchemy import insert

    from backend.db.engine import create_db_engine
    from backend.db.migrate import upgrade_to_head
    from backend.db.models import Camera

    url = f"sqlite:///{data_dir / 'backend.sqlite3'}"
    engine = create_db_engine(url)
    try:
        upgrade_to_head(engine)
        now_us = int(time.time() * 1_000_000)
        with engine.begin() as conn:
            conn.execute(
                insert(Camera).values(
                    id=CAMERA_ID,
                    name="Quota bench camera",
                    agency=AGENCY,
                    storage_mode="LOCAL",
                    rtsp_url="rtsp://192.0.2.1/stream1",
                    created_us=now_us,
                    updated_us=now_us,
                )
            )
    finally:
        engine.dispose()
    return url


def open_store(store: str, url: str) -> tuple[Any, Any]:
    """(store, close) in this process: the parent's own client, holding the ``--held`` reservations."""
    from milestone.clock import SystemClock

    if store == "redis":
        from backend.quotas.redis_store import RedisQuotaStore

        redis_store = RedisQuotaStore.from_url(url, SystemClock(), LIMITS)
        return redis_store, redis_store.close
    from backend.db.engine import create_db_engine
    from backend.quotas.sql_store import SqlQuotaStore

    engine = create_db_engine(url)
    return SqlQuotaStore(engine, SystemClock(), LIMITS), engine.dispose


def measure_store(store: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Both phases on ``store``: returns ``{"store": figures, "http": figures or None}`` (see
    ``quotas_workers.run_clients``)."""
    import psutil
    from quotas_workers import run_clients

    data_dir = work / f"{store}-data"
    db_url = create_database(data_dir)
    redis_server = None
    if store == "redis":
        from tests.redis_server import REDIS_SERVER, RedisServer

        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        redis_server = RedisServer(work / "redis")
        redis_server.directory.mkdir()
        redis_server.start()
    try:
        url = redis_server.url if redis_server is not None else db_url
        parent_store, close = open_store(store, url)
        held = [parent_store.reserve(AGENCY, "bench-held", "live", CAMERA_ID, 3600) for _ in range(args.held)]
        spec = {"store": store, "url": url, "limits": LIMITS, "prefix": "quota", "agency": AGENCY}
        spec["camera_id"] = CAMERA_ID
        watch = {"redis-server": psutil.Process(redis_server.process.pid)} if redis_server is not None else {}
        result: dict[str, Any] = {
            "store": run_clients("store", spec, args.clients, args.seconds, args.warmup, watch),
            "http": None,
        }
        report(store, "store", result["store"])
        if args.http_clients:
            result["http"] = measure_http(store, args, data_dir, redis_server, watch)
            report(store, "http", result["http"])
        for reservation in held:
            parent_store.release(reservation.id)
        close()
        return result
    finally:
        if redis_server is not None:
            redis_server.stop()


def measure_http(
    store: str, args: argparse.Namespace, data_dir: Path, redis_server: Any, watch: dict[str, Any]
) -> dict[str, Any]:
    """The HTTP phase: a backend child on ``data_dir`` with quotas on ``store``, ``--http-clients`` clients."""
    import psutil
    from quotas_workers import run_clients

    from backend.launcher import BackendProcess

    quotas: dict[str, Any] = {"store": store, "limits": LIMITS}
    if redis_server is not None:
        quotas["redis_url"] = redis_server.url
    settings = {
        "milestone": {"base_url": ""},
        "storage": {"spool_min_free_mb": 0},
        "log_level": "WARNING",
        "quotas": quotas,
    }
    backend = BackendProcess(settings=settings, data_dir=data_dir)
    try:
        backend.start(timeout=120)
        spec = {"url": backend.url, "headers": backend.headers, "agency": AGENCY, "camera_id": CAMERA_ID}
        watch = {"backend": psutil.Process(backend.pid), **watch}
        return run_clients("http", spec, args.http_clients, args.seconds, args.warmup, watch)
    finally:
        backend.close()


def report(store: str, phase: str, r: dict[str, Any]) -> None:
    """The details of one phase, on stderr."""
    servers = " ".join(f"{name}={pct:.0f}%" for name, pct in r["server_cpu_pct"].items())
    print(
        f"  {store} {phase}: ops={r['ops']} in {r['seconds']:g} s ({r['ops_per_s']:.0f}/s) refused={r['refused']} "
        f"reserve p50={r['reserve_p50_ms']:.3f} p99={r['reserve_p99_ms']:.3f} max={r['reserve_max_ms']:.1f} ms "
        f"release p99={r['release_p99_ms']:.3f} ms per_client={r['per_client']} "
        f"cpu (% of one core) clients={r['client_cpu_pct']:.0f}% {servers}",
        file=sys.stderr,
        flush=True,
    )


def environment() -> str:
    """The redis-py version, its reply parser (hiredis or pure Python), the CPUs and their load, for stderr."""
    import redis
    from redis.utils import HIREDIS_AVAILABLE

    parser = "hiredis" if HIREDIS_AVAILABLE else "python"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"redis-py {redis.__version__}, parser {parser}, {os.cpu_count()} CPUs, load average {load}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stores = ["sql", "redis"] if args.store == "both" else [args.store]
    print(f"quota bench: {environment()}, {args.clients} store clients, {args.http_clients} HTTP clients, "
          f"window {args.seconds:g} s after {args.warmup:g} s warm-up, {args.held} held", file=sys.stderr)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-quotas-") as tmp:
        for store in stores:
            result = measure_store(store, args, Path(tmp))
            direct, http = result["store"], result["http"]
            goal_ops, goal_p99 = GOALS[store]
            met = direct["ops_per_s"] >= goal_ops and (goal_p99 is None or direct["reserve_p99_ms"] < goal_p99)
            goal = f">= {goal_ops} ops/s" + (f", p99 < {goal_p99:g} ms" if goal_p99 else "")
            verdict = "met" if met else "NOT met"
            print(f"  {store} goal {goal}: {verdict} (load average now {os.getloadavg()[0]:.2f})", file=sys.stderr)
            http_rate = f"{http['ops_per_s']:.0f}" if http is not None else "n/a"
            print(
                f"quotas store={store} clients={args.clients} ops_per_s={direct['ops_per_s']:.0f} "
                f"reserve_p99_ms={direct['reserve_p99_ms']:.2f} http_ops_per_s={http_rate}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
