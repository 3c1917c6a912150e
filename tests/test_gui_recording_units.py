"""The recording section's pure parts: countdown texts, bilingual error choice, duration limits, event parsing,
the bundled backend's token and secret files, and the local countdown against a manual clock."""

from __future__ import annotations

import stat
import sys

import pytest
from PySide6.QtCore import QLocale

from app.backend_link.client import BackendError
from app.backend_link.events import events_url, parse_event
from app.backend_link.options import DurationLimits
from app.backend_link.process import MilestoneLogin, read_token_file, write_secret_file
from app.viewmodels.recording_state import ActiveRecordingView, duration_text, error_text, format_clock
from milestone.clock import ManualClock

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"),
        (0.2, "0:01"),
        (59.0, "0:59"),
        (59.01, "1:00"),
        (900, "15:00"),
        (3599.5, "1:00:00"),
        (7200, "2:00:00"),
    ],
)
def test_countdown_clock_rounds_up_so_that_zero_means_over(seconds, text):
    assert format_clock(seconds) == text


def test_duration_texts(qapp):
    assert [duration_text(s) for s in (6, 300, 900, 3600, 5400, 90)] == [
        "6 s",
        "5 min",
        "15 min",
        "1 h",
        "1 h 30 min",
        "1 min 30 s",
    ]


def test_backend_errors_are_shown_in_the_applications_language(qapp):
    conflict = BackendError(
        409,
        "already_recording",
        "Camera is already recording.",
        "الكاميرا تسجل بالفعل.",
        current_recording={"recordingId": "r", "startTime": "2025-01-01T00:00:00Z", "remainingSeconds": 655},
    )
    try:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        assert error_text(conflict) == "Camera is already recording. Time left: \u206810:55\u2069."
        QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.UnitedArabEmirates))
        assert error_text(conflict).startswith("الكاميرا تسجل بالفعل.")
        # Only an English message: shown in Arabic too rather than nothing.
        assert error_text(BackendError(400, "x", "Bad.", "")) == "Bad."
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert error_text(BackendError(0, "unreachable", "ConnectError")).startswith("The backend does not answer.")
    assert error_text(BackendError(500, "http_500", "", "")) == "The backend refused the request (HTTP 500)."


def test_duration_limits_follow_the_backends_environment_variables():
    assert DurationLimits.from_env({}) == DurationLimits(60, 7200, 900)
    limits = DurationLimits.from_env({"RECORDING_MIN_DURATION": "1", "RECORDING_MAX_DURATION": "600"})
    assert (limits.min_s, limits.max_s, limits.default_s) == (1, 600, 600)
    assert DurationLimits.from_env({"RECORDING_MIN_DURATION": "soon"}).min_s == 60
    assert limits.contains(1) and not limits.contains(601)


def test_events_url_and_parsing():
    assert events_url("http://127.0.0.1:8765/") == "ws://127.0.0.1:8765/api/v1/events"
    assert events_url("https://backend.example.com") == "wss://backend.example.com/api/v1/events"
    event = parse_event('{"type": "recording_started", "time_us": 5, "camera_id": "c", "data": {"recordingId": "r"}}')
    assert event is not None and event.type == "recording_started" and event.data["recordingId"] == "r"
    assert parse_event('{"type": "no_such_event", "time_us": 5}') is None
    assert parse_event("not json") is None


def test_local_countdown_against_a_manual_clock():
    clock = ManualClock()
    rec = ActiveRecordingView("cam", "rec", 300, clock.monotonic() + 300)
    clock.advance(120)
    assert rec.remaining_s(clock.monotonic()) == 180 and rec.elapsed_s(clock.monotonic()) == 120
    assert rec.progress(clock.monotonic()) == pytest.approx(0.4)
    clock.advance(400)
    assert rec.remaining_s(clock.monotonic()) == 0 and rec.progress(clock.monotonic()) == 1.0


def test_token_and_secret_files(tmp_path):
    token_file = tmp_path / "api-token"
    token_file.write_text("# API token (label, token)\n\ndefault abc123\nother def\n", encoding="utf-8")
    assert read_token_file(token_file) == "abc123"
    (tmp_path / "empty").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_token_file(tmp_path / "empty")
    secret = write_secret_file(tmp_path, "pw", "s3cret")
    assert secret.read_text(encoding="utf-8") == "s3cret\n"
    if sys.platform != "win32":
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    login = MilestoneLogin("http://vms", "admin", "s3cret")
    assert "s3cret" not in repr(login)
    assert login.same_account(MilestoneLogin("HTTP://VMS/", "admin", "s3cret"))
    assert not login.same_account(MilestoneLogin("http://vms", "admin", "other"))
