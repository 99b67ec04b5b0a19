"""Finding transcript files (files, folders, glob patterns) and loading many without stopping at bad ones."""

from __future__ import annotations

import glob
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, TranscriptFormatError
from ..transcript import Transcript
from .reading import EXTENSIONS, read_transcripts

logger = logging.getLogger(__name__)

_GLOB_CHARS = set("*?[")


def _folder_files(folder: Path, suffixes: frozenset[str] = frozenset()) -> list[Path]:
    allowed = set(EXTENSIONS) | suffixes
    found = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder).parts
        if any(part.startswith(".") for part in rel):
            continue
        if p.is_file() and p.suffix.lower() in allowed:
            found.append(p)
    return sorted(found)


def discover(
    paths: Iterable[str | Path] | str | Path, *, extra_suffixes: Iterable[str] = ()
) -> list[Path]:
    """Expand files, folders (recursive, supported extensions only, hidden entries skipped) and glob patterns.

    Args:
        paths: Files, folders or glob patterns (``"calls/**/*.json"``); a single path is accepted too.
        extra_suffixes: Further file suffixes to collect from folders and patterns (e.g. ``{".yaml"}`` for
            ``qa-score validate``, which checks rubrics too).

    Returns:
        The files in the given order (each folder's and pattern's files sorted), without duplicates.

    Raises:
        ConfigError: naming a path that does not exist, a pattern that matches nothing or a folder without
            transcript files.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)

    suffixes = frozenset(s.lower() for s in extra_suffixes)
    supported = ", ".join(sorted(set(EXTENSIONS) | suffixes))
    for item in paths:
        text = str(item)
        p = Path(item)
        if p.is_file():
            add(p)
        elif p.is_dir():
            files = _folder_files(p, suffixes)
            if not files:
                raise ConfigError(f"folder {text!r} holds no transcript files ({supported}); check the path")
            for f in files:
                add(f)
        elif _GLOB_CHARS & set(text):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            files = []
            for m in matches:
                if m.is_dir():
                    files.extend(_folder_files(m, suffixes))
                elif m.is_file():
                    files.append(m)
            if not files:
                raise ConfigError(
                    f"pattern {text!r} matches no transcript files; check the pattern and the folder"
                )
            for f in files:
                add(f)
        else:
            raise ConfigError(
                f"path {text!r} does not exist (no file, folder or glob match); check the spelling"
            )
    logger.info("found %d transcript file(s)", len(out))
    return out


@dataclass(frozen=True)
class LoadError:
    """A file (or call) that could not be loaded.

    Attributes:
        path: The file.
        location: Where in the file, e.g. ``"line 14"``, if known.
        reason: What was wrong and how to fix it.
    """

    path: str
    location: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for reports)."""
        return {"path": self.path, "location": self.location, "reason": self.reason}

    def __str__(self) -> str:
        where = f", {self.location}" if self.location else ""
        return f"{self.path}{where}: {self.reason}"


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_many` read: the calls, and one error per file (or call) that could not be loaded."""

    transcripts: list[Transcript] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def load_many(paths: Iterable[str | Path] | str | Path, **options: Any) -> LoadResult:
    """Discover files and read each one; a bad file becomes a :class:`LoadError` instead of stopping the run.

    A call id already loaded from an earlier file is also reported as an error (and skipped), since call ids
    must be unique within a run.

    Args:
        paths: As for :func:`discover`.
        **options: Passed to :func:`~qa_scoring.readers.read_transcripts` (``format``, ``agent_speaker``,
            ``csv_columns``, ``max_bytes``, ``encoding``).

    Raises:
        ConfigError: for paths that match nothing or invalid options (not for bad input files).
    """
    files = discover(paths)
    transcripts: list[Transcript] = []
    errors: list[LoadError] = []
    first_seen: dict[str, str] = {}
    for path in files:
        try:
            found = read_transcripts(path, **options)
        except TranscriptFormatError as exc:
            errors.append(LoadError(str(path), exc.location, exc.reason))
            logger.warning("%s: skipped (%s)", path.name, exc.location or "file")
            continue
        except OSError as exc:
            errors.append(LoadError(str(path), None, f"cannot read the file ({exc.strerror or exc})"))
            logger.warning("%s: skipped (cannot read)", path.name)
            continue
        for t in found:
            if t.call_id in first_seen:
                errors.append(
                    LoadError(
                        str(path),
                        None,
                        f"call_id {t.call_id!r} was already loaded from {first_seen[t.call_id]}; call "
                        "ids must be unique",
                    )
                )
                continue
            first_seen[t.call_id] = str(path)
            transcripts.append(t)
    logger.info("loaded %d call(s) from %d file(s); %d error(s)", len(transcripts), len(files), len(errors))
    return LoadResult(transcripts, errors)
