"""Load benchmark: N browser sessions on one dashboard server while an import runs.

    python bench/bench_load.py                          # N = 1, 10, 25; 20,000-row sample
    python bench/bench_load.py --sessions 1 5 --steps 4 # quicker

One headless Chromium opens N contexts (separate Streamlit sessions). Each changes filters
and switches pages; every step is timed from the click until the rerun has finished and
every chart is drawn. Midway, ``python -m lvm_data import`` writes a new wave to the same
database file. Reported per N: steps, errors (timeouts, exceptions, lock errors on the
page), p50 and p95 seconds, server memory per session (peak resident memory during the
level minus the idle server's, divided by N; it includes the import's share of the
server's cache), and p95 against N = 1 measured in the same run. Target: 25 sessions at p95 < 2 s with 0 errors.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.serve import CHROMIUM, CHROMIUM_ARGS, DRAWN_JS, start  # noqa: E402

DEPARTMENTS = ["Engineering", "Sales", "Operations", "Finance", "HR"]
PAGES = ["Teams & roles", "Dimensions & items", "Leadership–management map", "Overview"]
COUNT_RUNS = """() => {
    window.__runs = 0;
    const app = document.querySelector("[data-testid='stApp']");
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__runs++;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def rss_mb(pid: int) -> float:
    """Resident memory of the server process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


async def _session(browser, url: str, steps: int, seed: int, loaded: asyncio.Event,
                   go: asyncio.Event, times: list, errors: list) -> None:
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
            start = time.perf_counter()
            try:
                await _step(page, rng, state)
                times.append(time.perf_counter() - start)
                text = await page.get_by_test_id("stMain").inner_text()
                if await page.get_by_test_id("stException").count() or "lock" in text.lower():
                    errors.append("error shown on the page")
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                errors.append(type(exc).__name__)
    except Exception as exc:  # noqa: BLE001
        loaded.set()
        errors.append(f"load: {type(exc).__name__}")
    finally:
        await context.close()


async def run_level(url: str, pid: int, n: int, steps: int, db: Path, export: Path,
                    wave: str) -> dict:
    from playwright.async_api import async_playwright
    times, errors = [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = await browser.new_page()           # the server's first run is not a session's
        await warm.goto(f"{url}/overview")
        await warm.wait_for_function(DRAWN_JS, timeout=120_000, polling=100)
        await warm.close()
        before = rss_mb(pid)
        loaded = [asyncio.Event() for _ in range(n)]
        go = asyncio.Event()
        tasks = [asyncio.create_task(_session(browser, url, steps, 1000 * n + i, loaded[i], go,
                                              times, errors)) for i in range(n)]
        peak = [before]

        async def watch() -> None:
            while True:
                peak[0] = max(peak[0], rss_mb(pid))
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
            "per_session_mb": (peak[0] - before) / n}


def report(levels: list[dict]) -> None:
    base = None
    print(f"{'sessions':>8} {'steps':>6} {'errors':>6} {'p50 s':>7} {'p95 s':>7} "
          f"{'MB/session':>10} {'p95 / N=1':>9}")
    for level in levels:
        t = sorted(level["times"]) or [float("nan")]
        p50 = statistics.median(t)
        p95 = t[min(len(t) - 1, int(round(0.95 * (len(t) - 1))))]
        base = base or p95
        print(f"{level['n']:>8} {level['steps']:>6} {len(level['errors']):>6} {p50:>7.2f} "
              f"{p95:>7.2f} {level['per_session_mb']:>10.1f} {p95 / base:>8.1f}x")
        for e in sorted(set(level["errors"])):
            print(f"{'':>8} error: {e} ({level['errors'].count(e)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 25])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--respondents", type=int, default=20_000)
    args = parser.parse_args()
    from lvm_data.sample import write_sample
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = tmp / "lvm_settings.toml"
        settings.write_text("min_group_size = 5\n")
        db = tmp / "load.duckdb"
        write_sample(tmp / "base.csv", args.respondents, seed=7, waves=2)
        write_sample(tmp / "late.csv", args.respondents // 2, seed=8, waves=1)
        subprocess.run([sys.executable, "-m", "lvm_data", "import", str(tmp / "base.csv"),
                        "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
        proc, url = start(db, settings, timeout=120, out=open(tmp / "streamlit.log", "wb"))
        try:
            levels = [asyncio.run(run_level(url, proc.pid, n, args.steps, db,
                                            tmp / "late.csv", f"late-{n}"))
                      for n in args.sessions]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report(levels)


if __name__ == "__main__":
    main()
