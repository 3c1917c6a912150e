"""Database engine and sessions: SQLite (WAL, foreign keys, busy time-out) by default, PostgreSQL by URL.

The backend uses SQLAlchemy's synchronous API: request handlers and services run database work in worker
threads through ``Database.run`` so that the event loop never waits on disk or the network. One ``Database``
per process (created in the app's lifespan, passed around; no module-level engine).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings: WAL journal (readers never block the writer), foreign keys enforced,
    wait up to SQLITE_BUSY_TIMEOUT_MS for a lock, fsync at checkpoints (NORMAL is durable in WAL mode up to
    the last checkpointed transaction after a power loss; a process crash loses nothing).

    The driver's own implicit transaction handling is switched off (``isolation_level = None``) and
    ``_sqlite_begin`` emits BEGIN instead: SQLAlchemy's documented recipe, without which SAVEPOINTs and
    transactional DDL (migrations) do not behave (SQLAlchemy docs, "Serializable isolation / Savepoints /
    Transactional DDL" for pysqlite)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock at BEGIN, waiting up to busy_timeout for it. With a deferred BEGIN, a
    # transaction that reads and then writes fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT,
    # no waiting) when another connection committed in between - the uploader and the recording scheduler
    # do exactly that concurrently. Readers of other connections are not blocked (WAL).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _json_dumps(value: Any) -> str:
    """JSON columns keep non-ASCII text as is (Arabic names and details stay searchable as text)."""
    return json.dumps(value, ensure_ascii=False)


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An Engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite: the parent directory is created, the connection may be used from worker threads, and every
    connection gets the pragmas of ``_sqlite_pragmas``. Other databases: pre-ping pooled connections.
    The URL's password (if any) is never logged.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            echo=echo,
            json_serializer=_json_dumps,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True, json_serializer=_json_dumps)
    log.info("database %s", parsed.render_as_string(hide_password=True))
    return engine


class Database:
    """An Engine with a session factory and helpers.

    ``session()`` is a context manager that commits on success and rolls back on error (sync, for worker
    threads); ``await run(fn, *args)`` calls ``fn(session, *args)`` inside such a session in a worker thread
    and returns its result (the way coroutines touch the database).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_db_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends normally, rolled back on an exception."""
        with self._sessions() as session, session.begin():
            yield session

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` in a worker thread inside ``session()``; returns what ``fn`` returns.
        Exceptions propagate (after the rollback)."""

        def call() -> T:
            with self.session() as session:
                return fn(session, *args)

        return await anyio.to_thread.run_sync(call)

    def ping(self) -> None:
        """``SELECT 1``; raises the driver's error when the database is unusable."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
