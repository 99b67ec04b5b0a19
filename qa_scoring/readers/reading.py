"""Entry points: read a transcript file, or parse text pasted in the app, in any supported format."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError, TranscriptFormatError
from ..transcript import Transcript
from .asr import read_asr
from .common import ReadContext, normalize_extra_labels
from .csv_format import parse_column_spec, read_csv
from .encoding import DEFAULT_MAX_BYTES, check_max_bytes, decode_bytes, read_limited, remove_control_chars
from .json_formats import load_json, read_jsonl, read_our_json
from .subtitles import read_srt, read_vtt
from .text_format import read_text

logger = logging.getLogger(__name__)

FORMATS = ("json", "jsonl", "csv", "txt", "vtt", "srt", "asr")

#: File extension -> format (``.json`` may turn out to be ``asr`` from its content).
EXTENSIONS: dict[str, str] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "txt",
    ".vtt": "vtt",
    ".srt": "srt",
}

_FORMAT_ALIASES = {"text": "txt", "tsv": "csv", "webvtt": "vtt", "ndjson": "jsonl"}

_TEXT_READERS: dict[str, Callable[[str, ReadContext], list[Transcript]]] = {
    "jsonl": read_jsonl,
    "csv": read_csv,
    "txt": read_text,
    "vtt": read_vtt,
    "srt": read_srt,
}


def check_format(fmt: str | None) -> str | None:
    """Normalise the ``format`` option.

    Raises:
        ConfigError: for an unknown format name.
    """
    if fmt is None:
        return None
    key = str(fmt).strip().lower().lstrip(".")
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise ConfigError(
            f"format {fmt!r} expected one of {', '.join(FORMATS)} (or leave it out to use the extension)"
        )
    return key


def format_for_path(path: str | Path) -> str:
    """The format implied by a file's extension.

    Raises:
        TranscriptFormatError: for an unsupported extension.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise TranscriptFormatError(
            f"unsupported file extension {suffix or '(none)'!r}; "
            f"expected one of {', '.join(sorted(EXTENSIONS))}, "
            "or pass format= (CLI --format) with one of " + ", ".join(FORMATS),
            path=path,
        )
    return EXTENSIONS[suffix]


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _dispatch(text: str, fmt: str, ctx_args: dict[str, Any]) -> list[Transcript]:
    if fmt in ("json", "asr"):
        ctx = ReadContext(fmt=fmt, **ctx_args)
        data = load_json(text, ctx)
        is_asr = isinstance(data, Mapping) and "segments" in data and "turns" not in data
        if fmt == "asr" or is_asr:
            return read_asr(data, ReadContext(fmt="asr", **ctx_args))
        return read_our_json(data, ctx)
    return _TEXT_READERS[fmt](text, ReadContext(fmt=fmt, **ctx_args))


def _options(agent_speaker: Any, csv_columns: Any) -> dict[str, Any]:
    return {
        "agent_speaker": agent_speaker,
        "csv_columns": parse_column_spec(csv_columns) or None,
        "extra_labels": normalize_extra_labels(agent_speaker),
    }


def read_transcripts(
    path: str | Path,
    *,
    format: str | None = None,  # noqa: A002 - public option name
    agent_speaker: str | Mapping[str, str] | None = None,
    csv_columns: str | Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> list[Transcript]:
    """Read all calls in a transcript file.

    Args:
        path: The file.
        format: One of :data:`FORMATS`; by default chosen from the extension (a ``.json`` file with top-level
            ``segments`` is read as ``asr``).
        agent_speaker: ASR: the diarised speaker id of the agent (e.g. ``"SPEAKER_01"``) or a mapping
            of ids to roles; other formats: one more label (e.g. the agent's name) that means the agent.
        csv_columns: CSV: field -> column name, as a mapping or ``"speaker=Kim,text=Söz"``.
        max_bytes: Files larger than this are refused before being read.
        encoding: A Python codec name that overrides encoding detection.

    Returns:
        The calls, each with ``metadata["source"] = {"path", "format", "encoding", "removed_control_chars"}``.

    Raises:
        TranscriptFormatError: if the file cannot be read as a transcript (the message says where and how
            to fix it).
        ConfigError: for invalid options (format, encoding, max_bytes, csv_columns, agent_speaker).
    """
    fmt = check_format(format)
    check_max_bytes(max_bytes)
    options = _options(agent_speaker, csv_columns)
    path = Path(path)
    if fmt is None:
        fmt = format_for_path(path)
    data = read_limited(path, max_bytes)
    decoded = decode_bytes(data, path, encoding)
    text = _normalize_newlines(decoded.text)
    if not text.strip():
        raise TranscriptFormatError(
            "file is empty (nothing but whitespace or a byte-order mark); export the transcript again",
            path=path,
        )
    ctx_args = {
        "path": str(path),
        "stem": path.stem,
        "encoding": decoded.encoding,
        "removed_control_chars": decoded.removed_control_chars,
        **options,
    }
    transcripts = _dispatch(text, fmt, ctx_args)
    logger.info(
        "%s: read %d call(s), %d turn(s) (format %s, encoding %s)",
        path.name,
        len(transcripts),
        sum(len(t) for t in transcripts),
        transcripts[0].metadata["source"]["format"] if transcripts else fmt,
        decoded.encoding,
    )
    return transcripts


def parse_transcripts(
    text: str,
    *,
    format: str = "txt",  # noqa: A002 - public option name
    source_name: str = "<metin>",
    agent_speaker: str | Mapping[str, str] | None = None,
    csv_columns: str | Mapping[str, str] | None = None,
) -> list[Transcript]:
    """Parse transcript text that is already a string (e.g. pasted in the app).

    Args:
        text: The transcript text.
        format: One of :data:`FORMATS` (default ``txt``).
        source_name: Shown in error messages and ``metadata["source"]["path"]``; its stem is the default
            call id.
        agent_speaker: As for :func:`read_transcripts`.
        csv_columns: As for :func:`read_transcripts`.

    Returns:
        The calls; ``metadata["source"]["encoding"]`` is ``None``.

    Raises:
        TranscriptFormatError: if the text cannot be read as a transcript.
        ConfigError: for invalid options.
    """
    fmt = check_format(format) or "txt"
    if not isinstance(text, str):
        raise ConfigError(
            f"parse_transcripts expected text as str, found {type(text).__name__}; "
            "use decode_bytes() or read_transcripts() for bytes"
        )
    options = _options(agent_speaker, csv_columns)
    cleaned, removed = remove_control_chars(text.lstrip("\ufeff"))
    cleaned = _normalize_newlines(cleaned)
    if not cleaned.strip():
        raise TranscriptFormatError("text is empty; paste a transcript", path=source_name)
    ctx_args = {
        "path": source_name,
        "stem": Path(source_name).stem or source_name,
        "encoding": None,
        "removed_control_chars": removed,
        **options,
    }
    transcripts = _dispatch(cleaned, fmt, ctx_args)
    logger.info("%s: parsed %d call(s) (format %s)", source_name, len(transcripts), fmt)
    return transcripts
