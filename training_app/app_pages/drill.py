"""Rol yapma pratiği: pick a scenario, talk to the simulated customer, get feedback on every reply, see a summary."""

from __future__ import annotations

import logging

import streamlit as st

from qa_scoring.drills import DIFFICULTIES, DIFFICULTY_NAMES_TR, DrillError, DrillSession
from training_app import drill_view, resources, state, ui
from training_app.pages_registry import guard

log = logging.getLogger("training_app.drill")

ALL = "__all__"
CUSTOMER_AVATAR = "🙍"
TRAINEE_AVATAR = "🎧"

user = guard("drill")
store = resources.get_store()


def reset() -> None:
    for key in (state.DRILL_SESSION, state.DRILL_SUMMARY, state.DRILL_SAVED_ID, state.DRILL_SAVE_ERROR):
        st.session_state.pop(key, None)


def finish(session: DrillSession) -> None:
    """Build the summary and save it (once)."""
    summary = session.summary().to_dict()
    st.session_state[state.DRILL_SUMMARY] = summary
    try:
        st.session_state[state.DRILL_SAVED_ID] = store.save_drill(user, summary)
        log.info(
            "drill saved (scenario %s, outcome %s, %d replies)", session.scenario.id, session.outcome, session.turn
        )
    except Exception as exc:  # noqa: BLE001 - shown to the trainee, the drill summary stays on screen
        log.warning("saving the drill failed: %s", type(exc).__name__)
        st.session_state[state.DRILL_SAVE_ERROR] = ui.error_message(exc)


st.title("Rol yapma pratiği")
session: DrillSession | None = st.session_state.get(state.DRILL_SESSION)

# ------------------------------------------------------------------------------------------ scenario picker
if session is None:
    st.caption(
        "Bir senaryo seçin ve simüle edilen müşteriyle yazışın. Her yanıtınız beş beceride değerlendirilir; "
        "müşteri de söylediklerinize göre sakinleşir ya da gerilir."
    )
    scenario_map = resources.scenarios()
    for fname, _problem in resources.scenario_problems():
        log.warning("scenario file %s could not be loaded", fname)
    if not scenario_map:
        st.warning(
            "Henüz kullanılabilir senaryo yok. Bir yönetici “Rubrikler ve senaryolar” sayfasından senaryo yükleyebilir."
        )
        st.stop()
    domains = sorted({s.domain for s in scenario_map.values()})
    c1, c2 = st.columns(2)
    domain = c1.selectbox(
        "Alan", [ALL, *domains], format_func=lambda d: "Tüm alanlar" if d == ALL else d, key="drill_domain"
    )
    difficulty = c2.selectbox(
        "Zorluk",
        [ALL, *DIFFICULTIES],
        format_func=lambda d: "Tüm zorluklar" if d == ALL else DIFFICULTY_NAMES_TR[d],
        key="drill_difficulty",
    )
    shown = {
        sid: s
        for sid, s in scenario_map.items()
        if (domain == ALL or s.domain == domain) and (difficulty == ALL or s.difficulty == difficulty)
    }
    if not shown:
        st.info("Bu filtrelere uyan senaryo yok; filtreleri değiştirin.")
        st.stop()
    sid = st.selectbox(
        "Senaryo", list(shown), format_func=lambda s: drill_view.scenario_label(shown[s]), key="drill_scenario"
    )
    drill_view.scenario_card(shown[sid])
    if st.button("Pratiği başlat", key="drill_start", type="primary", icon="▶️"):
        try:
            classifier = resources.get_classifier()
            session = DrillSession(shown[sid], classifier, trainee=user.username)
        except Exception as exc:  # noqa: BLE001 - e.g. the model folder is missing
            log.error("cannot start a drill: %s", type(exc).__name__)
            ui.show_error(f"Pratik başlatılamadı: {ui.error_message(exc)}")
            st.stop()
        reset()
        st.session_state[state.DRILL_SESSION] = session
        log.info("drill started (scenario %s)", sid)
        st.rerun()
    st.stop()

# ------------------------------------------------------------------------------------------ the drill
summary = st.session_state.get(state.DRILL_SUMMARY)
prompt = None
if summary is None and not session.finished:
    prompt = st.chat_input("Müşteriye yanıtınızı yazın…", key="drill_input")
if prompt:
    try:
        with st.spinner("Yanıtınız değerlendiriliyor…"):
            result = session.reply(prompt)
    except DrillError as exc:
        ui.show_error(exc.message_tr)
    else:
        log.info("drill reply %d scored in %.0f ms", result.turn, result.latency_ms)
        if result.ended:
            finish(session)
            st.rerun()  # redraw without the chat box

scenario = session.scenario
head, gauge = st.columns([3, 2])
with head:
    st.subheader(scenario.title)
    st.caption(f"Müşteri: {scenario.persona.name} · {scenario.domain} · Zorluk: {scenario.difficulty_tr}")
with gauge:
    drill_view.show_mood(session.mood)
    if summary is None:
        st.caption(f"Aşama: {session.stage_name} · Kalan yanıt hakkı: {session.turns_left}")

replies = session.replies
i = 0
with st.container(key="drill_chat"):
    for speaker, text in session.history:
        if speaker == "customer":
            with st.chat_message("Müşteri", avatar=CUSTOMER_AVATAR):
                st.markdown(ui.md(text))
            continue
        reply = replies[i]
        i += 1
        with st.chat_message("Siz", avatar=TRAINEE_AVATAR):
            st.markdown(ui.md(text))
            with st.container(key=f"drill_feedback_{reply.turn}"):
                st.markdown(drill_view.chips_markdown(reply))
                st.markdown(f"💡 {ui.md(reply.tip)}")
                before, after = reply.mood_before, reply.mood_after
                change = "aynı kaldı" if before == after else ("sakinleşti" if after < before else "gerildi")
                st.caption(
                    f"Müşteri {change}: {before.emoji} {before.name_tr} → {after.emoji} {after.name_tr}"
                    + (" · Görüşme bir sonraki aşamaya geçti" if reply.advanced else "")
                )

if summary is None:
    hint = scenario.stages[session.stage_index].hint
    if hint:
        st.info(f"İpucu: {hint}", icon="🧭")
    b1, b2, _ = st.columns([1, 1, 3])
    if b1.button("Pratiği bitir", key="drill_end", disabled=session.turn == 0):
        finish(session)
        st.rerun()
    if b2.button("Senaryoyu değiştir", key="drill_cancel"):
        log.info("drill abandoned before the end")
        reset()
        st.rerun()
    st.stop()

# ------------------------------------------------------------------------------------------ summary
st.divider()
st.subheader("Pratik özeti")
if st.session_state.get(state.DRILL_SAVE_ERROR):
    ui.show_error(f"Pratik kaydedilemedi: {st.session_state[state.DRILL_SAVE_ERROR]}")
elif st.session_state.get(state.DRILL_SAVED_ID) is not None:
    st.success("Pratik kaydedildi; sonuçlarınızı “Gelişimim” sayfasında da görebilirsiniz.", icon="💾")
drill_view.show_summary(summary, key="drill")
if st.button("Yeni pratik", key="drill_new", type="primary", icon="🔁"):
    reset()
    st.rerun()
