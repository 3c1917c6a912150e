"""Backend core: settings, migrations, auth, errors, health, metrics, OpenAPI, events (in-process app)."""

from __future__ import annotations

import socket
import stat
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.openapi.models import OpenAPI
from sqlalchemy import text

from backend.api.introspect import route_table
from backend.db.engine import create_db_engine
from backend.db.migrate import current_revision, head_revision, upgrade_to_head
from backend.db.models import Base
from backend.db.models_metadata import include_in_autogenerate
from backend.events import EventBus
from backend.settings import SettingsError, load_settings
from milestone.clock import ManualClock

ARABIC = range(0x0600, 0x06FF)


def assert_bilingual(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["message"].isascii()
    assert any(ord(ch) in ARABIC for ch in error["message_ar"]), error["message_ar"]
    return error


# ------------------------------------------------------------------------------------------------ settings


def test_settings_defaults_file_env_precedence(tmp_path):
    defaults = load_settings(env={})
    rec = defaults.recording
    assert (rec.default_duration, rec.min_duration, rec.max_duration, rec.max_concurrent) == (900, 60, 7200, 50)
    assert (defaults.host, defaults.port, rec.segment_seconds) == ("127.0.0.1", 8765, 60)

    cfg = tmp_path / "backend.toml"
    cfg.write_text(
        'port = 9000\nspool_dir = "myspool"\n[recording]\nmax_duration = 3600\n'
        '[milestone]\nbase_url = "http://vms"\nusername = "file-user"\n[storage.buckets]\nclips = "c2"\n'
    )
    env = {
        "BACKEND_DATA_DIR": str(tmp_path / "data"),
        "RECORDING_MAX_DURATION": "5400",
        "MILESTONE_USERNAME": "env-user",
        "MILESTONE_VERIFY_TLS": "false",
    }
    s = load_settings(cfg, env=env, overrides={"port": 9100})
    assert s.port == 9100  # command line beats file
    assert s.recording.max_duration == 5400  # environment beats file
    assert s.milestone.username == "env-user" and s.milestone.base_url == "http://vms"
    assert s.milestone.verify_tls is False
    assert s.storage.buckets.clips == "c2" and s.storage.buckets.recordings == "recordings"
    assert s.spool_path == tmp_path / "data" / "myspool"  # relative paths live under data_dir
    assert s.db_url == f"sqlite:///{tmp_path / 'data' / 'backend.sqlite3'}"


def test_settings_refuse_secrets_and_bad_values(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[milestone]\npassword = "hunter2"\n')
    with pytest.raises(SettingsError, match=r"milestone\.password") as err:
        load_settings(cfg, env={})
    assert "hunter2" not in str(err.value)
    with pytest.raises(SettingsError, match=r"recording\.min_duration"):
        load_settings(env={"RECORDING_MIN_DURATION": "soon"})
    with pytest.raises(SettingsError, match="min_duration <= default_duration"):
        load_settings(env={"RECORDING_DEFAULT_DURATION": "30"})
    cfg.write_text("[nonsense]\nx = 1\n")
    with pytest.raises(SettingsError, match="nonsense"):
        load_settings(cfg, env={})


def test_secret_file_is_read_and_used(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    s = load_settings(env={"MILESTONE_PASSWORD_FILE": str(secret), "BACKEND_DATA_DIR": str(tmp_path)})
    assert s.milestone_password() == "s3cret"
    secret.write_text("")
    with pytest.raises(SettingsError, match="empty"):
        s.milestone_password()


# ------------------------------------------------------------------------------------------------ database


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    migrated = create_db_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    upgrade_to_head(migrated)
    assert current_revision(migrated) == head_revision()
    upgrade_to_head(migrated)  # idempotent
    with migrated.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_in_autogenerate}), Base.metadata)
        assert diffs == []
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000

    # Stronger than compare_metadata (which ignores CHECK constraints): the DDL SQLite stores is identical.
    direct = create_db_engine(f"sqlite:///{tmp_path / 'direct.sqlite3'}")
    Base.metadata.create_all(direct)

    def ddl(engine) -> dict[str, list[str]]:
        """Each table's and index's DDL as a sorted list of its clauses (constraint order may differ)."""
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")).all()
        return {
            name: sorted(" ".join(line.split()).rstrip(",") for line in sql.splitlines())
            for name, sql in rows
            if name != "alembic_version"
        }

    assert ddl(migrated) == ddl(direct)
    assert {"cameras", "recording_sessions", "sync_history", "segments", "garbage"} <= set(ddl(direct))
    migrated.dispose()
    direct.dispose()


def test_failed_migration_is_rolled_back_whole(tmp_path, monkeypatch):
    import shutil

    from backend.db import migrate

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()  # the broken revision goes on top of whatever the newest one is
    (scripts / "versions" / "9999_broken.py").write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision, down_revision, branch_labels, depends_on = '9999', '{head}', None, None\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('x', sa.Integer))\n"
        "    op.execute('SELECT * FROM no_such_table')\n"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    engine = create_db_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with pytest.raises(Exception, match="no_such_table"):
        upgrade_to_head(engine)
    with engine.connect() as conn:
        tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert "half_done" not in tables and "cameras" in tables
    assert current_revision(engine) == head
    engine.dispose()


# ------------------------------------------------------------------------------------------------ auth, errors


def test_token_generated_private_and_required(make_backend, backend_settings_factory):
    settings = backend_settings_factory(None)
    b = make_backend(settings)
    token_file = settings.token_file_path
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert b.client.get("/health").status_code == 200  # public
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {b.token}"}):
        r = b.client.get("/api/v1/cameras", headers=headers)
        assert_bilingual(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert b.get("/api/v1/cameras").status_code == 200
    # A restart keeps the same token file (not regenerated).
    assert make_backend(settings).token == b.token


def test_error_bodies_are_bilingual(make_backend, backend_settings_factory):
    b = make_backend(backend_settings_factory(None))
    json_headers = {**b.headers, "Content-Type": "application/json"}
    r = b.client.post("/api/v1/cameras/import", content=b'{"cameras": [', headers=json_headers)
    assert_bilingual(r, 400, "malformed_json")
    r = b.post("/api/v1/cameras/import", json={"cameras": [{"nameAr": "x"}]})
    error = assert_bilingual(r, 422, "validation_error")
    assert any("milestoneDeviceId" in err["loc"] for err in error["details"]["errors"])
    r = b.post("/api/v1/cameras/import", json={"milestoneDeviceId": "x", "bogusField": 1})
    assert_bilingual(r, 422, "validation_error")
    assert_bilingual(b.get("/api/v1/cameras/no-such-camera"), 404, "camera_not_found")
    assert_bilingual(b.get("/api/v1/nothing-here"), 404, "not_found")
    assert_bilingual(b.client.delete("/health"), 405, "method_not_allowed")
    assert_bilingual(b.get("/api/v1/cameras", params={"limit": 0}), 422, "validation_error")
    # Milestone is not configured: the inventory route says so instead of failing obscurely.
    assert_bilingual(b.get("/api/v1/milestone/cameras"), 503, "milestone_not_configured")


# ------------------------------------------------------------------------------------------------ health


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_health_milestone_down_is_503_then_up_is_200(make_backend, backend_settings_factory, simulator, wait_for):
    settings = backend_settings_factory(simulator, milestone={"base_url": f"http://127.0.0.1:{_closed_port()}"})
    down = make_backend(settings)

    def unreachable():
        r = down.client.get("/health")
        return r if r.json()["checks"]["milestone"]["status"] == "unreachable" else None

    r = down.client.get("/health")
    assert r.status_code == 503  # connecting or unreachable: not ready either way
    r = wait_for(unreachable)
    body = r.json()
    assert r.status_code == 503 and body["status"] == "unavailable"
    check = body["checks"]["milestone"]
    assert check["ok"] is False and check["critical"] is True
    assert "UnreachableError" in check["detail"] and check["message"] and check["message_ar"]
    assert body["checks"]["database"]["ok"] is True

    up = make_backend(backend_settings_factory(simulator))
    up.wait_milestone()
    r = up.client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.json()["checks"]["milestone"]["status"] == "connected"


def test_health_follows_milestone_going_away_and_back(make_backend, backend_settings_factory, make_simulator, wait_for):
    sim = make_simulator(cameras=2)
    b = make_backend(backend_settings_factory(sim))
    b.wait_milestone()
    events = []
    with b.client.websocket_connect(f"/api/v1/events?token={b.token}&types=milestone_status") as ws:
        sim.stop()
        wait_for(lambda: b.client.get("/health").status_code == 503)
        events.append(ws.receive_json())
        port, recorders = sim.port, sim.recorder_ports
        sim.start(port=port, recorder_ports=recorders)
        b.wait_milestone()
        events.append(ws.receive_json())
    assert b.client.get("/health").status_code == 200
    assert [e["data"]["state"] for e in events] == ["unreachable", "connected"]


# ------------------------------------------------------------------------------------------------ metrics, OpenAPI


def test_metrics_need_token_and_count_requests(make_backend, backend_settings_factory):
    b = make_backend(backend_settings_factory(None))
    assert_bilingual(b.client.get("/metrics"), 401, "unauthorized")
    b.get("/api/v1/cameras")
    b.get("/api/v1/cameras/unknown-id")
    r = b.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    body = r.text
    assert 'backend_http_requests_total{method="GET",route="/api/v1/cameras",status="200"} 1.0' in body
    assert 'route="/api/v1/cameras/{camera_id}",status="404"' in body
    assert "backend_http_request_duration_seconds_bucket" in body
    assert "backend_milestone_connected 0.0" in body
    public = make_backend(backend_settings_factory(None, auth={"metrics_public": True}))
    assert public.client.get("/metrics").status_code == 200


def test_openapi_lists_every_route_and_validates(make_backend, backend_settings_factory):
    b = make_backend(backend_settings_factory(None))
    spec = b.client.get("/openapi.json").json()
    OpenAPI.model_validate(spec)  # structurally valid OpenAPI
    paths = spec["paths"]
    documented = [r for r in route_table(b.app) if r.include_in_schema]
    assert len(documented) >= 10
    for route in documented:
        assert route.path in paths, route.path
        for method in route.methods - {"HEAD"}:
            assert method.lower() in paths[route.path], (route.path, method)
    assert set(paths) == {r.path for r in documented}

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    schemas = spec["components"]["schemas"]
    for ref in refs(spec):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    assert "bearer" in str(spec["components"]["securitySchemes"]).lower()
    assert "ErrorResponse" in schemas and "/api/v1/events" in spec["info"]["description"]


# ------------------------------------------------------------------------------------------------ events


def test_websocket_receives_published_events(make_backend, backend_settings_factory):
    clock = ManualClock(wall=1_800_000_000.0)
    b = make_backend(backend_settings_factory(None), clock=clock)
    bus = b.app.state.bus
    url = f"/api/v1/events?token={b.token}&types=recording_started,segment_uploaded"
    with b.client.websocket_connect(url) as ws:
        bus.publish("camera_status", camera_id="c1", status="x")  # filtered out
        thread = threading.Thread(
            target=bus.publish, args=("recording_started",), kwargs={"camera_id": "c1", "duration": 900}
        )
        thread.start()  # from another thread, as the recorder's threads do
        thread.join()
        event = ws.receive_json()
        bus.publish("segment_uploaded", camera_id="c2", object_key="k")
        second = ws.receive_json()
    assert event == {
        "type": "recording_started",
        "time_us": 1_800_000_000_000_000,
        "camera_id": "c1",
        "data": {"duration": 900},
    }
    assert second["type"] == "segment_uploaded" and second["data"] == {"object_key": "k"}

    with b.client.websocket_connect("/api/v1/events?token=wrong") as ws:
        refused = ws.receive_json()
        assert refused["type"] == "error" and refused["data"]["error"]["code"] == "unauthorized"
        assert refused["data"]["error"]["message_ar"]
        with pytest.raises(Exception) as closed:
            ws.receive_json()
        assert getattr(closed.value, "code", None) == 4401
    with b.client.websocket_connect("/api/v1/events?cameraId=c3", headers=b.headers) as ws:  # header auth too
        bus.publish("camera_status", camera_id="c2")  # another camera: filtered out
        bus.publish("camera_status", camera_id="c3")
        assert ws.receive_json()["camera_id"] == "c3"
    with b.client.websocket_connect(f"/api/v1/events?token={b.token}&types=bogus") as ws:
        assert ws.receive_json()["data"]["error"]["code"] == "validation_error"


async def test_event_bus_drops_oldest_for_slow_subscribers():
    bus = EventBus(ManualClock())
    bus.start()
    slow = bus.subscribe(maxsize=3)
    fast = bus.subscribe(maxsize=100, types=["recording_progress"])
    for i in range(5):
        bus.publish("recording_progress", camera_id="c", n=i)  # never blocks
    assert [(await slow.get()).data["n"] for _ in range(3)] == [2, 3, 4]
    assert slow.dropped == 2 and bus.dropped == 2
    assert [(await fast.get()).data["n"] for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        bus.publish("no_such_type")
    bus.close()
    with pytest.raises(EOFError):
        await slow.get()
    assert bus.subscribers == 0
