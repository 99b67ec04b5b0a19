"""Speech-recognition / diarisation JSON (WhisperX / pyannote style) with a top-level ``segments`` list.

Which diarised speaker is the agent comes from ``agent_speaker`` (CLI ``--agent-speaker``) or is guessed
from greeting and service phrases in each speaker's first segments ("hoş geldiniz", "size nasıl yardımcı
olabilirim", "müşteri hizmetleri", "ben Ayşe"…), matched after Turkish lower-casing and ASCII folding. The
guess is recorded in ``metadata["agent_speaker_guess"]`` and logged as a warning. Other speakers become
customer turns unless ``agent_speaker`` is a mapping that says otherwise.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..speakers import parse_speaker
from ..transcript import Speaker, Transcript, Turn
from ..turkish import ascii_fold, turkish_lower
from .common import (
    ReadContext,
    build_transcript,
    call_id_from,
    make_turn,
    parse_call_fields,
    parse_time,
)

logger = logging.getLogger(__name__)

#: How many of each speaker's first segments are searched for greeting phrases.
GREETING_WINDOW = 3

#: (evidence name, pattern on folded text, weight). Patterns run on ASCII-folded Turkish lower case.
AGENT_PHRASES: tuple[tuple[str, re.Pattern[str], float], ...] = tuple(
    (name, re.compile(pattern), weight)
    for name, pattern, weight in (
        ("hoş geldiniz", r"\bhos ?geldiniz\b", 2.0),
        ("nasıl yardımcı olabilirim", r"\bnasil yardimci ol(?:abilirim|abiliriz)\b", 3.0),
        ("yardımcı olabilirim", r"\byardimci olabilir(?:im|iz)\b", 1.0),
        ("müşteri hizmetleri", r"\bmusteri hizmetler", 2.0),
        ("çağrı merkezi", r"\bcagri merkezi", 1.5),
        ("sizi dinliyorum", r"\bsizi dinliyorum\b", 2.0),
        (
            "ben <ad>",
            r"\bben (?!de\b|da\b|bir\b|bu\b|su\b|sadece\b|simdi\b|size\b|sizi\b|hala\b|zaten\b)[a-z]{3,}\b",
            1.0,
        ),
        ("adım <ad>", r"\b(?:benim )?adim [a-z]{3,}\b", 1.0),
        ("iyi günler", r"\biyi gunler\b", 0.5),
        ("kayıt altına", r"\bkayit altina alin", 1.0),
    )
)


def fold_text(text: str) -> str:
    """Turkish lower case, ASCII-folded, punctuation replaced by spaces (for phrase matching)."""
    folded = ascii_fold(turkish_lower(text))
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def score_greeting(texts: list[str]) -> tuple[float, list[str]]:
    """Score texts for agent greeting/service phrases.

    Returns:
        The total weight and the names of the phrases found (fixed phrase names, never the text itself).
    """
    joined = " ".join(fold_text(t) for t in texts)
    score = 0.0
    evidence: list[str] = []
    for name, pattern, weight in AGENT_PHRASES:
        if pattern.search(joined):
            score += weight
            evidence.append(name)
    return score, evidence


def guess_agent(first_texts: Mapping[str, list[str]], order: list[str]) -> dict[str, Any]:
    """Guess the agent among diarised speakers.

    Args:
        first_texts: Each speaker's first segment texts.
        order: Speakers in order of first appearance.

    Returns:
        ``{"speaker", "method" ("greeting" or "first_speaker"), "score", "evidence", "scores"}``.
    """
    scored = {s: score_greeting(first_texts[s][:GREETING_WINDOW]) for s in order}
    ranking = sorted(order, key=lambda s: -scored[s][0])
    top = ranking[0]
    second = scored[ranking[1]][0] if len(ranking) > 1 else 0.0
    scores = {s: scored[s][0] for s in order}
    if scored[top][0] > 0 and scored[top][0] > second:
        return {
            "speaker": top,
            "method": "greeting",
            "score": scored[top][0],
            "evidence": scored[top][1],
            "scores": scores,
        }
    return {
        "speaker": order[0],
        "method": "first_speaker",
        "score": scored[order[0]][0],
        "evidence": scored[order[0]][1],
        "scores": scores,
    }


def _speaker_map(
    order: list[str], first_texts: Mapping[str, list[str]], ctx: ReadContext, call_id: str
) -> tuple[dict[str, Speaker], dict[str, Any] | None]:
    option = ctx.agent_speaker
    present = ", ".join(repr(s) for s in order)
    if isinstance(option, Mapping):
        mapping: dict[str, Speaker] = {}
        for label, role in option.items():
            if str(label) not in order:
                raise ctx.error(
                    f"agent_speaker maps {str(label)!r}, which is not in the file; speakers present: "
                    f"{present}"
                )
            speaker = role if isinstance(role, Speaker) else parse_speaker(str(role))
            mapping[str(label)] = speaker or Speaker.CUSTOMER
        return {s: mapping.get(s, Speaker.CUSTOMER) for s in order}, None
    if isinstance(option, str) and option.strip():
        wanted = option.strip()
        match = next((s for s in order if s == wanted), None) or next(
            (s for s in order if s.casefold() == wanted.casefold()), None
        )
        if match is None:
            raise ctx.error(
                f"agent_speaker {wanted!r} is not in the file; speakers present: {present}; pass one of them "
                "(CLI --agent-speaker)"
            )
        return {s: Speaker.AGENT if s == match else Speaker.CUSTOMER for s in order}, None
    # Labels that are already roles ("agent", "Temsilci", "Müşteri"): use them as they are.
    roles = {s: parse_speaker(s) for s in order}
    if all(r is not None for r in roles.values()) and Speaker.AGENT in roles.values():
        return {s: r for s, r in roles.items() if r is not None}, None
    guess = guess_agent(first_texts, order)
    logger.warning(
        "%s: call %s: agent speaker guessed as %s (method %s, score %.1f); pass agent_speaker= "
        "(CLI --agent-speaker) to set it",
        ctx.path,
        call_id,
        guess["speaker"],
        guess["method"],
        guess["score"],
    )
    return {s: Speaker.AGENT if s == guess["speaker"] else Speaker.CUSTOMER for s in order}, guess


def read_asr(data: Any, ctx: ReadContext) -> list[Transcript]:
    """Read one call from parsed diarisation JSON.

    Raises:
        TranscriptFormatError: for a missing ``segments`` list, a segment without speaker or text (naming the
            segment index), a bad time, or an ``agent_speaker`` not present in the file.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("segments"), list):
        raise ctx.error(
            "expected a JSON object with a 'segments' list (speech-recognition output), found "
            + (
                f"keys {', '.join(map(repr, list(data)[:8]))}"
                if isinstance(data, Mapping)
                else type(data).__name__
            )
        )
    call_id = call_id_from(data["call_id"], ctx, "JSON path $.call_id") if "call_id" in data else ctx.stem
    rows: list[tuple[str, str, float | None, float | None, str]] = []
    order: list[str] = []
    first_texts: dict[str, list[str]] = {}
    for index, seg in enumerate(data["segments"]):
        where = f"segments[{index}]"
        if not isinstance(seg, Mapping):
            raise ctx.error(f"expected a segment object, found {type(seg).__name__}", where)
        label = seg.get("speaker")
        if label is None or not str(label).strip():
            raise ctx.error(
                "segment has no 'speaker'; run diarisation (e.g. WhisperX with diarize) so every "
                "segment has a "
                "speaker such as SPEAKER_00, or fix the segment",
                where,
            )
        text = seg.get("text")
        if not isinstance(text, str):
            raise ctx.error(f"'text' expected a string, found {type(text).__name__}", where)
        label = str(label).strip()
        start = parse_time(seg.get("start"), ctx, where, "start")
        end = parse_time(seg.get("end"), ctx, where, "end")
        if not text.strip():
            continue
        if label not in first_texts:
            order.append(label)
            first_texts[label] = []
        first_texts[label].append(text)
        rows.append((label, text, start, end, where))
    if not rows:
        raise ctx.error("the 'segments' list has no segment with text; check the speech-recognition output")
    mapping, guess = _speaker_map(order, first_texts, ctx, call_id)
    turns: list[Turn] = [
        make_turn(ctx, mapping[label], text, s, e, where) for label, text, s, e, where in rows
    ]
    labels = Counter(label for label, *_ in rows)
    fields = parse_call_fields(
        {k: data.get(k) for k in ("agent_id", "team", "channel", "started_at")}, ctx, None
    )
    metadata: dict[str, Any] = {"speaker_map": {s: r.value for s, r in mapping.items()}}
    if guess is not None:
        metadata["agent_speaker_guess"] = guess
    if isinstance(data.get("metadata"), Mapping):
        metadata = {**data["metadata"], **metadata}
    return [build_transcript(ctx, call_id, turns, labels, fields, metadata)]
