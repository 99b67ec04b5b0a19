"""The labelled Turkish data in datasets/: schema, balance, splits, calls, agreement and privacy.

These are the rules of issue 'Turkish soft-skills dataset'; a failure here means the data no longer supports an
honest evaluation (a leak between splits, a class too thin to measure, personal data in a file).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from qa_scoring.normalize import normalize
from qa_scoring.readers import discover, read_transcripts
from qa_scoring.redact import find_pii
from qa_scoring.skills import SKILL_KEYS

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "datasets" / "gold"
CALLS = ROOT / "datasets" / "calls"
SPLITS = ("train", "dev", "test")
NOISE = {"clean", "ascii", "asr", "chat"}
TURKISH = re.compile("[çğıöşüÇĞİÖŞÜ]")
LONG_DIGITS = re.compile(r"\d(?:[ \-]?\d){9,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def load(split: str) -> list[dict]:
    path = GOLD / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def gold() -> dict[str, list[dict]]:
    return {s: load(s) for s in SPLITS}


@pytest.fixture(scope="module")
def all_gold(gold) -> list[dict]:
    return [r for s in SPLITS for r in gold[s]]


def test_gold_size_and_coverage(gold, all_gold):
    assert len(all_gold) >= 1200
    assert len(gold["test"]) >= 300
    domains = Counter(r["domain"] for r in all_gold)
    assert len(domains) >= 25
    assert len({r["persona"] for r in all_gold}) >= 8


def test_gold_records_follow_the_schema(all_gold):
    ids = Counter(r["id"] for r in all_gold)
    assert not [i for i, c in ids.items() if c > 1], "duplicate ids"
    for r in all_gold:
        where = r["id"]
        assert set(r["labels"]) == set(SKILL_KEYS), where
        assert all(r["labels"][k] in (-1, 0, 1) for k in SKILL_KEYS), where
        assert r["customer_distress"] in (0, 1), where
        assert r["noise"] in NOISE, where
        assert r["channel"] in ("call", "chat"), where
        assert isinstance(r["customer"], str) and r["agent"].strip(), where
        assert isinstance(r["tags"], list), where
        if r["noise"] == "ascii":
            assert not TURKISH.search(r["agent"]), f"{where}: ascii noise with Turkish letters"
        if r["noise"] == "asr":
            assert r["agent"] == r["agent"].lower() and not re.search(r"[.,!?;:]", r["agent"]), where


@pytest.mark.parametrize("skill", SKILL_KEYS)
def test_every_class_of_every_skill_is_well_represented(all_gold, skill):
    counts = Counter(r["labels"][skill] for r in all_gold)
    n = len(all_gold)
    assert counts[1] / n >= 0.15, f"{skill}: +1 share {counts[1] / n:.1%}"
    assert counts[-1] / n >= 0.15, f"{skill}: -1 share {counts[-1] / n:.1%}"


@pytest.mark.parametrize("skill", SKILL_KEYS)
def test_test_split_can_measure_every_class(gold, skill):
    counts = Counter(r["labels"][skill] for r in gold["test"])
    assert min(counts[c] for c in (-1, 0, 1)) >= 30, f"{skill}: {dict(counts)}"


def test_noise_share(all_gold, gold):
    assert sum(r["noise"] != "clean" for r in all_gold) / len(all_gold) >= 0.25
    # the noisy subset of the test split must be big enough to report on its own
    assert sum(r["noise"] != "clean" for r in gold["test"]) >= 80


def test_splits_are_by_dialogue(gold):
    owners: dict[str, set[str]] = {}
    for s in SPLITS:
        for r in gold[s]:
            owners.setdefault(r["dialogue_id"], set()).add(s)
    assert all(len(v) == 1 for v in owners.values()), "a dialogue is split across train/dev/test"


def _shingles(text: str, n: int = 5) -> frozenset[str]:
    t = f" {text} "
    return frozenset(t[i : i + n] for i in range(max(1, len(t) - n + 1)))


def test_no_exact_or_near_duplicates_between_splits(gold):
    texts = {s: [] for s in SPLITS}
    for s in SPLITS:
        for r in gold[s]:
            for field in ("agent", "customer"):
                t = normalize(r[field], preset="match_ascii")
                if len(t) >= 12:
                    texts[s].append((r["id"], t, _shingles(t)))
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        exact_b = {t: i for i, t, _ in texts[b]}
        for i, t, _ in texts[a]:
            assert t not in exact_b, f"{i} ({a}) and {exact_b[t]} ({b}) share a line"
        for i, t, sa in texts[a]:
            for j, u, sb in texts[b]:
                if abs(len(t) - len(u)) > 0.4 * max(len(t), len(u)):
                    continue
                inter = len(sa & sb)
                if inter and inter / len(sa | sb) >= 0.8:
                    pytest.fail(f"near-duplicate lines across {a}/{b}: {i} and {j}")


def _no_pii(text: str, where: str) -> None:
    assert not find_pii(text), f"{where}: personal data pattern"
    assert not LONG_DIGITS.search(text), f"{where}: a run of 10+ digits"
    assert not EMAIL.search(text), f"{where}: an e-mail address"


def test_no_personal_data_in_gold(all_gold):
    for r in all_gold:
        _no_pii(r["customer"], r["id"])
        _no_pii(r["agent"], r["id"])


# ---------------------------------------------------------------------------------------------- calls
RATINGS = ROOT / "datasets" / "call_ratings.csv"


def _ratings() -> list[dict]:
    with RATINGS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_calls_parse_and_have_realistic_length():
    files = discover([CALLS])
    calls = [t for f in files for t in read_transcripts(f)]
    assert len(calls) >= 40
    for t in calls:
        assert 10 <= len(t.turns) <= 40, f"{t.call_id}: {len(t.turns)} turns"
        for turn in t.turns:
            _no_pii(turn.text, t.call_id)
    assert len({t.metadata["source"]["format"] for t in calls}) >= 4


def test_every_call_has_a_rating_and_ratings_are_spread():
    calls = {t.call_id for f in discover([CALLS]) for t in read_transcripts(f)}
    rows = _ratings()
    assert {r["call_id"] for r in rows} == calls
    assert len(rows) == len(calls)
    for skill in SKILL_KEYS:
        values = [r[skill] for r in rows]
        numeric = [int(v) for v in values if v != "NA"]
        assert all(1 <= v <= 5 for v in numeric), skill
        if skill != "empathy":
            assert len(numeric) == len(values), f"{skill}: NA is only allowed for empathy"
        assert min(numeric) <= 2 and max(numeric) >= 4, f"{skill}: ratings not spread"
    assert sum(r["empathy"] == "NA" for r in rows) >= 4  # calls with no empathy opportunity
    assert sum(r["critical"] == "yes" for r in rows) >= 2


# ------------------------------------------------------------------------------------------ agreement
def test_second_labelling_pass_and_kappa_are_reported():
    report = json.loads((GOLD / "agreement" / "report.json").read_text(encoding="utf-8"))
    assert report["n"] >= 250
    for key in [*SKILL_KEYS, "customer_distress"]:
        assert -1 <= report["skills"][key]["kappa"] <= 1
    card = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for key in SKILL_KEYS:
        assert f"{report['skills'][key]['kappa']:.2f}" in card, f"kappa of {key} missing from the data card"


# ------------------------------------------------------------------------------------------ generated
def test_generated_turns_never_appear_in_dev_or_test(gold):
    from qa_scoring.datagen import generate

    held_out = {
        normalize(r[field], preset="match_ascii")
        for s in ("dev", "test")
        for r in gold[s]
        for field in ("agent", "customer")
    }
    held_out.discard("")
    generated = generate(20000, seed=13)
    for r in generated:
        assert normalize(r["agent"], preset="match_ascii") not in held_out, r["id"]
        assert normalize(r["customer"], preset="match_ascii") not in held_out, r["id"]
