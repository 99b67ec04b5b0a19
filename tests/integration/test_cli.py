"""The qa-score CLI run as a subprocess over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa_scoring.redact import find_pii

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"


def qa_score(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa_scoring.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_help_reads_in_turkish_and_lists_commands():
    res = qa_score("--help")
    assert res.returncode == 0
    for word in ("validate", "redact", "saygı", "empati"):
        assert word in res.stdout


def test_no_command_prints_help_and_exits_2():
    res = qa_score()
    assert res.returncode == 2
    assert "validate" in res.stdout


def test_validate_samples_and_rubrics_passes():
    res = qa_score("validate", str(SAMPLES), str(ROOT / "rubrics"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "HATA" not in res.stdout
    ok_lines = [line for line in res.stdout.splitlines() if line.startswith("TAMAM")]
    assert len(ok_lines) >= 11  # every sample file and both rubrics
    assert "0 sorunlu dosya" in res.stdout


def test_validate_reports_every_bad_file_and_keeps_going(tmp_path):
    (tmp_path / "iyi.txt").write_text(
        "Temsilci: İyi günler, size nasıl yardımcı olabilirim?\nMüşteri: Faturam yüksek geldi.\n",
        encoding="utf-8",
    )
    (tmp_path / "bos.json").write_text("", encoding="utf-8")
    (tmp_path / "kirik.json").write_text('{"call_id": "x", "turns": [', encoding="utf-8")
    (tmp_path / "etiket.txt").write_text("Temsilci: Merhaba\nMüdür: Bekleyin\n", encoding="utf-8")
    (tmp_path / "rubrik.yaml").write_text("id: x\nname: [kırık\n", encoding="utf-8")
    res = qa_score("validate", str(tmp_path))
    assert res.returncode == 1
    out = res.stdout
    assert "TAMAM" in out and "iyi.txt" in out
    assert "bos.json" in out and "kirik.json" in out and "rubrik.yaml" in out
    assert "line 2" in out and "Müdür" in out  # the unknown label, with its line
    assert "4 sorunlu dosya" in out


def test_validate_missing_path_is_a_usage_error(tmp_path):
    res = qa_score("validate", str(tmp_path / "yok.json"))
    assert res.returncode == 2
    assert "yok.json" in res.stderr


def test_redact_writes_one_file_per_call_without_personal_data(tmp_path):
    out = tmp_path / "redacted"
    res = qa_score("redact", str(SAMPLES), str(out))
    assert res.returncode == 0, res.stdout + res.stderr
    files = sorted(out.glob("*.json"))
    assert len(files) >= 13  # the JSONL sample holds three chats
    kinds_seen: set[str] = set()
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        for turn in data["turns"]:
            assert find_pii(turn["text"]) == [], f"{f.name}: personal data left in a turn"
        kinds_seen.update(k for k, v in data.get("metadata", {}).get("redaction", {}).items() if v)
    assert {"tc_kimlik", "phone", "iban", "card", "email"} <= kinds_seen
    assert "Maskelenen kişisel veriler" in res.stdout
    assert not list(out.glob(".*.tmp"))  # no half-written files left behind


def test_redact_to_jsonl_and_verbose_log_has_no_transcript_text(tmp_path):
    src = tmp_path / "c.txt"
    secret_phone = "0532 123 45 67"
    src.write_text(
        f"Temsilci: Numaranızı alabilir miyim?\nMüşteri: Tabii, {secret_phone}, adım Gülşen.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    res = qa_score("-v", "redact", str(src), str(out))
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["speaker"] for r in rows] == ["agent", "customer"]
    assert "[TELEFON]" in rows[1]["text"] and secret_phone not in rows[1]["text"]
    assert secret_phone not in res.stderr and "Gülşen" not in res.stderr
    assert secret_phone not in res.stdout


def test_redact_folder_into_json_file_is_a_usage_error(tmp_path):
    res = qa_score("redact", str(SAMPLES), str(tmp_path / "tek.json"))
    assert res.returncode == 2
