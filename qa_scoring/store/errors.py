"""Exceptions raised by :mod:`qa_scoring.store`.

Their messages are in Turkish because the training app shows them to the person who caused them; log lines
stay in English.
"""

from __future__ import annotations

from ..errors import QAScoringError

__all__ = ["AccessDenied", "NotFound", "StoreError", "StoreInputError"]


class StoreError(QAScoringError):
    """The database could not be opened, migrated or used (message says what and how to fix it)."""


class StoreInputError(StoreError, ValueError):
    """A value given to the store is invalid (weak password, duplicate username, level outside 1–5, …).

    Args:
        message: What was expected, what was found and how to fix it (Turkish, shown in the app).
        field: The offending field (``"password"``, ``"username"``, ``"level"``, …).
    """

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class NotFound(StoreError, LookupError):
    """The user, call or drill asked for does not exist."""


class AccessDenied(StoreError, PermissionError):
    """The acting user's role does not allow this (Turkish message, e.g. "Bu çağrıyı görme yetkiniz yok.")."""
