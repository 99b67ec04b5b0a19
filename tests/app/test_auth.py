"""Login, first-run administrator setup, logout and which pages each role gets."""

from __future__ import annotations

import pytest
from apphelpers import ADMIN_PASSWORD, PASSWORD, available_pages, login, new_app, texts

from qa_scoring.store import Store


def test_first_run_shows_admin_setup_and_chosen_password_logs_in(app_env):
    at = new_app().run()
    assert "İlk kurulum: yönetici hesabı" in texts(at)
    at.text_input(key="setup_username").input("yonetici")
    at.text_input(key="setup_password").input("Cok-Gizli-Parola-77")
    at.text_input(key="setup_password_confirm").input("Cok-Gizli-Parola-77")
    at.button(key="setup_submit").click().run()
    assert not at.exception
    assert "Yönetici" in texts(at)  # sidebar: "Yönetici (Yönetici)"
    assert available_pages(at) == {"drill", "review", "dashboard", "progress", "manage"}
    # the setup is one-time: a new browser session gets the login form, and the password works
    again = new_app().run()
    assert "Giriş" in texts(again) and "İlk kurulum" not in texts(again)
    with Store.open() as store:
        assert store.authenticate("yonetici", "Cok-Gizli-Parola-77") is not None


def test_first_run_mismatched_or_weak_password_is_refused_in_turkish(app_env):
    at = new_app().run()
    at.text_input(key="setup_password").input("Cok-Gizli-Parola-77")
    at.text_input(key="setup_password_confirm").input("Baska-Parola-77")
    at.button(key="setup_submit").click().run()
    assert [e.value for e in at.error] == ["İki parola aynı değil; yeniden yazın."]
    at.text_input(key="setup_password").input("kisa")
    at.text_input(key="setup_password_confirm").input("kisa")
    at.button(key="setup_submit").click().run()
    assert "Parola çok kısa" in at.error[0].value
    assert not at.exception


def test_first_run_generated_password_is_shown_once(app_env):
    at = new_app().run()
    at.checkbox(key="setup_generate").check()
    at.button(key="setup_submit").click().run()
    assert "yalnızca şimdi gösteriliyor" in texts(at)
    password = at.code[0].value
    assert len(password) >= 16
    at.button(key="setup_continue").click().run()
    assert not at.code and not at.exception
    with Store.open() as store:
        assert store.authenticate("admin", password) is not None


def test_wrong_password_is_refused_right_one_logs_in(seeded):
    at = new_app().run()
    assert "Giriş" in texts(at)
    at.text_input(key="login_username").input("elif")
    at.text_input(key="login_password").input("yanlis-parola")
    at.button(key="login_submit").click().run()
    assert [e.value for e in at.error] == ["Kullanıcı adı veya parola hatalı."]
    assert "Rol yapma pratiği" not in [t.value for t in at.title]
    # unknown user: the same message (no user enumeration)
    at.text_input(key="login_username").input("kimse")
    at.button(key="login_submit").click().run()
    assert [e.value for e in at.error] == ["Kullanıcı adı veya parola hatalı."]
    at.text_input(key="login_username").input("elif")
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="login_submit").click().run()
    assert not at.error
    assert "Elif Şahin (Stajyer/Temsilci)" in texts(at)


def test_logout_returns_to_login(seeded):
    at = login("admin", ADMIN_PASSWORD)
    at.button(key="logout").click().run()
    assert "Giriş" in texts(at)
    assert at.text_input(key="login_username").value == ""


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("elif", {"drill", "progress"}),
        ("derya", {"review", "dashboard"}),
        ("leyla", {"drill", "review", "dashboard", "progress", "manage"}),
    ],
)
def test_each_role_gets_only_its_pages(seeded, username, expected):
    at = login(username)
    assert available_pages(at) == expected


def test_login_pauses_after_five_failures(seeded):
    at = new_app().run()
    at.text_input(key="login_username").input("elif")
    for _ in range(5):
        at.text_input(key="login_password").input("yanlis-parola")
        at.button(key="login_submit").click().run()
    at.text_input(key="login_password").input(PASSWORD)  # even the right password waits
    at.button(key="login_submit").click().run()
    assert "Çok fazla hatalı deneme" in at.error[0].value
    assert "Elif Şahin" not in texts(at)


def test_deactivated_user_is_logged_out_on_the_next_click(seeded):
    at = login("elif")
    seeded.store.deactivate_user(seeded.admin, "elif")
    at.run()
    assert "Oturumunuz sona erdi" in texts(at)
    assert at.text_input(key="login_username").value == ""
    assert "Elif Şahin" not in texts(at)
