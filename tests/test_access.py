"""Who sees what, in the app run headless (AppTest): local mode, the page for visitors
without a link, scoped share links, and the admin guard behind every write."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lvm_data import ingest, store
from lvm_data.settings import load_settings
from lvm_data.store import shares
from lvm_ui.common import SAMPLE_DIR
from test_app import APP
from test_app import app as run

SECRET_WORDS = ("Sales", "Engineering", "2025-H1", "2025-H2", "Marketing")


def login_mode(settings_file):
    settings_file.write_text('min_group_size = 5\naccess = "login"\n'
                             'admins = ["people-analytics@example.com"]\n')


def make_link(**kwargs) -> shares.Share:
    with store.session.briefly(load_settings().db_path) as con:
        if store.waves(con.cursor()).empty:
            ingest.import_file(con, SAMPLE_DIR / "sample_export.csv", ingest.Options())
        return shares.create(con.cursor(), {"department": ["Sales"]}, **kwargs)


def shown_text(at: AppTest) -> str:
    """The Markdown of the page with escapes removed (names from data are escaped)."""
    parts = [e.value for kind in ("title", "markdown", "caption", "info", "error", "warning")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str)]
    return "\n".join(parts).replace("\\", "")


def test_local_mode_says_so_and_keeps_the_data_page():
    at = run("data")
    assert "Local mode" in "\n".join(c.value for c in at.sidebar.caption)
    assert at.title[0].value == "Data"


def test_login_mode_without_a_link_shows_whom_to_ask_and_nothing_else(_isolated_settings):
    login_mode(_isolated_settings)
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x" * 32, "client_id": "c", "client_secret": "s",
                          "server_metadata_url": "http://localhost:1/.well-known/openid"}
    at.run()
    text = shown_text(at)
    assert "people-analytics@example.com" in text and at.button[0].label == "Sign in"
    assert not at.get("plotly_chart") and not at.metric and not at.dataframe
    assert not at.multiselect and not at.selectbox
    assert not any(word in text for word in SECRET_WORDS), text


def test_login_mode_without_sign_in_settings_says_what_is_missing(_isolated_settings):
    login_mode(_isolated_settings)
    at = run()
    assert "[auth]" in at.warning[0].value and not at.button
    assert not at.metric and not at.get("plotly_chart")


def test_scoped_link_shows_its_scope_only(_isolated_settings):
    login_mode(_isolated_settings)
    link = make_link(label="Head of Sales")
    at = run(share=link.id)
    assert next(m.value for m in at.metric if m.label == "Respondents") == "51"
    assert next(m.value for m in at.metric if m.label == "Departments") == "1"
    dept = at.multiselect(key="_lvm_locked_department")
    assert dept.value == ["Sales"] and dept.disabled
    assert all(t.startswith("Sales - ") for t in at.multiselect(key="team").options)
    assert "Head of Sales" in "\n".join(c.value for c in at.sidebar.caption)
    assert link.id in at.sidebar.code[0].value
    with store.session.briefly(load_settings().db_path) as con:
        assert shares.list_shares(con.cursor())["opens"].tolist() == [1]


def test_edited_url_cannot_widen_the_scope(_isolated_settings):
    login_mode(_isolated_settings)
    link = make_link()
    at = run("teams", share=link.id, department="Engineering")
    assert "outside this link's scope" in at.info[0].value
    table = next(d.value for d in at.dataframe if "group" in d.value.columns)    # All scores
    groups = set(table["group"])
    assert groups and all(g.startswith("Sales - ") or g == "All respondents" for g in groups)


def test_no_data_page_through_a_link(_isolated_settings):
    link = make_link()                  # even in local mode, a link's view has no Data page
    at = run(share=link.id)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/data.py")
    assert run().switch_page("pages/data.py")     # which the admin's navigation has


def test_link_with_a_fixed_wave_shows_that_wave_only(_isolated_settings):
    login_mode(_isolated_settings)
    link = make_link(wave="2025-H1")
    at = run(share=link.id, wave="2025-H2")
    assert next(m.value for m in at.metric if m.label == "Respondents") == "48"
    assert next(m.value for m in at.metric if m.label == "Waves") == "1"
    wave = at.multiselect(key="_lvm_locked_wave")
    assert wave.value == ["2025-H1"] and wave.disabled
    assert "outside this link's scope" in at.info[0].value
    at.switch_page("pages/trends.py")
    at.run()
    assert not at.exception
    assert any("Only one wave" in i.value for i in at.info)


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_closed_links_show_a_message_and_no_figures(_isolated_settings, how):
    login_mode(_isolated_settings)
    link = make_link(expires_days=1)
    with store.session.briefly(load_settings().db_path) as con:
        if how == "revoked":
            shares.revoke(con.cursor(), link.id)
        elif how == "expired":
            con.execute("UPDATE shares SET expires_at = created_at - INTERVAL 1 DAY")
    at = run(share=link.id if how != "unknown" else "x" * 32)
    word = {"revoked": "revoked", "expired": "expired", "unknown": "not a valid"}[how]
    assert word in at.error[0].value
    assert not at.metric and not at.get("plotly_chart")
    assert not any(w in shown_text(at) for w in SECRET_WORDS)
    if how != "unknown":                          # a refused opening is logged as such
        with store.session.briefly(load_settings().db_path) as con:
            assert shares.opens(con.cursor())["outcome"].tolist() == [how]


def test_link_that_requires_sign_in_asks_for_it(_isolated_settings):
    login_mode(_isolated_settings)
    link = make_link(require_login=True)
    at = run(share=link.id)
    assert "signed-in colleagues" in at.info[0].value and not at.metric


def _guard_script():
    import streamlit as st

    from lvm_data.access import Forbidden
    from lvm_ui import gate
    if st.query_params.get("scoped"):
        st.session_state["_lvm_share_id"] = "some-link"
    try:
        gate.require_admin()
        st.write("allowed")
    except Forbidden:
        st.write("forbidden")


@pytest.mark.parametrize("login, scoped, expected", [
    (False, False, "allowed"), (False, True, "forbidden"), (True, False, "forbidden")])
def test_writes_are_for_admins_only(_isolated_settings, login, scoped, expected):
    if login:
        login_mode(_isolated_settings)
    at = AppTest.from_function(_guard_script)
    if scoped:
        at.query_params["scoped"] = "1"
    at.run()
    assert at.markdown[0].value == expected


def test_admin_turns_the_current_view_into_a_stored_link():
    at = run("teams")
    at.multiselect(key="department").select("Sales")
    at.run()
    at.text_input(key="_lvm_share_label").input("Head of Sales")
    at.checkbox(key="_lvm_share_login").check()
    at.button(key="_lvm_share_create").click()
    at.run()
    link = next(c.value for c in at.sidebar.code if "share=" in c.value)
    assert "/teams?share=" in link
    with store.session.briefly(load_settings().db_path) as con:
        share = shares.get(con.cursor(), link.split("share=")[1])
    assert share.where == {"department": ["Sales"]} and share.wave == "2025-H2"
    assert share.label == "Head of Sales" and share.require_login and share.page == "teams"
    at.switch_page("pages/data.py")
    at.run()
    listed = next(d.value for d in at.dataframe if "opens" in d.value.columns)
    assert listed["id"].tolist() == [share.id]
    next(b for b in at.button if b.label == "Revoke").click()
    at.run()
    listed = next(d.value for d in at.dataframe if "opens" in d.value.columns)
    assert listed["revoked"].tolist() == [True]
