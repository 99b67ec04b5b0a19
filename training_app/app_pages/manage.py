"""Rubrikler ve senaryolar: view and validate rubrics and drill scenarios, upload new ones; users (admin)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from qa_scoring.fileio import atomic_write_bytes, safe_filename
from qa_scoring.skills import SKILL_KEYS
from training_app import drill_view, resources, state, ui
from training_app.pages_registry import guard

log = logging.getLogger("training_app.manage")

user = guard("manage")
role = ui.role_of(user)
store = resources.get_store()

st.title("Rubrikler ve senaryolar")
st.caption(f"Yüklenen dosyalar şu klasöre kaydedilir: `{resources.data_dir()}` (QA_APP_DATA_DIR ile değiştirilebilir).")

tab_names = ["Rubrikler", "Senaryolar", "Kullanıcılar"]
tabs = st.tabs(tab_names)


def _validate_upload(name: str, data: bytes, loader):
    """Write the upload to a temporary file with its own name and run the library's loader on it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe_filename(Path(name).stem + Path(name).suffix.lower())
        path.write_bytes(data)
        return loader(path)


# ------------------------------------------------------------------------------------------ rubrics
with tabs[0]:
    from qa_scoring.errors import RubricError
    from qa_scoring.rubric import Rubric, check_skills, list_builtin_rubrics

    rubric_map = resources.rubrics()
    sources = resources.rubric_sources()
    rid = st.selectbox(
        "Rubrik",
        list(rubric_map),
        format_func=lambda r: f"{rubric_map[r].name} ({r}) — {sources.get(r, '')}",
        key="manage_rubric",
    )
    rubric = rubric_map[rid]
    st.markdown(f"**{rubric.name}** · sürüm {rubric.version} · geçme puanı {rubric.scoring.pass_mark:g}")
    st.write(rubric.description)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Beceri": s.name,
                    "Ağırlık": f"%{s.weight:g}",
                    "Kritik": "Evet" if s.critical else "Hayır",
                    "Seviyeler": ", ".join(f"{lv.level} {lv.name}" for lv in s.levels),
                    "Açıklama": s.description,
                }
                for s in rubric.skills
            ]
        ),
        hide_index=True,
        key="manage_rubric_skills",
    )
    if rubric.script:
        st.markdown("**Zorunlu ifadeler:** " + ", ".join(item.name for item in rubric.script))
    if rubric.critical_behaviours:
        st.markdown("**Kritik davranışlar:** " + ", ".join(cb.name for cb in rubric.critical_behaviours))

    st.divider()
    st.markdown("#### Yeni rubrik yükle")
    st.caption("YAML biçimi için `docs/rubric-format.md` dosyasına bakın; `rubrics/default.yaml` iyi bir başlangıç.")
    upload = st.file_uploader("Rubrik dosyası (.yaml)", type=["yaml", "yml"], key="manage_rubric_file")
    if upload is not None:
        data = upload.getvalue()
        try:
            new = _validate_upload(upload.name, data, Rubric.from_yaml)
            check_skills(new, SKILL_KEYS)
        except RubricError as exc:
            log.info("uploaded rubric rejected (field %s)", getattr(exc, "field", None))
            st.error(f"**{ui.md(upload.name)}** — {ui.rubric_error_message(exc)}", icon="⚠️")
        else:
            builtin = set(list_builtin_rubrics())
            st.success(
                f"**{ui.md(upload.name)}** geçerli: “{new.name}” ({new.id}), {len(new.skills)} beceri, "
                f"geçme puanı {new.scoring.pass_mark:g}.",
                icon="✅",
            )
            target = resources.uploaded_rubric_dir() / f"{safe_filename(new.id)}.yaml"
            if new.id in builtin:
                st.error(
                    f"“{new.id}” hazır bir rubriğin adı. Dosyadaki `id` alanını değiştirip yeniden yükleyin.",
                    icon="⚠️",
                )
            else:
                overwrite = True
                if target.exists():
                    overwrite = st.checkbox(
                        f"“{new.id}” zaten yüklü; üzerine yaz", key="manage_rubric_overwrite", value=False
                    )
                if st.button("Rubriği kaydet", key="manage_rubric_save", type="primary", disabled=not overwrite):
                    atomic_write_bytes(target, data)
                    log.info("rubric %s saved to the data folder", new.id)
                    st.success(f"“{new.name}” kaydedildi; değerlendirme sayfasında seçilebilir.", icon="💾")

# ------------------------------------------------------------------------------------------ scenarios
with tabs[1]:
    try:
        from qa_scoring.drills import ScenarioError, load_scenario
    except ImportError:
        st.warning("Senaryo modülü (qa_scoring.drills) bulunamadı.")
    else:
        scenario_map = resources.scenarios()
        for fname, problem in resources.scenario_problems():
            st.error(f"**{ui.md(fname)}** yüklenemedi — {drill_view.scenario_error_message(problem)}", icon="⚠️")
        if scenario_map:
            sid = st.selectbox(
                "Senaryo",
                list(scenario_map),
                format_func=lambda s: drill_view.scenario_label(scenario_map[s]),
                key="manage_scenario",
            )
            drill_view.scenario_card(scenario_map[sid])
        else:
            st.info("Henüz senaryo yok.")

        st.divider()
        st.markdown("#### Yeni senaryo yükle")
        st.caption("YAML biçimi için `docs/scenario-format.md` dosyasına bakın.")
        supload = st.file_uploader("Senaryo dosyası (.yaml)", type=["yaml", "yml"], key="manage_scenario_file")
        if supload is not None:
            sdata = supload.getvalue()
            try:
                scenario = _validate_upload(supload.name, sdata, load_scenario)
            except ScenarioError as exc:
                log.info("uploaded scenario rejected (field %s)", getattr(exc, "field", None))
                st.error(f"**{ui.md(supload.name)}** — {drill_view.scenario_error_message(exc)}", icon="⚠️")
            else:
                st.success(f"**{ui.md(supload.name)}** geçerli: “{drill_view.scenario_label(scenario)}”.", icon="✅")
                drill_view.scenario_card(scenario, key="manage_uploaded_scenario_card")
                target = resources.uploaded_scenario_dir() / f"{safe_filename(scenario.id)}.yaml"
                if scenario.id in scenario_map and not target.exists():
                    st.error(
                        f"“{scenario.id}” hazır bir senaryonun kimliği. Dosyadaki `id` alanını değiştirip yeniden "
                        "yükleyin.",
                        icon="⚠️",
                    )
                else:
                    overwrite = True
                    if target.exists():
                        overwrite = st.checkbox(
                            f"“{scenario.id}” zaten yüklü; üzerine yaz", key="manage_scenario_overwrite", value=False
                        )
                    if st.button(
                        "Senaryoyu kaydet", key="manage_scenario_save", type="primary", disabled=not overwrite
                    ):
                        atomic_write_bytes(target, sdata)
                        log.info("scenario %s saved to the data folder", scenario.id)
                        st.success("Senaryo kaydedildi; pratik sayfasında seçilebilir.", icon="💾")

# ------------------------------------------------------------------------------------------ users
# admins manage everyone; team leads create trainees of their own team (the store enforces both)
with tabs[2]:
    from qa_scoring.store import Role

    shown = st.session_state.pop(state.MANAGE_CREATED_PASSWORD, None)
    if shown:
        st.warning(
            f"“{shown[0]}” için oluşturulan parola (yalnızca şimdi gösterilir; kullanıcıya güvenli bir yoldan iletin):",
            icon="🔑",
        )
        st.code(shown[1], language=None)
    try:
        users = store.list_users(user)
    except Exception as exc:  # noqa: BLE001
        ui.show_error(ui.error_message(exc))
        users = []
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Kullanıcı adı": u.username,
                    "Ad": u.display_name,
                    "Rol": ui.role_name(u.role),
                    "Ekip": u.team or "—",
                    "Temsilci kimliği": u.agent_id or "—",
                    "Durum": "Etkin" if u.active else "Devre dışı",
                    "Son giriş": ui.format_dt(u.last_login_at),
                }
                for u in users
            ]
        ),
        hide_index=True,
        key="manage_users_table",
    )
    st.markdown("#### Yeni kullanıcı")
    with st.form("new_user_form", clear_on_submit=False):
        c1, c2 = st.columns(2)
        username = c1.text_input("Kullanıcı adı", key="new_user_username")
        display_name = c2.text_input("Görünen ad", key="new_user_display_name")
        roles = list(ui.ROLE_ORDER) if role == "admin" else ["trainee"]
        new_role = c1.selectbox("Rol", roles, format_func=ui.role_name, key="new_user_role")
        if role == "admin":
            team = c2.text_input("Ekip", key="new_user_team", help="Takım liderleri ve temsilciler için gerekli.")
        else:
            team = c2.text_input("Ekip", value=user.team or "", disabled=True, key="new_user_team_fixed")
        agent_id = c1.text_input(
            "Temsilci kimliği (agent_id)", key="new_user_agent_id", help="Çağrı dökümlerindeki kimlik, ör. A-1042."
        )
        password = c2.text_input(
            "Parola (boş bırakılırsa güçlü bir parola oluşturulur)", type="password", key="new_user_password"
        )
        create = st.form_submit_button("Kullanıcı oluştur", key="new_user_submit", type="primary")
    if create:
        from qa_scoring.store.passwords import generate_password

        generated = not password
        pw = password or generate_password()
        try:
            created = store.create_user(
                user,
                username.strip(),
                pw,
                Role(new_role),
                display_name.strip() or username.strip(),
                team=team.strip() or None,
                agent_id=agent_id.strip() or None,
            )
        except Exception as exc:  # noqa: BLE001 - store validation errors are Turkish
            log.info("user creation refused: %s", type(exc).__name__)
            ui.show_error(f"Kullanıcı oluşturulamadı: {ui.error_message(exc)}")
        else:
            log.info("user created (role %s)", new_role)
            if generated:
                st.session_state[state.MANAGE_CREATED_PASSWORD] = (created.username, pw)
            st.toast(f"“{created.username}” oluşturuldu.", icon="✅")
            st.rerun()

    st.markdown("#### Kullanıcıyı devre dışı bırak")
    active = [
        u.username
        for u in users
        if u.active and u.username != user.username and (role == "admin" or ui.role_of(u) == "trainee")
    ]
    if active:
        d1, d2 = st.columns([2, 1])
        target_user = d1.selectbox("Kullanıcı", active, key="deactivate_user")
        if d2.button("Devre dışı bırak", key="deactivate_submit"):
            try:
                store.deactivate_user(user, target_user)
            except Exception as exc:  # noqa: BLE001
                ui.show_error(ui.error_message(exc))
            else:
                log.info("user deactivated")
                st.rerun()
