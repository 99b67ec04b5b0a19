"""Reviewer workspace helpers without streamlit: read uploads, build export tables, mark evidence turns.

Uploaded bytes go through the library's readers exactly as files on disk do (format from the extension, a
``.json`` with ``segments`` read as speech-recognition output, encoding detected — UTF-8/16, Windows-1254,
ISO-8859-9 — and anything else refused with the reader's message).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

import pandas as pd

from qa_scoring.errors import TranscriptFormatError
from qa_scoring.html_report import SPEAKER_TR
from qa_scoring.readers import DEFAULT_MAX_BYTES, EXTENSIONS, decode_bytes, format_for_path, parse_transcripts
from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR
from qa_scoring.transcript import Transcript

log = logging.getLogger(__name__)

#: Extensions the uploader accepts (without the dot).
UPLOAD_TYPES = sorted({ext.lstrip(".") for ext in EXTENSIONS})


@dataclass(frozen=True)
class ParsedUpload:
    """The calls read from one uploaded file, or why it was refused."""

    name: str
    transcripts: tuple[Transcript, ...] = ()
    error: str | None = None


def parse_upload(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedUpload:
    """Read an uploaded transcript file; a bad file gives ``error`` (Turkish, with the reader's detail)."""
    try:
        if len(data) > max_bytes:
            raise TranscriptFormatError(
                f"file is {len(data)} bytes, over the limit of {max_bytes} bytes; split it into smaller files",
                path=name,
            )
        fmt = format_for_path(name)
        decoded = decode_bytes(data, name)
        if not decoded.text.strip():
            return ParsedUpload(name, error="Dosya boş; dökümü yeniden dışa aktarıp yükleyin.")
        calls = parse_transcripts(decoded.text, format=fmt, source_name=name)
    except TranscriptFormatError as exc:
        log.info("upload %s rejected (%s)", name, exc.location or "whole file")
        where = f" ({exc.location})" if exc.location else ""
        return ParsedUpload(name, error=f"Dosya okunamadı{where}: {exc.reason}")
    if not calls:
        return ParsedUpload(name, error="Dosyada görüşme bulunamadı.")
    log.info("upload %s: %d call(s)", name, len(calls))
    return ParsedUpload(name, tuple(calls))


def parse_pasted(text: str, now: datetime | None = None) -> ParsedUpload:
    """Read a pasted transcript (``Temsilci:`` / ``Müşteri:`` lines; ``# call_id: …`` headers are honoured)."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    name = f"yapistirilan-{stamp}.txt"
    try:
        calls = parse_transcripts(text, format="txt", source_name=name)
    except TranscriptFormatError as exc:
        where = f" ({exc.location})" if exc.location else ""
        return ParsedUpload("Yapıştırılan metin", error=f"Metin okunamadı{where}: {exc.reason}")
    return ParsedUpload(name, tuple(calls))


# ------------------------------------------------------------------------------------------ overrides
def latest_overrides(overrides: Iterable[Any]) -> dict[tuple[str, str], Any]:
    """(call_id, skill) → the most recent override (any reviewer)."""
    latest: dict[tuple[str, str], Any] = {}
    for o in sorted(overrides, key=lambda o: _sort_time(getattr(o, "created_at", None))):
        latest[(o.call_id, o.skill)] = o
    return latest


def _sort_time(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# ------------------------------------------------------------------------------------------ tables
def skill_table(report: Mapping[str, Any], overrides: Mapping[tuple[str, str], Any]) -> pd.DataFrame:
    """One row per skill: name, model level, reviewer level, evidence counts, confidence (Turkish headers)."""
    rows = []
    for key, s in report.get("skills", {}).items():
        o = overrides.get((report["call_id"], key))
        if not s.get("applicable"):
            model = "Uygulanamaz"
            evidence = "Müşteri sıkıntı dile getirmedi"
        else:
            model = f"{s['level']} — {s['level_name']}"
            evidence = f"+{s['positives']} / −{s['negatives']}" + (
                f" / kaçırılan {s['missed']}" if s.get("missed") else ""
            )
        rows.append(
            {
                "Beceri": s.get("name") or SKILL_NAMES_TR.get(key, key),
                "Model seviyesi": model,
                "Değerlendirici": "—" if o is None else f"{o.level} ({getattr(o, 'reviewer', '')})",
                "Kanıt": evidence,
                "Güven": "—" if not s.get("applicable") else f"%{s['confidence'] * 100:.0f}",
            }
        )
    return pd.DataFrame(rows)


def scores_export(records: Sequence[Any], overrides: Iterable[Any]) -> pd.DataFrame:
    """One row per call: ids, model level per skill (columns named by Turkish skill name, readable by
    ``qa-score calibrate --ai``), the reviewer's level where overridden, overall score and result."""
    latest = latest_overrides(overrides)
    rows = []
    for rec in records:
        r = rec.report
        row: dict[str, Any] = {
            "Çağrı": r["call_id"],
            "Temsilci": r.get("agent_id") or "",
            "Ekip": r.get("team") or "",
            "Tarih": (r.get("started_at") or "")[:10],
            "Kanal": "Çağrı" if r.get("channel") == "call" else "Sohbet",
            "Kart": r.get("rubric_id") or "",
        }
        skills = r.get("skills") or {}
        for k in SKILL_KEYS:
            s = skills.get(k) or {}
            row[SKILL_NAMES_TR[k]] = s.get("level") if s.get("level") is not None else pd.NA
        for k in SKILL_KEYS:
            o = latest.get((r["call_id"], k))
            row[f"{SKILL_NAMES_TR[k]} (değerlendirici)"] = o.level if o is not None else pd.NA
        row["Genel puan"] = r.get("overall") if r.get("overall") is not None else pd.NA
        row["Sonuç"] = {True: "Geçti", False: "Kaldı"}.get(r.get("passed"), "Puanlanmadı")
        row["İşaretler"] = "; ".join(f["message"] for f in r.get("flags") or [])
        rows.append(row)
    return pd.DataFrame(rows)


def overrides_export(overrides: Iterable[Any]) -> pd.DataFrame:
    """Every override, oldest first."""
    rows = []
    for o in sorted(overrides, key=lambda o: _sort_time(getattr(o, "created_at", None))):
        rows.append(
            {
                "Çağrı": o.call_id,
                "Beceri": SKILL_NAMES_TR.get(o.skill, o.skill),
                "Model seviyesi": getattr(o, "model_level", None),
                "Yeni seviye": o.level,
                "Açıklama": o.comment,
                "Değerlendirici": getattr(o, "reviewer", ""),
                "Tarih": _fmt_when(getattr(o, "created_at", None)),
            }
        )
    columns = ["Çağrı", "Beceri", "Model seviyesi", "Yeni seviye", "Açıklama", "Değerlendirici", "Tarih"]
    return pd.DataFrame(rows, columns=columns)


def _fmt_when(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.dataframe: missing values as "—" instead of "None"."""
    return frame.astype(object).where(frame.notna(), "—")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 BOM (so spreadsheet programs show Turkish letters correctly)."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------ transcript
#: The scorecard's turn styles (qa_scoring.html_report), scoped so they do not restyle the rest of the page.
TRANSCRIPT_CSS = """
.qa-transcript .turn{padding:.35rem .6rem;margin:.2rem 0;border-left:4px solid #e4e7eb;border-radius:4px;color:#1f2933}
.qa-transcript .agent{background:#f5f9ff} .qa-transcript .customer{background:#fafafa}
.qa-transcript .system{background:#fff;color:#7b8794} .qa-transcript .muted{color:#7b8794}
.qa-transcript .up{border-left-color:#12b76a;background:#ecfdf3}
.qa-transcript .down{border-left-color:#f04438;background:#fef3f2}
.qa-transcript .tag{display:inline-block;font-size:.75rem;padding:.05rem .4rem;border-radius:8px;margin-left:.3rem;
background:#eef2f6}
"""


def evidence_marks(report: Mapping[str, Any]) -> dict[int, tuple[str, str]]:
    """Turn index → (css class ``up``/``down``, tag) for the turns that raised or lowered a skill."""
    marks: dict[int, tuple[str, str]] = {}
    for s in (report.get("skills") or {}).values():
        for e in s.get("raised", []):
            marks.setdefault(e["turn_index"], ("up", f"{s['name']} +"))
        for e in s.get("lowered", []):
            marks[e["turn_index"]] = ("down", f"{s['name']} {'kaçırıldı' if e.get('missed') else '−'}")
    return marks


def transcript_html(report: Mapping[str, Any]) -> str:
    """The (redacted) transcript as HTML with the evidence turns highlighted (the scorecard's styling)."""
    marks = evidence_marks(report)
    out = [
        f"<style>{TRANSCRIPT_CSS}</style><div class='qa-transcript'>",
        "<p class='muted'>Yeşil: puanı yükselten, kırmızı: düşüren sıralar. Kişisel veriler maskelenmiştir.</p>",
    ]
    for i, t in enumerate(report.get("turns", [])):
        cls, tag = marks.get(i, ("", ""))
        start = t.get("start")
        when = "" if start is None else f"{int(start) // 60:02d}:{int(start) % 60:02d}"
        out.append(
            f"<div class='turn {escape(t['speaker'])} {cls}' id='t{i}' data-turn='{i}'>"
            f"<b>{SPEAKER_TR.get(t['speaker'], escape(t['speaker']))}</b> <span class='muted'>{when}</span> "
            f"{escape(t['text'])}" + (f"<span class='tag'>{escape(tag)}</span>" if tag else "") + "</div>"
        )
    out.append("</div>")
    return "".join(out)
