"""The operator's settings file (versioned upgrade, corrupt files backed up and reset), the Settings form's
validation, and passwords/tokens in a real keyring backend (never in the settings file)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from app.backend_link.options import API_TOKEN_USER, REMOTE, DurationLimits, options_from_settings
from app.credentials import SERVICE_PREFIX, CredentialStore
from app.settings import SETTINGS_VERSION, Settings, upgrade_1_to_2
from app.viewmodels import settings_form as sf
from app.viewmodels.settings_form import SettingsForm
from milestone.clock import ManualClock
from tests.test_gui_support import MemoryKeyring

NOON_UTC = 1_790_000_000.0  # 2026-09-21T14:13:20Z


# --- versioned upgrade ------------------------------------------------------------------------------------
def test_settings_version_is_2_and_saved_files_carry_it(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings(path, environ={})
    settings.set("calendar", "hijri")
    settings.save()
    stored = json.loads(path.read_text())
    assert SETTINGS_VERSION == 2 and stored == {"version": 2, "values": {"calendar": "hijri"}}


def test_a_version_1_file_is_upgraded(tmp_path, caplog):
    path = tmp_path / "settings.json"
    v1 = {
        "version": 1,
        "values": {
            "server_url": "https://vms.example.com",
            "username": "op",
            "auth_type": "NTLM",
            "language": "ar_SA",
            "backend_url": "backend.example.com:8443/",
            "recording_duration": 1800,
            "last_cameras": ["a", "b"],
        },
    }
    path.write_text(json.dumps(v1))
    with caplog.at_level(logging.INFO, logger="app.settings"):
        settings = Settings(path, environ={})
    assert "settings upgraded to version 2" in caplog.text
    assert settings.recovered_backup is None
    assert settings.get("auth_type") == "ntlm"
    assert settings.get("language") == "ar"
    assert settings.get("backend_url") == "http://backend.example.com:8443"
    assert settings.get("recording_duration") == 1800 and settings.get("last_cameras") == ["a", "b"]
    assert settings.get("calendar") == "gregorian" and settings.get("tile_overlays") is True  # new: defaults
    settings.save()
    assert json.loads(path.read_text())["version"] == 2
    # The upgraded remote backend is still the remote one the version-1 file named.
    options = options_from_settings(settings, CredentialStore(MemoryKeyring()), environ={})
    assert options.mode == REMOTE and options.url == "http://backend.example.com:8443"


def test_upgrade_1_to_2_maps_every_language_and_keeps_wrong_types_for_the_loader():
    def language(value):
        return upgrade_1_to_2({"version": 1, "values": {"language": value}})["values"]["language"]

    assert [language(v) for v in ("ar", "ar-EG", "AR_sa", "en_GB", "en", "", "fr_FR")] == [
        "ar",
        "ar",
        "ar",
        "en",
        "en",
        "",
        "",
    ]
    assert upgrade_1_to_2({"version": 1, "values": {"language": 7}})["values"]["language"] == 7
    upgraded = upgrade_1_to_2({"version": 1, "values": {"backend_url": "  https://b/ "}})
    assert upgraded == {"version": 2, "values": {"backend_url": "https://b"}}


# --- corrupt files -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({"version": "two", "values": {}}), "bad version"),
        (json.dumps({"version": 2, "values": []}), "'values' is not a JSON object"),
        (json.dumps({"version": 2, "values": {"verify_tls": "sometimes", "username": "u"}}), "verify_tls"),
        (json.dumps({"version": 2, "values": {"auth_type": "kerberos"}}), "auth_type: not one of"),
        (json.dumps({"version": 2, "values": {"recording_duration": True}}), "recording_duration"),
    ],
)
def test_a_corrupt_file_is_backed_up_and_replaced_by_defaults(tmp_path, caplog, content, reason):
    path = tmp_path / "settings.json"
    path.write_text(content)
    with caplog.at_level(logging.ERROR, logger="app.settings"):
        settings = Settings(path, environ={}, clock=ManualClock(NOON_UTC))
    backup = tmp_path / "settings.json.corrupt-20260921T141320Z"
    assert settings.recovered_backup == backup
    assert backup.read_text() == content  # the operator's file is kept, byte for byte
    assert reason in settings.load_problem
    assert "is corrupt" in caplog.text and backup.name in caplog.text
    assert json.loads(path.read_text()) == {"version": SETTINGS_VERSION, "values": {}}  # defaults written
    assert settings.get("username") == "" and settings.get("auth_type") == "basic"
    again = Settings(path, environ={})  # the next start reads a good file
    assert again.recovered_backup is None


def test_a_good_file_is_not_touched(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 2, "values": {"username": "op", "unknown_future_key": 1}}))
    settings = Settings(path, environ={})
    assert settings.get("username") == "op" and settings.recovered_backup is None
    assert list(tmp_path.iterdir()) == [path]


def test_environment_overrides_are_checked_and_named(tmp_path):
    settings = Settings(tmp_path / "s.json", environ={"MILESTONE_AUTH_TYPE": "NTLM", "BACKEND_URL": "http://b:1"})
    assert settings.get("auth_type") == "ntlm" and settings.overridden_by("auth_type") == "MILESTONE_AUTH_TYPE"
    assert settings.overridden_by("username") is None
    bad = Settings(tmp_path / "s.json", environ={"MILESTONE_AUTH_TYPE": "kerberos"})
    assert bad.get("auth_type") == "basic"
    with pytest.raises(ValueError):
        bad.set("language", "fr")


# --- keyring ---------------------------------------------------------------------------------------------
def test_keyring_round_trip_keeps_secrets_out_of_the_settings_file(tmp_path):
    ring = MemoryKeyring()
    store = CredentialStore(ring)
    path = tmp_path / "settings.json"
    settings = Settings(path, environ={})
    settings.set("server_url", "https://vms.example.com")
    settings.set("username", "op")
    settings.set("remember_password", True)
    settings.set("backend_url", "https://backend.example.com")
    password, token = "s3cret-Pässword", "tok-0123456789abcdef"
    store.set("https://VMS.example.com/", "op", password)
    store.set("https://backend.example.com", API_TOKEN_USER, token)
    assert ring.entries[(SERVICE_PREFIX + "https://vms.example.com", "op")] == password
    assert store.get("https://vms.example.com", "op") == password
    assert options_from_settings(settings, store, environ={}).token == token  # the backend link reads it back
    settings.save()
    text = path.read_text()
    assert password not in text and token not in text and "Pässword" not in text
    store.delete("https://vms.example.com", "op")
    store.delete("https://backend.example.com", API_TOKEN_USER)
    assert store.get("https://vms.example.com", "op") is None and ring.entries == {}


# --- the form -----------------------------------------------------------------------------------------------
def test_form_round_trip_and_backend_mode(tmp_path):
    settings = Settings(None, environ={})
    form = SettingsForm.from_settings(settings)
    assert form.backend_mode == sf.BUNDLED and form.recording_duration == 900
    form.backend_mode, form.backend_url, form.tile_keep_aspect = sf.REMOTE, " https://b.example:8443/ ", False
    assert set(form.store(settings)) == {"backend_url", "tile_keep_aspect"}
    assert settings.get("backend_url") == "https://b.example:8443"
    again = SettingsForm.from_settings(settings)
    assert again.backend_mode == sf.REMOTE and again.tile_keep_aspect is False
    again.backend_mode = sf.BUNDLED  # the bundled backend: the remote URL is dropped
    assert again.store(settings) == ["backend_url"] and settings.get("backend_url") == ""


def test_form_validation_codes(tmp_path):
    limits = DurationLimits(60, 7200, 900)
    assert sf.validate(SettingsForm(), limits) == []
    assert sf.validate(SettingsForm(server_url="vms.example.com"), limits) == [("server_url", sf.BAD_URL)]
    assert sf.validate(SettingsForm(server_url="https://"), limits) == [("server_url", sf.BAD_URL)]
    assert sf.validate(SettingsForm(server_url="https://vms:99999"), limits) == [("server_url", sf.BAD_URL)]
    assert sf.validate(SettingsForm(server_url="http://10.0.0.5:8081/"), limits) == []
    assert sf.validate(SettingsForm(recording_duration=59), limits) == [("recording_duration", sf.OUT_OF_RANGE)]
    assert sf.validate(SettingsForm(recording_duration=7201), limits) == [("recording_duration", sf.OUT_OF_RANGE)]
    assert sf.validate(SettingsForm(auth_type="kerberos"), limits) == [("auth_type", sf.BAD_CHOICE)]
    remote = SettingsForm(backend_mode=sf.REMOTE)
    assert sf.validate(remote, limits) == [("backend_url", sf.MISSING)]
    remote.backend_url, remote.backend_token_file = "ftp://b", str(tmp_path / "missing")
    assert sf.validate(remote, limits) == [("backend_url", sf.BAD_URL), ("backend_token_file", sf.NOT_A_FILE)]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert sf.validate(SettingsForm(backend_data_dir=str(a_file)), limits) == [("backend_data_dir", sf.NOT_A_DIRECTORY)]
    assert sf.validate(SettingsForm(backend_data_dir=str(tmp_path / "new")), limits) == []


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG configuration directory")
def test_settings_file_paths_are_per_user(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert Settings.for_user().path == Path(tmp_path) / "control-room-video" / "settings.json"
