"""ASR quality: Turkish-normalised WER/CER/MER/WIL, file pairing and the report."""

import csv
import io
import json
import logging

import pytest

from qa_scoring.asr_eval import (
    ROW_FIELDS,
    FilePairing,
    evaluate_asr,
    evaluate_texts,
    load_asr_text,
    pair_files,
)
from qa_scoring.errors import ConfigError, TranscriptFormatError
from qa_scoring.normalize import normalize


def _levenshtein(a, b):
    """Edit distance, written out here so the expected CER does not come from jiwer itself."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


# ----------------------------------------------------------------------------- text-level rates


@pytest.mark.parametrize(
    "ref, hyp, preset, wer",
    [
        ("İYİ GÜNLER,", "iyi günler", "match", 0.0),  # Turkish casing + punctuation are not errors
        ("İyi günler, hoş geldiniz!", "iyi günler hoş geldiniz", "match", 0.0),
        ("IŞIK YANDI", "ışık yandı", "match", 0.0),  # dotless I lower-cases to ı, not i
        ("Ayşe'nin siparişi", "ayşenin siparişi", "match", 0.0),  # apostrophe joins the suffix
        ("bir iki üç dört beş", "bir iki altı dört beş", "match", 0.2),  # 1 substitution / 5 words
        ("bir iki üç dört beş", "bir iki dört beş", "match", 0.2),  # 1 deletion / 5 words
        ("bir iki üç dört beş", "bir iki üç dört beş altı", "match", 0.2),  # 1 insertion / 5 words
        ("Teşekkür ederim, iyi günler.", "TESEKKUR EDERIM IYI GUNLER", "match_ascii", 0.0),
        ("Teşekkür ederim, iyi günler.", "TESEKKUR EDERIM IYI GUNLER", "match", 1.0),  # no folding: all wrong
        ("İYİ GÜNLER,", "iyi günler", "none", 1.0),  # raw text: both words differ
        ("evet", "", "match", 1.0),  # empty hypothesis: everything deleted
    ],
)
def test_wer_with_turkish_normalisation(ref, hyp, preset, wer):
    report = evaluate_texts([("c1", ref, hyp)], preset=preset)
    assert report.calls[0].wer == pytest.approx(wer)
    assert report.overall.wer == pytest.approx(wer)


def test_one_substitution_counts_and_all_measures():
    ref, hyp = "bir iki üç dört beş", "bir iki altı dört beş"
    call = evaluate_texts({"c1": (ref, hyp)}).calls[0]
    assert (call.ref_words, call.hyp_words) == (5, 5)
    assert (call.hits, call.substitutions, call.deletions, call.insertions) == (4, 1, 0, 0)
    assert call.wer == pytest.approx(0.2)
    assert call.mer == pytest.approx(1 / 5)  # (S+D+I) / (H+S+D+I)
    assert call.wil == pytest.approx(1 - (4 / 5) * (4 / 5))
    assert call.ref_chars == len(ref)
    assert call.cer == pytest.approx(_levenshtein(ref, hyp) / len(ref))


def test_cer_uses_the_same_normalisation():
    call = evaluate_texts([("c1", "İYİ GÜNLER!", "iyi gunler")]).calls[0]
    assert call.wer == pytest.approx(0.5)  # "gunler" != "günler"
    assert call.cer == pytest.approx(1 / len("iyi günler"))  # only ü → u
    folded = evaluate_texts([("c1", "İYİ GÜNLER!", "iyi gunler")], preset="match_ascii").calls[0]
    assert folded.cer == 0.0


def test_overall_is_corpus_level_not_mean_of_calls():
    report = evaluate_texts(
        [
            ("kisa", "evet", "hayır"),  # 1 error / 1 word -> WER 1.0
            ("uzun", "bir iki üç dört beş altı yedi sekiz dokuz", "bir iki üç dört beş altı yedi sekiz dokuz"),
        ]
    )
    assert [c.wer for c in report.calls] == [pytest.approx(1.0), pytest.approx(0.0)]
    assert report.mean_call_wer == pytest.approx(0.5)
    assert report.overall.wer == pytest.approx(1 / 10)  # 1 error over all 10 reference words
    assert report.overall.ref_words == 10
    assert report.overall.substitutions == 1
    total_chars = len("evet") + len("bir iki üç dört beş altı yedi sekiz dokuz")
    assert report.overall.ref_chars == total_chars
    assert report.overall.cer == pytest.approx(_levenshtein("evet", "hayır") / total_chars)


@pytest.mark.parametrize("ref", ["", "   ", "...!?", "\n\n"])
def test_empty_reference_text_is_a_clear_error(ref):
    with pytest.raises(TranscriptFormatError, match=r"call 'c1'.*no words after normalisation"):
        evaluate_texts([("c1", ref, "bir şey")])


@pytest.mark.parametrize(
    "items, message",
    [
        ([], "nothing to evaluate"),
        ([("a", "evet", "evet"), ("a", "hayır", "hayır")], "appears twice"),
    ],
)
def test_bad_text_items(items, message):
    with pytest.raises(ConfigError, match=message):
        evaluate_texts(items)


def test_unknown_preset():
    with pytest.raises(ConfigError, match="unknown normalisation preset"):
        evaluate_texts([("a", "evet", "evet")], preset="turkce")


# ----------------------------------------------------------------------------- pairing


def test_pair_two_files(tmp_path):
    ref = _write(tmp_path / "ref.txt", "İyi günler")
    hyp = _write(tmp_path / "hyp.txt", "iyi günler")
    pairing = pair_files(ref, hyp)
    assert list(pairing) == [(ref, hyp)]
    assert pairing.complete


def test_folder_pairing_by_stem_with_unmatched_files(tmp_path, caplog):
    for stem in ("a", "b", "c"):
        _write(tmp_path / "ref" / f"{stem}.txt", "iyi günler")
    _write(tmp_path / "hyp" / "a.txt", "iyi günler")
    _write(tmp_path / "hyp" / "b.json", json.dumps({"call_id": "b", "turns": [{"speaker": "agent", "text": "x"}]}))
    _write(tmp_path / "hyp" / "d.txt", "iyi günler")
    _write(tmp_path / "hyp" / "notlar.md", "not a transcript")  # unsupported extension: ignored
    _write(tmp_path / "hyp" / ".a.txt", "hidden")  # hidden: ignored
    with caplog.at_level(logging.WARNING, logger="qa_scoring.asr_eval"):
        pairing = pair_files(tmp_path / "ref", tmp_path / "hyp")
    assert isinstance(pairing, FilePairing)
    assert [(r.name, h.name) for r, h in pairing] == [("a.txt", "a.txt"), ("b.txt", "b.json")]
    assert len(pairing) == 2 and pairing[1][1].name == "b.json"
    assert pairing.only_in_reference == ("c.txt",)
    assert pairing.only_in_hypothesis == ("d.txt",)
    assert not pairing.complete
    assert "c.txt" in caplog.text and "d.txt" in caplog.text
    assert pairing.to_dict()["only_in_hypothesis"] == ["d.txt"]


@pytest.mark.parametrize(
    "setup, message",
    [
        ("missing", "does not exist"),
        ("file_and_folder", "is a file but hypothesis"),
        ("no_match", "no file in"),
        ("duplicate_stem", "two files with the stem 'a'"),
        ("empty_folder", "holds no transcript files"),
    ],
)
def test_pairing_errors(tmp_path, setup, message):
    ref, hyp = tmp_path / "ref", tmp_path / "hyp"
    ref.mkdir()
    hyp.mkdir()
    _write(ref / "a.txt", "evet")
    if setup == "missing":
        hyp = tmp_path / "yok"
    elif setup == "file_and_folder":
        ref = ref / "a.txt"
        _write(hyp / "a.txt", "evet")
    elif setup == "no_match":
        _write(hyp / "b.txt", "evet")
    elif setup == "duplicate_stem":
        _write(ref / "a.json", "{}")
        _write(hyp / "a.txt", "evet")
    with pytest.raises(ConfigError, match=message):
        pair_files(ref, hyp)


# ----------------------------------------------------------------------------- files


TRANSCRIPT = "Temsilci: İyi günler, nasıl yardımcı olabilirim?\nMüşteri: Kargom hâlâ gelmedi!\n"


@pytest.mark.parametrize(
    "speaker, text_format, expected",
    [
        (None, "auto", "İyi günler, nasıl yardımcı olabilirim? Kargom hâlâ gelmedi!"),
        ("agent", "auto", "İyi günler, nasıl yardımcı olabilirim?"),
        ("customer", "transcript", "Kargom hâlâ gelmedi!"),
        (None, "plain", "Temsilci: İyi günler, nasıl yardımcı olabilirim? Müşteri: Kargom hâlâ gelmedi!"),
    ],
)
def test_load_asr_text_from_transcript(tmp_path, speaker, text_format, expected):
    path = _write(tmp_path / "k1.txt", TRANSCRIPT)
    assert load_asr_text(path, speaker=speaker, text_format=text_format) == expected


def test_plain_text_one_utterance_per_line(tmp_path):
    path = _write(tmp_path / "k1.txt", "iyi günler\n\n  nasıl yardımcı olabilirim  \r\nkargom gelmedi\n")
    assert load_asr_text(path) == "iyi günler nasıl yardımcı olabilirim kargom gelmedi"


def test_plain_text_in_turkish_single_byte_encoding(tmp_path):
    path = tmp_path / "k1.txt"
    path.write_bytes("Teşekkür ederim, iyi günler\n".encode("cp1254"))
    assert load_asr_text(path) == "Teşekkür ederim, iyi günler"


@pytest.mark.parametrize(
    "content, options, error, message",
    [
        ("iyi günler", {"speaker": "agent"}, ConfigError, "needs speaker labels"),
        ("iyi günler", {"speaker": "müdür"}, ConfigError, "expected one of agent, customer"),
        ("iyi günler", {"text_format": "pdf"}, ConfigError, "text_format 'pdf'"),
        ("iyi günler", {"text_format": "transcript"}, TranscriptFormatError, "speaker prefix"),
    ],
)
def test_load_asr_text_errors(tmp_path, content, options, error, message):
    path = _write(tmp_path / "k1.txt", content)
    with pytest.raises(error, match=message):
        load_asr_text(path, **options)


def test_multi_call_file_is_refused(tmp_path):
    lines = [json.dumps({"call_id": f"c{i}", "speaker": "agent", "text": "merhaba"}) for i in (1, 2)]
    path = _write(tmp_path / "iki.jsonl", "\n".join(lines))
    with pytest.raises(TranscriptFormatError, match=r"iki\.jsonl.*one call per file for ASR evaluation, found 2"):
        load_asr_text(path)


def test_evaluate_asr_on_folders(tmp_path):
    _write(tmp_path / "ref" / "k1.txt", TRANSCRIPT)
    _write(tmp_path / "hyp" / "k1.txt", "iyi günler nasıl yardımcı olabilirim\nkargom hala gelmedi\n")
    _write(tmp_path / "ref" / "k2.txt", "bir iki üç dört beş")
    _write(tmp_path / "hyp" / "k2.txt", "bir iki altı dört beş")
    _write(tmp_path / "ref" / "k3.txt", "yalnız referans")
    pairing = pair_files(tmp_path / "ref", tmp_path / "hyp")
    report = evaluate_asr(pairing)
    assert [c.call_id for c in report.calls] == ["k1", "k2"]
    k1, k2 = report.calls
    assert k1.ref_words == 8 and k1.substitutions == 1  # "hâlâ" vs "hala"
    assert k2.wer == pytest.approx(0.2)
    assert report.overall.wer == pytest.approx(2 / 13)
    assert report.only_in_reference == ("k3.txt",)
    assert k1.reference_path.endswith("k1.txt")
    folded = evaluate_asr(pairing, preset="match_ascii")
    assert folded.calls[0].wer == 0.0


def test_evaluate_asr_agent_turns_only(tmp_path):
    ref = _write(tmp_path / "ref" / "k1.txt", TRANSCRIPT)
    hyp = _write(tmp_path / "hyp" / "k1.txt", "Temsilci: iyi günler nasıl yardımcı olabilirim\nMüşteri: kargo yok\n")
    assert evaluate_asr([(ref, hyp)], speaker="agent").overall.wer == 0.0
    assert evaluate_asr([(ref, hyp)]).overall.wer > 0.0


@pytest.mark.parametrize("content", ["", "  \n", "... !!! ,,,"])
def test_empty_reference_file_names_the_file(tmp_path, content):
    ref = _write(tmp_path / "ref" / "bos.txt", content)
    hyp = _write(tmp_path / "hyp" / "bos.txt", "bir şey")
    with pytest.raises(TranscriptFormatError) as info:
        evaluate_asr(pair_files(ref, hyp))
    assert "bos.txt" in str(info.value)
    assert "no words" in str(info.value) or "empty" in str(info.value)


def test_duplicate_stems_across_pairs(tmp_path):
    a = _write(tmp_path / "x" / "k1.txt", "evet")
    b = _write(tmp_path / "y" / "k1.txt", "evet")
    with pytest.raises(ConfigError, match="'k1' appears twice"):
        evaluate_asr([(a, a), (b, b)])


# ----------------------------------------------------------------------------- report output


def _report():
    return evaluate_texts(
        [("kargo-01", "bir iki üç dört beş", "bir iki altı dört beş"), ("kargo-02", "İyi günler", "iyi günler")]
    )


def test_table_is_turkish_and_complete():
    table = _report().table()
    header = next(line for line in table.splitlines() if line.startswith("Çağrı"))
    assert header.split() == ["Çağrı", "Kelime", "WER", "CER", "MER", "WIL"]
    rows = {line.split()[0]: line.split() for line in table.splitlines() if line.startswith(("kargo", "TOPLAM"))}
    assert rows["kargo-01"][1:3] == ["5", "0.200"]
    assert rows["kargo-02"][1:3] == ["2", "0.000"]
    assert rows["TOPLAM"][1:3] == ["7", f"{1 / 7:.3f}"]
    assert "normalleştirme 'match'" in table


def test_table_lists_unmatched_files(tmp_path):
    _write(tmp_path / "ref" / "a.txt", "evet")
    _write(tmp_path / "ref" / "b.txt", "evet")
    _write(tmp_path / "hyp" / "a.txt", "evet")
    table = evaluate_asr(pair_files(tmp_path / "ref", tmp_path / "hyp")).table()
    assert "Eşleşmeyen dosyalar" in table and "b.txt" in table


def test_rows_for_csv_and_to_dict():
    report = _report()
    rows = report.to_rows()
    assert [r["call_id"] for r in rows] == ["kargo-01", "kargo-02", "TOPLAM"]
    assert all(list(r) == list(ROW_FIELDS) for r in rows)
    assert len(report.to_rows(include_overall=False)) == 2
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=ROW_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    assert buf.getvalue().splitlines()[1].startswith("kargo-01,5,5,0.2,")
    data = report.to_dict()
    assert data["n_calls"] == 2 and data["overall"]["wer"] == pytest.approx(1 / 7, abs=1e-6)
    json.dumps(data)  # serialisable


def test_normalisation_matches_the_preset():
    # The words counted are the words of the normalised reference.
    ref = "Merhaba!  Siparişiniz — yolda."
    call = evaluate_texts([("c", ref, ref)]).calls[0]
    assert call.ref_words == len(normalize(ref, "match").split()) == 3
