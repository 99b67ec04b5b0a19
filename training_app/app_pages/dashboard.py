"""Ekip panosu: skill trends per person, team × skill heatmap, weakest skills, drill activity, CSV export."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR
from training_app import analytics, calls, resources, ui
from training_app.pages_registry import guard

log = logging.getLogger("training_app.dashboard")

user = guard("dashboard")
role = ui.role_of(user)
store = resources.get_store()

st.title("Ekip panosu")
if role == "reviewer":
    st.caption("Salt okunur görünüm: tüm ekiplerin çağrı ve pratik sonuçları.")
elif role == "lead":
    st.caption(f"Yalnızca kendi ekibiniz gösterilir: {getattr(user, 'team', None) or '—'}")

try:
    everything = analytics.prepare(store.skill_history(user))
    all_drills = store.list_drills(user)
except Exception as exc:  # noqa: BLE001
    ui.show_error(ui.error_message(exc))
    st.stop()

# ------------------------------------------------------------------------------------------ filters
teams = sorted({t for t in everything.get("team", []) if isinstance(t, str) and t})
scenario_titles = {d.scenario_id: d.scenario_title or d.scenario_id for d in all_drills}
with st.container(border=True, key="dash_filters"):
    f1, f2, f3, f4 = st.columns([1, 1.3, 1, 1])
    if role == "lead":
        team = getattr(user, "team", None)
        f1.selectbox("Ekip", [team or "—"], disabled=True, key="dash_team_fixed")
    else:
        choice = f1.selectbox(
            "Ekip",
            [analytics.ALL, *teams],
            format_func=lambda t: "Tüm ekipler" if t == analytics.ALL else t,
            key="dash_team",
        )
        team = None if choice == analytics.ALL else choice
    today = date.today()
    # the last 90 days, or the 90 days up to the newest record when everything is older (imported archives)
    newest = everything["date"].max() if "date" in everything and len(everything) else None
    end = today
    if newest is not None and not pd.isna(newest) and newest.date() < today - timedelta(days=90):
        end = newest.date()
    period = f2.date_input(
        "Tarih aralığı",
        value=(end - timedelta(days=90), end),
        max_value=today,
        format="DD.MM.YYYY",
        key="dash_dates",
    )
    date_from, date_to = period if isinstance(period, tuple | list) and len(period) == 2 else (period, today)
    source_choice = f3.selectbox(
        "Kaynak",
        ["all", "call", "drill"],
        format_func=lambda s: {"all": "Çağrı + pratik", "call": "Yalnız çağrılar", "drill": "Yalnız pratikler"}[s],
        key="dash_source",
    )
    scenario = f4.selectbox(
        "Senaryo",
        [analytics.ALL, *sorted(scenario_titles, key=lambda s: scenario_titles[s])],
        format_func=lambda s: "Tüm senaryolar" if s == analytics.ALL else scenario_titles[s],
        key="dash_scenario",
    )
    scenario = None if scenario == analytics.ALL else scenario
source = None if source_choice == "all" else source_choice

try:
    history = analytics.prepare(
        store.skill_history(user, team=team, date_from=date_from, date_to=date_to, source=source)
    )
    drills = store.list_drills(user, team=team, scenario_id=scenario, date_from=date_from, date_to=date_to)
except Exception as exc:  # noqa: BLE001
    ui.show_error(ui.error_message(exc))
    st.stop()
if scenario is not None and not history.empty and "scenario_id" in history.columns:
    history = history[(history["source"] == "drill") & (history["scenario_id"] == scenario)]

m1, m2, m3, m4 = st.columns(4)
m1.metric("Kişi", history["agent"].nunique() if not history.empty else 0)
m2.metric("Değerlendirilen çağrı", int((history["source"] == "call").sum()) if not history.empty else 0)
m3.metric("Tamamlanan pratik", len(drills))
m4.metric("Ortalama puan", "—" if history.empty else f"{history['mean'].mean():.0f}/100")

if history.empty:
    st.info("Seçilen filtrelerle kayıt yok. Tarih aralığını genişletin ya da başka bir ekip seçin.")
else:
    # ---- trends
    st.subheader("Kişi bazında beceri eğilimi")
    skill = st.selectbox(
        "Beceri",
        ["mean", *analytics.skills_in(history)],
        format_func=lambda k: "Tüm becerilerin ortalaması" if k == "mean" else SKILL_NAMES_TR[k],
        key="dash_skill",
    )
    trend = analytics.weekly_trend(history, skill)
    fig = px.line(
        trend,
        x="week",
        y="score",
        color="agent",
        markers=True,
        labels={"week": "Hafta", "score": "Puan (0–100)", "agent": "Kişi", "n": "Kayıt"},
        hover_data=["n"],
    )
    fig.update_yaxes(range=[0, 100])
    fig.update_xaxes(tickformat="%d.%m.%Y", hoverformat="%d.%m.%Y")
    st.plotly_chart(fig, key="dash_trend_chart")

    # ---- heatmap
    st.subheader("Ekip × beceri ısı haritası")
    matrix = analytics.team_skill_matrix(history)
    if not matrix.empty:
        heat = px.imshow(
            matrix,
            text_auto=".0f",
            zmin=0,
            zmax=100,
            color_continuous_scale="RdYlGn",
            aspect="auto",
            labels={"x": "Beceri", "y": "Ekip", "color": "Puan"},
        )
        st.plotly_chart(heat, key="dash_heatmap")

    # ---- weakest skills
    st.subheader("Her kişinin en zayıf becerisi")
    st.dataframe(analytics.weakest_skills(history), hide_index=True, key="dash_weakest")

# ------------------------------------------------------------------------------------------ drill activity
st.subheader("Pratik etkinliği")
dframe = analytics.drills_frame(drills)
if dframe.empty:
    st.info("Bu aralıkta tamamlanan pratik yok.")
else:
    weekly = analytics.drill_counts(dframe, ["Hafta", "Kişi"])
    bars = px.bar(weekly, x="Hafta", y="Pratik sayısı", color="Kişi", labels={"Hafta": "Hafta"})
    bars.update_xaxes(tickformat="%d.%m.%Y", hoverformat="%d.%m.%Y")
    st.plotly_chart(bars, key="dash_drill_chart")
    a1, a2 = st.columns(2)
    with a1:
        st.caption("Kişi başına")
        st.dataframe(analytics.drill_counts(dframe, ["Kişi", "Ekip"]), hide_index=True, key="dash_drills_agent")
    with a2:
        st.caption("Senaryo başına")
        st.dataframe(analytics.drill_counts(dframe, ["Senaryo"]), hide_index=True, key="dash_drills_scenario")

# ------------------------------------------------------------------------------------------ export
if not history.empty:
    st.download_button(
        "Filtrelenmiş verileri indir (CSV)",
        lambda: calls.csv_bytes(analytics.export_frame(history)),
        file_name=f"ekip-panosu-{date_from}-{date_to}.csv",
        mime="text/csv",
        key="dash_export_csv",
        on_click="ignore",
    )
log.debug("dashboard shown: %d history rows, %d drills (skills %s)", len(history), len(drills), len(SKILL_KEYS))
