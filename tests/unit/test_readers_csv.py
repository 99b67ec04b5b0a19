"""CSV/TSV transcripts: delimiter sniffing, Turkish column aliases, explicit columns, times."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_scoring.errors import ConfigError, TranscriptFormatError
from qa_scoring.readers import parse_transcripts, read_transcripts
from qa_scoring.readers.csv_format import sniff_delimiter
from qa_scoring.transcript import Channel, Speaker

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"


def test_turkish_excel_fixture() -> None:
    calls = read_transcripts(FIXTURES / "turkish_excel.csv")
    assert [c.call_id for c in calls] == ["fatura-1", "fatura-2"]
    first, second = calls
    assert first.agent_id == "A-220"
    assert [(t.speaker, t.text, t.start, t.end) for t in first.turns] == [
        (Speaker.AGENT, "İyi günler; EnerjiNet, ben Murat.", 0.0, 3.5),
        (Speaker.CUSTOMER, "Faturam iki katı gelmiş.", 4.0, 7.25),
    ]
    assert [(t.start, t.end) for t in second.turns] == [(5.0, 9.0), (10.0, 12.0)]
    assert first.metadata["source"]["format"] == "csv"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('speaker,text\nagent,"Merhaba; nasılsınız"\n', ","),
        ("speaker;text\nagent;Merhaba, nasılsınız\n", ";"),
        ("speaker\ttext\nagent\tMerhaba, nasılsınız; iyi misiniz\n", "\t"),
        # the header splits on "," too, but only tab gives every row the same number of columns
        ("speaker\ttext\tnot (a,b)\nagent\tMerhaba\tx\ncustomer\tSelam, iyiyim, siz\ty\n", "\t"),
        ("speaker;text;ek, not\nagent;Merhaba;x\ncustomer;Selam, iyiyim, siz;y\n", ";"),
    ],
)
def test_delimiter_is_sniffed(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter
    [call] = parse_transcripts(text, format="csv", source_name="c.csv")
    assert call.turns[0].text.startswith("Merhaba")


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("Konuşmacı;Metin", "Temsilci;Merhaba"),
        ("TARAF;MESAJ", "TEMSİLCİ;Merhaba"),
        ("rol,konusma", "T,Merhaba"),
        ("Role,Utterance", "agent,Merhaba"),
    ],
)
def test_column_aliases(header: str, row: str) -> None:
    [call] = parse_transcripts(f"{header}\n{row}\n", format="csv", source_name="tek.csv")
    assert call.call_id == "tek"
    assert (call.turns[0].speaker, call.turns[0].text) == (Speaker.AGENT, "Merhaba")


@pytest.mark.parametrize(
    "columns",
    [{"speaker": "Kim", "text": "Söz"}, "speaker=Kim,text=Söz", {"speaker": "KİM", "text": "söz"}],
)
def test_explicit_columns(columns: object) -> None:
    text = "Kim;Söz;Kanal\nTemsilci;Merhaba;sohbet\nMüşteri;Selam;\n"
    [call] = parse_transcripts(text, format="csv", csv_columns=columns)  # type: ignore[arg-type]
    assert [t.speaker for t in call.turns] == [Speaker.AGENT, Speaker.CUSTOMER]
    assert call.channel is Channel.CHAT


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("83.5", 83.5),
        ("83,5", 83.5),
        ("01:23", 83.0),
        ("00:01:23.5", 83.5),
        ("00:01:23,250", 83.25),
        ("", None),
    ],
)
def test_time_formats(value: str, seconds: float | None) -> None:
    [call] = parse_transcripts(f"speaker;text;start\nagent;a;{value}\n", format="csv")
    assert call.turns[0].start == seconds


@pytest.mark.parametrize(
    ("text", "options", "match"),
    [
        (
            "Kim;Söz\nTemsilci;a\n",
            {},
            r"row 1: missing required column\(s\) speaker, text; the header has 'Kim', 'Söz'; "
            r"accepted names are "
            r"speaker: speaker, konuşmacı.*text: text, metin.*--csv-columns speaker=\.\.\.,text=\.\.\.",
        ),
        (
            "speaker;metin\nTemsilcı;a\nMüdür;b\n",
            {},
            r"row 3: speaker 'Müdür' expected one of agent/customer/system",
        ),
        ("speaker;text;start\nagent;a;1:2:3:4\n", {}, r"row 2: 'start' expected seconds \(83.5 or 83,5\)"),
        (
            "call_id;speaker;text\nc1;agent;a\n;customer;b\n",
            {},
            r"row 3: 'call_id' expected a non-empty string",
        ),
        (
            "speaker;text\nm;a\n",
            {},
            r"call '<metin>' has no agent turn; speaker labels found: 'm' \(1 turn\)",
        ),
        ("speaker;text\n", {}, r"header row but no rows with text"),
        (
            "speaker;text\n",
            {"csv_columns": {"speaker": "Kim"}},
            r"row 1: csv_columns maps 'speaker' to column 'Kim'",
        ),
    ],
)
def test_csv_errors(text: str, options: dict[str, object], match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        parse_transcripts(text, format="csv", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("columns", "match"),
    [({"konusmaci": "Kim"}, r"unknown field 'konusmaci'"), ("speaker:Kim", r"expected field=column")],
)
def test_bad_csv_columns_option(columns: object, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        parse_transcripts("speaker;text\nagent;a\n", format="csv", csv_columns=columns)  # type: ignore[arg-type]


def test_excel_sep_line_and_tsv(tmp_path: Path) -> None:
    [call] = parse_transcripts("sep=|\nspeaker|text\nagent|a, b; c\n", format="csv")
    assert call.turns[0].text == "a, b; c"
    path = tmp_path / "kayit.tsv"
    path.write_text("taraf\tmetin\tbitiş\nTemsilci\tMerhaba\t2\n", encoding="utf-8")
    [call] = read_transcripts(path)
    assert (call.call_id, call.turns[0].end) == ("kayit", 2.0)
