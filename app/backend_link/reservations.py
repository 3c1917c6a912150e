"""Stream quota reservations of the GUI's live tiles (issue 5 §3): reserve before opening, heartbeat, release.

The backend's quota API (``backend.api.quotas``, wire contract ``backend.api.schemas_quotas``) counts live streams
per agency. Each live tile asks ``StreamReservations.lease(camera_id, on_change)`` for a ``StreamLease`` before it
opens its stream and opens only when the lease *admits* it; one task per lease then keeps the reservation alive
(``POST /stream/heartbeat/{id}`` every TTL/3, the TTL from the reservation's ``ttlSeconds``) and gives it back
(``DELETE /stream/release/{id}``) when the tile lets go of it (``release()``). A GUI that crashes stops
heartbeating: the backend's TTL frees the slot.

Rules (the operator must never lose sight of a camera because the quota system is down):
- no backend configured (mode ``off``): every lease is ``NOT_NEEDED`` at once, nothing is asked;
- backend or quota store unreachable / 503 / any answer other than 429 at open time: ``UNCHECKED``, the stream
  opens anyway and the reservation is retried every TTL/3 (at once when the backend becomes usable or the
  cameras are imported);
- 429 ``quota_exceeded`` before the stream opened: ``REFUSED``; the stream stays closed until ``retry()``;
- once a lease admitted its stream it never refuses it again: a heartbeat answered 404 (the reservation expired,
  e.g. after a network blip) reserves again, and a refusal then gives ``OVER_LIMIT`` (keep showing, with a
  warning; retried every TTL/3).

Camera ids: tiles use XProtect GUIDs; the reservation names the backend's id of an imported camera
(``BackendConnection.backend_camera_id``). While the backend's import of the wall's cameras is pending the lease
waits (``UNCHECKED``) so that the slot is taken from the right agency; a camera the backend did not import is
reserved under its XProtect id (the backend counts it against OTHER).

Everything runs on the GUI thread's asyncio (qasync) loop; ``on_change(lease)`` is called there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import platform
from collections.abc import Callable
from dataclasses import replace

from .client import BackendClient, BackendError
from .connection import BackendConnection, BackendState
from .lease_status import BACKEND_UNAVAILABLE, CAMERA_NOT_IMPORTED, DEFAULT_TTL_S, LeaseState, LeaseStatus
from .options import OFF

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 0.5  # heartbeats and retries never come faster than this
RELEASE_WAIT_S = 3.0  # how long shutdown waits for the releases to reach the backend
HOLDER_MAX = 128  # ReserveRequest.holder max_length

LeaseCallback = Callable[["StreamLease"], None]


def default_holder() -> str:
    """The holder naming this GUI session: ``gui:<hostname>:<pid>`` (the backend prefixes the user's name)."""
    return f"gui:{platform.node() or 'unknown-host'}:{os.getpid()}"[:HOLDER_MAX]


class StreamLease:
    """One tile's reservation of one camera's stream; made by ``StreamReservations.lease``.

    ``status`` is current on the GUI thread; ``on_change(self)`` follows every change until ``release()``.
    """

    def __init__(self, owner: StreamReservations, camera_id: str, kind: str, on_change: LeaseCallback) -> None:
        self.camera_id = camera_id
        self.kind = kind
        self._owner = owner
        self._on_change = on_change
        self._released = False
        self._admitted = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        if not owner.enabled:
            self._status = LeaseStatus(LeaseState.NOT_NEEDED)
            self._admitted = True
            return
        if owner.client() is None:  # known to be down or not started yet: do not make the tile wait
            self._status = LeaseStatus(LeaseState.UNCHECKED, code=BACKEND_UNAVAILABLE, ttl_s=owner.ttl_s)
            self._admitted = True
        else:
            self._status = LeaseStatus(LeaseState.PENDING, ttl_s=owner.ttl_s)
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"stream-lease-{camera_id}")

    @property
    def status(self) -> LeaseStatus:
        return self._status

    @property
    def state(self) -> LeaseState:
        return self._status.state

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task keeping the reservation (None for NOT_NEEDED); done after ``release()`` completed."""
        return self._task

    def retry(self) -> None:
        """Ask again now (the operator's Retry on a refused tile; a no-op once released)."""
        if self._released or self._task is None:
            return
        if self._status.state is LeaseState.REFUSED:
            self._set(replace(self._status, state=LeaseState.PENDING))
        self._wake.set()

    def wake(self) -> None:
        """Retry a reservation that is missing now (the backend came back) instead of at the next interval."""
        if not self._status.reservation_id and self._status.state is not LeaseState.REFUSED:
            self._wake.set()

    def release(self) -> None:
        """The tile closed its stream: give the slot back (in the background) and stop calling ``on_change``."""
        if self._released:
            return
        self._released = True
        self._wake.set()

    # --- internals --------------------------------------------------------------------------------------
    def _set(self, status: LeaseStatus) -> None:
        if status.state.admits:
            self._admitted = True
        if status == self._status:
            return
        self._status = status
        if not self._released:
            try:
                self._on_change(self)
            except Exception:
                log.exception("a stream lease listener failed")

    def _interval(self) -> float:
        return max(MIN_INTERVAL_S, self._status.ttl_s / 3.0)

    async def _run(self) -> None:
        try:
            while not self._released:
                await self._step()
                if self._released:
                    break
                self._wake.clear()
                if self._status.state is LeaseState.REFUSED:
                    await self._wake.wait()  # until retry() or release()
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._interval()):
                            await self._wake.wait()
        finally:
            reservation_id = self._status.reservation_id
            self._status = replace(self._status, state=LeaseState.RELEASED, reservation_id="")
            if reservation_id:
                await self._owner.release_id(reservation_id)

    async def _step(self) -> None:
        client = self._owner.client()
        if client is None:
            self._unchecked(BACKEND_UNAVAILABLE, "", "")
            return
        if self._status.reservation_id and await self._heartbeat(client):
            return
        if self._released:
            return
        backend_id = self._owner.reservation_camera_id(self.camera_id)
        if backend_id is None:  # the import is pending: say why the backend cannot take it yet
            self._unchecked(CAMERA_NOT_IMPORTED if self._owner.usable else BACKEND_UNAVAILABLE, "", "")
            return
        await self._reserve(client, backend_id)

    async def _heartbeat(self, client: BackendClient) -> bool:
        """Extend the reservation; False when it is gone (404/403: reserve again)."""
        reservation_id = self._status.reservation_id
        try:
            answer = await client.heartbeat_stream(reservation_id)
        except BackendError as exc:
            if exc.status in (403, 404):
                log.info("stream reservation of camera %s lost (%s); reserving again", self.camera_id, exc.code)
                self._status = replace(self._status, reservation_id="", holder="")
                return False
            self._unchecked_by(exc)
            return True
        self._set(
            replace(
                self._status,
                state=LeaseState.GRANTED,
                agency=answer.agency,
                code="",
                message="",
                message_ar="",
                ttl_s=self._owner.learn_ttl(answer.ttl_seconds),
            )
        )
        return True

    async def _reserve(self, client: BackendClient, backend_id: str) -> None:
        try:
            answer = await client.reserve_stream(backend_id, self.kind, holder=self._owner.holder)
        except BackendError as exc:
            if exc.status == 429:
                self._refused(exc)
            else:
                if exc.answered:
                    log.info("stream reservation of camera %s not checked: %s", self.camera_id, exc)
                self._unchecked_by(exc)
            return
        if self._released:  # the tile let go while the backend answered: the finally of _run releases it
            self._status = replace(self._status, reservation_id=answer.reservation_id)
            return
        self._set(
            LeaseStatus(
                LeaseState.GRANTED,
                agency=answer.agency,
                limit=answer.limit,
                used=max(0, answer.limit - answer.remaining),
                reservation_id=answer.reservation_id,
                holder=answer.holder,
                ttl_s=self._owner.learn_ttl(answer.ttl_seconds),
            )
        )

    def _refused(self, exc: BackendError) -> None:
        details = exc.details
        state = LeaseState.OVER_LIMIT if self._admitted else LeaseState.REFUSED
        self._set(
            replace(
                self._status,
                state=state,
                agency=str(details.get("agency") or self._status.agency),
                limit=_int_or_none(details.get("limit")),
                used=_int_or_none(details.get("used")),
                code=exc.code,
                message=exc.message,
                message_ar=exc.message_ar,
                reservation_id="",
                holder="",
            )
        )

    def _unchecked_by(self, exc: BackendError) -> None:
        if exc.answered:  # the backend's bilingual words; a client-side error's message is technical
            self._unchecked(exc.code, exc.message, exc.message_ar)
        else:
            self._unchecked(exc.code, "", "")

    def _unchecked(self, code: str, message: str, message_ar: str) -> None:
        self._set(replace(self._status, state=LeaseState.UNCHECKED, code=code, message=message, message_ar=message_ar))


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class StreamReservations:
    """Hands out the tiles' ``StreamLease`` objects for one ``BackendConnection`` (see the module docstring).

    ``holder``: the name stored with each reservation (default ``default_holder()``). ``ttl_s``: the
    reservations' time to live as the backend last told it (seconds; DEFAULT_TTL_S before any answer): leases
    without a reservation retry every ``ttl_s``/3. Wakes the leases that wait for a reservation when the
    backend becomes usable or healthy again or imports cameras. ``aclose()`` releases every lease and waits
    (at most ``RELEASE_WAIT_S``) for the releases to reach the backend.
    """

    def __init__(self, backend: BackendConnection, holder: str | None = None) -> None:
        self._backend = backend
        self.holder = (holder or default_holder())[:HOLDER_MAX]
        self.ttl_s = DEFAULT_TTL_S
        self._leases: set[StreamLease] = set()
        self._usable = backend.usable
        self._state = backend.state
        backend.sigStateChanged.connect(self._on_backend_state)
        backend.sigCamerasChanged.connect(self._wake_all)

    @property
    def enabled(self) -> bool:
        """False in mode ``off`` (no backend configured): leases are NOT_NEEDED."""
        return self._backend.mode != OFF

    @property
    def usable(self) -> bool:
        """True when the backend answered its last health check (connected or degraded)."""
        return self._backend.usable

    @property
    def leases(self) -> tuple[StreamLease, ...]:
        """The leases not released yet."""
        return tuple(lease for lease in self._leases if not lease._released)

    def client(self) -> BackendClient | None:
        """The backend's client while it may answer (connecting, connected or degraded), else None."""
        backend = self._backend
        if backend.state in (BackendState.CONNECTING, BackendState.CONNECTED, BackendState.DEGRADED):
            return backend.client
        return None

    def reservation_camera_id(self, xprotect_id: str) -> str | None:
        """The camera id to reserve under: the backend's id when imported, the XProtect id when the backend
        has not imported it and will not (it counts against OTHER), None while the import is pending."""
        backend_id = self._backend.backend_camera_id(xprotect_id)
        if backend_id is not None:
            return backend_id
        return None if self._backend.import_pending else xprotect_id

    def learn_ttl(self, ttl_s: float | None) -> float:
        """Note the TTL (seconds) a reservation answer gave; returns the TTL to use."""
        if ttl_s is not None and ttl_s > 0:
            self.ttl_s = float(ttl_s)
        return self.ttl_s

    def lease(self, camera_id: str, on_change: LeaseCallback, kind: str = "live") -> StreamLease:
        """A lease for ``camera_id`` (XProtect GUID); call on the GUI thread while the loop runs. The returned
        lease's ``status`` tells at once whether the stream may open; ``on_change(lease)`` follows."""
        lease = StreamLease(self, camera_id, kind, on_change)
        if lease.task is not None:
            self._leases.add(lease)
            lease.task.add_done_callback(lambda _t, lease=lease: self._leases.discard(lease))
        return lease

    async def release_id(self, reservation_id: str) -> None:
        """``DELETE`` a reservation; failures are logged only (the backend's TTL frees it anyway)."""
        client = self.client()
        if client is None:
            log.info("stream reservation not released (no backend); it expires by itself")
            return
        try:
            await client.release_stream(reservation_id)
        except BackendError as exc:
            log.info("releasing a stream reservation failed (%s); it expires by itself", exc.code)

    async def aclose(self, timeout: float = RELEASE_WAIT_S) -> None:
        """Release every lease and wait for the releases (shutdown, before the backend connection closes)."""
        leases = list(self._leases)
        for lease in leases:
            lease.release()
        tasks = [lease.task for lease in leases if lease.task is not None and not lease.task.done()]
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def _on_backend_state(self) -> None:
        usable, state = self._backend.usable, self._backend.state
        healthy_again = state == BackendState.CONNECTED and self._state != BackendState.CONNECTED
        if usable and (not self._usable or healthy_again):
            self._wake_all()
        self._usable, self._state = usable, state

    def _wake_all(self) -> None:
        for lease in list(self._leases):
            lease.wake()
