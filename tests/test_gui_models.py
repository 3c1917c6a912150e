"""Application-layer pieces without a server: settings, keyring store, layouts, camera tree model, tile counters."""

from __future__ import annotations

import json

import keyring.backends.fail
import numpy as np
import pytest

from app.credentials import CredentialStore, CredentialsUnavailableError, normalise_server_url
from app.settings import SETTINGS_VERSION, Settings
from app.viewmodels import CameraStatus, CameraTreeModel, Layout, TileViewModel, camera_ids_from_mime
from app.viewmodels.camera_tree import CameraFilterProxy, CameraIdRole
from media.frames import DecodedFrame
from media.stream_stats import StreamState, StreamStats
from milestone.clock import ManualClock
from milestone.models import Camera, Inventory, RecordingServer
from tests.test_gui_support import MemoryKeyring

pytestmark = pytest.mark.gui


# --- settings -----------------------------------------------------------------------------------------------
def test_settings_defaults_round_trip_and_environment_override(tmp_path):
    path = tmp_path / "cfg" / "settings.json"
    settings = Settings(path, environ={})
    assert settings.get("server_url") == "" and settings.get("verify_tls") is True
    assert settings.get("last_layout") == "2x2" and settings.get("last_cameras") == []
    settings.set("server_url", "https://vms.example.com")
    settings.set("last_cameras", ["a", "", "b"])
    settings.save()
    stored = json.loads(path.read_text())
    assert stored["version"] == SETTINGS_VERSION and stored["values"]["server_url"] == "https://vms.example.com"
    again = Settings(path, environ={"MILESTONE_USERNAME": "op1", "MILESTONE_BASE_URL": "https://other"})
    assert again.get("last_cameras") == ["a", "", "b"]
    assert again.get("username") == "op1" and again.get("server_url") == "https://other"  # env wins
    again.save()
    assert "op1" not in path.read_text()  # environment values are not written back
    with pytest.raises(KeyError):
        settings.get("password")  # there is no such option: passwords never go to settings
    with pytest.raises(ValueError):
        settings.set("verify_tls", "maybe")


def test_settings_reset_a_corrupt_file_and_wrong_types(tmp_path):
    # (tests/test_settings.py checks the backup copy and the operator's message.)
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert Settings(path, environ={}).get("auth_type") == "basic"
    path.write_text(json.dumps({"version": 1, "values": {"verify_tls": "sometimes", "username": "u", "zzz": 1}}))
    settings = Settings(path, environ={})
    assert settings.get("verify_tls") is True and settings.get("username") == ""  # reset to the defaults
    assert settings.recovered_backup is not None


# --- credentials --------------------------------------------------------------------------------------------
def test_credential_store_keys_by_normalised_server_and_user():
    ring = MemoryKeyring()
    store = CredentialStore(ring)
    store.set("HTTPS://VMS.Example.com/", "op", "pw1")
    assert store.get("https://vms.example.com", "op") == "pw1"
    assert store.get("https://vms.example.com", "other") is None
    store.delete("https://vms.example.com", "op")
    store.delete("https://vms.example.com", "op")  # deleting twice is fine
    assert ring.entries == {}
    assert normalise_server_url(" http://Host:81/path/ ") == "http://host:81/path"


def test_credential_store_without_a_keyring_backend_says_so():
    store = CredentialStore(keyring.backends.fail.Keyring())
    with pytest.raises(CredentialsUnavailableError):
        store.get("https://vms", "op")
    with pytest.raises(CredentialsUnavailableError):
        store.set("https://vms", "op", "pw")


# --- layouts ------------------------------------------------------------------------------------------------
def test_layouts_cells_and_choice_by_camera_count():
    assert [layout.tile_count for layout in Layout] == [1, 4, 9, 16, 25, 36, 49, 64, 6]
    assert Layout.HOTSPOT.cells[0].row_span == 2 and Layout.HOTSPOT.cells[0].column_span == 2
    covered = {
        (c.row + dr, c.column + dc)
        for c in Layout.HOTSPOT.cells
        for dr in range(c.row_span)
        for dc in range(c.column_span)
    }
    assert covered == {(r, c) for r in range(3) for c in range(3)}  # the hotspot tiles exactly a 3x3 grid
    assert Layout.for_camera_count(8) is Layout.THREE and Layout.for_camera_count(17) is Layout.FIVE
    assert Layout.for_camera_count(64) is Layout.EIGHT and Layout.for_camera_count(100) is Layout.EIGHT
    assert Layout.parse("1+5") is Layout.HOTSPOT and Layout.parse("9x9", default=Layout.TWO) is Layout.TWO
    with pytest.raises(ValueError):
        Layout.parse("9x9")


# --- camera tree --------------------------------------------------------------------------------------------
def _inventory() -> Inventory:
    rs_b = RecordingServer("rs-b", "B recorder", "h", 1, "http://h/")
    rs_a = RecordingServer("rs-a", "a recorder", "h", 2, "http://h/")
    cams = (
        Camera("c1", "Gate", True, False, "h1", rs_b),
        Camera("c2", "apron", True, False, "h2", rs_b),
        Camera("c3", "Lobby", False, False, "h3", rs_a),
        Camera("c4", "Roof", True, False, "h4", None),
    )
    return Inventory((rs_b, rs_a), cams)


def test_tree_groups_cameras_by_recording_server_with_status_and_drag_data(qapp):
    model = CameraTreeModel()
    model.set_inventory(_inventory())
    groups = {
        model.item(r).text(): [model.item(r).child(c).text() for c in range(model.item(r).rowCount())]
        for r in range(model.rowCount())
    }
    assert list(groups) == ["a recorder", "B recorder", "Other cameras"]
    assert groups["B recorder"] == ["apron", "Gate"]
    assert model.status("c3") is CameraStatus.DISABLED and model.status("C1") is CameraStatus.ONLINE
    model.set_status("c1", "no_permission")
    model.set_status("c3", CameraStatus.ONLINE)  # disabled stays disabled
    assert model.status("c1") is CameraStatus.NO_PERMISSION and model.status("c3") is CameraStatus.DISABLED
    gate = model.item(1).child(1)
    assert gate.data(CameraIdRole) == "c1" and gate.isDragEnabled()
    assert not model.item(0).child(0).isDragEnabled()  # a disabled camera cannot be dragged
    mime = model.mimeData([gate.index(), model.item(1).index()])
    assert camera_ids_from_mime(mime) == ["c1"]


def test_tree_filter_matches_camera_or_server_names(qapp):
    model = CameraTreeModel()
    model.set_inventory(_inventory())
    proxy = CameraFilterProxy(model)
    proxy.set_search_text("GATE")
    assert proxy.rowCount() == 1 and proxy.rowCount(proxy.index(0, 0)) == 1
    proxy.set_search_text("b recorder")
    assert proxy.rowCount() == 1 and proxy.rowCount(proxy.index(0, 0)) == 2
    proxy.set_search_text("")
    assert proxy.rowCount() == 3


# --- tile counters ------------------------------------------------------------------------------------------
class _Handle:
    """The engine handle's interface (take_frame/stats/set_output_size/close) with frames the test provides."""

    def __init__(self) -> None:
        self.frames: list[DecodedFrame] = []
        self.sizes: list[tuple[int, int]] = []
        self.closed = False

    def take_frame(self):
        return self.frames.pop() if self.frames else None

    @property
    def stats(self) -> StreamStats:
        return StreamStats(dropped_unshown=3, dropped_before_decode=2)

    def set_output_size(self, w: int, h: int) -> None:
        self.sizes.append((w, h))

    def close(self) -> None:
        self.closed = True


def _frame(picture_ms: int) -> DecodedFrame:
    return DecodedFrame(np.full((90, 160, 4), 255, np.uint8), 160, 90, picture_ms, 0.0, 0.0)


def test_tile_counts_painted_and_dropped_frames_and_latency(qapp):
    clock = ManualClock(wall=1_800_000_000.0)
    handle = _Handle()
    callbacks = {}

    def opener(camera, on_state, on_frame):
        callbacks.update(state=on_state, frame=on_frame)
        return handle

    tile = TileViewModel(0, opener, clock)
    tile.set_output_size(320, 180)
    tile.assign(Camera("c1", "Gate", True, False, "h1", None))
    assert tile.state is StreamState.CONNECTING and handle.sizes == [(320, 180)]
    handle.frames = [_frame(1_800_000_000_000 - 40)]
    assert tile.pull_frame() and tile.image.width() == 160
    clock.advance(0.010)
    tile.note_painted()
    tile.note_painted()  # repainting the same frame does not count again
    # Two frames pulled before a paint: the first was never shown -> gui_dropped 1.
    handle.frames = [_frame(1_800_000_000_000)]
    tile.pull_frame()
    handle.frames = [_frame(1_800_000_000_005)]
    tile.pull_frame()
    clock.advance(0.020)
    tile.note_painted()
    snap = tile.stats()
    # latency = paint wall ms - picture_ms: (1_800_000_000_010 - 1_799_999_999_960) = 50,
    # then (1_800_000_000_030 - 1_800_000_000_005) = 25.
    assert snap.latency_ms == pytest.approx((50.0, 25.0))
    assert snap.frames_painted == 2 and snap.gui_dropped == 1 and snap.engine_dropped == 5 and snap.dropped == 6
    assert not snap.went_live
    tile.assign(None)
    assert handle.closed and tile.image is None and tile.stats().frames_painted == 0


def test_reason_text_names_the_cause_of_each_engine_error():
    from app.viewmodels.tile import reason_text

    assert "certificate" in reason_text("TlsError: certificate verify failed")
    assert "cannot be reached" in reason_text("UnreachableError: connection refused")
    assert "interrupted" in reason_text("ProtocolError: bad Content-length")
    assert "may not view" in reason_text("PermissionDeniedError: camera forbidden")
    assert reason_text("") == ""
    assert reason_text("SomethingElse: whatever") == ""
