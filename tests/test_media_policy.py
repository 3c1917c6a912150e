"""Pure helpers of the media engine: tile fitting and reconnect back-off (with a manual clock)."""

from __future__ import annotations

import random

import pytest

from media.backoff import Backoff, ReconnectPolicy
from media.geometry import fit_size
from media.stream_stats import StatsCounter, StreamState
from milestone.clock import ManualClock


@pytest.mark.parametrize(
    ("src", "box", "expected"),
    [
        ((640, 360), (320, 320), (320, 180)),  # width limits
        ((640, 360), (1000, 100), (176, 100)),  # height limits (177.7 -> even 176)
        ((1920, 1080), (333, 333), (332, 186)),  # odd box: even sides inside it
        ((640, 360), (1280, 1280), (1280, 720)),  # scaled up to fill a larger tile
        ((640, 480), (0, 0), (640, 480)),  # no box: native
        ((641, 361), (0, 0), (641, 361)),  # native is untouched, even when odd
        ((640, 360), (1, 1), (2, 2)),  # never below 2
    ],
)
def test_fit_size(src, box, expected):
    w, h = fit_size(*src, *box)
    assert (w, h) == expected
    assert box == (0, 0) or (w % 2 == 0 and h % 2 == 0)


def test_fit_size_keeps_aspect_within_rounding():
    for box in [(160, 90), (333, 250), (1024, 768), (97, 400)]:
        w, h = fit_size(1920, 1080, *box)
        assert w <= max(2, box[0]) and h <= max(2, box[1])
        assert abs(w / h - 16 / 9) < 0.05


def test_fit_size_rejects_empty_source():
    with pytest.raises(ValueError):
        fit_size(0, 360, 100, 100)


def test_backoff_doubles_to_the_cap_with_bounded_jitter():
    clock = ManualClock()
    backoff = Backoff(ReconnectPolicy(), clock, random.Random(7))
    delays = [backoff.next_delay() for _ in range(8)]
    nominal = [0.5, 1, 2, 4, 8, 10, 10, 10]
    for got, want in zip(delays, nominal, strict=True):
        assert want * 0.8 <= got <= min(10.0, want * 1.2)
    assert delays[5:] != [10.0, 10.0, 10.0] or delays[:5] != sorted(delays[:5])  # jitter is applied


def test_jitter_spreads_a_wall_of_tiles():
    firsts = {round(Backoff(ReconnectPolicy(), ManualClock(), random.Random(i)).next_delay(), 3) for i in range(20)}
    assert len(firsts) > 10


def test_backoff_resets_only_after_a_stable_live_period():
    clock = ManualClock()
    policy = ReconnectPolicy(jitter=0.0, stable_seconds=30.0)
    backoff = Backoff(policy, clock)
    assert [backoff.next_delay() for _ in range(4)] == [0.5, 1.0, 2.0, 4.0]
    backoff.mark_live()
    clock.advance(29.0)  # live, but not long enough to count as stable
    assert backoff.next_delay() == 8.0
    backoff.mark_live()
    clock.advance(30.0)  # stable: the next failure starts over
    assert backoff.next_delay() == 0.5
    assert backoff.next_delay() == 1.0


def test_stream_state_values_are_stable_strings():
    assert {s.value for s in StreamState} == {
        "connecting",
        "live",
        "reconnecting",
        "no_permission",
        "auth_failed",
        "stopped",
    }


def test_stats_counter_snapshot_and_errors():
    stats = StatsCounter()
    stats.add(packets_received=3, frames_decoded=2)
    stats.set_error(ValueError("bad"))
    snap = stats.snapshot()
    assert (snap.packets_received, snap.frames_decoded, snap.last_error) == (3, 2, "ValueError: bad")
    with pytest.raises(KeyError):
        stats.add(not_a_counter=1)
