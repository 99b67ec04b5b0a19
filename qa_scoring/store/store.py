"""The app database: users, scored calls, reviewer overrides and drills, with role scopes enforced here.

Every method that reads or writes data takes the acting :class:`User` first and checks what that user's role
may see or change (re-read from the database, so a deactivated user or a changed role takes effect at once).
Free text is passed through :func:`qa_scoring.redact.redact` before it is stored.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from sqlalchemy import URL, ColumnElement, Engine, false, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ..redact import redact
from ..skills import SKILL_KEYS, SKILL_NAMES_TR
from ..turkish import fold_key, turkish_lower
from . import passwords
from .engine import (
    WRITE_OPTION,
    create_store_engine,
    current_revision,
    display_url,
    resolve_url,
    upgrade,
)
from .errors import AccessDenied, NotFound, StoreError, StoreInputError
from .models import CallRow, DrillRow, OverrideRow, UserRow, utcnow
from .records import CallRecord, DrillRecord, Override, Role, User

logger = logging.getLogger(__name__)

__all__ = ["Store"]

# ----------------------------------------------------------------------------------------------- messages
_MSG_SESSION = "Oturumunuz geçersiz ya da hesabınız kapatılmış; lütfen yeniden giriş yapın."
_MSG_CALL = "Bu çağrıyı görme yetkiniz yok."
_MSG_DRILL = "Bu alıştırmayı görme yetkiniz yok."
_MSG_TEAM = "Başka bir takımın verilerini görme yetkiniz yok."
_MSG_AGENT = "Başka bir temsilcinin verilerini görme yetkiniz yok."
_MSG_OVERRIDE = "Puan düzeltme yetkiniz yok; puanları değerlendiriciler, takım liderleri ve yöneticiler düzeltebilir."
_MSG_SAVE_CALL = "Çağrı kaydetme yetkiniz yok."
_MSG_SAVE_CALL_TEAM = "Yalnızca kendi takımınızın çağrılarını kaydedebilirsiniz."
_MSG_USERS = "Kullanıcı listesini görme yetkiniz yok."
_MSG_MANAGE = "Bu kullanıcıyı yönetme yetkiniz yok."
_MSG_CALIBRATION = "Kalibrasyon verilerini görme yetkiniz yok."

_LEVELS = range(1, 6)
_MAX_COMMENT = 2000
_USERNAME_RE = re.compile(r"[^\W_][\w.\-]*")
_CALL_ID_FIELDS = frozenset({"call_id", "agent_id", "team", "started_at", "rubric_id", "rubric_fingerprint", "model"})
_DRILL_ID_FIELDS = frozenset({"scenario_id", "trainee", "started_at", "ended_at", "outcome"})
_SOURCES = ("call", "drill")
_SKILL_ALIASES = {fold_key(k): k for k in SKILL_KEYS} | {fold_key(v): k for k, v in SKILL_NAMES_TR.items()}


# ----------------------------------------------------------------------------------------------- helpers
def normalize_username(name: object) -> str:
    """The stored form of a username: trimmed, NFC, Turkish lower case ("İlker" → "ilker", "IŞIK" → "ışık").

    Raises:
        StoreInputError: when it is not 3–64 letters, digits, ".", "-" or "_", or looks like personal data.
    """
    text = unicodedata.normalize("NFC", name.strip()) if isinstance(name, str) else ""
    lowered = turkish_lower(text)
    if not 3 <= len(lowered) <= 64 or not _USERNAME_RE.fullmatch(lowered):
        raise StoreInputError(
            f"Kullanıcı adı {text!r} geçersiz: 3–64 karakter olmalı, harf ya da rakamla başlamalı ve yalnızca harf, "
            "rakam, nokta, tire ya da alt çizgi içermeli (ör. 'ayse.yilmaz').",
            "username",
        )
    if redact(lowered) != lowered:
        raise StoreInputError(
            "Kullanıcı adı telefon, TC kimlik ya da kart numarası gibi kişisel veri içeremez; başka bir ad seçin.",
            "username",
        )
    return lowered


def _drop_nul(text: str) -> str:
    """Free text without NUL characters: PostgreSQL text columns cannot hold them (SQLite would keep them)."""
    return text.replace("\x00", "")


def _check_no_nul(text: str, field: str, label: str) -> str:
    if "\x00" in text:
        raise StoreInputError(f"{label} NUL (\\x00) karakteri içeremez; değeri kontrol edin.", field)
    return text


def username_key(name: str) -> str:
    """Lookup key: logins match whatever the casing or keyboard ("ILKER", "İlker", "ılker" → "ilker")."""
    return fold_key(name)


def _opt_text(value: object, field: str, label: str, max_len: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StoreInputError(f"{label} metin olmalı; verilen: {type(value).__name__}.", field)
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        return None
    if len(text) > max_len:
        raise StoreInputError(f"{label} en fazla {max_len} karakter olabilir ({len(text)} verildi).", field)
    _check_no_nul(text, field, label)
    if redact(text) != text:
        raise StoreInputError(f"{label} telefon, TC kimlik, e-posta gibi kişisel veri içeremez.", field)
    return text


def _as_date(value: object, field: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise StoreInputError(f"Tarih {value!r} okunamadı; 'YYYY-AA-GG' biçiminde yazın (ör. 2024-05-14).", field)


def _date_range(date_from: object, date_to: object) -> tuple[date | None, date | None]:
    start, end = _as_date(date_from, "date_from"), _as_date(date_to, "date_to")
    if start and end and start > end:
        raise StoreInputError(
            f"Başlangıç tarihi ({start}) bitiş tarihinden ({end}) sonra; tarihleri yer değiştirin.", "date_from"
        )
    return start, end


def _parse_time(value: object) -> datetime | None:
    """An ISO 8601 timestamp from a report, or None when missing or unreadable."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        logger.warning("unreadable timestamp %r in a stored record; date left empty", value[:40])
        return None


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _clean_json(value: Any, where: str) -> Any:
    """A JSON-safe copy with every string redacted, NaN/inf turned into None and numpy scalars into numbers."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _clean_json(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, datetime | date):
        return value.isoformat()
    tolist = getattr(value, "tolist", None)  # numpy scalars and arrays
    if callable(tolist):
        return _clean_json(tolist(), where)
    raise StoreInputError(
        f"{where}: {type(value).__name__} türünde bir değer saklanamaz; yalnızca metin, sayı, liste ve sözlük "
        "(to_dict() çıktısı) verin.",
        where,
    )


def _clean_document(doc: Mapping[str, Any], keep: frozenset[str], where: str) -> dict[str, Any]:
    """Redact a report/summary dict; top-level identifiers in ``keep`` are copied unchanged."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        key = str(key)
        if key in keep and (value is None or isinstance(value, str)):
            out[key] = value
        else:
            out[key] = _clean_json(value, f"{where}.{key}")
    return out


def _required_text(doc: Mapping[str, Any], key: str, where: str, max_len: int, fix: str) -> str:
    value = doc.get(key)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise StoreInputError(f"{where}: '{key}' alanı eksik ya da boş; {fix}", key)
    if len(text) > max_len:
        raise StoreInputError(f"{where}: '{key}' en fazla {max_len} karakter olabilir ({len(text)} verildi).", key)
    return _check_no_nul(text, key, f"{where}: '{key}'")


def _no_pii(value: str | None, key: str, where: str) -> str | None:
    """Identifiers are stored as given, so they must not hold personal data (the message does not echo it)."""
    if value is not None and redact(value) != value:
        raise StoreInputError(
            f"{where}: '{key}' telefon, TC kimlik, kart, IBAN ya da e-posta gibi kişisel veri içeriyor; bu alanda "
            "kişisel veri olmayan bir kimlik kullanın ve raporu yeniden üretin.",
            key,
        )
    return value


def _doc_text(doc: Mapping[str, Any], key: str, where: str, max_len: int) -> str | None:
    value = doc.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise StoreInputError(f"{where}: '{key}' metin olmalı; verilen: {type(value).__name__}.", key)
    if len(value.strip()) > max_len:
        raise StoreInputError(f"{where}: '{key}' en fazla {max_len} karakter olabilir.", key)
    return _check_no_nul(value.strip(), key, f"{where}: '{key}'")


def _level_score(level: int) -> float:
    return (level - 1) / 4 * 100


def _skill_columns(extra: Iterable[str]) -> list[str]:
    return [*SKILL_KEYS, *sorted(set(extra) - set(SKILL_KEYS))]


# ----------------------------------------------------------------------------------------------- store
class Store:
    """The training app's database. Open it with :meth:`Store.open`; it is safe to share between threads.

    Example::

        with Store.open() as store:            # QA_APP_DB_URL, QA_APP_DB_PATH or ~/.local/share/qa-scoring/app.db
            first_password = store.bootstrap_admin()
            admin = store.authenticate("admin", first_password)
            store.create_user(admin, "ayse", "uzun-ve-gizli-parola", "trainee", "Ayşe Yılmaz",
                              team="Kargo", agent_id="A-1042")

    Args:
        engine: A SQLAlchemy engine on a database already migrated to the current schema.
        password_hasher: The argon2 hasher (default parameters of argon2-cffi when None).
        url_shown: The database URL without password, for messages.
    """

    def __init__(self, engine: Engine, *, password_hasher: PasswordHasher | None = None, url_shown: str = ""):
        self._engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._hasher = password_hasher or PasswordHasher()
        self._url_shown = url_shown or display_url(engine.url)
        self._dummy_hash: str | None = None
        self._closed = False

    # ------------------------------------------------------------------------------------------ lifecycle
    @classmethod
    def open(
        cls,
        url: str | URL | Path | None = None,
        *,
        password_hasher: PasswordHasher | None = None,
        busy_timeout: float = 30.0,
        echo: bool = False,
    ) -> Store:
        """Open (creating when needed) the database and migrate it to the current schema.

        Args:
            url: A SQLAlchemy URL (``sqlite:///path/app.db``, ``postgresql+psycopg://user:pw@host/db``), a
                :class:`~pathlib.Path` to a SQLite file, or None: then ``$QA_APP_DB_URL``, else a SQLite file
                at ``$QA_APP_DB_PATH``, else ``~/.local/share/qa-scoring/app.db``.
            password_hasher: argon2 parameters to hash new passwords with; stored hashes made with other
                parameters are re-hashed at the next successful login.
            busy_timeout: Seconds a SQLite writer waits for another writer before giving up.
            echo: Log every SQL statement (debugging).

        Raises:
            StoreError: when the database cannot be created, read or migrated (the message names the path).
        """
        resolved = resolve_url(url)
        shown = display_url(resolved)
        engine = create_store_engine(resolved, busy_timeout=busy_timeout, echo=echo)
        try:
            revision = upgrade(engine, shown)
        except BaseException:
            engine.dispose()
            raise
        logger.info("opened app database %s (schema %s)", shown, revision)
        return cls(engine, password_hasher=password_hasher, url_shown=shown)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._url_shown

    def schema_version(self) -> str | None:
        """The Alembic revision the database is at (``"0001"``, …)."""
        with self._connect() as conn:
            return current_revision(conn)

    def close(self) -> None:
        """Close every pooled connection (a SQLite WAL file is checkpointed). Idempotent."""
        if not self._closed:
            self._closed = True
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._url_shown!r}{', closed' if self._closed else ''})"

    # ------------------------------------------------------------------------------------------ plumbing
    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("Veritabanı bağlantısı kapatıldı; Store.open() ile yeniden açın.")

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        self._check_open()
        try:
            with self._engine.connect() as conn:
                yield conn
        except DBAPIError as exc:
            raise self._db_error(exc) from None

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Session]:
        """A short transaction; writers take the SQLite write lock at BEGIN (waiting up to busy_timeout)."""
        self._check_open()
        session = Session(self._write_engine if write else self._engine, expire_on_commit=False)
        try:
            with session.begin():
                yield session
        except IntegrityError:
            raise  # callers turn these into a clear StoreInputError or retry
        except DBAPIError as exc:
            raise self._db_error(exc) from None
        finally:
            session.close()

    def _db_error(self, exc: DBAPIError) -> StoreError:
        logger.error("app database %s: %s", self._url_shown, exc.orig)
        return StoreError(
            f"Veritabanına erişilemedi ({self._url_shown}: {exc.orig}); biraz sonra yeniden deneyin, sorun "
            "sürerse yöneticinize bildirin."
        )

    def _actor(self, s: Session, actor: object) -> UserRow:
        if not isinstance(actor, User):
            raise AccessDenied(_MSG_SESSION)
        row = s.get(UserRow, actor.id)
        if row is None or not row.active or row.username != actor.username:
            logger.info("rejected a request from an unknown or inactive user id %s", getattr(actor, "id", "?"))
            raise AccessDenied(_MSG_SESSION)
        return row

    @staticmethod
    def _role(row: UserRow) -> Role:
        return Role(row.role)

    def _deny(self, me: UserRow, message: str, what: str) -> AccessDenied:
        logger.info("access denied: user %s (%s) tried to %s", me.username, me.role, what)
        return AccessDenied(message)

    @staticmethod
    def _user(row: UserRow) -> User:
        return User(
            id=row.id,
            username=row.username,
            display_name=row.display_name,
            role=Role(row.role),
            team=row.team,
            agent_id=row.agent_id,
            active=row.active,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
        )

    def _find_user(self, s: Session, username: object) -> UserRow | None:
        if not isinstance(username, str) or not username.strip():
            return None
        return s.scalars(select(UserRow).where(UserRow.username_key == username_key(username.strip()))).one_or_none()

    # ------------------------------------------------------------------------------------------ users
    def has_users(self) -> bool:
        """Whether any account exists (False only before the first admin is created)."""
        with self._tx() as s:
            return bool(s.scalar(select(func.count()).select_from(UserRow)))

    def bootstrap_admin(self, username: str = "admin", password: str | None = None) -> str | None:
        """Create the first admin when the database has no users yet.

        Args:
            username: The admin's username.
            password: The admin's password; None generates a strong one.

        Returns:
            The admin's password (show it once), or None when users already exist (nothing is changed).

        Raises:
            StoreInputError: for an invalid username or a password that does not meet the policy.
        """
        with self._tx() as s:
            if s.scalar(select(func.count()).select_from(UserRow)):
                return None
        name = normalize_username(username)
        secret = passwords.generate_password() if password is None else passwords.check_password(password, name)
        hashed = self._hasher.hash(secret)
        try:
            with self._tx(write=True) as s:
                if s.scalar(select(func.count()).select_from(UserRow)):
                    return None
                s.add(
                    UserRow(
                        username=name,
                        username_key=username_key(name),
                        display_name="Yönetici",
                        role=Role.ADMIN.value,
                        password_hash=hashed,
                        active=True,
                    )
                )
        except IntegrityError:  # another process bootstrapped at the same moment
            return None
        logger.info("created the first admin user %r", name)
        return secret

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this username and password, else None.

        Unknown users, wrong passwords and deactivated accounts all return None after the same argon2 work,
        so the answer does not reveal which usernames exist. A hash made with older argon2 parameters is
        replaced on success.
        """
        self._check_open()
        ok_input = isinstance(password, str) and 0 < len(password) <= passwords.MAX_LENGTH
        row = None
        if ok_input and isinstance(username, str):
            with self._tx() as s:
                row = self._find_user(s, username)
        if row is None:
            passwords.verify(self._hasher, self._get_dummy_hash(), password if ok_input else "-")
            logger.info("login failed (unknown user or invalid input)")
            return None
        if not passwords.verify(self._hasher, row.password_hash, password) or not row.active:
            logger.info("login failed for user id %d (%s)", row.id, "inactive" if row.active is False else "password")
            return None
        new_hash = self._hasher.hash(password) if self._hasher.check_needs_rehash(row.password_hash) else None
        with self._tx(write=True) as s:
            fresh = s.get(UserRow, row.id)
            if fresh is None or not fresh.active:
                return None
            fresh.last_login_at = utcnow()
            if new_hash is not None and fresh.password_hash == row.password_hash:
                fresh.password_hash = new_hash
                logger.info("re-hashed the password of user id %d with the current argon2 parameters", row.id)
            s.flush()
            return self._user(fresh)

    def _get_dummy_hash(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(passwords.generate_password())
        return self._dummy_hash

    def _may_manage(self, me: UserRow, target: UserRow) -> bool:
        role = self._role(me)
        if role is Role.ADMIN:
            return True
        return (
            role is Role.LEAD and target.role == Role.TRAINEE.value and me.team is not None and target.team == me.team
        )

    def create_user(
        self,
        actor: User,
        username: str,
        password: str,
        role: Role | str,
        display_name: str | None = None,
        team: str | None = None,
        agent_id: str | None = None,
    ) -> User:
        """Create a user. Admins create any user; team leads create trainees in their own team.

        Args:
            actor: Who is acting.
            username: Login name (stored in Turkish lower case; must be unique whatever the casing).
            password: At least 10 characters, not the username and not a well-known password.
            role: ``trainee``, ``reviewer``, ``lead`` or ``admin``.
            display_name: Name shown in the app (default: the username).
            team: Team name; required for a team lead (a lead's team defaults to the lead's own).
            agent_id: The agent id used in call transcripts (unique), so a trainee sees their own calls.

        Raises:
            AccessDenied: when the actor may not create this user.
            StoreInputError: for a duplicate or invalid username, a weak password, an unknown role, a lead
                without team, or an agent id already linked to another user.
        """
        try:
            new_role = Role(str(role).strip().lower())
        except ValueError:
            raise StoreInputError(
                f"Bilinmeyen rol {role!r}; şunlardan biri olmalı: "
                + ", ".join(f"{r.value} ({r.name_tr})" for r in Role),
                "role",
            ) from None
        name = normalize_username(username)
        shown = _opt_text(display_name, "display_name", "Görünen ad", 128) or name
        team_name = _opt_text(team, "team", "Takım adı", 128)
        agent = _opt_text(agent_id, "agent_id", "Temsilci kimliği (agent_id)", 128)
        passwords.check_password(password, name)
        with self._tx() as s:  # permission check before the (slow) hash
            me = self._actor(s, actor)
            team_name = self._check_create(me, new_role, team_name)
        hashed = self._hasher.hash(password)
        try:
            with self._tx(write=True) as s:
                me = self._actor(s, actor)
                team_name = self._check_create(me, new_role, team_name)
                self._check_unique(s, name, agent)
                row = UserRow(
                    username=name,
                    username_key=username_key(name),
                    display_name=shown,
                    role=new_role.value,
                    team=team_name,
                    agent_id=agent,
                    password_hash=hashed,
                    active=True,
                )
                s.add(row)
                s.flush()
                logger.info("user %s created user %s (%s)", me.username, name, new_role.value)
                return self._user(row)
        except IntegrityError:
            raise StoreInputError(
                f"'{name}' kullanıcı adı ya da '{agent}' temsilci kimliği az önce başka bir kullanıcıya verildi; "
                "başka bir değer seçin.",
                "username",
            ) from None

    def _check_create(self, me: UserRow, new_role: Role, team_name: str | None) -> str | None:
        role = self._role(me)
        if role is Role.LEAD:
            if new_role is not Role.TRAINEE or (team_name is not None and team_name != me.team):
                raise self._deny(me, _MSG_MANAGE, f"create a {new_role.value} user in team {team_name!r}")
            team_name = me.team
        elif role is not Role.ADMIN:
            raise self._deny(me, _MSG_MANAGE, "create a user")
        if new_role is Role.LEAD and team_name is None:
            raise StoreInputError("Takım lideri için takım adı gerekli; 'team' alanını doldurun.", "team")
        return team_name

    def _check_unique(self, s: Session, name: str, agent: str | None) -> None:
        existing = s.scalars(select(UserRow).where(UserRow.username_key == username_key(name))).one_or_none()
        if existing is not None:
            raise StoreInputError(
                f"'{name}' kullanıcı adı zaten kullanılıyor ('{existing.username}'); başka bir kullanıcı adı seçin.",
                "username",
            )
        if agent is not None:
            owner = s.scalars(select(UserRow).where(UserRow.agent_id == agent)).one_or_none()
            if owner is not None:
                raise StoreInputError(
                    f"'{agent}' temsilci kimliği zaten '{owner.username}' kullanıcısına bağlı; her temsilci "
                    "kimliği tek bir kullanıcıya verilebilir.",
                    "agent_id",
                )

    def list_users(self, actor: User) -> list[User]:
        """Users the actor may see: all for admins and reviewers, their own team for leads.

        Raises:
            AccessDenied: for trainees.
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            role = self._role(me)
            query = select(UserRow).order_by(UserRow.username)
            if role is Role.TRAINEE:
                raise self._deny(me, _MSG_USERS, "list users")
            if role is Role.LEAD:
                query = query.where(UserRow.team == me.team)
            return [self._user(r) for r in s.scalars(query)]

    def get_user(self, actor: User, username: str) -> User:
        """One user: oneself always; others as for :meth:`list_users`.

        Raises:
            NotFound: when no such user exists. AccessDenied: when out of the actor's scope.
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            role = self._role(me)
            if role is Role.TRAINEE and username_key(str(username).strip()) != me.username_key:
                raise self._deny(me, _MSG_USERS, "read another user")
            row = self._target(s, username)
            if role is Role.LEAD and row.id != me.id and row.team != me.team:
                raise self._deny(me, _MSG_USERS, "read a user of another team")
            return self._user(row)

    def _target(self, s: Session, username: object) -> UserRow:
        row = self._find_user(s, username)
        if row is None:
            raise NotFound(f"'{username}' adlı kullanıcı bulunamadı; kullanıcı adını kontrol edin.")
        return row

    def set_password(self, actor: User, username: str, new: str) -> None:
        """Set a user's password: one's own, any user's for admins, own-team trainees' for leads.

        The app should ask for the current password (``authenticate``) before a user changes their own.

        Raises:
            StoreInputError: weak password. AccessDenied: out of scope. NotFound: no such user.
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            target = self._target(s, username)
            if target.id != me.id and not self._may_manage(me, target):
                raise self._deny(me, _MSG_MANAGE, "set another user's password")
            passwords.check_password(new, target.username)
            target_id, target_hash = target.id, target.password_hash
        hashed = self._hasher.hash(new)
        with self._tx(write=True) as s:
            me = self._actor(s, actor)
            target = s.get(UserRow, target_id)
            if target is None:
                raise NotFound(f"'{username}' adlı kullanıcı bulunamadı; kullanıcı adını kontrol edin.")
            if target.password_hash != target_hash:
                logger.info("password of user id %d changed concurrently; applying the newer change", target_id)
            target.password_hash = hashed
            target.password_changed_at = utcnow()
            logger.info("user %s set the password of user %s", me.username, target.username)

    def deactivate_user(self, actor: User, username: str) -> User:
        """Deactivate a user (they can no longer log in; their data stays). Not oneself.

        Raises:
            AccessDenied: out of scope, or deactivating oneself. NotFound: no such user.
        """
        return self._set_active(actor, username, False)

    def reactivate_user(self, actor: User, username: str) -> User:
        """Undo :meth:`deactivate_user`."""
        return self._set_active(actor, username, True)

    def _set_active(self, actor: User, username: str, active: bool) -> User:
        with self._tx(write=True) as s:
            me = self._actor(s, actor)
            target = self._target(s, username)
            if target.id == me.id:
                raise AccessDenied("Kendi hesabınızı kapatamazsınız; başka bir yöneticiden isteyin.")
            if not self._may_manage(me, target):
                raise self._deny(me, _MSG_MANAGE, f"{'re' if active else 'de'}activate a user")
            target.active = active
            s.flush()
            logger.info("user %s %sactivated user %s", me.username, "re" if active else "de", target.username)
            return self._user(target)

    # ------------------------------------------------------------------------------------------ calls
    def _call_scope(self, me: UserRow) -> list[ColumnElement[bool]] | None:
        """WHERE conditions limiting calls to the actor's scope; None when the scope is empty."""
        role = self._role(me)
        if role is Role.TRAINEE:
            return None if me.agent_id is None else [CallRow.agent_id == me.agent_id]
        if role is Role.LEAD:
            return None if me.team is None else [CallRow.team == me.team]
        return []

    def _call_visible(self, me: UserRow, row: CallRow) -> bool:
        role = self._role(me)
        if role is Role.TRAINEE:
            return me.agent_id is not None and row.agent_id == me.agent_id
        if role is Role.LEAD:
            return me.team is not None and row.team == me.team
        return True

    @staticmethod
    def _call_record(row: CallRow) -> CallRecord:
        started = _parse_time(row.started_at)
        return CallRecord(
            id=row.id,
            call_id=row.call_id,
            agent_id=row.agent_id,
            team=row.team,
            channel=row.channel,
            started_at=started,
            date=row.call_date,
            scored_at=row.scored_at,
            rubric_id=row.rubric_id,
            rubric_fingerprint=row.rubric_fingerprint,
            overall=row.overall,
            passed=row.passed,
            source_name=row.source_name,
            saved_by=row.saved_by.username if row.saved_by is not None else None,
            report=row.report,
        )

    def save_call(self, actor: User, report_dict: Mapping[str, Any], source_name: str = "") -> int:
        """Store a scored call (:meth:`CallReport.to_dict` output); returns the record id.

        Saving the same ``call_id`` with the same rubric fingerprint again updates that record. Every text in
        the report is redacted again before storage. Reviewers and admins save any call, leads their team's.

        Raises:
            AccessDenied: trainees, or a lead saving another team's call.
            StoreInputError: when the report lacks ``call_id``/``rubric_fingerprint``/``skills`` or holds
                values that are not JSON.
        """
        where = "rapor"
        if not isinstance(report_dict, Mapping):
            raise StoreInputError(
                f"Rapor bir sözlük olmalı (CallReport.to_dict()); verilen: {type(report_dict).__name__}.", "report"
            )
        call_id = _required_text(report_dict, "call_id", where, 200, "CallReport.to_dict() çıktısını verin.")
        fingerprint = _required_text(report_dict, "rubric_fingerprint", where, 128, "raporu Scorer ile yeniden üretin.")
        if not isinstance(report_dict.get("skills"), Mapping):
            raise StoreInputError(f"{where}: 'skills' alanı eksik; CallReport.to_dict() çıktısını verin.", "skills")
        for key, skill in report_dict["skills"].items():
            level = skill.get("level") if isinstance(skill, Mapping) else "?"
            if level is not None and (isinstance(level, bool) or not isinstance(level, int) or level not in _LEVELS):
                raise StoreInputError(f"{where}: '{key}' becerisinin seviyesi 1–5 olmalı; verilen: {level!r}.", key)
        _no_pii(call_id, "call_id", where)
        agent_id = _no_pii(_doc_text(report_dict, "agent_id", where, 128), "agent_id", where)
        team = _no_pii(_doc_text(report_dict, "team", where, 128), "team", where)
        rubric_id = _no_pii(_doc_text(report_dict, "rubric_id", where, 200), "rubric_id", where)
        channel = _doc_text(report_dict, "channel", where, 32)
        started_raw = _doc_text(report_dict, "started_at", where, 64)
        started = _parse_time(started_raw)
        overall = report_dict.get("overall")
        overall = float(overall) if isinstance(overall, int | float) and not isinstance(overall, bool) else None
        passed = report_dict.get("passed")
        passed = passed if isinstance(passed, bool) else None
        report = _clean_document(report_dict, _CALL_ID_FIELDS, where)
        source = redact(_drop_nul(str(source_name or "")).strip())[:500]
        fields: dict[str, Any] = {
            "rubric_id": rubric_id,
            "agent_id": agent_id,
            "team": team,
            "channel": channel,
            "started_at": started_raw,
            "call_date": started.date() if started else None,
            "source_name": source,
            "overall": None if overall is None or not math.isfinite(overall) else overall,
            "passed": passed,
            "report": report,
        }
        try:
            return self._upsert_call(actor, call_id, fingerprint, fields)
        except IntegrityError:  # PostgreSQL: a concurrent save inserted the same call first; update it
            return self._upsert_call(actor, call_id, fingerprint, fields)

    def _upsert_call(self, actor: User, call_id: str, fingerprint: str, fields: dict[str, Any]) -> int:
        with self._tx(write=True) as s:
            me = self._actor(s, actor)
            role = self._role(me)
            if role is Role.TRAINEE:
                raise self._deny(me, _MSG_SAVE_CALL, "save a call")
            if role is Role.LEAD and (me.team is None or fields["team"] != me.team):
                raise self._deny(me, _MSG_SAVE_CALL_TEAM, "save a call of another team")
            row = s.scalars(
                select(CallRow).where(CallRow.call_id == call_id, CallRow.rubric_fingerprint == fingerprint)
            ).one_or_none()
            created = row is None
            if row is None:
                row = CallRow(call_id=call_id, rubric_fingerprint=fingerprint)
                s.add(row)
            elif not self._call_visible(me, row):
                raise self._deny(me, _MSG_SAVE_CALL_TEAM, "overwrite a call of another team")
            for key, value in fields.items():
                setattr(row, key, value)
            row.scored_at = utcnow()
            row.saved_by_id = me.id
            s.flush()
            logger.info("%s call %s (record %d) by %s", "saved" if created else "updated", call_id, row.id, me.username)
            return row.id

    def list_calls(
        self,
        actor: User,
        team: str | None = None,
        agent_id: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
    ) -> list[CallRecord]:
        """Stored calls in the actor's scope, newest call first.

        Trainees see the calls with their own agent id; leads their team's; reviewers and admins all.

        Raises:
            AccessDenied: when the filter asks for another team (leads, trainees) or another agent (trainees).
            StoreInputError: for an unreadable date or ``date_from`` after ``date_to``.
        """
        start, end = _date_range(date_from, date_to)
        team = _opt_text(team, "team", "Takım", 128)
        agent_id = _opt_text(agent_id, "agent_id", "Temsilci kimliği", 128)
        with self._tx() as s:
            me = self._actor(s, actor)
            self._check_filters(me, team=team, agent_id=agent_id)
            scope = self._call_scope(me)
            if scope is None:
                return []
            query = select(CallRow).where(*scope)
            if team is not None:
                query = query.where(CallRow.team == team)
            if agent_id is not None:
                query = query.where(CallRow.agent_id == agent_id)
            if start is not None:
                query = query.where(CallRow.call_date >= start)
            if end is not None:
                query = query.where(CallRow.call_date <= end)
            query = query.order_by(CallRow.call_date.desc().nulls_last(), CallRow.scored_at.desc(), CallRow.id.desc())
            return [self._call_record(r) for r in s.scalars(query)]

    def _check_filters(self, me: UserRow, *, team: str | None = None, agent_id: str | None = None) -> None:
        role = self._role(me)
        if role in (Role.TRAINEE, Role.LEAD) and team is not None and team != me.team:
            raise self._deny(me, _MSG_TEAM, f"read team {team!r}")
        if role is Role.TRAINEE and agent_id is not None and agent_id != me.agent_id:
            raise self._deny(me, _MSG_AGENT, f"read agent {agent_id!r}")

    def get_call(self, actor: User, call_id: str, rubric_fingerprint: str | None = None) -> CallRecord:
        """A stored call (the latest scoring when it was scored with several rubrics).

        Raises:
            NotFound: no such call. AccessDenied: the call is out of the actor's scope.
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            row = self._latest_call(s, call_id, rubric_fingerprint)
            if not self._call_visible(me, row):
                raise self._deny(me, _MSG_CALL, f"read call {call_id!r}")
            return self._call_record(row)

    def _latest_call(self, s: Session, call_id: object, fingerprint: str | None = None) -> CallRow:
        query = select(CallRow).where(CallRow.call_id == str(call_id).strip())
        if fingerprint:
            query = query.where(CallRow.rubric_fingerprint == fingerprint)
        row = s.scalars(query.order_by(CallRow.scored_at.desc(), CallRow.id.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"'{call_id}' kimlikli çağrı kayıtlı değil; çağrı kimliğini kontrol edin.")
        return row

    # ------------------------------------------------------------------------------------------ overrides
    @staticmethod
    def _override(row: OverrideRow) -> Override:
        return Override(
            id=row.id,
            call_id=row.call_id,
            call_record_id=row.call_pk,
            skill=row.skill,
            model_level=row.model_level,
            level=row.level,
            comment=row.comment,
            reviewer=row.reviewer.username,
            created_at=row.created_at,
        )

    def add_override(self, actor: User, call_id: str, skill: str, level: int, comment: str) -> Override:
        """Record a reviewer's level for one skill of a call (the latest scoring of that call).

        A level equal to the model's confirms it. The comment is required and redacted before storage.

        Args:
            actor: A reviewer, admin, or the lead of the call's team.
            call_id: The call.
            skill: Skill key (``"empathy"``) or its Turkish name (``"Empati"``).
            level: 1–5.
            comment: Why; must not be empty (at most 2000 characters).

        Raises:
            AccessDenied: trainees; leads for another team's call.
            NotFound: no such call.
            StoreInputError: unknown skill, level outside 1–5, empty comment.
        """
        with self._tx(write=True) as s:
            me = self._actor(s, actor)
            if self._role(me) is Role.TRAINEE:
                raise self._deny(me, _MSG_OVERRIDE, "override a score")
            call = self._latest_call(s, call_id)
            if not self._call_visible(me, call):
                raise self._deny(me, _MSG_CALL, f"override call {call_id!r}")
            skills = call.report.get("skills") or {}
            key = self._skill_key(skill, list(skills) or list(SKILL_KEYS))
            if isinstance(level, bool) or not isinstance(level, int) or level not in _LEVELS:
                raise StoreInputError(f"Seviye 1 ile 5 arasında bir tam sayı olmalı; verilen: {level!r}.", "level")
            text = _drop_nul(comment).strip() if isinstance(comment, str) else ""
            if not text:
                raise StoreInputError(
                    "Açıklama zorunlu: puanı neden değiştirdiğinizi ya da onayladığınızı kısaca yazın.", "comment"
                )
            if len(text) > _MAX_COMMENT:
                raise StoreInputError(
                    f"Açıklama en fazla {_MAX_COMMENT} karakter olabilir ({len(text)} yazıldı); kısaltın.", "comment"
                )
            model_level = (skills.get(key) or {}).get("level")
            row = OverrideRow(
                call_pk=call.id,
                call_id=call.call_id,
                skill=key,
                model_level=model_level if isinstance(model_level, int) else None,
                level=int(level),
                comment=redact(text),
                reviewer_id=me.id,
            )
            s.add(row)
            s.flush()
            s.refresh(row)
            logger.info(
                "user %s set %s of call %s to %d (model %s)", me.username, key, call.call_id, level, model_level
            )
            return self._override(row)

    @staticmethod
    def _skill_key(skill: object, valid: list[str]) -> str:
        text = skill.strip() if isinstance(skill, str) else ""
        key = text if text in valid else _SKILL_ALIASES.get(fold_key(text), fold_key(text))
        if key not in valid:
            options = ", ".join(f"{k} ({SKILL_NAMES_TR[k]})" if k in SKILL_NAMES_TR else k for k in valid)
            raise StoreInputError(f"Bilinmeyen beceri {skill!r}; şunlardan biri olmalı: {options}.", "skill")
        return key

    def list_overrides(self, actor: User, call_id: str | None = None) -> list[Override]:
        """Overrides in the actor's scope (oldest first); trainees see those on their own calls.

        Raises:
            AccessDenied: when ``call_id`` names a call out of the actor's scope.
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            scope = self._call_scope(me)
            if call_id is not None:
                rows = s.scalars(select(CallRow).where(CallRow.call_id == str(call_id).strip())).all()
                if rows and not any(self._call_visible(me, r) for r in rows):
                    raise self._deny(me, _MSG_CALL, f"read overrides of call {call_id!r}")
            if scope is None:
                return []
            query = select(OverrideRow).join(CallRow, OverrideRow.call_pk == CallRow.id).where(*scope)
            if call_id is not None:
                query = query.where(OverrideRow.call_id == str(call_id).strip())
            query = query.order_by(OverrideRow.created_at, OverrideRow.id)
            return [self._override(r) for r in s.scalars(query)]

    def human_scores_frame(self, actor: User) -> pd.DataFrame:
        """Reviewer levels for :func:`qa_scoring.calibration.calibrate`: one row per (call, reviewer).

        Columns: ``call_id``, ``reviewer`` (username) and one ``Int64`` column per skill key holding the
        reviewer's latest level for that skill; skills the reviewer did not override or confirm are NA.

        Raises:
            AccessDenied: for trainees. Leads get their team's calls only.
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            if self._role(me) is Role.TRAINEE:
                raise self._deny(me, _MSG_CALIBRATION, "read calibration data")
            scope = self._call_scope(me)
            rows: list[OverrideRow] = []
            if scope is not None:
                query = select(OverrideRow).join(CallRow, OverrideRow.call_pk == CallRow.id).where(*scope)
                rows = list(s.scalars(query.order_by(OverrideRow.created_at, OverrideRow.id)))
            latest: dict[tuple[str, str], dict[str, int]] = {}
            for r in rows:
                latest.setdefault((r.call_id, r.reviewer.username), {})[r.skill] = r.level
        columns = _skill_columns(k for levels in latest.values() for k in levels)
        data: dict[str, Any] = {
            "call_id": [c for c, _ in latest],
            "reviewer": [rv for _, rv in latest],
        }
        for k in columns:
            data[k] = pd.array([levels.get(k) for levels in latest.values()], dtype="Int64")
        frame = pd.DataFrame(data, columns=["call_id", "reviewer", *columns])
        frame.attrs["source"] = "app database (reviewer overrides)"
        return frame

    def ai_scores_frame(self, actor: User) -> pd.DataFrame:
        """The model's levels for :func:`qa_scoring.calibration.calibrate`: ``call_id`` + one ``Int64``
        column per skill key, from each call's latest stored scoring in the actor's scope."""
        with self._tx() as s:
            me = self._actor(s, actor)
            latest = self._latest_calls(s, me)
        levels = {
            cid: {k: (v or {}).get("level") for k, v in (row.report.get("skills") or {}).items()}
            for cid, row in latest.items()
        }
        columns = _skill_columns(k for lv in levels.values() for k in lv)
        data: dict[str, Any] = {"call_id": list(levels)}
        for k in columns:
            data[k] = pd.array([lv.get(k) for lv in levels.values()], dtype="Int64")
        frame = pd.DataFrame(data, columns=["call_id", *columns])
        frame.attrs["source"] = "app database (model scores)"
        return frame

    def _latest_calls(self, s: Session, me: UserRow, *conds: ColumnElement[bool]) -> dict[str, CallRow]:
        scope = self._call_scope(me)
        if scope is None:
            return {}
        query = select(CallRow).where(*scope, *conds).order_by(CallRow.scored_at, CallRow.id)
        return {row.call_id: row for row in s.scalars(query)}

    # ------------------------------------------------------------------------------------------ drills
    @staticmethod
    def _drill_record(row: DrillRow) -> DrillRecord:
        return DrillRecord(
            id=row.id,
            trainee=row.user.username,
            display_name=row.user.display_name,
            team=row.team,
            scenario_id=row.scenario_id,
            scenario_title=row.scenario_title,
            outcome=row.outcome,
            started_at=row.started_at,
            ended_at=row.ended_at,
            date=row.drill_date,
            created_at=row.created_at,
            summary=row.summary,
        )

    def save_drill(self, actor: User, summary_dict: Mapping[str, Any]) -> int:
        """Store a finished drill (:meth:`DrillSummary.to_dict` output) for the actor; returns its id.

        The trainee is always the actor; all text (replies, best/worst reply) is redacted again.

        Raises:
            StoreInputError: when ``scenario_id`` is missing or scores are not numbers 0–100.
        """
        where = "alıştırma özeti"
        if not isinstance(summary_dict, Mapping):
            raise StoreInputError(
                f"Alıştırma özeti bir sözlük olmalı (DrillSummary.to_dict()); verilen: {type(summary_dict).__name__}.",
                "summary",
            )
        scenario_id = _required_text(summary_dict, "scenario_id", where, 200, "DrillSummary.to_dict() çıktısını verin.")
        _no_pii(scenario_id, "scenario_id", where)
        scores = summary_dict.get("skill_scores") or {}
        if not isinstance(scores, Mapping):
            raise StoreInputError(f"{where}: 'skill_scores' bir sözlük olmalı (beceri → 0–100).", "skill_scores")
        for key, value in scores.items():
            ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100)
            if not ok:
                raise StoreInputError(f"{where}: '{key}' puanı 0–100 arasında olmalı; verilen: {value!r}.", key)
        title = summary_dict.get("scenario_title")
        title = redact(_drop_nul(title).strip())[:300] if isinstance(title, str) and title.strip() else None
        outcome = _doc_text(summary_dict, "outcome", where, 32)
        started_raw = _parse_time(summary_dict.get("started_at"))
        ended = _aware(_parse_time(summary_dict.get("ended_at")))
        drill_day = started_raw.date() if started_raw else (ended or utcnow()).date()
        summary = _clean_document(summary_dict, _DRILL_ID_FIELDS, where)
        with self._tx(write=True) as s:
            me = self._actor(s, actor)
            summary["trainee"] = me.username
            row = DrillRow(
                user_id=me.id,
                team=me.team,
                scenario_id=scenario_id,
                scenario_title=title,
                outcome=outcome,
                started_at=_aware(started_raw),
                ended_at=ended,
                drill_date=drill_day,
                summary=summary,
            )
            s.add(row)
            s.flush()
            logger.info("saved drill %d (scenario %s) of %s", row.id, scenario_id, me.username)
            return row.id

    def _drill_scope(self, me: UserRow) -> list[ColumnElement[bool]] | None:
        role = self._role(me)
        if role is Role.TRAINEE:
            return [DrillRow.user_id == me.id]
        if role is Role.LEAD:
            return None if me.team is None else [DrillRow.team == me.team]
        return []

    def _drill_visible(self, me: UserRow, row: DrillRow) -> bool:
        role = self._role(me)
        if role is Role.TRAINEE:
            return row.user_id == me.id
        if role is Role.LEAD:
            return me.team is not None and row.team == me.team
        return True

    def _resolve_person(self, s: Session, me: UserRow, who: str | None) -> UserRow | None:
        """The user a ``trainee=``/``agent=`` filter names (username or agent id), after the scope check.

        None when ``who`` is None or names no user (then it may still be an agent id without an account).
        """
        if who is None:
            return None
        row = self._find_user(s, who)
        if row is None:
            row = s.scalars(select(UserRow).where(UserRow.agent_id == who)).one_or_none()
        role = self._role(me)
        if role is Role.TRAINEE and (row is None or row.id != me.id):
            raise self._deny(me, _MSG_AGENT, "read another trainee's data")
        if role is Role.LEAD and row is not None and row.team != me.team:
            raise self._deny(me, _MSG_TEAM, "read a user of another team")
        return row

    def list_drills(
        self,
        actor: User,
        trainee: str | None = None,
        team: str | None = None,
        scenario_id: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
    ) -> list[DrillRecord]:
        """Drills in the actor's scope, newest first: trainees their own, leads their team's, others all.

        Raises:
            AccessDenied: a trainee asking for someone else, a lead for another team.
            NotFound: ``trainee`` names no user.
        """
        start, end = _date_range(date_from, date_to)
        team = _opt_text(team, "team", "Takım", 128)
        who = trainee.strip() if isinstance(trainee, str) and trainee.strip() else None
        with self._tx() as s:
            me = self._actor(s, actor)
            self._check_filters(me, team=team)
            person = self._resolve_person(s, me, who)
            if who is not None and person is None:
                raise NotFound(f"'{who}' adlı kullanıcı bulunamadı; kullanıcı adını kontrol edin.")
            scope = self._drill_scope(me)
            if scope is None:
                return []
            query = select(DrillRow).where(*scope)
            if person is not None:
                query = query.where(DrillRow.user_id == person.id)
            if team is not None:
                query = query.where(DrillRow.team == team)
            if scenario_id:
                query = query.where(DrillRow.scenario_id == scenario_id.strip())
            if start is not None:
                query = query.where(DrillRow.drill_date >= start)
            if end is not None:
                query = query.where(DrillRow.drill_date <= end)
            query = query.order_by(DrillRow.drill_date.desc(), DrillRow.created_at.desc(), DrillRow.id.desc())
            return [self._drill_record(r) for r in s.scalars(query)]

    def get_drill(self, actor: User, drill_id: int) -> DrillRecord:
        """One drill by id.

        Raises:
            NotFound: no such drill. AccessDenied: out of the actor's scope (another trainee's, another team's).
        """
        with self._tx() as s:
            me = self._actor(s, actor)
            if isinstance(drill_id, str) and drill_id.strip().isdigit():
                drill_id = int(drill_id.strip())
            row = s.get(DrillRow, drill_id) if isinstance(drill_id, int) and not isinstance(drill_id, bool) else None
            if row is None:
                raise NotFound(f"{drill_id!r} numaralı alıştırma bulunamadı.")
            if not self._drill_visible(me, row):
                raise self._deny(me, _MSG_DRILL, f"read drill {drill_id}")
            return self._drill_record(row)

    # ------------------------------------------------------------------------------------------ history
    def skill_history(
        self,
        actor: User,
        team: str | None = None,
        agent: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """Skill scores over time from calls and drills, for progress charts.

        One row per scored item: ``date`` (datetime64), ``username``, ``agent_id``, ``display_name``, ``team``,
        ``source`` (``"call"``/``"drill"``), ``scenario_id`` (drills), ``item_id`` (call id or drill id) and one
        column per skill key with the 0–100 score (NaN when not applicable). Call scores use each call's latest
        scoring, with the latest reviewer override of a skill replacing the model's level.

        Args:
            actor: Trainees get their own history, leads their team's, reviewers and admins everyone's.
            team: Only this team.
            agent: A username or an agent id.
            date_from, date_to: Inclusive date range.
            source: ``"call"``, ``"drill"`` or None for both.

        Raises:
            AccessDenied: a trainee asking for someone else, a lead for another team.
            StoreInputError: unknown ``source`` or an unreadable date.
        """
        start, end = _date_range(date_from, date_to)
        team = _opt_text(team, "team", "Takım", 128)
        who = agent.strip() if isinstance(agent, str) and agent.strip() else None
        if source is not None and source not in _SOURCES:
            raise StoreInputError(f"Kaynak {source!r} geçersiz; 'call', 'drill' ya da boş olmalı.", "source")
        records: list[dict[str, Any]] = []
        with self._tx() as s:
            me = self._actor(s, actor)
            self._check_filters(me, team=team)
            person = self._resolve_person(s, me, who)
            users_by_agent = {u.agent_id: u for u in s.scalars(select(UserRow).where(UserRow.agent_id.is_not(None)))}
            if source in (None, "call"):
                conds: list[ColumnElement[bool]] = []
                if team is not None:
                    conds.append(CallRow.team == team)
                if who is not None:
                    agent_id = person.agent_id if person is not None else who
                    # a person without an agent id has taken no calls (never "the calls without an agent id")
                    conds.append(CallRow.agent_id == agent_id if agent_id is not None else false())
                if start is not None:
                    conds.append(CallRow.call_date >= start)
                if end is not None:
                    conds.append(CallRow.call_date <= end)
                calls = self._latest_calls(s, me, *conds)
                overrides: dict[tuple[str, str], int] = {}
                if calls:
                    pks = [row.id for row in calls.values()]
                    for o in s.scalars(
                        select(OverrideRow)
                        .where(OverrideRow.call_pk.in_(pks))
                        .order_by(OverrideRow.created_at, OverrideRow.id)
                    ):
                        overrides[(o.call_id, o.skill)] = o.level
                for row in calls.values():
                    owner = users_by_agent.get(row.agent_id)
                    scores: dict[str, float | None] = {}
                    for k, v in (row.report.get("skills") or {}).items():
                        level = overrides.get((row.call_id, k))
                        scores[k] = _level_score(level) if level is not None else (v or {}).get("score")
                    records.append(
                        {
                            "date": row.call_date or row.scored_at.date(),
                            "username": owner.username if owner else None,
                            "agent_id": row.agent_id,
                            "display_name": owner.display_name if owner else row.agent_id,
                            "team": row.team,
                            "source": "call",
                            "scenario_id": None,
                            "item_id": row.call_id,
                            "scores": scores,
                        }
                    )
            if source in (None, "drill") and not (who is not None and person is None):
                scope = self._drill_scope(me)
                if scope is not None:
                    query = select(DrillRow).where(*scope)
                    if team is not None:
                        query = query.where(DrillRow.team == team)
                    if person is not None:
                        query = query.where(DrillRow.user_id == person.id)
                    if start is not None:
                        query = query.where(DrillRow.drill_date >= start)
                    if end is not None:
                        query = query.where(DrillRow.drill_date <= end)
                    for row in s.scalars(query):
                        records.append(
                            {
                                "date": row.drill_date,
                                "username": row.user.username,
                                "agent_id": row.user.agent_id,
                                "display_name": row.user.display_name,
                                "team": row.team,
                                "source": "drill",
                                "scenario_id": row.scenario_id,
                                "item_id": str(row.id),
                                "scores": dict(row.summary.get("skill_scores") or {}),
                            }
                        )
        skills = _skill_columns(k for r in records for k in r["scores"])
        base = ["date", "username", "agent_id", "display_name", "team", "source", "scenario_id", "item_id"]
        rows = [{**{c: r[c] for c in base}, **{k: r["scores"].get(k) for k in skills}} for r in records]
        frame = pd.DataFrame(rows, columns=[*base, *skills])
        frame["date"] = pd.to_datetime(frame["date"])
        for k in skills:
            frame[k] = pd.to_numeric(frame[k], errors="coerce").astype(float)
        return frame.sort_values(["date", "source", "item_id"], kind="stable").reset_index(drop=True)
