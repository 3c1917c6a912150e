"""Stream quota slots held by the backend's own local recordings (issue 5 §3: "local recordings reserve too").

A local recording pulls a camera's stream like a live tile does, so it holds one slot of the camera's agency
(``QuotaService.reserve(agency, holder, "recording", camera_id)``) while its recorder runs:

- a manual start reserves before anything starts (``acquire(camera, refusable=True)``): a refusal is the
  bilingual 429 ``RecordingQuotaExceededError`` and nothing starts;
- a session resumed at start-up was admitted before the restart and is evidence being recorded:
  ``acquire(camera, refusable=False)`` never refuses; while the agency is full it records without a slot, logs
  a warning and tries again on every heartbeat interval;
- while recording, the reservation is heartbeated every TTL/3 (the service's ``ttl_s``, QUOTA_RESERVATION_TTL).
  A heartbeat that finds it expired reserves again; refused then, the recording goes on (never drop evidence
  being recorded) with a warning, and keeps trying;
- the quota store being down (``QuotaStoreUnavailableError``) never stops a recording: it records without a
  slot, logs one warning, and keeps trying on the heartbeat interval until it gets one;
- ``release(camera_id)`` when the recorder stops (user, end of the duration, error, shutdown: ``close()``
  releases every slot left). A crashed backend's slots expire with their TTL.

Timers read the injected clock's ``monotonic()`` (seconds); the loop looks at it every ``tick_s`` real seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Protocol

from backend.quotas.base import OTHER_AGENCY, AgencyUsage, QuotaExceededError, Reservation, ReservationKind
from backend.quotas.service import QuotaStoreUnavailableError, ReservationNotFoundError, UnknownAgencyError
from milestone.clock import Clock

from .errors import RecordingQuotaExceededError
from .ports import CameraTarget

log = logging.getLogger(__name__)

TICK_S = 0.2  # at most this many real seconds between looks at the injected clock
KIND: ReservationKind = "recording"


class QuotaPort(Protocol):
    """What this module uses of ``backend.quotas.service.QuotaService`` (see there for the errors raised)."""

    ttl_s: float

    async def reserve(
        self, agency: str, holder: str, kind: ReservationKind, camera_id: str | None, ttl_s: float | None = None
    ) -> tuple[Reservation, AgencyUsage]: ...

    async def heartbeat(self, reservation_id: str, ttl_s: float | None = None) -> Reservation: ...

    async def release(self, reservation_id: str) -> bool: ...


async def reserve_slot(quotas: QuotaPort, camera: CameraTarget, holder: str, kind: ReservationKind) -> str:
    """Reserve one ``kind`` slot of the camera's agency for ``holder`` and return its reservation id; an agency
    without a limit of its own (or none) counts against ``OTHER``. Raises QuotaExceededError,
    QuotaStoreUnavailableError (``backend.quotas``)."""
    try:
        reservation, _ = await quotas.reserve(camera.agency or OTHER_AGENCY, holder, kind, camera.id)
    except UnknownAgencyError:  # the agency has no limit of its own: it counts against OTHER
        reservation, _ = await quotas.reserve(OTHER_AGENCY, holder, kind, camera.id)
    return reservation.id


@dataclass(slots=True)
class _Hold:
    camera: CameraTarget
    next_due: float  # clock.monotonic() of the next heartbeat or reservation attempt
    reservation_id: str | None = None  # None while recording without a slot (refused or store down)
    problem: str | None = None  # the trouble last logged ("refused", "store_down", "error"): one warning each
    closed: bool = False  # released: a reservation obtained meanwhile is given back at once


class RecordingQuota:
    """Holds the stream slots of the backend's local recordings, one per camera; see the module docstring.

    ``quotas``: the QuotaService on ``app.state.quotas``; ``holder``: this backend instance's name in the
    reservations (``backend:<hostname>:<pid>``); ``clock``: the injected clock. ``start()`` starts the
    heartbeat timer, ``close()`` stops it and releases every slot still held.
    """

    def __init__(self, quotas: QuotaPort, *, holder: str, clock: Clock, tick_s: float = TICK_S) -> None:
        self._quotas = quotas
        self.holder = holder
        self._clock = clock
        self._tick_s = tick_s
        self._holds: dict[str, _Hold] = {}  # by camera id
        self._releasing: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    @property
    def interval_s(self) -> float:
        """Seconds between heartbeats (and between attempts while recording without a slot): TTL/3."""
        return self._quotas.ttl_s / 3

    def reservation_id(self, camera_id: str) -> str | None:
        """The reservation the camera's recording holds now; None when it holds none (not recording, refused,
        or the store is down)."""
        hold = self._holds.get(camera_id)
        return hold.reservation_id if hold is not None else None

    # ----------------------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start the heartbeat timer (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="recording-quota")

    async def close(self) -> None:
        """Stop the timer and release every slot still held (a store that is down: their TTL frees them)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for camera_id in list(self._holds):
            await self.release(camera_id)
        if self._releasing:
            await asyncio.gather(*self._releasing, return_exceptions=True)

    # ------------------------------------------------------------------------------------------- commands

    async def acquire(self, camera: CameraTarget, *, refusable: bool) -> None:
        """Reserve a ``recording`` slot of ``camera.agency`` (``OTHER`` when that agency has no limit) before
        the camera's local recorder starts, and keep it alive until ``release``.

        ``refusable`` (a manual start): a full agency raises RecordingQuotaExceededError (429) and nothing is
        held. Otherwise (a resumed session) a refusal is logged and retried every ``interval_s``. A store that
        is down never raises: the recording goes on without a slot and the slot is retried every ``interval_s``.
        """
        previous = self._holds.pop(camera.id, None)
        if previous is not None:  # not expected: the manager starts a camera's recorder once
            previous.closed = True
            await self._give_back(previous)
        hold = _Hold(camera, self._clock.monotonic() + self.interval_s)
        try:
            hold.reservation_id = await self._reserve(camera)
        except QuotaExceededError as exc:
            if refusable:
                raise RecordingQuotaExceededError(exc.agency, exc.limit, exc.used, camera.id) from None
            self._trouble(hold, "refused", f"the stream quota of {exc.agency} is used up ({exc.used}/{exc.limit})")
        except QuotaStoreUnavailableError:
            self._trouble(hold, "store_down", "the quota store is not available")
        except Exception:
            log.exception("reserving a stream slot for the local recording of %s failed", camera.id)
            hold.problem = "error"
        self._holds[camera.id] = hold

    async def release(self, camera_id: str) -> None:
        """Give the camera's slot back (idempotent; a failure is logged, the TTL frees the slot)."""
        hold = self._holds.pop(camera_id, None)
        if hold is not None:
            hold.closed = True
            await self._give_back(hold)

    def recorder_ended(self, camera_id: str) -> None:
        """The camera's local recorder ended by itself (its source failed): release its slot in the background."""
        hold = self._holds.pop(camera_id, None)
        if hold is None:
            return
        hold.closed = True
        log.warning("the local recorder of camera %s ended by itself; its stream slot is released", camera_id)
        task = asyncio.ensure_future(self._give_back(hold))
        self._releasing.add(task)
        task.add_done_callback(self._releasing.discard)

    # ------------------------------------------------------------------------------------------ internals

    async def _reserve(self, camera: CameraTarget) -> str:
        return await reserve_slot(self._quotas, camera, self.holder, KIND)

    async def _give_back(self, hold: _Hold) -> None:
        reservation_id, hold.reservation_id = hold.reservation_id, None
        if reservation_id is None:
            return
        try:
            await self._quotas.release(reservation_id)
        except QuotaStoreUnavailableError:
            log.warning("the stream slot of camera %s could not be released now; its TTL frees it", hold.camera.id)
        except Exception:
            log.exception("releasing the stream slot of camera %s failed", hold.camera.id)

    def _trouble(self, hold: _Hold, problem: str, reason: str) -> None:
        """Log a warning when the hold's trouble changes (once per episode, not once per attempt)."""
        if hold.problem != problem:
            log.warning(
                "local recording of camera %s goes on without a stream slot: %s; retrying every %.1f s",
                hold.camera.id,
                reason,
                self.interval_s,
            )
        hold.problem = problem

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(min(self._tick_s, self.interval_s / 4))
            for hold in list(self._holds.values()):
                if not hold.closed and self._clock.monotonic() >= hold.next_due:
                    try:
                        await self._maintain(hold)
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("keeping the stream slot of camera %s failed", hold.camera.id)
                        hold.problem = "error"

    async def _maintain(self, hold: _Hold) -> None:
        """One heartbeat, or one reservation attempt when the hold has no live reservation."""
        hold.next_due = self._clock.monotonic() + self.interval_s
        camera = hold.camera
        try:
            if hold.reservation_id is not None:
                try:
                    await self._quotas.heartbeat(hold.reservation_id)
                    self._fine(hold)
                    return
                except ReservationNotFoundError:
                    if hold.closed:
                        return
                    log.warning("the stream slot of camera %s expired; reserving it again", camera.id)
                    hold.reservation_id = None
            reservation_id = await self._reserve(camera)
        except QuotaExceededError as exc:
            self._trouble(hold, "refused", f"the stream quota of {exc.agency} is used up ({exc.used}/{exc.limit})")
            return
        except QuotaStoreUnavailableError:
            self._trouble(hold, "store_down", "the quota store is not available")
            return
        if hold.closed:  # released while reserving: give the new slot back at once
            hold.reservation_id = reservation_id
            await self._give_back(hold)
            return
        hold.reservation_id = reservation_id
        self._fine(hold)

    def _fine(self, hold: _Hold) -> None:
        if hold.problem is not None:
            log.info("local recording of camera %s holds a stream slot again", hold.camera.id)
            hold.problem = None
