"""Batch scoring: bad inputs never stop it, outputs are atomic, a SIGKILLed run resumes exactly."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa_scoring.batch import PARTS_DIR, run_batch
from qa_scoring.errors import ConfigError
from tests.fakes import fake_scorer

ROOT = Path(__file__).resolve().parents[2]

CALL_TXT = """# call_id: {cid}
# agent_id: A-{agent}
# team: Kargo
Temsilci: İyi günler, HızlıKargo'ya hoş geldiniz, ben Elif, size nasıl yardımcı olabilirim? [respect+1]
Müşteri: Kargom üç gündür gelmedi, çok sinirlendim!!
Temsilci: Ne kadar can sıkıcı olduğunu anlıyorum, hemen bakıyorum. [empathy+1]
Müşteri: Takip numarası KT-{n}.
Temsilci: KT-{n} numaralı gönderiniz yarın teslim edilecek. [active_listening+1]
Müşteri: Teşekkür ederim.
Temsilci: Başka yardımcı olabileceğim bir konu var mı? İyi günler dilerim.
"""


def make_inputs(folder: Path, n_good: int, n_bad: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_good):
        (folder / f"call_{i:04d}.txt").write_text(CALL_TXT.format(cid=f"c{i:04d}", agent=i % 7, n=i), encoding="utf-8")
    for i in range(n_bad):
        kind = i % 4
        path = folder / f"bozuk_{i:03d}.{['json', 'txt', 'csv', 'json'][kind]}"
        content = ['{"call_id": "x", "turns": [', "Müdür: merhaba\n", "a;b\n1;2\n", ""][kind]
        path.write_text(content, encoding="utf-8")


def read_scores(out: Path) -> list[dict]:
    with (out / "scores.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_batch_of_hundreds_with_corrupt_files(tmp_path):
    make_inputs(tmp_path / "in", 240, 20)
    summary = run_batch(
        [tmp_path / "in"], tmp_path / "out", fake_scorer, formats=["csv", "jsonl"], progress=False, html=True
    )
    assert summary.calls_scored == 240 and len(summary.rejected) == 20 and summary.exit_code == 1
    rows = read_scores(tmp_path / "out")
    assert sorted(r["call_id"] for r in rows) == [f"c{i:04d}" for i in range(240)]
    assert rows[0]["empathy"] and rows[0]["agent_id"].startswith("A-")
    with (tmp_path / "out" / "errors.csv").open(encoding="utf-8") as fh:
        errors = list(csv.DictReader(fh))
    assert {Path(e["input"]).name for e in errors} == {
        f"bozuk_{i:03d}.{['json', 'txt', 'csv', 'json'][i % 4]}" for i in range(20)
    }
    assert all(e["reason"] for e in errors)
    evidence = [json.loads(x) for x in (tmp_path / "out" / "evidence.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(evidence) == 240 and evidence[0]["skills"]["empathy"]["raised"]
    assert (tmp_path / "out" / "report.html").is_file() and len(
        list((tmp_path / "out" / "calls").glob("*.html"))
    ) == 240
    html = (tmp_path / "out" / "calls" / "c0000.html").read_text(encoding="utf-8")
    assert "Çağrı değerlendirmesi" in html and "class='turn agent up'" in html
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_existing_results_need_resume(tmp_path):
    make_inputs(tmp_path / "in", 3, 0)
    run_batch([tmp_path / "in"], tmp_path / "out", fake_scorer, progress=False)
    with pytest.raises(ConfigError, match="--resume"):
        run_batch([tmp_path / "in"], tmp_path / "out", fake_scorer, progress=False)
    again = run_batch([tmp_path / "in"], tmp_path / "out", fake_scorer, resume=True, progress=False)
    assert again.calls_scored == 0 and again.calls_skipped_resume == 3
    assert len(read_scores(tmp_path / "out")) == 3


def test_duplicate_call_ids_are_rejected_not_scored_twice(tmp_path):
    make_inputs(tmp_path / "in", 2, 0)
    (tmp_path / "in" / "kopya.txt").write_text(CALL_TXT.format(cid="c0000", agent=1, n=5), encoding="utf-8")
    summary = run_batch([tmp_path / "in"], tmp_path / "out", fake_scorer, progress=False)
    assert len(read_scores(tmp_path / "out")) == 2
    assert any("already scored" in r["reason"] for r in summary.rejected)


RUNNER = """
import sys
from qa_scoring.batch import run_batch
from tests.fakes import fake_scorer
run_batch([sys.argv[1]], sys.argv[2], lambda: fake_scorer(delay=0.15), chunk_calls=4, progress=False,
          resume=len(sys.argv) > 3)
"""


def test_sigkill_mid_batch_then_resume_scores_each_call_exactly_once(tmp_path):
    make_inputs(tmp_path / "in", 120, 6)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(tmp_path / "in"), str(out)], cwd=ROOT, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:  # wait until some work is done, then kill without warning
        parts = list((out / PARTS_DIR).glob("part-*.jsonl")) if (out / PARTS_DIR).is_dir() else []
        if len(parts) >= 8:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "scores.csv").exists() or read_scores(out) is not None  # never half-written
    res = subprocess.run(
        [sys.executable, "-c", RUNNER, str(tmp_path / "in"), str(out), "resume"], cwd=ROOT, env=env, timeout=300
    )
    assert res.returncode == 0
    rows = read_scores(out)
    ids = [r["call_id"] for r in rows]
    assert len(ids) == len(set(ids)) == 120, "a call was lost or scored twice"
    records = [
        json.loads(x)
        for p in sorted((out / PARTS_DIR).glob("part-*.jsonl"))
        for x in p.read_text(encoding="utf-8").splitlines()
    ]
    scored = [r["call_id"] for r in records if r["kind"] == "call"]
    assert len(scored) == len(set(scored)) == 120
    with (out / "errors.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 6
