"""The Streamlit app in a real browser: start it on localhost, log in as a trainee, answer the simulated customer
and see the feedback. Screenshots are kept in the test artifacts folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

from qa_scoring.model.classifier import bundled_model_dir  # noqa: E402
from qa_scoring.store import Role, Store  # noqa: E402

pytestmark = pytest.mark.skipif(not (bundled_model_dir() / "qa_model.json").is_file(), reason="bundled model not built")

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Pratik-Zamani-2024!"
START_TIMEOUT_S = 120
FEEDBACK_TIMEOUT_MS = 180_000  # the first reply loads the model; the machine may be busy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path):
    env = {
        **os.environ,
        "QA_APP_DB_PATH": str(tmp_path / "app.db"),
        "QA_APP_DATA_DIR": str(tmp_path / "data"),
        "QA_SCORING_CACHE": os.environ.get("QA_SCORING_CACHE", str(Path.home() / ".cache" / "qa-scoring")),
    }
    env.pop("QA_APP_DB_URL", None)
    store = Store.open(tmp_path / "app.db")
    store.bootstrap_admin("admin", PASSWORD)
    admin = store.authenticate("admin", PASSWORD)
    store.create_user(admin, "elif", PASSWORD, Role.TRAINEE, "Elif Şahin", team="Kargo Destek", agent_id="A-1042")
    store.close()

    port = _free_port()
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "training_app" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the app did not start:\n" + (tmp_path / "streamlit.log").read_text(encoding="utf-8"))
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_trainee_logs_in_answers_the_customer_and_sees_feedback(app_url, page, artifacts_dir):
    page.set_default_timeout(60_000)
    page.goto(app_url)
    page.get_by_label("Kullanıcı adı").fill("elif")
    page.get_by_label("Parola").fill(PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()

    # a trainee lands on the role-play page; the sidebar offers only a trainee's pages
    page.get_by_role("button", name="Pratiği başlat").wait_for()
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Rol yapma pratiği" in nav and "Çağrı değerlendirme" not in nav and "Ekip panosu" not in nav
    page.screenshot(path=str(artifacts_dir / "uygulama-giris.png"), full_page=True)

    page.get_by_role("button", name="Pratiği başlat").click()
    box = page.get_by_placeholder("Müşteriye yanıtınızı yazın…")
    box.wait_for()
    box.fill("Çok haklısınız, beklemek gerçekten can sıkıcı; sipariş numaranızı alabilir miyim, hemen kontrol edeyim.")
    box.press("Enter")

    feedback = page.locator(".st-key-drill_feedback_1")
    feedback.wait_for(state="visible", timeout=FEEDBACK_TIMEOUT_MS)
    text = feedback.inner_text()
    for skill in ("Saygı", "Sabır", "Empati", "Aktif dinleme", "Olumlu tutum"):
        assert skill in text  # the five skill chips
    assert "Empati" in text and len(text) > 60  # chips plus a one-line tip in Turkish
    page.screenshot(path=str(artifacts_dir / "uygulama-geri-bildirim.png"), full_page=True)
