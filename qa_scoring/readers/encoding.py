"""Reading bytes safely and decoding them to text: size limit, encoding detection, control characters.

Supported: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1254 and ISO-8859-9. The two Turkish
single-byte encodings differ only in bytes 0x80–0x9F (printable in Windows-1254, C1 control characters in
ISO-8859-9), so Windows-1254 is chosen when such bytes are present and valid there, else ISO-8859-9 (which
gives the same text). Anything that would produce mojibake is refused with a message that says how to fix it.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, TranscriptFormatError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

#: Share of control characters above which input is treated as binary rather than text.
BINARY_CONTROL_SHARE = 0.1
#: ... and at least this many of them (a few stray ones in a short file are just removed).
BINARY_CONTROL_MIN = 5

# Non-ASCII characters that occur in Turkish text saved as Windows-1254 / ISO-8859-9.
_TURKISH_NON_ASCII = set("çÇğĞıİöÖşŞüÜâÂîÎûÛ’‘“”–—…€•«»°·´¨²³½¼¾×÷§©®™¿¡ªº±µ¶\u00a0")
# Share of non-ASCII characters outside the set above that makes a single-byte decoding implausible.
_IMPLAUSIBLE_SHARE = 0.2

# Two-character sequences produced when UTF-8 Turkish text is decoded as Windows-1252/1254/Latin-1.
_MOJIBAKE_CANDIDATE = re.compile(
    "[\u00c2-\u00c5][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122\u011e\u011f\u0130\u015e\u015f]"
)
_TURKISH_LETTERS = set("çÇğĞıİöÖşŞüÜâîû")

# C0 and C1 control characters except tab, newline and carriage return; DEL.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a file.

    Attributes:
        text: The decoded text, without byte-order mark and stray control characters.
        encoding: The Python codec name used (``utf-8``, ``utf-8-sig``, ``utf-16``,
            ``cp1254``, ``iso-8859-9``).
        removed_control_chars: How many stray control characters were removed.
    """

    text: str
    encoding: str
    removed_control_chars: int


def _human_size(n: int) -> str:
    """``"2.0 KB (2048 bytes)"``, or ``"26 bytes"`` for small sizes."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB ({n} bytes)"
    if n >= 1024:
        return f"{n / 1024:.1f} KB ({n} bytes)"
    return f"{n} bytes"


def check_max_bytes(max_bytes: object) -> int:
    """Validate the ``max_bytes`` option.

    Raises:
        ConfigError: if it is not a positive integer.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(f"max_bytes expected a positive number of bytes, found {max_bytes!r}")
    return max_bytes


def read_limited(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file's bytes, refusing files over ``max_bytes`` before reading them wholly.

    Raises:
        TranscriptFormatError: if the file is missing, not a regular file, unreadable or too large.
        ConfigError: if ``max_bytes`` is invalid.
    """
    max_bytes = check_max_bytes(max_bytes)
    path = Path(path)

    def too_big(size_text: str) -> TranscriptFormatError:
        return TranscriptFormatError(
            f"file is {size_text}, over the size limit of {_human_size(max_bytes)}; "
            "split it into smaller files or raise the limit with max_bytes= (CLI --max-size)",
            path=path,
        )

    if path.is_dir():
        raise TranscriptFormatError(
            "expected a transcript file, found a folder; use load_many()/discover() to read a folder",
            path=path,
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise TranscriptFormatError("file not found; check the path", path=path) from None
    except OSError as exc:
        raise TranscriptFormatError(f"cannot access the file ({exc.strerror})", path=path) from None
    if size > max_bytes:
        raise too_big(_human_size(size))
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise TranscriptFormatError(f"cannot read the file ({exc.strerror})", path=path) from None
    if len(data) > max_bytes:  # the file grew, or is not a regular file
        raise too_big(f"more than {_human_size(max_bytes)}")
    return data


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 4:
        return False
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    return max(even_nul, odd_nul) > 0.3 and min(even_nul, odd_nul) < 0.05


def _binary_error(path: str | Path | None, why: str) -> TranscriptFormatError:
    return TranscriptFormatError(
        f"not a text transcript: {why}; export the transcript as text (UTF-8 .txt, .csv, .json, .vtt "
        "or .srt)",
        path=path,
    )


def _mojibake_examples(text: str) -> list[tuple[str, str]]:
    """(mojibake, intended) pairs found in ``text``, e.g. ("Ã¼", "ü")."""
    found: list[tuple[str, str]] = []
    for m in _MOJIBAKE_CANDIDATE.finditer(text):
        seq = m.group(0)
        for enc in ("cp1252", "cp1254", "latin-1"):
            try:
                fixed = seq.encode(enc).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if fixed in _TURKISH_LETTERS:
                found.append((seq, fixed))
                break
    return found


def _refuse_mojibake(
    pairs: list[tuple[str, str]], path: str | Path | None, how: str
) -> TranscriptFormatError:
    shown = ", ".join(f"{bad!r} (should be {good!r})" for bad, good in list(dict(pairs).items())[:3])
    return TranscriptFormatError(
        f"the file looks double-encoded: {len(pairs)} character sequence(s) such as {shown} show "
        "UTF-8 text that "
        f"was {how}; re-export the transcript as UTF-8 from the source system, or repair it (for "
        "example with "
        "the ftfy package) before loading",
        path=path,
    )


def _implausible_bytes(text: str, data: bytes) -> tuple[int, int, list[str]]:
    """(unusual chars, non-ASCII chars, hex samples of the unusual bytes) for a single-byte decoding."""
    non_ascii = [c for c in _NON_ASCII_RE.findall(text) if not unicodedata.category(c).startswith("C")]
    unusual = {c for c in non_ascii if c not in _TURKISH_NON_ASCII}
    count = sum(1 for c in non_ascii if c in unusual)
    samples = sorted(
        f"0x{b:02X}" for b in set(data) if b > 127 and bytes([b]).decode("cp1254", "replace") in unusual
    )
    return count, len(non_ascii), samples[:5]


def remove_control_chars(text: str) -> tuple[str, int]:
    """Remove C0/C1 control characters other than newline, tab and carriage return.

    Returns:
        The cleaned text and the number of characters removed.
    """
    return _CONTROL_RE.subn("", text)


def _finish(text: str, encoding: str, path: str | Path | None) -> DecodedText:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise _binary_error(path, "it contains NUL characters")
    cleaned, removed = remove_control_chars(text)
    if text and removed / len(text) > BINARY_CONTROL_SHARE and removed >= BINARY_CONTROL_MIN:
        raise _binary_error(path, f"{removed} of {len(text)} characters are control characters")
    if removed:
        logger.warning(
            "%s: removed %d stray control character(s)", Path(path).name if path else "<text>", removed
        )
    return DecodedText(text=cleaned, encoding=encoding, removed_control_chars=removed)


def decode_bytes(data: bytes, path: str | Path | None = None, encoding: str | None = None) -> DecodedText:
    """Decode transcript bytes, detecting the encoding unless one is given.

    Args:
        data: The raw file content.
        path: The file, for error messages.
        encoding: A Python codec name that overrides detection (``"cp1254"``, ``"utf-16"``…).

    Returns:
        The decoded text with the encoding used and the count of removed control characters.

    Raises:
        ConfigError: if ``encoding`` is not a known codec name.
        TranscriptFormatError: if the bytes are binary, double-encoded, or not plausible text in any supported
            encoding (or not valid in the given one).
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except (LookupError, TypeError):
            raise ConfigError(
                f"unknown encoding {encoding!r}; use a Python codec name such as utf-8, utf-8-sig, utf-16, "
                "cp1254 (Windows-1254) or iso-8859-9, or leave it out to detect the encoding"
            ) from None
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise TranscriptFormatError(
                f"bytes at offset {exc.start} are not valid {codec}; check the encoding given with encoding= "
                "(CLI --encoding) or leave it out to detect it",
                path=path,
            ) from None
        return _finish(text, codec, path)

    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TranscriptFormatError(
                f"the file starts with a UTF-8 byte-order mark but bytes at offset {exc.start + 3} are not "
                "valid UTF-8; re-save it as UTF-8",
                path=path,
            ) from None
        return _check_utf8(text, "utf-8-sig", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TranscriptFormatError(
                f"the file starts with a UTF-16 byte-order mark but bytes at offset {exc.start} are "
                "not valid "
                "UTF-16; re-save it as UTF-8",
                path=path,
            ) from None
        return _finish(text, "utf-16", path)
    if b"\x00" in data:
        if _looks_utf16_without_bom(data):
            raise TranscriptFormatError(
                "the file looks like UTF-16 without a byte-order mark; re-save it as UTF-8, or pass "
                "encoding='utf-16-le' (or 'utf-16-be') (CLI --encoding)",
                path=path,
            )
        raise _binary_error(path, f"it contains {data.count(0)} NUL byte(s)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _decode_single_byte(data, path, exc.start)
    return _check_utf8(text, "utf-8", path)


def _check_utf8(text: str, name: str, path: str | Path | None) -> DecodedText:
    pairs = _mojibake_examples(text)
    if pairs:
        raise _refuse_mojibake(
            pairs, path, "decoded with another encoding (e.g. Windows-1252) and saved again"
        )
    return _finish(text, name, path)


def _decode_single_byte(data: bytes, path: str | Path | None, bad_utf8_offset: int) -> DecodedText:
    codec = "iso-8859-9"
    if any(0x80 <= b <= 0x9F for b in data):
        try:
            data.decode("cp1254")
            codec = "cp1254"
        except UnicodeDecodeError:
            codec = "iso-8859-9"
    text = data.decode(codec)  # every byte is defined in ISO-8859-9
    pairs = _mojibake_examples(text)
    if pairs:
        raise TranscriptFormatError(
            f"the file is mostly UTF-8 but bytes at offset {bad_utf8_offset} are not valid UTF-8 (the "
            "file may "
            "have been edited with another encoding); fix or remove those bytes, or re-save the file "
            "as UTF-8",
            path=path,
        )
    unusual, non_ascii, samples = _implausible_bytes(text, data)
    if unusual and unusual >= 3 and unusual / max(non_ascii, 1) > _IMPLAUSIBLE_SHARE:
        raise TranscriptFormatError(
            f"the bytes do not decode to plausible Turkish text in UTF-8, Windows-1254 or ISO-8859-9 "
            f"({unusual} of {non_ascii} non-ASCII characters are unusual, "
            f"bytes such as {', '.join(samples)}); "
            "the file may use another encoding: re-save it as UTF-8 or pass encoding= (CLI --encoding)",
            path=path,
        )
    logger.debug("%s: decoded as %s", Path(path).name if path else "<bytes>", codec)
    return _finish(text, codec, path)
