"""Tests for qa_scoring.rubric: shipped rubrics, validation messages, the evidence → level rule."""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from qa_scoring.errors import RubricError
from qa_scoring.rubric import (
    Rubric,
    Skill,
    check_skills,
    list_builtin_rubrics,
)
from qa_scoring.skills import LABELS, SKILL_KEYS, SKILL_NAMES_TR

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "qa_scoring" / "resources"
USER_COPIES = REPO / "rubrics"
FIXTURES = REPO / "tests" / "fixtures" / "rubrics"
BUILTINS = ("default", "tahsilat")


def _minimal() -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / "minimal_valid.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: Any, name: str = "rubric.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """Return a copy of ``data`` with ``dotted`` (e.g. ``skills[0].evidence.thresholds``) set to ``value``."""
    data = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", dotted)]
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
    return data


def _delete(data: dict[str, Any], dotted: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", dotted)]
    target: Any = data
    for part in parts[:-1]:
        target = target[part]
    del target[parts[-1]]
    return data


# ----------------------------------------------------------------------------------------- skills module


def test_skill_constants_match_the_label_guide() -> None:
    assert SKILL_KEYS == ("respect", "patience", "empathy", "active_listening", "positive_tone")
    assert set(SKILL_NAMES_TR) == set(SKILL_KEYS)
    assert SKILL_NAMES_TR["active_listening"] == "Aktif dinleme"
    assert LABELS == (-1, 0, 1)


# ------------------------------------------------------------------------------------- shipped rubrics


def test_builtin_rubric_names() -> None:
    assert list_builtin_rubrics() == sorted(BUILTINS)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_rubric_loads_and_is_complete(name: str) -> None:
    rubric = Rubric.load(name)
    assert rubric.id == name
    assert rubric.language == "tr"
    assert rubric.skill_keys == SKILL_KEYS
    assert math.isclose(sum(rubric.weights.values()), 1.0)
    for skill in rubric.skills:
        assert [lv.level for lv in skill.levels] == [1, 2, 3, 4, 5]
        assert [skill.level_name(i) for i in (1, 3, 5)] == ["Yetersiz", "Yeterli", "Örnek"]
        assert len(skill.tips) >= 3, f"{name}: {skill.key} needs 3+ tips"
        assert skill.tips_for("violation") or skill.tips_for("missing")
        assert all(t.examples for t in skill.tips)
    assert rubric.skill("empathy").evidence.applies_when == "distress"
    assert {"greeting", "identity_check", "kvkk", "closing"} <= {s.key for s in rubric.script}
    assert {"insult", "threat", "discrimination", "hang_up_threat"} <= {
        c.key for c in rubric.critical_behaviours
    }


@pytest.mark.parametrize("name", BUILTINS)
def test_repository_copy_is_byte_identical_to_packaged_rubric(name: str) -> None:
    packaged = (RESOURCES / f"{name}.yaml").read_bytes()
    copy_ = (USER_COPIES / f"{name}.yaml").read_bytes()
    assert copy_ == packaged, f"rubrics/{name}.yaml differs: copy qa_scoring/resources/{name}.yaml over it"


def test_every_packaged_rubric_has_a_repository_copy_and_vice_versa() -> None:
    packaged = {p.name for p in RESOURCES.glob("*.yaml")}
    copies = {p.name for p in USER_COPIES.glob("*.yaml")}
    assert packaged == copies


def test_builtin_and_repository_copy_give_the_same_rubric() -> None:
    assert Rubric.default() == Rubric.from_yaml(USER_COPIES / "default.yaml")
    assert Rubric.load(str(USER_COPIES / "tahsilat.yaml")).fingerprint == Rubric.load("tahsilat").fingerprint


def test_tahsilat_is_stricter_than_default() -> None:
    default, tahsilat = Rubric.load("default"), Rubric.load("tahsilat")
    assert tahsilat.critical_skills == ("respect",)
    assert tahsilat.weights["respect"] > default.weights["respect"]
    assert tahsilat.weights["patience"] > default.weights["patience"]
    for key in ("respect", "active_listening", "positive_tone"):
        strict = tahsilat.skill(key).evidence.thresholds
        lenient = default.skill(key).evidence.thresholds
        assert all(s >= d for s, d in zip(strict, lenient, strict=True)), key
    assert tahsilat.scoring.pass_mark > default.scoring.pass_mark
    assert set(tahsilat.script_item("identity_check").before) == {"debt_disclosure", "payment_options"}
    assert {"illegal_legal_threat", "third_party_disclosure", "shaming"} <= {
        c.key for c in tahsilat.critical_behaviours
    }


@pytest.mark.parametrize(
    ("rubric_name", "behaviour", "agent_text", "should_match"),
    [
        ("default", "insult", "siz gerçekten aptal mısınız", True),
        ("default", "insult", "size hemen yardımcı olayım", False),
        ("default", "hang_up_threat", "böyle konuşursanız telefonu yüzünüze kapatırım", True),
        ("tahsilat", "illegal_legal_threat", "ödemezseniz hapse girersiniz", True),
        ("tahsilat", "illegal_legal_threat", "ödeme yapılmazsa dosya hukuki sürece aktarılabilir", False),
        ("tahsilat", "third_party_disclosure", "ödemezseniz işyerinizi arayacağız", True),
        ("tahsilat", "shaming", "utanmıyor musunuz bu yaşta", True),
    ],
)
def test_critical_patterns_match_turkish_text(
    rubric_name: str, behaviour: str, agent_text: str, should_match: bool
) -> None:
    rubric = Rubric.load(rubric_name)
    entry = next(c for c in rubric.critical_behaviours if c.key == behaviour)
    matched = any(p.search(agent_text) for p in entry.compiled_patterns())
    assert matched is should_match


def test_critical_patterns_can_be_ascii_folded() -> None:
    insult = next(c for c in Rubric.default().critical_behaviours if c.key == "insult")
    assert any(p.search("gerizekali misiniz") for p in insult.compiled_patterns(ascii_folded=True))
    assert not any(p.search("gerizekali misiniz") for p in insult.compiled_patterns())


# ----------------------------------------------------------------------------------- broken fixtures


@pytest.mark.parametrize(
    ("fixture", "fragments"),
    [
        ("wrong_weight_sum.yaml", ["field 'skills'", "add up to 100", "found 90", "respect 90", "adjust"]),
        ("unknown_skill_key.yaml", ["skills[0].key", "'respekt'", "Did you mean 'respect'?", "use one of"]),
        ("missing_level.yaml", ["skills[0].levels", "level 3 is missing", "add an entry with level: 3"]),
        (
            "thresholds_not_increasing.yaml",
            ["skills[0].evidence.thresholds[2]", "increase strictly", "0.15 is not greater than 0.2"],
        ),
        ("bad_regex.yaml", ["critical_behaviours[0].patterns[0]", "invalid regular expression", "missing )"]),
        ("unknown_field.yaml", ["skills[0].wieght", "unknown field 'wieght'", "Did you mean 'weight'?"]),
        ("unknown_field.yaml", ["skills[0].weight", "misspelt as 'wieght'", "rename 'wieght' to 'weight'"]),
        ("yaml_syntax_error.yaml", ["YAML syntax error at line 20, column 9", "starts at line 19"]),
        ("duplicate_key.yaml", ["key 'weight' appears twice", "lines 11 and 12", "keep one"]),
        ("empty.yaml", ["empty.yaml", "the file is empty", "rubrics/default.yaml"]),
        ("empty_phrase.yaml", ["script[0].phrases[1]", "must not be empty"]),
        ("not_utf8.yaml", ["not UTF-8", "line 3", "save the file as UTF-8"]),
        (
            "several_problems.yaml",
            [
                "3 problems found",
                "skills[0].weight: expected a number, found text 'yüz'",
                "skills[0].levels[1].name: required field 'name' is missing",
                "critical_behaviours[0].action: 'block' is not allowed → use one of: 'review' or 'fail'",
            ],
        ),
    ],
)
def test_broken_fixture_gives_one_clear_error(fixture: str, fragments: list[str]) -> None:
    path = FIXTURES / fixture
    with pytest.raises(RubricError, match=re.escape(fixture)) as info:
        Rubric.from_yaml(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "→" in message or "YAML syntax error" in message


def test_minimal_fixture_is_valid() -> None:
    rubric = Rubric.from_yaml(FIXTURES / "minimal_valid.yaml")
    assert rubric.skill_keys == ("respect",)
    assert rubric.weights == {"respect": 1.0}


def test_single_problem_sets_path_and_field() -> None:
    with pytest.raises(RubricError) as info:
        Rubric.from_yaml(FIXTURES / "wrong_weight_sum.yaml")
    assert info.value.path is not None and info.value.path.endswith("wrong_weight_sum.yaml")
    assert info.value.field == "skills"
    assert isinstance(info.value, ValueError)


# ------------------------------------------------------------------------------- in-test broken data


Mutation = Callable[[dict[str, Any]], Any]

BROKEN: list[tuple[str, Mutation, list[str]]] = [
    (
        "negative weight",
        lambda d: _set(d, "skills[0].weight", -5),
        ["skills[0].weight", "must be at least 0"],
    ),
    (
        "three thresholds",
        lambda d: _set(d, "skills[0].evidence.thresholds", [-0.2, 0.0, 0.3]),
        ["skills[0].evidence.thresholds", "exactly 4 cut points", "found 3"],
    ),
    (
        "threshold outside [-1, 1]",
        lambda d: _set(d, "skills[0].evidence.thresholds", [-0.2, 0.0, 0.3, 1.5]),
        ["skills[0].evidence.thresholds[3]", "outside [-1, 1]"],
    ),
    (
        "Turkish name used as key",
        lambda d: _set(d, "skills[0].key", "Saygı"),
        ["skills[0].key", "Did you mean 'respect'?", "keys are English"],
    ),
    (
        "level 6",
        lambda d: _set(d, "skills[0].levels[4].level", 6),
        ["skills[0].levels[4].level", "must be at most 5"],
    ),
    (
        "level given twice",
        lambda d: _set(d, "skills[0].levels[4].level", 4),
        ["skills[0].levels[4].level", "level 4 appears twice", "level 5 is missing"],
    ),
    (
        "duplicate skill key",
        lambda d: _set(_set(d, "skills", [d["skills"][0], d["skills"][0]]), "skills[1].weight", 0),
        ["skills[1].key", "duplicate key 'respect'", "keys must be unique"],
    ),
    (
        "only one tip",
        lambda d: _set(d, "skills[0].tips", d["skills"][0]["tips"][:1]),
        ["skills[0].tips", "at least 2"],
    ),
    (
        "only strength tips",
        lambda d: _set(d, "skills[0].tips[0].when", "strength"),
        ["skills[0].tips", "when: violation or when: missing"],
    ),
    (
        "tip without examples",
        lambda d: _set(d, "skills[0].tips[0].examples", []),
        ["skills[0].tips[0].examples", "at least 1"],
    ),
    (
        "unknown tip kind",
        lambda d: _set(d, "skills[0].tips[0].when", "always"),
        ["skills[0].tips[0].when", "'always' is not allowed", "'violation', 'missing' or 'strength'"],
    ),
    (
        "distress cues on an always skill",
        lambda d: _set(d, "skills[0].evidence.distress_cues", ["\\bmağdur"]),
        ["skills[0].evidence.distress_cues", "applies_when: distress"],
    ),
    (
        "empty phrase list",
        lambda d: _set(d, "script[0].phrases", []),
        ["script[0].phrases", "at least 1"],
    ),
    (
        "phrase of punctuation only",
        lambda d: _set(d, "script[0].phrases", ["..."]),
        ["script[0].phrases[0]", "has no words"],
    ),
    (
        "duplicate phrase after normalisation",
        lambda d: _set(
            d, "script[0].phrases", ["Size nasıl yardımcı olabilirim?", "size nasil yardimci olabilirim"]
        ),
        ["script[0].phrases[1]", "duplicates phrases[0]"],
    ),
    (
        "max_wer above 1",
        lambda d: _set(d, "script[0].max_wer", 1.5),
        ["script[0].max_wer", "must be at most 1"],
    ),
    (
        "bad position",
        lambda d: _set(d, "script[0].position", "middle"),
        ["script[0].position", "'middle' is not allowed", "'start', 'end' or 'anywhere'"],
    ),
    (
        "within_turns with anywhere",
        lambda d: _set(d, "script[0].position", "anywhere"),
        ["script[0].within_turns", "no effect with position: anywhere"],
    ),
    (
        "before names a missing item",
        lambda d: _set(d, "script[0].before", ["kvk"]),
        ["script[0].before[0]", "no script item has key 'kvk'"],
    ),
    (
        "key with spaces",
        lambda d: _set(d, "script[0].key", "Kimlik doğrulama"),
        ["script[0].key", "not a valid key", "identity_check"],
    ),
    (
        "upper-case pattern",
        lambda d: _set(d, "critical_behaviours[0].patterns", ["\\bAptal"]),
        ["critical_behaviours[0].patterns[0]", "upper-case", "lower case"],
    ),
    (
        "critical behaviour without detector",
        lambda d: _delete(d, "critical_behaviours[0].patterns"),
        ["critical_behaviours[0]", "no way to be detected", "skill_label"],
    ),
    (
        "skill_label with unknown skill",
        lambda d: _set(d, "critical_behaviours[0].skill_label", {"skill": "respec", "label": -1}),
        ["critical_behaviours[0].skill_label.skill", "Did you mean 'respect'?"],
    ),
    (
        "skill_label with label 2",
        lambda d: _set(d, "critical_behaviours[0].skill_label", {"skill": "respect", "label": 2}),
        ["critical_behaviours[0].skill_label.label", "must be -1, 0 or 1"],
    ),
    (
        "talk share reversed",
        lambda d: _set(d, "review", {"timing": {"agent_talk_share": [0.7, 0.3]}}),
        ["review.timing.agent_talk_share", "0 ≤ lo < hi ≤ 1"],
    ),
    (
        "skill gap too large",
        lambda d: _set(d, "review", {"skill_gap": 5}),
        ["review.skill_gap", "must be at most 4"],
    ),
    (
        "negative min_words",
        lambda d: _set(d, "eligibility", {"min_words": -1}),
        ["eligibility.min_words", "must be at least 0"],
    ),
    (
        "wrong language",
        lambda d: _set(d, "language", "en"),
        ["language", "'en' is not allowed", "'tr'"],
    ),
    (
        "missing id",
        lambda d: _delete(d, "id"),
        ["field 'id'", "required field 'id' is missing"],
    ),
    (
        "required flag as text",
        lambda d: _set(d, "script[0].required", "belki"),
        ["script[0].required", "expected true or false"],
    ),
    (
        "skills not a list",
        lambda d: _set(d, "skills", "respect"),
        ["field 'skills'", "expected a list"],
    ),
    (
        "top level is a list",
        lambda d: [d],
        ["top level must be a mapping", "found a list"],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "fragments"), BROKEN, ids=[c[0] for c in BROKEN])
def test_invalid_rubric_data_is_reported(
    tmp_path: Path, case: str, mutate: Mutation, fragments: list[str]
) -> None:
    path = _write(tmp_path, mutate(_minimal()))
    with pytest.raises(RubricError, match=re.escape(str(path))) as info:
        Rubric.from_yaml(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{case}: {fragment!r} not in:\n{message}"


def test_pattern_error_names_the_entry_and_the_regex_error(tmp_path: Path) -> None:
    data = _set(_minimal(), "critical_behaviours[0].patterns", ["\\bsalak", "(aptal"])
    with pytest.raises(RubricError, match=r"critical_behaviours\[0\]\.patterns\[1\].*missing \)"):
        Rubric.from_yaml(_write(tmp_path, data))


def test_version_number_is_accepted_as_text(tmp_path: Path) -> None:
    rubric = Rubric.from_yaml(_write(tmp_path, _set(_minimal(), "version", 2.1)))
    assert rubric.version == "2.1"


def test_skill_name_defaults_to_turkish_name(tmp_path: Path) -> None:
    rubric = Rubric.from_yaml(_write(tmp_path, _delete(_minimal(), "skills[0].name")))
    assert rubric.skill("respect").name == "Saygı"


def test_suggestion_prefix_is_not_doubled(tmp_path: Path) -> None:
    data = _set(
        _minimal(), "skills[0].tips[0].examples", ["Şöyle deneyebilirsiniz: “Ayşe Hanım, hemen bakıyorum.”"]
    )
    tip = Rubric.from_yaml(_write(tmp_path, data)).skill("respect").tips[0]
    assert tip.examples == ("Ayşe Hanım, hemen bakıyorum.",)
    assert tip.suggestions() == ["Şöyle deneyebilirsiniz: “Ayşe Hanım, hemen bakıyorum.”"]


# ---------------------------------------------------------------------------------------- locating


def test_missing_file_names_path_and_builtins(tmp_path: Path) -> None:
    missing = tmp_path / "yok.yaml"
    with pytest.raises(RubricError, match="file not found") as info:
        Rubric.load(missing)
    message = str(info.value)
    assert str(missing) in message
    assert "default" in message and "tahsilat" in message


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("defualt", "Did you mean 'default'?"),
        ("tahsilt", "Did you mean 'tahsilat'?"),
        ("bilinmeyen", "use one of: default, tahsilat"),
    ],
)
def test_unknown_builtin_name_is_explained(name: str, fragment: str) -> None:
    with pytest.raises(RubricError, match=re.escape(fragment)):
        Rubric.load(name)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="is a directory"):
        Rubric.from_yaml(tmp_path)


def test_load_accepts_path_and_string_path() -> None:
    path = FIXTURES / "minimal_valid.yaml"
    assert Rubric.load(path) == Rubric.load(str(path))


# ------------------------------------------------------------------------------------ evidence rule

DEFAULT_RESPECT_THRESHOLDS = (-0.2, 0.0, 0.15, 0.35)


@pytest.mark.parametrize(
    ("net_rate", "level"),
    [
        (-1.0, 1),
        (-0.2001, 1),
        (-0.2, 2),  # a rate equal to a cut point gets the higher level
        (-0.0001, 2),
        (0.0, 3),
        (0.1499, 3),
        (0.15, 4),
        (0.3499, 4),
        (0.35, 5),
        (1.0, 5),
        (7.0, 5),  # clipped
        (-7.0, 1),
    ],
)
def test_level_for_boundaries(net_rate: float, level: int) -> None:
    skill = Rubric.default().skill("respect")
    assert skill.evidence.thresholds == DEFAULT_RESPECT_THRESHOLDS
    assert skill.level_for(net_rate) == level


@pytest.mark.parametrize("bad", [math.nan, math.inf, "0.5", None, True])
def test_level_for_rejects_non_numbers(bad: Any) -> None:
    with pytest.raises(ValueError, match="finite number"):
        Rubric.default().skill("respect").level_for(bad)


@pytest.mark.parametrize(
    ("skill_key", "counts", "expected"),
    [
        ("respect", {"positive": 3, "negative": 1, "total": 10}, 0.1),  # (3 - 2*1) / 10
        ("respect", {"positive": 0, "negative": 0, "total": 12}, 0.0),
        ("respect", {"positive": 0, "negative": 3, "total": 4}, -1.0),  # -1.5 clipped
        ("respect", {"positive": 1, "negative": 0, "total": 2, "missed": 1}, 0.5),  # missed ignored: always
        ("empathy", {"positive": 1, "negative": 0, "total": 2, "missed": 1}, 0.25),  # (1 - 0.5*1) / 2
        ("empathy", {"positive": 0, "negative": 0, "total": 1, "missed": 1}, -0.5),
        ("empathy", {"positive": 0, "negative": 0, "total": 0}, None),  # no distress moment: not applicable
    ],
)
def test_net_rate(skill_key: str, counts: dict[str, int], expected: float | None) -> None:
    rate = Rubric.default().skill(skill_key).evidence.net_rate(**counts)
    if expected is None:
        assert rate is None
    else:
        assert rate == pytest.approx(expected)


def test_worked_example_from_the_docs() -> None:
    # docs/rubric-format.md: one missed distress moment → "Gelişmeli"; a dismissive reply → "Yetersiz".
    empathy = Rubric.default().skill("empathy")
    assert empathy.level_name(empathy.level_for(empathy.evidence.net_rate(0, 0, 1, missed=1))) == "Gelişmeli"
    assert empathy.level_name(empathy.level_for(empathy.evidence.net_rate(0, 1, 1))) == "Yetersiz"
    assert empathy.level_name(empathy.level_for(empathy.evidence.net_rate(1, 0, 2, missed=1))) == "Yeterli"
    respect = Rubric.default().skill("respect")
    assert respect.level_for(respect.evidence.net_rate(positive=4, negative=1, total=12)) == 4
    assert respect.level_for(respect.evidence.net_rate(positive=4, negative=2, total=12)) == 3


@pytest.mark.parametrize(
    "counts",
    [
        {"positive": -1, "negative": 0, "total": 3},
        {"positive": 3, "negative": 2, "total": 4},
    ],
)
def test_net_rate_rejects_inconsistent_counts(counts: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        Rubric.default().skill("respect").evidence.net_rate(**counts)


@pytest.mark.parametrize("bad_level", [0, 6, "3"])
def test_level_name_rejects_unknown_levels(bad_level: Any) -> None:
    with pytest.raises(ValueError, match="level must be one of 1, 2, 3, 4, 5"):
        Rubric.default().skill("patience").level_name(bad_level)


# --------------------------------------------------------------------------------------------- helpers


def test_weights_renormalise_without_empathy() -> None:
    weights = Rubric.default().weights_for(["respect", "patience", "active_listening", "positive_tone"])
    assert math.isclose(sum(weights.values()), 1.0)
    assert weights["respect"] == pytest.approx(25 / 80)
    assert "empathy" not in weights


def test_skill_lookup_error_lists_skills() -> None:
    with pytest.raises(KeyError, match="Did you mean 'empathy'"):
        Rubric.default().skill("empati")


def test_to_dict_round_trips() -> None:
    rubric = Rubric.load("tahsilat")
    assert Rubric.from_dict(rubric.to_dict()) == rubric


def test_fingerprint_is_stable_and_ignores_layout(tmp_path: Path) -> None:
    original = Rubric.from_yaml(FIXTURES / "minimal_valid.yaml")
    again = Rubric.from_yaml(FIXTURES / "minimal_valid.yaml")
    relaid = Rubric.from_yaml(_write(tmp_path, _minimal()))  # no comments, other quoting and layout
    assert re.fullmatch(r"[0-9a-f]{64}", original.fingerprint)
    assert original.fingerprint == again.fingerprint == relaid.fingerprint


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("skills[0].evidence.thresholds", [-0.2, 0.0, 0.15, 0.4]),
        ("skills[0].evidence.negative_weight", 3),
        ("skills[0].levels[2].name", "Orta"),
        ("script[0].max_wer", 0.2),
    ],
)
def test_fingerprint_changes_with_any_value(tmp_path: Path, field: str, value: Any) -> None:
    before = Rubric.from_yaml(FIXTURES / "minimal_valid.yaml").fingerprint
    after = Rubric.from_yaml(_write(tmp_path, _set(_minimal(), field, value))).fingerprint
    assert after != before


def test_fingerprint_changes_when_a_weight_changes() -> None:
    data = Rubric.default().to_dict()
    data = _set(_set(data, "skills[0].weight", 30), "skills[1].weight", 10)
    assert Rubric.from_dict(data).fingerprint != Rubric.default().fingerprint


def test_check_skills_accepts_a_full_model() -> None:
    check_skills(Rubric.load("tahsilat"), SKILL_KEYS)  # must not raise
    with pytest.raises(RubricError):
        check_skills(Rubric.load("tahsilat"), SKILL_KEYS[:-1])


def test_check_skills_names_the_missing_skill() -> None:
    with pytest.raises(RubricError, match="empathy.*does not predict.*model predicts: active_listening"):
        check_skills(Rubric.default(), [k for k in SKILL_KEYS if k != "empathy"])


def test_models_are_frozen() -> None:
    skill: Skill = Rubric.default().skill("respect")
    with pytest.raises(ValueError):
        skill.weight = 50  # type: ignore[misc]
