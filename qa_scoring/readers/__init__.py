"""Readers for every transcript format in ``docs/transcript-format.md``.

>>> from qa_scoring.readers import read_transcripts, load_many
>>> calls = read_transcripts("calls/kargo-0031.txt")          # doctest: +SKIP
>>> result = load_many(["calls/"], csv_columns="speaker=Kim")  # doctest: +SKIP
"""

from __future__ import annotations

from .discover import LoadError, LoadResult, discover, load_many
from .encoding import DEFAULT_MAX_BYTES, DecodedText, decode_bytes
from .reading import EXTENSIONS, FORMATS, format_for_path, parse_transcripts, read_transcripts

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXTENSIONS",
    "FORMATS",
    "DecodedText",
    "LoadError",
    "LoadResult",
    "decode_bytes",
    "discover",
    "format_for_path",
    "load_many",
    "parse_transcripts",
    "read_transcripts",
]
