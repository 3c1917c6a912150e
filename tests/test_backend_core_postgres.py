"""The backend on PostgreSQL (by URL): migrations produce the models' schema, and the camera routes work.

A throw-away PostgreSQL server (Debian's ``postgresql`` binaries: initdb + postgres on a free loopback port)
is started for this module; as root it runs as the ``postgres`` user. Skipped when the binaries or the
``psycopg`` driver are missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backend.db.engine import create_db_engine
from backend.db.migrate import current_revision, head_revision, upgrade_to_head
from backend.db.models import Base
from backend.db.models_metadata import include_in_autogenerate
from simulator.inventory import camera_id

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _pg_tool(name: str) -> str | None:
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    pytest.importorskip("psycopg")
    initdb, postgres = _pg_tool("initdb"), _pg_tool("postgres")
    if not initdb or not postgres:
        pytest.skip("PostgreSQL server binaries not installed")
    base = Path(tempfile.mkdtemp(prefix="backend-pg-"))  # not under pytest's 0700 root-owned tree
    data = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    cmd = [*as_user, postgres, "-D", str(data), "-k", str(base), "-h", "127.0.0.1", "-p", str(port), "-F"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("PostgreSQL did not start: " + (server.stderr.read() or b"").decode()) from None
            time.sleep(0.1)
    engine = create_db_engine(url)
    deadline = time.monotonic() + 30
    while True:  # the port opens a moment before the server accepts logins
        try:
            engine.connect().close()
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    engine.dispose()
    yield url
    server.terminate()
    server.wait(20)
    shutil.rmtree(base, ignore_errors=True)


def _fresh_database(url: str, name: str) -> str:
    from sqlalchemy import text

    admin = create_db_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def test_postgres_migrations_match_models(postgres_url):
    engine = create_db_engine(_fresh_database(postgres_url, "migrations"))
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_in_autogenerate}), Base.metadata) == []
    engine.dispose()


def test_backend_on_postgres_imports_cameras(postgres_url, make_backend, backend_settings_factory, simulator):
    settings = backend_settings_factory(simulator, database_url=_fresh_database(postgres_url, "backend"))
    b = make_backend(settings)
    b.wait_milestone()
    assert b.client.get("/health").json()["checks"]["database"]["detail"] == "postgresql"
    r = b.post("/api/v1/cameras/import", json=[{"milestoneDeviceId": camera_id(i)} for i in range(3)])
    assert r.status_code == 201 and r.json()["created"] == 3, r.text
    listed = b.get("/api/v1/cameras", params={"search": "interchange"}).json()
    assert [c["milestoneDeviceId"] for c in listed["cameras"]] == [camera_id(0)]
    sync_id = b.post("/api/v1/milestone/sync-all").json()["syncJobId"]

    def done():
        body = b.get(f"/api/v1/milestone/sync/{sync_id}").json()
        return body if body["status"] != "running" else None

    from tests.backend_fixtures import wait_until

    result = wait_until(done)
    assert result["status"] == "succeeded" and result["processed"] == 3 and result["updated"] == 0


def test_postgres_audit_log_is_append_only_and_users_work(postgres_url):
    from sqlalchemy import text

    from backend.auth.audit import AuditLog, AuditQuery, AuditRecord
    from backend.auth.passwords import Passwords
    from backend.auth.sessions import SessionStore
    from backend.auth.users import UserStore
    from milestone.clock import ManualClock

    engine = create_db_engine(_fresh_database(postgres_url, "audit"))
    upgrade_to_head(engine)
    clock = ManualClock()
    users = UserStore(engine, clock, Passwords())
    users.create("Olga", "operator password", "operator")
    sessions = SessionStore(engine, engine, clock, users, session_s=60, max_session_s=120, max_failed=3, lockout_s=60)
    login = sessions.login("olga", "operator password", "10.0.0.7")
    assert sessions.resolve(login.token).role == "operator"
    users.update("olga", disabled=True)
    assert sessions.resolve(login.token) is None
    audit = AuditLog(engine)
    audit.write([AuditRecord(1, "olga", "user", "POST /api/v1/x", "id=1", "success", 200, "10.0.0.7", {"k": "ü"})])
    assert [r.detail for r in audit.search(AuditQuery(text="Ü"))] == [{"k": "ü"}]
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with engine.connect() as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text(statement))
    engine.dispose()
