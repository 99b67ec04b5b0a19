"""Çağrı değerlendirme: upload or paste transcripts, score them, review one call, override, export, calibrate."""

from __future__ import annotations

import logging

import streamlit as st

from qa_scoring.html_report import call_scorecard_html
from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR
from training_app import calls, resources, state, ui
from training_app.pages_registry import guard

log = logging.getLogger("training_app.review")

user = guard("review")
store = resources.get_store()

st.title("Çağrı değerlendirme")
st.caption(
    "Görüşme dökümlerini yükleyin ya da yapıştırın; her görüşme beş beceride puanlanır, kanıt sıraları "
    "gösterilir ve sonuç kaydedilir. Kişisel veriler kaydedilmeden önce maskelenir."
)

# ------------------------------------------------------------------------------------------ upload + score
rubric_map = resources.rubrics()
rubric_ids = list(rubric_map)
with st.container(border=True, key="review_upload_box"):
    st.subheader("Görüşme yükle")
    rubric_id = st.selectbox(
        "Kalite kartı (rubrik)",
        rubric_ids,
        index=rubric_ids.index("default") if "default" in rubric_ids else 0,
        format_func=lambda rid: f"{rubric_map[rid].name} ({rid})",
        key="review_rubric",
    )
    nonce = st.session_state.get(state.REVIEW_UPLOADER_NONCE, 0)
    uploads = st.file_uploader(
        "Döküm dosyaları (JSON, JSONL, CSV, TXT, VTT, SRT, konuşma tanıma JSON'u)",
        type=calls.UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"review_upload_{nonce}",
        help="Windows-1254 ve ISO-8859-9 kodlamalı dosyalar da okunur. Bir dosyada birden çok görüşme olabilir.",
    )
    pasted = st.text_area(
        "ya da dökümü buraya yapıştırın",
        key=f"review_paste_{nonce}",
        height=150,
        placeholder="Temsilci: İyi günler, size nasıl yardımcı olabilirim?\nMüşteri: Merhaba, faturam yüksek geldi.",
        help="Her satır 'Temsilci:' ya da 'Müşteri:' ile başlar. İsterseniz ilk satıra '# call_id: …' yazın.",
    )
    score_clicked = st.button("Puanla ve kaydet", key="review_score", type="primary", icon="▶️")

if score_clicked:
    parsed = [calls.parse_upload(f.name, f.getvalue()) for f in uploads or []]
    if pasted and pasted.strip():
        parsed.append(calls.parse_pasted(pasted))
    if not parsed:
        ui.show_error("Önce bir dosya seçin ya da bir döküm yapıştırın.")
    else:
        errors = [(p.name, p.error) for p in parsed if p.error]
        transcripts = [(p.name, t) for p in parsed if not p.error for t in p.transcripts]
        results = []
        if transcripts:
            try:
                scorer = resources.get_scorer(rubric_id)
                with st.spinner(f"{len(transcripts)} görüşme puanlanıyor…"):
                    reports = scorer.score_many([t for _, t in transcripts])
            except Exception as exc:  # noqa: BLE001 - shown to the user; logged without transcript text
                log.error("scoring failed: %s", type(exc).__name__)
                errors.append(("Puanlama", f"Puanlama yapılamadı: {ui.error_message(exc)}"))
                reports = []
            for (source, _), report in zip(transcripts, reports, strict=False):
                try:
                    store.save_call(user, report.to_dict(), source)
                except Exception as exc:  # noqa: BLE001 - e.g. a lead saving another team's call
                    log.warning("saving call from %s failed: %s", source, type(exc).__name__)
                    errors.append((f"{source} / {report.call_id}", f"Kaydedilemedi: {ui.error_message(exc)}"))
                    continue
                results.append(
                    {"call_id": report.call_id, "source": source, "overall": report.overall, "passed": report.passed}
                )
        log.info("scored %d call(s); %d problem(s)", len(results), len(errors))
        st.session_state[state.REVIEW_RESULTS] = results
        st.session_state[state.REVIEW_ERRORS] = errors
        if results:  # show the last scored call
            st.session_state[state.REVIEW_SELECTED_CALL] = results[-1]["call_id"]
        st.session_state[state.REVIEW_UPLOADER_NONCE] = nonce + 1
        st.rerun()

results = st.session_state.get(state.REVIEW_RESULTS) or []
errors = st.session_state.get(state.REVIEW_ERRORS) or []
if results:
    st.success(f"{len(results)} görüşme puanlandı ve kaydedildi.", icon="✅")
for source, message in errors:
    st.error(f"**{ui.md(source)}** — {ui.md(message)}", icon="⚠️")

# ------------------------------------------------------------------------------------------ stored calls
try:
    records = store.list_calls(user)
    all_overrides = store.list_overrides(user)
except Exception as exc:  # noqa: BLE001
    ui.show_error(ui.error_message(exc))
    st.stop()

st.subheader("Kayıtlı görüşmeler")
if not records:
    st.info("Henüz kayıtlı görüşme yok. Yukarıdan bir döküm yükleyin.")
    st.stop()

records = sorted(records, key=lambda r: ui.format_dt(getattr(r, "scored_at", None)), reverse=True)
export = calls.scores_export(records, all_overrides)
st.dataframe(calls.for_display(export), hide_index=True, key="review_calls_table")
c1, c2, c3 = st.columns(3)
c1.download_button(
    "Puanları indir (CSV)",
    calls.csv_bytes(export),
    file_name="degerlendirmeler.csv",
    mime="text/csv",
    key="review_export_csv",
    on_click="ignore",
)
c2.download_button(
    "Düzeltmeleri indir (CSV)",
    calls.csv_bytes(calls.overrides_export(all_overrides)),
    file_name="duzeltmeler.csv",
    mime="text/csv",
    key="review_export_overrides_csv",
    on_click="ignore",
)
c3.download_button(
    "Puanlar + düzeltmeler (Excel)",
    lambda: calls.excel_bytes({"Puanlar": export, "Düzeltmeler": calls.overrides_export(all_overrides)}),
    file_name="degerlendirmeler.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="review_export_xlsx",
    on_click="ignore",
)

# ------------------------------------------------------------------------------------------ one call
st.subheader("Görüşme ayrıntısı")
ids = list(dict.fromkeys(r.call_id for r in records))
selected = st.session_state.pop(state.REVIEW_SELECTED_CALL, None)
if selected in ids:  # a freshly scored call: select it (a widget's own state wins over index=)
    st.session_state[state.REVIEW_CALL_WIDGET] = selected
elif st.session_state.get(state.REVIEW_CALL_WIDGET) not in ids:
    st.session_state.pop(state.REVIEW_CALL_WIDGET, None)
call_id = st.selectbox("Görüşme", ids, key=state.REVIEW_CALL_WIDGET)
record = next(r for r in records if r.call_id == call_id)
report = record.report
rubric = rubric_map.get(report.get("rubric_id"))
latest = calls.latest_overrides(o for o in all_overrides if o.call_id == call_id)

meta = [
    ("Temsilci", report.get("agent_id") or "—"),
    ("Ekip", report.get("team") or "—"),
    ("Tarih", ui.format_dt(report.get("started_at"))),
    ("Kanal", "Çağrı" if report.get("channel") == "call" else "Sohbet"),
    ("Kart", report.get("rubric_id") or "—"),
]
st.markdown(" · ".join(f"**{k}:** {ui.md(v)}" for k, v in meta))

if not report.get("eligible"):
    st.info(f"Bu görüşme puanlanmadı: {ui.md(report.get('ineligible_reason') or '')}")
else:
    m1, m2, m3 = st.columns(3)
    m1.metric("Genel puan", ui.score_text(report.get("overall")))
    verdict = {True: "✅ Geçti", False: "❌ Kaldı"}.get(report.get("passed"), "—")
    m2.metric("Sonuç", verdict)
    conf = report.get("confidence")
    m3.metric("Model güveni", "—" if conf is None else f"%{conf * 100:.0f}")

    st.markdown("#### Beceriler")
    st.dataframe(calls.skill_table(report, latest), hide_index=True, key="review_skill_table")

    if report.get("flags"):
        st.markdown("#### İnceleme işaretleri")
        for f in report["flags"]:
            where = f" (sıra {f['turn_index'] + 1})" if f.get("turn_index") is not None else ""
            text = f"{f['message']}{where}" + (" — kritik: görüşme kaldı" if f.get("severity") == "fail" else "")
            st.warning(ui.md(text), icon="🚩")

    if report.get("feedback"):
        st.markdown("#### Geri bildirim")
        for f in report["feedback"]:
            label = "💪 Güçlü yön" if f["kind"] == "strength" else "🎯 Gelişim alanı"
            with st.container(border=True):
                st.markdown(f"**{label} — {ui.md(f['skill_name'])}** (sıra {f['turn_index'] + 1})")
                st.markdown(f"> {ui.md(f['quote'])}")
                st.markdown(ui.md(f["message"]))
                if f.get("suggestion"):
                    st.caption(ui.md(f["suggestion"]))

    # ---- override
    st.markdown("#### Seviyeyi düzelt")
    skills = report.get("skills") or {}
    with st.form("override_form", clear_on_submit=True):
        skill = st.selectbox(
            "Beceri",
            [k for k in SKILL_KEYS if k in skills],
            format_func=lambda k: SKILL_NAMES_TR[k],
            key="override_skill",
        )
        names = ui.level_names_for(rubric, skill)
        level = st.selectbox(
            "Yeni seviye",
            [1, 2, 3, 4, 5],
            index=2,
            format_func=lambda lv: f"{lv} — {names.get(lv, '')}",
            key="override_level",
        )
        comment = st.text_area(
            "Açıklama (zorunlu)",
            key="override_comment",
            placeholder="Neden farklı bir seviye verdiğinizi yazın; temsilci ve ekip lideri bunu görür.",
        )
        override_clicked = st.form_submit_button("Düzeltmeyi kaydet", key="override_submit", type="primary")
    if override_clicked:
        if not (comment or "").strip():
            ui.show_error("Açıklama zorunludur: düzeltmenin nedenini yazın.")
        else:
            try:
                store.add_override(user, call_id, skill, int(level), comment.strip())
            except Exception as exc:  # noqa: BLE001
                log.warning("override failed: %s", type(exc).__name__)
                ui.show_error(f"Düzeltme kaydedilemedi: {ui.error_message(exc)}")
            else:
                log.info("override saved (skill %s)", skill)
                st.toast("Düzeltme kaydedildi.", icon="✅")
                st.rerun()

call_overrides = [o for o in all_overrides if o.call_id == call_id]
if call_overrides:
    st.markdown("#### Düzeltme geçmişi")
    st.dataframe(calls.overrides_export(call_overrides).drop(columns=["Çağrı"]), hide_index=True)

st.markdown("#### Döküm")
st.html(calls.transcript_html(report))
st.download_button(
    "Değerlendirme karnesini indir (HTML)",
    lambda: call_scorecard_html(report).encode("utf-8"),
    file_name=f"{call_id}.html",
    mime="text/html",
    key="review_export_html",
    on_click="ignore",
)

# ------------------------------------------------------------------------------------------ calibration
if all_overrides:
    st.subheader("Kalibrasyon: değerlendirici ve model")
    try:
        from qa_scoring.calibration import calibrate

        cal = calibrate(store.human_scores_frame(user), store.ai_scores_frame(user))
    except Exception as exc:  # noqa: BLE001 - e.g. no call scored by both
        log.info("calibration not available: %s", type(exc).__name__)
        st.info("Kalibrasyon için hem modelin hem değerlendiricinin puanladığı görüşme gerekiyor.")
    else:
        frame = cal.to_frame()
        table = frame.assign(Beceri=frame["name_tr"])[["Beceri", "n", "exact", "within_one", "mae", "kappa"]]
        table = table.rename(
            columns={
                "n": "Öğe",
                "exact": "Tam uyum",
                "within_one": "±1 uyum",
                "mae": "Ort. fark",
                "kappa": "Ağırlıklı kappa",
            }
        )
        st.caption(
            f"{cal.n_calls} görüşme, {cal.n_ratings} değerlendirme. Yalnızca düzeltilen beceriler karşılaştırılır."
        )
        st.dataframe(table, hide_index=True, key="review_calibration_table")
        if cal.reviewers:
            rev = cal.reviewers_frame()[["reviewer", "n_calls", "n_items", "alignment"]]
            st.dataframe(
                rev.rename(
                    columns={
                        "reviewer": "Değerlendirici",
                        "n_calls": "Görüşme",
                        "n_items": "Öğe",
                        "alignment": "Hizalama",
                    }
                ),
                hide_index=True,
            )
