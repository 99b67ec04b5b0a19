"""The app's table and upload helpers (no Streamlit runtime, no model)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from apphelpers import SAMPLES

from training_app import analytics, calls


@pytest.mark.parametrize(
    ("name", "calls_expected"),
    [
        ("kargo_gecikme.json", 1),
        ("eticaret_sohbetler.jsonl", 3),
        ("enerji_fatura.csv", 1),  # Windows-1254
        ("telekom_internet.txt", 1),  # ISO-8859-9
        ("havayolu_bagaj.vtt", 1),
        ("saglik_randevu.srt", 1),
        ("yemek_siparis_asr.json", 1),  # speech-recognition JSON behind a .json name
    ],
)
def test_uploaded_bytes_are_read_like_files(name, calls_expected):
    parsed = calls.parse_upload(name, (SAMPLES / name).read_bytes())
    assert parsed.error is None
    assert len(parsed.transcripts) == calls_expected


def test_windows_1254_upload_keeps_turkish_letters():
    parsed = calls.parse_upload("enerji_fatura.csv", (SAMPLES / "enerji_fatura.csv").read_bytes())
    text = " ".join(t.text for t in parsed.transcripts[0].turns)
    assert "Şükrü" in text and "Ã" not in text


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bozuk.json", b'{"turns": [', "Dosya okunamadı (line 1"),
        ("bos.txt", b"   \n", "Dosya boş; dökümü yeniden dışa aktarıp yükleyin."),
        ("notlar.docx", b"PK\x03\x04", "unsupported file extension '.docx'"),
        ("buyuk.txt", b"x" * 50, "over the limit of 10 bytes"),
    ],
)
def test_bad_uploads_give_a_turkish_lead_and_the_reader_detail(name, data, expected):
    parsed = calls.parse_upload(name, data, max_bytes=10 if name == "buyuk.txt" else calls.DEFAULT_MAX_BYTES)
    assert parsed.transcripts == ()
    assert parsed.error.startswith(("Dosya okunamadı", "Dosya boş"))
    assert expected in parsed.error


def test_pasted_text_gets_a_unique_call_id_unless_it_names_one():
    first = calls.parse_pasted("Temsilci: Merhaba\nMüşteri: Selam", now=datetime(2025, 1, 2, 3, 4, 5))
    assert first.transcripts[0].call_id == "yapistirilan-20250102-030405"
    named = calls.parse_pasted("# call_id: ozel-1\nTemsilci: Merhaba\nMüşteri: Selam")
    assert named.transcripts[0].call_id == "ozel-1"
    assert calls.parse_pasted("Merhaba").error.startswith("Metin okunamadı")


def test_evidence_marks_and_transcript_html_escape_text():
    report = {
        "skills": {
            "respect": {
                "name": "Saygı",
                "raised": [{"turn_index": 0}],
                "lowered": [{"turn_index": 1, "missed": False}],
            },
            "empathy": {"name": "Empati", "raised": [], "lowered": [{"turn_index": 2, "missed": True}]},
        },
        "turns": [
            {"speaker": "agent", "text": "Merhaba <b>", "start": 61.0},
            {"speaker": "agent", "text": "Söyledim ya"},
            {"speaker": "agent", "text": "Tamam"},
        ],
    }
    assert calls.evidence_marks(report) == {
        0: ("up", "Saygı +"),
        1: ("down", "Saygı −"),
        2: ("down", "Empati kaçırıldı"),
    }
    html = calls.transcript_html(report)
    assert "Merhaba &lt;b&gt;" in html and "01:01" in html and "class='turn agent up'" in html


def _history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-03-03", "2025-03-04", "2025-03-12", "2025-03-12"]),
            "username": ["elif", "elif", "cem", None],
            "agent_id": ["A-1", "A-1", "A-2", "A-9"],
            "display_name": ["Elif", "Elif", "Cem", None],
            "team": ["Kargo", "Kargo", "Teknik", "Teknik"],
            "source": ["call", "drill", "drill", "call"],
            "scenario_id": [None, "kargo", "kargo", None],
            "item_id": ["c1", "1", "2", "c2"],
            "respect": [100.0, 50.0, 25.0, 75.0],
            "empathy": [25.0, float("nan"), 100.0, 75.0],
        }
    )


def test_analytics_tables():
    df = analytics.prepare(_history())
    assert list(df["agent"]) == ["Elif", "Elif", "Cem", "A-9"]  # display name, else the agent id
    assert list(df["week"].dt.strftime("%Y-%m-%d")) == ["2025-03-03", "2025-03-03", "2025-03-10", "2025-03-10"]
    trend = analytics.weekly_trend(df, "respect")
    assert trend.loc[trend["agent"] == "Elif", "score"].item() == 75.0
    matrix = analytics.team_skill_matrix(df)
    assert list(matrix.columns) == ["Saygı", "Empati"] and matrix.loc["Kargo", "Saygı"] == 75.0
    weakest = analytics.weakest_skills(df).set_index("Kişi")
    assert weakest.loc["Elif", "En zayıf beceri"] == "Empati" and weakest.loc["Cem", "En zayıf beceri"] == "Saygı"
    export = analytics.export_frame(df)
    assert list(export.columns) == ["Tarih", "Kişi", "Ekip", "Kaynak", "Senaryo", "Saygı", "Empati"]
    assert list(export["Kaynak"]) == ["Çağrı", "Pratik", "Pratik", "Çağrı"]


def test_analytics_on_an_empty_history():
    df = analytics.prepare(_history().iloc[0:0])
    assert analytics.weekly_trend(df, "respect").empty
    assert analytics.weakest_skills(df).empty
    assert analytics.drill_counts(analytics.drills_frame([]), ["Kişi"]).empty


def test_app_code_never_imports_torch_and_caches_only_in_resources():
    from apphelpers import APP

    for path in APP.parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import torch" not in source, path
        if path.name != "resources.py":
            assert "cache_resource" not in source and "cache_data" not in source, path
