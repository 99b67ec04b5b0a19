"""`qa-score batch` with the bundled model over a few hundred real-looking files with corrupt ones mixed in."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa_scoring.model.classifier import bundled_model_dir
from qa_scoring.readers import discover, read_transcripts
from qa_scoring.skills import SKILL_KEYS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (bundled_model_dir() / "qa_model.json").is_file(), reason="bundled model not built"),
]

ROOT = Path(__file__).resolve().parents[2]
COPIES = 5  # each of the 40 rated calls, cut to its first turns, is written five times in different formats
KEEP_TURNS = 8

# Inputs a contact centre's export really produces when something goes wrong, each with the reason it fails.
CORRUPT = {
    "kesik.json": b'{"call_id": "kesik", "turns": [{"speaker": "agent", "text": "Merhaba',
    "bos.json": b"",
    "ikili.txt": bytes(range(256)) * 8,
    "bilinmeyen_konusmaci.txt": "Müdür: Merhaba\nMüşteri: Alo?\n".encode(),
    "sutunsuz.csv": b"a;b\n1;2\n",
    "yanlis_tip.json": b'{"call_id": 12, "turns": "yok"}',
    "konusmasiz.jsonl": b'{"call_id": "k1", "turns": []}\n',
    "bozuk_zaman.vtt": b"WEBVTT\n\n00:00:xx --> 00:00:02.000\n<v Temsilci>Merhaba\n",
}


def _write_copies(calls, folder: Path) -> list[str]:
    """Write each call COPIES times (json, txt, csv, jsonl, Windows-1254 txt) with a new call id per copy."""
    ids = []
    for t in calls:
        turns = t.turns[:KEEP_TURNS]
        for k in range(COPIES):
            cid = f"{t.call_id}-k{k}"
            ids.append(cid)
            meta = {"call_id": cid, "agent_id": t.agent_id or "A-0", "team": t.team or "Genel"}
            rows = [{"speaker": x.speaker.value, "text": x.text} for x in turns]
            if k == 0:
                (folder / f"{cid}.json").write_text(json.dumps({**meta, "turns": rows}, ensure_ascii=False), "utf-8")
            elif k == 3:
                line = json.dumps({**meta, "turns": rows}, ensure_ascii=False)
                (folder / f"{cid}.jsonl").write_text(line + "\n", "utf-8")
            elif k == 2:
                with (folder / f"{cid}.csv").open("w", encoding="utf-8", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow(["call_id", "agent_id", "team", "speaker", "text"])
                    for r in rows:
                        w.writerow([cid, meta["agent_id"], meta["team"], r["speaker"], r["text"]])
            else:
                names = {"agent": "Temsilci", "customer": "Müşteri", "system": "Sistem"}
                body = "".join(f"# {key}: {value}\n" for key, value in meta.items())
                body += "".join(f"{names[r['speaker']]}: {' '.join(r['text'].split())}\n" for r in rows)
                if k == 4:
                    try:
                        (folder / f"{cid}.txt").write_bytes(body.encode("cp1254"))
                        continue
                    except UnicodeEncodeError:  # a character outside Windows-1254: keep it UTF-8
                        pass
                (folder / f"{cid}.txt").write_text(body, "utf-8")
    return ids


def test_batch_of_two_hundred_calls_with_corrupt_files(tmp_path):
    calls = [t for f in discover([ROOT / "datasets" / "calls"]) for t in read_transcripts(f)]
    assert len(calls) == 40
    src = tmp_path / "in"
    src.mkdir()
    ids = _write_copies(calls, src)
    for name, data in CORRUPT.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "qa_scoring.cli", "batch", str(src), "--out", str(out), "--format", "csv,jsonl"],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
    )
    assert res.returncode == 1, res.stdout + res.stderr  # some inputs were rejected, and the rest were scored
    with (out / "scores.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["call_id"] for r in rows) == sorted(ids)  # every good call once, none twice
    with (out / "errors.csv").open(encoding="utf-8", newline="") as fh:
        errors = list(csv.DictReader(fh))
    assert {Path(e["input"]).name for e in errors} == set(CORRUPT)
    assert all(len(e["reason"]) > 20 for e in errors)  # a reason a person can act on, not an empty cell
    # The same words in five formats and two encodings get the same levels.
    by_call: dict[str, set] = {}
    for r in rows:
        by_call.setdefault(r["call_id"].rsplit("-k", 1)[0], set()).add(tuple(r[k] for k in SKILL_KEYS))
    assert all(len(levels) == 1 for levels in by_call.values()), {k: v for k, v in by_call.items() if len(v) > 1}
    evidence = [json.loads(x) for x in (out / "evidence.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(evidence) == len(ids)
    assert not list(out.rglob("*.tmp"))
    assert "görüşme" in res.stdout or "görüşme" in res.stderr  # the Turkish summary line
