"""The app database: migrations, users and passwords, role scopes, overrides → calibration, redaction, concurrency."""

from __future__ import annotations

import copy
import dataclasses
import logging
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine

from qa_scoring.calibration import calibrate
from qa_scoring.errors import ConfigError, QAScoringError
from qa_scoring.redact import find_pii
from qa_scoring.skills import SKILL_KEYS
from qa_scoring.store import (
    AccessDenied,
    NotFound,
    Role,
    Store,
    StoreError,
    StoreInputError,
    User,
    head_revision,
)
from qa_scoring.transcript import Speaker, Transcript, Turn
from tests.fakes import fake_scorer

# Cheap argon2 parameters keep the tests fast; the algorithm (argon2id) is the production one.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "Kargo-Destek-2024!"

PII = {
    "phone": "0532 123 45 67",
    "tc_kimlik": "10000000146",
    "iban": "TR33 0006 1005 1978 6457 8413 26",
    "card": "4111 1111 1111 1111",
    "email": "ayse.yilmaz@example.com",
}
PII_SENTENCE = (
    f"Müşteri numarası {PII['phone']}, TC {PII['tc_kimlik']}, IBAN {PII['iban']}, kart {PII['card']}, "
    f"e-posta {PII['email']}"
)


# ----------------------------------------------------------------------------------------------- helpers
@lru_cache(maxsize=1)
def _base_report() -> dict:
    turns = (
        Turn(Speaker.AGENT, "İyi günler, HızlıKargo'ya hoş geldiniz, ben Elif, nasıl yardımcı olabilirim? [respect+1]"),
        Turn(Speaker.CUSTOMER, "Kargom üç gündür gelmedi!!"),
        Turn(Speaker.AGENT, "Çok üzgünüm, hemen kontrol ediyorum [empathy+1]"),
        Turn(Speaker.CUSTOMER, "Tamam bekliyorum"),
        Turn(Speaker.AGENT, "Başka yardımcı olabileceğim bir konu var mı? İyi günler dilerim."),
    )
    call = Transcript(call_id="base", turns=turns, agent_id="A-1", team="Kargo")
    return fake_scorer().score(call).to_dict()


def report(call_id: str, agent_id: str | None, team: str | None, levels=None, started="2024-05-14T10:21:07+03:00"):
    """A real CallReport.to_dict() (fake classifier) with the ids, date and skill levels replaced."""
    r = copy.deepcopy(_base_report())
    r.update(call_id=call_id, agent_id=agent_id, team=team, started_at=started)
    for k, level in (levels or {}).items():
        r["skills"][k]["level"] = level
        r["skills"][k]["score"] = None if level is None else (level - 1) * 25.0
    return r


def drill_summary(scenario_id="kargo_gecikme", scores=None, started="2024-05-15T09:00:00+03:00", text="Anlıyorum"):
    return {
        "scenario_id": scenario_id,
        "scenario_title": "Geciken kargo",
        "trainee": "someone-else",
        "started_at": started,
        "ended_at": started,
        "outcome": "resolved",
        "turns": [["customer", "Kargom nerede?"], ["trainee", text]],
        "skill_scores": scores if scores is not None else {k: 50.0 for k in SKILL_KEYS},
        "skill_levels": {k: 3 for k in SKILL_KEYS},
        "best_reply": {"turn": 1, "text": text, "why": "Duyguyu adlandırdı."},
        "worst_reply": {"turn": 1, "text": text, "why": "-", "better": "Şöyle deneyebilirsiniz: ..."},
        "mood_path": ["Kızgın", "Sakin"],
    }


def open_store(path: Path, hasher: PasswordHasher = FAST) -> Store:
    return Store.open(path, password_hasher=hasher)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "app.db"


@pytest.fixture
def store(db_path):
    with open_store(db_path) as s:
        yield s


@pytest.fixture
def people(store) -> dict[str, User]:
    """admin, reviewer, two leads (Kargo, Fatura) and three trainees (two in Kargo, one in Fatura)."""
    pw = store.bootstrap_admin("admin", PASSWORD)
    admin = store.authenticate("admin", pw)
    spec = [
        ("rev", Role.REVIEWER, None, None),
        ("lead_k", Role.LEAD, "Kargo", None),
        ("lead_f", Role.LEAD, "Fatura", None),
        ("ayse", Role.TRAINEE, "Kargo", "A-1"),
        ("mehmet", Role.TRAINEE, "Kargo", "A-2"),
        ("zeynep", Role.TRAINEE, "Fatura", "A-3"),
    ]
    out = {"admin": admin}
    for name, role, team, agent in spec:
        out[name] = store.create_user(admin, name, PASSWORD, role, name.title(), team=team, agent_id=agent)
    return out


@pytest.fixture
def world(store, people):
    """One call and one drill per trainee, and one override on each call by the reviewer."""
    admin = people["admin"]
    calls = {
        "ayse": ("c-ayse", "A-1", "Kargo"),
        "mehmet": ("c-mehmet", "A-2", "Kargo"),
        "zeynep": ("c-zeynep", "A-3", "Fatura"),
    }
    drills = {}
    for name, (cid, agent, team) in calls.items():
        store.save_call(admin, report(cid, agent, team), f"{cid}.json")
        store.add_override(people["rev"], cid, "empathy", 2, "Müşterinin sıkıntısı geçiştirildi.")
        drills[name] = store.save_drill(people[name], drill_summary())
    return {"calls": {k: v[0] for k, v in calls.items()}, "drills": drills}


def raw_db_text(path: Path) -> str:
    """Everything in the SQLite files (main + WAL), as text, to look for data that must not be there."""
    data = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    return data.decode("latin-1")


# ----------------------------------------------------------------------------------------------- schema
def test_open_creates_the_schema_at_the_head_revision(store, db_path):
    assert store.schema_version() == head_revision() == "0001"
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "calls", "overrides", "drills", "alembic_version"} <= tables
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_store_connections_use_foreign_keys_and_a_busy_timeout(store):
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_orm_models_match_the_migrations(store, db_path):
    """A model change without a new Alembic revision fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from qa_scoring.store.models import Base

    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_migrations_render_for_postgresql():
    """The schema stays portable: the initial revision compiles to PostgreSQL DDL (no live server needed)."""
    import importlib.util
    import io

    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from qa_scoring.store.engine import MIGRATIONS_DIR

    spec = importlib.util.spec_from_file_location("rev0001", MIGRATIONS_DIR / "versions" / "0001_initial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    buf = io.StringIO()
    ctx = MigrationContext.configure(dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buf})
    with Operations.context(ctx):
        module.upgrade()
    sql = buf.getvalue()
    for table in ("users", "calls", "overrides", "drills"):
        assert f"CREATE TABLE {table}" in sql
    assert "SERIAL" in sql and "JSON" in sql and "ON DELETE CASCADE" in sql


def test_reopening_keeps_every_record(db_path):
    with open_store(db_path) as s:
        pw = s.bootstrap_admin()
        admin = s.authenticate("admin", pw)
        ayse = s.create_user(admin, "ayse", PASSWORD, "trainee", "Ayşe", team="Kargo", agent_id="A-1")
        s.save_call(admin, report("c1", "A-1", "Kargo"), "c1.json")
        s.add_override(admin, "c1", "empathy", 4, "Empati gösterdi.")
        drill_id = s.save_drill(ayse, drill_summary())
    with open_store(db_path) as s:  # a restart
        assert s.schema_version() == head_revision()
        assert s.bootstrap_admin() is None
        admin = s.authenticate("admin", pw)
        assert admin is not None and admin.role is Role.ADMIN
        assert [c.call_id for c in s.list_calls(admin)] == ["c1"]
        assert [(o.skill, o.level) for o in s.list_overrides(admin)] == [("empathy", 4)]
        assert s.get_drill(admin, drill_id).trainee == "ayse"
        assert s.authenticate("ayse", PASSWORD).agent_id == "A-1"


MIGRATION_0002 = """
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", recreate="always") as batch:  # rebuilds a table others point to
        batch.add_column(sa.Column("nickname", sa.String(32), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("nickname")
"""


def test_upgrading_an_existing_database_keeps_its_data(db_path, tmp_path, monkeypatch):
    """A later release adds a revision that rebuilds ``users``; opening an old database migrates it in place."""
    import shutil

    from qa_scoring.store import engine as store_engine

    with open_store(db_path) as s:
        pw = s.bootstrap_admin()
        admin = s.authenticate("admin", pw)
        ayse = s.create_user(admin, "ayse", PASSWORD, "trainee", "Ayşe", team="Kargo", agent_id="A-1")
        s.save_call(admin, report("c1", "A-1", "Kargo"), "c1.json")
        s.add_override(admin, "c1", "empathy", 4, "Empati gösterdi.")
        drill_id = s.save_drill(ayse, drill_summary())
    newer = tmp_path / "migrations"
    shutil.copytree(store_engine.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "0002_nickname.py").write_text(MIGRATION_0002, encoding="utf-8")
    monkeypatch.setattr(store_engine, "MIGRATIONS_DIR", newer)
    with open_store(db_path) as s:
        assert s.schema_version() == "0002"
        admin = s.authenticate("admin", pw)
        assert admin is not None
        (call,) = s.list_calls(admin)
        assert call.saved_by == "admin"  # foreign keys to the rebuilt table survived
        assert [(o.reviewer, o.level) for o in s.list_overrides(admin)] == [("admin", 4)]
        assert s.get_drill(admin, drill_id).trainee == "ayse"
    con = sqlite3.connect(db_path)
    assert "nickname" in {r[1] for r in con.execute("PRAGMA table_info(users)")}
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


def test_a_database_from_a_newer_version_is_refused_with_a_clear_message(db_path):
    open_store(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match=r"daha yeni.*'9999'.*güncelleyin"):
        open_store(db_path)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"QA_APP_DB_PATH": "{tmp}/env/path.db"}, "{tmp}/env/path.db"),
        ({"QA_APP_DB_URL": "sqlite:///{tmp}/url.db", "QA_APP_DB_PATH": "{tmp}/ignored.db"}, "{tmp}/url.db"),
        ({"XDG_DATA_HOME": "{tmp}/xdg"}, "{tmp}/xdg/qa-scoring/app.db"),
        ({"HOME": "{tmp}/home"}, "{tmp}/home/.local/share/qa-scoring/app.db"),
    ],
)
def test_database_location_comes_from_the_environment(monkeypatch, tmp_path, env, expected):
    for var in ("QA_APP_DB_URL", "QA_APP_DB_PATH", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value.format(tmp=tmp_path))
    with Store.open(password_hasher=FAST) as s:
        assert s.schema_version() == head_revision()
    assert Path(expected.format(tmp=tmp_path)).is_file()
    assert not (tmp_path / "ignored.db").exists()


@pytest.mark.parametrize(
    "make_path, message",
    [
        (lambda tmp: tmp, r"klasör, dosya değil"),
        (lambda tmp: (tmp / "file.txt").write_text("x") and tmp / "file.txt" / "app.db", r"klasörü oluşturulamadı"),
        (lambda tmp: (tmp / "junk.db").write_bytes(b"this is not sqlite" * 100) and tmp / "junk.db", r"açılamadı"),
    ],
    ids=["directory", "parent-is-a-file", "not-a-database"],
)
def test_an_unusable_database_path_names_the_path_and_the_fix(tmp_path, make_path, message):
    path = make_path(tmp_path)
    with pytest.raises(StoreError, match=message) as info:
        open_store(path)
    assert str(path.parent) in str(info.value) and "QA_APP_DB_PATH" in str(info.value)
    assert isinstance(info.value, QAScoringError)


def test_without_sqlalchemy_the_store_asks_for_the_app_extra():
    code = (
        "import sys; sys.modules['sqlalchemy'] = None\n"
        "from qa_scoring.errors import ConfigError\n"
        "try:\n    import qa_scoring.store\nexcept ConfigError as e:\n    print('CONFIG', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert "CONFIG" in out.stdout and "pip install 'qa-scoring[app]'" in out.stdout, out.stderr
    assert issubclass(ConfigError, QAScoringError)


def test_close_and_context_manager(db_path):
    with open_store(db_path) as s:
        assert s.bootstrap_admin() is not None
    with pytest.raises(StoreError, match="kapatıldı"):
        s.bootstrap_admin()
    s.close()  # idempotent


# ----------------------------------------------------------------------------------------------- users
def test_bootstrap_admin_runs_only_once(store):
    pw = store.bootstrap_admin()
    assert isinstance(pw, str) and len(pw) >= 16
    assert store.bootstrap_admin() is None
    assert store.bootstrap_admin("other", "Bambaşka-Parola-77") is None
    admin = store.authenticate("admin", pw)
    assert admin is not None and admin.role is Role.ADMIN
    assert [u.username for u in store.list_users(admin)] == ["admin"]
    assert store.authenticate("other", "Bambaşka-Parola-77") is None


def test_bootstrap_admin_refuses_a_weak_password(store):
    with pytest.raises(StoreInputError, match="kısa"):
        store.bootstrap_admin("admin", "123")
    assert store.bootstrap_admin() is not None  # nothing was created by the failed call


@pytest.mark.parametrize(
    "username, password, expected",
    [
        ("ayse", PASSWORD, "ayse"),
        ("AYSE", PASSWORD, "ayse"),
        ("  Ayse ", PASSWORD, "ayse"),
        ("ayse", PASSWORD.lower(), None),
        ("ayse", PASSWORD + " ", None),
        ("ayse", "", None),
        ("nobody", PASSWORD, None),
        ("", PASSWORD, None),
        ("mehmet", PASSWORD, None),  # deactivated
    ],
)
def test_authenticate(store, people, username, password, expected):
    store.deactivate_user(people["admin"], "mehmet")
    user = store.authenticate(username, password)
    assert (user.username if user else None) == expected


def test_turkish_usernames_match_whatever_the_casing(store, people):
    u = store.create_user(people["admin"], "İLKER.IŞIK", PASSWORD, "reviewer", "İlker Işık")
    assert u.username == "ilker.ışık"
    for typed in ("ilker.ışık", "İlker.Işık", "ILKER.ISIK", "ilker.isik"):
        assert store.authenticate(typed, PASSWORD).id == u.id
    with pytest.raises(StoreInputError, match="zaten kullanılıyor") as info:
        store.create_user(people["admin"], "ilker.isik", PASSWORD, "trainee", "Başka")
    assert info.value.field == "username"


def test_passwords_are_stored_as_argon2id_hashes_only(store, people, db_path):
    store.close()
    con = sqlite3.connect(db_path)
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM users")]
    con.close()
    assert len(hashes) == 7 and all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == 7  # salted
    assert PASSWORD not in raw_db_text(db_path)


def test_default_hasher_is_argon2id(tmp_path):
    with Store.open(tmp_path / "d.db") as s:
        s.bootstrap_admin("admin", PASSWORD)
    con = sqlite3.connect(tmp_path / "d.db")
    (stored,) = con.execute("SELECT password_hash FROM users").fetchone()
    con.close()
    params = PasswordHasher()
    assert stored.startswith(f"$argon2id$v=19$m={params.memory_cost},t={params.time_cost},p={params.parallelism}$")


def test_login_rehashes_when_the_argon2_parameters_change(db_path):
    with open_store(db_path) as s:
        s.bootstrap_admin("admin", PASSWORD)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)

    def stored() -> str:
        con = sqlite3.connect(db_path)
        (h,) = con.execute("SELECT password_hash FROM users").fetchone()
        con.close()
        return h

    assert ",t=1," in stored()
    with open_store(db_path, stronger) as s:
        assert s.authenticate("admin", "wrong password!!") is None
        assert ",t=1," in stored()  # a failed login changes nothing
        assert s.authenticate("admin", PASSWORD) is not None
    assert ",t=2," in stored() and "m=16" in stored()
    with open_store(db_path, stronger) as s:
        assert s.authenticate("admin", PASSWORD) is not None


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"username": "ayse"}, "username", "zaten kullanılıyor"),
        ({"username": "AYŞE"}, "username", "zaten kullanılıyor"),
        ({"username": "ab"}, "username", "3–64 karakter"),
        ({"username": "ali veli"}, "username", "geçersiz"),
        ({"username": "05321234567"}, "username", "kişisel veri"),
        ({"password": ""}, "password", "boş olamaz"),
        ({"password": "kısa1!"}, "password", "çok kısa"),
        ({"password": "aaaaaaaaaaaa"}, "password", "kolay tahmin"),
        ({"password": "1234567890"}, "password", "kolay tahmin"),
        ({"password": "yeni.kisi2024"}, "password", "kolay tahmin"),  # the username + digits
        ({"password": "Galatasaray"}, "password", "kolay tahmin"),
        ({"role": "superuser"}, "role", "Bilinmeyen rol"),
        ({"role": "lead", "team": None}, "team", "takım adı gerekli"),
        ({"agent_id": "A-1"}, "agent_id", "zaten 'ayse'"),
        ({"display_name": "Ayşe 0532 123 45 67"}, "display_name", "kişisel veri"),
    ],
)
def test_user_input_errors_name_the_field_and_the_fix(store, people, kwargs, field, message):
    args = {
        "username": "yeni.kisi",
        "password": PASSWORD,
        "role": "trainee",
        "display_name": "Yeni Kişi",
        "team": "Kargo",
        "agent_id": None,
    } | kwargs
    with pytest.raises(StoreInputError, match=message) as info:
        store.create_user(people["admin"], **args)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_set_password_deactivate_and_reactivate(store, people):
    admin, ayse = people["admin"], people["ayse"]
    store.set_password(ayse, "ayse", "Yepyeni-Parola-55")
    assert store.authenticate("ayse", PASSWORD) is None
    assert store.authenticate("ayse", "Yepyeni-Parola-55") is not None
    with pytest.raises(StoreInputError, match="çok kısa"):
        store.set_password(ayse, "ayse", "kısa")
    assert store.deactivate_user(admin, "ayse").active is False
    assert store.authenticate("ayse", "Yepyeni-Parola-55") is None
    with pytest.raises(AccessDenied, match="yeniden giriş"):  # the logged-in session object stops working
        store.list_drills(ayse)
    with pytest.raises(AccessDenied, match="Kendi hesabınızı"):
        store.deactivate_user(admin, "admin")
    store.reactivate_user(admin, "ayse")
    assert store.list_drills(ayse) == []
    with pytest.raises(NotFound, match="bulunamadı"):
        store.deactivate_user(admin, "kimse")


# ----------------------------------------------------------------------------------------------- scopes
DENIED = [
    # (actor, what, action(store, people, world), message)
    ("ayse", "another trainee's call by id", lambda s, p, w: s.get_call(p["ayse"], "c-mehmet"), "Bu çağrıyı"),
    (
        "ayse",
        "another trainee's drill by id",
        lambda s, p, w: s.get_drill(p["ayse"], w["drills"]["mehmet"]),
        "alıştırma",
    ),
    ("ayse", "another trainee's drills", lambda s, p, w: s.list_drills(p["ayse"], trainee="mehmet"), "temsilci"),
    ("ayse", "another agent's calls", lambda s, p, w: s.list_calls(p["ayse"], agent_id="A-2"), "temsilci"),
    ("ayse", "another team's calls", lambda s, p, w: s.list_calls(p["ayse"], team="Fatura"), "takım"),
    ("ayse", "another trainee's history", lambda s, p, w: s.skill_history(p["ayse"], agent="mehmet"), "temsilci"),
    ("ayse", "another agent's history", lambda s, p, w: s.skill_history(p["ayse"], agent="A-2"), "temsilci"),
    ("ayse", "overrides on another's call", lambda s, p, w: s.list_overrides(p["ayse"], "c-mehmet"), "Bu çağrıyı"),
    ("ayse", "override own call", lambda s, p, w: s.add_override(p["ayse"], "c-ayse", "empathy", 5, "iyi"), "düzeltme"),
    ("ayse", "list users", lambda s, p, w: s.list_users(p["ayse"]), "Kullanıcı listesini"),
    ("ayse", "read another user", lambda s, p, w: s.get_user(p["ayse"], "mehmet"), "Kullanıcı listesini"),
    ("ayse", "calibration frame", lambda s, p, w: s.human_scores_frame(p["ayse"]), "Kalibrasyon"),
    ("ayse", "save a call", lambda s, p, w: s.save_call(p["ayse"], report("x", "A-1", "Kargo")), "kaydetme"),
    ("ayse", "create a user", lambda s, p, w: s.create_user(p["ayse"], "yeni1", PASSWORD, "trainee"), "yönetme"),
    ("ayse", "set another's password", lambda s, p, w: s.set_password(p["ayse"], "mehmet", PASSWORD + "x"), "yönetme"),
    ("lead_k", "other team's call by id", lambda s, p, w: s.get_call(p["lead_k"], "c-zeynep"), "Bu çağrıyı"),
    ("lead_k", "other team's calls", lambda s, p, w: s.list_calls(p["lead_k"], team="Fatura"), "takım"),
    (
        "lead_k",
        "other team's drill by id",
        lambda s, p, w: s.get_drill(p["lead_k"], w["drills"]["zeynep"]),
        "alıştırma",
    ),
    ("lead_k", "other team's trainee", lambda s, p, w: s.list_drills(p["lead_k"], trainee="zeynep"), "takım"),
    ("lead_k", "other team's history", lambda s, p, w: s.skill_history(p["lead_k"], team="Fatura"), "takım"),
    ("lead_k", "other team's user", lambda s, p, w: s.get_user(p["lead_k"], "zeynep"), "Kullanıcı"),
    (
        "lead_k",
        "override other team",
        lambda s, p, w: s.add_override(p["lead_k"], "c-zeynep", "empathy", 3, "x"),
        "çağrıyı",
    ),
    (
        "lead_k",
        "save other team's call",
        lambda s, p, w: s.save_call(p["lead_k"], report("y", "A-3", "Fatura")),
        "takım",
    ),
    (
        "lead_k",
        "create a reviewer",
        lambda s, p, w: s.create_user(p["lead_k"], "yeni2", PASSWORD, "reviewer"),
        "yönetme",
    ),
    (
        "lead_k",
        "create in other team",
        lambda s, p, w: s.create_user(p["lead_k"], "yeni3", PASSWORD, "trainee", team="Fatura"),
        "yönetme",
    ),  # noqa: E501
    (
        "lead_k",
        "other team's password",
        lambda s, p, w: s.set_password(p["lead_k"], "zeynep", PASSWORD + "x"),
        "yönetme",
    ),
    ("lead_k", "deactivate another lead", lambda s, p, w: s.deactivate_user(p["lead_k"], "lead_f"), "yönetme"),
    ("rev", "create a user", lambda s, p, w: s.create_user(p["rev"], "yeni4", PASSWORD, "trainee"), "yönetme"),
    ("rev", "deactivate a user", lambda s, p, w: s.deactivate_user(p["rev"], "ayse"), "yönetme"),
]


@pytest.mark.parametrize("actor, what, action, message", DENIED, ids=[f"{d[0]}: {d[1]}" for d in DENIED])
def test_out_of_scope_requests_are_denied_inside_the_store(store, people, world, actor, what, action, message):
    with pytest.raises(AccessDenied, match=message) as info:
        action(store, people, world)
    assert isinstance(info.value, PermissionError) and isinstance(info.value, QAScoringError)


SCOPES = [
    # actor, calls seen, drills seen (trainee usernames), users seen (None: denied)
    ("admin", {"c-ayse", "c-mehmet", "c-zeynep"}, {"ayse", "mehmet", "zeynep"}, 7),
    ("rev", {"c-ayse", "c-mehmet", "c-zeynep"}, {"ayse", "mehmet", "zeynep"}, 7),
    ("lead_k", {"c-ayse", "c-mehmet"}, {"ayse", "mehmet"}, 3),
    ("lead_f", {"c-zeynep"}, {"zeynep"}, 2),
    ("ayse", {"c-ayse"}, {"ayse"}, None),
    ("zeynep", {"c-zeynep"}, {"zeynep"}, None),
]


@pytest.mark.parametrize("actor, calls, trainees, n_users", SCOPES, ids=[s[0] for s in SCOPES])
def test_each_role_sees_exactly_its_scope(store, people, world, actor, calls, trainees, n_users):
    me = people[actor]
    assert {c.call_id for c in store.list_calls(me)} == calls
    assert {d.trainee for d in store.list_drills(me)} == trainees
    assert {o.call_id for o in store.list_overrides(me)} == calls
    assert set(store.ai_scores_frame(me)["call_id"]) == calls
    history = store.skill_history(me)
    assert set(history.loc[history.source == "call", "item_id"]) == calls
    assert set(history.loc[history.source == "drill", "username"]) == trainees
    for cid in calls:
        assert store.get_call(me, cid).call_id == cid
    if n_users is None:
        with pytest.raises(AccessDenied):
            store.list_users(me)
        assert store.get_user(me, actor).username == actor  # oneself is always readable
    else:
        assert len(store.list_users(me)) == n_users


def test_a_forged_role_on_the_user_object_does_not_widen_the_scope(store, people, world):
    fake_admin = dataclasses.replace(people["ayse"], role=Role.ADMIN, team="Fatura")
    assert {c.call_id for c in store.list_calls(fake_admin)} == {"c-ayse"}
    with pytest.raises(AccessDenied):
        store.get_call(fake_admin, "c-zeynep")
    impostor = dataclasses.replace(people["admin"], username="ayse")
    with pytest.raises(AccessDenied, match="yeniden giriş"):
        store.list_calls(impostor)


def test_a_lead_manages_trainees_of_their_own_team(store, people):
    lead = people["lead_k"]
    new = store.create_user(lead, "yeni.stajyer", PASSWORD, "trainee", "Yeni Stajyer", agent_id="A-9")
    assert (new.team, new.role) == ("Kargo", Role.TRAINEE)
    store.set_password(lead, "mehmet", "Mehmet-Yeni-Parola-1")
    assert store.authenticate("mehmet", "Mehmet-Yeni-Parola-1") is not None
    assert store.deactivate_user(lead, "mehmet").active is False


# ----------------------------------------------------------------------------------------------- calls
def test_saving_the_same_call_again_updates_it(store, people):
    admin = people["admin"]
    first = store.save_call(admin, report("c1", "A-1", "Kargo", {"empathy": 2}), "c1.json")
    again = store.save_call(admin, report("c1", "A-1", "Kargo", {"empathy": 4}), "c1-v2.json")
    assert first == again
    (call,) = store.list_calls(admin)
    assert call.report["skills"]["empathy"]["level"] == 4 and call.source_name == "c1-v2.json"
    other_rubric = report("c1", "A-1", "Kargo", {"empathy": 1}) | {"rubric_fingerprint": "f" * 64}
    assert store.save_call(admin, other_rubric, "c1.json") != first  # another rubric: another record
    assert len(store.list_calls(admin)) == 2
    assert store.get_call(admin, "c1").rubric_fingerprint == "f" * 64  # the latest scoring
    assert store.get_call(admin, "c1", _base_report()["rubric_fingerprint"]).id == first


def test_call_records_carry_the_report_fields(store, people):
    rec_id = store.save_call(people["admin"], report("c1", "A-1", "Kargo"), "c1.json")
    call = store.get_call(people["ayse"], "c1")
    assert (call.id, call.agent_id, call.team, call.channel) == (rec_id, "A-1", "Kargo", "call")
    assert call.date == date(2024, 5, 14) and call.started_at.isoformat() == "2024-05-14T10:21:07+03:00"
    assert call.scored_at.tzinfo is not None and call.saved_by == "admin"
    assert call.skill_levels() == {k: v["level"] for k, v in _base_report()["skills"].items()}
    with pytest.raises(NotFound, match="kayıtlı değil"):
        store.get_call(people["admin"], "yok")


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, ["c3", "c2", "c1"]),
        ({"date_from": "2024-05-02"}, ["c3", "c2"]),
        ({"date_from": date(2024, 5, 2), "date_to": date(2024, 5, 2)}, ["c2"]),
        ({"agent_id": "A-2"}, ["c3"]),
        ({"team": "Kargo", "date_to": "2024-05-01"}, ["c1"]),
    ],
)
def test_list_calls_filters(store, people, filters, expected):
    admin = people["admin"]
    for cid, agent, day in (("c1", "A-1", "01"), ("c2", "A-1", "02"), ("c3", "A-2", "03")):
        store.save_call(admin, report(cid, agent, "Kargo", started=f"2024-05-{day}T12:00:00+03:00"))
    assert [c.call_id for c in store.list_calls(admin, **filters)] == expected


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"call_id": ""}, "call_id", "eksik"),
        ({"rubric_fingerprint": None}, "rubric_fingerprint", "eksik"),
        ({"skills": None}, "skills", "skills"),
        ({"skills": {"empathy": {"level": 7}}}, "empathy", "1–5"),
        ({"metadata": {"x": object()}}, "rapor.metadata.x", "saklanamaz"),
        ({"call_id": "05321234567-20240514"}, "call_id", "kişisel veri"),
        ({"agent_id": "ayse.yilmaz@example.com"}, "agent_id", "kişisel veri"),
    ],
)
def test_malformed_reports_are_refused(store, people, change, field, message):
    with pytest.raises(StoreInputError, match=message) as info:
        store.save_call(people["admin"], report("c1", "A-1", "Kargo") | change)
    assert info.value.field == field


@pytest.mark.parametrize(
    "filters, message",
    [({"date_from": "14/05/2024"}, "YYYY-AA-GG"), ({"date_from": "2024-05-10", "date_to": "2024-05-01"}, "sonra")],
)  # noqa: E501
def test_bad_date_filters_say_how_to_write_them(store, people, filters, message):
    with pytest.raises(StoreInputError, match=message):
        store.list_calls(people["admin"], **filters)


# ----------------------------------------------------------------------------------------------- overrides
def test_overrides_keep_the_model_level_and_accept_turkish_skill_names(store, people):
    store.save_call(people["admin"], report("c1", "A-1", "Kargo", {"empathy": 2}))
    o = store.add_override(people["lead_k"], "c1", "Empati", 4, "  Duyguyu adlandırdı.  ")
    assert (o.call_id, o.skill, o.model_level, o.level, o.comment, o.reviewer) == (
        "c1",
        "empathy",
        2,
        4,
        "Duyguyu adlandırdı.",
        "lead_k",
    )
    assert store.list_overrides(people["ayse"], "c1") == [o]  # the trainee sees why the score changed


@pytest.mark.parametrize(
    "skill, level, comment, field, message",
    [
        ("empaty", 3, "x", "skill", r"Bilinmeyen beceri 'empaty'.*empathy \(Empati\)"),
        ("empathy", 0, "x", "level", "1 ile 5"),
        ("empathy", 6, "x", "level", "1 ile 5"),
        ("empathy", "4", "x", "level", "1 ile 5"),
        ("empathy", True, "x", "level", "1 ile 5"),
        ("empathy", 3.5, "x", "level", "1 ile 5"),
        ("empathy", 3, "", "comment", "Açıklama zorunlu"),
        ("empathy", 3, "   \n", "comment", "Açıklama zorunlu"),
        ("empathy", 3, None, "comment", "Açıklama zorunlu"),
        ("empathy", 3, "x" * 2001, "comment", "en fazla 2000"),
    ],
)
def test_override_input_errors(store, people, skill, level, comment, field, message):
    store.save_call(people["admin"], report("c1", "A-1", "Kargo"))
    with pytest.raises(StoreInputError, match=message) as info:
        store.add_override(people["rev"], "c1", skill, level, comment)
    assert info.value.field == field
    assert store.list_overrides(people["admin"]) == []


def test_override_on_an_unknown_call(store, people):
    with pytest.raises(NotFound, match="'yok' kimlikli çağrı"):
        store.add_override(people["rev"], "yok", "empathy", 3, "x")


def test_overrides_feed_calibration_end_to_end(store, people):
    admin, rev, lead = people["admin"], people["rev"], people["lead_k"]
    model = {"c1": 2, "c2": 3, "c3": 4}
    for cid, level in model.items():
        store.save_call(admin, report(cid, "A-1", "Kargo", {k: level for k in SKILL_KEYS}))
    store.add_override(rev, "c1", "empathy", 5, "ilk bakış")
    store.add_override(rev, "c1", "empathy", 2, "yeniden dinledim, model haklı")  # the latest one counts
    store.add_override(rev, "c2", "empathy", 3, "onaylıyorum")
    store.add_override(rev, "c3", "respect", 2, "sert bir ifade var")
    store.add_override(lead, "c1", "patience", 3, "bir seviye yüksek")

    human = store.human_scores_frame(admin)
    assert list(human.columns) == ["call_id", "reviewer", *SKILL_KEYS]
    rows = {(r.call_id, r.reviewer): r for r in human.itertuples()}
    assert set(rows) == {("c1", "rev"), ("c2", "rev"), ("c3", "rev"), ("c1", "lead_k")}
    assert rows[("c1", "rev")].empathy == 2 and pd.isna(rows[("c1", "rev")].respect)
    ai = store.ai_scores_frame(admin)
    assert dict(zip(ai["call_id"], ai["empathy"], strict=True)) == model

    result = calibrate(human, ai)
    assert result.n_calls == 3 and result.n_ratings == 4
    assert result.skill("empathy").n == 2 and result.skill("empathy").exact == 1.0
    assert result.skill("respect").n == 1 and result.skill("respect").mae == 2.0
    assert result.overall.n == 4
    assert {r.reviewer: r.n_items for r in result.reviewers} == {"rev": 3, "lead_k": 1}


def test_a_lead_calibrates_on_their_team_only(store, people, world):
    human = store.human_scores_frame(people["lead_k"])
    assert set(human["call_id"]) == {"c-ayse", "c-mehmet"}
    assert store.human_scores_frame(people["lead_f"])["call_id"].tolist() == ["c-zeynep"]


# ----------------------------------------------------------------------------------------------- drills, history
def test_drills_belong_to_the_actor_and_can_be_filtered(store, people):
    ayse = people["ayse"]
    d1 = store.save_drill(ayse, drill_summary("kargo_gecikme", started="2024-05-01T09:00:00+03:00"))
    d2 = store.save_drill(ayse, drill_summary("fatura_itiraz", started="2024-05-03T09:00:00+03:00"))
    rec = store.get_drill(ayse, d1)
    assert (rec.trainee, rec.team, rec.summary["trainee"]) == ("ayse", "Kargo", "ayse")
    assert rec.date == date(2024, 5, 1) and rec.outcome == "resolved"
    assert rec.skill_scores == {k: 50.0 for k in SKILL_KEYS}
    assert [d.id for d in store.list_drills(ayse)] == [d2, d1]
    assert [d.id for d in store.list_drills(ayse, scenario_id="kargo_gecikme")] == [d1]
    assert [d.id for d in store.list_drills(people["lead_k"], trainee="AYSE", date_from="2024-05-02")] == [d2]
    with pytest.raises(NotFound):
        store.get_drill(ayse, 999)


@pytest.mark.parametrize(
    "summary, field",
    [
        ({"scenario_id": ""}, "scenario_id"),
        ({"skill_scores": {"empathy": 140}}, "empathy"),
        ({"skill_scores": {"empathy": "iyi"}}, "empathy"),
        ({"skill_scores": [1, 2]}, "skill_scores"),
    ],
)
def test_malformed_drill_summaries_are_refused(store, people, summary, field):
    with pytest.raises(StoreInputError) as info:
        store.save_drill(people["ayse"], drill_summary() | summary)
    assert info.value.field == field


def test_skill_history_mixes_calls_and_drills_with_overrides_applied(store, people):
    admin, ayse = people["admin"], people["ayse"]
    store.save_call(admin, report("c1", "A-1", "Kargo", {"empathy": 2, "respect": None}))
    store.add_override(people["rev"], "c1", "empathy", 4, "empati vardı")
    store.save_drill(ayse, drill_summary(scores={"empathy": 80.0, "respect": None}))
    store.save_call(admin, report("c9", "A-404", "Kargo", {"empathy": 5}))  # an agent without an account

    h = store.skill_history(ayse)
    assert list(h.columns[:8]) == [
        "date",
        "username",
        "agent_id",
        "display_name",
        "team",
        "source",
        "scenario_id",
        "item_id",
    ]  # noqa: E501
    assert list(h.columns[8:]) == list(SKILL_KEYS)
    assert h["source"].tolist() == ["call", "drill"] and h["username"].tolist() == ["ayse", "ayse"]
    assert h["empathy"].tolist() == [75.0, 80.0]  # the reviewer's level 4, not the model's 2
    assert h["respect"].isna().all()
    assert h["date"].dt.date.tolist() == [date(2024, 5, 14), date(2024, 5, 15)]
    assert h.loc[1, "scenario_id"] == "kargo_gecikme"

    everyone = store.skill_history(people["rev"], source="call")
    assert set(everyone["item_id"]) == {"c1", "c9"}
    orphan = everyone[everyone.item_id == "c9"].iloc[0]
    assert pd.isna(orphan["username"]) and orphan["display_name"] == "A-404"
    assert store.skill_history(people["rev"], agent="A-404")["item_id"].tolist() == ["c9"]
    assert store.skill_history(admin, date_from="2024-05-15")["source"].tolist() == ["drill"]
    with pytest.raises(StoreInputError, match="Kaynak"):
        store.skill_history(admin, source="calls")


# ----------------------------------------------------------------------------------------------- privacy
def test_personal_data_never_reaches_the_database_file(store, people, db_path):
    for value in PII.values():
        assert find_pii(value), value  # the sample values are real PII to the redactor
    admin = people["admin"]
    r = report("c1", "A-1", "Kargo")
    r["turns"] = [{"speaker": "customer", "text": PII_SENTENCE}]
    r["skills"]["empathy"]["lowered"] = [{"turn_index": 0, "text": PII_SENTENCE, "label": -1}]
    r["feedback"] = [{"kind": "improvement", "quote": PII_SENTENCE, "message": PII["email"]}]
    store.save_call(admin, r, f"{PII['phone']}.json")
    o = store.add_override(people["rev"], "c1", "empathy", 3, f"Müşteri {PII['phone']} numarasını verdi")
    drill = drill_summary(text=PII_SENTENCE)
    drill_id = store.save_drill(people["ayse"], drill)

    assert "[TELEFON]" in o.comment and PII["phone"] not in o.comment
    saved = store.get_drill(people["ayse"], drill_id).summary
    assert saved["best_reply"]["text"].count("[") == 5 and saved["turns"][1][1] == saved["best_reply"]["text"]
    assert store.get_call(admin, "c1").source_name == "[TELEFON].json"

    store.close()
    raw = raw_db_text(db_path)
    for kind, value in PII.items():
        assert value not in raw, kind
        assert value.replace(" ", "") not in raw, kind
    con = sqlite3.connect(db_path)
    dump = "\n".join(con.iterdump())
    con.close()
    assert "[TELEFON]" in dump and "[E_POSTA]" in dump and "[IBAN]" in dump
    assert not any(value in dump for value in PII.values())


def test_transcript_text_is_never_logged(store, people, caplog):
    secret = "Bu cümle yalnızca raporun içinde geçer"
    r = report("c1", "A-1", "Kargo")
    r["turns"] = [{"speaker": "agent", "text": secret}]
    with caplog.at_level(logging.DEBUG, logger="qa_scoring"):
        store.save_call(people["admin"], r)
        store.add_override(people["rev"], "c1", "empathy", 3, secret)
        store.save_drill(people["ayse"], drill_summary(text=secret))
    assert caplog.records  # the store does log what it did
    assert not any(secret in rec.getMessage() for rec in caplog.records)


# ----------------------------------------------------------------------------------------------- concurrency
def concurrent_saves_lose_nothing(open_one) -> None:
    """Two stores on one database, each in its own thread: 2×50 own calls, 5 calls both save (concurrent inserts
    of one call must become updates) and 10 overrides; nothing is lost or duplicated. Shared with the PostgreSQL
    tests; ``open_one()`` opens a new Store on the database."""
    with open_one() as s:
        pw = s.bootstrap_admin()
    stores = [open_one(), open_one()]
    actors = [s.authenticate("admin", pw) for s in stores]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            for n in range(50):
                store, actor = stores[i], actors[i]
                store.save_call(actor, report(f"t{i}-{n}", "A-1", "Kargo"))
                store.save_call(actor, report(f"shared-{n % 5}", "A-1", "Kargo", {"empathy": 1 + n % 5}))
                if n % 10 == 0:
                    store.add_override(actor, f"t{i}-{n}", "empathy", 3, f"thread {i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        assert not any(t.is_alive() for t in threads)
        assert not errors, errors
        ids = [c.call_id for c in stores[0].list_calls(actors[0])]
        assert len(ids) == len(set(ids)) == 105
        assert len(stores[1].list_overrides(actors[1])) == 10
    finally:
        for s in stores:
            s.close()


def test_two_stores_writing_from_two_threads_lose_nothing(db_path):
    concurrent_saves_lose_nothing(lambda: open_store(db_path))


def test_error_hierarchy():
    assert issubclass(AccessDenied, PermissionError) and issubclass(AccessDenied, QAScoringError)
    assert issubclass(StoreInputError, ValueError) and issubclass(StoreInputError, StoreError)
    assert issubclass(NotFound, LookupError)
    assert Role("lead").name_tr == "Takım lideri" and [r.value for r in Role] == [
        "trainee",
        "reviewer",
        "lead",
        "admin",
    ]


def test_has_users_is_false_only_before_the_first_admin(tmp_path):
    with open_store(tmp_path / "first.db") as s:
        assert s.has_users() is False
        s.bootstrap_admin("admin", PASSWORD)
        assert s.has_users() is True


def test_history_of_a_person_without_agent_id_holds_no_calls(store, people):
    admin = people["admin"]
    store.save_call(admin, report("c-none", None, "Kargo", {"empathy": 5}))  # a call with no agent id
    store.save_drill(people["lead_k"], drill_summary())
    h = store.skill_history(admin, agent="lead_k")  # lead_k has no agent id: drills only, never stray calls
    assert h["source"].tolist() == ["drill"]
