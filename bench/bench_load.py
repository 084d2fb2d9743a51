"""Load benchmark: N sessions on one dashboard server while an import runs.

    python bench/bench_load.py                          # N = 1, 10, 25; 20,000-row sample
    python bench/bench_load.py --sessions 1 5 --steps 4 # quicker
    python bench/bench_load.py --think 0                # no pause between clicks (saturation)
    python bench/bench_load.py --client browser         # every session a Chromium context
    python bench/bench_load.py --sessions 10 --servers 1 2   # 1 vs 2 servers behind nginx

Each session changes filters and switches pages, pausing a think time between clicks
(``--think`` seconds on average, drawn from 0.5x to 1.5x; a viewer reads the chart before
the next click). By default the N sessions speak Streamlit's websocket protocol
(``tools/st_client.py``): a step is timed from the click's message until the server reports
the run finished, so the server is measured rather than N Chromium renderers sharing its
2 cores (a real viewer's browser runs on the viewer's machine). One more session, a real
headless Chromium, clicks alongside them, and its steps are timed until every chart is
drawn: what a viewer sees under that load. ``--client browser`` makes all N sessions
Chromium contexts instead (the earlier form of this benchmark). Midway,
``python -m lvm_data import`` writes a new wave to the same database file. Reported per
N: steps, errors (timeouts, exceptions, lock errors on the page), p50 and p95 seconds of
the N sessions and of the browser, server memory per session (peak resident memory
during the level minus the idle server's, divided by N; it includes the import's share
of the server's cache), and p95 against N = 1 measured in the same run. Target: 25
sessions at p95 < 2 s with 0 errors.

With ``--servers 1 2`` every level runs once per server count, each behind nginx with
sticky sessions (``tools/cluster.py``; 1 server behind the same proxy, so only the count
differs), on its own copy of the same database; memory is the servers' total, and the
ratios of p50 and p95 (2 servers / 1) are printed per N.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.cluster import cluster  # noqa: E402
from tools.serve import CHROMIUM, CHROMIUM_ARGS, COUNT_RUNS, DRAWN_JS, start  # noqa: E402
from tools.st_client import Session  # noqa: E402

DEPARTMENTS = ["Engineering", "Sales", "Operations", "Finance", "HR"]
PAGES = ["Teams & roles", "Dimensions & items", "Leadership–management map", "Overview"]


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the server processes together, from /proc."""
    total = 0.0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


async def _step(page, rng: random.Random, state: dict) -> None:
    """A filter change (a department not chosen yet) or a switch to another page."""
    runs = await page.evaluate("() => window.__runs")
    left = [d for d in DEPARTMENTS if d not in state["chosen"]]
    if left and rng.random() < 0.5:
        department = rng.choice(left)
        state["chosen"].add(department)
        box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
            has_text="Department")
        await box.locator("input").click()
        await page.get_by_role("option", name=department, exact=True).click()
        await page.keyboard.press("Escape")
    else:
        state["page"] = rng.choice([p for p in PAGES if p != state["page"]])
        await page.get_by_test_id("stSidebarNav").get_by_text(state["page"],
                                                              exact=True).click()
    await page.wait_for_function(f"() => window.__runs > {runs}", timeout=60_000)
    await page.wait_for_function(DRAWN_JS, timeout=60_000, polling=100)


async def _error_shown(page) -> str:
    """An exception or a lock error on the page, with its first words ("" if none)."""
    box = page.get_by_test_id("stException")
    if await box.count():
        return "on the page: " + " ".join((await box.first.inner_text()).split())[:90]
    text = " ".join((await page.get_by_test_id("stMain").inner_text()).split())
    at = text.lower().find("lock")
    return f"on the page: …{text[max(0, at - 50):at + 40]}…" if at >= 0 else ""


async def _session(browser, url: str, steps: int, seed: int, loaded: asyncio.Event,
                   go: asyncio.Event, times: list, errors: list, think: float) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    rng = random.Random(seed)
    try:
        await page.goto(f"{url}/overview")
        await page.wait_for_function(DRAWN_JS, timeout=120_000, polling=100)
        await page.evaluate(COUNT_RUNS)
        loaded.set()
        await go.wait()
        state = {"chosen": set(), "page": "Overview"}
        for _ in range(steps):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            start = time.perf_counter()
            try:
                await _step(page, rng, state)
                times.append(time.perf_counter() - start)
                if shown := await _error_shown(page):
                    errors.append(shown)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                errors.append(type(exc).__name__)
    except Exception as exc:  # noqa: BLE001
        loaded.set()
        errors.append(f"load: {type(exc).__name__}")
    finally:
        await context.close()


async def _protocol_session(url: str, steps: int, seed: int, loaded: asyncio.Event,
                            go: asyncio.Event, times: list, errors: list, think: float) -> None:
    """A viewer without a browser (``st_client``): the same clicks as ``_step``."""
    rng = random.Random(seed)
    session = Session()
    try:
        errors.extend((await session.open(url, "overview")).errors)
        loaded.set()
        await go.wait()
        chosen, page = [], "Overview"
        for _ in range(steps):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            left = [d for d in DEPARTMENTS if d not in chosen]
            if left and rng.random() < 0.5:
                chosen.append(rng.choice(left))
                run = await session.choose("Department", chosen)
            else:
                page = rng.choice([p for p in PAGES if p != page])
                run = await session.go(page)
            times.append(run.seconds)
            errors.extend(run.errors)
    except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
        loaded.set()
        errors.append(f"{type(exc).__name__}: {str(exc)[:80]}")
    finally:
        await session.close()


async def run_level(url: str, pids: list[int], n: int, steps: int, db: Path, export: Path,
                    wave: str, think: float = 0.0, client: str = "protocol") -> dict:
    from playwright.async_api import async_playwright
    times, errors, seen, seen_errors = [], [], [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in pids:                            # a server's first run is not a session's
            warm = await browser.new_page()       # (nginx sends each new one to the next)
            await warm.goto(f"{url}/overview")
            await warm.wait_for_function(DRAWN_JS, timeout=120_000, polling=100)
            await warm.close()
        before = rss_mb(pids)
        viewers = n + (client == "protocol")
        loaded = [asyncio.Event() for _ in range(viewers)]
        go = asyncio.Event()
        if client == "protocol":
            tasks = [asyncio.create_task(_protocol_session(url, steps, 1000 * n + i, loaded[i],
                                                           go, times, errors, think))
                     for i in range(n)]
            tasks.append(asyncio.create_task(_session(browser, url, steps, 7, loaded[n], go,
                                                      seen, seen_errors, think)))
        else:
            tasks = [asyncio.create_task(_session(browser, url, steps, 1000 * n + i, loaded[i],
                                                  go, times, errors, think)) for i in range(n)]
        peak = [before]

        async def watch() -> None:
            while True:
                peak[0] = max(peak[0], rss_mb(pids))
                await asyncio.sleep(0.2)
        watcher = asyncio.create_task(watch())
        await asyncio.gather(*(e.wait() for e in loaded))
        importer = subprocess.Popen([sys.executable, "-m", "lvm_data", "import", str(export),
                                     "--wave", wave, "--as-new-wave", "--db", str(db)],
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        go.set()
        await asyncio.gather(*tasks)
        watcher.cancel()
        _, err = importer.communicate(timeout=300)
        if importer.returncode != 0:
            errors.append(f"import: {err.strip().splitlines()[-1] if err.strip() else '?'}")
        await browser.close()
    return {"n": n, "steps": len(times), "errors": errors, "times": times,
            "per_session_mb": (peak[0] - before) / n, "browser": seen,
            "browser_errors": seen_errors}


def _percentiles(level: dict, key: str = "times") -> tuple[float, float]:
    t = sorted(level[key]) or [float("nan")]
    return statistics.median(t), t[min(len(t) - 1, int(round(0.95 * (len(t) - 1))))]


def report(levels: list[dict], title: str = "") -> None:
    base = None
    if title:
        print(title)
    print(f"{'sessions':>8} {'steps':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} "
          f"{'MB/session':>10} {'p95 / N=1':>9}   browser alongside: steps p50 p95 errors")
    for level in levels:
        p50, p95 = _percentiles(level)
        base = base or p95
        seen = ""
        if level["browser"] or level["browser_errors"]:
            b50, b95 = _percentiles(level, "browser")
            seen = (f"   {len(level['browser']):>5} {b50:.2f} {b95:.2f} "
                    f"{len(level['browser_errors'])}")
        print(f"{level['n']:>8} {level['steps']:>6} {len(level['errors']):>6} {p50:>7.2f} "
              f"{p95:>7.2f} {level['per_session_mb']:>10.1f} {p95 / base:>8.1f}x{seen}")
        for e in sorted(set(level["errors"] + level["browser_errors"])):
            count = (level["errors"] + level["browser_errors"]).count(e)
            print(f"{'':>8} error: {e} ({count})")


def report_servers(runs: dict[int, list[dict]]) -> None:
    """Each server count's table, then every count against the first, per N."""
    for count, levels in runs.items():
        report(levels, f"\n{count} server(s) behind nginx")
    first = min(runs)
    print(f"\nagainst {first} server(s), same N and steps, same run:")
    for count in sorted(runs):
        if count == first:
            continue
        for one, many in zip(runs[first], runs[count]):
            (a50, a95), (b50, b95) = _percentiles(one), _percentiles(many)
            print(f"  N = {one['n']}: {count} servers p50 {b50 / a50:.2f}x, p95 {b95 / a95:.2f}x"
                  f", errors {len(many['errors'])} vs {len(one['errors'])}")


def _prepare(tmp: Path, respondents: int) -> tuple[Path, Path]:
    """Settings (minimum 5) and a database holding the sample's two waves."""
    from lvm_data.sample import write_sample
    settings = tmp / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    db = tmp / "load.duckdb"
    write_sample(tmp / "base.csv", respondents, seed=7, waves=2)
    write_sample(tmp / "late.csv", respondents // 2, seed=8, waves=1)
    subprocess.run([sys.executable, "-m", "lvm_data", "import", str(tmp / "base.csv"),
                    "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
    return settings, db


def one_server(tmp: Path, args) -> None:
    settings, db = _prepare(tmp, args.respondents)
    proc, url = start(db, settings, timeout=120, out=open(tmp / "streamlit.log", "wb"))
    try:
        levels = [asyncio.run(run_level(url, [proc.pid], n, args.steps, db,
                                        tmp / "late.csv", f"late-{n}", args.think, args.client))
                  for n in args.sessions]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    report(levels)


def several_servers(tmp: Path, args) -> None:
    settings, db = _prepare(tmp, args.respondents)
    runs = {}
    for count in args.servers:
        copy = tmp / f"servers-{count}.duckdb"
        shutil.copy(db, copy)
        with cluster(copy, count, settings, timeout=120) as c:
            runs[count] = [asyncio.run(run_level(c.url, c.pids, n, args.steps, copy,
                                                 tmp / "late.csv", f"late-{n}", args.think,
                                                 args.client))
                           for n in args.sessions]
    report_servers(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--respondents", type=int, default=20_000)
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean seconds a viewer pauses between clicks (0: none)")
    parser.add_argument("--client", choices=("protocol", "browser"), default="protocol",
                        help="how the N sessions connect (see above)")
    parser.add_argument("--servers", type=int, nargs="+",
                        help="server counts to compare behind nginx, e.g. 1 2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.servers:
            several_servers(Path(tmp), args)
        else:
            one_server(Path(tmp), args)


if __name__ == "__main__":
    main()
