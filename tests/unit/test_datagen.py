"""The training-data generator: banks validation, label rules, constraints, balance, noise, determinism."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from qa_scoring.datagen import (
    DEFAULT_BANKS_DIR,
    BankError,
    generate,
    labels_from_components,
    load_banks,
    summarize,
    write_jsonl,
)
from qa_scoring.errors import QAScoringError

SKILLS = ("respect", "patience", "empathy", "active_listening", "positive_tone")
MY_DOMAINS = ("kargo", "bankacilik", "telekom_mobil", "havayolu")

# The documented table (datasets/generator/LABEL_RULES.md), written out independently of the code.
RULES = {
    "respect_pos": {"respect": 1},
    "respect_neg": {"respect": -1},
    "sarcasm": {"respect": -1, "positive_tone": -1},
    "patience_pos": {"patience": 1},
    "patience_neg": {"patience": -1},
    "hangup_threat": {"patience": -1, "positive_tone": -1},
    "empathy_pos": {"empathy": 1},
    "empathy_neg": {"empathy": -1},
    "indifference": {"empathy": -1},
    "listening_pos_frames": {"active_listening": 1},
    "ask_given": {"active_listening": -1},
    "wrong_topic": {"active_listening": -1},
    "listening_neg_generic": {"active_listening": -1},
    "tone_pos_frames": {"positive_tone": 1},
    "bad_news_good_frames": {"positive_tone": 1},
    "tone_neg_frames": {"positive_tone": -1},
    "tone_neg_generic": {"positive_tone": -1},
}
NEUTRAL_PARTS = {"neutral_frames", "first_question", "problem", "feeling_distress", "feeling_neutral", "paraphrase",
                 "solution", "refusal", "alternative", "info", "titles"}
TURKISH_LETTERS = re.compile("[çğıöşüÇĞİÖŞÜâîûÂÎÛ]")
PII = [re.compile(r"\d{10,}"), re.compile(r"\d[\d \-]{9,}\d"), re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
       re.compile(r"\bTR\d{2}", re.I)]
SCHEMA_KEYS = ["id", "dialogue_id", "domain", "persona", "channel", "turn", "customer", "agent", "customer_distress",
               "labels", "noise", "tags", "source", "components"]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def banks():
    """Whatever domain files are valid right now (at least the four maintained next to this test)."""
    b = load_banks(skip_invalid=True)
    missing = [d for d in MY_DOMAINS if d not in b.domains]
    assert not missing, f"domain files missing or invalid: {missing}; skipped: {b.skipped[:5]}"
    return b


@pytest.fixture(scope="module")
def records(banks):
    return generate(5000, seed=13, banks=banks, include_meta=True)


def _recompute(components: list[str]) -> dict[str, int]:
    labels = dict.fromkeys(SKILLS, 0)
    seen: set[str] = set()
    for comp in components:
        base = comp.split(".", 1)[0]
        assert base in RULES or base in NEUTRAL_PARTS, f"undocumented component {comp}"
        for skill, value in RULES.get(base, {}).items():
            assert skill not in seen, f"two components set {skill}: {components}"
            seen.add(skill)
            labels[skill] = value
    return labels


# ----------------------------------------------------------------------------- schema and determinism


def test_record_schema(records):
    first = records[0]
    assert list(first)[: len(SCHEMA_KEYS)] == SCHEMA_KEYS
    assert first["id"] == "gen-000001" and first["dialogue_id"] == first["id"] and first["turn"] == 1
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    for r in records:
        assert set(r["labels"]) == set(SKILLS) and all(v in (-1, 0, 1) for v in r["labels"].values())
        assert r["customer_distress"] in (0, 1)
        assert r["noise"] in ("clean", "ascii", "asr", "chat")
        assert r["channel"] in ("call", "chat")
        assert r["source"] == "generated"
        assert r["customer"].strip() and r["agent"].strip()
        assert r["persona"]


def test_same_seed_identical_other_seed_different(banks, tmp_path):
    a = generate(400, seed=7, banks=banks)
    b = generate(400, seed=7, banks=banks)
    c = generate(400, seed=8, banks=banks)
    pa, pb = write_jsonl(a, tmp_path / "a.jsonl"), write_jsonl(b, tmp_path / "b.jsonl")
    assert pa.read_bytes() == pb.read_bytes()
    assert [(r["customer"], r["agent"]) for r in a] != [(r["customer"], r["agent"]) for r in c]


def test_default_banks_dir_is_the_repository_folder():
    assert DEFAULT_BANKS_DIR == Path(__file__).resolve().parents[2] / "datasets" / "generator" / "banks"
    assert (DEFAULT_BANKS_DIR / "components.yaml").is_file()


def test_no_duplicate_pairs(records):
    pairs = Counter((r["customer"], r["agent"]) for r in records)
    assert max(pairs.values()) == 1


# ----------------------------------------------------------------------------- labels and constraints


def test_labels_follow_from_components(records):
    for r in records:
        assert _recompute(r["components"]) == r["labels"], r
        assert labels_from_components(r["components"]) == r["labels"]


def test_empathy_only_with_distress(records):
    for r in records:
        if r["labels"]["empathy"] != 0 or {"empathy_pos", "empathy_neg", "indifference"} & set(r["components"]):
            assert r["customer_distress"] == 1, r
        assert ("feeling_distress" in r["components"]) == (r["customer_distress"] == 1)


def test_ask_given_only_for_given_details(records):
    n = 0
    for r in records:
        for comp in r["components"]:
            if comp.startswith("ask_given."):
                slot = comp.split(".", 1)[1]
                assert "{" + slot + "}" in r["meta"]["problem"], r
                assert slot in r["meta"]["slots"]
                if r["noise"] == "clean":
                    assert r["meta"]["slots"][slot] in r["customer"], r
                n += 1
    assert n > 100


def test_paraphrase_slots_come_from_the_problem(records):
    for r in records:
        para = r["meta"].get("paraphrase")
        if para:
            used = set(re.findall(r"\{(\w+)\}", para))
            assert used <= set(re.findall(r"\{(\w+)\}", r["meta"]["problem"])), r
            for slot in used:
                if r["noise"] == "clean":
                    value = r["meta"]["slots"][slot]
                    assert r["customer"].count(value) and r["agent"].count(value), r


def test_off_topic_replies_carry_no_on_topic_content(records):
    for r in records:
        comps = set(r["components"])
        if comps & {"wrong_topic", "listening_neg_generic"}:
            assert not comps & {"solution", "refusal", "info", "paraphrase"}, r


def test_first_questions_only_after_slot_free_problems(records):
    hits = [r for r in records if "first_question" in r["components"]]
    assert hits
    for r in hits:
        assert not re.search(r"\{(ref|date|amount)\}", r["meta"]["problem"]), r
        assert all(v == 0 for v in r["labels"].values())


def test_all_zero_share_and_two_skill_components(records):
    s = summarize(records)
    assert 0.05 <= s["all_zero_share"] <= 0.12
    sarcasm = [r for r in records if "sarcasm" in r["components"]]
    hangup = [r for r in records if "hangup_threat" in r["components"]]
    assert sarcasm and hangup
    assert all(r["labels"]["respect"] == -1 and r["labels"]["positive_tone"] == -1 for r in sarcasm)
    assert all(r["labels"]["patience"] == -1 and r["labels"]["positive_tone"] == -1 for r in hangup)


def test_class_balance(records):
    shares = summarize(records)["label_shares"]
    for skill in SKILLS:
        assert shares[skill][-1] >= 0.20, (skill, shares[skill])
        assert shares[skill][1] >= 0.20, (skill, shares[skill])


# ----------------------------------------------------------------------------- text quality


def test_every_placeholder_filled_and_text_tidy(records):
    for r in records:
        for side in ("customer", "agent"):
            text = r[side]
            assert "{" not in text and "}" not in text, text
            assert "  " not in text and text == text.strip()
            assert not re.search(r"\s[.,;:!?]", text), text
            if r["noise"] in ("clean", "ascii"):
                assert not re.search(r"[.!?]\s+[a-zçğıöşü]", text), text
                assert not re.search(r"\.\.|,\.|\?\.", text), text


def test_no_pii_patterns(records):
    for r in records:
        for side in ("customer", "agent"):
            for rx in PII:
                assert not rx.search(r[side]), (rx.pattern, r[side])


def test_noise_share_and_styles(banks, records):
    for setting, recs in ((0.3, records), (0.6, generate(3000, seed=3, banks=banks, noise_share=0.6))):
        share = summarize(recs)["noise_share"]
        assert abs(share - setting) <= 0.05, share
    styles = Counter(r["noise"] for r in records)
    assert all(styles[s] > 200 for s in ("ascii", "asr", "chat"))
    for r in records:
        if r["noise"] == "ascii":
            assert not TURKISH_LETTERS.search(r["customer"] + r["agent"]), r
        elif r["noise"] == "asr":
            for side in ("customer", "agent"):
                assert r[side] == r[side].lower() and not re.search(r"[.,!?;:]", r[side]), r[side]
            assert r["channel"] == "call"
        elif r["noise"] == "chat":
            assert r["agent"] == r["agent"].lower() and r["channel"] == "chat"
    assert summarize(generate(300, seed=1, banks=banks, noise_share=0))["noise_share"] == 0


def test_chat_noise_uses_shorthand(records):
    chat = " ".join(r["agent"] + " " + r["customer"] for r in records if r["noise"] == "chat")
    words = Counter(chat.split())
    assert words["bi"] + words["tmm"] + words["tşk"] + words["tsk"] + words["diil"] + words["mısnız"] > 0
    assert any(w.endswith("yo") for w in words)


def test_persona_consistent_with_distress(records):
    calm = {r["persona"] for r in records if r["customer_distress"] == 0}
    upset = {r["persona"] for r in records if r["customer_distress"] == 1}
    assert "sakin" in calm and "öfkeli" in upset
    assert not calm & {"öfkeli", "yas tutan", "hakaret eden"}


# ----------------------------------------------------------------------------- API edges


def test_summarize_and_write_jsonl(tmp_path, banks):
    recs = generate(50, seed=2, banks=banks)
    path = write_jsonl(recs, tmp_path / "sub" / "out.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == recs
    assert not list((tmp_path / "sub").glob("*.tmp"))
    s = summarize(recs)
    assert s["n"] == 50 and sum(s["domains"].values()) == 50
    assert all(sum(s["labels"][k].values()) == 50 for k in SKILLS)


@pytest.mark.parametrize("kwargs", [{"n": -1}, {"n": 2.5}, {"n": 5, "noise_share": 1.5}])
def test_generate_rejects_bad_arguments(banks, kwargs):
    with pytest.raises(ValueError):
        generate(banks=banks, **kwargs)


def test_generation_speed(banks):
    import time

    t = time.perf_counter()
    generate(4000, seed=21, banks=banks)
    assert time.perf_counter() - t < 12  # 20,000 turns in well under 30 s


# ----------------------------------------------------------------------------- bank validation


def _bank_dir(tmp_path: Path, domain_data: dict | None = None, comp_edit=None, fname: str = "kargo.yaml") -> Path:
    root = tmp_path / "banks"
    (root / "domains").mkdir(parents=True)
    comps = yaml.safe_load((DEFAULT_BANKS_DIR / "components.yaml").read_text(encoding="utf-8"))
    if comp_edit:
        comp_edit(comps)
    (root / "components.yaml").write_text(yaml.safe_dump(comps, allow_unicode=True), encoding="utf-8")
    if domain_data is None:
        shutil.copy(DEFAULT_BANKS_DIR / "domains" / "kargo.yaml", root / "domains" / fname)
    else:
        (root / "domains" / fname).write_text(yaml.safe_dump(domain_data, allow_unicode=True), encoding="utf-8")
    return root


def _kargo() -> dict:
    return yaml.safe_load((DEFAULT_BANKS_DIR / "domains" / "kargo.yaml").read_text(encoding="utf-8"))


def _set(path: list, value):
    def edit(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def _delete(path: list):
    def edit(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return edit


DOMAIN_CASES = [
    ("too few solutions", _set(["situations", 2, "solution"], ["tek bir çözüm"]),
     "domains/kargo.yaml: situations[2].solution: at least 3 variants needed, found 1"),
    ("unknown placeholder", _set(["situations", 0, "problem", 0], "{reff} numaralı kargom gelmedi."),
     "domains/kargo.yaml: situations[0].problem[0]: unknown placeholder {reff}"),
    ("slot outside problem/paraphrase", _set(["situations", 1, "solution", 0], "{ref} kodlu paketi arıyorum"),
     "domains/kargo.yaml: situations[1].solution[0]: unknown placeholder {ref}"),
    ("domain does not match file", _set(["domain"], "kargoo"),
     "domains/kargo.yaml: domain: is 'kargoo' but must equal the file name 'kargo'"),
    ("missing field", _delete(["situations", 3, "refusal"]),
     "domains/kargo.yaml: situations[3].refusal: field missing"),
    ("unknown field", _set(["situations", 0, "solutions"], ["x"]),
     "domains/kargo.yaml: situations[0].solutions: unknown field"),
    ("wrong type", _set(["situations", 0, "info"], "tek metin"),
     "domains/kargo.yaml: situations[0].info: input should be a valid list"),
    ("too few situations", lambda d: d.update(situations=d["situations"][:3]),
     "domains/kargo.yaml: situations: at least 8 situations needed, found 3"),
    ("too few ref problems", _set(["situations", 0, "problem"], ["Paketim gelmedi.", "Kargo nerede?",
                                                                    "{ref} numaralı kargom yok."]),
     "domains/kargo.yaml: situations[0].problem: at least 2 statements must contain {ref}, found 1"),
    ("unknown ask_given slot", _set(["situations", 0, "ask_given", "adres"], ["Adresiniz neydi?", "Adres?"]),
     "domains/kargo.yaml: situations[0].ask_given.adres: unknown slot"),
    ("code too long", _set(["codes", 0], "KG-##########"),
     "domains/kargo.yaml: codes[0]: 'KG-##########' must have 1 to 8 characters"),
    ("personal data", _set(["situations", 0, "info", 0], "müşteri 05321234567 numarasından aradı"),
     "domains/kargo.yaml: situations[0].info[0]: looks like a run of 10 or more digits"),
    ("duplicate variant", _set(["situations", 0, "refusal"], ["aynı ret", "aynı ret"]),
     "domains/kargo.yaml: situations[0].refusal[1]: duplicate of situations[0].refusal[0]"),
]


@pytest.mark.parametrize("name, edit, expected", DOMAIN_CASES, ids=[c[0] for c in DOMAIN_CASES])
def test_domain_bank_errors(tmp_path, name, edit, expected):
    data = _kargo()
    edit(data)
    root = _bank_dir(tmp_path, data)
    with pytest.raises(BankError) as info:
        load_banks(root)
    assert isinstance(info.value, QAScoringError) and isinstance(info.value, ValueError)
    assert expected in str(info.value), str(info.value)


COMPONENT_CASES = [
    ("too few variants", lambda c: c.update(patience_neg=c["patience_neg"][:5]),
     "components.yaml: patience_neg: at least 40 variants needed, found 5"),
    ("frame without its slot", lambda c: c["tone_pos_frames"].__setitem__(0, "Hemen bakıyorum."),
     "components.yaml: tone_pos_frames[0]: must contain {solution}"),
    ("unknown placeholder", lambda c: c["respect_pos"].__setitem__(0, "Haklısınız {titel}."),
     "components.yaml: respect_pos[0]: unknown placeholder {titel}"),
    ("missing component", lambda c: c.pop("indifference"), "components.yaml: indifference: field missing"),
    ("unknown component", lambda c: c.update(empati_pos=["x"]), "components.yaml: empati_pos: unknown field"),
    ("bad title", lambda c: c["titles"].__setitem__(0, "Ayşe"), "components.yaml: titles[0]: 'Ayşe' must be a name"),
]


@pytest.mark.parametrize("name, edit, expected", COMPONENT_CASES, ids=[c[0] for c in COMPONENT_CASES])
def test_component_bank_errors(tmp_path, name, edit, expected):
    root = _bank_dir(tmp_path, comp_edit=edit)
    with pytest.raises(BankError) as info:
        load_banks(root)
    assert expected in str(info.value), str(info.value)


def test_file_name_must_match_domain(tmp_path):
    root = _bank_dir(tmp_path, fname="kargo_yeni.yaml")
    with pytest.raises(BankError, match="must equal the file name 'kargo_yeni'"):
        load_banks(root)


def test_skip_invalid_keeps_the_valid_files(tmp_path):
    root = _bank_dir(tmp_path)
    (root / "domains" / "bozuk.yaml").write_text("domain: bozuk\nname: [\n", encoding="utf-8")
    with pytest.raises(BankError, match="domains/bozuk.yaml"):
        load_banks(root)
    b = load_banks(root, skip_invalid=True)
    assert list(b.domains) == ["kargo"] and b.skipped
    assert len(generate(200, seed=1, banks=b)) == 200


def test_missing_folder_errors(tmp_path, monkeypatch):
    with pytest.raises(BankError, match="bank folder not found"):
        load_banks(tmp_path / "yok")
    (tmp_path / "empty" / "domains").mkdir(parents=True)
    with pytest.raises(BankError, match="components.yaml"):
        load_banks(tmp_path / "empty")
    import qa_scoring.datagen.banks as banks_mod

    monkeypatch.setattr(banks_mod, "DEFAULT_BANKS_DIR", tmp_path / "nowhere")
    with pytest.raises(BankError, match="needs a repository checkout"):
        load_banks()


def test_repository_components_are_rich():
    comps = yaml.safe_load((DEFAULT_BANKS_DIR / "components.yaml").read_text(encoding="utf-8"))
    for name, value in comps.items():
        n = sum(len(v) for v in value.values()) if isinstance(value, dict) else len(value)
        assert n >= 40, name
