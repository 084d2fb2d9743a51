"""The dashboard in a real browser: share links, deep links and an upload.

One Streamlit server for the module (a temp database, loaded with the sample on first
use) and Debian's headless chromium. Skipped when chromium is not installed.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lvm_data.sample import write_sample
from tools.serve import CHROMIUM, launch, server, wait_drawn

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    settings = tmp / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    with server(tmp / "e2e.duckdb", settings, log=tmp / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url):
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


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
        link = fresh.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
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
