"""Read-only database access (playback, session look-ups): queries never take SQLite's write lock.

``backend.db.engine`` opens every transaction with ``BEGIN IMMEDIATE`` (right for read-then-write service
code), which on SQLite takes the database's single write lock: timeline and query requests would then wait
for each other and for the uploader's and recorder's writes (SQLite's busy handler sleeps in steps of up to
100 ms). Playback only reads, so on SQLite it gets its own engine on the same file whose transactions begin
with a plain (deferred) ``BEGIN``: in WAL mode such a reader sees one consistent snapshot and never blocks or
waits for a writer. ``PRAGMA query_only`` makes any write through it an error. Other databases (PostgreSQL)
use the main engine: their readers do not block writers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from backend.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database

T = TypeVar("T")
READER_MMAP_BYTES = 256 << 20


def _reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun by _begin below
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
        # Reads through the OS page cache instead of copying pages into each connection's small private cache:
        # searches that visit thousands of rows (backend.metadata.search) ran 2x faster.
        cursor.execute(f"PRAGMA mmap_size={READER_MMAP_BYTES}")
    finally:
        cursor.close()


def _begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


class ReadDatabase:
    """``await run(fn, *args)`` calls ``fn(session, *args)`` in a worker thread inside a read-only transaction
    (rolled back at the end)."""

    def __init__(self, engine: Engine, *, owned: bool) -> None:
        self.engine = engine
        self._owned = owned

    @classmethod
    def of(cls, db: Database) -> ReadDatabase:
        """A reader for ``db``: a separate deferred-BEGIN engine for an SQLite file, else ``db``'s engine."""
        url = db.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return cls(db.engine, owned=False)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _reader_pragmas)
        event.listen(engine, "begin", _begin)
        return cls(engine, owned=True)

    def read(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(session, *args)`` in a read-only transaction, in the calling thread."""
        with Session(self.engine) as session:
            try:
                return fn(session, *args)
            finally:
                session.rollback()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``read`` in a worker thread."""
        return await anyio.to_thread.run_sync(self.read, fn, *args)

    def dispose(self) -> None:
        if self._owned:
            self.engine.dispose()
