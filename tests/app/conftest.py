"""Fixtures for the Streamlit app tests: a temporary database and data folder, seeded users, logged-in apps.

The app under test reads ``QA_APP_DB_PATH`` and ``QA_APP_DATA_DIR``; every test gets its own of both, and the
test seeds the same database through a second :class:`~qa_scoring.store.Store` (two stores on one SQLite file
is a supported setup).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pytest.importorskip("streamlit")

from apphelpers import ADMIN_PASSWORD, PASSWORD, TEAM_A, TEAM_B  # noqa: E402

from qa_scoring.store import Role, Store  # noqa: E402


@dataclass
class Seeded:
    store: Store
    admin: object
    users: dict


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """Point the app at a fresh database and data folder."""
    monkeypatch.setenv("QA_APP_DB_PATH", str(tmp_path / "app.db"))
    monkeypatch.setenv("QA_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("QA_APP_DB_URL", raising=False)
    return tmp_path


@pytest.fixture
def store(app_env):
    s = Store.open()
    yield s
    s.close()


@pytest.fixture
def seeded(store) -> Seeded:
    """An admin plus: a reviewer, a lead and two trainees in team A, a lead and a trainee in team B."""
    store.bootstrap_admin("admin", ADMIN_PASSWORD)
    admin = store.authenticate("admin", ADMIN_PASSWORD)
    specs = [
        ("derya", Role.REVIEWER, "Derya Değerlendirici", None, None),
        ("leyla", Role.LEAD, "Leyla Lider", TEAM_A, None),
        ("elif", Role.TRAINEE, "Elif Şahin", TEAM_A, "A-1042"),
        ("irmak", Role.TRAINEE, "Irmak Öztürk", TEAM_A, "A-1043"),
        ("tolga", Role.LEAD, "Tolga Lider", TEAM_B, None),
        ("cem", Role.TRAINEE, "Cem Işık", TEAM_B, "A-7781"),
    ]
    users = {}
    for username, role, name, team, agent in specs:
        users[username] = store.create_user(admin, username, PASSWORD, role, name, team=team, agent_id=agent)
    return Seeded(store, admin, users)
