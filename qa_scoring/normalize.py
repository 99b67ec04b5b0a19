"""Composable, Turkish-aware text normalisation in the style of jiwer transforms.

Each transform is a small callable object. Called on a ``str`` it returns a ``str``; called on a
``list[str]`` it returns a new list with the transform applied to every item. Transforms are chained with
:class:`Compose`::

    from qa_scoring.normalize import Compose, NFC, TurkishLowercase, RemovePunctuation, CollapseWhitespace

    pipeline = Compose([NFC(), TurkishLowercase(), RemovePunctuation(), CollapseWhitespace()])
    pipeline("İYİ GÜNLER, Hoş geldiniz!")  # -> "iyi günler hoş geldiniz"

Named presets (see :data:`PRESETS` and :func:`get_preset`):

``none``
    Identity; the text is returned unchanged.
``clean``
    NFC, control/format characters removed, typographic quotes normalised, whitespace collapsed, stripped.
    Case and punctuation are kept: this is the text the scoring model sees.
``match``
    ``clean`` + Turkish lower case ("I" → "ı", "İ" → "i") + punctuation removed + whitespace collapsed.
    For comparing texts (WER, keyword matching).
``match_ascii``
    ``match`` + ASCII folding of Turkish letters ("ç ğ ı ö ş ü" → "c g i o s u"), for comparing text typed
    without Turkish letters: "Teşekkür ederim" and "TESEKKUR EDERIM" give the same string.
``chat``
    ``match_ascii`` with :class:`ExpandChatShorthand` applied before the folding ("slm tşk" → "selam
    tesekkurler").

Apostrophes: :class:`RemovePunctuation` *joins* a word-internal apostrophe ("Ayşe'nin" → "Ayşenin") instead
of splitting the word, because ASR output and chat text usually write suffixes without the apostrophe
("ayşenin"); joining makes both spellings compare equal. Other punctuation becomes a space.

:func:`jiwer_transform` and :func:`jiwer_char_transform` wrap a preset into a ``jiwer.Compose`` that can be
passed as ``reference_transform`` / ``hypothesis_transform`` to ``jiwer.wer``, ``jiwer.cer`` and
``jiwer.process_words``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import overload

import jiwer

from .errors import ConfigError
from .turkish import ascii_fold, turkish_lower, turkish_upper

logger = logging.getLogger(__name__)

__all__ = [
    "CHAT_SHORTHAND",
    "PRESETS",
    "AsciiFold",
    "CollapseWhitespace",
    "Compose",
    "ExpandChatShorthand",
    "NFC",
    "NormalizeQuotes",
    "RemoveControlChars",
    "RemovePunctuation",
    "Strip",
    "Transform",
    "TurkishLowercase",
    "TurkishUppercase",
    "get_preset",
    "jiwer_char_transform",
    "jiwer_transform",
    "normalize",
]


class Transform(ABC):
    """Base class: a text transform callable on a string or on a list of strings.

    Subclasses implement :meth:`apply` for a single string.
    """

    @overload
    def __call__(self, text: str) -> str: ...

    @overload
    def __call__(self, text: list[str]) -> list[str]: ...

    def __call__(self, text: str | list[str]) -> str | list[str]:
        """Apply the transform to one string or to every string of a list.

        Args:
            text: A string or a list of strings.

        Returns:
            The transformed string, or a new list of transformed strings.

        Raises:
            TypeError: if ``text`` is neither a string nor a list of strings.
        """
        if isinstance(text, str):
            return self.apply(text)
        if isinstance(text, list):
            out: list[str] = []
            for i, item in enumerate(text):
                if not isinstance(item, str):
                    raise TypeError(
                        f"{type(self).__name__} expected a list of strings, found {type(item).__name__} "
                        f"at index {i}; convert the items with str() first"
                    )
                out.append(self.apply(item))
            return out
        raise TypeError(f"{type(self).__name__} expected a str or a list of str, found {type(text).__name__}")

    @abstractmethod
    def apply(self, text: str) -> str:
        """Transform a single string (implemented by subclasses)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class NFC(Transform):
    """Unicode NFC composition: "I" + U+0307 becomes "İ", "s" + U+0327 becomes "ş"."""

    def apply(self, text: str) -> str:
        return unicodedata.normalize("NFC", text)


class RemoveControlChars(Transform):
    """Remove control and invisible format characters.

    Removed: C0/C1 control characters (category ``Cc``) except tab, newline, carriage return, vertical tab
    and form feed, which become a space; format characters (``Cf``: zero-width space/joiners, BOM, soft
    hyphen, bidi marks); lone surrogates (``Cs``).
    """

    _WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c")

    def apply(self, text: str) -> str:
        out: list[str] = []
        for ch in text:
            if ch in self._WHITESPACE_CONTROLS:
                out.append(" ")
            elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
                continue
            else:
                out.append(ch)
        return "".join(out)


class TurkishLowercase(Transform):
    """Lower case with Turkish rules: "I" → "ı", "İ" → "i" (also a decomposed "I" + U+0307).

    A stray combining dot left by a non-Turkish lower-casing ("i" + U+0307, what ``"İ".lower()`` gives) is
    removed as well.
    """

    def apply(self, text: str) -> str:
        return turkish_lower(text).replace("i\u0307", "i")


class TurkishUppercase(Transform):
    """Upper case with Turkish rules: "i" → "İ", "ı" → "I"."""

    def apply(self, text: str) -> str:
        return turkish_upper(text)


class AsciiFold(Transform):
    """Replace Turkish letters (and circumflexed vowels) by ASCII look-alikes: "ışık" → "isik".

    Only the letters handled by :func:`qa_scoring.turkish.ascii_fold` are folded; other characters are kept.
    """

    def apply(self, text: str) -> str:
        return ascii_fold(text)


_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"
_INTRA_WORD_APOSTROPHE = re.compile(rf"(?<=\w)[{re.escape(_APOSTROPHES)}](?=\w)")


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") or ch in _APOSTROPHES


class RemovePunctuation(Transform):
    """Replace Unicode punctuation (categories ``P*``: . , ! ? … “ ” ‘ ’ « » - etc.) by a space.

    A word-internal apostrophe (between two letters/digits: "Ayşe'nin", "2024'te") is handled first:

    * ``keep_apostrophe=False`` (default): it is removed and the word is joined: "Ayşe'nin" → "Ayşenin".
    * ``keep_apostrophe=True``: it is kept as written: "Ayşe'nin" stays "Ayşe'nin".

    Apostrophes that are not inside a word (used as quotes) are treated as punctuation. Symbols such as
    "+", "=", "₺", "$" are not punctuation and are kept ("%" is Unicode punctuation and is removed).
    Follow with :class:`CollapseWhitespace` to merge the spaces left behind.

    Args:
        keep_apostrophe: Keep word-internal apostrophes instead of joining the word.
    """

    def __init__(self, keep_apostrophe: bool = False) -> None:
        self.keep_apostrophe = bool(keep_apostrophe)

    def apply(self, text: str) -> str:
        inside = {m.start() for m in _INTRA_WORD_APOSTROPHE.finditer(text)}
        out: list[str] = []
        for i, ch in enumerate(text):
            if i in inside:
                if self.keep_apostrophe:
                    out.append(ch)
            elif _is_punctuation(ch):
                out.append(" ")
            else:
                out.append(ch)
        return "".join(out)

    def __repr__(self) -> str:
        return f"RemovePunctuation(keep_apostrophe={self.keep_apostrophe})"


_QUOTE_MAP = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\uff02": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u2039": "'",
        "\u203a": "'",
        "\uff07": "'",
    }
)


class NormalizeQuotes(Transform):
    """Replace typographic quotes by ASCII ones: “ ” „ « » → ``"`` and ‘ ’ ‚ ‹ › ʼ → ``'``."""

    def apply(self, text: str) -> str:
        return text.translate(_QUOTE_MAP)


_WHITESPACE_RUN = re.compile(r"\s+")


class CollapseWhitespace(Transform):
    """Replace every run of Unicode whitespace (incl. newlines and no-break spaces) by a single space."""

    def apply(self, text: str) -> str:
        return _WHITESPACE_RUN.sub(" ", text)


class Strip(Transform):
    """Remove leading and trailing whitespace."""

    def apply(self, text: str) -> str:
        return text.strip()


#: Common Turkish chat shorthand and the full word it stands for. Only unambiguous forms are listed;
#: deliberately left out: "sn" (sayın / saniye / sen), "sa" (selamün aleyküm / saat), "as", "hk"
#: (hakkında / hak), "bn" (ben / bin), "ok".
CHAT_SHORTHAND: Mapping[str, str] = MappingProxyType(
    {
        "slm": "selam",
        "slmlar": "selamlar",
        "mrb": "merhaba",
        "mrhb": "merhaba",
        "mrhba": "merhaba",
        "tşk": "teşekkürler",
        "tsk": "teşekkürler",
        "tskler": "teşekkürler",
        "tşkler": "teşekkürler",
        "tşkr": "teşekkürler",
        "tşkrlr": "teşekkürler",
        "tmm": "tamam",
        "tm": "tamam",
        "nbr": "ne haber",
        "bi": "bir",
        "cnm": "canım",
        "kib": "kendine iyi bak",
        "yk": "yok",
        "nasi": "nasıl",
        "grşz": "görüşürüz",
        "evt": "evet",
        "hyr": "hayır",
        "tbi": "tabii",
        "dk": "dakika",
        "msj": "mesaj",
        "nrde": "nerede",
        "yrn": "yarın",
    }
)

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")


class ExpandChatShorthand(Transform):
    """Expand Turkish chat shorthand ("slm" → "selam", "tşk" → "teşekkürler") on whole words only.

    Words are looked up case-insensitively and with or without Turkish letters, so "tşk", "tsk" and "TSK"
    are all expanded. The expansion is written in lower case with Turkish letters. Words that merely start
    with a shorthand ("bilgi", "tmmdır") are not touched.

    Args:
        table: Shorthand → full form; defaults to :data:`CHAT_SHORTHAND`.

    Raises:
        ConfigError: if the table is not a mapping of non-empty strings to strings.
    """

    def __init__(self, table: Mapping[str, str] | None = None) -> None:
        source = CHAT_SHORTHAND if table is None else table
        if not isinstance(source, Mapping):
            raise ConfigError(f"shorthand table must be a mapping of word -> expansion, found {type(source).__name__}")
        lookup: dict[str, str] = {}
        for key, value in source.items():
            if not isinstance(key, str) or not key.strip() or not isinstance(value, str):
                raise ConfigError(
                    f"shorthand table entries must map a non-empty word to a string, found {key!r}: "
                    f"{value!r}; fix or remove that entry"
                )
            lookup[self._key(key)] = value
        self._lookup = lookup

    @staticmethod
    def _key(word: str) -> str:
        return ascii_fold(turkish_lower(word.strip()))

    def apply(self, text: str) -> str:
        lookup = self._lookup

        def _expand(match: re.Match[str]) -> str:
            word = match.group(0)
            return lookup.get(self._key(word), word)

        return _WORD.sub(_expand, text)

    def __repr__(self) -> str:
        return f"ExpandChatShorthand({len(self._lookup)} entries)"


class Compose(Transform):
    """Apply several transforms one after the other.

    Args:
        transforms: Transform objects, or any callables taking and returning a ``str``.

    Raises:
        ConfigError: if an item is not callable.
    """

    def __init__(self, transforms: Iterable[Transform | Callable[[str], str]]) -> None:
        items = tuple(transforms)
        for i, item in enumerate(items):
            if not callable(item):
                raise ConfigError(
                    f"Compose expected callable transforms, found {type(item).__name__} at position {i}; "
                    "pass transform objects such as TurkishLowercase()"
                )
        self.transforms: tuple[Transform | Callable[[str], str], ...] = items

    def apply(self, text: str) -> str:
        for transform in self.transforms:
            text = transform(text)
            if not isinstance(text, str):
                raise TypeError(
                    f"transform {transform!r} returned {type(text).__name__}, expected str; "
                    "jiwer Reduce* transforms belong in jiwer_transform(), not in Compose"
                )
        return text

    def __len__(self) -> int:
        return len(self.transforms)

    def __repr__(self) -> str:
        return f"Compose([{', '.join(repr(t) for t in self.transforms)}])"


def _clean_steps() -> list[Transform]:
    return [NFC(), RemoveControlChars(), NormalizeQuotes(), CollapseWhitespace(), Strip()]


def _match_steps() -> list[Transform]:
    return [*_clean_steps(), TurkishLowercase(), RemovePunctuation(), CollapseWhitespace(), Strip()]


#: The named presets. Transforms are stateless, so the shared objects are safe to reuse.
PRESETS: Mapping[str, Compose] = MappingProxyType(
    {
        "none": Compose([]),
        "clean": Compose(_clean_steps()),
        "match": Compose(_match_steps()),
        "match_ascii": Compose([*_match_steps(), AsciiFold()]),
        "chat": Compose([*_match_steps(), ExpandChatShorthand(), AsciiFold(), CollapseWhitespace(), Strip()]),
    }
)


def get_preset(name: str) -> Compose:
    """Return the named normalisation preset.

    Args:
        name: One of ``none``, ``clean``, ``match``, ``match_ascii``, ``chat`` (case-insensitive).

    Returns:
        The preset pipeline.

    Raises:
        ConfigError: if the name is unknown.
    """
    key = name.strip().lower() if isinstance(name, str) else None
    if key not in PRESETS:
        raise ConfigError(f"unknown normalisation preset {name!r}; expected one of: {', '.join(PRESETS)}")
    return PRESETS[key]


def normalize(text: str, preset: str | Compose = "clean") -> str:
    """Normalise ``text`` with a named preset (default ``clean``) or a :class:`Compose` pipeline.

    Args:
        text: The text to normalise.
        preset: A preset name or a pipeline.

    Returns:
        The normalised text.

    Raises:
        ConfigError: if the preset name is unknown.
        TypeError: if ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() expected a str, found {type(text).__name__}")
    pipeline = preset if isinstance(preset, Compose) else get_preset(preset)
    return pipeline(text)


class _JiwerAdapter(jiwer.AbstractTransform):
    """Runs one of our pipelines inside a ``jiwer.Compose``."""

    def __init__(self, pipeline: Compose) -> None:
        self.pipeline = pipeline

    def process_string(self, s: str) -> str:
        return self.pipeline.apply(s)

    def __repr__(self) -> str:
        return f"_JiwerAdapter({self.pipeline!r})"


def jiwer_transform(preset: str = "match") -> jiwer.Compose:
    """A jiwer pipeline for word-level measures (WER, MER, WIL) using a normalisation preset.

    Use it as ``reference_transform`` and ``hypothesis_transform`` of ``jiwer.wer`` or
    ``jiwer.process_words``. It ends with ``jiwer.ReduceToListOfListOfWords``.

    Args:
        preset: A preset name (see :data:`PRESETS`).

    Returns:
        A ``jiwer.Compose``.

    Raises:
        ConfigError: if the preset name is unknown.
    """
    return jiwer.Compose([_JiwerAdapter(get_preset(preset)), jiwer.ReduceToListOfListOfWords()])


def jiwer_char_transform(preset: str = "match") -> jiwer.Compose:
    """A jiwer pipeline for character error rate (``jiwer.cer``) using a normalisation preset.

    It ends with ``jiwer.ReduceToListOfListOfChars``; spaces count as characters.

    Args:
        preset: A preset name (see :data:`PRESETS`).

    Returns:
        A ``jiwer.Compose``.

    Raises:
        ConfigError: if the preset name is unknown.
    """
    return jiwer.Compose([_JiwerAdapter(get_preset(preset)), jiwer.ReduceToListOfListOfChars()])
