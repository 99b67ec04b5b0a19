"""Exceptions raised by the toolkit.

Every error a user can trigger derives from :class:`QAScoringError`; the ones that are about a bad value also
derive from :class:`ValueError`. Messages say what was expected, what was found and how to fix it.
"""

from __future__ import annotations

from pathlib import Path


class QAScoringError(Exception):
    """Base class for all errors raised by qa_scoring."""


class TranscriptFormatError(QAScoringError, ValueError):
    """A transcript file or record could not be read.

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


class RubricError(QAScoringError, ValueError):
    """A rubric file is missing, malformed or inconsistent."""

    def __init__(self, message: str, path: str | Path | None = None, field: str | None = None):
        self.path = str(path) if path is not None else None
        self.field = field
        self.reason = message
        prefix = ""
        if self.path:
            prefix = self.path
            if field:
                prefix += f", field '{field}'"
            prefix += ": "
        elif field:
            prefix = f"field '{field}': "
        super().__init__(prefix + message)


class ModelError(QAScoringError):
    """A model folder is missing, incomplete or does not match the rubric."""


class ConfigError(QAScoringError, ValueError):
    """A command-line option or setting has an invalid value."""
