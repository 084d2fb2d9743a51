"""Two dashboard servers behind nginx (``tools.cluster``), one database file.

Sessions stay on their server (one websocket through every re-render, every request of a
browser reaching the server its cookie names), and what is written anywhere — a CLI import,
an upload imported on one server, a share link, a deleted wave — is seen by sessions on both.
A server that is down hands its visitors to the other.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from lvm_data.sample import write_sample
from tools.cluster import COOKIE, NGINX, cluster
from tools.serve import CHROMIUM, COUNT_RUNS, ROOT, wait_drawn

pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(NGINX)),
                                reason="chromium or nginx not installed (scripts/test.sh)")
sync_api = pytest.importorskip("playwright.sync_api")
ROLES = ["Individual contributor", "Manager"]


def cli(db, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lvm_data", *args, "--db", str(db)],
                            cwd=ROOT, env={**os.environ, "LVM_DB": str(db)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)




def rerender(page) -> None:
    """One rerun of the open page (no reload): the anonymity minimum between 5 and 6,
    waiting until the server has run the script again and every chart is drawn."""
    runs = page.evaluate("() => window.__runs")
    box = page.get_by_test_id("stSidebar").get_by_test_id("stNumberInput").filter(
        has_text="Anonymity minimum").locator("input")
    box.fill("6" if box.input_value() == "5" else "5")
    box.press("Enter")
    page.wait_for_function(f"() => window.__runs > {runs}", timeout=60_000)
    wait_drawn(page)


def rerender_while(pages, proc: subprocess.Popen, limit: float = 60.0) -> str:
    """Keep the pages re-rendering, in turn, until the command ends; returns its stdout."""
    deadline = time.monotonic() + limit
    i = 0
    while proc.poll() is None and time.monotonic() < deadline:
        rerender(pages[i % len(pages)])
        i += 1
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Conflicting lock" not in err, err
    return out


def waves_listed(page) -> list[str]:
    """The waves the sidebar's wave selector offers (latest first)."""
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    names = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return names


def on_server(browser, url: str, server: str | None, path: str):
    """A new browser session opening ``path``, forced onto ``server`` by the cookie; the
    caller waits for it to be drawn (``drawn``), so several sessions load side by side."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if server:
        context.add_cookies([{"name": COOKIE, "value": server, "url": url}])
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(url + path)
    return context, page, sockets


def drawn(*sessions) -> None:
    for _, page, _ in sessions:
        wait_drawn(page)
        page.evaluate(COUNT_RUNS)


def served_by(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def upload_wave(page, export, wave: str) -> None:
    """Import a file through the Data page (upload, preview, import), without a reload."""
    page.get_by_test_id("stSidebarNav").get_by_text("Data", exact=True).click()
    page.get_by_role("heading", name="Data").first.wait_for(timeout=60_000)
    wait_drawn(page)
    page.locator("input[type='file']").first.set_input_files(str(export))
    page.get_by_role("textbox", name="Wave name").fill(wave)
    page.get_by_role("textbox", name="Wave name").press("Enter")
    page.get_by_role("button", name=re.compile(r"^Import 120 responses")).click()
    page.get_by_test_id("stAlert").filter(has_text=wave).wait_for(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_text("Overview", exact=True).click()
    page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
    wait_drawn(page)


def link_on_each_server(browser, url: str, link: str) -> None:
    """The Sales link, opened on s1 and on s2 (forced by the cookie), shows Sales only."""
    viewers = {s: on_server(browser, url, s, link) for s in ("s1", "s2")}
    drawn(*viewers.values())
    for server, (context, page, _) in viewers.items():
        assert served_by(context) == server
        text = page.get_by_test_id("stApp").inner_text()
        assert "Sales" in text and "Engineering" not in text
        context.close()


def check_log(c) -> None:
    """Every request carrying a server's cookie reached that server, the websockets and the
    uploads included (nginx's access log, with the upstream address)."""
    addr = {f"s{i + 1}": u.removeprefix("http://") for i, u in enumerate(c.servers)}
    def complete(rows):
        return {r["cookie"] for r in rows if "/_stcore/stream" in r["request"]} >= set(addr)
    lines = [r for r in c.access_lines(until=complete) if r["cookie"] in addr]
    for r in lines:
        assert r["upstream"] == addr[r["cookie"]], r
    for kind in ("/_stcore/stream", "/_stcore/upload_file"):
        assert any(kind in r["request"] for r in lines), kind
    streams = {r["cookie"] for r in lines if "/_stcore/stream" in r["request"]}
    assert streams == set(addr)


def test_two_servers_behind_nginx(tmp_path, browser):
    settings = tmp_path / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    db = tmp_path / "shared.duckdb"
    write_sample(tmp_path / "late.csv", 20_000, seed=9, waves=1)
    write_sample(tmp_path / "pulse.csv", 120, seed=11, waves=1)
    out, err = cli(db, "import", str(ROOT / "sample_data" / "sample_export.csv")).communicate()
    assert "imported" in out, err          # real waves (the dashboard's demo would be replaced)
    with cluster(db, 2, settings) as c:
        a = on_server(browser, c.url, None, "/overview")      # nginx picks its server
        first = served_by(a[0])
        b = on_server(browser, c.url, {"s1": "s2", "s2": "s1"}[first], "/overview")
        drawn(a, b)
        assert served_by(b[0]) != first
        pages = [a[1], b[1]]
        sample = ["2025-H2", "2025-H1"]                         # the sample's two waves
        assert [waves_listed(p) for p in pages] == [sample, sample]

        out = rerender_while(pages, cli(db, "import", str(tmp_path / "late.csv"),
                                        "--wave", "2026-Q1"))
        assert "imported '2026-Q1' (20,000 respondents)" in out
        upload_wave(b[1], tmp_path / "pulse.csv", "Pulse 2026")  # an import on the other one
        for p in pages:
            rerender(p)
        both = ["Pulse 2026", "2026-Q1", *sample]
        assert [waves_listed(p) for p in pages] == [both, both]

        link = rerender_while(pages, cli(db, "share", "create", "--where", "department=Sales",
                                         "--page", "teams")).strip()
        assert link.startswith("/teams?share=")
        link_on_each_server(browser, c.url, link)

        rerender_while(pages, cli(db, "delete-wave", "2025-H1"))
        for p in pages:
            rerender(p)
        assert [waves_listed(p) for p in pages] == [both[:3], both[:3]]
        for _, p, _ in (a, b):
            assert p.get_by_test_id("stException").count() == 0
            assert "Conflicting lock" not in p.content()
        for _, _, sockets in (a, b):          # one websocket per session all along
            assert len(sockets) == 1 and not sockets[0].is_closed()
        for context, _, _ in (a, b):
            context.close()
        time.sleep(0.5)                       # nginx logs a websocket once it is closed
        check_log(c)
        logs = [(c.tmp / f"streamlit-s{i}.log").read_text(errors="replace") for i in (1, 2)]
    for log in logs:
        assert "Conflicting lock" not in log and "Traceback" not in log


def test_a_server_down_hands_its_visitors_to_another(tmp_path):
    """A browser whose cookie names a stopped server is served by the other one, and the
    cookie then names the server that answered."""
    with cluster(tmp_path / "down.duckdb", 2, tmp_path / "lvm_settings.toml") as c:
        os.killpg(c.pids[0], signal.SIGKILL)
        time.sleep(0.5)
        request = urllib.request.Request(c.url + "/_stcore/health",
                                         headers={"Cookie": f"{COOKIE}=s1"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200
            cookies = answer.headers.get_all("Set-Cookie")
            assert [c for c in cookies if c.startswith(f"{COOKIE}=")][0].startswith(
                f"{COOKIE}=s2;")
        rows = c.access_lines(until=lambda rows: any(r["cookie"] == "s1" for r in rows))
        upstreams = [r["upstream"] for r in rows if r["cookie"] == "s1"]
        assert upstreams[-1] == (f"{c.servers[0]}, {c.servers[1]}"   # tried s1, then s2
                                 .replace("http://", ""))
