"""Surface noise for generated turns: text typed without Turkish letters, speech-recognition output, chat.

Every style keeps the meaning, so the labels of a turn do not change (label guide: noisy text is labelled by
meaning exactly like clean text). Words that carry a label (negations, "maalesef", "ama", ...) are never dropped
or mangled. All randomness comes from the ``random.Random`` passed in, so the result is deterministic.

* ``ascii``: :func:`qa_scoring.turkish.ascii_fold` ("Teşekkür ederim" -> "Tesekkur ederim").
* ``asr``: Turkish lower case, all punctuation removed, thousands separators dropped ("1.250" -> "1250"),
  now and then one filler word dropped or one word misheard in a way a recogniser does ("ediyorum" ->
  "ediyom", "değil" -> "deil").
* ``chat``: lower case, common shorthand ("tamam" -> "tmm", "teşekkürler" -> "tşk", "bir" -> "bi",
  "değil" -> "diil", "misiniz" -> "mısnız"), colloquial "-yor" -> "-yo", a dropped letter, most punctuation
  gone, sometimes typed without Turkish letters.
"""

from __future__ import annotations

import random
import re

from ..normalize import CHAT_SHORTHAND, RemovePunctuation
from ..turkish import ascii_fold, turkish_lower

__all__ = ["NOISE_STYLES", "apply_noise"]

NOISE_STYLES: tuple[str, ...] = ("ascii", "asr", "chat")

_REMOVE_PUNCT = RemovePunctuation()
_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d)\.(?=\d{3}\b)")
_WORDS = re.compile(r"\S+")

# stems of words that carry a label; never dropped or altered by random edits
_PROTECTED = ("değil", "deil", "yok", "olmaz", "mümkün", "hayır", "ama", "maalesef", "ancak", "fakat", "yine",
              "hanım", "bey", "efendim", "lütfen", "özür", "teşekkür", "haklı", "kardeş", "abla", "abi",
              "kapat", "sonlandır", "acele", "tekrar", "anladı", "doğru", "hemen", "memnun")

# ASR: function words that may go missing without changing the meaning
_ASR_DROPPABLE = frozenset({"ve", "bir", "şu", "yani", "da", "de", "bu", "şey", "gerçekten", "çok", "şimdi"})

# ASR: what a recogniser writes for a spoken form (word-internal rules, applied to one word)
_ASR_MISHEAR: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"iyorum\b"), "iyom"),
    (re.compile(r"ıyorum\b"), "ıyom"),
    (re.compile(r"uyorum\b"), "uyom"),
    (re.compile(r"üyorum\b"), "üyom"),
    (re.compile(r"yor\b"), "yo"),
    (re.compile(r"ğı"), "ı"),
    (re.compile(r"ğu"), "u"),
    (re.compile(r"ğü"), "ü"),
    (re.compile(r"ği"), "i"),
    (re.compile(r"nk"), "ng"),
    (re.compile(r"(.)\1"), r"\1"),
    (re.compile(r"ecek\b"), "icek"),
    (re.compile(r"acak\b"), "ıcak"),
)

# chat: whole-word shorthand (the inverse of CHAT_SHORTHAND plus common typing habits)
_CHAT_WORDS: dict[str, tuple[str, ...]] = {
    "teşekkürler": ("tşk", "tşkler", "tsk"),
    "teşekkür": ("tşk", "tşkr"),
    "tamam": ("tmm", "tm"),
    "merhaba": ("mrb", "mrhb", "mrhba"),
    "selam": ("slm",),
    "bir": ("bi",),
    "değil": ("diil", "değl"),
    "misiniz": ("mısnız", "misnz"),
    "mısınız": ("mısnz", "mısnız"),
    "musunuz": ("musnuz", "musnz"),
    "müsünüz": ("müsnüz",),
    "miyim": ("miyim", "mym"),
    "şey": ("şi", "şey"),
    "lütfen": ("lütfn", "ltfn"),
    "efendim": ("efndm",),
    "gerçekten": ("gerçkten", "cidden"),
    "hemen": ("hmen",),
    "için": ("içn",),
    "çok": ("çk", "çoook"),
}
for _short, _full in CHAT_SHORTHAND.items():
    if " " not in _full and _full not in _CHAT_WORDS and len(_short) < len(_full) and not any(
        p in _full for p in ("yok", "hayır")
    ):
        _CHAT_WORDS[_full] = (_short,)
_CHAT_SUFFIX: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\w)yorum\b"), "yom"),
    (re.compile(r"(?<=\w)yoruz\b"), "yoz"),
    (re.compile(r"(?<=\w)yor\b"), "yo"),
    (re.compile(r"(?<=\w)ecek\b"), "cek"),
    (re.compile(r"(?<=\w)acak\b"), "cak"),
)
_VOWELS = "aeıioöuü"


def _protected(word: str) -> bool:
    w = word.strip(".,;:!?")
    return any(p in w for p in _PROTECTED) or any(ch.isdigit() for ch in w)


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _asr(text: str, rng: random.Random) -> str:
    t = turkish_lower(text)
    t = _THOUSANDS.sub("", t)
    t = _collapse(_REMOVE_PUNCT(t))
    words = t.split(" ")
    if len(words) > 4 and rng.random() < 0.35:
        idx = [i for i, w in enumerate(words) if w in _ASR_DROPPABLE]
        if idx:
            del words[rng.choice(idx)]
    if rng.random() < 0.4:
        cands = [i for i, w in enumerate(words) if len(w) >= 5 and not _protected(w)]
        rng.shuffle(cands)
        for i in cands[:3]:
            rules = [(rx, rep) for rx, rep in _ASR_MISHEAR if rx.search(words[i])]
            if rules:
                rx, rep = rng.choice(rules)
                words[i] = rx.sub(rep, words[i], count=1)
                break
    return _collapse(" ".join(words))


def _chat(text: str, rng: random.Random, fold: bool) -> str:
    t = turkish_lower(text)
    # most punctuation goes; question marks are often kept
    keep_q = rng.random() < 0.5
    t = re.sub(r"[.!;:…\"]+", " ", t)
    t = re.sub(r",", " " if rng.random() < 0.7 else ",", t)
    if not keep_q:
        t = t.replace("?", " ")
    words = _collapse(t).split(" ")
    out = []
    for w in words:
        core = w.rstrip(",?")
        tail = w[len(core):]
        alts = _CHAT_WORDS.get(core)
        if alts and rng.random() < 0.7:
            core = rng.choice(alts)
        elif not _protected(core) and rng.random() < 0.35:
            for rx, rep in _CHAT_SUFFIX:
                if rx.search(core):
                    core = rx.sub(rep, core, count=1)
                    break
        out.append(core + tail)
    # one dropped letter (a vowel inside a long word), as when typing fast
    if rng.random() < 0.5:
        cands = [i for i, w in enumerate(out) if len(w) >= 6 and not _protected(w)]
        if cands:
            i = rng.choice(cands)
            w = out[i]
            pos = [k for k in range(1, len(w) - 2) if w[k] in _VOWELS]
            if pos:
                k = rng.choice(pos)
                out[i] = w[:k] + w[k + 1:]
    t = _collapse(" ".join(out))
    return ascii_fold(t) if fold else t


def apply_noise(customer: str, agent: str, style: str, rng: random.Random) -> tuple[str, str]:
    """Apply one noise style to both sides of a turn.

    Args:
        customer: The customer line.
        agent: The agent reply.
        style: ``"clean"`` (unchanged) or one of :data:`NOISE_STYLES`.
        rng: The random source (the same seed gives the same output).

    Returns:
        The noisy (customer, agent) texts.

    Raises:
        ValueError: if ``style`` is unknown.
    """
    if style == "clean":
        return customer, agent
    if style == "ascii":
        return ascii_fold(customer), ascii_fold(agent)
    if style == "asr":
        return _asr(customer, rng), _asr(agent, rng)
    if style == "chat":
        fold = rng.random() < 0.35
        return _chat(customer, rng, fold), _chat(agent, rng, fold)
    raise ValueError(f"unknown noise style {style!r}; use 'clean' or one of {', '.join(NOISE_STYLES)}")
