"""The dashboard in a real browser: share links, deep links, uploads and the mapping fix.

One Streamlit server for the module (a temp database, loaded with the sample on first
use) and Debian's headless chromium. Skipped when chromium is not installed.
"""
from __future__ import annotations

import csv
import os
import re
import tempfile
from pathlib import Path

import pytest

from lvm_data.instrument import load_default
from lvm_data.sample import write_sample
from tools.serve import CHROMIUM, full_height, server, wait_drawn

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    settings = tmp / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    with server(tmp / "e2e.duckdb", settings, log=tmp / "streamlit.log") as url:
        yield url


def respondents(page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Respondents")
    return metric.get_by_test_id("stMetricValue").inner_text()


def chosen(page, label: str) -> list[str]:
    """The tags of a sidebar multiselect (they may render a moment after the script run)."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)
    tags = box.locator(".react-aria-ComboBox [data-tag] span[title]")
    tags.first.wait_for(timeout=10_000)
    return [t.strip() for t in tags.all_inner_texts()]


def choose(page, label: str, value: str) -> None:
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=value, exact=True).click()
    page.keyboard.press("Escape")


def test_deep_link_works_on_a_fresh_server(page, base_url):
    """The first request after start is a deep link with filters (no pages/ folder trap)."""
    page.goto(f"{base_url}/teams?department=HR&department=Sales&group=Role")
    wait_drawn(page)
    assert page.get_by_role("heading", name="Teams & roles").is_visible()
    assert chosen(page, "Department") == ["HR", "Sales"]
    assert page.locator(".js-plotly-plot").count() == 2
    assert "/teams?" in page.url


def test_no_request_leaves_this_machine(page, base_url):
    """Offline (an intranet, a laptop on a train) a page must not wait for the internet:
    no font, icon or favicon may come from anywhere but the dashboard's own server."""
    hosts = []
    page.on("request", lambda r: hosts.append(r.url.split("/")[2]))
    for path in ("overview", "teams", "dimensions", "data"):
        page.goto(f"{base_url}/{path}")
        wait_drawn(page)
    assert hosts and set(hosts) == {base_url.split("/")[2]}, sorted(set(hosts))


def test_filter_change_is_in_the_url_and_a_fresh_browser_sees_the_same(page, browser, base_url):
    page.goto(f"{base_url}/overview")
    wait_drawn(page)
    everyone = respondents(page)
    choose(page, "Department", "Engineering")
    page.wait_for_url(re.compile(r"department=Engineering"))
    wait_drawn(page)
    filtered = respondents(page)
    assert int(filtered) < int(everyone.replace(",", ""))
    shared = page.url
    assert "/overview?" in shared
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Trends").click()
    page.wait_for_url(re.compile(r"/trends\?department=Engineering"))
    wait_drawn(page)
    assert chosen(page, "Department") == ["Engineering"]
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.goto(shared)
        wait_drawn(fresh)
        assert chosen(fresh, "Department") == ["Engineering"], (shared, fresh.url)
        assert respondents(fresh) == filtered
        fresh.get_by_test_id("stSidebar").get_by_role("button", name="Link to this view").click()
        link = fresh.get_by_test_id("stPopoverBody").get_by_test_id("stCode").inner_text()
        assert "/overview?" in link and "department=Engineering" in link
    finally:
        other.close()


def test_hostile_link_shows_a_notice_not_an_error(page, base_url):
    page.goto(f"{base_url}/overview?department=%27%3B%20DROP%20TABLE%20waves%3B--"
              f"&min_group=1e999&foo=%3Cscript%3E")
    wait_drawn(page)
    notice = page.get_by_test_id("stAlert").filter(has_text="ignored").inner_text()
    assert "DROP TABLE" in notice and "foo" in notice and "min_group" in notice
    assert page.get_by_test_id("stException").count() == 0
    assert respondents(page)                              # the dashboard still shows


def test_upload_preview_and_import(page, base_url, tmp_path):
    export = tmp_path / "pulse.csv"
    write_sample(export, 120, seed=11, waves=1)
    page.goto(f"{base_url}/data")
    wait_drawn(page)
    page.locator("input[type='file']").first.set_input_files(str(export))
    page.get_by_role("textbox", name="Wave name").fill("Pulse 2026")
    page.get_by_role("textbox", name="Wave name").press("Enter")
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for(timeout=60_000)
    wait_drawn(page)
    assert page.get_by_test_id("stMetric").filter(has_text="Rows read") \
        .get_by_test_id("stMetricValue").inner_text() == "120"
    page.get_by_role("button", name=re.compile(r"^Import 120 responses")).click()
    page.get_by_test_id("stAlert").filter(has_text="Pulse 2026").wait_for(timeout=120_000)
    wait_drawn(page)
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for()
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    assert page.get_by_role("option", name="Pulse 2026").count() == 1


AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
NEW_DEPTS = ["Harbour Ops", "Tide Lab"]           # not departments of the bundled sample
# Set LVM_SCREENSHOTS=docs/screenshots to refresh the walkthrough images; tests never write
# into the working tree by default.
SCREENSHOTS = Path(os.environ.get("LVM_SCREENSHOTS") or tempfile.mkdtemp(prefix="lvm_shots_"))


def google_forms_export(path: Path, bad_row: int, bad_item: int) -> Path:
    """A Google Forms responses CSV: Timestamp, one column per statement headed by its full
    text, answers as labels, and a last question "Where do you work?" that the mapper takes
    for a free attribute, not the department. One answer is off the scale."""
    items = load_default().items
    rows = [["Timestamp", *[i.text for i in items], "Where do you work?"]]
    for r in range(7):
        answers = [AGREE[(3 * r + 7 * k) % 5] for k in range(len(items))]
        if r == bad_row:
            answers[bad_item] = "Sometimes"
        # five of the six imported rows work in Harbour Ops, one in Tide Lab
        rows.append([f"3/{r + 2}/2026 9:{r:02d}:17", *answers, NEW_DEPTS[r == 6]])
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return path


def department_options(page) -> list[str]:
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text="Department")
    box.locator("input").click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    names = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return names


def shoot(page, name: str) -> None:
    """A full-page screenshot for docs/screenshots (the viewport grown to the content)."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    full_height(page)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_upload_fix_mapping_validate_and_confirm(page, base_url, tmp_path):
    """Upload → preview with the bad answer → "Use as" corrected in the grid → skip the bad
    row → import; the corrected column is stored as the department."""
    bad_row, bad_item = 3, 4
    export = google_forms_export(tmp_path / "Team leadership survey (Responses).csv",
                                 bad_row, bad_item)
    expect = sync_api.expect
    page.goto(f"{base_url}/data")
    wait_drawn(page)
    before = department_options(page)
    assert not set(NEW_DEPTS) & set(before), before

    # 1. upload: the preview names the tool and the bad answer, and blocks the import
    page.locator("input[type='file']").first.set_input_files(str(export))
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for(timeout=60_000)
    wait_drawn(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("Format: Google Forms")).to_be_visible()
    metric = {m: main.get_by_test_id("stMetric").filter(has_text=m)
              .get_by_test_id("stMetricValue").inner_text()
              for m in ("Rows read", "Will be imported", "Rejected")}
    assert metric == {"Rows read": "7", "Will be imported": "6", "Rejected": "1"}
    problems = main.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="reason"))
    assert problems.locator("tbody tr").count() == 1
    assert problems.locator("tbody td").all_inner_texts() == [
        str(bad_row + 2), load_default().items[bad_item].text, "Sometimes", "invalid value"]
    import_button = main.get_by_role("button", name="Import 6 responses")
    expect(import_button).to_be_disabled()
    shoot(page, "data-walkthrough-1-preview.png")

    # 2. the mapping editor: "Where do you work?" (last row) is proposed as an attribute;
    # select its "Use as" cell (first row, then Ctrl+Down), open the dropdown, pick department
    editor = main.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Use as"))
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    page.mouse.click(box["x"] + 300, box["y"] + 35 + 17)    # "Use as" is the 2nd, 200 px column
    page.keyboard.press("Control+ArrowDown")
    last = 1 + len(load_default().items)                      # Timestamp, the items, then ours
    selected = editor.locator("td[aria-selected='true']")
    expect(selected).to_have_attribute("data-testid", f"glide-cell-1-{last}")
    expect(editor.get_by_test_id(f"glide-cell-0-{last}")).to_have_text("Where do you work?")
    expect(selected).to_have_text("attribute")
    page.evaluate("""() => {          // count script runs from here on: the edit starts one
        window.__lvmRuns = 0;
        const app = document.querySelector("[data-testid='stApp']");
        new MutationObserver(() => {
            if (app.getAttribute('data-test-script-state') === 'running') window.__lvmRuns++;
        }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }""")
    page.keyboard.press("Enter")
    page.get_by_role("option", name="department", exact=True).click()
    page.wait_for_function("() => window.__lvmRuns > 0", timeout=30_000)
    wait_drawn(page)
    expect(editor.get_by_test_id(f"glide-cell-1-{last}")).to_have_text("department")

    # 3. validate: skipping the invalid row enables the import
    main.get_by_test_id("stCheckbox").filter(has_text="Skip rows with invalid answers").click()
    expect(import_button).to_be_enabled(timeout=30_000)
    wait_drawn(page)
    expect(editor.get_by_test_id(f"glide-cell-1-{last}")).to_have_text("department")
    shoot(page, "data-walkthrough-2-mapping-fixed.png")

    # 4. confirm: the import reports the skipped row, the wave is listed, and the column
    # became the department (the sidebar filter offers the names from the file)
    import_button.click()
    done = main.get_by_test_id("stAlert").filter(has_text="imported")
    done.wait_for(timeout=60_000)
    wait_drawn(page)
    # named from the Timestamps (March 2026), not the file name (issue 10)
    assert "'2026-03' (6 respondents)" in done.inner_text()
    assert "from a Google Forms export; 1 row skipped" in done.inner_text()
    waves = main.get_by_test_id("stDataFrame").filter(
        has=page.locator("th", has_text="Respondents"))
    expect(waves.locator("tbody tr").filter(has_text="2026-03")).to_contain_text("google_forms")
    shoot(page, "data-walkthrough-3-imported.png")
    # the new wave is shown: Harbour Ops (5) is listed; Tide Lab (1 person) never is
    after = department_options(page)
    assert after == [NEW_DEPTS[0]], after


def test_tables_offer_no_csv_download_of_their_own(page, base_url):
    """A table's toolbar would export cells unneutralised (=HYPERLINK...): it has none, while
    the page's own formula-safe download is there."""
    page.goto(f"{base_url}/teams")
    wait_drawn(page)
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    toolbar.get_by_role("button", name="Search").wait_for(timeout=10_000)   # toolbar is shown
    assert toolbar.get_by_role("button", name="Download as CSV").count() == 0
    assert page.get_by_test_id("stDownloadButton").count() == 1


MARGINS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(d => {
    const ticks = [...d.querySelectorAll('.ytick text')].map(t => t.getBBox().width);
    return {asked: [d.layout.margin.l, d.layout.margin.b],
            drawn: [d._fullLayout._size.l, d._fullLayout._size.b],
            widest: Math.max(0, ...ticks)}; })"""


def test_charts_fit_the_margins_reserved_for_them(page, base_url):
    """Figures come with room for their labels (lvm_data.charts.margins), so plotly's
    automargin finds nothing to push and draws each chart once; the room is what the
    browser measured for the labels plus 15-19.5 px (plotly itself pushed to 14.2-17.2
    px beyond the widest label), so nothing is cut and little is wasted."""
    reserved = []
    for path in ("overview", "teams", "dimensions"):
        page.goto(f"{base_url}/{path}")
        wait_drawn(page)
        reserved += [c for c in page.evaluate(MARGINS_JS) if c["asked"][0] > 10]
    # Overview: orientation, change since the last wave and archetype mix; Teams and
    # Dimensions: the pole bars by group (the heatmap's colour bar still pushes the right)
    assert len(reserved) >= 5, reserved
    for chart in reserved:
        assert chart["drawn"] == chart["asked"], chart                  # nothing pushed
        assert 15 <= chart["asked"][0] - chart["widest"] <= 19.5, chart
