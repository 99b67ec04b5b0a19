"""Login, first-run administrator setup and logout (rendered by the entry script before any page)."""

from __future__ import annotations

import logging
import time
from typing import Any

import streamlit as st

from . import state, ui

log = logging.getLogger(__name__)


MAX_FAILURES = 5
"""Failed logins in one browser session before the form pauses."""
LOCK_SECONDS = 30


def _locked_for() -> int:
    until = st.session_state.get(state.LOGIN_LOCKED_UNTIL)
    if until is None:
        return 0
    left = until - time.monotonic()
    if left <= 0:
        st.session_state.pop(state.LOGIN_LOCKED_UNTIL, None)
        st.session_state[state.LOGIN_FAILURES] = 0
        return 0
    return int(left) + 1


def has_users(store: Any) -> bool:
    """Whether any account exists (false only on the very first run)."""
    return bool(store.has_users())


def login(store: Any) -> None:
    """The login form; on success the user is kept in the session and the app reruns."""
    st.title("Müşteri Hizmetleri Beceri Eğitimi")
    st.subheader("Giriş")
    with st.form("login_form"):
        username = st.text_input("Kullanıcı adı", key="login_username", autocomplete="username")
        password = st.text_input("Parola", type="password", key="login_password", autocomplete="current-password")
        submitted = st.form_submit_button("Giriş yap", key="login_submit", type="primary")
    if submitted:
        wait = _locked_for()
        if wait > 0:
            ui.show_error(f"Çok fazla hatalı deneme. {wait} saniye sonra yeniden deneyin.")
            return
        if not username.strip() or not password:
            ui.show_error("Kullanıcı adını ve parolayı girin.")
            return
        user = store.authenticate(username.strip(), password)
        if user is None:
            failures = st.session_state.get(state.LOGIN_FAILURES, 0) + 1
            st.session_state[state.LOGIN_FAILURES] = failures
            if failures >= MAX_FAILURES:
                st.session_state[state.LOGIN_LOCKED_UNTIL] = time.monotonic() + LOCK_SECONDS
            log.info("login failed (attempt %d in this session)", failures)
            ui.show_error("Kullanıcı adı veya parola hatalı.")
            return
        st.session_state[state.USER] = user
        st.session_state[state.LOGIN_FAILURES] = 0
        st.session_state.pop(state.LOGIN_LOCKED_UNTIL, None)
        log.info("user logged in (role %s)", ui.role_of(user))
        st.rerun()


def first_run_setup(store: Any) -> None:
    """One-time creation of the administrator account when the database has no users."""
    st.title("Müşteri Hizmetleri Beceri Eğitimi")
    st.subheader("İlk kurulum: yönetici hesabı")
    st.info(
        "Henüz hiç kullanıcı yok. Uygulamayı yönetecek ilk hesabı oluşturun. Bu ekran yalnızca bir kez görünür; "
        "diğer kullanıcıları daha sonra yönetici hesabıyla ekleyebilirsiniz."
    )
    with st.form("setup_form"):
        username = st.text_input("Yönetici kullanıcı adı", value="admin", key="setup_username")
        generate = st.checkbox("Güçlü bir parola benim için oluşturulsun", key="setup_generate")
        password = st.text_input("Parola", type="password", key="setup_password")
        confirm = st.text_input("Parola (tekrar)", type="password", key="setup_password_confirm")
        submitted = st.form_submit_button("Yönetici hesabını oluştur", key="setup_submit", type="primary")
    if not submitted:
        return
    username = username.strip()
    if not username:
        ui.show_error("Bir kullanıcı adı girin.")
        return
    if not generate and password != confirm:
        ui.show_error("İki parola aynı değil; yeniden yazın.")
        return
    try:
        created = store.bootstrap_admin(username=username, password=None if generate else password)
    except Exception as exc:  # noqa: BLE001 - a store validation error is shown, not raised
        log.warning("admin setup failed: %s", type(exc).__name__)
        ui.show_error(f"Yönetici hesabı oluşturulamadı: {ui.error_message(exc)}")
        return
    if created is None:
        ui.show_error("Kurulum zaten yapılmış; giriş ekranını kullanın.")
        st.rerun()
    log.info("first-run administrator account created")
    password_used = created if generate else password
    user = store.authenticate(username, password_used)
    if generate:
        st.session_state[state.GENERATED_ADMIN_PASSWORD] = (username, created)
    st.session_state[state.USER] = user
    st.rerun()


def show_generated_password() -> bool:
    """Show a generated administrator password once; True while it is on screen."""
    shown = st.session_state.get(state.GENERATED_ADMIN_PASSWORD)
    if not shown:
        return False
    username, password = shown
    st.title("Yönetici hesabı oluşturuldu")
    st.warning(
        "Bu parola yalnızca şimdi gösteriliyor. Güvenli bir yere kaydedin; sonra bir daha görüntülenemez.",
        icon="🔑",
    )
    st.text_input("Kullanıcı adı", value=username, disabled=True, key="setup_shown_username")
    st.code(password, language=None)
    if st.button("Parolayı kaydettim, devam et", key="setup_continue", type="primary"):
        del st.session_state[state.GENERATED_ADMIN_PASSWORD]
        st.rerun()
    return True


def refresh_user(store: Any, user: Any) -> Any:
    """Re-read the logged-in user from the store; log out (with a message) when the account is gone or closed."""
    from qa_scoring.store import AccessDenied, NotFound

    try:
        fresh = store.get_user(user, user.username)
    except (AccessDenied, NotFound):
        log.info("session ended: the account is no longer active")
        for key in list(st.session_state.keys()):
            del st.session_state[key]
        st.warning("Oturumunuz sona erdi ya da hesabınız kapatıldı; lütfen yeniden giriş yapın.", icon="🔒")
        login(store)
        st.stop()
    st.session_state[state.USER] = fresh
    return fresh


def logout() -> None:
    """Forget the user and everything the pages kept in this session."""
    log.info("user logged out")
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.rerun()
