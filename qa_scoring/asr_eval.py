"""Speech-recognition quality: WER, CER, MER and WIL of ASR output against reference transcripts.

Typical use::

    from qa_scoring.asr_eval import pair_files, evaluate_asr

    pairing = pair_files("referans/", "asr/")        # folders paired by file stem
    report = evaluate_asr(pairing, preset="match")
    print(report.table())

Inputs are plain text (one utterance per line) or any transcript format :mod:`qa_scoring.readers` parses;
for transcripts the text of all spoken turns is concatenated (``speaker="agent"`` keeps agent turns only).
Both sides go through the same Turkish normalisation preset (:mod:`qa_scoring.normalize`): with ``match``
casing and punctuation are not errors ("İYİ GÜNLER," = "iyi günler"); ``match_ascii`` also forgives text
written without Turkish letters.

Decisions:

* :func:`pair_files` pairs what matches and returns the unmatched file names too (a :class:`FilePairing`,
  which iterates like the list of ``(reference, hypothesis)`` pairs); it logs a warning naming the
  unmatched files and fails only when nothing pairs. Folders are read one level deep (supported
  transcript extensions, hidden files skipped).
* Call ids are the reference file stems.
* The overall ("Toplam") numbers are corpus-level: errors summed over all calls divided by all reference
  words (characters for CER), as ``jiwer`` computes them for a list of sentences, not a mean of the
  per-call rates (that mean is kept as :attr:`AsrReport.mean_call_wer` for comparison).
* A ``.txt`` file is read as a speaker-labelled transcript when it parses as one, otherwise as plain text.
* System turns are never part of the compared text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import jiwer

from .errors import ConfigError, TranscriptFormatError
from .normalize import get_preset, jiwer_char_transform, jiwer_transform
from .readers import DEFAULT_MAX_BYTES, EXTENSIONS, decode_bytes, read_transcripts
from .readers.encoding import read_limited
from .transcript import Speaker

logger = logging.getLogger(__name__)

__all__ = [
    "TEXT_FORMATS",
    "AsrReport",
    "CallAsr",
    "FilePairing",
    "evaluate_asr",
    "evaluate_texts",
    "load_asr_text",
    "pair_files",
]

#: How input files are read: ``auto`` (transcript formats by extension; a ``.txt`` file that does not parse
#: as a speaker-labelled transcript is read as plain text), ``plain`` (always plain text, one utterance per
#: line) or ``transcript`` (always through the transcript readers).
TEXT_FORMATS = ("auto", "plain", "transcript")

_SPEAKERS = {s.value: s for s in Speaker if s is not Speaker.SYSTEM}


# ----------------------------------------------------------------------------------------------- pairing


@dataclass(frozen=True)
class FilePairing:
    """Reference/hypothesis files paired by stem, and the files left without a partner.

    It behaves like the sequence of ``(reference, hypothesis)`` pairs: ``for ref, hyp in pairing``,
    ``len(pairing)``, ``pairing[0]`` and ``list(pairing)`` all work.

    Attributes:
        pairs: ``(reference path, hypothesis path)`` in reference-stem order.
        only_in_reference: Names of reference files with no hypothesis file of the same stem.
        only_in_hypothesis: Names of hypothesis files with no reference file of the same stem.
    """

    pairs: tuple[tuple[Path, Path], ...]
    only_in_reference: tuple[str, ...] = ()
    only_in_hypothesis: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[tuple[Path, Path]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    @overload
    def __getitem__(self, index: int) -> tuple[Path, Path]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[Path, Path], ...]: ...

    def __getitem__(self, index: int | slice) -> tuple[Path, Path] | tuple[tuple[Path, Path], ...]:
        return self.pairs[index]

    @property
    def complete(self) -> bool:
        """True when every file found a partner."""
        return not self.only_in_reference and not self.only_in_hypothesis

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": [[str(r), str(h)] for r, h in self.pairs],
            "only_in_reference": list(self.only_in_reference),
            "only_in_hypothesis": list(self.only_in_hypothesis),
        }


def _folder_files(folder: Path, role: str) -> dict[str, Path]:
    by_stem: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or not p.is_file() or p.suffix.lower() not in EXTENSIONS:
            continue
        if p.stem in by_stem:
            raise ConfigError(
                f"{role} folder {str(folder)!r} holds two files with the stem {p.stem!r} "
                f"({by_stem[p.stem].name}, {p.name}); files are paired by stem, so keep one of them"
            )
        by_stem[p.stem] = p
    if not by_stem:
        raise ConfigError(
            f"{role} folder {str(folder)!r} holds no transcript files ({', '.join(sorted(EXTENSIONS))}); check the path"
        )
    return by_stem


def pair_files(reference: str | Path, hypothesis: str | Path) -> FilePairing:
    """Pair reference and ASR (hypothesis) files.

    Args:
        reference: A reference transcript file, or a folder of them.
        hypothesis: The ASR output for it: a file when ``reference`` is a file, a folder when it is a folder.
            Folder files are paired by file stem (``kargo-01.txt`` ↔ ``kargo-01.json``); only the folder's
            own files with a transcript extension are used (not subfolders, not hidden files).

    Returns:
        The pairs and the names of unmatched files. Unmatched files are logged as a warning, not an error.

    Raises:
        ConfigError: if a path does not exist, one is a file and the other a folder, a folder holds two
            files with the same stem or no transcript file, or no file pairs at all.
    """
    ref, hyp = Path(reference), Path(hypothesis)
    for role, p in (("reference", ref), ("hypothesis", hyp)):
        if not p.exists():
            raise ConfigError(f"{role} path {str(p)!r} does not exist; check the path")
    if ref.is_file() and hyp.is_file():
        return FilePairing(((ref, hyp),))
    if ref.is_dir() != hyp.is_dir():
        kinds = {True: "a folder", False: "a file"}
        raise ConfigError(
            f"reference {str(ref)!r} is {kinds[ref.is_dir()]} but hypothesis {str(hyp)!r} is "
            f"{kinds[hyp.is_dir()]}; give two files or two folders"
        )
    refs = _folder_files(ref, "reference")
    hyps = _folder_files(hyp, "hypothesis")
    pairs = tuple((refs[s], hyps[s]) for s in refs if s in hyps)
    only_ref = tuple(refs[s].name for s in refs if s not in hyps)
    only_hyp = tuple(hyps[s].name for s in hyps if s not in refs)
    if not pairs:
        raise ConfigError(
            f"no file in {str(ref)!r} has a partner with the same stem in {str(hyp)!r} "
            f"(reference: {', '.join(sorted(refs)[:5])}; hypothesis: {', '.join(sorted(hyps)[:5])}); "
            "name each ASR file like its reference file"
        )
    if only_ref or only_hyp:
        logger.warning(
            "%d file pair(s); unmatched, left out: reference only: %s; hypothesis only: %s",
            len(pairs),
            ", ".join(only_ref) or "-",
            ", ".join(only_hyp) or "-",
        )
    return FilePairing(pairs, only_ref, only_hyp)


# ----------------------------------------------------------------------------------------------- reading


def _check_speaker(speaker: str | Speaker | None) -> Speaker | None:
    if speaker is None:
        return None
    key = str(speaker.value if isinstance(speaker, Speaker) else speaker).strip().lower()
    if key not in _SPEAKERS:
        raise ConfigError(f"speaker {speaker!r} expected one of {', '.join(_SPEAKERS)} (or None for all turns)")
    return _SPEAKERS[key]


def _plain_text(path: Path, max_bytes: int, encoding: str | None) -> str:
    decoded = decode_bytes(read_limited(path, max_bytes), path, encoding)
    lines = (line.strip() for line in decoded.text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return " ".join(line for line in lines if line)


def load_asr_text(
    path: str | Path,
    *,
    speaker: str | Speaker | None = None,
    text_format: str = "auto",
    agent_speaker: str | Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> str:
    """The text of one call to compare: plain text or the concatenated turns of a transcript.

    Args:
        path: The file.
        speaker: ``"agent"`` or ``"customer"`` to keep only that speaker's turns; ``None`` keeps all spoken
            turns (system turns are always left out). Needs a transcript format with speaker labels.
        text_format: One of :data:`TEXT_FORMATS`.
        agent_speaker: Passed to :func:`qa_scoring.readers.read_transcripts` (diarised ASR JSON).
        max_bytes: Files larger than this are refused.
        encoding: A Python codec name that overrides encoding detection.

    Returns:
        The text, utterances joined with a space (not normalised).

    Raises:
        ConfigError: for an unknown ``text_format`` or ``speaker``, or ``speaker`` with a plain-text file.
        TranscriptFormatError: if the file cannot be read, or holds more than one call.
    """
    path = Path(path)
    fmt = str(text_format).strip().lower()
    if fmt not in TEXT_FORMATS:
        raise ConfigError(f"text_format {text_format!r} expected one of {', '.join(TEXT_FORMATS)}")
    wanted = _check_speaker(speaker)
    plain = fmt == "plain"
    calls = None
    if not plain:
        try:
            calls = read_transcripts(path, agent_speaker=agent_speaker, max_bytes=max_bytes, encoding=encoding)
        except TranscriptFormatError:
            if fmt == "transcript" or path.suffix.lower() != ".txt":
                raise
            logger.debug("%s: no speaker labels, read as plain text (one utterance per line)", path.name)
            plain = True
    if plain or calls is None:
        if wanted is not None:
            raise ConfigError(
                f"{path}: speaker={wanted.value!r} needs speaker labels, but the file was read as plain text; "
                "add speaker prefixes ('Temsilci: ...') or leave speaker out"
            )
        return _plain_text(path, max_bytes, encoding)
    if len(calls) != 1:
        raise TranscriptFormatError(
            f"expected one call per file for ASR evaluation, found {len(calls)}; split the file into one file "
            "per call (the file stem is the call id)",
            path=path,
        )
    turns = [t for t in calls[0].turns if t.speaker is not Speaker.SYSTEM]
    if wanted is not None:
        turns = [t for t in turns if t.speaker is wanted]
    return " ".join(t.text.strip() for t in turns if t.text.strip())


# ----------------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class CallAsr:
    """ASR quality of one call (or, as :attr:`AsrReport.overall`, of all calls together).

    Attributes:
        call_id: The call id (reference file stem); ``"TOPLAM"`` for the overall row.
        ref_words: Words in the normalised reference.
        hyp_words: Words in the normalised hypothesis.
        hits: Words recognised correctly.
        substitutions: Substituted words.
        deletions: Reference words missing from the hypothesis.
        insertions: Hypothesis words not in the reference.
        ref_chars: Characters in the normalised reference (spaces included).
        char_errors: Character substitutions + deletions + insertions.
        wer: Word error rate, (S + D + I) / reference words.
        cer: Character error rate.
        mer: Match error rate, (S + D + I) / (H + S + D + I).
        wil: Word information lost, 1 − (H / reference words) · (H / hypothesis words).
        reference_path: The reference file, if read from one.
        hypothesis_path: The hypothesis file, if read from one.
    """

    call_id: str
    ref_words: int
    hyp_words: int
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    ref_chars: int
    char_errors: int
    wer: float
    cer: float
    mer: float
    wil: float
    reference_path: str | None = None
    hypothesis_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "ref_words": self.ref_words,
            "hyp_words": self.hyp_words,
            "hits": self.hits,
            "substitutions": self.substitutions,
            "deletions": self.deletions,
            "insertions": self.insertions,
            "ref_chars": self.ref_chars,
            "char_errors": self.char_errors,
            "wer": round(self.wer, 6),
            "cer": round(self.cer, 6),
            "mer": round(self.mer, 6),
            "wil": round(self.wil, 6),
            "reference_path": self.reference_path,
            "hypothesis_path": self.hypothesis_path,
        }


#: Column order of :meth:`AsrReport.to_rows` (CSV header).
ROW_FIELDS = (
    "call_id",
    "ref_words",
    "hyp_words",
    "wer",
    "cer",
    "mer",
    "wil",
    "hits",
    "substitutions",
    "deletions",
    "insertions",
    "ref_chars",
    "char_errors",
)


@dataclass(frozen=True)
class AsrReport:
    """Per-call and corpus-level ASR quality.

    Attributes:
        calls: One entry per call, in input order.
        overall: Corpus-level totals and rates (``call_id == "TOPLAM"``).
        preset: The normalisation preset both sides went through.
        speaker: ``"agent"``/``"customer"`` when only those turns were compared, else ``None``.
        only_in_reference: Reference files left out for want of a hypothesis (from a :class:`FilePairing`).
        only_in_hypothesis: Hypothesis files left out for want of a reference.
    """

    calls: tuple[CallAsr, ...]
    overall: CallAsr
    preset: str = "match"
    speaker: str | None = None
    only_in_reference: tuple[str, ...] = field(default=())
    only_in_hypothesis: tuple[str, ...] = field(default=())

    @property
    def mean_call_wer(self) -> float:
        """The unweighted mean of per-call WERs (differs from ``overall.wer`` when calls differ in length)."""
        return sum(c.wer for c in self.calls) / len(self.calls)

    def to_dict(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "speaker": self.speaker,
            "n_calls": len(self.calls),
            "overall": self.overall.to_dict(),
            "mean_call_wer": round(self.mean_call_wer, 6),
            "calls": [c.to_dict() for c in self.calls],
            "only_in_reference": list(self.only_in_reference),
            "only_in_hypothesis": list(self.only_in_hypothesis),
        }

    def to_rows(self, include_overall: bool = True) -> list[dict[str, Any]]:
        """Rows for ``csv.DictWriter(fieldnames=ROW_FIELDS)``: one per call, then the ``TOPLAM`` row."""
        items = [*self.calls, self.overall] if include_overall else list(self.calls)
        out = []
        for c in items:
            d = c.to_dict()
            out.append({k: d[k] for k in ROW_FIELDS})
        return out

    def table(self) -> str:
        """A Turkish plain-text table: Çağrı, Kelime, WER, CER, MER, WIL, then the corpus-level total."""
        width = max(len("Çağrı"), len("TOPLAM"), *(len(c.call_id) for c in self.calls))
        head = f"{'Çağrı':<{width}}  {'Kelime':>7}  {'WER':>6}  {'CER':>6}  {'MER':>6}  {'WIL':>6}"
        rule = "-" * len(head)

        def line(c: CallAsr) -> str:
            return (
                f"{c.call_id:<{width}}  {c.ref_words:>7d}  {c.wer:>6.3f}  {c.cer:>6.3f}  {c.mer:>6.3f}  {c.wil:>6.3f}"
            )

        scope = {None: "tüm konuşma sıraları", "agent": "yalnız temsilci", "customer": "yalnız müşteri"}
        lines = [
            f"ASR kalitesi — {len(self.calls)} çağrı, normalleştirme '{self.preset}', "
            f"{scope.get(self.speaker, str(self.speaker))}",
            "Oranlar 0–1 arası (WER 0.200 = referanstaki her 5 kelimede 1 hata); Kelime = referans kelime sayısı.",
            "",
            head,
            rule,
            *(line(c) for c in self.calls),
            rule,
            line(self.overall),
            "",
            f"Not: TOPLAM satırı tüm kelimeler üzerinden hesaplanır; çağrı WER'lerinin ortalaması: "
            f"{self.mean_call_wer:.3f}.",
        ]
        if self.only_in_reference or self.only_in_hypothesis:
            lines.append(
                "Eşleşmeyen dosyalar (değerlendirilmedi) — yalnız referans: "
                f"{', '.join(self.only_in_reference) or '-'}; yalnız ASR: {', '.join(self.only_in_hypothesis) or '-'}"
            )
        return "\n".join(lines)


def _word_count(text: str, preset: str) -> int:
    return len(get_preset(preset)(text).split())


def _result(
    call_id: str, words: jiwer.WordOutput, chars: jiwer.CharacterOutput, ref_path: str | None, hyp_path: str | None
) -> CallAsr:
    ref_words = words.hits + words.substitutions + words.deletions
    hyp_words = words.hits + words.substitutions + words.insertions
    return CallAsr(
        call_id=call_id,
        ref_words=ref_words,
        hyp_words=hyp_words,
        hits=words.hits,
        substitutions=words.substitutions,
        deletions=words.deletions,
        insertions=words.insertions,
        ref_chars=chars.hits + chars.substitutions + chars.deletions,
        char_errors=chars.substitutions + chars.deletions + chars.insertions,
        wer=float(words.wer),
        cer=float(chars.cer),
        mer=float(words.mer),
        wil=float(words.wil),
        reference_path=ref_path,
        hypothesis_path=hyp_path,
    )


def _score(
    items: Sequence[tuple[str, str, str, str | None, str | None]],
    preset: str,
    speaker: str | None,
    only_ref: tuple[str, ...] = (),
    only_hyp: tuple[str, ...] = (),
) -> AsrReport:
    if not items:
        raise ConfigError("nothing to evaluate: give at least one (reference, hypothesis) pair")
    get_preset(preset)  # fail early on an unknown preset
    seen: dict[str, str] = {}
    for call_id, ref, _hyp, ref_path, _ in items:
        where = ref_path or f"call {call_id!r}"
        if call_id in seen:
            raise ConfigError(
                f"call id {call_id!r} appears twice ({seen[call_id]}, {where}); call ids (reference file stems) "
                "must be unique — rename one of the files"
            )
        seen[call_id] = where
        if _word_count(ref, preset) == 0:
            raise TranscriptFormatError(
                f"the reference has no words after normalisation (preset {preset!r}"
                + (f", speaker {speaker!r}" if speaker else "")
                + "); WER is undefined for an empty reference — fix the reference text or leave this call out",
                path=ref_path,
                location=None if ref_path else f"call {call_id!r}",
            )
    wt, ct = jiwer_transform(preset), jiwer_char_transform(preset)
    calls = []
    for call_id, ref, hyp, ref_path, hyp_path in items:
        words = jiwer.process_words(ref, hyp, reference_transform=wt, hypothesis_transform=wt)
        chars = jiwer.process_characters(ref, hyp, reference_transform=ct, hypothesis_transform=ct)
        calls.append(_result(call_id, words, chars, ref_path, hyp_path))
    refs = [i[1] for i in items]
    hyps = [i[2] for i in items]
    words = jiwer.process_words(refs, hyps, reference_transform=wt, hypothesis_transform=wt)
    chars = jiwer.process_characters(refs, hyps, reference_transform=ct, hypothesis_transform=ct)
    overall = _result("TOPLAM", words, chars, None, None)
    logger.info(
        "ASR evaluation: %d call(s), %d reference word(s), corpus WER %.3f", len(calls), overall.ref_words, overall.wer
    )
    return AsrReport(tuple(calls), overall, preset, speaker, only_ref, only_hyp)


def evaluate_texts(
    items: Iterable[tuple[str, str, str]] | Mapping[str, tuple[str, str]], preset: str = "match"
) -> AsrReport:
    """Score texts already in memory (e.g. pasted in the app).

    Args:
        items: ``(call_id, reference, hypothesis)`` triples, or a mapping ``call_id -> (reference, hypothesis)``.
        preset: The normalisation preset applied to both sides (see :mod:`qa_scoring.normalize`).

    Returns:
        The report.

    Raises:
        ConfigError: for no items, duplicate call ids or an unknown preset.
        TranscriptFormatError: for a reference with no words after normalisation.
    """
    if isinstance(items, Mapping):
        triples = [(str(k), v[0], v[1]) for k, v in items.items()]
    else:
        triples = [(str(c), r, h) for c, r, h in items]
    for call_id, ref, hyp in triples:
        if not isinstance(ref, str) or not isinstance(hyp, str):
            raise ConfigError(f"call {call_id!r}: reference and hypothesis must be strings")
    return _score([(c, r, h, None, None) for c, r, h in triples], preset, None)


def evaluate_asr(
    pairs: FilePairing | Iterable[tuple[str | Path, str | Path]],
    preset: str = "match",
    *,
    speaker: str | Speaker | None = None,
    text_format: str = "auto",
    agent_speaker: str | Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> AsrReport:
    """Score ASR files against reference files with jiwer, after Turkish normalisation.

    Args:
        pairs: ``(reference, hypothesis)`` file pairs, e.g. from :func:`pair_files` (whose unmatched files
            are then listed in the report).
        preset: Normalisation preset for both sides: ``match`` (default; case and punctuation ignored),
            ``match_ascii`` (also Turkish letters folded to ASCII), ``clean``, ``none``, ``chat``.
        speaker: ``"agent"`` to compare agent turns only (transcript formats only); ``None`` for all turns.
        text_format: One of :data:`TEXT_FORMATS`, for both sides.
        agent_speaker: Passed to the transcript readers (diarised ASR JSON).
        max_bytes: Files larger than this are refused.
        encoding: A codec name that overrides encoding detection.

    Returns:
        Per-call (id = reference file stem) and corpus-level WER, CER, MER, WIL and word counts.

    Raises:
        ConfigError: for no pairs, duplicate stems, an unknown preset, speaker or text format.
        TranscriptFormatError: for an unreadable file, or a reference with no words after normalisation
            (the message names the file).
    """
    wanted = _check_speaker(speaker)
    get_preset(preset)
    only_ref = pairs.only_in_reference if isinstance(pairs, FilePairing) else ()
    only_hyp = pairs.only_in_hypothesis if isinstance(pairs, FilePairing) else ()
    opts: dict[str, Any] = {
        "speaker": wanted,
        "text_format": text_format,
        "agent_speaker": agent_speaker,
        "max_bytes": max_bytes,
        "encoding": encoding,
    }
    items = []
    for ref, hyp in pairs:
        ref_p, hyp_p = Path(ref), Path(hyp)
        items.append((ref_p.stem, load_asr_text(ref_p, **opts), load_asr_text(hyp_p, **opts), str(ref_p), str(hyp_p)))
    return _score(items, preset, wanted.value if wanted else None, tuple(only_ref), tuple(only_hyp))
