"""The role-play page with the real bundled model: scenario choice, replies with feedback, summary, saving."""

from __future__ import annotations

from apphelpers import ADMIN_PASSWORD, login, texts

REPLIES = [
    "Çok haklısınız Ayşe Hanım, üç gün beklemek gerçekten çok can sıkıcı, özür dilerim. Takip numaranızı alabilir "
    "miyim?",
    "48213 numaralı kargonuzu kontrol ediyorum; görüyorum ki dağıtımda bekliyor, doğru mu anladım, dün evdeydiniz?",
    "Kargonuzu öncelikli teslimata aldım, kurye yarın öğlene kadar adresinize getirecek.",
    "Kurye yola çıkınca size SMS ile bilgi verilecek. Başka yardımcı olabileceğim bir konu var mı? İyi günler.",
]
SKILL_NAMES = ("Saygı", "Sabır", "Empati", "Aktif dinleme", "Olumlu tutum")


def _start(at, scenario_id="kargo-gecikme"):
    at.selectbox(key="drill_scenario").set_value(scenario_id).run()
    assert "Ayşe Demir" in texts(at) and "Öğrenme hedefleri" in texts(at), "persona and goals shown before start"
    at.button(key="drill_start").click().run()
    assert not at.exception, at.exception
    return at


def test_full_drill_with_real_model_gives_feedback_summary_and_is_saved(seeded):
    at = _start(login("elif"))
    assert [m.name for m in at.chat_message] == ["Müşteri"]
    assert "Müşterinin ruh hali" in at.get("progress")[0].proto.text
    for i, reply in enumerate(REPLIES, start=1):
        if not len(at.chat_input):
            break
        at.chat_input(key="drill_input").set_value(reply).run()
        assert not at.exception, at.exception
        page = texts(at)
        # five skill chips with a word each, a one-line tip and the mood change under the reply
        chips = [m.value for m in at.markdown if "-badge[" in m.value and "Saygı:" in m.value]
        assert len(chips) == i
        assert all(name + ":" in chips[-1] for name in SKILL_NAMES)
        assert "💡" in page and "Müşteri " in page
    if len(at.chat_input):  # the customer did not close the call within four replies: end it by hand
        at.button(key="drill_end").click().run()
    page = texts(at)
    assert "Pratik özeti" in page
    assert "Pratik kaydedildi" in page
    assert "En iyi yanıtınız" in page
    assert len(at.get("plotly_chart")) == 1  # the radar chart
    drills = seeded.store.list_drills(seeded.users["elif"])
    assert len(drills) == 1
    assert drills[0].scenario_id == "kargo-gecikme" and drills[0].summary["turn_count"] == min(len(REPLIES), 4)
    # "Yeni pratik" goes back to the scenario list
    at.button(key="drill_new").click().run()
    assert at.button(key="drill_start") is not None and not len(at.chat_message)


def test_empty_reply_and_personal_data_are_handled(seeded):
    at = _start(login("elif"))
    at.chat_input(key="drill_input").set_value("   ").run()
    assert not at.exception
    at.chat_input(key="drill_input").set_value(
        "Özür dilerim Ayşe Hanım, telefonunuz 0532 123 45 67 mi, takip numaranızı alabilir miyim?"
    ).run()
    page = "\n".join(m.value for m in at.markdown)
    assert "0532 123 45 67" not in page  # the trainee's reply is shown redacted
    # leaving without finishing saves nothing
    at.button(key="drill_cancel").click().run()
    assert seeded.store.list_drills(seeded.admin) == []


def test_scenario_filters_by_difficulty_and_domain(seeded):
    at = login("admin", ADMIN_PASSWORD)
    for difficulty, name in (("kolay", "Kolay"), ("orta", "Orta"), ("zor", "Zor")):
        at.selectbox(key="drill_difficulty").set_value(difficulty).run()
        pickers = [w for w in at.selectbox if w.key == "drill_scenario"]
        labels = list(pickers[0].options) if pickers else []
        if labels:
            assert all(label.endswith(f"· {name}") for label in labels), labels
        else:
            assert "Bu filtrelere uyan senaryo yok" in texts(at)
        if difficulty == "orta":
            assert any(label.startswith("Üç gündür gelmeyen kargo") for label in labels)
    at.selectbox(key="drill_difficulty").set_value("orta").run()
    at.selectbox(key="drill_domain").set_value("kargo").run()
    assert all(" — kargo · " in label for label in at.selectbox(key="drill_scenario").options)
