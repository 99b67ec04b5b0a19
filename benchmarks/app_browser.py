"""How fast the training app feels in a real browser: start-up, login, first drill, reply → feedback on screen.

    python benchmarks/app_browser.py [--replies 5]

Starts ``streamlit run training_app/app.py`` on a free localhost port against a throwaway database (a trainee is
seeded), drives Debian's headless chromium with Playwright and prints the times (seconds). The model's ONNX graph
should already be cached (run any scoring once), as it is on a working machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "Pratik-Zamani-2024!"
REPLIES = [
    "Çok haklısınız, beklemek gerçekten can sıkıcı; hemen kontrol edeyim.",
    "Anladım, bilgilerinizle kaydınızı buldum; durumu şimdi netleştiriyorum.",
    "Bugün içinde çözüp size kısa mesajla haber vereceğim.",
    "Size yardımcı olabildiysem ne mutlu; başka bir konuda yardımcı olabilir miyim?",
    "İyi günler dilerim, tekrar özür dilerim.",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replies", type=int, default=len(REPLIES), help="drill replies to time (at most 5)")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from qa_scoring.store import Role, Store

    chromium = os.environ.get("QA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("no chromium: run scripts/ensure_chromium.sh or set QA_CHROMIUM", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="qa-app-bench-"))
    db = work / "app.db"
    with Store.open(db) as store:
        store.bootstrap_admin("admin", PASSWORD)
        admin = store.authenticate("admin", PASSWORD)
        store.create_user(admin, "elif", PASSWORD, Role.TRAINEE, "Elif Şahin", team="Kargo", agent_id="A-1")
    env = {**os.environ, "QA_APP_DB_PATH": str(db), "QA_APP_DATA_DIR": str(work / "data")}
    env.pop("QA_APP_DB_URL", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "training_app/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    times: dict[str, object] = {}
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    print("the app did not start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
        times["server_up_s"] = time.perf_counter() - t0
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.get_by_label("Kullanıcı adı").wait_for()
            times["login_page_s"] = time.perf_counter() - t0
            page.get_by_label("Kullanıcı adı").fill("elif")
            page.get_by_label("Parola").fill(PASSWORD)
            t = time.perf_counter()
            page.get_by_role("button", name="Giriş yap").click()
            page.get_by_role("button", name="Pratiği başlat").wait_for()
            times["login_to_drill_page_s"] = time.perf_counter() - t
            t = time.perf_counter()
            page.get_by_role("button", name="Pratiği başlat").click()
            box = page.get_by_placeholder("Müşteriye yanıtınızı yazın…")
            box.wait_for()
            times["start_first_drill_s"] = time.perf_counter() - t
            feedback = []
            for i, text in enumerate(REPLIES[: args.replies], 1):
                box.fill(text)
                t = time.perf_counter()
                box.press("Enter")
                page.locator(f".st-key-drill_feedback_{i}").wait_for(state="visible")
                feedback.append(round(time.perf_counter() - t, 2))
                if page.locator(".st-key-drill_summary").count():
                    break
            times["reply_to_feedback_s"] = feedback
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    for key, value in times.items():
        print(f"{key}: {value if isinstance(value, list) else round(value, 2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
