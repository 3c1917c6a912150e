"""Versioned schema migrations (Alembic), applied programmatically at start-up: no alembic.ini at run time.

Scripts live in ``backend/db/migrations/versions``; ``0001_initial`` was generated from ``models.py`` with
``alembic revision --autogenerate`` and is checked in. To add a migration after changing models.py::

    PYTHONPATH=. .venv/bin/python -m backend.db.migrate revision "what changed"

(it autogenerates against a scratch SQLite database migrated to head, then review the new file).
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from backend.db.engine import create_db_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic Config built in code; ``engine`` (if given) is used by ``migrations/env.py``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision id in the scripts directory."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest revision (a no-op when it is there already). Raises on failure.

    A failed revision is rolled back whole and the database stays at the last revision that completed:
    PostgreSQL runs all pending revisions in one transaction, SQLite one transaction per revision (DDL
    included: the engine emits BEGIN itself, see backend.db.engine).
    """
    before = current_revision(engine)
    command.upgrade(alembic_config(engine), "head")
    after = current_revision(engine)
    if before != after:
        log.info("database migrated from %s to %s", before or "empty", after)


def _autogenerate(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_db_engine(f"sqlite:///{Path(tmp) / 'scratch.sqlite3'}")
        upgrade_to_head(engine)
        command.revision(alembic_config(engine), message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        logging.basicConfig(level=logging.INFO)
        _autogenerate(sys.argv[2])
    else:
        sys.exit('usage: python -m backend.db.migrate revision "message"')
