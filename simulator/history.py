"""The recorded history of every simulated camera: a pure function of the camera index and absolute time.

Time is cut into UTC hour blocks; each block's gaps and motion events come from a random generator seeded by
``(camera_index, hour)`` (string seeds: stable across processes and PYTHONHASHSEED). So any client, test or
restarted simulator computes the same history for any time, past or future, with no stored state.

Per hour block: about 6 % of hours are entirely offline (a one-hour gap); otherwise 0, 1 or 2 gaps of 2 to
50 minutes (plus up to a minute), and every camera gets at least one gap every 5 hours, so the last 24 hours
always hold several gaps of various lengths. Recording sequences are the recorded stretches between gaps,
merged across hour boundaries (so a sequence may span hours). Motion sequences (5 to 90 s) lie inside
recordings and never cross an hour boundary.

All times are integers, ms since the Unix epoch, UTC; intervals are half-open ``[begin_ms, end_ms)``.
The server adds manual recordings and clips at "now" and at the retention horizon (simulator.timeline);
these functions do neither.
"""

from __future__ import annotations

import random
from functools import lru_cache

HOUR_MS = 3_600_000
MINUTE_MS = 60_000
OFFLINE_HOUR_CHANCE = 0.06
GAP_MINUTES = (2, 3, 5, 8, 12, 20, 30, 50)
GAP_COUNTS = (0, 1, 2)
GAP_COUNT_WEIGHTS = (0.5, 0.35, 0.15)
FORCED_GAP_PERIOD_HOURS = 5
MAX_CHAIN_HOURS = 48

Interval = tuple[int, int]


def _rng(kind: str, camera_index: int, hour: int) -> random.Random:
    return random.Random(f"{kind}:{camera_index}:{hour}")


@lru_cache(maxsize=8192)
def hour_recordings(camera_index: int, hour: int) -> tuple[Interval, ...]:
    """Recorded intervals inside hour block ``hour`` (``hour = t_ms // HOUR_MS``), sorted, disjoint."""
    h0 = hour * HOUR_MS
    rng = _rng("gaps", camera_index, hour)
    if rng.random() < OFFLINE_HOUR_CHANCE:
        return ()
    count = rng.choices(GAP_COUNTS, GAP_COUNT_WEIGHTS)[0]
    if count == 0 and hour % FORCED_GAP_PERIOD_HOURS == camera_index % FORCED_GAP_PERIOD_HOURS:
        count = 1
    gaps: list[Interval] = []
    for _ in range(count):
        length = rng.choice(GAP_MINUTES) * MINUTE_MS + rng.randrange(MINUTE_MS)
        begin = h0 + rng.randrange(HOUR_MS - length)
        gaps.append((begin, begin + length))
    gaps.sort()
    recorded: list[Interval] = []
    cursor = h0
    for begin, end in gaps:
        if begin > cursor:
            recorded.append((cursor, begin))
        cursor = max(cursor, end)
    if cursor < h0 + HOUR_MS:
        recorded.append((cursor, h0 + HOUR_MS))
    return tuple(recorded)


def _starts_at_boundary(camera_index: int, hour: int) -> bool:
    pieces = hour_recordings(camera_index, hour)
    return bool(pieces) and pieces[0][0] == hour * HOUR_MS


def _ends_at_boundary(camera_index: int, hour: int) -> bool:
    pieces = hour_recordings(camera_index, hour)
    return bool(pieces) and pieces[-1][1] == (hour + 1) * HOUR_MS


def _fully_recorded(camera_index: int, hour: int) -> bool:
    return hour_recordings(camera_index, hour) == ((hour * HOUR_MS, (hour + 1) * HOUR_MS),)


def merge_intervals(intervals: list[Interval]) -> list[Interval]:
    """Sort and merge overlapping or touching intervals; empty ones are dropped."""
    out: list[Interval] = []
    for begin, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and begin <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((begin, end))
    return out


def recording_sequences(camera_index: int, start_ms: int, end_ms: int) -> list[Interval]:
    """Recording sequences overlapping ``[start_ms, end_ms)``, each with its full extent (not clipped).

    Returns ``[(begin_ms, end_ms), ...]`` sorted by begin. Empty when ``end_ms <= start_ms``.
    """
    if end_ms <= start_ms:
        return []
    first, last = start_ms // HOUR_MS, (end_ms - 1) // HOUR_MS
    lo = first
    while first - lo < MAX_CHAIN_HOURS and _starts_at_boundary(camera_index, lo):
        if not _ends_at_boundary(camera_index, lo - 1):
            break
        lo -= 1
        if not _fully_recorded(camera_index, lo):
            break
    hi = last
    while hi - last < MAX_CHAIN_HOURS and _ends_at_boundary(camera_index, hi):
        if not _starts_at_boundary(camera_index, hi + 1):
            break
        hi += 1
        if not _fully_recorded(camera_index, hi):
            break
    pieces = [iv for hour in range(lo, hi + 1) for iv in hour_recordings(camera_index, hour)]
    return [iv for iv in merge_intervals(pieces) if iv[1] > start_ms and iv[0] < end_ms]


@lru_cache(maxsize=8192)
def hour_motion(camera_index: int, hour: int) -> tuple[Interval, ...]:
    """Motion intervals inside hour block ``hour``, clipped to the recordings of that hour."""
    h0 = hour * HOUR_MS
    rng = _rng("motion", camera_index, hour)
    events: list[Interval] = []
    for _ in range(rng.randint(2, 6)):
        length = rng.randint(5_000, 90_000)
        begin = h0 + rng.randrange(HOUR_MS - length)
        events.append((begin, begin + length))
    out: list[Interval] = []
    for begin, end in merge_intervals(events):
        for rb, re_ in hour_recordings(camera_index, hour):
            b, e = max(begin, rb), min(end, re_)
            if e > b:
                out.append((b, e))
    return tuple(out)


def motion_sequences(camera_index: int, start_ms: int, end_ms: int) -> list[Interval]:
    """Motion sequences overlapping ``[start_ms, end_ms)``, full extent, sorted; all lie inside recordings."""
    if end_ms <= start_ms:
        return []
    hours = range(start_ms // HOUR_MS, (end_ms - 1) // HOUR_MS + 1)
    found = [iv for hour in hours for iv in hour_motion(camera_index, hour)]
    return [iv for iv in found if iv[1] > start_ms and iv[0] < end_ms]


def is_recorded(camera_index: int, t_ms: int) -> bool:
    """True when history holds a recording of camera ``camera_index`` at ``t_ms``."""
    return any(b <= t_ms < e for b, e in hour_recordings(camera_index, t_ms // HOUR_MS))


def is_motion(camera_index: int, t_ms: int) -> bool:
    """True when a motion sequence of camera ``camera_index`` covers ``t_ms``."""
    return any(b <= t_ms < e for b, e in hour_motion(camera_index, t_ms // HOUR_MS))
