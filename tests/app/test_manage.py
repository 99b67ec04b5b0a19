"""Rubrics and scenarios page: validation of uploads (errors name the field and the fix), saving to the data
folder, and user management."""

from __future__ import annotations

from pathlib import Path

from apphelpers import ADMIN_PASSWORD, PASSWORD, ROOT, TEAM_A, errors, login, open_page, table, texts

FIXTURES = ROOT / "tests" / "fixtures" / "rubrics"
SCENARIO = ROOT / "training_app" / "scenarios" / "kargo_gecikme.yaml"


def _admin_manage():
    return open_page(login("admin", ADMIN_PASSWORD), "manage")


def test_rubrics_are_listed_with_their_skills(seeded):
    at = _admin_manage()
    assert any("default" in o for o in at.selectbox(key="manage_rubric").options)
    skills = table(at, "Ağırlık")
    assert list(skills["Beceri"]) == ["Saygı", "Sabır", "Empati", "Aktif dinleme", "Olumlu tutum"]


def test_bad_rubric_upload_names_the_field_and_the_fix(seeded):
    at = _admin_manage()
    at.file_uploader(key="manage_rubric_file").set_value(
        ("eksik.yaml", (FIXTURES / "missing_level.yaml").read_bytes(), "application/x-yaml")
    ).run()
    message = errors(at)[0]
    assert message.startswith("**eksik.yaml** — Rubrik geçersiz")
    assert "skills[0].levels" in message and "level 3 is missing" in message and "→" in message
    assert "/tmp" not in message  # the temporary path of the upload is not shown
    at.file_uploader(key="manage_rubric_file").set_value(
        ("bilinmeyen.yaml", (FIXTURES / "unknown_skill_key.yaml").read_bytes(), "application/x-yaml")
    ).run()
    assert "respekt" in errors(at)[0] and "respect" in errors(at)[0]
    assert not list((Path(seeded.store.url.replace("sqlite:///", "")).parent / "data").glob("rubrics/*"))


def test_valid_rubric_upload_is_saved_and_offered_for_scoring(seeded, app_env):
    text = (ROOT / "rubrics" / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("id: default", "id: kargo-karti", 1)
    at = _admin_manage()
    at.file_uploader(key="manage_rubric_file").set_value(("kargo.yaml", text.encode(), "application/x-yaml")).run()
    assert not at.exception, at.exception
    assert any("geçerli" in s.value for s in at.success)
    at.button(key="manage_rubric_save").click().run()
    saved = app_env / "data" / "rubrics" / "kargo-karti.yaml"
    assert saved.read_text(encoding="utf-8") == text
    review = open_page(at, "review")
    assert any("kargo-karti" in o for o in review.selectbox(key="review_rubric").options)


def test_builtin_rubric_id_cannot_be_replaced(seeded):
    at = _admin_manage()
    data = (ROOT / "rubrics" / "default.yaml").read_bytes()
    at.file_uploader(key="manage_rubric_file").set_value(("default.yaml", data, "application/x-yaml")).run()
    assert any("hazır bir rubriğin adı" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "manage_rubric_save"]


def test_scenarios_are_validated_and_saved(seeded, app_env):
    at = _admin_manage()
    at.selectbox(key="manage_scenario").set_value("kargo-gecikme").run()
    assert "Ayşe Demir" in texts(at)  # the selected scenario's card
    broken = SCENARIO.read_text(encoding="utf-8").replace("difficulty: orta", "difficulty: cok-zor", 1)
    at.file_uploader(key="manage_scenario_file").set_value(("bozuk.yaml", broken.encode(), "application/x-yaml"))
    at.run()
    message = next(e for e in errors(at) if "bozuk.yaml" in e)
    assert "Senaryo geçersiz" in message and "difficulty" in message and "/tmp" not in message
    good = SCENARIO.read_text(encoding="utf-8").replace("id: kargo-gecikme", "id: kargo-gecikme-2", 1)
    at.file_uploader(key="manage_scenario_file").set_value(("yeni.yaml", good.encode(), "application/x-yaml")).run()
    assert not at.exception, at.exception
    at.button(key="manage_scenario_save").click().run()
    assert (app_env / "data" / "scenarios" / "kargo-gecikme-2.yaml").is_file()
    drill = open_page(at, "drill")
    assert sum("Üç gündür gelmeyen kargo" in o for o in drill.selectbox(key="drill_scenario").options) == 2


def test_admin_creates_a_user_who_can_log_in(seeded):
    at = _admin_manage()
    at.text_input(key="new_user_username").input("zeynep")
    at.text_input(key="new_user_display_name").input("Zeynep Kaya")
    at.selectbox(key="new_user_role").set_value("trainee")
    at.text_input(key="new_user_team").input(TEAM_A)
    at.text_input(key="new_user_agent_id").input("A-2001")
    at.button(key="new_user_submit").click().run()
    assert not at.exception
    password = at.code[0].value  # generated and shown once
    assert "Zeynep Kaya" in set(table(at, "Kullanıcı adı")["Ad"])
    user = seeded.store.authenticate("zeynep", password)
    assert user is not None and user.team == TEAM_A and user.agent_id == "A-2001"
    # a duplicate is refused with the store's Turkish message
    at.button(key="new_user_submit").click().run()
    assert any("zaten kullanılıyor" in e.value for e in at.error)


def test_lead_creates_only_trainees_of_own_team(seeded):
    at = open_page(login("leyla"), "manage")
    assert at.selectbox(key="new_user_role").options == ["Stajyer/Temsilci"]
    at.text_input(key="new_user_username").input("mert")
    at.text_input(key="new_user_password").input(PASSWORD)
    at.button(key="new_user_submit").click().run()
    assert not at.error
    mert = seeded.store.authenticate("mert", PASSWORD)
    assert mert.team == TEAM_A and str(mert.role) == "trainee"
    assert set(table(at, "Kullanıcı adı")["Ekip"]) == {TEAM_A}
