"""Database location, engine set-up (SQLite pragmas, PostgreSQL) and Alembic migrations run in-process."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from .errors import StoreError

logger = logging.getLogger(__name__)

ENV_URL = "QA_APP_DB_URL"
ENV_PATH = "QA_APP_DB_PATH"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
WRITE_OPTION = "qa_scoring_write"
"""Execution option marking a connection that will write: on SQLite it starts with BEGIN IMMEDIATE."""
PG_MIGRATION_LOCK = 0x51415343
"""PostgreSQL advisory lock key ("QASC") held while the schema is migrated, so concurrent opens do not race."""


def default_path() -> Path:
    """``$XDG_DATA_HOME/qa-scoring/app.db``, i.e. ``~/.local/share/qa-scoring/app.db`` by default."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "qa-scoring" / "app.db"


def resolve_url(url: str | URL | Path | None = None) -> URL:
    """The database URL: ``url``, else ``$QA_APP_DB_URL``, else a SQLite file at ``$QA_APP_DB_PATH`` or
    :func:`default_path`. A :class:`~pathlib.Path` is taken as a SQLite file."""
    if isinstance(url, Path):
        return _sqlite_file_url(url)
    if url is None or (isinstance(url, str) and not url.strip()):
        env_url = os.environ.get(ENV_URL, "").strip()
        if env_url:
            url = env_url
        else:
            env_path = os.environ.get(ENV_PATH, "").strip()
            return _sqlite_file_url(Path(env_path).expanduser() if env_path else default_path())
    try:
        return make_url(url)
    except ArgumentError:
        shown = url if isinstance(url, str) else str(url)
        if "://" not in shown:
            return _sqlite_file_url(Path(shown).expanduser())
        raise StoreError(
            f"Veritabanı adresi okunamadı: {shown!r}. 'sqlite:///yol/app.db' ya da "
            f"'postgresql+psycopg://kullanici:parola@sunucu/veritabani' biçiminde yazın ({ENV_URL})."
        ) from None


def _sqlite_file_url(path: Path) -> URL:
    return URL.create("sqlite", database=str(path))


def display_url(url: URL) -> str:
    """The URL with any password hidden, for messages and logs."""
    return url.render_as_string(hide_password=True)


def _is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and (url.database in (None, "", ":memory:"))


def _prepare_sqlite_file(url: URL) -> None:
    path = Path(url.database or "").expanduser()
    fix = f"{ENV_PATH} ile yazılabilir bir dosya yolu verin"
    if path.is_dir():
        raise StoreError(f"Veritabanı yolu bir klasör, dosya değil: {path}. {fix} (ör. {path / 'app.db'}).")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Veritabanı klasörü oluşturulamadı: {path.parent} ({exc.strerror or exc}). {fix}.") from None
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"Veritabanı dosyası okunamıyor ya da yazılamıyor: {path}. İzinleri düzeltin ya da {fix}.")


def create_store_engine(url: URL, *, busy_timeout: float = 30.0, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, foreign keys and immediate write transactions."""
    backend = url.get_backend_name()
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if backend == "sqlite":
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": busy_timeout}
        if _is_memory(url):
            kwargs["poolclass"] = StaticPool
        else:
            _prepare_sqlite_file(url)
        kwargs["connect_args"] = connect_args
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreError(
            f"'{backend}' veritabanı sürücüsü yüklü değil ({exc}); PostgreSQL için: pip install 'psycopg[binary]'"
        ) from None
    if backend == "sqlite":
        _install_sqlite_events(engine, busy_timeout, memory=_is_memory(url))
    return engine


def _install_sqlite_events(engine: Engine, busy_timeout: float, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module (it would otherwise BEGIN lazily, DEFERRED,
        # and a read-then-write transaction could then fail at once with "database is locked").
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cur.execute("PRAGMA foreign_keys = ON")
            if not memory:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (waiting up to busy_timeout); readers never block in WAL mode.
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version of qa-scoring."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}; reinstall qa-scoring")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def _migrate(conn: Connection, before: str | None, head: str, url_shown: str) -> None:
    known = {s.revision for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    if before is not None and before not in known:
        raise StoreError(
            f"Veritabanı ({url_shown}) bu qa-scoring sürümünden daha yeni bir şemada "
            f"(revizyon {before!r}, bu sürüm en çok {head!r} biliyor). qa-scoring'i güncelleyin."
        )
    logger.info("migrating app database %s from %s to %s", url_shown, before or "empty", head)
    command.upgrade(_alembic_config(conn), "head")
    if conn.dialect.name == "sqlite":
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            logger.error("migration to %s left %d broken foreign key(s); rolled back", head, len(broken))
            raise StoreError(
                f"Veritabanı ({url_shown}) {head!r} şemasına yükseltilemedi: {len(broken)} kayıt bozuk bir "
                "bağlantı içeriyordu; hiçbir değişiklik yapılmadı. Yedeği saklayıp sorunu bildirin."
            )


def upgrade(engine: Engine, url_shown: str) -> str:
    """Migrate the database to the newest revision (no-op when it is there already); returns the revision.

    One writer at a time: on SQLite the whole upgrade runs in one BEGIN IMMEDIATE transaction, on PostgreSQL in
    one transaction holding an advisory lock, so two processes opening a new database together do not both
    create the tables.
    """
    head = head_revision()
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(**{WRITE_OPTION: True})
            raw = conn.connection.dbapi_connection if sqlite else None
            if raw is not None:
                # SQLite rebuilds a table to alter it (Alembic batch mode); with foreign keys on, dropping the old
                # copy would fail or null out the rows pointing to it. The pragma only works outside a
                # transaction; integrity is checked before the commit instead.
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        # PostgreSQL's counterpart of BEGIN IMMEDIATE: one migrator at a time per database; the
                        # others wait here and then find the schema at head (instead of failing on CREATE TABLE).
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
                    before = current_revision(conn)
                    if before != head:
                        _migrate(conn, before, head, url_shown)
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")
    except StoreError:
        raise
    except (DBAPIError, CommandError, OSError) as exc:
        detail = getattr(exc, "orig", None) or exc
        logger.error("cannot open app database %s: %s", url_shown, detail)
        raise StoreError(
            f"Veritabanı açılamadı: {url_shown} ({detail}). Dosyanın bir qa-scoring veritabanı olduğundan ve "
            f"erişilebilir olduğundan emin olun ya da {ENV_PATH}/{ENV_URL} ile başka bir yer verin."
        ) from None
    return head
