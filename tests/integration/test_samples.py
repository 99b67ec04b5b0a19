"""The bundled sample calls: every format parses to sensible Turkish transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_scoring.readers import discover, read_transcripts
from qa_scoring.transcript import Speaker

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "samples"
TURKISH = set("çğıöşüÇĞİÖŞÜ")


def sample_files() -> list[Path]:
    return discover([SAMPLES])


def test_samples_cover_every_format():
    formats = set()
    for path in sample_files():
        for t in read_transcripts(path):
            formats.add(t.metadata["source"]["format"])
    assert formats >= {"json", "jsonl", "csv", "txt", "vtt", "srt", "asr"}


def test_at_least_eight_calls_across_businesses():
    calls = [t for p in sample_files() for t in read_transcripts(p)]
    assert len(calls) >= 8
    assert len({t.call_id for t in calls}) == len(calls)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_each_sample_is_a_real_conversation(path):
    for t in read_transcripts(path):
        assert len(t.agent_turns) >= 4 and len(t.customer_turns) >= 4
        if t.metadata["source"]["format"] != "srt":  # SRT has no place for call-level fields
            assert t.agent_id and t.started_at, "samples carry agent ids and start times"
        text = " ".join(turn.text for turn in t.turns)
        if "ascii" not in path.name:
            assert TURKISH & set(text) or t.metadata["source"]["format"] == "asr" or "abonelik" in path.name


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("enerji_fatura.csv", "cp1254"),
        ("telekom_internet.txt", "iso-8859-9"),
        ("sigorta_hasar.txt", "utf-8-sig"),
    ],
)
def test_legacy_encodings_decode_to_turkish(name, encoding):
    (t,) = read_transcripts(SAMPLES / name)
    assert t.metadata["source"]["encoding"].replace("_", "-").lower() in {encoding, encoding.replace("-", "")}
    text = " ".join(turn.text for turn in t.turns)
    assert set("ğşı") & set(text)
    assert "Ã" not in text and "Ä" not in text  # no mojibake


@pytest.mark.parametrize(
    "name, agent_label", [("yemek_siparis_asr.json", "SPEAKER_01"), ("arac_kiralama_asr.json", "SPEAKER_00")]
)
def test_asr_agent_channel_is_guessed_from_the_greeting(name, agent_label):
    (t,) = read_transcripts(SAMPLES / name)
    guess = t.metadata["agent_speaker_guess"]
    assert guess["speaker"] == agent_label
    first_agent = t.agent_turns[0].text
    assert (
        "yardımcı" in first_agent
        or "hoş" in first_agent
        or "merhaba" in first_agent
        or "iyi günler" in first_agent
    )


def test_asr_agent_flag_overrides_the_guess():
    (t,) = read_transcripts(SAMPLES / "yemek_siparis_asr.json", agent_speaker="SPEAKER_00")
    assert "agent_speaker_guess" not in t.metadata
    assert t.turns[0].speaker is Speaker.AGENT
