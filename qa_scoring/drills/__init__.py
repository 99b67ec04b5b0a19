"""Role-play drills: a simulated Turkish customer that reacts to what the trainee writes.

    from qa_scoring import TurnClassifier
    from qa_scoring.drills import DrillSession, load_scenarios

    scenarios = load_scenarios()                          # training_app/scenarios/*.yaml, id → Scenario
    session = DrillSession(scenarios["kargo-gecikme"], TurnClassifier.from_pretrained(), trainee="elif")
    print(session.customer_line)
    r = session.reply("Çok haklısınız, beklemek gerçekten can sıkıcı; sipariş numaranızı alabilir miyim?")
    r.chips, r.tip, r.mood_after.name_tr, r.customer_line, r.ended
    summary = session.summary().to_dict()

The library never imports streamlit or torch here; the classifier is injected (anything with ``skills`` and
``predict``). Scenario format: ``docs/scenario-format.md``.
"""

from __future__ import annotations

from .feedback import join_tr
from .matching import find_phrase, is_question, normalized
from .mood import MOOD_KEYS, Mood
from .scenario import (
    DIFFICULTIES,
    DIFFICULTY_NAMES_TR,
    MIN_BETTER_PHRASINGS,
    STAGE_NAMES_TR,
    AdvanceRule,
    Escalation,
    LearningGoal,
    Persona,
    Resolution,
    Scenario,
    ScenarioError,
    Stage,
    bundled_scenarios_dir,
    load_scenario,
    load_scenarios,
)
from .session import (
    ANGER_WEIGHTS,
    CALM_WEIGHTS,
    CHIP_WORDS_TR,
    DIFFICULTY_FACTORS,
    OUTCOME_NAMES_TR,
    DrillError,
    DrillReply,
    DrillSession,
    SkillChip,
    mood_delta,
)
from .summary import DrillSummary, build_summary

__all__ = [
    "ANGER_WEIGHTS",
    "CALM_WEIGHTS",
    "CHIP_WORDS_TR",
    "DIFFICULTIES",
    "DIFFICULTY_FACTORS",
    "DIFFICULTY_NAMES_TR",
    "MIN_BETTER_PHRASINGS",
    "MOOD_KEYS",
    "OUTCOME_NAMES_TR",
    "STAGE_NAMES_TR",
    "AdvanceRule",
    "DrillError",
    "DrillReply",
    "DrillSession",
    "DrillSummary",
    "Escalation",
    "LearningGoal",
    "Mood",
    "Persona",
    "Resolution",
    "Scenario",
    "ScenarioError",
    "SkillChip",
    "Stage",
    "build_summary",
    "bundled_scenarios_dir",
    "find_phrase",
    "is_question",
    "join_tr",
    "load_scenario",
    "load_scenarios",
    "mood_delta",
    "normalized",
]
