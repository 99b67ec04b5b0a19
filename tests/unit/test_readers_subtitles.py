"""WebVTT and SRT subtitles."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.readers import parse_transcripts, read_transcripts
from qa_scoring.transcript import Speaker

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"
A, C = Speaker.AGENT, Speaker.CUSTOMER


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "destek.vtt",
            [
                (A, "İyi günler, destek hattı.", 1.0, 4.0),
                (C, "Modemim & internetim çalışmıyor.", 4.5, 7.0),
                (A, "Hemen kontrol ediyorum.", 7.2, 9.0),
            ],
        ),
        (
            "destek.srt",
            [
                (A, "İyi günler, destek hattı.", 1.0, 4.0),
                (C, "Modemim çalışmıyor.", 4.5, 7.0),
                (A, "Hemen kontrol ediyorum.", 67.2, 69.0),
            ],
        ),
    ],
)
def test_fixture_cues(name: str, expected: list[tuple[Speaker, str, float, float]]) -> None:
    [call] = read_transcripts(FIXTURES / name)
    assert call.call_id == "destek"
    assert [(t.speaker, t.text, t.start, t.end) for t in call.turns] == expected
    assert call.metadata["source"]["format"] == Path(name).suffix[1:]


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        (  # cue without speaker: a new turn of the previous cue's speaker
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Temsilci>Merhaba\n\n00:02.500 --> 00:03.000\nnasılsınız\n",
            "vtt",
            [(A, "Merhaba", 1.0, 2.0), (A, "nasılsınız", 2.5, 3.0)],
        ),
        (  # two voices in one cue, multi-line text joined
            "WEBVTT\n\nc1\n00:00:01.000 --> 00:00:05.000 align:start\n"
            "<v MÜŞTERİ>Alo</v>\n<v temsilci>Buyurun,\n"
            "<c.vurgu>dinliyorum</c></v>\n",
            "vtt",
            [(C, "Alo", 1.0, 5.0), (A, "Buyurun, dinliyorum", 1.0, 5.0)],
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,500\nM: <i>Alo</i>\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nT - Buyurun\n",
            "srt",
            [(C, "Alo", 1.0, 2.5), (A, "Buyurun", 3.0, 4.0)],
        ),
    ],
)
def test_cue_speakers(text: str, fmt: str, expected: list[tuple[Speaker, str, float, float]]) -> None:
    [call] = parse_transcripts(text, format=fmt, source_name=f"kayit.{fmt}")
    assert [(t.speaker, t.text, t.start, t.end) for t in call.turns] == expected


@pytest.mark.parametrize(
    ("text", "fmt", "match"),
    [
        ("00:01.000 --> 00:02.000\nTemsilci: a\n", "vtt", r"line 1: expected 'WEBVTT' on the first line"),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nmerhaba\n",
            "vtt",
            r"line 4: expected the first cue to name its speaker",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ahmet Bey>merhaba\n",
            "vtt",
            r"line 4: speaker 'Ahmet Bey' expected one of",
        ),
        (
            "WEBVTT\n\nbir\niki\nüç\n",
            "vtt",
            r"line 3: expected a cue timing line such as '00:00:01.000 --> 00:00:04.000'",
        ),
        ("1\n00:00:01,000 --> 00:0x:02,000\nT: a\n", "srt", r"line 2: 'end' expected seconds"),
        (
            "1\n00:00:03,000 --> 00:00:02,000\nT: a\n",
            "srt",
            r"line 3: turn ends \(2.0s\) before it starts \(3.0s\)",
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nMüşteri: a\n",
            "srt",
            r"has no agent turn; speaker labels found: 'Müşteri'",
        ),
    ],
)
def test_subtitle_errors(text: str, fmt: str, match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        parse_transcripts(text, format=fmt)
