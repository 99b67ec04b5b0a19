"""Calibration: how well the model's call-level skill levels (1–5) agree with human reviewers.

Typical use::

    from qa_scoring.calibration import calibrate, load_scores, save_chart

    human = load_scores("insan_puanlari.csv", "human")   # call_id, [reviewer], respect, patience, ...
    ai = load_scores("out/scores.csv", "ai")             # call_id, respect, patience, ...
    report = calibrate(human, ai)
    print(report.table())
    save_chart(report, "kalibrasyon.png")

Score files are CSV (comma, semicolon or tab separated, any encoding :func:`qa_scoring.readers.decode_bytes`
accepts) with a ``call_id`` column and one column per skill named by its key (``respect``) or its Turkish
name (``Saygı``); a human file may add a ``reviewer`` column. Levels are 1–5; ``NA`` or an empty cell means
"not scored" and that item is skipped for that skill only. Other columns are ignored.

Measures, per skill over the (human rating, model) pairs of matched calls:

* ``exact``: share of identical levels; ``within_one``: share at most one level apart;
* ``mae``: mean absolute difference in levels;
* ``spearman``: Spearman rank correlation (average ranks; ``None`` when either side is constant);
* ``kappa``: Cohen's kappa with quadratic weights over the labels 1..5 (scikit-learn); 1.0 when every
  pair agrees (scikit-learn's 0/0 case of a single shared level);
* ``alignment``: MaestroQA-style alignment, the mean over items of 1 − |human − model| / 4 (the levels span
  four points), so a constant one-level shift gives 0.75.

Decisions: a call scored by several reviewers contributes one item per reviewer (``n`` counts items, not
calls); the "Genel" (overall) row pools all (call, skill) items; per-reviewer alignment is reported when the
human file has a ``reviewer`` column. :func:`save_chart` writes a PNG with matplotlib when it is installed;
matplotlib is not a dependency, so without it (or for a ``.svg`` path) a hand-written SVG is written instead.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from .errors import ConfigError, LocatedError, TranscriptFormatError
from .readers import DEFAULT_MAX_BYTES, decode_bytes
from .readers.encoding import read_limited
from .skills import SKILL_KEYS, SKILL_NAMES_TR
from .turkish import fold_key

logger = logging.getLogger(__name__)

__all__ = [
    "KINDS",
    "LEVELS",
    "CalibrationReport",
    "ReviewerAlignment",
    "ScoreFileError",
    "SkillAgreement",
    "calibrate",
    "load_scores",
    "save_chart",
]

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
"""Call-level skill levels."""

KINDS = ("human", "ai")
"""Kinds of score file: human reviewers' scores, or the model's (``scores.csv``)."""

_NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "—", "<na>"})
_SPAN = LEVELS[-1] - LEVELS[0]

_CALL_ID_KEYS = frozenset({"call_id", "callid", "cagri_id", "cagri"})
_REVIEWER_KEYS = frozenset({"reviewer", "degerlendirici", "denetci"})


class ScoreFileError(LocatedError):
    """A human or model score file (or DataFrame) is malformed (``location`` e.g. ``"row 4, column 'empathy'"``,
    the header being row 1)."""


# ----------------------------------------------------------------------------------------------- loading


def _column_key(name: object) -> str:
    return fold_key(str(name)).replace(" ", "_").replace("-", "_")


_SKILL_BY_KEY: dict[str, str] = {}
for _k in SKILL_KEYS:
    _SKILL_BY_KEY[_column_key(_k)] = _k
    _SKILL_BY_KEY[_column_key(SKILL_NAMES_TR[_k])] = _k


def _expected_columns(kind: str) -> str:
    skills = ", ".join(f"{k} (or '{SKILL_NAMES_TR[k]}')" for k in SKILL_KEYS)
    reviewer = "optional reviewer, " if kind == "human" else ""
    return f"call_id, {reviewer}{skills}"


def _canonical_columns(columns: Sequence[object], kind: str, source: str) -> dict[object, str]:
    """Original column -> canonical name (call_id, reviewer, skill key) for the recognised columns."""
    mapping: dict[object, str] = {}
    taken: dict[str, object] = {}
    for col in columns:
        key = _column_key(col)
        if key in _CALL_ID_KEYS:
            canon = "call_id"
        elif key in _REVIEWER_KEYS and kind == "human":
            canon = "reviewer"
        elif key in _SKILL_BY_KEY:
            canon = _SKILL_BY_KEY[key]
        else:
            continue
        if canon in taken:
            raise ScoreFileError(
                f"columns {str(taken[canon])!r} and {str(col)!r} both mean {canon!r}; keep one of them", source
            )
        taken[canon] = col
        mapping[col] = canon
    if "call_id" not in taken:
        raise ScoreFileError(
            f"missing the 'call_id' column (found: {', '.join(map(str, columns)) or 'none'}); "
            f"expected columns: {_expected_columns(kind)}",
            source,
        )
    missing = [k for k in SKILL_KEYS if k not in taken]
    if missing:
        unknown = [str(c) for c in columns if c not in mapping]
        raise ScoreFileError(
            f"missing skill column(s): {', '.join(missing)}"
            + (f"; unrecognised column(s): {', '.join(unknown)}" if unknown else "")
            + f"; expected columns: {_expected_columns(kind)} (use NA for a skill that was not scored)",
            source,
        )
    return mapping


def _parse_level(value: object, source: str, row: int, column: str) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return pd.NA
    text = str(value).strip()
    if text.lower() in _NA_TOKENS:
        return pd.NA
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number) or int(number) not in LEVELS:
        raise ScoreFileError(
            f"value {text!r} is not a level 1–5; write 1, 2, 3, 4 or 5, or NA when the skill was not scored",
            source,
            f"row {row}, column {column!r}",
        )
    return int(number)


def _validate(frame: pd.DataFrame, kind: str, source: str, rows: Sequence[int] | None = None) -> pd.DataFrame:
    """Check and convert a raw score table; ``rows`` are the file row numbers of the frame's rows."""
    if kind not in KINDS:
        raise ConfigError(f"kind {kind!r} expected one of {', '.join(KINDS)}")
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"expected a pandas DataFrame of {kind} scores, found {type(frame).__name__}")
    mapping = _canonical_columns(list(frame.columns), kind, source)
    if frame.empty:
        raise ScoreFileError("no score rows; add one row per scored call below the header", source)
    row_numbers = list(rows) if rows is not None else [i + 2 for i in range(len(frame))]
    originals = {canon: col for col, canon in mapping.items()}
    has_reviewer = "reviewer" in originals
    out: dict[str, list[Any]] = {"call_id": []}
    if has_reviewer:
        out["reviewer"] = []
    for k in SKILL_KEYS:
        out[k] = []
    seen: dict[tuple[str, str], int] = {}
    for row, (_, record) in zip(row_numbers, frame.iterrows(), strict=True):
        raw_id = record[originals["call_id"]]
        call_id = "" if raw_id is None or (not isinstance(raw_id, str) and pd.isna(raw_id)) else str(raw_id).strip()
        if not call_id:
            raise ScoreFileError("empty call_id; give every row the id of the call it scores", source, f"row {row}")
        reviewer = ""
        if has_reviewer:
            raw_rev = record[originals["reviewer"]]
            is_na = raw_rev is None or (not isinstance(raw_rev, str) and pd.isna(raw_rev))
            reviewer = "" if is_na else str(raw_rev).strip()
            if not reviewer:
                raise ScoreFileError(
                    "empty reviewer; write who scored the call, or remove the reviewer column", source, f"row {row}"
                )
        key = (call_id, reviewer)
        if key in seen:
            who = f" by reviewer {reviewer!r}" if has_reviewer else ""
            fix = (
                "remove the duplicate"
                if has_reviewer or kind == "ai"
                else "remove the duplicate, or add a 'reviewer' column when several people scored the call"
            )
            raise ScoreFileError(
                f"call {call_id!r} is scored twice{who} (also row {seen[key]}); {fix}", source, f"row {row}"
            )
        seen[key] = row
        out["call_id"].append(call_id)
        if has_reviewer:
            out["reviewer"].append(reviewer)
        for k in SKILL_KEYS:
            out[k].append(_parse_level(record[originals[k]], source, row, str(originals[k])))
    result = pd.DataFrame({c: pd.array(v, dtype="Int64") if c in SKILL_KEYS else v for c, v in out.items()})
    result.attrs["source"] = source
    result.attrs["kind"] = kind
    return result


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.split("\n") if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def load_scores(
    path: str | Path, kind: str, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> pd.DataFrame:
    """Read a human or model score CSV.

    Args:
        path: The CSV file (``,``, ``;`` or tab separated; the header is row 1).
        kind: ``"human"`` (may have a ``reviewer`` column) or ``"ai"`` (the batch's ``scores.csv``).
        encoding: A Python codec name that overrides encoding detection.
        max_bytes: Files larger than this are refused.

    Returns:
        A DataFrame with ``call_id`` (str), ``reviewer`` (str, human files that have it) and one ``Int64``
        column per skill key (``<NA>`` where not scored); ``attrs["source"]`` is the path.

    Raises:
        ScoreFileError: naming the file and the row for a missing ``call_id`` column, missing skill columns
            (listed with the expected names), a value outside 1–5, an empty or duplicate call id.
        ConfigError: for an unknown ``kind``.
    """
    if kind not in KINDS:
        raise ConfigError(f"kind {kind!r} expected one of {', '.join(KINDS)}")
    path = Path(path)
    try:
        decoded = decode_bytes(read_limited(path, max_bytes), path, encoding)
    except TranscriptFormatError as exc:
        raise ScoreFileError(exc.reason, path, exc.location) from None
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ScoreFileError(f"file is empty; expected a header with {_expected_columns(kind)}", path)
    sep = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    records: list[list[str]] = []
    rows: list[int] = []
    try:
        header = [h.strip() for h in next(reader)]
        _canonical_columns(header, kind, str(path))
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue  # blank line
            if len(fields) != len(header):
                if len(fields) < len(header) or any(f.strip() for f in fields[len(header) :]):
                    raise ScoreFileError(
                        f"expected {len(header)} fields like the header, found {len(fields)}; check the "
                        f"separator ({sep!r}) and the quoting of this row",
                        path,
                        f"row {reader.line_num}",
                    )
                fields = fields[: len(header)]  # trailing empty separators, as spreadsheets sometimes write
            records.append(fields)
            rows.append(reader.line_num)
    except csv.Error as exc:
        raise ScoreFileError(
            f"not a valid CSV file ({exc}); check the quoting", path, f"row {reader.line_num}"
        ) from None
    raw = pd.DataFrame(records, columns=header, dtype=object) if records else pd.DataFrame(columns=header)
    result = _validate(raw, kind, str(path), rows)
    logger.info("%s: %d %s score row(s)", path.name, len(result), kind)
    return result


# ----------------------------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class SkillAgreement:
    """Human–model agreement on one skill (or, with ``skill == "overall"``, on all skills pooled).

    Attributes:
        skill: Skill key, or ``"overall"``.
        n: Number of (human rating, model) pairs where both gave a level.
        exact: Share of pairs with the same level.
        within_one: Share of pairs at most one level apart.
        mae: Mean absolute difference in levels.
        spearman: Spearman rank correlation; ``None`` when undefined (fewer than 2 pairs or a constant side).
        kappa: Quadratic-weighted Cohen's kappa over the labels 1..5.
        alignment: Mean of 1 − |human − model| / 4 (0–1).
    """

    skill: str
    n: int
    exact: float | None
    within_one: float | None
    mae: float | None
    spearman: float | None
    kappa: float | None
    alignment: float | None

    @property
    def name_tr(self) -> str:
        """The Turkish display name ("Genel" for the overall row)."""
        return "Genel" if self.skill == "overall" else SKILL_NAMES_TR.get(self.skill, self.skill)

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "skill": self.skill,
            "name_tr": self.name_tr,
            "n": self.n,
            "exact": r(self.exact),
            "within_one": r(self.within_one),
            "mae": r(self.mae),
            "spearman": r(self.spearman),
            "kappa": r(self.kappa),
            "alignment": r(self.alignment),
        }


@dataclass(frozen=True)
class ReviewerAlignment:
    """How closely one reviewer's levels match the model's.

    Attributes:
        reviewer: The reviewer's name or id.
        n_calls: Matched calls this reviewer scored.
        n_items: (call, skill) items with a level on both sides.
        alignment: Mean of 1 − |human − model| / 4 over all items (0–1).
        skills: Skill key → alignment over that skill's items (``None`` when none).
    """

    reviewer: str
    n_calls: int
    n_items: int
    alignment: float | None
    skills: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "n_calls": self.n_calls,
            "n_items": self.n_items,
            "alignment": None if self.alignment is None else round(self.alignment, 4),
            "skills": {k: None if v is None else round(v, 4) for k, v in self.skills.items()},
        }


def _spearman(h: np.ndarray, a: np.ndarray) -> float | None:
    if len(h) < 2 or np.all(h == h[0]) or np.all(a == a[0]):
        return None
    rh = pd.Series(h).rank(method="average").to_numpy()
    ra = pd.Series(a).rank(method="average").to_numpy()
    return round(float(np.corrcoef(rh, ra)[0, 1]), 12)  # drop floating-point noise: 0.9999999999999999 -> 1.0


def _kappa(h: np.ndarray, a: np.ndarray) -> float | None:
    if np.array_equal(h, a):
        return 1.0
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(cohen_kappa_score(h, a, labels=list(LEVELS), weights="quadratic"))
    return None if math.isnan(value) else value


def _alignment(h: np.ndarray, a: np.ndarray) -> float | None:
    return float(np.mean(1.0 - np.abs(h - a) / _SPAN)) if len(h) else None


def _agreement(skill: str, h: np.ndarray, a: np.ndarray) -> SkillAgreement:
    if len(h) == 0:
        return SkillAgreement(skill, 0, None, None, None, None, None, None)
    diff = np.abs(h - a)
    return SkillAgreement(
        skill=skill,
        n=len(h),
        exact=float(np.mean(diff == 0)),
        within_one=float(np.mean(diff <= 1)),
        mae=float(np.mean(diff)),
        spearman=_spearman(h, a),
        kappa=_kappa(h, a),
        alignment=_alignment(h, a),
    )


def _pairs(frame: pd.DataFrame, skill: str) -> tuple[np.ndarray, np.ndarray]:
    h, a = frame[f"{skill}_h"], frame[f"{skill}_a"]
    mask = (h.notna() & a.notna()).to_numpy(dtype=bool)
    return h.to_numpy()[mask].astype(int), a.to_numpy()[mask].astype(int)


# ----------------------------------------------------------------------------------------------- report


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "—"
    return f"%{100 * x:.1f}" if pct else f"{x:.3f}"


def _id_list(ids: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" … ve {len(ids) - limit} tane daha" if len(ids) > limit else "")


@dataclass(frozen=True)
class CalibrationReport:
    """Human–model agreement at call level.

    Attributes:
        n_calls: Calls present in both files.
        n_ratings: Human rating rows of those calls (more than ``n_calls`` when several reviewers scored a call).
        skills: One :class:`SkillAgreement` per skill, in :data:`~qa_scoring.skills.SKILL_KEYS` order.
        overall: All (call, skill) items pooled (``skill == "overall"``).
        reviewers: Per-reviewer alignment (empty when the human file has no ``reviewer`` column).
        only_in_human: Call ids scored by humans but missing from the model file.
        only_in_ai: Call ids scored by the model but missing from the human file.
        human_source: The human file (or DataFrame description).
        ai_source: The model file (or DataFrame description).
    """

    n_calls: int
    n_ratings: int
    skills: tuple[SkillAgreement, ...]
    overall: SkillAgreement
    reviewers: tuple[ReviewerAlignment, ...] = ()
    only_in_human: tuple[str, ...] = ()
    only_in_ai: tuple[str, ...] = ()
    human_source: str | None = None
    ai_source: str | None = None

    def skill(self, key: str) -> SkillAgreement:
        """The agreement for one skill key (or ``"overall"``)."""
        if key == "overall":
            return self.overall
        for s in self.skills:
            if s.skill == key:
                return s
        raise ConfigError(f"unknown skill {key!r}; expected one of {', '.join(SKILL_KEYS)} or 'overall'")

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_calls": self.n_calls,
            "n_ratings": self.n_ratings,
            "skills": {s.skill: s.to_dict() for s in self.skills},
            "overall": self.overall.to_dict(),
            "reviewers": [r.to_dict() for r in self.reviewers],
            "only_in_human": {"count": len(self.only_in_human), "call_ids": list(self.only_in_human)},
            "only_in_ai": {"count": len(self.only_in_ai), "call_ids": list(self.only_in_ai)},
            "human_source": self.human_source,
            "ai_source": self.ai_source,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per skill and a final ``overall`` row; columns as in :meth:`SkillAgreement.to_dict`."""
        return pd.DataFrame([s.to_dict() for s in (*self.skills, self.overall)])

    def reviewers_frame(self) -> pd.DataFrame:
        """One row per reviewer: reviewer, n_calls, n_items, alignment, then alignment per skill key."""
        columns = ["reviewer", "n_calls", "n_items", "alignment", *SKILL_KEYS]
        rows = []
        for r in self.reviewers:
            d = r.to_dict()
            rows.append({**{k: d[k] for k in columns[:4]}, **d["skills"]})
        return pd.DataFrame(rows, columns=columns)

    def table(self) -> str:
        """A Turkish plain-text report: agreement per skill, per reviewer, and unmatched calls."""
        names = [s.name_tr for s in (*self.skills, self.overall)]
        w = max(len("Beceri"), *(len(n) for n in names))
        head = (
            f"{'Beceri':<{w}}  {'n':>5}  {'Tam uyum':>8}  {'±1 uyum':>8}  {'Ort. fark':>9}  "
            f"{'Spearman':>8}  {'Kappa':>6}  {'Hizalama':>8}"
        )
        rule = "-" * len(head)

        def line(s: SkillAgreement) -> str:
            return (
                f"{s.name_tr:<{w}}  {s.n:>5d}  {_fmt(s.exact, True):>8}  {_fmt(s.within_one, True):>8}  "
                f"{_fmt(s.mae):>9}  {_fmt(s.spearman):>8}  {_fmt(s.kappa):>6}  {_fmt(s.alignment, True):>8}"
            )

        lines = [
            "Kalibrasyon: insan değerlendirici ve model (çağrı düzeyi, seviye 1–5)",
            f"Eşleşen çağrı: {self.n_calls} ({self.n_ratings} insan değerlendirmesi) · "
            f"yalnız insan dosyasında: {len(self.only_in_human)} · yalnız model dosyasında: {len(self.only_in_ai)}",
            "",
            head,
            rule,
            *(line(s) for s in self.skills),
            rule,
            line(self.overall),
            "",
            "n: iki tarafın da puan verdiği değerlendirme sayısı (NA olanlar atlanır).",
            "Ort. fark: ortalama mutlak seviye farkı. Kappa: karesel ağırlıklı Cohen kappa.",
            "Hizalama: 1 − |insan − model| / 4 ortalaması (bir seviyelik sabit fark = %75).",
        ]
        if self.reviewers:
            short = {k: SKILL_NAMES_TR[k] for k in SKILL_KEYS}
            rw = max(len("Değerlendirici"), *(len(r.reviewer) for r in self.reviewers))
            cols = [max(len(short[k]), 6) for k in SKILL_KEYS]
            rhead = (
                f"{'Değerlendirici':<{rw}}  {'Çağrı':>5}  "
                + "  ".join(f"{short[k]:>{c}}" for k, c in zip(SKILL_KEYS, cols, strict=True))
                + f"  {'Genel':>6}"
            )
            lines += ["", "Değerlendirici hizalaması (model ile):", rhead, "-" * len(rhead)]
            for r in self.reviewers:
                lines.append(
                    f"{r.reviewer:<{rw}}  {r.n_calls:>5d}  "
                    + "  ".join(f"{_fmt(r.skills[k], True):>{c}}" for k, c in zip(SKILL_KEYS, cols, strict=True))
                    + f"  {_fmt(r.alignment, True):>6}"
                )
        if self.only_in_human or self.only_in_ai:
            lines.append("")
            if self.only_in_human:
                lines.append(
                    f"Model puanı olmayan çağrılar ({len(self.only_in_human)}): {_id_list(self.only_in_human)}"
                )
            if self.only_in_ai:
                lines.append(f"İnsan puanı olmayan çağrılar ({len(self.only_in_ai)}): {_id_list(self.only_in_ai)}")
        return "\n".join(lines)


def calibrate(human_df: pd.DataFrame, ai_df: pd.DataFrame) -> CalibrationReport:
    """Compare human and model levels on the calls both scored.

    Args:
        human_df: Human scores, from :func:`load_scores` (``kind="human"``) or a DataFrame with the same
            columns (``call_id``, optional ``reviewer``, the skill keys; levels 1–5 or NA).
        ai_df: Model scores, from :func:`load_scores` (``kind="ai"``) or an equivalent DataFrame.

    Returns:
        The report.

    Raises:
        ScoreFileError: if a frame is malformed (as for :func:`load_scores`; rows are numbered as if the
            frame were saved to CSV with its header as row 1).
        ConfigError: if no call id appears in both.
    """
    human_src = str(getattr(human_df, "attrs", {}).get("source", "<human scores DataFrame>"))
    ai_src = str(getattr(ai_df, "attrs", {}).get("source", "<model scores DataFrame>"))
    human = _validate(human_df, "human", human_src)
    ai = _validate(ai_df, "ai", ai_src)
    human_ids, ai_ids = set(human["call_id"]), set(ai["call_id"])
    only_human = tuple(sorted(human_ids - ai_ids))
    only_ai = tuple(sorted(ai_ids - human_ids))
    merged = human.merge(ai, on="call_id", how="inner", suffixes=("_h", "_a"))
    if merged.empty:
        raise ConfigError(
            f"no call_id appears in both {human_src} and {ai_src} (e.g. {_id_list(sorted(human_ids), 3)} vs "
            f"{_id_list(sorted(ai_ids), 3)}); check that both files use the same call ids"
        )
    if only_human or only_ai:
        logger.warning(
            "calibration: %d call(s) only in the human file, %d only in the model file; left out",
            len(only_human),
            len(only_ai),
        )
    per_skill = {k: _pairs(merged, k) for k in SKILL_KEYS}
    skills = tuple(_agreement(k, *per_skill[k]) for k in SKILL_KEYS)
    pooled_h = np.concatenate([per_skill[k][0] for k in SKILL_KEYS])
    pooled_a = np.concatenate([per_skill[k][1] for k in SKILL_KEYS])
    overall = _agreement("overall", pooled_h, pooled_a)
    reviewers: list[ReviewerAlignment] = []
    if "reviewer" in merged.columns:
        for name, sub in merged.groupby("reviewer", sort=True):
            pairs = {k: _pairs(sub, k) for k in SKILL_KEYS}
            all_h = np.concatenate([pairs[k][0] for k in SKILL_KEYS])
            all_a = np.concatenate([pairs[k][1] for k in SKILL_KEYS])
            reviewers.append(
                ReviewerAlignment(
                    reviewer=str(name),
                    n_calls=int(sub["call_id"].nunique()),
                    n_items=len(all_h),
                    alignment=_alignment(all_h, all_a),
                    skills={k: _alignment(*pairs[k]) for k in SKILL_KEYS},
                )
            )
    report = CalibrationReport(
        n_calls=int(merged["call_id"].nunique()),
        n_ratings=len(merged),
        skills=skills,
        overall=overall,
        reviewers=tuple(reviewers),
        only_in_human=only_human,
        only_in_ai=only_ai,
        human_source=human_src,
        ai_source=ai_src,
    )
    logger.info(
        "calibration: %d call(s), %d item(s), exact %.3f, kappa %s",
        report.n_calls,
        overall.n,
        overall.exact or 0.0,
        "-" if overall.kappa is None else f"{overall.kappa:.3f}",
    )
    return report


# ----------------------------------------------------------------------------------------------- chart

_CHART_TITLE = "İnsan–model kalibrasyonu (çağrı düzeyi)"
_SERIES = (
    ("exact", "Tam uyum", "#2b6cb0"),
    ("within_one", "±1 uyum", "#68d391"),
    ("kappa", "Ağırlıklı kappa", "#ed8936"),
)


def _chart_data(report: CalibrationReport) -> tuple[list[str], dict[str, list[float]]]:
    groups = [*report.skills, report.overall]
    labels = [g.name_tr for g in groups]
    values = {key: [float(getattr(g, key) or 0.0) for g in groups] for key, _, _ in _SERIES}
    return labels, values


def _y_floor(values: dict[str, list[float]]) -> float:
    low = min(0.0, *(v for vals in values.values() for v in vals))
    return max(-1.0, math.floor(low * 4) / 4)


def _svg(report: CalibrationReport) -> str:
    labels, values = _chart_data(report)
    lo, hi = _y_floor(values), 1.0
    left, top, plot_h, group_w, bar_w = 70, 60, 300, 110, 26
    plot_w = group_w * len(labels)
    width, height = left + plot_w + 30, top + plot_h + 110

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.1f}" y="24" text-anchor="middle" font-size="16" font-weight="bold">'
        f"{escape(_CHART_TITLE)}</text>",
        f'<text x="{width / 2:.1f}" y="42" text-anchor="middle" fill="#555">'
        f"{escape(f'{report.n_calls} çağrı · tam uyum, ±1 uyum (oran) ve karesel ağırlıklı kappa')}</text>",
    ]
    tick = lo
    while tick <= hi + 1e-9:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(f'<text x="{left - 8}" y="{ty + 4:.1f}" text-anchor="end">{tick:.2f}</text>')
        tick += 0.25
    parts.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + plot_w}" y2="{y(0):.1f}" stroke="#333"/>')
    parts.append(
        f'<text x="18" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 18 {top + plot_h / 2:.1f})">{escape("Oran / kappa")}</text>'
    )
    for gi, label in enumerate(labels):
        gx = left + gi * group_w + (group_w - bar_w * len(_SERIES)) / 2
        for si, (key, name, color) in enumerate(_SERIES):
            v = values[key][gi]
            y0, y1 = sorted((y(0), y(v)))
            parts.append(
                f'<rect x="{gx + si * bar_w:.1f}" y="{y0:.1f}" width="{bar_w - 3}" height="{y1 - y0:.1f}" '
                f'fill="{color}"><title>{escape(f"{label} — {name}: {v:.3f}")}</title></rect>'
            )
        parts.append(
            f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{top + plot_h + 20}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    ly = top + plot_h + 55
    for si, (_, name, color) in enumerate(_SERIES):
        lx = left + si * 150
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _load_matplotlib() -> Any:
    """matplotlib's object-oriented Figure and Agg canvas, or ``None`` when matplotlib is not installed."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure, FigureCanvasAgg


def _png(report: CalibrationReport, path: Path, mpl: Any) -> None:
    figure_cls, canvas_cls = mpl
    labels, values = _chart_data(report)
    fig = figure_cls(figsize=(max(7.0, 1.4 * len(labels)), 4.8), dpi=120)
    canvas_cls(fig)
    ax = fig.add_subplot(1, 1, 1)
    x = np.arange(len(labels))
    width = 0.26
    for si, (key, name, color) in enumerate(_SERIES):
        ax.bar(x + (si - 1) * width, values[key], width, label=name, color=color)
    ax.set_xticks(x)
    ax.set_xticklabels(labels)
    ax.set_ylim(_y_floor(values), 1.05)
    ax.axhline(0, color="#333", linewidth=0.8)
    ax.set_ylabel("Oran / kappa")
    ax.set_title(f"{_CHART_TITLE} — {report.n_calls} çağrı")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=len(_SERIES), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")


def save_chart(report: CalibrationReport, path: str | Path) -> Path:
    """Write a bar chart of exact agreement, within-one agreement and kappa per skill (and overall).

    A ``.png`` path is drawn with matplotlib when it is installed. matplotlib is optional (not a dependency):
    without it the same chart is written as SVG next to the requested path (``kalibrasyon.png`` →
    ``kalibrasyon.svg``) and a warning is logged. A ``.svg`` path always gives the hand-written SVG.

    Args:
        report: The calibration report.
        path: Where to write the chart (``.png`` or ``.svg``).

    Returns:
        The path actually written.

    Raises:
        ConfigError: for another file extension.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ConfigError(f"chart path {str(path)!r} must end in .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        mpl = _load_matplotlib()
        if mpl is not None:
            _png(report, path, mpl)
            return path
        path = path.with_suffix(".svg")
        logger.warning("matplotlib is not installed; writing the chart as SVG to %s instead of PNG", path)
    path.write_text(_svg(report), encoding="utf-8")
    return path
