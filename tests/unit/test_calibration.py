"""Calibration: human reviewers vs. the model at call level (levels 1–5)."""

import json
import logging
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from qa_scoring import calibration
from qa_scoring.calibration import (
    ScoreFileError,
    calibrate,
    load_scores,
    save_chart,
)
from qa_scoring.errors import ConfigError, QAScoringError
from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR

HEADER = "call_id," + ",".join(SKILL_KEYS)


def frame(ids, levels, reviewers=None):
    """A score frame: ``levels`` is one list per call (the same level for every skill when an int)."""
    data = {"call_id": list(ids)}
    if reviewers is not None:
        data["reviewer"] = list(reviewers)
    for i, k in enumerate(SKILL_KEYS):
        data[k] = [row if isinstance(row, int) or row is None else row[i] for row in levels]
    return pd.DataFrame(data)


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def quadratic_kappa(h, a):
    """Weighted kappa written out from its definition, independent of scikit-learn."""
    k = 5
    observed = np.zeros((k, k))
    for x, y in zip(h, a, strict=True):
        observed[x - 1, y - 1] += 1
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    w = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)]) / (k - 1) ** 2
    return 1 - (w * observed).sum() / (w * expected).sum()


# ----------------------------------------------------------------------------- measures

IDS = ["c1", "c2", "c3", "c4", "c5"]


@pytest.mark.parametrize(
    "human, ai, exact, within_one, mae, alignment",
    [
        ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 1.0, 1.0, 0.0, 1.0),  # perfect agreement
        ([1, 2, 3, 4, 4], [2, 3, 4, 5, 5], 0.0, 1.0, 1.0, 0.75),  # constant shift by +1
        ([2, 3, 4, 5, 5], [1, 2, 3, 4, 4], 0.0, 1.0, 1.0, 0.75),  # constant shift by -1
        ([1, 2, 3, 3, 1], [3, 4, 5, 5, 3], 0.0, 0.0, 2.0, 0.5),  # shift by +2
        ([1, 1, 1, 1, 1], [5, 5, 5, 5, 5], 0.0, 0.0, 4.0, 0.0),  # opposite ends
        ([1, 2, 3, 4, 5], [1, 2, 3, 5, 3], 0.6, 0.8, 0.6, 0.85),  # mixed
    ],
)
def test_agreement_measures(human, ai, exact, within_one, mae, alignment):
    report = calibrate(frame(IDS, human), frame(IDS, ai))
    for s in (*report.skills, report.overall):
        assert s.exact == pytest.approx(exact)
        assert s.within_one == pytest.approx(within_one)
        assert s.mae == pytest.approx(mae)
        assert s.alignment == pytest.approx(alignment)
    assert report.overall.n == 5 * len(SKILL_KEYS)
    assert report.skill("empathy").n == 5


def test_perfect_agreement_is_one_everywhere():
    report = calibrate(frame(IDS, [1, 2, 3, 4, 5]), frame(IDS, [1, 2, 3, 4, 5]))
    for s in (*report.skills, report.overall):
        assert (s.exact, s.within_one, s.spearman, s.kappa, s.alignment) == (1.0, 1.0, 1.0, 1.0, 1.0)
        assert s.mae == 0.0


def test_constant_identical_levels():
    report = calibrate(frame(IDS, [3] * 5), frame(IDS, [3] * 5))
    s = report.skill("respect")
    assert s.kappa == 1.0  # every pair agrees (scikit-learn would give 0/0)
    assert s.spearman is None  # a constant side has no rank correlation


@pytest.mark.parametrize(
    "human, ai",
    [
        ([1, 2, 3, 4, 4], [2, 3, 4, 5, 5]),
        ([1, 2, 3, 4, 5], [1, 2, 3, 5, 3]),
        ([5, 4, 3, 2, 1], [1, 2, 3, 4, 5]),
        ([3, 3, 4, 2, 5], [3, 4, 4, 1, 4]),
    ],
)
def test_kappa_and_spearman_match_their_definitions(human, ai):
    s = calibrate(frame(IDS, human), frame(IDS, ai)).skill("patience")
    assert s.kappa == pytest.approx(quadratic_kappa(human, ai))
    ranks_h = pd.Series(human).rank().to_numpy()
    ranks_a = pd.Series(ai).rank().to_numpy()
    assert s.spearman == pytest.approx(np.corrcoef(ranks_h, ranks_a)[0, 1])


def test_spearman_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    human, ai = [3, 3, 4, 2, 5], [3, 4, 4, 1, 4]
    s = calibrate(frame(IDS, human), frame(IDS, ai)).skill("respect")
    assert s.spearman == pytest.approx(stats.spearmanr(human, ai).statistic)


def test_na_values_are_skipped_per_skill():
    #          respect patience empathy active positive
    human = [[None, 3, 3, 3, 3], [2, 2, 2, 2, 2], [4, 4, 4, 4, 4], [5, 5, 5, 5, None]]
    ai = [[1, 3, 3, 3, 3], [2, 2, None, 2, 2], [4, 4, 4, 4, 4], [5, 5, 5, 5, 5]]
    report = calibrate(frame(IDS[:4], human), frame(IDS[:4], ai))
    assert {s.skill: s.n for s in report.skills} == {
        "respect": 3,
        "patience": 4,
        "empathy": 3,
        "active_listening": 4,
        "positive_tone": 3,
    }
    assert report.overall.n == 17
    # the NA'd respect of c1 (which would disagree: 1 vs nothing) does not count; all others agree
    assert report.overall.exact == 1.0
    assert report.n_calls == 4


def test_skill_with_no_pairs_reports_none():
    human = frame(IDS[:2], [[None, 3, 3, 3, 3], [None, 2, 2, 2, 2]])
    report = calibrate(human, frame(IDS[:2], [3, 2]))
    s = report.skill("respect")
    assert s.n == 0 and s.exact is None and s.kappa is None and s.alignment is None
    assert "—" in report.table()


def test_reviewer_alignment_for_two_reviewers():
    ai = frame(["c1", "c2", "c3"], [3, 4, 2])
    human = frame(
        ["c1", "c2", "c1", "c3"],
        [
            3,  # ayse on c1: exact
            4,  # ayse on c2: exact
            [5, 3, 3, 3, 3],  # mehmet on c1: respect off by 2, others exact
            [3, 3, 3, 3, 3],  # mehmet on c3: off by 1 everywhere
        ],
        reviewers=["Ayşe", "Ayşe", "Mehmet", "Mehmet"],
    )
    report = calibrate(human, ai)
    assert report.n_calls == 3 and report.n_ratings == 4
    by_name = {r.reviewer: r for r in report.reviewers}
    assert set(by_name) == {"Ayşe", "Mehmet"}
    assert by_name["Ayşe"].n_calls == 2 and by_name["Ayşe"].n_items == 10
    assert by_name["Ayşe"].alignment == pytest.approx(1.0)
    mehmet = by_name["Mehmet"]
    assert mehmet.n_calls == 2
    assert mehmet.skills["respect"] == pytest.approx(((1 - 2 / 4) + (1 - 1 / 4)) / 2)  # 0.625
    assert mehmet.skills["empathy"] == pytest.approx((1 + 0.75) / 2)
    assert mehmet.alignment == pytest.approx((0.5 + 4 * 1 + 5 * 0.75) / 10)
    # two reviewers on c1 -> two items per skill for that call
    assert report.skill("respect").n == 4
    table = report.table()
    assert "Değerlendirici" in table and "Mehmet" in table and "%62.5" in table
    frame_r = report.reviewers_frame()
    assert list(frame_r["reviewer"]) == ["Ayşe", "Mehmet"]
    assert frame_r.loc[1, "respect"] == pytest.approx(0.625)


def test_no_reviewer_column_means_no_reviewer_section():
    report = calibrate(frame(IDS, [1, 2, 3, 4, 5]), frame(IDS, [1, 2, 3, 4, 5]))
    assert report.reviewers == ()
    assert "Değerlendirici" not in report.table()
    assert report.reviewers_frame().empty


def test_mismatched_call_ids_are_reported():
    human = frame(["c1", "c2", "h1", "h2"], [3, 3, 3, 3])
    ai = frame(["c1", "c2", "a1"], [3, 3, 3])
    report = calibrate(human, ai)
    assert report.n_calls == 2
    assert report.only_in_human == ("h1", "h2")
    assert report.only_in_ai == ("a1",)
    data = report.to_dict()
    assert data["only_in_human"] == {"count": 2, "call_ids": ["h1", "h2"]}
    assert data["only_in_ai"] == {"count": 1, "call_ids": ["a1"]}
    table = report.table()
    assert "yalnız insan dosyasında: 2" in table and "yalnız model dosyasında: 1" in table
    assert "Model puanı olmayan çağrılar (2): h1, h2" in table
    assert "İnsan puanı olmayan çağrılar (1): a1" in table


def test_no_common_calls_is_an_error():
    with pytest.raises(ConfigError, match="no call_id appears in both"):
        calibrate(frame(["a"], [3]), frame(["b"], [3]))


def test_bad_dataframe_names_the_row():
    human = frame(["c1", "c2"], [3, [3, 3, 7, 3, 3]])
    with pytest.raises(ScoreFileError, match=r"row 3, column 'empathy'.*'7' is not a level 1–5"):
        calibrate(human, frame(["c1", "c2"], [3, 3]))


# ----------------------------------------------------------------------------- report output


def test_table_frame_and_dict():
    report = calibrate(frame(IDS, [1, 2, 3, 4, 4]), frame(IDS, [2, 3, 4, 5, 5]))
    table = report.table()
    header = next(line for line in table.splitlines() if line.startswith("Beceri"))
    for title in ("Tam uyum", "±1 uyum", "Ort. fark", "Spearman", "Kappa", "Hizalama"):
        assert title in header
    for key in SKILL_KEYS:
        assert SKILL_NAMES_TR[key] in table
    genel = next(line for line in table.splitlines() if line.startswith("Genel"))
    assert genel.split()[1:4] == ["25", "%0.0", "%100.0"] and genel.split()[-1] == "%75.0"
    df = report.to_frame()
    assert list(df["skill"]) == [*SKILL_KEYS, "overall"]
    assert list(df.columns) == ["skill", "name_tr", "n", "exact", "within_one", "mae", "spearman", "kappa", "alignment"]
    assert df.set_index("skill").loc["overall", "alignment"] == pytest.approx(0.75)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["skills"]["respect"]["within_one"] == 1.0 and data["overall"]["mae"] == 1.0
    with pytest.raises(ConfigError, match="unknown skill"):
        report.skill("nezaket")


# ----------------------------------------------------------------------------- loading files


def test_load_scores_reads_levels_and_na(tmp_path):
    path = write(
        tmp_path / "insan.csv",
        "call_id,reviewer,respect,patience,empathy,active_listening,positive_tone,notlar\n"
        "c1,Ayşe,5,4,NA,3,4.0,iyi\n"
        "\n"
        "c2,Mehmet,1, ,n/a,2,3,,\n",  # a trailing empty separator is tolerated
    )
    df = load_scores(path, "human")
    assert list(df.columns) == ["call_id", "reviewer", *SKILL_KEYS]  # "notlar" ignored
    assert df["call_id"].tolist() == ["c1", "c2"]
    assert df["respect"].tolist() == [5, 1]
    assert df["empathy"].isna().all()
    assert pd.isna(df.loc[1, "patience"]) and df.loc[0, "positive_tone"] == 4
    assert str(df["respect"].dtype) == "Int64"
    assert df.attrs["source"] == str(path)


def test_load_scores_turkish_headers_semicolons_and_cp1254(tmp_path):
    text = "Call_ID;Saygı;Sabır;Empati;Aktif dinleme;Olumlu tutum\nc1;5;4;3;2;1\n"
    path = tmp_path / "ai.csv"
    path.write_bytes(text.encode("cp1254"))
    df = load_scores(path, "ai")
    assert df.loc[0, list(SKILL_KEYS)].tolist() == [5, 4, 3, 2, 1]


def test_load_and_calibrate_files(tmp_path):
    human = write(tmp_path / "h.csv", HEADER + ",reviewer\nc1,4,4,4,4,4,A\nc2,2,2,2,2,2,B\nc3,3,3,3,3,3,A\n")
    ai = write(tmp_path / "scores.csv", HEADER + "\nc1,5,5,5,5,5\nc2,3,3,3,3,3\nc4,1,1,1,1,1\n")
    report = calibrate(load_scores(human, "human"), load_scores(ai, "ai"))
    assert report.overall.exact == 0.0 and report.overall.alignment == pytest.approx(0.75)
    assert report.only_in_human == ("c3",) and report.only_in_ai == ("c4",)
    assert report.human_source == str(human) and report.ai_source == str(ai)
    assert [r.reviewer for r in report.reviewers] == ["A", "B"]


@pytest.mark.parametrize(
    "kind, content, message",
    [
        ("ai", "id,respect,patience,empathy,active_listening,positive_tone\nc1,3,3,3,3,3\n", "missing the 'call_id'"),
        ("ai", "call_id,respect,patience,empaty,active_listening\nc1,3,3,3,3\n", "missing skill column"),
        ("ai", HEADER + "\nc1,3,3,3,3,3\nc2,3,3,6,3,3\n", r"row 3, column 'empathy'.*'6' is not a level 1–5"),
        ("ai", HEADER + "\nc1,0,3,3,3,3\n", r"row 2, column 'respect'.*'0'"),
        ("ai", HEADER + "\nc1,3,2.5,3,3,3\n", r"row 2, column 'patience'.*'2.5'"),
        ("ai", HEADER + "\nc1,3,3,3,iyi,3\n", r"row 2, column 'active_listening'.*'iyi'"),
        ("ai", HEADER + "\nc1,3,3,3,3,3\n\n,3,3,3,3,3\n", r"row 4: empty call_id"),
        ("ai", HEADER + "\nc1,3,3,3,3,3\nc1,4,4,4,4,4\n", r"row 3: call 'c1' is scored twice \(also row 2\)"),
        ("human", HEADER + "\nc1,3,3,3,3,3\nc1,4,4,4,4,4\n", "add a 'reviewer' column"),
        ("human", HEADER + ",reviewer\nc1,3,3,3,3,3,A\nc1,4,4,4,4,4,A\n", "scored twice by reviewer 'A'"),
        ("human", HEADER + ",reviewer\nc1,3,3,3,3,3,\n", r"row 2: empty reviewer"),
        ("ai", HEADER + ",respect\nc1,3,3,3,3,3,3\n", "both mean 'respect'"),
        ("ai", HEADER + "\n", "no score rows"),
        ("ai", "", "file is empty"),
        ("ai", HEADER + '\n"c1,3,3,3,3,3\n', r"row 2: not a valid CSV"),
        ("ai", HEADER + "\nc1,3,3,3,3,3\nc2,3,3,3,3,3,4\n", r"row 3: expected 6 fields like the header, found 7"),
        ("ai", HEADER + "\nc1,3,3,3,3\n", r"row 2: expected 6 fields"),
    ],
)
def test_load_scores_errors(tmp_path, kind, content, message):
    path = write(tmp_path / "puan.csv", content)
    with pytest.raises(ScoreFileError, match=message) as info:
        load_scores(path, kind)
    assert str(path) in str(info.value)
    assert isinstance(info.value, QAScoringError) and isinstance(info.value, ValueError)


def test_missing_skill_error_lists_expected_and_unknown_names(tmp_path):
    path = write(tmp_path / "puan.csv", "call_id,respect,patience,empaty,active_listening\nc1,3,3,3,3\n")
    with pytest.raises(ScoreFileError) as info:
        load_scores(path, "ai")
    text = str(info.value)
    assert "missing skill column(s): empathy, positive_tone" in text
    assert "unrecognised column(s): empaty" in text
    assert "expected columns: call_id, respect (or 'Saygı')" in text


def test_load_scores_bad_kind_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="kind 'model'"):
        load_scores(tmp_path / "x.csv", "model")
    with pytest.raises(ScoreFileError, match="file not found"):
        load_scores(tmp_path / "yok.csv", "ai")


# ----------------------------------------------------------------------------- chart


def _report(human=(1, 2, 3, 4, 4), ai=(2, 3, 4, 5, 5)):
    return calibrate(frame(IDS, list(human)), frame(IDS, list(ai)))


def test_svg_chart(tmp_path):
    out = save_chart(_report(), tmp_path / "grafik" / "kalibrasyon.svg")
    assert out == tmp_path / "grafik" / "kalibrasyon.svg"
    text = out.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert len(bars) == 3 * (len(SKILL_KEYS) + 1)
    labels = {t.text for t in root.iter(f"{ns}text")}
    assert {"Tam uyum", "±1 uyum", "Ağırlıklı kappa", "Genel", *SKILL_NAMES_TR.values()} <= labels
    assert any("kalibrasyon" in (t or "") for t in labels)
    exact_bar = next(b for b in bars if "Saygı — Tam uyum" in b.find(f"{ns}title").text)
    assert float(exact_bar.get("height")) == 0.0  # exact agreement 0 for a +1 shift
    within_bar = next(b for b in bars if "Saygı — ±1 uyum" in b.find(f"{ns}title").text)
    assert float(within_bar.get("height")) > 0


def test_svg_chart_with_negative_kappa(tmp_path):
    out = save_chart(_report((1, 2, 3, 4, 5), (5, 4, 3, 2, 1)), tmp_path / "k.svg")
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    ticks = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert "-1.00" in ticks and "1.00" in ticks


def test_png_without_matplotlib_falls_back_to_svg(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(calibration, "_load_matplotlib", lambda: None)
    with caplog.at_level(logging.WARNING, logger="qa_scoring.calibration"):
        out = save_chart(_report(), tmp_path / "kalibrasyon.png")
    assert out == tmp_path / "kalibrasyon.svg" and out.exists()
    assert not (tmp_path / "kalibrasyon.png").exists()
    assert "matplotlib is not installed" in caplog.text


def test_png_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    out = save_chart(_report(), tmp_path / "kalibrasyon.png")
    assert out.suffix == ".png" and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_rejects_other_extensions(tmp_path):
    with pytest.raises(ConfigError, match=r"must end in \.png or \.svg"):
        save_chart(_report(), tmp_path / "k.pdf")
