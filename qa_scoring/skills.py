"""The five agent soft skills and their turn labels.

This module is the single source of truth for skill keys. The contract behind them (what -1, 0 and +1 mean
for each skill) is the label guide in ``docs``/``shared/label-guide.md``: every labelled agent turn carries
one label per skill, each in :data:`LABELS`.
"""

from __future__ import annotations

SKILL_KEYS: tuple[str, ...] = ("respect", "patience", "empathy", "active_listening", "positive_tone")
"""Skill keys in their canonical order (the order of model outputs and report columns)."""

SKILL_NAMES_TR: dict[str, str] = {
    "respect": "Saygı",
    "patience": "Sabır",
    "empathy": "Empati",
    "active_listening": "Aktif dinleme",
    "positive_tone": "Olumlu tutum",
}
"""Turkish display names, as reviewers and trainees see them."""

LABELS: tuple[int, ...] = (-1, 0, 1)
"""Turn labels: -1 the reply violates the skill, 0 neither shown nor violated, +1 clearly demonstrated."""

__all__ = ["LABELS", "SKILL_KEYS", "SKILL_NAMES_TR"]
