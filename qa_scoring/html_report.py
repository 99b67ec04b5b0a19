"""Turkish HTML reports: one scorecard per call and a summary of the batch.

Self-contained files (inline CSS and SVG charts, no scripts, no external assets), built from the
``CallReport.to_dict()`` records a batch writes, so they can be regenerated without the model. All text is
escaped; transcript text is already redacted by the scorer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from statistics import mean
from typing import Any

from .fileio import atomic_write_bytes, safe_filename
from .skills import SKILL_KEYS, SKILL_NAMES_TR

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1f2933;max-width:1100px}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2rem} table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e4e7eb;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f7fa} .lv{font-weight:700} .l1,.l2{color:#b42318} .l3{color:#8a6d00} .l4,.l5{color:#067647}
.pass{color:#067647;font-weight:700} .fail{color:#b42318;font-weight:700} .muted{color:#7b8794}
.turn{padding:.35rem .6rem;margin:.2rem 0;border-left:4px solid #e4e7eb;border-radius:4px}
.agent{background:#f5f9ff} .customer{background:#fafafa} .system{background:#fff;color:#7b8794}
.up{border-left-color:#12b76a;background:#ecfdf3} .down{border-left-color:#f04438;background:#fef3f2}
.tag{display:inline-block;font-size:.75rem;padding:.05rem .4rem;border-radius:8px;margin-left:.3rem;background:#eef2f6}
.flag{color:#b42318}
.card{display:inline-block;padding:.6rem 1rem;margin:.2rem;border:1px solid #e4e7eb;border-radius:8px}
"""
SPEAKER_TR = {"agent": "Temsilci", "customer": "Müşteri", "system": "Sistem"}


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="tr"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(seconds), 60)
    return f"{m:02d}:{s:02d}"


def call_scorecard_html(report: dict[str, Any]) -> str:
    """The scorecard of one call (a ``CallReport.to_dict()``)."""
    cid = escape(report["call_id"])
    head = [f"<h1>Çağrı değerlendirmesi: {cid}</h1>"]
    meta = [
        ("Temsilci", report.get("agent_id") or "—"),
        ("Ekip", report.get("team") or "—"),
        ("Tarih", (report.get("started_at") or "—")[:16].replace("T", " ")),
        ("Kanal", "Çağrı" if report.get("channel") == "call" else "Sohbet"),
        ("Kart", report.get("rubric_id")),
    ]
    head.append("<p>" + " · ".join(f"<b>{k}:</b> {escape(str(v))}" for k, v in meta) + "</p>")
    if not report.get("eligible"):
        head.append(f"<p class='muted'>Bu görüşme puanlanmadı: {escape(report.get('ineligible_reason') or '')}</p>")
        return _page(f"Çağrı {report['call_id']}", "".join(head) + _transcript(report, {}))
    overall = report.get("overall")
    verdict = report.get("passed")
    verdict_html = (
        ("<span class='pass'>Geçti</span>" if verdict else "<span class='fail'>Kaldı</span>")
        if verdict is not None
        else ""
    )
    conf = report.get("confidence")
    head.append(
        f"<div class='card'>Genel puan<br><span class='lv'>{'—' if overall is None else f'{overall:.0f}'}/100</span> "
        f"{verdict_html}</div><div class='card'>Model güveni<br><span class='lv'>"
        f"{'—' if conf is None else f'%{conf * 100:.0f}'}</span></div>"
    )
    rows = []
    marks: dict[int, tuple[str, str]] = {}
    for s in report["skills"].values():
        if not s["applicable"]:
            rows.append(
                f"<tr><td>{escape(s['name'])}</td><td class='muted' colspan='3'>Uygulanamaz (müşteri sıkıntı "
                f"dile getirmedi)</td></tr>"
            )
            continue
        lv = s["level"]
        rows.append(
            f"<tr><td>{escape(s['name'])}</td><td class='lv l{lv}'>{lv} — {escape(s['level_name'])}</td>"
            f"<td>+{s['positives']} / −{s['negatives']}"
            + (f" / kaçırılan {s['missed']}" if s["missed"] else "")
            + f" ({s['turns_considered']} sıra)</td><td>%{s['confidence'] * 100:.0f}</td></tr>"
        )
        for e in s["raised"]:
            marks.setdefault(e["turn_index"], ("up", f"{s['name']} +"))
        for e in s["lowered"]:
            marks[e["turn_index"]] = ("down", f"{s['name']} {'kaçırıldı' if e['missed'] else '−'}")
    body = head + [
        "<h2>Beceriler</h2><table><tr><th>Beceri</th><th>Seviye</th><th>Kanıt</th><th>Güven</th></tr>",
        *rows,
        "</table>",
    ]
    if report.get("flags"):
        body.append(
            "<h2>İnceleme işaretleri</h2><ul>"
            + "".join(
                f"<li class='flag'>{escape(f['message'])}"
                + (" (kritik: çağrı kaldı)" if f["severity"] == "fail" else "")
                + (
                    f" <a href='#t{f['turn_index']}'>sıra {f['turn_index'] + 1}</a>"
                    if f.get("turn_index") is not None
                    else ""
                )
                + "</li>"
                for f in report["flags"]
            )
            + "</ul>"
        )
    if report.get("feedback"):
        body.append("<h2>Geri bildirim</h2><ul>")
        for f in report["feedback"]:
            label = "Güçlü yön" if f["kind"] == "strength" else "Gelişim alanı"
            body.append(
                f"<li><b>{label} — {escape(f['skill_name'])}</b> (<a href='#t{f['turn_index']}'>sıra "
                f"{f['turn_index'] + 1}</a>): “{escape(f['quote'])}”<br>{escape(f['message'])}"
                + (f"<br><i>{escape(f['suggestion'])}</i>" if f.get("suggestion") else "")
                + "</li>"
            )
        body.append("</ul>")
    script = report.get("script")
    if script:
        body.append("<h2>Zorunlu ifadeler</h2><table><tr><th>İfade</th><th>Durum</th><th>En yakın eşleşme</th></tr>")
        for it in script["items"]:
            state = (
                "<span class='pass'>Var</span>"
                if it["present"]
                else (
                    "<span class='fail'>Eksik</span>"
                    if it["required"]
                    else "<span class='muted'>Yok (isteğe bağlı)</span>"
                )
            )
            wer = "" if it["wer"] is None else f" (WER {it['wer']:.2f})"
            body.append(
                f"<tr><td>{escape(it['name'])}</td><td>{state}</td><td>{escape(it['best_match'] or '—')}{wer}</td></tr>"
            )
        body.append("</table>")
    timing = report.get("timing")
    if timing:
        body.append(
            "<h2>Zamanlama</h2><p>"
            + " · ".join(
                [
                    f"Söz kesme: {timing['interruptions']}",
                    f"En uzun sessizlik: {timing['longest_silence_s']:.0f} sn"
                    if timing.get("longest_silence_s") is not None
                    else "",
                    f"Temsilci konuşma payı: %{timing['agent_talk_share'] * 100:.0f}"
                    if timing.get("agent_talk_share") is not None
                    else "",
                    f"Konuşma hızı: {timing['agent_words_per_minute']:.0f} kelime/dk"
                    if timing.get("agent_words_per_minute")
                    else "",
                ]
            ).strip(" ·")
            + "</p>"
        )
    body.append(_transcript(report, marks))
    return _page(f"Çağrı {report['call_id']}", "".join(body))


def _transcript(report: dict[str, Any], marks: dict[int, tuple[str, str]]) -> str:
    out = [
        "<h2>Döküm</h2><p class='muted'>Yeşil: puanı yükselten, kırmızı: düşüren sıralar. Kişisel veriler "
        "maskelenmiştir.</p>"
    ]
    for i, t in enumerate(report.get("turns", [])):
        cls, tag = marks.get(i, ("", ""))
        when = _fmt_time(t.get("start"))
        out.append(
            f"<div class='turn {t['speaker']} {cls}' id='t{i}'><b>{SPEAKER_TR.get(t['speaker'], t['speaker'])}"
            f"</b> <span class='muted'>{when}</span> {escape(t['text'])}"
            + (f"<span class='tag'>{escape(tag)}</span>" if tag else "")
            + "</div>"
        )
    return "".join(out)


def _bars(counts: dict[int, int], width: int = 260) -> str:
    total = max(1, max(counts.values(), default=0))
    colors = {1: "#f04438", 2: "#f79009", 3: "#fdb022", 4: "#32d583", 5: "#12b76a"}
    parts = [f"<svg width='{width + 60}' height='124' role='img' aria-label='Seviye dağılımı'>"]
    for i, lv in enumerate(range(1, 6)):
        h = 80 * counts.get(lv, 0) / total
        x = 10 + i * (width // 5)
        parts.append(
            f"<rect x='{x}' y='{100 - h:.1f}' width='{width // 5 - 8}' height='{h:.1f}' fill='{colors[lv]}'/>"
            f"<text x='{x + 6}' y='116' font-size='11'>{lv}</text>"
            f"<text x='{x + 6}' y='{96 - h:.1f}' font-size='11'>{counts.get(lv, 0)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def summary_html(reports: list[dict[str, Any]]) -> str:
    """The batch summary: per-skill level distributions, per-agent averages, flags."""
    scored = [r for r in reports if r.get("eligible")]
    body = [
        f"<h1>Toplu değerlendirme özeti</h1><p>{len(reports)} görüşme, {len(scored)} puanlandı, "
        f"{len(reports) - len(scored)} uygunluk kuralı nedeniyle puanlanmadı.</p>"
    ]
    if scored:
        overall = [r["overall"] for r in scored if r.get("overall") is not None]
        passed = sum(1 for r in scored if r.get("passed"))
        body.append(
            f"<div class='card'>Ortalama genel puan<br><span class='lv'>{mean(overall):.1f}</span></div>"
            f"<div class='card'>Geçen görüşme<br><span class='lv'>{passed}/{len(scored)}</span></div>"
            f"<div class='card'>İnceleme işaretli<br><span class='lv'>"
            f"{sum(1 for r in scored if r.get('flags'))}</span></div>"
        )
    body.append(
        "<h2>Beceri bazında seviye dağılımı</h2><table><tr><th>Beceri</th><th>Dağılım (1–5)</th>"
        "<th>Ortalama</th><th>Uygulanamaz</th></tr>"
    )
    for k in SKILL_KEYS:
        levels = [r["skills"][k]["level"] for r in scored if k in r["skills"] and r["skills"][k]["level"]]
        na = sum(1 for r in scored if k in r["skills"] and not r["skills"][k]["applicable"])
        body.append(
            f"<tr><td>{SKILL_NAMES_TR[k]}</td><td>{_bars(Counter(levels))}</td>"
            f"<td>{mean(levels):.2f}</td><td>{na}</td></tr>"
            if levels
            else f"<tr><td>{SKILL_NAMES_TR[k]}</td><td class='muted'>—</td><td>—</td><td>{na}</td></tr>"
        )
    body.append(
        "</table><h2>Temsilci bazında</h2><table><tr><th>Temsilci</th><th>Ekip</th><th>Görüşme</th>"
        + "".join(f"<th>{SKILL_NAMES_TR[k]}</th>" for k in SKILL_KEYS)
        + "<th>Genel</th><th>En zayıf beceri</th></tr>"
    )
    by_agent: dict[str, list[dict]] = defaultdict(list)
    for r in scored:
        by_agent[r.get("agent_id") or "—"].append(r)
    for agent, rs in sorted(by_agent.items()):
        avgs = {}
        for k in SKILL_KEYS:
            vals = [r["skills"][k]["level"] for r in rs if r["skills"].get(k, {}).get("level")]
            avgs[k] = mean(vals) if vals else None
        known = {k: v for k, v in avgs.items() if v is not None}
        weakest = SKILL_NAMES_TR[min(known, key=known.get)] if known else "—"
        ov = [r["overall"] for r in rs if r.get("overall") is not None]
        body.append(
            f"<tr><td>{escape(agent)}</td><td>{escape(rs[0].get('team') or '—')}</td><td>{len(rs)}</td>"
            + "".join(f"<td>{'—' if avgs[k] is None else f'{avgs[k]:.1f}'}</td>" for k in SKILL_KEYS)
            + f"<td>{mean(ov):.0f}</td><td>{weakest}</td></tr>"
            if ov
            else ""
        )
    body.append("</table>")
    flag_counts = Counter(f["message"].split(":")[0] for r in scored for f in r.get("flags", []))
    if flag_counts:
        body.append(
            "<h2>İnceleme işaretleri</h2><ul>"
            + "".join(f"<li>{escape(k)}: {v}</li>" for k, v in flag_counts.most_common())
            + "</ul>"
        )
    body.append(
        "<h2>Görüşmeler</h2><ul>"
        + "".join(
            f"<li><a href='calls/{safe_filename(r['call_id'])}.html'>{escape(r['call_id'])}</a> — "
            + (f"{r['overall']:.0f}/100" if r.get("overall") is not None else "puanlanmadı")
            + "</li>"
            for r in reports
        )
        + "</ul>"
    )
    return _page("Toplu değerlendirme özeti", "".join(body))


def write_html_reports(out_dir: Path, reports: list[dict[str, Any]]) -> list[str]:
    """Write ``report.html`` and ``calls/<call_id>.html`` (atomically); returns the relative paths."""

    written = []
    for r in reports:
        rel = f"calls/{safe_filename(r['call_id'])}.html"
        atomic_write_bytes(out_dir / rel, call_scorecard_html(r).encode("utf-8"))
        written.append(rel)
    atomic_write_bytes(out_dir / "report.html", summary_html(reports).encode("utf-8"))
    written.append("report.html")
    return written
