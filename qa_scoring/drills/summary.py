"""The scorecard of a finished (or abandoned) drill: :class:`DrillSummary`.

Skills are scored with the same rubric rule as real calls (``docs/rubric-format.md``): over the trainee's replies,
``net_rate = (P − negative_weight·N − missed_weight·M) / n`` is mapped to a level 1–5 by the skill's thresholds,
and the 0–100 score is ``(level − 1) / 4 × 100``, exactly as in :class:`~qa_scoring.scoring.CallReport`, so that
drill and call scores can be compared in one history. Empathy is judged only on the customer's distress moments
(and on replies labelled −1); a drill without any distress moment has no empathy score (``None``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..rubric import Rubric
from ..turkish import turkish_lower
from .feedback import as_suggestion, choose_phrasing, join_tr, pick_tip
from .matching import normalized

if TYPE_CHECKING:
    from .session import DrillReply, DrillSession

__all__ = ["OUTCOME_NAMES_TR", "DrillSummary", "build_summary"]

OUTCOME_NAMES_TR: Mapping[str, str] = {
    "resolved": "Çözüldü",
    "escalated": "Şikâyete dönüştü",
    "turn_limit": "Süre doldu",
}
"""Turkish names of the drill outcomes (a summary of an unfinished drill says "Yarıda bırakıldı")."""


@dataclass(frozen=True)
class DrillSummary:
    """What the trainee sees at the end of a drill, and what the store keeps.

    Attributes:
        scenario_id / scenario_title / difficulty: The scenario played (and the difficulty used).
        trainee: Who practised (username), if known.
        rubric_id: The scorecard used.
        seed: The session's seed (replaying the same replies with it gives the same customer lines).
        started_at / ended_at: ISO 8601 times with the UTC offset.
        duration_s: Seconds between them.
        outcome: ``resolved``, ``escalated``, ``turn_limit`` or ``None`` (stopped before the end).
        outcome_tr: Turkish outcome name ("Çözüldü"), or "Yarıda bırakıldı".
        turn_count: Number of trainee replies.
        turns: The conversation: dicts with ``speaker`` (``customer``/``agent``), ``text`` (redacted), for customer
            lines ``mood``, for replies ``turn`` and ``labels``.
        skill_scores: skill → 0–100 (``None`` when not applicable).
        skill_levels: skill → 1–5 (``None`` when not applicable).
        skill_level_names: skill → the rubric's Turkish level name ("İyi"), or ``None``.
        overall: Weighted 0–100 score over the applicable skills (rubric weights), or ``None`` without replies.
        passed: Whether ``overall`` reaches the rubric's pass mark and no critical skill is at level 1.
        best_reply: ``{turn, text, customer, why, skills}`` of the strongest reply, or ``None`` without replies.
        worst_reply: ``{turn, text, customer, why, better, skill, skills}`` of the weakest other reply (the same
            reply as ``best_reply`` when there was only one), or ``None``. ``better`` is one of the scenario's
            better phrasings for ``skill`` in the stage the reply was given in (another one than its tip showed,
            when there is another), else the rubric's example.
        mood_path / mood_path_tr: The starting mood and the mood after each reply (keys / Turkish names).
        radar: ``{skills, labels, values, applicable}``: keys, Turkish names, 0–100 values (0 where not
            applicable) for a radar chart.
        latency_ms: ``{mean, p95, max}`` reply processing time, or ``None`` without replies.
    """

    scenario_id: str
    scenario_title: str
    difficulty: str
    trainee: str | None
    rubric_id: str
    seed: int | str
    started_at: str
    ended_at: str
    duration_s: float
    outcome: str | None
    outcome_tr: str
    turn_count: int
    turns: tuple[Mapping[str, Any], ...]
    skill_scores: Mapping[str, float | None]
    skill_levels: Mapping[str, int | None]
    skill_level_names: Mapping[str, str | None]
    overall: float | None
    passed: bool | None
    best_reply: Mapping[str, Any] | None
    worst_reply: Mapping[str, Any] | None
    mood_path: tuple[str, ...]
    mood_path_tr: tuple[str, ...]
    radar: Mapping[str, Any]
    latency_ms: Mapping[str, float] | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible data (what ``Store.save_drill`` takes)."""
        return {
            "scenario_id": self.scenario_id,
            "scenario_title": self.scenario_title,
            "difficulty": self.difficulty,
            "trainee": self.trainee,
            "rubric_id": self.rubric_id,
            "seed": self.seed,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": self.duration_s,
            "outcome": self.outcome,
            "outcome_tr": self.outcome_tr,
            "turn_count": self.turn_count,
            "turns": [dict(t) for t in self.turns],
            "skill_scores": dict(self.skill_scores),
            "skill_levels": dict(self.skill_levels),
            "skill_level_names": dict(self.skill_level_names),
            "overall": self.overall,
            "passed": self.passed,
            "best_reply": dict(self.best_reply) if self.best_reply else None,
            "worst_reply": dict(self.worst_reply) if self.worst_reply else None,
            "mood_path": list(self.mood_path),
            "mood_path_tr": list(self.mood_path_tr),
            "radar": {k: list(v) for k, v in self.radar.items()},
            "latency_ms": dict(self.latency_ms) if self.latency_ms else None,
        }


# ----------------------------------------------------------------------------------------------- building


def build_summary(session: DrillSession) -> DrillSummary:
    """Score a session's replies with its rubric (see the module docstring)."""
    rubric = session.rubric
    replies = session.replies
    scores: dict[str, float | None] = {}
    levels: dict[str, int | None] = {}
    level_names: dict[str, str | None] = {}
    for skill in rubric.skills:
        level = _skill_level(rubric, skill.key, replies)
        levels[skill.key] = level
        scores[skill.key] = None if level is None else round((level - 1) / 4 * 100, 1)
        level_names[skill.key] = None if level is None else skill.level_name(level)
    applicable = [k for k, s in scores.items() if s is not None]
    overall = passed = None
    if replies and applicable:
        weights = rubric.weights_for(applicable)
        overall = round(sum(weights[k] * scores[k] for k in applicable), 1)  # type: ignore[operator]
        passed = overall >= rubric.scoring.pass_mark and not any(levels[k] == 1 for k in rubric.critical_skills)
    best, worst = _best_and_worst(session)
    ended = session.ended_at or datetime.now().astimezone()
    latencies = sorted(r.latency_ms for r in replies)
    mood_path = session.mood_path
    names = [s.name for s in rubric.skills]
    return DrillSummary(
        scenario_id=session.scenario.id,
        scenario_title=session.scenario.title,
        difficulty=session.difficulty,
        trainee=session.trainee,
        rubric_id=rubric.id,
        seed=session.seed,
        started_at=session.started_at.isoformat(timespec="seconds"),
        ended_at=ended.isoformat(timespec="seconds"),
        duration_s=round((ended - session.started_at).total_seconds(), 1),
        outcome=session.outcome,
        outcome_tr=OUTCOME_NAMES_TR.get(session.outcome or "", "Yarıda bırakıldı"),
        turn_count=len(replies),
        turns=tuple(session.turns),
        skill_scores=scores,
        skill_levels=levels,
        skill_level_names=level_names,
        overall=overall,
        passed=passed,
        best_reply=best,
        worst_reply=worst,
        mood_path=tuple(m.key for m in mood_path),
        mood_path_tr=tuple(m.name_tr for m in mood_path),
        radar={
            "skills": list(rubric.skill_keys),
            "labels": names,
            "values": [scores[k] if scores[k] is not None else 0.0 for k in rubric.skill_keys],
            "applicable": [scores[k] is not None for k in rubric.skill_keys],
        },
        latency_ms=(
            {
                "mean": round(sum(latencies) / len(latencies), 1),
                "p95": round(_percentile(latencies, 95), 1),
                "max": round(latencies[-1], 1),
            }
            if latencies
            else None
        ),
    )


def _skill_level(rubric: Rubric, key: str, replies: Sequence[DrillReply]) -> int | None:
    skill = rubric.skill(key)
    ev = skill.evidence
    if ev.applies_when == "distress":
        considered = [r for r in replies if r.distress_moment or r.labels[key] == -1]
        missed = sum(1 for r in considered if r.distress_moment and r.labels[key] == 0)
    else:
        considered, missed = list(replies), 0
    positive = sum(1 for r in considered if r.labels[key] == 1)
    negative = sum(1 for r in considered if r.labels[key] == -1)
    rate = ev.net_rate(positive, negative, len(considered), missed=missed)
    return None if rate is None else skill.level_for(rate)


def _missed_empathy(reply: DrillReply) -> bool:
    return reply.distress_moment and reply.labels.get("empathy", 1) == 0


def _quality(rubric: Rubric, reply: DrillReply) -> float:
    """Weighted sum of a reply's labels (a missed empathy moment counts as the rubric's missed weight)."""
    weights = rubric.weights
    total = sum(weights[k] * reply.labels[k] for k in rubric.skill_keys)
    if _missed_empathy(reply) and "empathy" in weights:
        total -= weights["empathy"] * rubric.skill("empathy").evidence.missed_weight
    return total


def _best_and_worst(session: DrillSession) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    rubric, replies = session.rubric, session.replies
    if not replies:
        return None, None
    quality = [_quality(rubric, r) for r in replies]
    best_i = max(range(len(replies)), key=lambda i: (quality[i], -i))
    others = [i for i in range(len(replies)) if i != best_i] or [best_i]
    worst_i = min(others, key=lambda i: (quality[i], i))
    return _best_entry(rubric, replies[best_i]), _worst_entry(session, replies[worst_i])


def _base(reply: DrillReply, skills: list[str]) -> dict[str, Any]:
    return {"turn": reply.turn, "text": reply.text, "customer": reply.customer_before, "skills": skills}


def _best_entry(rubric: Rubric, reply: DrillReply) -> dict[str, Any]:
    weights = rubric.weights
    strengths = [k for k in rubric.skill_keys if reply.labels[k] > 0]
    weak = [k for k in rubric.skill_keys if reply.labels[k] < 0]
    if _missed_empathy(reply):
        weak.append("empathy")
    entry = _base(reply, strengths)
    weak_names = join_tr([rubric.skill(k).name for k in weak])
    if strengths:
        names = join_tr([rubric.skill(k).name for k in strengths])
        top = max(strengths, key=lambda k: (weights[k], -rubric.skill_keys.index(k)))
        picked = pick_tip(rubric.skill(top), "strength", None, reply.turn - 1)
        if weak:
            entry["why"] = f"{names} güçlüydü; {weak_names} ise geliştirilebilir."
        else:
            entry["why"] = f"{names} güçlüydü." + (f" {picked[0].advice}" if picked else "")
    elif weak:
        entry["why"] = f"En az puan kaybettiren yanıtınız buydu; yine de {weak_names} zayıftı."
    else:
        entry["why"] = "Bu yanıtta bir hata yoktu, ancak belirgin bir beceri de öne çıkmadı."
    return entry


def _worst_entry(session: DrillSession, reply: DrillReply) -> dict[str, Any]:
    rubric = session.rubric
    weights = rubric.weights
    violations = [k for k in rubric.skill_keys if reply.labels[k] < 0]
    norm = normalized(reply.text)
    if violations:
        skill_key = max(violations, key=lambda k: (weights[k] * reply.probs[k][0], -rubric.skill_keys.index(k)))
        when = "violation"
        lead = f"{join_tr([rubric.skill(k).name for k in violations])} zayıftı."
        entry = _base(reply, violations)
    elif _missed_empathy(reply):
        skill_key, when = "empathy", "missing"
        lead = "Müşteri bir sıkıntı dile getirdi, ama yanıt bu duyguyu karşılamadı."
        entry = _base(reply, ["empathy"])
    else:
        zero = [
            k for k in rubric.skill_keys if reply.labels[k] == 0 and not (k == "empathy" and not reply.distress_moment)
        ]
        zero.sort(key=lambda k: (-weights[k], rubric.skill_keys.index(k)))
        entry = _base(reply, zero[:1])
        if not zero:
            entry.update(why="Bu yanıt da iyiydi; tüm beceriler olumlu görüldü.", better=None, skill=None)
            return entry
        skill_key, when = zero[0], "missing"
        lead = f"Belirgin bir hata yoktu, ancak {turkish_lower(rubric.skill(skill_key).name)} gösterme fırsatı vardı."
    picked = pick_tip(rubric.skill(skill_key), when, norm if when == "violation" else None, reply.turn - 1)
    entry["skill"] = skill_key
    entry["why"] = f"{lead} {picked[0].advice}" if picked else lead
    entry["better"] = _better_phrasing(session, reply, skill_key) or (picked[1] if picked else None)
    return entry


def _better_phrasing(session: DrillSession, reply: DrillReply, skill: str) -> str | None:
    """One of the scenario's better phrasings for ``skill`` in the stage the reply was given in, preferring one
    its tip did not already show; reproducible for the session's seed. ``None`` if the scenario has none."""
    scenario = session.scenario
    phrasings = scenario.better_for(reply.stage_before, skill)
    if not phrasings:
        return None
    shown = [p for p in phrasings if as_suggestion(p) in reply.tip]
    rng = random.Random(f"{session.seed}:{scenario.id}:better:{reply.turn}:{skill}")
    return as_suggestion(choose_phrasing(phrasings, rng, shown))


def _percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return float(sorted_values[rank - 1])
