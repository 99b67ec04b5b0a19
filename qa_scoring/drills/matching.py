"""Matching a trainee's reply against the phrase lists of a scenario.

Both the reply and each phrase are normalised with the ``match`` preset (Turkish lower case, punctuation removed)
and, for replies typed without Turkish letters, with ``match_ascii`` too. A phrase matches when it occurs at the
start of a word, so a stem catches Turkish suffixes: ``iade`` matches "iadenizi", ``kontrol ed`` matches
"kontrol ediyorum", and "KONTROL EDIYORUM" or "kontrol ediyorum" typed without Turkish letters match as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..normalize import normalize
from ..turkish import ascii_fold

__all__ = ["NormalizedText", "find_phrase", "is_question", "normalized"]

# Turkish question particles (written apart: "alabilir miyim", "doğru mu") and question words, ASCII-folded.
_QUESTION_RE = re.compile(
    r"(?<!\w)(m[iu](s[iu]n[iu]z|s[iu]n|y[iu]m|y[iu]z|d[iu]r|yd[iu]|ym[iu][sş])?"
    r"|nedir|neden|nasil|hangi\w*|nerede\w*|nereye|ne zaman|kac\w*|kim)(?!\w)"
)


@dataclass(frozen=True)
class NormalizedText:
    """A reply in the two forms phrases are matched against.

    Attributes:
        raw: The text as typed.
        plain: ``match`` preset: Turkish lower case, no punctuation.
        folded: ``plain`` with Turkish letters folded to ASCII.
    """

    raw: str
    plain: str
    folded: str


def normalized(text: str) -> NormalizedText:
    """Normalise ``text`` for phrase matching."""
    plain = normalize(text, "match")
    return NormalizedText(text, plain, ascii_fold(plain))


@lru_cache(maxsize=4096)
def _phrase_patterns(phrase: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    plain = normalize(phrase, "match")
    return (
        re.compile(r"(?<!\w)" + re.escape(plain)),
        re.compile(r"(?<!\w)" + re.escape(ascii_fold(plain))),
    )


def find_phrase(text: NormalizedText, phrases: Iterable[str]) -> str | None:
    """Return the first phrase of ``phrases`` found at the start of a word of ``text``, else ``None``.

    A phrase written with Turkish letters is matched in the Turkish text and, ASCII-folded, in the folded text,
    so "iade ediyorum", "İADE EDİYORUM" and "iade ediyorum" typed as "iade ediyorum" all match ``iade ed``.
    """
    for phrase in phrases:
        plain_re, folded_re = _phrase_patterns(phrase)
        if plain_re.search(text.plain) or folded_re.search(text.folded):
            return phrase
    return None


def is_question(text: NormalizedText) -> bool:
    """Whether the reply asks something: a question mark, a question particle ("mı", "misiniz") or a question
    word ("nedir", "nasıl", "hangi", "ne zaman", "kaç")."""
    return "?" in text.raw or bool(_QUESTION_RE.search(text.folded))
