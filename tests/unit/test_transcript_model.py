"""The Transcript/Turn model, speaker labels and Turkish casing helpers."""

from datetime import datetime

import pytest

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.speakers import parse_speaker
from qa_scoring.transcript import Channel, Speaker, Transcript, Turn
from qa_scoring.turkish import ascii_fold, fold_key, turkish_lower, turkish_upper


@pytest.mark.parametrize(
    "text, lower",
    [
        ("İSTANBUL", "istanbul"),
        ("IŞIK", "ışık"),
        ("Iğdır", "ığdır"),
        ("İyi Günler", "iyi günler"),
        ("I\u0307STANBUL", "istanbul"),  # decomposed İ
        ("TESEKKUR EDERIM", "tesekkur ederım"),  # no Turkish letters: plain I still becomes ı
    ],
)
def test_turkish_lower(text, lower):
    assert turkish_lower(text) == lower


@pytest.mark.parametrize("text, upper", [("istanbul", "İSTANBUL"), ("ılık", "ILIK"), ("şiş", "ŞİŞ")])
def test_turkish_upper(text, upper):
    assert turkish_upper(text) == upper


def test_ascii_fold_and_fold_key():
    assert ascii_fold("Çağrı Müşteri Şikâyeti Ömür İğne") == "Cagri Musteri Sikayeti Omur Igne"
    assert fold_key("TEMSİLCİ:") == fold_key("temsilci") == fold_key("TEMSILCI") == "temsilci"


@pytest.mark.parametrize(
    "label, speaker",
    [
        ("Temsilci", Speaker.AGENT),
        ("TEMSİLCİ", Speaker.AGENT),
        ("temsilci:", Speaker.AGENT),
        ("T", Speaker.AGENT),
        ("Agent", Speaker.AGENT),
        ("Müşteri", Speaker.CUSTOMER),
        ("MÜŞTERİ", Speaker.CUSTOMER),
        ("musteri", Speaker.CUSTOMER),
        ("M", Speaker.CUSTOMER),
        ("Customer", Speaker.CUSTOMER),
        ("IVR", Speaker.SYSTEM),
        ("Sistem", Speaker.SYSTEM),
        ("Ahmet", None),
        ("", None),
    ],
)
def test_parse_speaker(label, speaker):
    assert parse_speaker(label) is speaker


def test_parse_speaker_extra_labels():
    assert parse_speaker("ELİF", extra={"Elif": Speaker.AGENT}) is Speaker.AGENT


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"start": -1.0}, "must not be negative"),
        ({"start": 5.0, "end": 2.0}, "ends .* before it starts"),
        ({"start": float("nan")}, "must be a number"),
        ({"start": "3"}, "must be a number"),
    ],
)
def test_turn_rejects_bad_times(kwargs, message):
    with pytest.raises(TranscriptFormatError, match=message):
        Turn(Speaker.AGENT, "Merhaba", **kwargs)


def _call() -> Transcript:
    return Transcript(
        call_id="c-1",
        agent_id="A-1",
        team="Kargo",
        channel=Channel.CALL,
        started_at=datetime.fromisoformat("2024-05-14T10:21:07+03:00"),
        turns=(
            Turn(Speaker.AGENT, "İyi günler, size nasıl yardımcı olabilirim?", 0.0, 3.0),
            Turn(Speaker.CUSTOMER, "Kargom gelmedi.", 3.5, 5.0),
            Turn(Speaker.CUSTOMER, "Üç gündür bekliyorum.", 5.2, 7.0),
            Turn(Speaker.SYSTEM, "Bekletme müziği", 7.0, 20.0),
            Turn(Speaker.AGENT, "Çok üzgünüm, hemen bakıyorum.", 20.0, 22.0),
        ),
        metadata={"queue": "şikayet"},
    )


def test_pairs_use_customer_text_since_previous_agent_turn():
    assert _call().pairs() == [
        ("", "İyi günler, size nasıl yardımcı olabilirim?", 0),
        ("Kargom gelmedi. Üç gündür bekliyorum.", "Çok üzgünüm, hemen bakıyorum.", 4),
    ]


def test_round_trip_to_dict_from_dict():
    call = _call()
    again = Transcript.from_dict(call.to_dict())
    assert again == call
    assert again.has_times
    assert [t.speaker for t in again.agent_turns] == [Speaker.AGENT, Speaker.AGENT]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"turns": []}, "missing 'call_id'"),
        ({"call_id": "x"}, "missing 'turns'"),
        ({"call_id": "x", "turns": [{"speaker": "agent"}]}, r"turns\[0\].*missing 'text'"),
        (
            {"call_id": "x", "turns": [{"speaker": "temsilcı bey", "text": "a"}]},
            r"turns\[0\].*expected one of",
        ),
        ({"call_id": "x", "turns": [], "channel": "fax"}, "'channel' must be 'call' or 'chat'"),
        ({"call_id": "x", "turns": [], "started_at": "dün"}, "not an ISO 8601 time"),
        ({"call_id": "  ", "turns": []}, "non-empty string"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_from_dict_errors_name_the_field(data, message):
    with pytest.raises(TranscriptFormatError, match=message):
        Transcript.from_dict(data, path="calls/x.json")


def test_error_message_names_file_and_location():
    with pytest.raises(TranscriptFormatError) as info:
        Transcript.from_dict({"call_id": "x", "turns": [{"speaker": "?", "text": "a"}]}, path="calls/x.json")
    assert str(info.value).startswith("calls/x.json, turns[0]: ")
    assert isinstance(info.value, ValueError)
