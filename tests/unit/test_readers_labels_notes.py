"""Speaker-like prefixes in text transcripts and call fields in WebVTT NOTE blocks."""

import pytest

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.readers import parse_transcripts


@pytest.mark.parametrize("label", ["Müdür", "Elif", "Süpervizör"])
def test_unknown_single_word_label_is_an_error_not_agent_text(label):
    text = f"Temsilci: Merhaba, nasıl yardımcı olabilirim?\nMüşteri: Faturam yüksek.\n{label}: Bir dakika bekleyin.\n"
    with pytest.raises(TranscriptFormatError, match=rf"line 3: speaker '{label}' expected one of"):
        parse_transcripts(text, format="txt")


def test_agent_name_label_works_when_named():
    text = "Elif: Merhaba, nasıl yardımcı olabilirim?\nMüşteri: Faturam yüksek.\n"
    (t,) = parse_transcripts(text, format="txt", agent_speaker="Elif")
    assert [turn.speaker.value for turn in t.turns] == ["agent", "customer"]


@pytest.mark.parametrize(
    "line", ["Not: fatura ekte gönderildi.", "ve sonra dedi ki: tamam", "Soru şu: neden?"]
)
def test_text_lines_with_a_colon_continue_the_turn(line):
    (t,) = parse_transcripts(f"Temsilci: Merhaba.\n{line}\nMüşteri: Peki.\n", format="txt")
    assert t.turns[0].text == f"Merhaba. {line}"
    assert len(t.turns) == 2


VTT = """WEBVTT

NOTE
call_id: hava-0007
agent_id: A-77
ekip: Bagaj
started_at: 2025-07-19T22:04:10+03:00
Serbest açıklama satırı.

00:00:00.000 --> 00:00:02.000
<v Temsilci>İyi akşamlar, ben Burak.</v>

00:00:02.500 --> 00:00:04.000
<v Müşteri>Bagajım gelmedi.</v>
"""


def test_vtt_note_block_carries_call_fields():
    (t,) = parse_transcripts(VTT, format="vtt", source_name="x.vtt")
    assert (t.call_id, t.agent_id, t.team) == ("hava-0007", "A-77", "Bagaj")
    assert t.started_at.isoformat() == "2025-07-19T22:04:10+03:00"


def test_vtt_note_with_bad_date_names_the_line():
    with pytest.raises(TranscriptFormatError, match="line 7"):
        parse_transcripts(VTT.replace("2025-07-19T22:04:10+03:00", "dün akşam"), format="vtt")
