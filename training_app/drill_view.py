"""Drawing drill results: skill chips of one reply, the mood gauge, and the end-of-drill summary.

Used by the drill page (live feedback and summary) and by "Gelişimim" (past drills).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR

from . import ui

CHIP_COLOUR = {"good": "green", "neutral": "gray", "warn": "red", "missed": "orange"}
CHIP_EMOJI = {"good": "🟢", "neutral": "⚪", "warn": "🔴", "missed": "🟠"}
_STATUS_BY_LABEL = {1: "good", 0: "neutral", -1: "warn"}


def _badge_text(text: str) -> str:
    """Text safe inside a ``:color-badge[...]`` markdown directive."""
    return str(text).replace("[", "(").replace("]", ")").replace("\n", " ")


def chips_markdown(reply: Any) -> str:
    """The skill chips of a :class:`~qa_scoring.drills.DrillReply` as coloured badges with an emoji each
    (green: shown, grey: neutral, red: violated, orange: empathy was needed but missing)."""
    parts = []
    for chip in getattr(reply, "chips", ()) or ():
        status = getattr(chip, "status", None) or _STATUS_BY_LABEL.get(int(chip.label), "neutral")
        text = getattr(chip, "text_tr", None) or f"{chip.name}: {ui.LABEL_WORD_TR.get(int(chip.label), '')}"
        parts.append(f":{CHIP_COLOUR.get(status, 'gray')}-badge[{CHIP_EMOJI.get(status, '')} {_badge_text(text)}]")
    return " ".join(parts)


def mood_parts(mood: Any) -> tuple[str, str, float]:
    """(emoji, Turkish name, 0–1 fill) for a :class:`~qa_scoring.drills.Mood`."""
    value = int(mood)
    emoji = getattr(mood, "emoji", "")
    name = getattr(mood, "name_tr", str(mood))
    return emoji, name, (value + 1) / 4


def show_mood(mood: Any, key: str = "drill_mood") -> None:
    emoji, name, fill = mood_parts(mood)
    with st.container(key=key):
        st.progress(fill, text=f"{emoji} Müşterinin ruh hali: **{name}**")


def radar_figure(skill_scores: Mapping[str, float | None], title: str = "") -> go.Figure:
    """A radar chart of the five skills (0–100), Turkish axis names; not-applicable skills drawn at 0."""
    keys = [k for k in SKILL_KEYS if k in skill_scores] or list(SKILL_KEYS)
    theta = [SKILL_NAMES_TR.get(k, k) + ("" if skill_scores.get(k) is not None else " (uygulanamaz)") for k in keys]
    values = [float(skill_scores.get(k) or 0.0) for k in keys]
    fig = go.Figure(
        go.Scatterpolar(
            r=[*values, values[0]],
            theta=[*theta, theta[0]],
            fill="toself",
            name="Puan",
            hovertemplate="%{theta}: %{r:.0f}/100<extra></extra>",
        )
    )
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 100], "tickvals": [25, 50, 75, 100]}},
        showlegend=False,
        margin={"l": 40, "r": 40, "t": 40 if title else 20, "b": 20},
        height=360,
        title=title or None,
    )
    return fig


def show_summary(summary: Mapping[str, Any], key: str) -> None:
    """The end-of-drill summary (a ``DrillSummary.to_dict()``): outcome, overall score, radar chart, per-skill
    table, the best reply and the weakest reply with a better phrasing."""
    outcome = summary.get("outcome")
    scores = summary.get("skill_scores") or {}
    levels = summary.get("skill_levels") or {}
    level_names = summary.get("skill_level_names") or {}
    with st.container(key=f"{key}_summary"):
        cols = st.columns([1, 1])
        with cols[0]:
            m1, m2 = st.columns(2)
            m1.metric("Sonuç", summary.get("outcome_tr") or ui.OUTCOME_TR.get(outcome, str(outcome)))
            overall = summary.get("overall")
            verdict = {True: " ✅ geçti", False: " ❌ geçmedi"}.get(summary.get("passed"), "")
            m2.metric("Genel puan", ui.score_text(overall) + verdict)
            rows = [
                {
                    "Beceri": SKILL_NAMES_TR.get(k, k),
                    "Puan": "—" if scores.get(k) is None else f"{scores[k]:.0f}",
                    "Seviye": ui.level_text(levels.get(k), level_names.get(k)),
                }
                for k in SKILL_KEYS
                if k in scores or k in levels
            ]
            st.dataframe(rows, hide_index=True, key=f"{key}_skills")
            st.caption(f"{summary.get('turn_count', 0)} yanıt · {summary.get('scenario_title', '')}")
        with cols[1]:
            st.plotly_chart(radar_figure(scores), key=f"{key}_radar", config={"displayModeBar": False})
        best = summary.get("best_reply")
        worst = summary.get("worst_reply")
        if best:
            with st.container(border=True, key=f"{key}_best"):
                st.markdown(f"**💪 En iyi yanıtınız** ({best.get('turn', '?')}. yanıt)")
                st.markdown(f"> {ui.md(best.get('text', ''))}")
                if best.get("why"):
                    st.markdown(ui.md(best["why"]))
        if worst and (not best or worst.get("turn") != best.get("turn") or worst.get("better")):
            with st.container(border=True, key=f"{key}_worst"):
                st.markdown(f"**🎯 Geliştirilebilecek yanıtınız** ({worst.get('turn', '?')}. yanıt)")
                st.markdown(f"> {ui.md(worst.get('text', ''))}")
                if worst.get("why"):
                    st.markdown(ui.md(worst["why"]))
                if worst.get("better"):
                    st.success(ui.md(worst["better"]), icon="💡")
        path = summary.get("mood_path_tr") or [_mood_name(m) for m in summary.get("mood_path") or []]
        if path:
            st.caption("Müşterinin ruh hali: " + " → ".join(path))


def _mood_name(value: Any) -> str:
    try:
        from qa_scoring.drills import Mood

        mood = Mood.parse(value)
        return f"{mood.emoji} {mood.name_tr}"
    except (ImportError, ValueError):
        return str(value)


# ------------------------------------------------------------------------------------------ scenarios
def scenario_label(scenario: Any) -> str:
    """``"Kargo gecikmesi — kargo · Orta"``."""
    return f"{scenario.title} — {scenario.domain} · {scenario.difficulty_tr}"


def scenario_card(scenario: Any, key: str = "scenario_card") -> None:
    """What the trainee reads before starting: persona, situation, learning goals, difficulty, mood."""
    with st.container(border=True, key=key):
        st.markdown(f"### {scenario.title}")
        mood = scenario.starting_mood
        st.markdown(
            f":blue-badge[{_badge_text(scenario.domain)}] :violet-badge[Zorluk: {scenario.difficulty_tr}] "
            f":orange-badge[Başlangıç ruh hali: {mood.emoji} {mood.name_tr}] "
            f":gray-badge[En çok {scenario.max_turns} yanıt]"
        )
        st.markdown(f"**Müşteri:** {scenario.persona.name} — {scenario.persona.description}")
        st.markdown(f"**Durum:** {scenario.situation}")
        st.markdown("**Öğrenme hedefleri:**")
        st.markdown(
            "\n".join(f"- **{SKILL_NAMES_TR.get(g.skill, g.skill)}:** {g.text}" for g in scenario.learning_goals)
        )


def scenario_error_message(exc: Any) -> str:
    """Every problem of a ScenarioError as ``alan `path`: sorun → düzeltme`` (no temporary path)."""
    problems = getattr(exc, "problems", None) or [(getattr(exc, "field", None) or "", getattr(exc, "reason", str(exc)))]
    if len(problems) == 1:
        field, reason = problems[0]
        return f"Senaryo geçersiz: alan `{field}`: {reason}" if field else f"Senaryo geçersiz: {reason}"
    lines = [f"- alan `{p or '(en üst düzey)'}`: {m}" for p, m in problems]
    return f"Senaryo geçersiz ({len(lines)} sorun):\n" + "\n".join(lines)
