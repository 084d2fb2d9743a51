"""The Data page and the pages around it (AppTest): demo data, wave names, the rename,
the mapping grid with nothing matched, and the rough edges of issue 10."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lvm_data import store
from lvm_data.sample import write_sample
from lvm_ui import mapping_editor

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXT = ROOT / "tests" / "fixtures" / "external"


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


def db():
    from lvm_data.settings import load_settings
    return store.connect(load_settings().db_path)


def infos(at) -> str:
    """The text of the page's markdown lines (the sample banner is one)."""
    return " ".join(m.value for m in at.markdown)


def test_rename_shows_the_new_name_in_the_sidebar_at_once():
    """The sidebar showed the older wave; after renaming it, it shows the same wave under
    its new name (not the old name, and not another wave)."""
    at = app("data")
    at.selectbox(key="wave").select("2025-H1")
    at.run()
    at.selectbox(key="admin_wave").select("2025-H1")
    at.text_input(key="admin_new_name").input("Spring 2025")
    at.run()
    next(b for b in at.button if b.label == "Rename").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="wave").value == "Spring 2025"
    assert "2025-H1" not in at.selectbox(key="wave").options
    assert at.selectbox(key="admin_wave").value == "Spring 2025"


def _pilot(tmp_path) -> bytes:
    path = tmp_path / "pilot.csv"
    write_sample(path, 80, seed=3, waves=1)
    return path.read_bytes()


def _import(at, name: str, data: bytes, keep: bool = False) -> None:
    at.file_uploader[0].upload(name, data, "text/csv")
    at.run()
    if keep:
        at.checkbox(key="imp_keep_demo").check()
        at.run()
    next(b for b in at.button if b.label.startswith("Import ")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_sample_is_marked_and_leaves_with_the_first_import(tmp_path):
    at = app("data")
    assert "Sample data" in infos(at)                      # the banner, on every page
    assert store.demo.names(db().cursor()) == ["2025-H1", "2025-H2"]
    _import(at, "pilot.csv", _pilot(tmp_path))
    waves = store.waves(db().cursor())["wave"].tolist()
    assert waves == ["pilot"]
    assert any("removed the sample waves" in s.value for s in at.success)
    assert "Sample data" not in infos(at)
    overview = app("overview")
    assert "Sample data" not in infos(overview)
    assert next(m.value for m in overview.metric if m.label == "Waves") == "1"


def test_sample_can_be_kept(tmp_path):
    at = app("data")
    _import(at, "pilot.csv", _pilot(tmp_path), keep=True)
    assert store.waves(db().cursor())["wave"].tolist() == ["2025-H1", "2025-H2", "pilot"]
    assert "Sample data" in infos(at)                      # still demo, still said


def test_an_emptied_database_is_not_refilled_with_the_sample():
    """Deleting every wave (here the sample's own) retires the sample: after a restart the
    dashboard stays empty instead of loading it again."""
    from lvm_ui import common
    app()
    for name in ("2025-H1", "2025-H2"):
        store.delete_wave(db().cursor(), name)
    common._prepared.clear()                                # as after a server restart
    at = app()
    assert store.waves(db().cursor()).empty
    assert any("No survey data yet" in i.value for i in at.sidebar.info)


def test_nothing_matched_still_shows_the_grid_and_the_items(tmp_path):
    """The real LimeSurvey export matches no item: no dead end; the grid lists its 45
    columns with sample answers, the items are listed, the import waits for a mapping."""
    data = (EXT / "PLR_tool_AP_results-survey.csv").read_bytes()
    at = app("data")
    at.file_uploader[0].upload("results-survey.csv", data, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Not ready to import" in e.value for e in at.error)
    assert not any("cannot be imported" in e.value for e in at.error)
    assert any("Format: LimeSurvey (detected" in c.value for c in at.caption)
    button = next(b for b in at.button if b.label.startswith("Import "))
    assert button.disabled
    grid = next(d for d in at.dataframe if "use_as" in d.value.columns)
    assert len(grid.value) == 45
    assert grid.value.set_index("column").loc["QMIQ02[QMI01]", "sample"].startswith("7 · 5")
    items = next(d for d in at.dataframe if "pole" in d.value.columns)
    assert len(items.value) == 35 and set(items.value["pole"]) == {"leadership", "management"}
    assert at.text_input(key="imp_wave").value == "results-survey"


def test_template_holds_every_column_with_its_best_guess():
    from lvm_data import ingest, mapping
    from lvm_data.instrument import parse_codebook
    con = db()
    report = ingest.import_file(con, EXT / "qualtRics_sample.csv", ingest.Options(),
                                dry_run=True)
    text = mapping.to_codebook_csv(report.matches, report.instrument)
    rows = dict(line.split(",", 1) for line in text.splitlines()[1:])
    assert len(rows) == len(report.matches)
    assert rows["ResponseId"] == "respondent_id" and rows["IPAddress"] == "ignore"
    book = parse_codebook(text)
    assert book.columns["ResponseId"] == ("respondent_id", "respondent_id")


def test_item_choices_are_grouped_and_labelled():
    from lvm_data.instrument import load_default
    inst = load_default()
    options = mapping_editor.choices(inst)
    items = [o for o in options if o.startswith(mapping_editor.ITEM_PREFIX)]
    poles = [(inst.by_id()[o.split(" · ")[1]].dimension, inst.by_id()[o.split(" · ")[1]].pole)
             for o in items]
    assert poles == sorted(poles, key=lambda p: (inst.dimensions.index(p[0]), p[1]))
    label = mapping_editor.labeller(inst)("item · VE_L1")
    assert label.startswith("VE_L1 · Vision (leadership) · ")
    assert mapping_editor.labeller(inst)("department") == "department"


def test_compare_starts_from_the_sidebar_and_says_so():
    at = app("compare", department=["Sales", "HR"], role="Individual contributor")
    assert {at.selectbox(key="side_a").value, at.selectbox(key="side_b").value} == \
        {"Sales", "HR"}
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Both sides keep the sidebar's filters: Wave 2025-H2 · Role: Individual " \
           "contributor." in caption
    assert "The department compared replaces the sidebar's department (Sales, HR)" in caption
    one = app("compare", department="Sales")
    assert one.selectbox(key="side_a").value == "Sales"
    assert one.selectbox(key="side_b").value != "Sales"


def test_teams_with_sales_and_manager_shows_the_all_row_and_why():
    """Every team of Sales' 6 managers (2025-H1) is below the minimum: the page still shows
    the reportable "All respondents" row, and says how many groups it hides and why."""
    at = app("teams", wave="2025-H1", department="Sales", role="Manager")
    assert len(at.get("plotly_chart")) == 2 and not at.warning
    assert set(at.dataframe[-1].value["group"]) == {"All respondents"}
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "4 groups hidden" in captions and "fewer than 5 respondents" in captions
    refused = app("teams", wave="2025-H2", department="Sales", role="Manager")   # 4 people
    assert any("fewer respondents than the anonymity minimum" in w.value
               for w in refused.warning)


def test_wide_tables_pin_the_group_column():
    """Teams and Compare: the group (and dimension) stay in view while the table scrolls
    sideways to the archetype."""
    import json
    teams = json.loads(app("teams").dataframe[-1].proto.columns)
    assert teams["group"]["pinned"] and teams["dimension_label"]["pinned"]
    compare = json.loads(app("compare").dataframe[-1].proto.columns)
    assert compare["dimension"]["pinned"]


def test_response_rates_on_the_overview_and_in_the_heatmap(tmp_path):
    """Headcount 100 per department of the sample's 2025-H2 wave: the rates are the
    departments' respondents (counted here with pandas) in percent."""
    import pandas as pd

    from lvm_data import headcount
    raw = pd.read_csv(ROOT / "sample_data" / "sample_export.csv")
    counts = raw[raw["wave"] == "2025-H2"]["Department"].value_counts()
    at = app()
    text = "department,headcount\n" + "".join(f"{d},100\n" for d in counts.index)
    headcount.store_file(db().cursor(), text, "2025-H2")
    at = app("overview")
    assert next(m.value for m in at.metric if m.label == "Response rate") == \
        f"{counts.sum() / (100 * len(counts)):.0%}"
    table = next(d for d in at.dataframe if "response_rate" in d.value.columns).value
    assert table.set_index("group")["response_rate"].to_dict() == pytest.approx(
        (counts / 100).to_dict())
    teams = app("teams", group="Department")
    heat = teams.get("plotly_chart")[0].proto.spec
    assert f"response rate {round(100 * counts.iloc[0] / 100)}% of 100" in heat
    shown = teams.dataframe[-1].value                     # the table (and its download)
    rates = shown[shown["dimension_label"] == "Vision vs Execution"].set_index("group")
    assert rates.loc[counts.index[0], "response_rate"] == pytest.approx(counts.iloc[0] / 100)


def test_headcount_upload_on_the_data_page():
    at = app("data")
    uploader = next(u for u in at.file_uploader if u.key == "hc_file")
    uploader.upload("heads.csv", b"department,headcount\nSales,80\nHR,70\n", "text/csv")
    at.run()
    next(b for b in at.button if b.label == "Store the headcounts").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Stored 2 headcount rows" in s.value for s in at.success)
    table = store.participation.load(db().cursor(), int(store.waves(db().cursor())
                                                         .iloc[-1]["wave_id"]))
    assert sorted(zip(table["department"], table["headcount"])) == [("HR", 70), ("Sales", 80)]
    bad = next(u for u in at.file_uploader if u.key == "hc_file")
    bad.upload("bad.csv", b"department,size\nSales,80\n", "text/csv")
    at.run()
    next(b for b in at.button if b.label == "Store the headcounts").click()
    at.run()
    assert any("needs a headcount column" in e.value for e in at.error)


def test_the_dashboard_import_holds_the_file_only_to_store(tmp_path, monkeypatch):
    """While the upload is read and checked (in memory), another process writes to the
    database without waiting; the wave is stored afterwards all the same."""
    import subprocess
    import sys

    from lvm_data import ingest, memory_import
    from lvm_data.settings import load_settings
    at = app("data")
    path = load_settings().db_path
    script = ("import sys; from lvm_data.store import session\n"
              "with session.briefly(sys.argv[1], wait=0.5) as con:\n"
              "    con.execute(\"INSERT OR REPLACE INTO meta VALUES ('probe', 'during')\")\n")
    seen = []

    def checking(*args, **kwargs):
        if args[2].dry_run:                  # the preview reads in the page run: not this
            return prepare(*args, **kwargs)
        done = subprocess.run([sys.executable, "-c", script, path], cwd=ROOT, timeout=60,
                              capture_output=True, text=True)
        seen.append(done.returncode)
        return prepare(*args, **kwargs)
    prepare = ingest.prepare
    monkeypatch.setattr(memory_import.ingest, "prepare", checking)
    _import(at, "pilot.csv", _pilot(tmp_path))
    assert seen == [0]                             # the other process got in at once
    cur = db().cursor()
    assert "pilot" in store.waves(cur)["wave"].tolist()
    assert cur.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone() == ("during",)
