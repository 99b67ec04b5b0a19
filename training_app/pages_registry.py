"""Which pages exist and which roles may open them (the entry script and the pages both read this)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str  # relative to training_app/app.py
    title: str
    icon: str
    url_path: str
    roles: frozenset[str]


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "drill", "app_pages/drill.py", "Rol yapma pratiği", "🎭", "pratik", frozenset({"trainee", "lead", "admin"})
    ),
    PageSpec(
        "review",
        "app_pages/review.py",
        "Çağrı değerlendirme",
        "📞",
        "degerlendirme",
        frozenset({"reviewer", "lead", "admin"}),
    ),
    PageSpec(
        "dashboard", "app_pages/dashboard.py", "Ekip panosu", "📊", "pano", frozenset({"lead", "admin", "reviewer"})
    ),
    PageSpec(
        "progress", "app_pages/progress.py", "Gelişimim", "📈", "gelisimim", frozenset({"trainee", "lead", "admin"})
    ),
    PageSpec(
        "manage",
        "app_pages/manage.py",
        "Rubrikler ve senaryolar",
        "🗂️",
        "yonetim",
        frozenset({"lead", "admin"}),
    ),
)
PAGES_BY_KEY = {p.key: p for p in PAGES}


def pages_for_role(role: str) -> list[PageSpec]:
    """The pages a role may open, in menu order."""
    return [p for p in PAGES if role in p.roles]


def guard(page_key: str):
    """Stop a page for a user whose role may not open it (the menu already hides it); returns the user."""
    from . import ui

    user = ui.require_user()
    if ui.role_of(user) not in PAGES_BY_KEY[page_key].roles:
        st.error("Bu sayfayı açma yetkiniz yok.", icon="⛔")
        st.stop()
    return user
