"""The ``qa-score`` command line.

Human-facing output (help, summaries) is Turkish; the detail of an input error comes from the library and names
the file, the place and the fix. Exit status: 0 all inputs fine, 1 some inputs rejected, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ConfigError, QAScoringError, RubricError, TranscriptFormatError
from .readers import DEFAULT_MAX_BYTES, FORMATS, discover, read_transcripts
from .redact import redact_transcript

log = logging.getLogger("qa_scoring.cli")

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
PII_NAMES_TR = {
    "tc_kimlik": "TC kimlik no",
    "phone": "telefon",
    "iban": "IBAN",
    "card": "kart no",
    "email": "e-posta",
}
RUBRIC_SUFFIXES = {".yaml", ".yml"}


class _UsageError(Exception):
    """A command-line usage problem (exit 2)."""


def _parse_csv_columns(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    mapping: dict[str, str] = {}
    for part in value.split(","):
        if "=" not in part:
            raise _UsageError(
                f"--csv-columns: '{part}' alan=sütun biçiminde değil; örnek: --csv-columns speaker=Kim,text=Söz"
            )
        key, col = (s.strip() for s in part.split("=", 1))
        mapping[key] = col
    return mapping


def _reader_options(args: argparse.Namespace) -> dict:
    opts: dict = {}
    if getattr(args, "format", None):
        opts["format"] = args.format
    if getattr(args, "agent_speaker", None):
        opts["agent_speaker"] = args.agent_speaker
    cols = _parse_csv_columns(getattr(args, "csv_columns", None))
    if cols:
        opts["csv_columns"] = cols
    if getattr(args, "max_size", None) is not None:
        if args.max_size <= 0:
            raise _UsageError("--max-size pozitif bir sayı (MB) olmalı")
        opts["max_bytes"] = int(args.max_size * 1024 * 1024)
    if getattr(args, "encoding", None):
        opts["encoding"] = args.encoding
    return opts


def _add_reader_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("dökümü okuma seçenekleri")
    g.add_argument("--format", choices=FORMATS, help="biçimi uzantıdan tahmin etmek yerine zorla")
    g.add_argument(
        "--agent-speaker",
        metavar="ETİKET",
        help="ses tanıma dökümünde temsilcinin etiketi (ör. SPEAKER_01); verilmezse karşılamadan tahmin edilir",
    )
    g.add_argument(
        "--csv-columns",
        metavar="ALAN=SÜTUN,...",
        help="CSV sütun adları, ör. speaker=Kim,text=Söz,call_id=Görüşme",
    )
    g.add_argument(
        "--max-size",
        type=float,
        metavar="MB",
        help=f"dosya boyutu sınırı (varsayılan {DEFAULT_MAX_BYTES // (1024 * 1024)} MB)",
    )
    g.add_argument(
        "--encoding", metavar="KODLAMA", help="karakter kodlamasını zorla (ör. cp1254, iso-8859-9)"
    )


def _discover_or_usage(paths: Sequence[str]) -> list[Path]:
    try:
        return discover(paths, extra_suffixes=RUBRIC_SUFFIXES)
    except ConfigError as exc:
        raise _UsageError(str(exc)) from None


# ---------------------------------------------------------------------------------------------- validate
def cmd_validate(args: argparse.Namespace) -> int:
    from .rubric import Rubric

    files = _discover_or_usage(args.paths)
    opts = _reader_options(args)
    problems = 0
    calls = turns = 0
    for path in files:
        if path.suffix.lower() in RUBRIC_SUFFIXES:
            try:
                rubric = Rubric.from_yaml(path)
            except RubricError as exc:
                problems += 1
                print(f"HATA  {path}: {exc}")
                continue
            print(f"TAMAM {path}: rubrik '{rubric.name}', {len(rubric.skills)} beceri")
            continue
        try:
            found = read_transcripts(path, **opts)
        except TranscriptFormatError as exc:
            problems += 1
            print(f"HATA  {exc}")
            continue
        n_turns = sum(len(t.turns) for t in found)
        calls += len(found)
        turns += n_turns
        src = found[0].metadata.get("source", {}) if found else {}
        notes = []
        for t in found:
            guess = t.metadata.get("agent_speaker_guess")
            if guess:
                notes.append(f"{t.call_id}: temsilci {guess.get('speaker')} olarak tahmin edildi")
        note = f" ({'; '.join(notes)})" if notes else ""
        print(
            f"TAMAM {path}: {len(found)} görüşme, {n_turns} konuşma sırası, "
            f"biçim {src.get('format', '?')}, kodlama {src.get('encoding', '?')}{note}"
        )
    print(
        f"\n{len(files)} dosya denetlendi: {calls} görüşme, {turns} konuşma sırası, {problems} sorunlu dosya."
    )
    return EXIT_REJECTED if problems else EXIT_OK


# ------------------------------------------------------------------------------------------------ redact
def _atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` so that a crash never leaves a half-written file at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _safe_name(call_id: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in call_id)
    return keep.strip("._") or "call"


def cmd_redact(args: argparse.Namespace) -> int:
    src = Path(args.input)
    out = Path(args.output)
    if not src.exists():
        raise _UsageError(f"girdi bulunamadı: {src}")
    single_file_out = out.suffix.lower() in {".json", ".jsonl"}
    if src.is_dir() and single_file_out and out.suffix.lower() == ".json":
        raise _UsageError(
            f"{src} bir klasör; çıktı için bir klasör ya da .jsonl dosyası verin (ör. {out.with_suffix('')})"
        )
    files = _discover_or_usage([str(src)])
    opts = _reader_options(args)
    totals: Counter[str] = Counter()
    written: list[Path] = []
    failed = 0
    collected = []
    for path in files:
        try:
            found = read_transcripts(path, **opts)
        except TranscriptFormatError as exc:
            failed += 1
            print(f"HATA  {exc}")
            continue
        for t in found:
            red = redact_transcript(t)
            totals.update(red.metadata.get("redaction", {}))
            collected.append(red)
    if single_file_out:
        if out.suffix.lower() == ".json":
            payload = collected[0].to_dict() if len(collected) == 1 else [t.to_dict() for t in collected]
            _atomic_write_text(out, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        else:
            lines = []
            for t in collected:
                for turn in t.turns:
                    row = {"call_id": t.call_id, **turn.to_dict()}
                    for key in ("agent_id", "team"):
                        if getattr(t, key):
                            row[key] = getattr(t, key)
                    row["channel"] = t.channel.value
                    if t.started_at:
                        row["started_at"] = t.started_at.isoformat()
                    lines.append(json.dumps(row, ensure_ascii=False))
            _atomic_write_text(out, "\n".join(lines) + ("\n" if lines else ""))
        written.append(out)
    else:
        used: Counter[str] = Counter()
        for t in collected:
            name = _safe_name(t.call_id)
            used[name] += 1
            if used[name] > 1:
                name = f"{name}-{used[name]}"
            target = out / f"{name}.json"
            _atomic_write_text(target, json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n")
            written.append(target)
    kinds = ", ".join(f"{PII_NAMES_TR.get(k, k)}: {v}" for k, v in sorted(totals.items()) if v)
    kinds = kinds or "hiç kişisel veri bulunmadı"
    print(f"{len(collected)} görüşme maskelendi, {len(written)} dosya yazıldı → {out}")
    print(f"Maskelenen kişisel veriler: {kinds}")
    if failed:
        print(f"{failed} dosya okunamadı (yukarıda listelendi).")
    return EXIT_REJECTED if failed else EXIT_OK


# ------------------------------------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa-score",
        description=(
            "Türkçe çağrı merkezi görüşmelerinde temsilcinin saygı, sabır, empati, aktif dinleme ve olumlu tutum "
            "becerilerini puanlar. Dökümler JSON, JSONL, CSV, TXT, WebVTT, SRT ve ses tanıma JSON biçimlerinde "
            "okunur; kişisel veriler (TC kimlik, telefon, IBAN, kart, e-posta) saklanmadan önce maskelenir."
        ),
        epilog="Ayrıntı için: qa-score KOMUT --help",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="ayrıntılı günlük (metin içeriği yazılmaz)"
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMUT")

    p = sub.add_parser(
        "validate",
        help="dökümleri ve rubrikleri denetle, her sorunu raporla",
        description="Dosyaları, klasörleri ve glob desenlerini okur; her dökümü ve rubriği denetler. "
        "Sorun varsa çıkış kodu 1'dir.",
    )
    p.add_argument("paths", nargs="+", metavar="YOL", help="dosya, klasör ya da glob (ör. 'veri/*.csv')")
    _add_reader_args(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "redact",
        help="dökümlerdeki kişisel verileri maskele",
        description="GİRDİ (dosya ya da klasör) içindeki dökümleri okur, TC kimlik no, telefon, IBAN, kart no ve "
        "e-posta adreslerini maskeleyip ÇIKTI'ya bizim JSON biçimimizde yazar. ÇIKTI bir klasör (görüşme başına bir "
        ".json), bir .json ya da bir .jsonl dosyası olabilir.",
    )
    p.add_argument("input", metavar="GİRDİ")
    p.add_argument("output", metavar="ÇIKTI")
    _add_reader_args(p)
    p.set_defaults(func=cmd_redact)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except _UsageError as exc:
        print(f"qa-score {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"qa-score {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except QAScoringError as exc:
        print(f"qa-score {args.command}: {exc}", file=sys.stderr)
        return EXIT_REJECTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
