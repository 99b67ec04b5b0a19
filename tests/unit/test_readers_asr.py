"""Speech-recognition / diarisation JSON: choosing and guessing the agent."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.readers import parse_transcripts, read_transcripts
from qa_scoring.transcript import Speaker

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"
A, C = Speaker.AGENT, Speaker.CUSTOMER


def asr(*segments: tuple[str | None, str], **top: Any) -> str:
    segs = [{"start": float(i), "end": i + 0.9, "speaker": s, "text": t} for i, (s, t) in enumerate(segments)]
    for seg in segs:
        if seg["speaker"] is None:
            del seg["speaker"]
    return json.dumps({**top, "segments": segs}, ensure_ascii=False)


def test_fixture_guess_is_recorded_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="qa_scoring.readers"):
        [call] = read_transcripts(FIXTURES / "tel-553.json")
    assert (call.call_id, call.agent_id) == ("tel-553", "A-9")
    assert [t.speaker for t in call.turns] == [C, A, C, A]
    guess = call.metadata["agent_speaker_guess"]
    assert (guess["speaker"], guess["method"]) == ("SPEAKER_00", "greeting")
    assert guess["score"] > 0 and "müşteri hizmetleri" in guess["evidence"]
    assert call.metadata["source"]["format"] == "asr"
    assert "agent speaker guessed as SPEAKER_00" in caplog.text
    assert "internetim" not in caplog.text  # never log transcript text


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("merhaba ben aradım", "Hoş geldiniz, size nasıl yardımcı olabilirim?"),
        ("alo", "hos geldiniz size nasil yardimci olabilirim"),  # ASCII-folded ASR output
        ("ALO", "İYİ GÜNLER, ADIM SELİN, TELEKOM ÇAĞRI MERKEZİ"),
        ("faturam yanlış", "EnerjiNet Müşteri Hizmetleri, sizi dinliyorum"),
    ],
)
def test_greeting_guess(first: str, second: str) -> None:
    [call] = parse_transcripts(
        asr(("SPEAKER_00", first), ("SPEAKER_01", second), ("SPEAKER_00", "tamam")),
        format="asr",
        source_name="g.json",
    )
    assert call.call_id == "g"
    assert [t.speaker for t in call.turns] == [C, A, C]
    assert call.metadata["agent_speaker_guess"]["method"] == "greeting"


def test_first_speaker_fallback() -> None:
    [call] = parse_transcripts(asr(("SPEAKER_03", "evet"), ("SPEAKER_07", "hayır")), format="json")
    assert call.metadata["agent_speaker_guess"] == {
        "speaker": "SPEAKER_03",
        "method": "first_speaker",
        "score": 0.0,
        "evidence": [],
        "scores": {"SPEAKER_03": 0.0, "SPEAKER_07": 0.0},
    }
    assert [t.speaker for t in call.turns] == [A, C]


@pytest.mark.parametrize(
    ("agent_speaker", "expected"),
    [
        ("SPEAKER_01", [C, A, C]),
        ("speaker_01", [C, A, C]),
        ({"SPEAKER_00": "agent", "SPEAKER_02": "system"}, [A, C, Speaker.SYSTEM]),
    ],
)
def test_given_agent_speaker(agent_speaker: Any, expected: list[Speaker]) -> None:
    text = asr(("SPEAKER_00", "hoş geldiniz"), ("SPEAKER_01", "a"), ("SPEAKER_02", "b"))
    [call] = parse_transcripts(text, format="asr", agent_speaker=agent_speaker)
    assert [t.speaker for t in call.turns] == expected
    assert "agent_speaker_guess" not in call.metadata


def test_role_labels_are_used_without_guessing() -> None:
    [call] = parse_transcripts(asr(("Müşteri", "alo"), ("Temsilci", "buyurun")), format="asr")
    assert [t.speaker for t in call.turns] == [C, A]
    assert "agent_speaker_guess" not in call.metadata


@pytest.mark.parametrize(
    ("text", "options", "match"),
    [
        (
            asr(("SPEAKER_00", "a"), ("SPEAKER_01", "b")),
            {"agent_speaker": "SPEAKER_02"},
            r"agent_speaker 'SPEAKER_02' is not in the file; speakers present: 'SPEAKER_00', 'SPEAKER_01'",
        ),
        (asr(("SPEAKER_00", "a"), (None, "b")), {}, r"segments\[1\]: segment has no 'speaker'"),
        (asr(("SPEAKER_00", "a"), ("", "b")), {}, r"segments\[1\]: segment has no 'speaker'"),
        (
            json.dumps({"segments": [{"speaker": "S", "text": 5}]}),
            {},
            r"segments\[0\]: 'text' expected a string",
        ),
        (
            json.dumps({"segments": [{"speaker": "S", "text": "a", "start": "x"}]}),
            {},
            r"segments\[0\]: 'start' expected",
        ),
        (json.dumps({"segments": []}), {}, r"no segment with text"),
        (json.dumps({"turns": []}), {}, r"expected a JSON object with a 'segments' list"),
        (
            asr(("SPEAKER_00", "a")),
            {"agent_speaker": {"SPEAKER_00": "customer"}},
            r"has no agent turn.*--agent-speaker",
        ),
    ],
)
def test_asr_errors(text: str, options: dict[str, Any], match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        parse_transcripts(text, format="asr", **options)
