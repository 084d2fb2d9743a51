"""First chart in a brand-new browser profile: the dashboard against the floor.

    python bench/bench_first_chart.py              # 7 rounds
    python bench/bench_first_chart.py --rounds 3   # quicker

The floor is ``bench/minimal_app.py``: one Plotly chart on a Streamlit page, served by
the same Streamlit with the same config in the same run, which the dashboard cannot
beat. Every server is up and warm (each page visited once); every round launches a new
headless Chromium (a new, empty profile: Streamlit's JavaScript, Plotly included, is
fetched and compiled again) for each page in turn, and times navigation
until the first chart is drawn. Also reported, to find where time goes: the page's
script-run count, websocket messages and bytes from the server, the bytes fetched over
HTTP, and any request to a host other than this machine (fonts or icons from the
internet fail offline and can stall a page), and a median timeline from navigation: first
websocket message (a deep link such as /overview pays Streamlit's failed probe of
/overview/_stcore/health and its 0.1 s retry first; the floor at / does not), the first
chart's message, the chart code (PlotlyChart.*.js, 4.6 MB) requested and received, and
drawn. Target: dashboard <= 1.3x the floor. For information, the same minimal page is
also measured at a page's own path (``bench/minimal_pages.py`` at /chart), which pays the
deep-link probe as /overview does.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.serve import CHROMIUM, CHROMIUM_ARGS, start  # noqa: E402

TARGET = 1.3
FIRST_CHART_JS = "() => document.querySelector('.js-plotly-plot .main-svg') !== null"
# When the chart code was requested and received, in seconds after navigation.
CHART_CODE_JS = """() => {
    const e = performance.getEntriesByType('resource').find(r => r.name.includes('/PlotlyChart.'));
    return e ? [e.startTime / 1000, e.responseEnd / 1000] : [null, null];
}"""
TIMELINE = ("first ws message", "chart message", "chart code asked", "chart code in", "drawn")


def _watch_websocket(stats: dict, t0: list[float]):
    """Count the server's messages; note when the first one and the first chart's arrive."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def on_ws(ws):
        def frame(payload):
            now = time.perf_counter() - t0[0]
            stats["ws_messages"] += 1
            stats["ws_bytes"] += len(payload)
            stats["timeline"].setdefault("first ws message", now)
            if "chart message" not in stats["timeline"] and isinstance(payload, bytes):
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                if msg.delta.new_element.WhichOneof("type") == "plotly_chart":
                    stats["timeline"]["chart message"] = now
        ws.on("framereceived", frame)
    return on_ws


def _measure(playwright, url: str) -> dict:
    """One navigation in a fresh browser, until the first chart is drawn."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        stats = {"ws_messages": 0, "ws_bytes": 0, "http_bytes": 0, "external": set(),
                 "responses": {}, "timeline": {}}
        t0 = [time.perf_counter()]
        on_ws = _watch_websocket(stats, t0)

        def on_response(response):
            host = response.url.split("/")[2] if "://" in response.url else ""
            if not host.startswith(("127.0.0.1", "localhost")):
                stats["external"].add(host)
            length = response.headers.get("content-length")
            size = int(length) if length and length.isdigit() else 0
            stats["http_bytes"] += size
            stats["responses"][response.url.split("?")[0].rsplit("/", 1)[-1]] = size

        page.on("websocket", on_ws)
        page.on("response", on_response)
        page.on("requestfailed", lambda r: stats["external"].add("FAILED " + r.url[:80]))
        t0[0] = time.perf_counter()
        page.goto(url)
        page.wait_for_function(FIRST_CHART_JS, timeout=120_000, polling=20)
        stats["seconds"] = time.perf_counter() - t0[0]
        asked, got = page.evaluate(CHART_CODE_JS)
        stats["timeline"].update({"chart code asked": asked, "chart code in": got,
                                  "drawn": stats["seconds"]})
        return stats
    finally:
        browser.close()


def _sample_db(tmp: Path) -> tuple[Path, Path]:
    from lvm_data import ingest, store
    settings = tmp / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n", encoding="utf-8")
    os.environ["LVM_SETTINGS"] = str(settings)
    db = tmp / "first.duckdb"
    con = store.connect(db)
    ingest.import_file(con, ROOT / "sample_data" / "sample_export.csv", ingest.Options())
    con.close()
    return db, settings


def run(rounds: int, page: str) -> int:
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp:
        db, settings = _sample_db(Path(tmp))
        procs = []
        try:
            app, app_url = start(db, settings)
            procs.append(app)
            floor, floor_url = start(Path(tmp) / "unused.duckdb", settings,
                                     script="bench/minimal_app.py")
            procs.append(floor)
            paged, paged_url = start(Path(tmp) / "unused2.duckdb", settings,
                                     script="bench/minimal_pages.py")
            procs.append(paged)
            urls = {"floor (minimal page)": floor_url, "floor at /chart": f"{paged_url}/chart",
                    f"dashboard /{page}": f"{app_url}/{page}"}
            results = {name: [] for name in urls}
            with sync_playwright() as p:
                for name, url in urls.items():          # warm every server
                    _measure(p, url)
                for i in range(rounds):
                    for name, url in urls.items():
                        results[name].append(_measure(p, url))
                    print(f"  round {i + 1}/{rounds}: " + ", ".join(
                        f"{n} {r[-1]['seconds']:.2f} s" for n, r in results.items()), flush=True)
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
    return report(results)


def report(results: dict[str, list[dict]]) -> int:
    medians = {}
    print(f"\n{'page':<24}{'median':>9}{'min':>8}{'ws msgs':>9}{'ws KB':>8}{'http KB':>9}"
          "  other hosts")
    for name, runs in results.items():
        secs = [r["seconds"] for r in runs]
        medians[name] = statistics.median(secs)
        last = runs[-1]
        hosts = sorted(set().union(*(r["external"] for r in runs))) or ["none"]
        print(f"{name:<24}{medians[name]:>8.2f}s{min(secs):>7.2f}s{last['ws_messages']:>9}"
              f"{last['ws_bytes'] / 1024:>8.0f}{last['http_bytes'] / 1024:>9.0f}  "
              f"{', '.join(hosts)}")
    floor_runs, _, app_runs = results.values()
    extra = {u: b for u, b in app_runs[-1]["responses"].items()
             if u not in floor_runs[-1]["responses"] and b > 20_000}
    print("fetched by the dashboard only (> 20 KB): " + ", ".join(
        f"{u} {b / 1024:.0f} KB" for u, b in sorted(extra.items(), key=lambda kv: -kv[1])))
    print("\nmedian seconds after navigation: " + ", ".join(TIMELINE))
    for name, runs in results.items():
        points = [[r["timeline"].get(k) for r in runs] for k in TIMELINE]
        print(f"{name:<24}" + "".join(
            f"{statistics.median(v):>8.2f}" if (v := [x for x in p if x is not None])
            else f"{'-':>8}" for p in points))
    floor, paged, app = medians.values()
    ratio = app / floor
    print(f"\ndashboard / floor at /chart: {app / paged:.2f}x (information: both pay the "
          "deep-link probe)")
    print(f"dashboard / floor: {ratio:.2f}x (target <= {TARGET}x): "
          f"{'PASS' if ratio <= TARGET else 'MISS'}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    return 0 if ratio <= TARGET else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--page", default="overview")
    args = parser.parse_args(argv)
    return run(args.rounds, args.page)


if __name__ == "__main__":
    sys.exit(main())
