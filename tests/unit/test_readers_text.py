"""Plain-text transcripts with speaker prefixes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.readers import parse_transcripts, read_transcripts
from qa_scoring.transcript import Channel, Speaker

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"


def test_fixture_with_header_timestamps_and_continuation() -> None:
    [call] = read_transcripts(FIXTURES / "enerji-0007.txt")
    assert call.call_id == "enerji-0007"
    assert (call.agent_id, call.team, call.channel) == ("A-220", "Faturalama", Channel.CALL)
    assert call.started_at == datetime(2024, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=3)))
    assert [(t.speaker, t.start) for t in call.turns] == [
        (Speaker.AGENT, 1.0),
        (Speaker.CUSTOMER, 5.0),
        (Speaker.AGENT, None),
    ]
    assert call.turns[2].text == "Hemen bakıyorum efendim. Sözleşme numaranızı alabilir miyim?"
    assert call.metadata["source"] == {
        "path": str(FIXTURES / "enerji-0007.txt"),
        "format": "txt",
        "encoding": "utf-8",
        "removed_control_chars": 0,
    }


@pytest.mark.parametrize(
    ("line", "speaker", "start", "text"),
    [
        ("[00:01:23] Temsilci: Buyurun", Speaker.AGENT, 83.0, "Buyurun"),
        ("[01:23] TEMSİLCİ: Buyurun", Speaker.AGENT, 83.0, "Buyurun"),
        ("(00:01:23) temsilci - Buyurun", Speaker.AGENT, 83.0, "Buyurun"),
        ("[00:00:02.500] T: Buyurun", Speaker.AGENT, 2.5, "Buyurun"),
        ("TEMSILCI: Buyurun", Speaker.AGENT, None, "Buyurun"),
        ("Müşteri Temsilcisi: Buyurun", Speaker.AGENT, None, "Buyurun"),
        ("Operatör: Buyurun", Speaker.AGENT, None, "Buyurun"),
        ("MÜŞTERİ: Saat 14:30'da aradım", Speaker.CUSTOMER, None, "Saat 14:30'da aradım"),
        ("musteri - Merhaba", Speaker.CUSTOMER, None, "Merhaba"),
        ("M: Merhaba", Speaker.CUSTOMER, None, "Merhaba"),
        ("Arayan: Merhaba", Speaker.CUSTOMER, None, "Merhaba"),
        ("Sistem: Görüşmeniz kaydedilmektedir", Speaker.SYSTEM, None, "Görüşmeniz kaydedilmektedir"),
    ],
)
def test_prefix_variants(line: str, speaker: Speaker, start: float | None, text: str) -> None:
    [call] = parse_transcripts(f"{line}\nTemsilci: Tamam\n")
    first = call.turns[0]
    assert (first.speaker, first.start, first.text) == (speaker, start, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Temsilci: Merhaba\nNot: bu satır devam ediyor\n", "Merhaba Not: bu satır devam ediyor"),
        (
            "Temsilci: Adres:\nhttps://ornek.com.tr adresine bakın\n",
            "Adres: https://ornek.com.tr adresine bakın",
        ),
        ("Temsilci:\n\nİyi günler\n", "İyi günler"),
    ],
)
def test_continuation_lines(text: str, expected: str) -> None:
    [call] = parse_transcripts(text)
    assert [t.text for t in call.turns] == [expected]


def test_call_id_defaults_to_source_name_stem_and_header_comment_is_kept_out() -> None:
    [call] = parse_transcripts(
        "# Dışa aktarım: çağrı sistemi\n# kuyruk: iade\nTemsilci: Merhaba\n", source_name="iade-12.txt"
    )
    assert call.call_id == "iade-12"
    assert call.metadata["header"] == {"Dışa aktarım": "çağrı sistemi", "kuyruk": "iade"}
    assert call.metadata["source"]["path"] == "iade-12.txt"
    assert call.metadata["source"]["encoding"] is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "Merhaba, ben aradım\nTemsilci: Buyurun\n",
            r"line 1: expected the first turn to start with a speaker prefix",
        ),
        ("# call_id: x\n\nalo\n", r"line 3: expected the first turn to start with a speaker prefix"),
        (
            "Temsilci: Merhaba\nMüşterı: Selam\nMusterıi: Selam\n",
            r"line 3: speaker 'Musterıi' expected one of agent/customer/system",
        ),
        (
            "Temsilci: a\n[00:00:05] Kadir: b\n",
            r"line 2: speaker 'Kadir' expected one of .*Temsilci/Müşteri/Sistem",
        ),
        (
            "Temsilci: a\n[00:00:05] sadece metin\n",
            r"line 2: a timestamp must be followed by a speaker prefix",
        ),
        ("Temsilci: a\n[00:75:05] Müşteri: b\n", r"line 2: 'start' expected seconds .* found '00:75:05'"),
        (
            "Müşteri: Merhaba\nM: Alo\n",
            r"call '<metin>' has no agent turn; speaker labels found: 'Müşteri' \(1 turn\), 'M' \(1 turn\)"
            r".*Temsilci/agent/T",
        ),
        ("# call_id: x\n", r"call 'x' has no turns"),
        ("Temsilci: a\n# call_id: y\n", r"line 2: header line '# call_id: …' after the first turn"),
        ("# channel: faks\nTemsilci: a\n", r"line 1: 'channel' expected 'call' or 'chat'"),
        ("# started_at: dün\nTemsilci: a\n", r"line 1: 'started_at' expected an ISO 8601 time"),
    ],
)
def test_text_errors(text: str, match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        parse_transcripts(text)


def test_agent_speaker_names_an_extra_agent_label() -> None:
    [call] = parse_transcripts("Elif: İyi günler\nMüşteri: Merhaba\n", agent_speaker="Elif")
    assert [t.speaker for t in call.turns] == [Speaker.AGENT, Speaker.CUSTOMER]


@pytest.mark.parametrize(
    ("header", "field", "value"),
    [
        ("# çağrı no: c-9", "call_id", "c-9"),
        ("# kanal: sohbet", "channel", Channel.CHAT),
        ("# Temsilci ID: A-5", "agent_id", "A-5"),
        ("# tarih: 02.03.2024 14:05", "started_at", datetime(2024, 3, 2, 14, 5)),
    ],
)
def test_turkish_header_keys(header: str, field: str, value: object) -> None:
    [call] = parse_transcripts(f"{header}\nTemsilci: Merhaba\n")
    assert getattr(call, field) == value
