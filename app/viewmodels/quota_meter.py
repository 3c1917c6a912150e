"""The status bar's stream quota meters: each agency's live streams against its limit (issue 5 §3).

Read from ``GET /api/v1/stream/stats`` whenever a backend (client) becomes usable and whenever the events socket
(re)connects (events may have been missed meanwhile), then kept current by the ``quota_changed`` events
(``data: {agency, limit, used}``, ``backend.quotas.service``). Hidden when no backend is configured; while the
backend does not answer, or its ``quota_store`` health check fails, the last known figures stay, marked
``stale`` (read again when it recovers).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from backend.api.schemas import EventOut

from ..backend_link.client import BackendClient, BackendError
from ..backend_link.connection import BackendConnection
from ..backend_link.options import OFF
from ..tasks import TaskRunner
from .quota_texts import agency_name, translate

log = logging.getLogger(__name__)

NEAR_FRACTION = 0.8  # a meter turns to the warning colour from this share of the limit
AGENCY_ORDER = ("DUBAI_POLICE", "METRO", "BUS", "OTHER")  # the seeds' agencies first, then the others by name

OK, NEAR, FULL = "ok", "near", "full"
QUOTA_CHECK = "quota_store"
REREAD_LIMIT = 3  # the backend's health check of its quota store (backend.quotas.component)


@dataclass(frozen=True, slots=True)
class AgencyMeter:
    """One agency's meter: ``used`` live streams of ``limit`` (both >= 0)."""

    agency: str
    limit: int
    used: int

    @property
    def name(self) -> str:
        """The translated display name."""
        return agency_name(self.agency)

    @property
    def level(self) -> str:
        """``full`` at or over the limit (or a limit of 0), ``near`` from NEAR_FRACTION of it, else ``ok``."""
        if self.limit <= 0 or self.used >= self.limit:
            return FULL
        return NEAR if self.used >= NEAR_FRACTION * self.limit else OK

    @property
    def text(self) -> str:
        """The figures next to the bar: ``3/50``."""
        return translate("QuotaMeterViewModel", "{0}/{1}").format(self.used, self.limit)

    @property
    def tooltip(self) -> str:
        """``Dubai Police: 3 of 50 live streams in use, 47 free``."""
        return translate("QuotaMeterViewModel", "{0}: {1} of {2} live streams in use, {3} free").format(
            self.name, self.used, self.limit, max(0, self.limit - self.used)
        )


def _order(agency: str) -> tuple[int, str]:
    return (AGENCY_ORDER.index(agency) if agency in AGENCY_ORDER else len(AGENCY_ORDER), agency)


class QuotaMeterViewModel(QObject):
    """Binds to a BackendConnection (see the module docstring). Signal ``sigChanged()``: ``meters``, ``visible``
    or ``stale`` changed. ``runner`` runs the stats requests."""

    sigChanged = Signal()

    def __init__(self, backend: BackendConnection, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._usage: dict[str, AgencyMeter] = {}
        self._fetched_for: BackendClient | None = None
        self._stale = False
        self._events = 0  # quota_changed events applied (a stats answer older than one is read again)
        backend.sigStateChanged.connect(self._on_backend_state)
        backend.sigEvent.connect(self._on_event)
        backend.sigEventsConnected.connect(self._on_events_connected)

    @property
    def visible(self) -> bool:
        """True when a backend is configured and its quotas were read at least once."""
        return self._backend.mode != OFF and bool(self._usage)

    @property
    def stale(self) -> bool:
        """True while the backend or its quota store does not answer (the meters show the last known figures)."""
        return self._stale

    @property
    def meters(self) -> tuple[AgencyMeter, ...]:
        """Every agency's meter, the seeds' agencies first."""
        return tuple(self._usage[a] for a in sorted(self._usage, key=_order))

    def meter(self, agency: str) -> AgencyMeter | None:
        return self._usage.get(agency.upper())

    async def refresh(self) -> bool:
        """Read every agency's usage now; False (logged) when the backend did not answer. A ``quota_changed``
        event that arrives while the request runs may be newer than the answer: then it reads again (at most
        REREAD_LIMIT times)."""
        client = self._backend.client
        if client is None:
            return False
        for _attempt in range(REREAD_LIMIT):
            events_before = self._events
            try:
                stats = await client.stream_stats()
            except BackendError as exc:
                log.info("stream quota stats not available: %s", exc.code)
                if self._fetched_for is client:
                    self._fetched_for = None  # read again at the next state change (health poll)
                return False
            if self._events == events_before:
                break
        self._fetched_for = client
        self._usage = {a.agency: AgencyMeter(a.agency, a.limit, a.used) for a in stats.agencies}
        self._stale = False
        self.sigChanged.emit()
        return True

    def _on_backend_state(self) -> None:
        backend = self._backend
        store_down = any(name == QUOTA_CHECK for name, _check in backend.problems())
        stale = bool(self._usage) and (not backend.usable or store_down)
        recovered = self._stale and not stale
        if stale != self._stale:
            self._stale = stale
            self.sigChanged.emit()
        if recovered:
            self._fetched_for = None  # read again: events may have been missed meanwhile
        if backend.usable and not store_down and backend.client is not self._fetched_for:
            self._fetched_for = backend.client  # one read per client; refresh() sets it again when it succeeds
            self._runner.spawn(self.refresh(), name="quota-stats")

    def _on_events_connected(self, connected: bool) -> None:
        if connected and self._backend.client is not None:
            self._runner.spawn(self.refresh(), name="quota-stats")

    def _on_event(self, event: EventOut) -> None:
        if event.type != "quota_changed" or not isinstance(event.data, dict):
            return
        data = event.data
        try:
            agency, limit, used = str(data["agency"]).upper(), int(data["limit"]), int(data["used"])
        except (KeyError, TypeError, ValueError):
            log.debug("ignoring a quota_changed event without agency/limit/used")
            return
        meter = AgencyMeter(agency, limit, used)
        self._events += 1
        if self._usage.get(agency) != meter:
            self._usage[agency] = meter
            self.sigChanged.emit()
