"""Exceptions raised by the toolkit.

Every error a user can trigger derives from :class:`QAScoringError`; the ones that are about a bad value also
derive from :class:`ValueError`. Messages say what was expected, what was found and how to fix it.
"""

from __future__ import annotations

from pathlib import Path


class QAScoringError(Exception):
    """Base class for all errors raised by qa_scoring."""


class LocatedError(QAScoringError, ValueError):
    """A data file (transcript, score sheet) could not be read at some place in it.

    Args:
        message: What was expected, what was found and how to fix it.
        path: The file that was being read, if any.
        location: Where in the file, e.g. ``"line 14"`` or ``"row 3"``.
    """

    def __init__(self, message: str, path: str | Path | None = None, location: str | None = None):
        self.path = str(path) if path is not None else None
        self.location = location
        self.reason = message
        prefix = ""
        if self.path:
            prefix = self.path
            if location:
                prefix += f", {location}"
            prefix += ": "
        elif location:
            prefix = f"{location}: "
        super().__init__(prefix + message)


class TranscriptFormatError(LocatedError):
    """A transcript file or record could not be read (``location`` e.g. ``"line 14"`` or ``"row 3"``)."""


class FieldError(QAScoringError, ValueError):
    """A YAML document (rubric, scenario) is missing, malformed or inconsistent at one or more fields.

    Attributes:
        path: The file (or ``<dict>``), if known.
        field: The field path of the single problem (``skills[2].weight``), if there is one problem.
        reason: The message without the file/field prefix.
        problems: Every ``(field path, "problem → fix")`` pair found.
    """

    def __init__(self, message: str, path: str | Path | None = None, field: str | None = None):
        self.path = str(path) if path is not None else None
        self.field = field
        self.reason = message
        self.problems: list[tuple[str, str]] = [(field or "", message)]
        prefix = ""
        if self.path:
            prefix = self.path
            if field:
                prefix += f", field '{field}'"
            prefix += ": "
        elif field:
            prefix = f"field '{field}': "
        super().__init__(prefix + message)

    @classmethod
    def from_problems(cls, problems: list[tuple[str, str]], source: str | Path):
        """One error for every ``(field path, message)`` problem: the single one in place, or a numbered list."""
        if len(problems) == 1:
            path, msg = problems[0]
            err = cls(msg, path=source, field=path or None)
        else:
            lines = "\n".join(f"  - {p or '(top level)'}: {m}" for p, m in problems)
            err = cls(f"{len(problems)} problems found:\n{lines}", path=source)
        err.problems = list(problems)
        return err


class RubricError(FieldError):
    """A rubric file is missing, malformed or inconsistent."""


class ModelError(QAScoringError):
    """A model folder is missing, incomplete or does not match the rubric."""


class ConfigError(QAScoringError, ValueError):
    """A command-line option or setting has an invalid value."""
