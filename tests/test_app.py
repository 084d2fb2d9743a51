"""The Streamlit app, run headless with AppTest on the bundled sample (a temp DB per test)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lvm_data import store
from lvm_data.sample import write_sample
from lvm_ui import mapping_editor, params

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
# Overview: orientation, change since the previous wave, pole scores, archetype mix.
CHARTS = {"overview": 4, "teams": 2, "dimensions": 2, "compare": 1, "map": 1, "trends": 2,
          "data": 0}


def app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def db():
    from lvm_data.settings import load_settings
    return store.connect(load_settings().db_path)


def test_every_page_makes_the_entrypoint_run_first():
    """Streamlit runs a ``pages/`` folder as an old-style app on a server's first request,
    bypassing app.py; each page must switch it back (see lvm_ui/entry.py)."""
    for page in (ROOT / "pages").glob("*.py"):
        assert "\nensure_entrypoint()\n" in page.read_text(), page.name


def test_sample_loaded_into_empty_database():
    at = app()
    assert metric(at, "Respondents") == "300"        # the latest of the sample's two waves
    assert metric(at, "Waves") == "2"
    assert at.selectbox(key="wave").value == "2025-H2"


@pytest.mark.parametrize("page", list(CHARTS))
def test_every_page_renders(page):
    at = app(page)
    assert charts(at) == CHARTS[page]
    assert not at.error


@pytest.mark.parametrize("page", list(CHARTS))
def test_every_page_renders_with_filters(page):
    at = app()
    at.multiselect(key="department").select("Engineering").select("Sales")
    at.multiselect(key="role").select("Individual contributor")
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="department").value == ["Engineering", "Sales"]
    assert charts(at) == CHARTS[page]


def test_filters_change_the_numbers():
    at = app()
    everyone = int(metric(at, "Respondents"))
    at.multiselect(key="department").select("HR")
    at.run()
    cur = db().cursor()
    expected = store.overview(cur, where={"department": ["HR"]}).population
    assert int(metric(at, "Respondents")) == expected < everyone
    assert metric(at, "Departments") == "1"


def test_more_filters_and_reset():
    at = app(wave="2025-H1")
    at.multiselect(key="tenure_band").select("5+ years")
    at.multiselect(key="department").select("Sales")
    at.run()
    cur = db().cursor()
    expected = store.overview(cur, wave="2025-H1", where={
        "department": ["Sales"], "tenure_band": ["5+ years"]}).population
    assert int(metric(at, "Respondents")) == expected
    next(b for b in at.button if b.label == "Reset filters").click()
    at.run()
    assert at.multiselect(key="department").value == []
    assert at.multiselect(key="tenure_band").value == []
    assert at.selectbox(key="wave").value == "2025-H2"
    assert metric(at, "Respondents") == "300"


def test_team_options_follow_departments():
    at = app()
    at.multiselect(key="department").select("Finance")
    at.run()
    teams = at.multiselect(key="team").options
    assert teams and all(t.startswith("Finance") for t in teams)


def test_query_params_restore_the_filters():
    at = app("teams", department=["Sales", "HR"], role="Manager", wave="2025-H1",
             min_group="6", group="Role")
    assert at.multiselect(key="department").value == ["Sales", "HR"]
    assert at.multiselect(key="role").value == ["Manager"]
    assert at.selectbox(key="wave").value == "2025-H1"
    assert at.number_input(key="min_group").value == 6
    assert at.selectbox(key="group").value == "role"
    assert not at.info                                  # nothing was ignored


def test_filters_survive_page_switches():
    """Global filters follow the user; a page's own choices (group by...) stay with the page."""
    at = app("teams")
    at.multiselect(key="department").select("Sales")
    at.selectbox(key="group").select("role")
    at.run()
    assert at.sidebar.code[0].value == "/teams?department=Sales&group=Role&wave=2025-H2"
    at.switch_page("pages/map.py")
    at.run()
    assert at.multiselect(key="department").value == ["Sales"]
    assert "department=Sales" in at.sidebar.code[0].value


def test_share_link_holds_page_and_filters():
    at = app("map")
    at.multiselect(key="department").select("Sales")
    at.run()
    link = at.sidebar.code[0].value
    assert link.startswith("/map?") and "department=Sales" in link
    fresh = app("map", department="Sales")
    assert fresh.multiselect(key="department").value == ["Sales"]


def test_hostile_and_unknown_params_are_ignored_with_a_notice():
    huge = "Z" * 5000
    at = app(department=["Nope", "'; DROP TABLE waves; --", huge, "Sales"],
             min_group="abc", foo="<script>alert(1)</script>", wave="no such wave")
    assert not at.error
    assert at.multiselect(key="department").value == ["Sales"]
    assert at.number_input(key="min_group").value == 5
    assert at.selectbox(key="wave").value == "2025-H2"
    notice = at.info[0].value
    assert "Nope" in notice and "DROP TABLE" in notice and "foo" in notice
    assert "min_group" in notice and "wave" in notice
    assert huge not in notice and "ZZZ…" in notice       # long values are truncated
    assert "foo" not in at.query_params
    assert len(store.waves(db().cursor())) == 2          # and of course nothing was dropped


@pytest.mark.parametrize("value, used", [("1e999", 5), ("inf", 5), ("-1", 5), ("7.2", 8),
                                         ("abc", 5), ("5000", 5)])
def test_bad_minimum_in_the_link(value, used):
    at = app(min_group=value)
    assert at.session_state["_lvm_filters"].min_group == used
    assert "min_group" in at.info[0].value


def test_notice_can_be_dismissed():
    at = app(department="Nope")
    assert at.info
    at.button(key="_lvm_dismiss_notice").click()
    at.run()
    assert not at.info


@pytest.mark.parametrize("page", [p for p in CHARTS if p != "data"])
def test_too_small_selection_shows_the_explanation(page):
    at = app(page, min_group="1000")
    assert charts(at) == 0
    assert any("anonymity minimum of 1000" in w.value for w in at.warning)


def test_hidden_groups_are_counted():
    at = app("teams", min_group="20")
    captions = " ".join(c.value for c in at.caption).replace("\\", "")   # Markdown escapes
    assert "groups hidden (" in captions and "): fewer than 20 respondents" in captions


def _upload_file(tmp_path: Path) -> bytes:
    path = tmp_path / "pilot.csv"
    write_sample(path, 80, seed=3, waves=1)
    return path.read_bytes()


def test_upload_preview_and_confirmed_import(tmp_path):
    at = app("data")
    at.file_uploader[0].upload("pilot.csv", _upload_file(tmp_path), "text/csv")
    at.run()
    assert at.text_input(key="imp_wave").value == "pilot"    # no dates: the file name
    at.text_input(key="imp_wave").input("2026-H1")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert metric(at, "Rows read") == "80"
    assert len(store.waves(db().cursor())) == 2          # the preview stored nothing
    button = next(b for b in at.button if b.label.startswith("Import "))
    button.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    waves = store.waves(db().cursor())
    assert waves.set_index("wave").loc["2026-H1", "respondents"] == 80
    assert any("2026-H1" in s.value for s in at.success)
    assert "2026-H1" in at.selectbox(key="wave").options


def test_upload_with_problems_lists_them(tmp_path):
    raw = _upload_file(tmp_path).decode().splitlines()
    header = raw[0].split(",")
    row = raw[1].split(",")
    row[header.index("VE_L1")] = "banana"
    data = "\n".join([raw[0], ",".join(row), *raw[2:]]).encode()
    at = app("data")
    at.file_uploader[0].upload("bad.csv", data, "text/csv")
    at.run()
    assert any("invalid value" in w.value for w in at.warning)
    assert metric(at, "Rejected") == "1"
    button = next(b for b in at.button if b.label.startswith("Import "))
    assert button.disabled                            # until "skip invalid rows" is ticked
    at.checkbox(key="imp_skip").check()
    at.run()
    assert not next(b for b in at.button if b.label.startswith("Import ")).disabled


def test_rename_and_delete_a_wave():
    at = app("data")
    at.selectbox(key="admin_wave").select("2025-H1")
    at.text_input(key="admin_new_name").input("Spring 2025")
    at.run()
    next(b for b in at.button if b.label == "Rename").click()
    at.run()
    assert "Spring 2025" in store.waves(db().cursor())["wave"].tolist()
    at.selectbox(key="admin_wave").select("Spring 2025")
    at.run()
    next(b for b in at.button if b.label.startswith("Delete wave")).click()
    at.run()
    assert len(store.waves(db().cursor())) == 2          # asked first, nothing deleted yet
    next(b for b in at.button if b.label == "Yes, delete it").click()
    at.run()
    assert store.waves(db().cursor())["wave"].tolist() == ["2025-H2"]
    assert not at.exception


def test_download_is_filtered_and_formula_safe():
    at = app("data")
    at.multiselect(key="department").select("HR")
    at.run()
    button = at.get("download_button")
    assert button, "no download button"
    assert "Department: HR" in " ".join(c.value for c in at.caption)


def test_mapping_editor_choices_round_trip():
    taken: set[str] = set()
    assert mapping_editor.parse("item · VE_L1", "Q1", taken) == ("item", "VE_L1")
    assert mapping_editor.parse("department", "Dept", taken) == ("department", "department")
    assert mapping_editor.parse("respondent id", "ID", taken) == ("respondent_id",
                                                                   "respondent_id")
    assert mapping_editor.parse("ignored", "x", taken) == ("ignored", None)
    assert mapping_editor.parse("attribute", "Office site", taken) == ("attribute", "office_site")
    assert mapping_editor.parse("attribute", "Office site", taken) == ("attribute",
                                                                       "office_site_2")


def test_params_helpers():
    assert params.invalid_values(["a", "b", "a", ""], ["a"]) == ["b"]
    assert params.check_number(["7"], 5, 10) is None
    assert "not a number" in params.check_number(["x"], 5, 10)
    assert "not a whole number" in params.check_number(["7.5"], 5, 10)
    for bad in ("99999999999999", "1e999", "-inf", "nan", "3"):
        assert "outside" in params.check_number([bad], 5, 10)
    assert params.quote_value("[x](http://evil)`") == "`[x](http://evil)'`"
    assert params.share_url("/teams", {"department": ["A & B", "C"]}) == \
        "/teams?department=A+%26+B&department=C"
    assert params.unknown_keys(["foo", "embed", "wave"], {"wave"}) == ["foo"]


def test_export_csv_matches_store(tmp_path):
    from lvm_data.export import scores_csv
    cur = db().cursor()
    app()                                                # loads the sample
    result = store.group_scores(cur, by="team")
    df = pd.read_csv(io.BytesIO(scores_csv(result.table)), encoding="utf-8-sig")
    assert len(df) == len(result.table)



def test_tables_offer_no_unsafe_csv_export():
    """st.dataframe's own "Download as CSV" writes cells unneutralised: the app switches it
    off (in the config file and from app.py, for servers started elsewhere)."""
    import tomllib

    from streamlit import config
    assert tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"][
        "disableDataExport"] is True
    config.set_option("client.disableDataExport", False)
    app("teams")
    assert config.get_option("client.disableDataExport") is True

