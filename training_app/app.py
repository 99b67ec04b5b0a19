"""Entry point of the training and quality app: ``streamlit run training_app/app.py``.

Shows the first-run administrator setup or the login, then the pages the user's role may open (navigation in
the sidebar). Pages live in ``training_app/app_pages/``; heavy objects come from :mod:`training_app.resources`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run training_app/app.py` from a checkout without `pip install -e .`
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from training_app import auth, resources, ui  # noqa: E402
from training_app.pages_registry import pages_for_role  # noqa: E402

log = logging.getLogger("training_app")

st.set_page_config(page_title="Beceri Eğitimi ve Kalite", page_icon="🎧", layout="wide")

try:
    store = resources.get_store()
except Exception as exc:  # noqa: BLE001 - a broken database setting must not show a traceback
    log.error("cannot open the app store: %s", type(exc).__name__)
    st.error(
        "Veritabanı açılamadı. QA_APP_DB_PATH / QA_APP_DB_URL ayarını ve klasör izinlerini kontrol edin. "
        f"Ayrıntı: {exc}",
        icon="⚠️",
    )
    st.stop()

if ui.current_user() is None:
    if auth.has_users(store):
        auth.login(store)
    else:
        auth.first_run_setup(store)
    st.stop()

if auth.show_generated_password():
    st.stop()

user = auth.refresh_user(store, ui.current_user())  # a deactivated account or a new role takes effect now
pages = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path) for p in pages_for_role(ui.role_of(user))]
if not pages:
    st.error("Rolünüz için açılabilecek bir sayfa yok. Yöneticinize başvurun.", icon="⚠️")
    st.stop()

navigation = st.navigation(pages)
with st.sidebar:
    st.caption("Giriş yapan")
    st.markdown(f"**{ui.user_label(user)}**")
    team = getattr(user, "team", None)
    if team:
        st.caption(f"Ekip: {team}")
    if st.button("Çıkış yap", key="logout", icon="🚪"):
        auth.logout()
navigation.run()
