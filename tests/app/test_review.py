"""The reviewer page: upload and score transcripts with the real model, override with a comment, export,
calibrate, and the lead's team scope."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from apphelpers import SAMPLES, TEAM_A, TEAM_B, errors, fake_report, login, open_page, table, texts

from training_app import calls


def _upload(at, names, extra=(), key="review_upload_0"):
    files = [(n, (SAMPLES / n).read_bytes(), "application/octet-stream") for n in names]
    at.file_uploader(key=key).set_value([*files, *extra])
    at.button(key="review_score").click().run()
    assert not at.exception, at.exception
    return at


def test_upload_scores_good_files_lists_bad_ones_and_override_needs_a_comment(seeded):
    at = login("derya")
    assert "Henüz kayıtlı görüşme yok" in texts(at)
    at = _upload(
        at,
        ["kargo_gecikme.json", "enerji_fatura.csv"],  # UTF-8 JSON and a Windows-1254 CSV
        extra=[("bozuk.json", b'{"turns": [', "application/json"), ("ikili.txt", bytes(range(256)) * 4, "text/plain")],
    )
    assert "2 görüşme puanlandı ve kaydedildi." in texts(at)
    problems = errors(at)
    assert len(problems) == 2
    assert problems[0].startswith("**bozuk.json** — Dosya okunamadı (line 1")
    assert problems[1].startswith("**ikili.txt** — Dosya okunamadı")
    assert sorted(r.call_id for r in seeded.store.list_calls(seeded.admin)) == [
        "enerji-2024-11-05-0117",
        "kargo-2024-05-14-0031",
    ]

    # the last scored call is shown; scoring again selects the new call even after another was picked
    assert at.selectbox(key="review_call").value == "enerji-2024-11-05-0117"
    at.selectbox(key="review_call").set_value("kargo-2024-05-14-0031").run()
    at = _upload(at, ["saglik_randevu.srt"], key="review_upload_1")
    assert at.selectbox(key="review_call").value == "saglik_randevu"
    # the Windows-1254 call reads with its Turkish letters; evidence turns are highlighted
    at.selectbox(key="review_call").set_value("enerji-2024-11-05-0117").run()
    transcript = at.html[0].value
    assert "Şükrü Bey" in transcript
    assert "class='turn agent up'" in transcript or "class='turn agent down'" in transcript
    metrics = [m.label for m in at.metric]
    assert metrics == ["Genel puan", "Sonuç", "Model güveni"]
    skills = table(at, "Model seviyesi")
    assert list(skills["Beceri"]) == ["Saygı", "Sabır", "Empati", "Aktif dinleme", "Olumlu tutum"]
    assert all(" — " in v or v == "Uygulanamaz" for v in skills["Model seviyesi"])

    # an override without a comment is refused, with one it is stored and shown
    at.selectbox(key="override_skill").set_value("respect")
    at.selectbox(key="override_level").set_value(1)
    at.button(key="override_submit").click().run()
    assert any("Açıklama zorunludur" in e.value for e in at.error)
    assert seeded.store.list_overrides(seeded.admin) == []
    at.selectbox(key="override_skill").set_value("respect")
    at.selectbox(key="override_level").set_value(1)
    at.text_area(key="override_comment").input("Alaycı ifadeler saygısızlık; 'Tebrikler…' cümlesi küçümseyici.")
    at.button(key="override_submit").click().run()
    assert not at.exception and not any("Açıklama" in e.value for e in at.error)
    overrides = seeded.store.list_overrides(seeded.admin)
    assert [(o.call_id, o.skill, o.level, o.reviewer) for o in overrides] == [
        ("enerji-2024-11-05-0117", "respect", 1, "derya")
    ]
    assert "Düzeltme geçmişi" in texts(at)
    skills = table(at, "Model seviyesi")
    assert skills.loc[skills["Beceri"] == "Saygı", "Değerlendirici"].item() == "1 (derya)"
    # the calibration panel appears once a reviewer has overridden something
    calibration = table(at, "Tam uyum")
    assert list(calibration["Beceri"])[-1] == "Genel" and calibration["Öğe"].iloc[-1] == 1
    # exports are offered
    keys = {b.key for b in at.download_button}
    assert {"review_export_csv", "review_export_overrides_csv", "review_export_xlsx", "review_export_html"} <= keys


def test_pasted_text_is_scored(seeded):
    at = login("derya")
    at.text_area(key="review_paste_0").input(
        "# call_id: yapistirma-1\n"
        "Temsilci: İyi günler, Mavi Bank, ben Ece. Size nasıl yardımcı olabilirim?\n"
        "Müşteri: Kartım bloke oldu, çok endişeliyim, maaşım yatacak.\n"
        "Temsilci: Çok haklısınız, endişenizi anlıyorum. Hemen kontrol ediyorum, kartınızı birlikte açalım.\n"
        "Müşteri: Teşekkür ederim.\n"
        "Temsilci: Kartınız açıldı. Başka bir konuda yardımcı olabilir miyim? İyi günler dilerim.\n"
    )
    at.button(key="review_score").click().run()
    assert not at.exception and not at.error
    assert [r.call_id for r in seeded.store.list_calls(seeded.admin)] == ["yapistirma-1"]
    bad = login("derya")
    bad.text_area(key="review_paste_0").input("Bu bir döküm değil.")
    bad.button(key="review_score").click().run()
    assert errors(bad)[0].startswith("**Yapıştırılan metin** — Metin okunamadı")


def test_lead_sees_only_own_team_and_cannot_save_other_teams_calls(seeded):
    store, admin = seeded.store, seeded.admin
    store.save_call(admin, fake_report("a-1", "A-1042", TEAM_A, "2025-03-03T10:00:00+03:00", {}), "a.json")
    store.save_call(admin, fake_report("b-1", "A-7781", TEAM_B, "2025-03-03T11:00:00+03:00", {}), "b.json")
    at = open_page(login("leyla"), "review")
    assert at.selectbox(key="review_call").options == ["a-1"]
    assert list(table(at, "Genel puan")["Çağrı"]) == ["a-1"]
    # telekom_internet.txt belongs to "Teknik Destek": the lead of "Kargo Destek" may not store it
    at = _upload(at, ["telekom_internet.txt"])
    assert any("Yalnızca kendi takımınızın çağrılarını kaydedebilirsiniz" in e for e in errors(at))
    assert [r.call_id for r in store.list_calls(seeded.users["tolga"])] == ["b-1"]


def test_exports_hold_scores_and_overrides(seeded):
    store, admin = seeded.store, seeded.admin
    store.save_call(admin, fake_report("a-1", "A-1042", TEAM_A, "2025-03-03T10:00:00+03:00", {"empathy": 2}), "a")
    store.add_override(seeded.users["derya"], "a-1", "empathy", 4, "Müşterinin kaygısını açıkça karşıladı.")
    records, overrides = store.list_calls(admin), store.list_overrides(admin)
    scores = calls.scores_export(records, overrides)
    assert scores.loc[0, "Empati"] == 2 and scores.loc[0, "Empati (değerlendirici)"] == 4
    csv_text = calls.csv_bytes(scores).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Çağrı,Temsilci,Ekip,Tarih,Kanal,Kart,Saygı,Sabır,Empati")
    book = openpyxl.load_workbook(
        io.BytesIO(calls.excel_bytes({"Puanlar": scores, "Düzeltmeler": calls.overrides_export(overrides)}))
    )
    assert book.sheetnames == ["Puanlar", "Düzeltmeler"]
    rows = list(book["Düzeltmeler"].values)
    assert rows[0][:4] == ("Çağrı", "Beceri", "Model seviyesi", "Yeni seviye")
    assert rows[1][:5] == ("a-1", "Empati", 2, 4, "Müşterinin kaygısını açıkça karşıladı.")
    # the exported scores file is a valid model-score file for `qa-score calibrate --ai`
    from qa_scoring.calibration import load_scores

    path = seeded.store.url.replace("sqlite:///", "")
    out = __import__("pathlib").Path(path).with_name("scores.csv")
    out.write_bytes(calls.csv_bytes(scores))
    assert load_scores(out, "ai")["empathy"].tolist() == [2]
    assert isinstance(scores, pd.DataFrame)
