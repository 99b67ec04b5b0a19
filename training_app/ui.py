"""Small display helpers shared by the pages: Turkish names, colours, error messages, the current user."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

import streamlit as st

from qa_scoring.skills import SKILL_KEYS, SKILL_NAMES_TR

from . import state

log = logging.getLogger(__name__)

ROLE_NAMES_TR = {
    "trainee": "Stajyer/Temsilci",
    "reviewer": "Değerlendirici",
    "lead": "Takım lideri",
    "admin": "Yönetici",
}
ROLE_ORDER = ("trainee", "reviewer", "lead", "admin")

#: Generic level names, used when a report's rubric is not available any more.
LEVEL_NAMES_TR = {1: "Yetersiz", 2: "Gelişmeli", 3: "Yeterli", 4: "İyi", 5: "Örnek"}
LEVEL_EMOJI = {1: "🔴", 2: "🟠", 3: "🟡", 4: "🟢", 5: "🟢"}
LABEL_EMOJI = {-1: "🔴", 0: "⚪", 1: "🟢"}
LABEL_WORD_TR = {-1: "eksik", 0: "nötr", 1: "iyi"}

OUTCOME_TR = {
    "resolved": "Çözüldü",
    "escalated": "Üst birime aktarıldı",
    "turn_limit": "Süre doldu (sıra sınırı)",
    None: "Yarıda bırakıldı",
}
SOURCE_TR = {"call": "Çağrı", "drill": "Pratik"}


# ----------------------------------------------------------------------------------------------- users
def current_user() -> Any:
    """The logged-in user (a ``qa_scoring.store.User``), or None."""
    return st.session_state.get(state.USER)


def role_of(user: Any) -> str:
    role = getattr(user, "role", None)
    return str(getattr(role, "value", role) or "")


def role_name(role: Any) -> str:
    key = str(getattr(role, "value", role) or "")
    return ROLE_NAMES_TR.get(key, key)


def user_label(user: Any) -> str:
    name = getattr(user, "display_name", None) or getattr(user, "username", "?")
    return f"{name} ({role_name(role_of(user))})"


def require_user() -> Any:
    """The logged-in user; stops the page when nobody is logged in (the entry script shows the login)."""
    user = current_user()
    if user is None:
        st.warning("Bu sayfayı görmek için giriş yapın.")
        st.stop()
    return user


# ----------------------------------------------------------------------------------------------- skills
def skill_name(key: str) -> str:
    return SKILL_NAMES_TR.get(key, key)


def skill_keys() -> tuple[str, ...]:
    return SKILL_KEYS


def level_text(level: int | None, name: str | None = None) -> str:
    """``"🟢 4 — İyi"``, or ``"— Uygulanamaz"`` for no level."""
    if level is None:
        return "— Uygulanamaz"
    return f"{LEVEL_EMOJI.get(int(level), '')} {int(level)} — {name or LEVEL_NAMES_TR.get(int(level), '')}"


def level_names_for(rubric: Any | None, key: str) -> dict[int, str]:
    """Level → Turkish name for one skill of a rubric (generic names when the rubric is unknown)."""
    if rubric is not None:
        try:
            skill = rubric.skill(key)
            return {lv.level: lv.name for lv in skill.levels}
        except KeyError:
            pass
    return dict(LEVEL_NAMES_TR)


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.0f}/100"


# ----------------------------------------------------------------------------------------------- errors
def error_message(exc: BaseException) -> str:
    """A Turkish sentence for a library error a user caused (the library's detail is kept in parentheses)."""
    from qa_scoring.errors import ConfigError, ModelError, RubricError, TranscriptFormatError

    if type(exc).__module__.startswith("qa_scoring.store"):  # store messages are written in Turkish
        if type(exc).__name__ == "AccessDenied":
            return str(exc) or "Bu işlem için yetkiniz yok."
        return str(exc) or "Veritabanı işlemi yapılamadı."
    if isinstance(exc, TranscriptFormatError):
        where = f" ({exc.location})" if exc.location else ""
        return f"Dosya okunamadı{where}: {exc.reason}"
    if isinstance(exc, RubricError):
        return rubric_error_message(exc)
    if isinstance(exc, ConfigError):
        return f"Geçersiz ayar: {exc}"
    if isinstance(exc, ModelError):
        return f"Model yüklenemedi: {exc}"
    return str(exc) or type(exc).__name__


def rubric_error_message(exc: Any) -> str:
    """Every problem of a RubricError as ``alan `path`: sorun → düzeltme``, without the temporary file path."""
    problems: Iterable[tuple[str, str]] | None = getattr(exc, "problems", None)
    if problems:
        lines = [f"- alan `{p or '(en üst düzey)'}`: {m}" for p, m in problems]
        return f"Rubrik geçersiz ({len(lines)} sorun):\n" + "\n".join(lines)
    field = getattr(exc, "field", None)
    reason = getattr(exc, "reason", None) or str(exc)
    return f"Rubrik geçersiz: alan `{field}`: {reason}" if field else f"Rubrik geçersiz: {reason}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~$:<&])")


def md(text: object) -> str:
    """Text from a transcript, a file name or a trainee, made safe inside st.markdown (shown literally: no
    formatting, links or images)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def show_error(message: str, key: str | None = None) -> None:
    st.error(message, icon="⚠️")


def format_dt(value: Any) -> str:
    """A date-time as ``2024-05-14 10:21`` (strings are cut to minutes)."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")
