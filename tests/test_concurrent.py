"""Commands beside a running dashboard: a real ``streamlit run`` server with a browser page
re-rendering, while the command line imports, reads, shares and deletes on the same file.

No "Conflicting lock" may reach anyone; the page shows the previous data until the import
commits and the new wave after it.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from lvm_data.sample import write_sample
from tools.serve import CHROMIUM, ROOT, launch, server, wait_drawn

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
sync_api = pytest.importorskip("playwright.sync_api")


def run(db, *args) -> subprocess.Popen:
    env = {**os.environ, "LVM_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "lvm_data", *args, "--db", str(db)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def rerender_until_done(page, proc: subprocess.Popen, limit: float = 90.0):
    """Keep the page busy until the command ends: every step switches between the Overview
    and Teams pages, so every step is a new script run that reads the database. Returns
    (stdout, stderr, reruns made while the command was still running)."""
    deadline = time.monotonic() + limit
    pages = ["Teams & roles", "Overview"]
    during = 0
    for i in range(10_000):
        running = proc.poll() is None
        page.get_by_test_id("stSidebarNav").get_by_text(pages[i % 2], exact=True).click()
        page.wait_for_url(re.compile("/teams" if i % 2 == 0 else "/overview"))
        wait_drawn(page)
        during += running
        if proc.poll() is not None or time.monotonic() > deadline:
            break
    out, err = proc.communicate(timeout=30)
    return out, err, during


def test_commands_beside_a_running_dashboard(tmp_path):
    settings = tmp_path / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    db = tmp_path / "shared.duckdb"
    write_sample(tmp_path / "late.csv", 60_000, seed=9, waves=1)
    with server(db, settings, log=tmp_path / "streamlit.log") as url, \
            sync_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/overview")
        wait_drawn(page)                           # the sample is loaded: 2025-H1, 2025-H2
        before = page.get_by_test_id("stMetric").filter(has_text="Waves").inner_text()
        assert "2" in before
        out, err, during = rerender_until_done(page, run(db, "import", str(tmp_path / "late.csv"),
                                                         "--wave", "2026-Q1", "--keep-sample"))
        assert "imported '2026-Q1' (60,000 respondents)" in out, err
        assert during >= 1, "the page never re-rendered while the import ran"
        for proc in (run(db, "scores", "--by", "department"),
                     run(db, "share", "create", "--where", "department=Sales"),
                     run(db, "delete-wave", "2025-H1")):
            out, err, _ = rerender_until_done(page, proc)
            assert proc.returncode == 0, err
            assert "Conflicting lock" not in err
        page.goto(f"{url}/overview")
        wait_drawn(page)
        waves = page.get_by_test_id("stMetric").filter(has_text="Waves")
        assert waves.get_by_test_id("stMetricValue").inner_text() == "2"   # +1 -1
        page.get_by_test_id("stSidebar").get_by_role("button", name="Link to this view").click()
        link = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode").first.inner_text()
        assert "wave=2026-Q1" in link.replace("\n", "")  # the newest wave is shown
        assert "Conflicting lock" not in page.content()
        browser.close()
    log = (tmp_path / "streamlit.log").read_text(errors="replace")
    assert "Conflicting lock" not in log and "Traceback" not in log


def test_a_command_says_it_waits_for_the_file(tmp_path):
    """Another process holds the file for a moment: the command says it waits, then works."""
    db = tmp_path / "held.duckdb"
    write_sample(tmp_path / "s.csv", 200, seed=3, waves=1)
    assert run(db, "import", str(tmp_path / "s.csv"), "--wave", "w").wait(timeout=120) == 0
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "time.sleep(2.5); c.close()"), str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    out, err = run(db, "scores").communicate(timeout=60)
    holder.wait(timeout=30)
    assert "waiting for the database" in err and "Conflicting lock" not in err
    assert out.startswith("group,dimension,n,")
