"""Helpers for the Streamlit app tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "training_app" / "app.py"
SAMPLES = ROOT / "datasets" / "samples"
ADMIN_PASSWORD = "Yonetici-Parola-2024"
PASSWORD = "Guclu-Parola-2024!"
TIMEOUT = 60

TEAM_A = "Kargo Destek"
TEAM_B = "Teknik Destek"


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def login(username: str, password: str = PASSWORD) -> AppTest:
    """A fresh app session, logged in (asserts that the login worked)."""
    at = new_app().run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


PAGE_FILES = {
    "drill": "app_pages/drill.py",
    "review": "app_pages/review.py",
    "dashboard": "app_pages/dashboard.py",
    "progress": "app_pages/progress.py",
    "manage": "app_pages/manage.py",
}


def available_pages(at: AppTest) -> set[str]:
    """Which pages the logged-in user's navigation offers (switch_page refuses a page st.navigation did not
    register). Switch to the page you want before the next run."""
    out = set()
    for key, path in PAGE_FILES.items():
        try:
            at.switch_page(path)
        except ValueError:
            continue
        out.add(key)
    return out


def texts(at: AppTest) -> str:
    """Every markdown, caption, alert and title text on the page, joined (for 'the user can read X' checks)."""
    parts = []
    for kind in ("title", "subheader", "header", "markdown", "caption", "info", "success", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(m.value) for m in at.metric]
    return plain("\n".join(parts))


def plain(markdown: str) -> str:
    """Markdown text with the app's backslash escapes removed (what the user reads)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


# ------------------------------------------------------------------------------------------ seeding
def fake_report(call_id: str, agent_id: str, team: str, started_at: str, levels: dict[str, int]) -> dict:
    """A stored-report dict: a sample call scored with the test fake, then given these ids and skill levels."""
    from qa_scoring.transcript import Transcript
    from tests.fakes import fake_scorer

    report = fake_scorer().score(Transcript.from_file(SAMPLES / "kargo_gecikme.json")).to_dict()
    report.update(call_id=call_id, agent_id=agent_id, team=team, started_at=started_at)
    for key, skill in report["skills"].items():
        level = levels.get(key, 3)
        names = {1: "Yetersiz", 2: "Gelişmeli", 3: "Yeterli", 4: "İyi", 5: "Örnek"}
        skill.update(applicable=True, level=level, level_name=names[level], score=(level - 1) / 4 * 100)
    return report


def fake_drill_summary(scenario_id: str, started_at: str, replies: list[str]) -> dict:
    """A drill summary dict made by a real DrillSession against the test fake classifier."""
    from datetime import datetime

    from qa_scoring.drills import DrillSession, load_scenarios
    from tests.fakes import FakeClassifier

    scenario = load_scenarios()[scenario_id]
    session = DrillSession(scenario, FakeClassifier(), seed=1)
    for text in replies:
        if session.finished:
            break
        session.reply(text)
    summary = session.summary().to_dict()
    start = datetime.fromisoformat(started_at)
    summary["started_at"] = start.isoformat()
    summary["ended_at"] = start.replace(minute=start.minute + 5).isoformat()
    return summary


def table(at: AppTest, column: str):
    """The first st.dataframe on the page that has ``column`` (AppTest does not keep a dataframe's key)."""
    for frame in at.dataframe:
        value = frame.value
        if column in getattr(value, "columns", []):
            return value
    raise AssertionError(f"no table with a column {column!r} on the page")


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to one of PAGE_FILES and run."""
    at.switch_page(PAGE_FILES[page]).run()
    assert not at.exception, at.exception
    return at
