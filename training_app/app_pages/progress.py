"""Gelişimim: the logged-in user's own skill history (drills and own calls), trends and recent drills."""

from __future__ import annotations

import logging

import plotly.express as px
import streamlit as st

from qa_scoring.skills import SKILL_NAMES_TR
from training_app import analytics, drill_view, resources, ui
from training_app.pages_registry import guard

log = logging.getLogger("training_app.progress")

user = guard("progress")
store = resources.get_store()

st.title("Gelişimim")
st.caption("Pratiklerinizin ve size ait değerlendirilmiş çağrıların sonuçları.")

try:
    # Own calls are found through the agent id; a user without one has only drills.
    source = None if getattr(user, "agent_id", None) else "drill"
    history = analytics.prepare(store.skill_history(user, agent=user.username, source=source))
    drills = store.list_drills(user, trainee=user.username)
except Exception as exc:  # noqa: BLE001
    ui.show_error(ui.error_message(exc))
    st.stop()

if history.empty and not drills:
    st.info("Henüz kaydınız yok. “Rol yapma pratiği” sayfasından ilk pratiğinizi yapın.")
    st.stop()

if not history.empty:
    skills = analytics.skills_in(history)
    cols = st.columns(len(skills) or 1)
    for col, k in zip(cols, skills, strict=False):
        values = history[k].dropna()
        if values.empty:
            col.metric(SKILL_NAMES_TR[k], "—")
            continue
        recent = history.sort_values("date").dropna(subset=[k])[k]
        last = recent.tail(3).mean()
        before = recent.iloc[:-3].tail(3).mean() if len(recent) > 3 else None
        delta = None if before is None else f"{last - before:+.0f}"
        col.metric(SKILL_NAMES_TR[k], f"{last:.0f}/100", delta=delta, help="Son 3 kaydın ortalaması")

    st.subheader("Haftalık eğilim")
    trend = analytics.skill_trend_long(history)
    if not trend.empty:
        fig = px.line(
            trend,
            x="week",
            y="score",
            color="Beceri",
            markers=True,
            labels={"week": "Hafta", "score": "Puan (0–100)"},
        )
        fig.update_yaxes(range=[0, 100])
        fig.update_xaxes(tickformat="%d.%m.%Y", hoverformat="%d.%m.%Y")
        st.plotly_chart(fig, key="progress_trend_chart")
    weakest = analytics.weakest_skills(history)
    if not weakest.empty:
        row = weakest.iloc[0]
        st.info(f"Üzerinde çalışmanız önerilen beceri: **{row['En zayıf beceri']}** (ortalama {row['Puanı']:.0f}/100)")

st.subheader("Son pratiklerim")
if not drills:
    st.caption("Henüz tamamlanmış pratiğiniz yok.")
for d in sorted(drills, key=lambda d: (d.date, d.id), reverse=True)[:10]:
    outcome = ui.OUTCOME_TR.get(d.outcome, d.outcome or "—")
    scores = [v for v in d.skill_scores.values() if v is not None]
    avg = f"{sum(scores) / len(scores):.0f}/100" if scores else "—"
    with st.expander(f"{d.date:%d.%m.%Y} · {d.scenario_title or d.scenario_id} · {outcome} · {avg}"):
        drill_view.show_summary(d.summary, key=f"progress_drill_{d.id}")
