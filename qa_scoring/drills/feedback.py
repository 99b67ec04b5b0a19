"""Turkish feedback for drill replies: choosing the rubric tip that fits a reply, choosing one of a scenario's
better phrasings, and joining skill names."""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Sequence

from ..rubric import SUGGESTION_PREFIX, Skill, Tip
from .matching import NormalizedText, find_phrase

__all__ = ["as_suggestion", "choose_phrasing", "join_tr", "pick_tip"]

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


def as_suggestion(phrasing: str) -> str:
    """A better phrasing as the trainee reads it: ``Şöyle deneyebilirsiniz: “…”`` (as :meth:`Tip.suggestions`)."""
    return f"{SUGGESTION_PREFIX} “{phrasing}”"


def choose_phrasing(
    phrasings: Sequence[str], rng: random.Random, used: Collection[str] = (), last: str | None = None
) -> str:
    """Pick one of a scenario's better phrasings, reproducibly for ``rng``.

    A phrasing not in ``used`` is preferred; when all have been used, any but ``last`` (so the same suggestion is
    never given twice in a row while the list has another one).

    Raises:
        ValueError: If ``phrasings`` is empty.
    """
    if not phrasings:
        raise ValueError("choose_phrasing() needs at least one phrasing")
    fresh = [p for p in phrasings if p not in used]
    if not fresh:
        fresh = [p for p in phrasings if p != last] or list(phrasings)
    return fresh[rng.randrange(len(fresh))]
