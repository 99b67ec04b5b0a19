"""The training app's database: users and roles, scored calls, reviewer overrides, drills, skill history.

SQLAlchemy 2 with Alembic migrations shipped in this package and run on :meth:`Store.open`; SQLite by default
(WAL, busy timeout, foreign keys), PostgreSQL through a URL. Passwords are hashed with argon2id. Every method
takes the acting :class:`User` and enforces what that role may see; free text is redacted before storage.

Where the database lives: ``Store.open(url)``, else ``$QA_APP_DB_URL`` (any SQLAlchemy URL, e.g.
``postgresql+psycopg://user:pw@host/qa``), else a SQLite file at ``$QA_APP_DB_PATH``, else
``~/.local/share/qa-scoring/app.db``.

Needs the ``app`` extra: ``pip install 'qa-scoring[app]'``.
"""

from __future__ import annotations

from ..errors import ConfigError

try:
    import alembic  # noqa: F401
    import argon2  # noqa: F401
    import sqlalchemy  # noqa: F401
except ImportError as _exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ConfigError(
        f"qa_scoring.store needs the optional app dependencies ({_exc.name or _exc} is not installed); "
        "install them with: pip install 'qa-scoring[app]'"
    ) from None

from .engine import ENV_PATH, ENV_URL, default_path, head_revision  # noqa: E402
from .errors import AccessDenied, NotFound, StoreError, StoreInputError  # noqa: E402
from .records import CallRecord, DrillRecord, Override, Role, User  # noqa: E402
from .store import Store, normalize_username  # noqa: E402

__all__ = [
    "ENV_PATH",
    "ENV_URL",
    "AccessDenied",
    "CallRecord",
    "DrillRecord",
    "NotFound",
    "Override",
    "Role",
    "Store",
    "StoreError",
    "StoreInputError",
    "User",
    "default_path",
    "head_revision",
    "normalize_username",
]
