"""Team dashboard and "Gelişimim" on a seeded database: trends, heatmap, weakest skills, drill activity, scopes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from apphelpers import (
    ADMIN_PASSWORD,
    TEAM_A,
    TEAM_B,
    available_pages,
    fake_drill_summary,
    fake_report,
    login,
    open_page,
    table,
    texts,
)

GOOD = "Çok haklısınız [empathy+1] [respect+1] takip numaranızı kontrol ediyorum [active_listening+1]"
RUDE = "Kaç kere anlatacağım [patience-1] [respect-1]"


def _day(days_ago: int, hour: int = 10) -> str:
    return f"{date.today() - timedelta(days=days_ago)}T{hour:02d}:00:00+03:00"


@pytest.fixture
def history(seeded):
    """Calls and drills over three weeks for both teams."""
    store, admin, users = seeded.store, seeded.admin, seeded.users
    calls = [
        ("a-1", "A-1042", TEAM_A, 20, {"empathy": 2, "respect": 4}),
        ("a-2", "A-1042", TEAM_A, 6, {"empathy": 4, "respect": 5}),
        ("a-3", "A-1043", TEAM_A, 5, {"patience": 1}),
        ("b-1", "A-7781", TEAM_B, 4, {"active_listening": 2}),
    ]
    for call_id, agent, team, ago, levels in calls:
        store.save_call(admin, fake_report(call_id, agent, team, _day(ago), levels), f"{call_id}.json")
    store.save_drill(users["elif"], fake_drill_summary("kargo-gecikme", _day(13), [GOOD, GOOD]))
    store.save_drill(users["elif"], fake_drill_summary("kargo-gecikme", _day(2), [GOOD, RUDE, GOOD]))
    store.save_drill(users["cem"], fake_drill_summary("kargo-gecikme", _day(1), [RUDE, RUDE]))
    return seeded


def test_admin_dashboard_shows_trends_heatmap_weakest_and_activity(history):
    at = open_page(login("admin", ADMIN_PASSWORD), "dashboard")
    page = texts(at)
    for heading in (
        "Kişi bazında beceri eğilimi",
        "Ekip × beceri ısı haritası",
        "Her kişinin en zayıf becerisi",
        "Pratik etkinliği",
    ):
        assert heading in page
    assert len(at.get("plotly_chart")) == 3  # trend, heatmap, drill activity
    weakest = table(at, "En zayıf beceri")
    assert set(weakest["Kişi"]) == {"Elif Şahin", "Irmak Öztürk", "Cem Işık"}
    assert weakest.set_index("Kişi").loc["Irmak Öztürk", "En zayıf beceri"] == "Sabır"
    assert [m.value for m in at.metric][:3] == ["3", "4", "3"]  # people, calls, drills
    assert "dash_export_csv" in {b.key for b in at.download_button}
    # filter to team B and drills only
    at.selectbox(key="dash_team").set_value(TEAM_B).run()
    at.selectbox(key="dash_source").set_value("drill").run()
    assert set(table(at, "En zayıf beceri")["Kişi"]) == {"Cem Işık"}
    assert list(table(at, "Pratik sayısı")["Kişi"]) == ["Cem Işık"]
    # a date range with nothing in it
    at.date_input(key="dash_dates").set_value((date.today() - timedelta(days=400), date.today() - timedelta(days=300)))
    at.run()
    assert "Seçilen filtrelerle kayıt yok" in texts(at)


def test_lead_dashboard_is_scoped_to_own_team(history):
    at = open_page(login("leyla"), "dashboard")
    assert "Yalnızca kendi ekibiniz gösterilir: Kargo Destek" in texts(at)
    people = set(table(at, "En zayıf beceri")["Kişi"])
    assert people == {"Elif Şahin", "Irmak Öztürk"}
    assert set(table(at, "Pratik sayısı")["Ekip"]) == {TEAM_A}
    assert TEAM_B not in "\n".join(str(o) for o in at.selectbox(key="dash_team_fixed").options)


def test_reviewer_dashboard_is_read_only(history):
    at = open_page(login("derya"), "dashboard")
    assert "Salt okunur görünüm" in texts(at)
    assert set(table(at, "En zayıf beceri")["Kişi"]) == {"Elif Şahin", "Irmak Öztürk", "Cem Işık"}


def test_trainee_sees_only_own_progress_and_drills(history):
    at = login("elif")
    assert "dashboard" not in available_pages(at) and "review" not in available_pages(at)
    at = open_page(at, "progress")
    page = texts(at)
    assert "Gelişimim" in page and "Son pratiklerim" in page
    expanders = [e.label for e in at.expander]
    assert len(expanders) == 2 and all("Üç gündür gelmeyen kargo" in label for label in expanders)
    assert len(at.get("plotly_chart")) >= 1
    # only Elif's own drills and calls, never Cem's
    assert history.store.list_drills(history.users["elif"]) and "Cem" not in page


def test_lead_progress_without_agent_id_shows_only_own_drills(history):
    at = open_page(login("leyla"), "progress")
    assert "Henüz kaydınız yok" in texts(at)


def test_an_imported_archive_older_than_90_days_is_shown_by_default(seeded):
    old = date.today() - timedelta(days=500)
    for i, ago in enumerate((0, 10, 200)):  # the newest 90 days of the archive hold the first two calls
        stamp = f"{old - timedelta(days=ago)}T10:00:00+03:00"
        seeded.store.save_call(
            seeded.admin, fake_report(f"arsiv-{i}", "A-1042", TEAM_A, stamp, {"empathy": 3}), f"arsiv-{i}.json"
        )
    at = open_page(login("admin", ADMIN_PASSWORD), "dashboard")
    assert "Seçilen filtrelerle kayıt yok" not in texts(at)
    assert [m.value for m in at.metric][1] == "2"  # calls in the default period
