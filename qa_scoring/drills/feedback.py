"""Turkish feedback for drill replies: choosing the rubric tip that fits a reply, and joining skill names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..rubric import Skill, Tip
from .matching import NormalizedText, find_phrase

__all__ = ["join_tr", "pick_tip"]

_QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{2,60})[\"“”»]")


def join_tr(items: Sequence[str]) -> str:
    """Join names the Turkish way: "A", "A ve B", "A, B ve C"."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " ve " + items[-1]


def _quoted_phrases(tip: Tip) -> list[str]:
    """Phrases quoted in a tip's advice ("az önce söyledim", "sizin hatanız"): what the tip warns about."""
    return [q.strip(" ….") for q in _QUOTED.findall(tip.advice) if len(q.strip(" ….")) >= 3]


def pick_tip(skill: Skill, when: str, reply: NormalizedText | None, index: int) -> tuple[Tip, str] | None:
    """Choose the tip of ``skill`` for ``when`` that fits the reply best, and one of its example phrasings.

    A tip whose advice quotes words that the reply contains ("kaç kere anlatacağım") is preferred; otherwise the
    tips (and their examples) are rotated with ``index`` so that successive replies do not get the same line.

    Args:
        skill: The rubric skill.
        when: ``violation``, ``missing`` or ``strength`` (falls back to the other advice kind when the rubric
            has no tip of that kind).
        reply: The normalised reply, or ``None``.
        index: A running number (the reply's turn) for the rotation.

    Returns:
        ``(tip, "Şöyle deneyebilirsiniz: “…”")``, or ``None`` if the skill has no tip at all for this purpose.
    """
    tips = skill.tips_for(when)
    if not tips and when in ("violation", "missing"):
        tips = skill.tips_for("missing" if when == "violation" else "violation")
    if not tips:
        return None
    chosen = None
    if reply is not None:
        for tip in tips:
            if find_phrase(reply, _quoted_phrases(tip)):
                chosen = tip
                break
    if chosen is None:
        chosen = tips[index % len(tips)]
    suggestions = chosen.suggestions()
    return chosen, suggestions[index % len(suggestions)]
