"""Our JSON format, JSONL, the JSON Schema and the to_dict/from_dict round trip."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.readers import parse_transcripts, read_transcripts
from qa_scoring.transcript import Channel, Speaker, Transcript

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"
SCHEMA = json.loads(
    (Path(__file__).parents[2] / "qa_scoring" / "schemas" / "transcript.schema.json").read_text(encoding="utf-8")
)
CALL = {
    "call_id": "k-1",
    "turns": [{"speaker": "Temsilci", "text": "Merhaba"}, {"speaker": "M", "text": "Selam"}],
}


def test_canonical_fixture() -> None:
    [call] = read_transcripts(FIXTURES / "kargo-0031.json")
    assert call.call_id == "kargo-2024-05-14-0031"
    assert (call.agent_id, call.team) == ("A-1042", "Kargo Destek")
    assert call.metadata["queue"] == "şikayet"
    assert call.metadata["source"] == {
        "path": str(FIXTURES / "kargo-0031.json"),
        "format": "json",
        "encoding": "utf-8",
        "removed_control_chars": 0,
    }


@pytest.mark.parametrize(
    "name",
    [
        "kargo-0031.json",
        "chats.jsonl",
        "turkish_excel.csv",
        "enerji-0007.txt",
        "destek.vtt",
        "destek.srt",
        "tel-553.json",
    ],
)
def test_schema_validates_and_round_trip_is_equal(name: str) -> None:
    for call in read_transcripts(FIXTURES / name):
        data = call.to_dict()
        jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
        assert Transcript.from_dict(json.loads(json.dumps(data))) == call


@pytest.mark.parametrize(
    "bad",
    [
        {"call_id": "x"},
        {"call_id": "", "turns": []},
        {"call_id": "x", "turns": [{"speaker": "Temsilci", "text": "a"}]},
        {"call_id": "x", "turns": [{"speaker": "agent", "text": "a", "start": -1}]},
        {"call_id": "x", "channel": "faks", "turns": []},
        [],
    ],
)
def test_schema_rejects_invalid_documents(bad: object) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_list_of_calls_and_labels() -> None:
    calls = parse_transcripts(json.dumps([CALL, {**CALL, "call_id": 7, "channel": "chat"}]), format="json")
    assert [c.call_id for c in calls] == ["k-1", "7"]
    assert [t.speaker for t in calls[0].turns] == [Speaker.AGENT, Speaker.CUSTOMER]
    assert calls[1].channel is Channel.CHAT


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        (
            '{"call_id": "a", "turns": [\n  {"speaker": "agent" "text": "x"}\n]}',
            r"line 2, column 23: not valid JSON: Expecting ',' delimiter; check for a missing comma",
        ),
        (
            '{"call_id": "a", "turns": []}\n{"call_id": "b"}',
            r"line 2, column 1: not valid JSON: Extra data.*format='jsonl'",
        ),
        (
            json.dumps(
                {
                    "call_id": "a",
                    "turns": [{"speaker": "agent", "text": "x"}, {"speaker": "müdür", "text": "y"}],
                }
            ),
            r"JSON path \$\.turns\[1\]: speaker 'müdür' expected one of agent/customer/system",
        ),
        (
            json.dumps([CALL, {"call_id": "b", "turns": [{"speaker": "agent"}]}]),
            r"JSON path \$\[1\]\.turns\[0\]: missing 'text'",
        ),
        (json.dumps([CALL, {"turns": []}]), r"JSON path \$\[1\]: missing 'call_id'"),
        (
            json.dumps([CALL, CALL]),
            r"JSON path \$\[1\]\.call_id: call_id 'k-1' appears twice \(items 0 and 1\)",
        ),
        (
            json.dumps([CALL, {"call_id": "m", "turns": [{"speaker": "Müşteri", "text": "a"}]}]),
            r"JSON path \$\[1\]: call 'm' has no agent turn; speaker labels found: 'Müşteri' \(1 turn\)",
        ),
        ("[]", r"empty list"),
        ('"metin"', r"expected a call object with 'call_id' and 'turns'"),
    ],
)
def test_json_errors(doc: str, match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        parse_transcripts(doc, format="json", source_name="x.json")


def test_jsonl_fixture_groups_calls_in_order() -> None:
    calls = read_transcripts(FIXTURES / "chats.jsonl")
    assert [c.call_id for c in calls] == ["chat-881", "chat-882"]
    first, second = calls
    assert [t.text for t in first.turns] == ["kartım bloke oldu", "Hemen kontrol ediyorum.", "teşekkürler"]
    assert (first.agent_id, first.team, first.channel) == ("A-7", "Kart", Channel.CHAT)
    assert second.turns[0].start == 2.0
    assert [t.speaker for t in second.turns] == [Speaker.CUSTOMER, Speaker.AGENT]


def test_jsonl_whole_call_per_line_mixes_with_turn_lines() -> None:
    whole = {
        "call_id": "c-1",
        "agent_id": "A-3",
        "channel": "chat",
        "turns": [{"speaker": "Müşteri", "text": "kartım bloke"}, {"speaker": "Temsilci", "text": "Hemen bakıyorum."}],
    }
    lines = [
        json.dumps(whole, ensure_ascii=False),
        '{"call_id": "c-2", "speaker": "agent", "text": "İyi günler."}',
    ]
    first, second = parse_transcripts("\n".join(lines), format="jsonl")
    assert (first.call_id, first.agent_id, first.channel, len(first.turns)) == ("c-1", "A-3", Channel.CHAT, 2)
    assert first.turns[1].speaker is Speaker.AGENT and second.call_id == "c-2"


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        (
            [
                '{"call_id": "a", "speaker": "agent", "text": "x"}',
                '{"call_id": "a", "speaker": "agent" "text": "y"}',
            ],
            r"line 2: not valid JSON at column 37",
        ),
        (
            ['{"call_id": "a", "speaker": "agent", "text": "x"}', "", '{"call_id": "a", "text": "y"}'],
            r"line 3: missing key\(s\) 'speaker'",
        ),
        (['["a", "agent", "x"]'], r"line 1: expected a JSON object per line, found list"),
        (
            ['{"call_id": "a", "speaker": "agent", "text": "x", "start": "yarım"}'],
            r"line 1: 'start' expected seconds",
        ),
        (
            [
                '{"call_id": "a", "speaker": "agent", "text": "x"}',
                '{"call_id": "a", "speaker": "Ahmet", "text": "y"}',
            ],
            r"line 2: speaker 'Ahmet' expected one of",
        ),
        (
            [
                '{"call_id": "a", "speaker": "agent", "text": "x"}',
                '{"call_id": "b", "speaker": "customer", "text": "y"}',
            ],
            r"line 2: call 'b' has no agent turn",
        ),
        (
            [
                '{"call_id": "a", "turns": [{"speaker": "agent", "text": "x"}]}',
                '{"call_id": "a", "speaker": "agent", "text": "y"}',
            ],
            r"line 2: call_id 'a' was given as a whole call on line 1",
        ),
        (
            [
                '{"call_id": "a", "speaker": "agent", "text": "y"}',
                '{"call_id": "a", "turns": [{"speaker": "agent", "text": "x"}]}',
            ],
            r"line 2: call_id 'a' already appeared on line 1",
        ),
        (['{"call_id": "a", "turns": [{"speaker": "Müdür", "text": "x"}]}'], r"line 1, turns\[0\]: speaker 'Müdür'"),
    ],
)
def test_jsonl_errors(lines: list[str], match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        parse_transcripts("\n".join(lines), format="jsonl")
