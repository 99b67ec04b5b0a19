"""Tables behind the dashboards, computed from ``Store.skill_history`` and ``Store.list_drills`` (no streamlit).

``skill_history`` has one row per scored item (a call or a drill): ``date``, who (``username``/``agent_id``,
``display_name``), ``team``, ``source`` ("call"|"drill"), ``scenario_id`` and one 0–100 column per skill key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR

ALL = "__all__"
MEAN_COLUMN = "Ortalama"


def prepare(history: pd.DataFrame) -> pd.DataFrame:
    """Add ``agent`` (a readable name), ``week`` (Monday of the week) and ``mean`` (mean of the skills)."""
    df = history.copy()
    if df.empty:
        for col in ("agent", "week", "mean"):
            df[col] = pd.Series(dtype="object")
        return df
    agent = pd.Series([None] * len(df), index=df.index, dtype="object")
    for col in ("display_name", "agent_id", "username"):
        if col in df.columns:
            agent = agent.where(agent.notna() & (agent != ""), df[col])
    df["agent"] = agent.fillna("—").astype(str)
    dates = pd.to_datetime(df["date"], errors="coerce", utc=False)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    df["date"] = dates
    df["week"] = dates.dt.to_period("W-SUN").dt.start_time
    skills = [k for k in SKILL_KEYS if k in df.columns]
    for k in skills:
        df[k] = pd.to_numeric(df[k], errors="coerce")
    df["mean"] = df[skills].mean(axis=1, skipna=True) if skills else float("nan")
    return df


def skills_in(df: pd.DataFrame) -> list[str]:
    return [k for k in SKILL_KEYS if k in df.columns]


def weekly_trend(df: pd.DataFrame, skill: str, by: str = "agent") -> pd.DataFrame:
    """Mean score per week and ``by`` for one skill key, or ``"mean"`` for the mean of the skills."""
    column = skill if skill in df.columns else "mean"
    if df.empty:
        return pd.DataFrame(columns=["week", by, "score", "n"])
    grouped = df.dropna(subset=[column]).groupby(["week", by], as_index=False)[column].agg(["mean", "count"])
    grouped = grouped.rename(columns={"mean": "score", "count": "n"})
    return grouped.sort_values(["week", by]).reset_index(drop=True)


def skill_trend_long(df: pd.DataFrame) -> pd.DataFrame:
    """Weekly mean per skill (long format with Turkish skill names) for one person's trend chart."""
    rows = []
    for k in skills_in(df):
        part = df.dropna(subset=[k]).groupby("week", as_index=False)[k].mean()
        for _, r in part.iterrows():
            rows.append({"week": r["week"], "Beceri": SKILL_NAMES_TR[k], "score": r[k]})
    return pd.DataFrame(rows, columns=["week", "Beceri", "score"])


def team_skill_matrix(df: pd.DataFrame) -> pd.DataFrame:
    """Mean score per team (rows) and skill (columns, Turkish names)."""
    skills = skills_in(df)
    if df.empty or not skills:
        return pd.DataFrame()
    teams = df.assign(team=df["team"].fillna("Ekipsiz"))
    matrix = teams.groupby("team")[skills].mean()
    return matrix.rename(columns=SKILL_NAMES_TR)


def weakest_skills(df: pd.DataFrame) -> pd.DataFrame:
    """Per agent: their weakest skill, its mean score, the mean of all skills and how many items count."""
    skills = skills_in(df)
    rows = []
    for (agent, team), part in df.groupby(["agent", df["team"].fillna("—")]):
        means = part[skills].mean()
        means = means.dropna()
        if means.empty:
            continue
        weakest = means.idxmin()
        rows.append(
            {
                "Kişi": agent,
                "Ekip": team,
                "En zayıf beceri": SKILL_NAMES_TR[weakest],
                "Puanı": round(float(means[weakest]), 1),
                "Tüm beceriler ortalaması": round(float(means.mean()), 1),
                "Kayıt sayısı": int(len(part)),
            }
        )
    columns = ["Kişi", "Ekip", "En zayıf beceri", "Puanı", "Tüm beceriler ortalaması", "Kayıt sayısı"]
    return pd.DataFrame(rows, columns=columns).sort_values("Puanı").reset_index(drop=True)


def drills_frame(drills: Iterable[Any]) -> pd.DataFrame:
    """One row per stored drill: agent, team, scenario, outcome, week."""
    rows = []
    for d in drills:
        day = pd.Timestamp(d.date)
        rows.append(
            {
                "Kişi": d.display_name or d.trainee,
                "Ekip": d.team or "—",
                "Senaryo": d.scenario_title or d.scenario_id,
                "scenario_id": d.scenario_id,
                "Sonuç": d.outcome,
                "Tarih": day,
                "Hafta": day.to_period("W-SUN").start_time,
            }
        )
    return pd.DataFrame(rows, columns=["Kişi", "Ekip", "Senaryo", "scenario_id", "Sonuç", "Tarih", "Hafta"])


def drill_counts(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Number of drills per ``by`` columns (column ``Pratik sayısı``)."""
    if frame.empty:
        return pd.DataFrame(columns=[*by, "Pratik sayısı"])
    return frame.groupby(list(by), as_index=False).size().rename(columns={"size": "Pratik sayısı"})


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The filtered history with Turkish headers, for the CSV download."""
    out = pd.DataFrame(
        {
            "Tarih": df["date"].dt.strftime("%Y-%m-%d") if not df.empty else [],
            "Kişi": df["agent"] if not df.empty else [],
            "Ekip": df["team"] if not df.empty else [],
            "Kaynak": df["source"].map({"call": "Çağrı", "drill": "Pratik"}) if not df.empty else [],
            "Senaryo": df["scenario_id"] if "scenario_id" in df.columns else None,
        }
    )
    for k in skills_in(df):
        out[SKILL_NAMES_TR[k]] = df[k].round(1).values if not df.empty else []
    return out
