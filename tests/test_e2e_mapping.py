"""Issue 10 in a real browser: a LimeSurvey export with code headings is mapped in the grid
(department, team and one item chosen by hand), imported, its codebook saved; the next
wave of the same layout is mapped with no clicks ("mapping from wave ...")."""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from lvm_data.instrument import load_default
from tools.example_exports import limesurvey_codes, limesurvey_header
from tools.serve import CHROMIUM, COUNT_RUNS, full_height, server, wait_drawn

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
sync_api = pytest.importorskip("playwright.sync_api")
SCREENSHOTS = Path(os.environ.get("LVM_SCREENSHOTS") or tempfile.mkdtemp(prefix="lvm_shots_"))


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e_mapping")
    settings = tmp / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    with server(tmp / "e2e.duckdb", settings, log=tmp / "streamlit.log") as url:
        yield url


def metric(main, label: str) -> str:
    return main.get_by_test_id("stMetric").filter(has_text=label) \
        .get_by_test_id("stMetricValue").inner_text()


def upload(page, path: Path):
    page.locator("input[type='file']").first.set_input_files(str(path))
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for(timeout=60_000)
    wait_drawn(page)
    return page.get_by_test_id("stMain")


def choose(page, editor, row: int, option, search: str | None = None) -> None:
    """Open the "Use as" cell of ``row`` (select a cell of that column, go to the top, then
    down) and pick."""
    expect = sync_api.expect
    selected = editor.locator("td[aria-selected='true']")
    for attempt in range(3):        # a grid still redrawing after a rerun may miss the keys
        editor.scroll_into_view_if_needed()
        box = editor.bounding_box()
        page.mouse.click(box["x"] + 300, box["y"] + 35 + 17)   # "Use as": 2nd column, 200 px
        page.keyboard.press("Control+ArrowUp")      # the grid may have scrolled: to row 0
        try:
            expect(selected).to_have_attribute("data-testid", "glide-cell-1-0", timeout=3000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    expect(selected).to_have_attribute("data-testid", f"glide-cell-1-{row}")
    page.keyboard.press("Enter")
    if search:                              # the list is searchable: typing narrows it
        page.keyboard.type(search)
        expect(page.get_by_role("option")).to_have_count(1)
    runs = page.evaluate(COUNT_RUNS)
    page.get_by_role("option", name=option).first.click()
    # a rerun can start and end between two polls of the state: count the runs instead
    page.wait_for_function(f"() => window.__runs > {runs}", timeout=30_000)
    wait_drawn(page)


def test_limesurvey_codes_mapped_in_the_grid_then_remembered(page, base_url, tmp_path):
    expect = sync_api.expect
    header = limesurvey_header()
    last = load_default().items[-1]
    first = limesurvey_codes(tmp_path / "results-survey841.csv", 40, datetime(2026, 10, 2, 9))
    page.goto(f"{base_url}/data")
    wait_drawn(page)
    main = upload(page, first)
    expect(main.get_by_text(re.compile(r"Format: LimeSurvey \(detected"))).to_be_visible()
    expect(main.get_by_text(f"no column for item {last.id}", exact=False)).to_be_visible()
    button = main.get_by_role("button", name=re.compile(r"^Import \d+ responses"))
    expect(button).to_be_disabled()
    assert page.get_by_role("textbox", name="Wave name").input_value() == "2026-10"

    editor = main.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Use as"))
    choose(page, editor, header.index("G01Q01"), re.compile("^department$"))
    choose(page, editor, header.index("G01Q02"), re.compile("^team$"))
    choose(page, editor, header.index("G03Q01"), re.compile(f"^{last.id} · "),
           search=last.id)
    for change in ("G01Q01 → department", "G01Q02 → team", f"G03Q01 → item · {last.id}"):
        expect(main.get_by_text(change)).to_be_visible()        # the edits, listed
    expect(main.get_by_role("button", name="Import 40 responses")).to_be_enabled(timeout=30_000)

    with page.expect_download() as info:                 # the codebook holds every choice
        main.get_by_role("button", name="Download the mapping as a codebook CSV").click()
    saved = dict(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert saved["G01Q01"] == "department" and saved["G01Q02"] == "team"
    assert saved["G03Q01"] == last.id and saved["G02Q01[VE_L1]"] == "VE_L1"
    assert saved["id"] == "respondent_id" and saved["startlanguage"] == "ignore"

    main.get_by_role("button", name="Import 40 responses").click()
    main.get_by_test_id("stAlert").filter(has_text="imported").wait_for(timeout=60_000)
    wait_drawn(page)
    assert "removed the sample waves" in main.get_by_test_id("stAlert").filter(
        has_text="imported").inner_text()

    # the next wave, same headers: mapped as confirmed, no click
    second = limesurvey_codes(tmp_path / "results-survey841 (1).csv", 30,
                              datetime(2027, 1, 6, 9), seed=2)
    main = upload(page, second)
    expect(main.get_by_text("Mapping from wave “2026-10”")).to_be_visible()
    expect(main.get_by_text("Not ready to import")).to_have_count(0)
    editor = main.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Use as"))
    expect(editor.get_by_test_id(f"glide-cell-1-{header.index('G01Q01')}")).to_have_text(
        "department")
    assert page.get_by_role("textbox", name="Wave name").input_value() == "2027-01"
    page.set_viewport_size({"width": 1400, "height": 1000})
    full_height(page)
    page.screenshot(path=str(SCREENSHOTS / "data-mapping-remembered.png"), full_page=True)
    main.get_by_role("button", name="Import 30 responses").click()
    main.get_by_test_id("stAlert").filter(has_text="imported").wait_for(timeout=60_000)
    wait_drawn(page)
    waves = main.get_by_test_id("stDataFrame").filter(
        has=page.locator("th", has_text="Respondents"))
    expect(waves.locator("tbody tr")).to_have_count(2)
    expect(waves.locator("tbody tr").first).to_contain_text("2026-10")
    # the department chosen in the grid is a filter now (40 in 2 departments of 20)
    dept = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text="Department")
    dept.locator("input").click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    options = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
    assert {"Engineering", "Sales"} <= set(options), options
    assert not {"HR", "Finance", "Marketing"} & set(options), options      # no sample left
