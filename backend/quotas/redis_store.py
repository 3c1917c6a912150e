"""The quota store in Valkey/Redis, for several backends sharing one quota (redis-py client, Lua scripts).

Every operation is one Lua script (backend.quotas.redis_lua), atomic on the server: reserve drops the
agency's stale reservations from its sorted set (scored by expiry µs), counts, compares with the limit in the
``<prefix>:limits`` hash and adds the reservation. ``now`` comes from the injected clock (so tests can drive
time; backends sharing a server need synchronised clocks, as for any TTL). Limits: the configured ones are
written at start and re-written (missing agencies only, HSETNX) by every script, so a server restarted without
persistence has them again before its next answer; limits an administrator set with ``set_limit`` survive a
restart only with persistence (and then also the reservations).

Calls: each script runs as one EVALSHA on a connection the store keeps for itself (taken from the client's pool
once, then reused: one per concurrent caller), sent and read with redis-py's ``Connection`` directly. That skips
the per-command work of ``Redis.execute_command`` (pool checkout with a socket poll, retry wrapper, observability
hooks), about half of the client's CPU per call; bench/quotas.py measures it. Anything unusual on that path (the
server does not know the script, a broken or timed-out connection) drops the connection and runs the call again
through the client's normal path, with its retry policy and script loading, so failures behave as they do there.
"""

from __future__ import annotations

import collections
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

import redis

from backend.quotas import redis_lua
from backend.quotas.base import (
    AgencyUsage,
    QuotaExceededError,
    Reservation,
    ReservationKind,
    check_agency,
    check_limit,
    check_request,
    configured_limits,
    now_us,
)
from milestone.clock import Clock


class RedisQuotaStore:
    """QuotaStore on a Valkey/Redis server.

    ``client``: a ``redis.Redis`` (any ``decode_responses``); ``limits``: the configured limits (merged over
    DEFAULT_LIMITS; limits already on the server are kept); ``prefix``: the key prefix (default ``quota``).
    Raises ValueError on an invalid limit, ``redis.RedisError`` when the server is unreachable.
    """

    def __init__(
        self,
        client: redis.Redis,
        clock: Clock,
        limits: Mapping[str, int] | None = None,
        *,
        prefix: str = "quota",
    ) -> None:
        self._client = client
        self._clock = clock
        self._prefix = prefix
        self._limits_key = f"{prefix}:limits"
        seed: list[str | int] = [len(configured := configured_limits(limits))]
        for agency, limit in configured.items():
            seed += [agency, limit]
        self._seed = seed
        self._scripts = {
            name: client.register_script(getattr(redis_lua, name))
            for name in ("RESERVE", "RELEASE", "HEARTBEAT", "STATS", "CLEANUP", "LIMITS")
        }
        # Connections of the fast path, idle ones last; deque append/pop are atomic (callers are threads).
        self._idle: collections.deque[Any] = collections.deque()
        self.limits()  # writes the configured limits missing on the server

    @classmethod
    def from_url(
        cls,
        url: str,
        clock: Clock,
        limits: Mapping[str, int] | None = None,
        *,
        prefix: str = "quota",
        timeout_s: float | None = None,
    ) -> RedisQuotaStore:
        """A store on ``redis://host:port/db`` (or ``rediss://``; a password in the URL is never logged).
        ``timeout_s``: connect and command time-out in seconds (None: wait for ever)."""
        client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        return cls(client, clock, limits, prefix=prefix)

    def ping(self) -> None:
        """Raises ``redis.RedisError`` when the server does not answer."""
        self._client.ping()

    def close(self) -> None:
        """Close the client's connections."""
        pool = self._client.connection_pool
        while self._idle:
            pool.release(self._idle.pop())
        self._client.close()

    def _run(self, name: str, now: int, *args: str | int) -> Any:
        script = self._scripts[name]
        argv = [*self._seed, self._prefix, str(now), *args]
        conn = self._connection()
        try:
            conn.send_command("EVALSHA", script.sha, 1, self._limits_key, *argv)
            result = conn.read_response()
        except redis.exceptions.NoScriptError:
            self._idle.append(conn)  # the reply was read: the connection is fine
            return script(keys=[self._limits_key], args=argv)  # SCRIPT LOAD and run, as redis-py does
        except redis.ResponseError:
            self._idle.append(conn)
            raise
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            # Broken (e.g. the server restarted) or no answer in time: the client's own path retries by its policy.
            conn.disconnect()
            self._idle.append(conn)
            return script(keys=[self._limits_key], args=argv)
        except BaseException:
            conn.disconnect()  # e.g. interrupted mid-reply: never reuse a connection in an unknown state
            self._idle.append(conn)
            raise
        self._idle.append(conn)
        return result

    def _connection(self) -> Any:
        """An idle fast-path connection, connected (a new one from the pool when none is idle). Raises
        ``redis.ConnectionError`` when the server cannot be reached (after the client's connect retries)."""
        try:
            conn = self._idle.pop()
        except IndexError:
            return self._client.connection_pool.get_connection()
        try:
            conn.connect()  # returns at once when connected; else connects under the client's retry policy
        except BaseException:
            self._idle.append(conn)
            raise
        return conn

    def reserve(
        self, agency: str, holder: str, kind: ReservationKind, camera_id: str | None, ttl_s: float
    ) -> Reservation:
        """See QuotaStore.reserve."""
        ttl_us = check_request(kind, ttl_s)
        name = check_agency(agency)
        now = now_us(self._clock)
        reservation_id = uuid.uuid4().hex
        expires = now + ttl_us
        granted, group, limit, used = self._run(
            "RESERVE", now, name, reservation_id, holder, kind, camera_id or "", str(expires)
        )
        group = _text(group)
        if not granted:
            raise QuotaExceededError(group, int(limit), int(used))
        return Reservation(reservation_id, group, holder, kind, camera_id, now, expires)

    def release(self, reservation_id: str) -> bool:
        """See QuotaStore.release (the reservation is deleted whether live or stale)."""
        return bool(self._run("RELEASE", now_us(self._clock), reservation_id))

    def heartbeat(self, reservation_id: str, ttl_s: float) -> Reservation | None:
        """See QuotaStore.heartbeat (a stale reservation found here is deleted)."""
        ttl_us = check_request("live", ttl_s)
        now = now_us(self._clock)
        flat = self._run("HEARTBEAT", now, reservation_id, str(now + ttl_us))
        if not flat:
            return None
        fields = _pairs(flat)
        return Reservation(
            reservation_id,
            fields["agency"],
            fields["holder"],
            cast(ReservationKind, fields["kind"]),
            fields["camera_id"] or None,
            int(fields["created_us"]),
            int(fields["expires_us"]),
        )

    def stats(self) -> list[AgencyUsage]:
        """See QuotaStore.stats."""
        flat = self._run("STATS", now_us(self._clock))
        usage = [AgencyUsage(_text(flat[i]), int(flat[i + 1]), int(flat[i + 2])) for i in range(0, len(flat), 3)]
        return sorted(usage, key=lambda u: u.agency)

    def set_limit(self, agency: str, limit: int) -> None:
        """See QuotaStore.set_limit. Raises ValueError on an invalid name or limit."""
        self._run("LIMITS", now_us(self._clock), check_agency(agency), check_limit(limit))

    def limits(self) -> dict[str, int]:
        """See QuotaStore.limits."""
        return {agency: int(limit) for agency, limit in _pairs(self._run("LIMITS", now_us(self._clock), "")).items()}

    def cleanup(self) -> int:
        """See QuotaStore.cleanup."""
        return int(self._run("CLEANUP", now_us(self._clock)))

    def get(self, reservation_id: str) -> Reservation | None:
        """See QuotaStore.get (one HGETALL; the expiry in the hash is the one the scripts keep)."""
        fields = {_text(k): _text(v) for k, v in self._client.hgetall(f"{self._prefix}:res:{reservation_id}").items()}
        if not fields or int(fields["expires_us"]) <= now_us(self._clock):
            return None
        return Reservation(
            reservation_id,
            fields["agency"],
            fields["holder"],
            cast(ReservationKind, fields["kind"]),
            fields["camera_id"] or None,
            int(fields["created_us"]),
            int(fields["expires_us"]),
        )


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _pairs(flat: Sequence[str | bytes]) -> dict[str, str]:
    return {_text(flat[i]): _text(flat[i + 1]) for i in range(0, len(flat), 2)}
