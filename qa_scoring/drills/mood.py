"""The simulated customer's mood: :class:`Mood`, four ordered levels from calm to furious."""

from __future__ import annotations

from enum import IntEnum

from ..turkish import fold_key

__all__ = ["MOOD_KEYS", "Mood"]


class Mood(IntEnum):
    """How upset the simulated customer is; higher is angrier.

    Each member has an ASCII key used in scenario files (``sakin``, ``gergin``, ``kizgin``, ``ofkeli``), a
    Turkish display name (:attr:`name_tr`) and an emoji for the app (:attr:`emoji`).
    """

    CALM = 0
    TENSE = 1
    ANGRY = 2
    FURIOUS = 3

    @property
    def key(self) -> str:
        """ASCII key used in scenario YAML files: ``sakin``, ``gergin``, ``kizgin``, ``ofkeli``."""
        return _KEYS[self]

    @property
    def name_tr(self) -> str:
        """Turkish display name: "Sakin", "Gergin", "Kızgın", "Öfkeli"."""
        return _NAMES_TR[self]

    @property
    def emoji(self) -> str:
        """A face for the mood gauge in the app."""
        return _EMOJI[self]

    @classmethod
    def parse(cls, value: Mood | int | str) -> Mood:
        """Read a mood from a member, its number (0–3) or a Turkish name/key in any case, with or without
        Turkish letters ("Kızgın", "kizgin", "KIZGIN"); English member names ("angry") are accepted too.

        Raises:
            ValueError: If ``value`` names no mood (the message lists the allowed keys).
        """
        if isinstance(value, Mood):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                raise ValueError(f"mood number must be 0–3, found {value}") from None
        if isinstance(value, str):
            folded = fold_key(value)
            for member in cls:
                if folded in (member.key, member.name.lower()):
                    return member
        raise ValueError(f"unknown mood {value!r} → use one of: {', '.join(MOOD_KEYS)}")


_KEYS = {Mood.CALM: "sakin", Mood.TENSE: "gergin", Mood.ANGRY: "kizgin", Mood.FURIOUS: "ofkeli"}
_NAMES_TR = {Mood.CALM: "Sakin", Mood.TENSE: "Gergin", Mood.ANGRY: "Kızgın", Mood.FURIOUS: "Öfkeli"}
_EMOJI = {Mood.CALM: "🙂", Mood.TENSE: "😐", Mood.ANGRY: "😠", Mood.FURIOUS: "😡"}

MOOD_KEYS: tuple[str, ...] = tuple(_KEYS[m] for m in Mood)
"""Mood keys in order from calm to furious, as written in scenario files."""
