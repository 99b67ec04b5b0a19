"""The app database on a real PostgreSQL server that these tests start themselves.

A throwaway cluster (``initdb`` + ``pg_ctl``, unix socket only, trust authentication) is started once per session
in a temporary folder and removed at the end; every test gets a database of its own. PostgreSQL's server binaries
come from Debian's ``postgresql`` package (``scripts/ensure_postgres.sh`` installs it; ``$QA_PG_BIN`` may name
another ``bin`` folder). Without them these tests are skipped with the reason.

Most scenarios are the SQLite suite's own tests (``tests/unit/test_store.py``) collected again here with a
PostgreSQL-backed ``store`` fixture; the tests written here cover what the SQLite ones check through the file.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the PostgreSQL tests need psycopg: pip install 'psycopg[binary]>=3.1'")

import psycopg  # noqa: E402
from sqlalchemy import URL, create_engine, inspect, text  # noqa: E402

from qa_scoring.redact import find_pii  # noqa: E402
from qa_scoring.store import Role, Store, StoreInputError, head_revision  # noqa: E402
from qa_scoring.store.models import Base  # noqa: E402
from tests.unit import test_store as sqlite_suite  # noqa: E402

pytestmark = pytest.mark.integration

FAST = sqlite_suite.FAST
PASSWORD = sqlite_suite.PASSWORD
PII = sqlite_suite.PII
PII_SENTENCE = sqlite_suite.PII_SENTENCE
report = sqlite_suite.report
drill_summary = sqlite_suite.drill_summary

ROOT = Path(__file__).resolve().parents[2]
SUPERUSER = "postgres"
SERVICE_USER_FALLBACK = "qa-pgtest"


# ----------------------------------------------------------------------------------------------- the server
def _pg_bin_dir() -> Path | None:
    """A folder holding ``initdb`` and ``pg_ctl``: ``$QA_PG_BIN``, the PATH, or Debian's newest version."""
    candidates: list[Path] = []
    if os.environ.get("QA_PG_BIN"):
        candidates.append(Path(os.environ["QA_PG_BIN"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    candidates.append(Path("/usr/local/pgsql/bin"))
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _service_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, the OS user to run the server as (created when missing)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", SERVICE_USER_FALLBACK):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER_FALLBACK],
        check=True,
        capture_output=True,
    )
    return SERVICE_USER_FALLBACK


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class PgServer:
    socket_dir: Path
    port: int
    version: str

    def url(self, database: str) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            database=database,
            query={"host": str(self.socket_dir), "port": str(self.port)},
        )

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster on a unix socket in a temporary folder, stopped and removed at the end."""
    bindir = _pg_bin_dir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/ensure_postgres.sh "
            "(apt-get install postgresql) or set QA_PG_BIN to their folder"
        )
    try:
        user = _service_user()
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"running as root and no OS user to run PostgreSQL as (useradd failed: {exc})")
    prefix = ["runuser", "-u", user, "--"] if user else []
    base = Path(tempfile.mkdtemp(prefix="qa-pg-"))  # short: a unix socket path must fit in 107 bytes
    if user:
        shutil.chown(base, user=user)
    data, log = base / "data", base / "server.log"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *args], cwd=base, env=env, capture_output=True, text=True, timeout=120)

    started = False
    try:
        init = run(str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C")
        if init.returncode != 0:
            pytest.fail(f"initdb failed ({init.returncode}):\n{init.stdout}\n{init.stderr}")
        port = _free_port()
        options = (
            f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c TimeZone=Europe/Istanbul"  # a non-UTC server must not shift timestamps
        )
        start = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start")
        log_text = log.read_text(errors="replace") if log.exists() else ""
        if start.returncode != 0:
            pytest.fail(f"pg_ctl start failed ({start.returncode}):\n{start.stdout}\n{start.stderr}\n{log_text}")
        started = True
        server = PgServer(base, port, "?")
        with server.admin() as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        yield PgServer(base, port, version)
    finally:
        if started:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


_db_numbers = itertools.count(1)


@pytest.fixture
def pg_url(pg_server) -> Iterator[URL]:
    """A new, empty database on the session's server; dropped after the test."""
    name = f"qa_test_{next(_db_numbers)}"
    with pg_server.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    with pg_server.admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store(pg_url) -> Iterator[Store]:
    with Store.open(pg_url, password_hasher=FAST) as s:
        yield s


# the SQLite suite's users and data, created through the PostgreSQL store above
people = sqlite_suite.people
world = sqlite_suite.world


def rows_text(url: URL) -> str:
    """Every row of every table, as JSON text, to look for data that must not be stored."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            parts = [
                conn.execute(text(f"SELECT coalesce(json_agg(t)::text, '') FROM \"{t}\" AS t")).scalar_one()
                for t in tables
            ]
    finally:
        engine.dispose()
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------------- schema
def test_migrations_create_the_schema_on_postgresql(store, pg_url, pg_server):
    assert store.schema_version() == head_revision() == "0001"
    assert store.url.startswith("postgresql+psycopg://")
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            from alembic.autogenerate import compare_metadata
            from alembic.runtime.migration import MigrationContext

            assert conn.dialect.name == "postgresql"
            insp = inspect(conn)
            assert {"users", "calls", "overrides", "drills", "alembic_version"} <= set(insp.get_table_names())
            columns = {c["name"]: c for c in insp.get_columns("calls")}
            assert type(columns["report"]["type"]).__name__ == "JSON"
            assert {fk["name"] for fk in insp.get_foreign_keys("overrides")} == {
                "fk_overrides_call_pk_calls",
                "fk_overrides_reviewer_id_users",
            }
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
            assert diff == []  # the migrated PostgreSQL schema matches the models too
    finally:
        engine.dispose()
    with Store.open(pg_url, password_hasher=FAST) as again:  # a second open is a no-op migration
        assert again.schema_version() == head_revision()


def test_bootstrap_and_login_on_postgresql(store, pg_url):
    pw = store.bootstrap_admin()
    assert store.bootstrap_admin() is None
    admin = store.authenticate("ADMIN", pw)
    assert admin is not None and admin.role is Role.ADMIN and admin.created_at.tzinfo is not None
    assert store.authenticate("admin", pw + "x") is None
    ayse = store.create_user(admin, "AYŞE", PASSWORD, "trainee", "Ayşe Yılmaz", team="Kargo", agent_id="A-1")
    logged_in = store.authenticate("ayse", PASSWORD)
    assert logged_in is not None and logged_in.id == ayse.id and logged_in.last_login_at is not None
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT username, password_hash FROM users")).all())
    finally:
        engine.dispose()
    assert set(stored) == {"admin", "ayşe"} and all(h.startswith("$argon2id$") for h in stored.values())
    assert PASSWORD not in rows_text(pg_url) and pw not in rows_text(pg_url)


# The SQLite suite's tests, run again on PostgreSQL (same parameters and assertions; `store` is the fixture above).
test_bootstrap_admin_runs_only_once = sqlite_suite.test_bootstrap_admin_runs_only_once
test_authenticate = sqlite_suite.test_authenticate
test_turkish_usernames_match_whatever_the_casing = sqlite_suite.test_turkish_usernames_match_whatever_the_casing
test_user_input_errors_name_the_field_and_the_fix = sqlite_suite.test_user_input_errors_name_the_field_and_the_fix
test_set_password_deactivate_and_reactivate = sqlite_suite.test_set_password_deactivate_and_reactivate
test_out_of_scope_requests_are_denied_inside_the_store = (
    sqlite_suite.test_out_of_scope_requests_are_denied_inside_the_store
)
test_each_role_sees_exactly_its_scope = sqlite_suite.test_each_role_sees_exactly_its_scope
test_a_forged_role_on_the_user_object_does_not_widen_the_scope = (
    sqlite_suite.test_a_forged_role_on_the_user_object_does_not_widen_the_scope
)
test_a_lead_manages_trainees_of_their_own_team = sqlite_suite.test_a_lead_manages_trainees_of_their_own_team
test_saving_the_same_call_again_updates_it = sqlite_suite.test_saving_the_same_call_again_updates_it
test_call_records_carry_the_report_fields = sqlite_suite.test_call_records_carry_the_report_fields
test_list_calls_filters = sqlite_suite.test_list_calls_filters
test_malformed_reports_are_refused = sqlite_suite.test_malformed_reports_are_refused
test_overrides_keep_the_model_level_and_accept_turkish_skill_names = (
    sqlite_suite.test_overrides_keep_the_model_level_and_accept_turkish_skill_names
)
test_override_input_errors = sqlite_suite.test_override_input_errors
test_overrides_feed_calibration_end_to_end = sqlite_suite.test_overrides_feed_calibration_end_to_end
test_a_lead_calibrates_on_their_team_only = sqlite_suite.test_a_lead_calibrates_on_their_team_only
test_drills_belong_to_the_actor_and_can_be_filtered = sqlite_suite.test_drills_belong_to_the_actor_and_can_be_filtered
test_malformed_drill_summaries_are_refused = sqlite_suite.test_malformed_drill_summaries_are_refused
test_skill_history_mixes_calls_and_drills_with_overrides_applied = (
    sqlite_suite.test_skill_history_mixes_calls_and_drills_with_overrides_applied
)
test_history_of_a_person_without_agent_id_holds_no_calls = (
    sqlite_suite.test_history_of_a_person_without_agent_id_holds_no_calls
)
test_transcript_text_is_never_logged = sqlite_suite.test_transcript_text_is_never_logged


# ----------------------------------------------------------------------------------------------- privacy
def test_personal_data_never_reaches_the_postgresql_rows(store, people, pg_url):
    for value in PII.values():
        assert find_pii(value), value
    admin = people["admin"]
    r = report("c1", "A-1", "Kargo")
    r["turns"] = [{"speaker": "customer", "text": PII_SENTENCE}]
    r["skills"]["empathy"]["lowered"] = [{"turn_index": 0, "text": PII_SENTENCE, "label": -1}]
    r["feedback"] = [{"kind": "improvement", "quote": PII_SENTENCE, "message": PII["email"]}]
    store.save_call(admin, r, f"{PII['phone']}.json")
    store.add_override(people["rev"], "c1", "empathy", 3, f"Müşteri {PII['phone']} numarasını verdi")
    store.save_drill(people["ayse"], drill_summary(text=PII_SENTENCE))
    store.close()

    dump = rows_text(pg_url)
    assert "[TELEFON]" in dump and "[E_POSTA]" in dump and "[IBAN]" in dump and "[TELEFON].json" in dump
    for kind, value in PII.items():
        assert value not in dump, kind
        assert value.replace(" ", "") not in dump, kind


def test_nul_characters_are_dropped_from_free_text_and_refused_in_identifiers(store, people):
    """PostgreSQL text columns cannot hold NUL (SQLite can): the store must not fail with a database error."""
    admin = people["admin"]
    r = report("c1", "A-1", "Kargo")
    r["turns"] = [{"speaker": "customer", "text": "Kargo\x00m nerede?"}]  # JSON documents keep it as \\u0000
    store.save_call(admin, r, "c1\x00.json")
    o = store.add_override(people["rev"], "c1", "empathy", 3, "Empati\x00 vardı")
    drill_id = store.save_drill(people["ayse"], drill_summary() | {"scenario_title": "Geciken\x00 kargo"})
    assert o.comment == "Empati vardı" and store.get_call(admin, "c1").source_name == "c1.json"
    assert store.get_call(admin, "c1").report["turns"][0]["text"] == "Kargo\x00m nerede?"
    assert store.get_drill(admin, drill_id).scenario_title == "Geciken kargo"
    with pytest.raises(StoreInputError, match="NUL") as info:
        store.save_call(admin, report("c\x002", "A-1", "Kargo"))
    assert info.value.field == "call_id"
    with pytest.raises(StoreInputError, match="NUL"):
        store.create_user(admin, "yeni.kisi", PASSWORD, "trainee", "Yeni\x00 Kişi")


# ----------------------------------------------------------------------------------------------- concurrency
def test_two_stores_writing_from_two_threads_lose_nothing(pg_url):
    sqlite_suite.concurrent_saves_lose_nothing(lambda: Store.open(pg_url, password_hasher=FAST))


OPEN_IN_A_PROCESS = """
import sys, time
from qa_scoring.store import Store
while time.time() < float(sys.argv[2]):  # start together
    time.sleep(0.005)
with Store.open(sys.argv[1]) as s:
    print(s.schema_version())
"""


def test_two_processes_opening_a_new_database_together_both_succeed(pg_url):
    """Three app instances starting at once on an empty database: one creates the schema, the others wait."""
    url = pg_url.render_as_string(hide_password=False)
    at = f"{time.time() + 4:.3f}"  # after the imports of all three
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_IN_A_PROCESS, url, at],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0 and out.strip() == head_revision(), err[-2000:]


# ----------------------------------------------------------------------------------------------- restart
def test_reopening_keeps_every_record(pg_url):
    with Store.open(pg_url, password_hasher=FAST) as s:
        pw = s.bootstrap_admin()
        admin = s.authenticate("admin", pw)
        ayse = s.create_user(admin, "ayse", PASSWORD, "trainee", "Ayşe", team="Kargo", agent_id="A-1")
        s.save_call(admin, report("c1", "A-1", "Kargo"), "c1.json")
        s.add_override(admin, "c1", "empathy", 4, "Empati gösterdi.")
        drill_id = s.save_drill(ayse, drill_summary())
        before = s.get_call(admin, "c1")
    with Store.open(pg_url, password_hasher=FAST) as s:  # a restart
        assert s.schema_version() == head_revision()
        assert s.bootstrap_admin() is None
        admin = s.authenticate("admin", pw)
        assert admin is not None and admin.role is Role.ADMIN
        (call,) = s.list_calls(admin)
        assert (call.call_id, call.scored_at, call.report) == ("c1", before.scored_at, before.report)
        assert [(o.skill, o.level) for o in s.list_overrides(admin)] == [("empathy", 4)]
        assert s.get_drill(admin, drill_id).trainee == "ayse"
        assert s.authenticate("ayse", PASSWORD).agent_id == "A-1"
