"""Client processes of ``bench/quotas.py``: each one a real client of a quota store (its own connection) or of
the backend's HTTP API (its own keep-alive connection), all timed in one shared wall window.

Protocol (``run_clients``): the parent starts every process (``spawn``: a fresh interpreter, nothing shared
but the arguments); each opens its client and runs a few operations (connection made, Lua scripts loaded,
SQL statements compiled), reports ready and waits. When all are ready the parent fixes the window
``[start, end)`` on ``time.perf_counter`` (CLOCK_MONOTONIC on Linux: one clock for every process) and lets
them go. Every process runs operations back to back from then on; the first ``warmup`` seconds are warm-up.
An operation is counted when its reserve started at or after ``start`` and its release ended before ``end``;
the one operation of each process that straddles an edge of the window is not counted (so the rate is never
overstated). Reserve latency is measured per call with ``perf_counter`` around the call in the client.

One operation = reserve a slot (kind ``live``, TTL 60 s) and release that same reservation. A refused
reservation (429 / QuotaExceededError) is counted apart and is not an operation.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
import traceback
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TTL_S = 60.0
PRIME_OPS = 50  # operations each process runs before it reports ready (connections, scripts, statement caches)


class Refused(Exception):
    """A reservation the quota refused (not counted as an operation)."""


def percentile(values: Any, p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``; 0.0 for none."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _store_client(spec: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[Any], Any], Callable[[], None]]:
    """(reserve(holder) -> reservation, release(reservation), close) on the store of ``spec``."""
    from backend.quotas.base import QuotaExceededError
    from milestone.clock import SystemClock

    if spec["store"] == "redis":
        from backend.quotas.redis_store import RedisQuotaStore

        store: Any = RedisQuotaStore.from_url(spec["url"], SystemClock(), spec["limits"], prefix=spec["prefix"])
        close = store.close
    else:
        from backend.db.engine import create_db_engine
        from backend.quotas.sql_store import SqlQuotaStore

        engine = create_db_engine(spec["url"])
        store = SqlQuotaStore(engine, SystemClock(), spec["limits"])
        close = engine.dispose
    agency, camera = spec["agency"], spec["camera_id"]

    def reserve(holder: str) -> Any:
        try:
            return store.reserve(agency, holder, "live", camera, TTL_S)
        except QuotaExceededError:
            raise Refused from None

    def release(reservation: Any) -> Any:
        return store.release(reservation.id)

    return reserve, release, close


def _http_client(spec: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[Any], Any], Callable[[], None]]:
    """(reserve, release, close) through the backend's HTTP API on one keep-alive connection."""
    import httpx

    client = httpx.Client(base_url=spec["url"], headers=spec["headers"], timeout=30)
    body = {"cameraId": spec["camera_id"], "kind": "live", "agency": spec["agency"], "ttlSeconds": TTL_S}

    def reserve(holder: str) -> Any:
        r = client.post("/api/v1/stream/reserve", json={**body, "holder": holder})
        if r.status_code == 429:
            raise Refused
        if r.status_code != 200:
            raise RuntimeError(f"reserve answered {r.status_code}: {r.text[:300]}")
        return r.json()["reservationId"]

    def release(reservation_id: Any) -> Any:
        r = client.delete(f"/api/v1/stream/release/{reservation_id}")
        if r.status_code != 200 or r.json()["released"] is not True:
            raise RuntimeError(f"release answered {r.status_code}: {r.text[:300]}")
        return True

    return reserve, release, client.close


def client_process(kind: str, spec: dict[str, Any], index: int, ready: Any, go: Any, window: Any, results: Any) -> None:
    """One client process (``kind`` ``store`` or ``http``): see the module docstring. Puts on ``results`` a dict
    ``{"index", "ops", "refused", "reserve_s": bytes, "release_s": bytes, "cpu_s", "error"}`` (latencies as
    ``array('d')`` bytes, seconds; ``cpu_s``: this process's CPU time during the window)."""
    out: dict[str, Any] = {"index": index, "ops": 0, "refused": 0, "reserve_s": b"", "release_s": b"", "cpu_s": 0.0}
    try:
        reserve, release, close = (_store_client if kind == "store" else _http_client)(spec)
        holder = f"bench-{kind}-{index}"
        for _ in range(PRIME_OPS):
            release(reserve(holder))
        ready.put(index)
        if not go.wait(120):
            raise RuntimeError("no go from the parent in 120 s")
        start, end = window[0], window[1]
        reserve_s, release_s = array("d"), array("d")
        ops = refused = 0
        clock = time.perf_counter
        cpu0 = cpu1 = None
        while True:
            t0 = clock()
            if t0 >= end:
                break
            if cpu0 is None and t0 >= start:
                cpu0 = time.process_time()
            try:
                reservation = reserve(holder)
            except Refused:
                if t0 >= start:
                    refused += 1
                continue
            t1 = clock()
            release(reservation)
            t2 = clock()
            if t0 >= start and t2 < end:
                ops += 1
                reserve_s.append(t1 - t0)
                release_s.append(t2 - t1)
        cpu1 = time.process_time()
        close()
        out.update(ops=ops, refused=refused, reserve_s=reserve_s.tobytes(), release_s=release_s.tobytes())
        out["cpu_s"] = cpu1 - cpu0 if cpu0 is not None else 0.0
    except BaseException:  # reported to the parent, which fails the run
        out["error"] = traceback.format_exc()
    results.put(out)


def run_clients(
    kind: str, spec: dict[str, Any], clients: int, seconds: float, warmup: float, watch: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run ``clients`` processes of ``kind`` against ``spec`` for ``warmup`` + ``seconds`` and merge their
    figures. ``watch``: {label: psutil.Process} (servers) whose CPU time over the window is reported.

    Returns ``{"ops", "refused", "seconds", "ops_per_s", "reserve_p50_ms", "reserve_p99_ms", "reserve_max_ms",
    "release_p99_ms", "client_cpu_pct", "server_cpu_pct": {name: pct}, "per_client": [ops]}`` (CPU in percent
    of one core over the window). Raises RuntimeError when a client failed."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    window = ctx.Array("d", 2, lock=False)
    procs = [
        ctx.Process(target=client_process, args=(kind, spec, i, ready, go, window, results), daemon=True)
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    try:
        _wait_ready(procs, ready, results, kind)
        start = time.perf_counter() + warmup
        window[0], window[1] = start, start + seconds
        go.set()
        servers = list((watch or {}).values())
        time.sleep(max(0.0, start - time.perf_counter()))
        cpu0 = [_cpu(p) for p in servers]
        time.sleep(max(0.0, window[1] - time.perf_counter()))
        cpu1 = [_cpu(p) for p in servers]
        outs = [results.get(timeout=60 + seconds) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=10)
    errors = [o["error"] for o in outs if "error" in o]
    if errors:
        raise RuntimeError(f"{len(errors)} {kind} client(s) failed:\n" + "\n".join(errors))
    reserve_ms = [s * 1000 for o in outs for s in _floats(o["reserve_s"])]
    release_ms = [s * 1000 for o in outs for s in _floats(o["release_s"])]
    ops = sum(o["ops"] for o in outs)
    return {
        "ops": ops,
        "refused": sum(o["refused"] for o in outs),
        "seconds": seconds,
        "ops_per_s": ops / seconds,
        "reserve_p50_ms": percentile(reserve_ms, 50),
        "reserve_p99_ms": percentile(reserve_ms, 99),
        "reserve_max_ms": max(reserve_ms, default=0.0),
        "release_p99_ms": percentile(release_ms, 99),
        "client_cpu_pct": 100 * sum(o["cpu_s"] for o in outs) / seconds,
        "server_cpu_pct": {label: 100 * (b - a) / seconds for label, a, b in zip(watch or {}, cpu0, cpu1, strict=True)},
        "per_client": [o["ops"] for o in sorted(outs, key=lambda o: o["index"])],
    }


def _wait_ready(procs: list[Any], ready: Any, results: Any, kind: str, timeout_s: float = 120.0) -> None:
    """Wait until every process reported ready; RuntimeError (with the failures) when one ended or none came
    in ``timeout_s``."""
    import queue

    waiting = len(procs)
    deadline = time.monotonic() + timeout_s
    while waiting:
        try:
            ready.get(timeout=0.5)
            waiting -= 1
            continue
        except queue.Empty:
            pass
        if any(proc.exitcode is not None for proc in procs) or time.monotonic() > deadline:
            failures = []
            with contextlib.suppress(queue.Empty):
                while True:
                    failures.append(results.get(timeout=1).get("error", "exited early"))
            raise RuntimeError(f"{kind} clients did not start:\n" + "\n".join(failures or ["time-out"]))


def _cpu(proc: Any) -> float:
    times = proc.cpu_times()
    return times.user + times.system


def _floats(data: bytes) -> array:
    values = array("d")
    values.frombytes(data)
    return values
