"""Benchmark of the dashboard: server time of a filter change, and first load in a browser.

    python bench/bench_app.py                        # 1,000,000 respondents (import takes a while)
    python bench/bench_app.py --respondents 50000    # quick run while developing
    python bench/bench_app.py --db big.duckdb        # reuse a database imported earlier

Targets: < 1 s of server time to re-render a page after a filter change (median of 3
changes, each to a new filter so no cached result can be reused), and < 3 s from
navigation until every chart of a page is drawn in headless Chromium. The browser part
runs first (its server holds the database file), then AppTest in this process.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"filter_change_s": 1.0, "first_load_s": 3.0}
PAGES = {"overview": 3, "teams": 2, "dimensions": 2, "compare": 1, "map": 1, "trends": 2}
FILTER_CHANGES = [("department", "Engineering"), ("department", "Sales"), ("role", "Manager")]


def build_db(db: Path, respondents: int, tmp: Path) -> None:
    from lvm_data import ingest, store
    from lvm_data.sample import write_sample

    csv = tmp / "bench_export.csv"
    t0 = time.perf_counter()
    write_sample(csv, respondents, seed=7, waves=2)
    t1 = time.perf_counter()
    con = store.connect(db)
    summary = ingest.import_file(con, csv, ingest.Options())
    con.close()
    csv.unlink()
    print(f"generated {respondents:,} respondents in {t1 - t0:.1f} s; "
          f"imported in {time.perf_counter() - t1:.1f} s: {summary.line()}")


def _load(page, url: str, charts: int) -> float:
    """Seconds from navigation until the script finished and ``charts`` charts are drawn."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        "n => document.querySelector(\"[data-testid='stApp']\")?.getAttribute("
        "'data-test-script-state') === 'notRunning' && "
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
        arg=charts, timeout=180_000, polling=50)
    return time.perf_counter() - t0


def browser_first_loads(db: Path, settings: Path) -> dict[str, dict[str, float]]:
    """Three first loads per page, on a fresh server:
    ``first``: the page's first visit, browser cache warm (a returning user), server
    query cache cold for that page (Overview is the server's very first run);
    ``cold_browser``: a new browser profile, so Streamlit's 4.7 MB Plotly bundle is
    downloaded and compiled again; ``warm``: the same page once more."""
    from playwright.sync_api import sync_playwright

    from tools.serve import launch, server

    times: dict[str, dict[str, float]] = {name: {} for name in PAGES}
    with server(db, settings, timeout=300) as url, sync_playwright() as p:
        browser = launch(p)
        user = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        for name, charts in PAGES.items():
            times[name]["first"] = _load(user, f"{url}/{name}", charts)
        for name, charts in PAGES.items():
            times[name]["warm"] = _load(user, f"{url}/{name}", charts)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            times[name]["cold_browser"] = _load(context.new_page(), f"{url}/{name}", charts)
            context.close()
        browser.close()
    return times


def server_filter_changes() -> dict[str, list[float]]:
    """AppTest run time of each page after a filter change (new filter each time)."""
    from streamlit.testing.v1 import AppTest

    times: dict[str, list[float]] = {}
    for name in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        at.switch_page(f"pages/{name}.py")
        at.run()
        runs = []
        for key, value in FILTER_CHANGES:
            widget = at.multiselect(key=key)
            widget.set_value([value])
            t0 = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t0)
            assert not at.exception, [e.value for e in at.exception]
            at.multiselect(key=key).set_value([])
        times[name] = runs
    return times


def report(first: dict[str, dict[str, float]], changes: dict[str, list[float]]) -> bool:
    ok = True
    print(f"\n{'page':<12}{'filter change':>15}{'first load':>13}{'warm':>8}"
          f"{'new browser':>13}   (server s; browser s until charts drawn)")
    for name in PAGES:
        med = statistics.median(changes[name])
        load = first[name]
        good = med < TARGETS["filter_change_s"] and load["first"] < TARGETS["first_load_s"]
        ok &= good
        print(f"{name:<12}{med:>13.3f} s{load['first']:>11.2f} s{load['warm']:>6.2f} s"
              f"{load['cold_browser']:>11.2f} s   {'ok' if good else 'SLOW'}")
    print(f"targets: filter change < {TARGETS['filter_change_s']} s (median of 3, new filter "
          f"each time); first load < {TARGETS['first_load_s']} s. Overview's first load is "
          "the server's first run (imports, opening the database).")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--db", help="an existing database to reuse (else a temp one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = Path(args.db) if args.db else tmp / "bench.duckdb"
        settings = tmp / "lvm_settings.toml"
        settings.write_text("min_group_size = 5\n")
        os.environ["LVM_SETTINGS"], os.environ["LVM_DB"] = str(settings), str(db)
        if not db.exists():
            build_db(db, args.respondents, tmp)
        first = browser_first_loads(db, settings)
        changes = server_filter_changes()
        return 0 if report(first, changes) else 1


if __name__ == "__main__":
    sys.exit(main())
