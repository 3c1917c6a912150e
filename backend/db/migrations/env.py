"""Alembic environment: migrations run on the engine handed over in ``config.attributes["engine"]``
(see backend.db.migrate), against the metadata of backend.db.models."""

from __future__ import annotations

from alembic import context

from backend.db.models import Base
from backend.db.models_metadata import include_in_autogenerate

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations through backend.db.migrate (no engine was handed over)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
            compare_type=True,
            include_object=include_in_autogenerate,  # full-text index objects are not models
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
