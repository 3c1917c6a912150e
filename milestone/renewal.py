"""When to renew tokens, and how long to wait after a failed renewal: pure arithmetic, testable without time.

Source: MILESTONE_PROTOCOL.md §1: renew the vms_token at ``min(vms TTL, access TTL) - 30 s`` with the same
instanceId; the IDP access token has no refresh token and is renewed by asking again before it expires.
Both are renewed together, so one schedule serves both: at the earlier of ``TTL - 30 s`` and 80 % of the TTL.
For short lifetimes (tests, demos) where "30 s early" would leave less than half the lifetime, at 80 %.
"""

from __future__ import annotations

RENEW_MARGIN_S = 30.0
RENEW_FRACTION = 0.8
MIN_DELAY_S = 0.2
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0


def renewal_delay(ttl_s: float) -> float:
    """Seconds after issue at which a token living ``ttl_s`` seconds is renewed.

    ``min(ttl - 30 s, 0.8 * ttl)``; when ``ttl - 30 s`` would leave less than half the lifetime (TTL under
    60 s: tests, demos) just ``0.8 * ttl``; never below MIN_DELAY_S. Examples: 3600 s -> 2880 s;
    100 s -> 70 s; 50 s -> 40 s; 3 s -> 2.4 s.
    """
    delay = RENEW_FRACTION * ttl_s
    if ttl_s - RENEW_MARGIN_S >= ttl_s / 2:
        delay = min(delay, ttl_s - RENEW_MARGIN_S)
    return max(MIN_DELAY_S, delay)


def next_renewal_at(access_obtained: float, access_ttl_s: float, vms_obtained: float, vms_ttl_s: float) -> float:
    """Monotonic time (s) of the next joint renewal: the earlier of the two tokens' renewal points."""
    return min(access_obtained + renewal_delay(access_ttl_s), vms_obtained + renewal_delay(vms_ttl_s))


def retry_delay(failures: int, seconds_left: float | None = None) -> float:
    """Back-off after ``failures`` consecutive failed renewals (1 -> 0.5 s, 2 -> 1 s, … capped at 30 s).

    While a token is still valid (``seconds_left`` > 0) the wait is also capped at a quarter of the time left,
    so that several attempts fit before expiry.
    """
    delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * (2 ** max(0, failures - 1)))
    if seconds_left is not None and seconds_left > 0:
        delay = min(delay, max(MIN_DELAY_S, seconds_left / 4))
    return delay
