"""Alembic environment for the app database.

Run by :func:`qa_scoring.store.engine.upgrade` with an open connection in ``config.attributes["connection"]``;
no ``alembic.ini`` and no logging configuration (a library must not change global logging).

After changing ``models.py`` add a revision file to ``versions/`` (next number, ``down_revision`` = the current
head); ``tests/unit/test_store.py`` fails while the models and the migrated schema differ.
"""

from __future__ import annotations

from alembic import context

from qa_scoring.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("qa_scoring.store migrations run only through Store.open() or qa_scoring.store.revision")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; open the database with Store.open()")
run_migrations_online()
