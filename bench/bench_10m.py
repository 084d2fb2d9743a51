"""Benchmark at organisation scale: 10,000,000 respondents over several waves.

    python bench/bench_10m.py                              # 5 waves x 2,000,000 (6 to 15 min)
    python bench/bench_10m.py --waves 3 --per-wave 200000  # quick run while developing
    python bench/bench_10m.py --keep /tmp/big              # keep the database for bench_app.py
    python bench/bench_10m.py --db /tmp/big/big.duckdb     # measure an existing database only

Each wave is a fresh synthetic export (its own seed, so no wave repeats another), imported
the way ``python -m lvm_data import`` does it into one database that keeps growing. Every
import is measured against DuckDB's bare ``CREATE TABLE AS SELECT * FROM read_csv`` of the
same file, run just before it in a fresh process (the floor). Then, on the full database:
every store query a page makes (median of 3 after a warm-up, in a fresh process), the
server time of a page re-render after a filter change (AppTest, as ``bench_app.py``), and
the peak memory of each process. Targets: import <= 1.5x the floor (each wave and in
total), every query < 0.3 s, re-render < 1 s, peak memory < 4 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_core as core  # noqa: E402

TARGETS = {"import_ratio": 1.5, "query_s": 0.3, "rerender_s": 1.0, "peak_mb": 4096.0}
WAVE_NAMES = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3",
              "2025-Q4", "2026-Q1", "2026-Q2"]


def page_queries(cur) -> dict:
    """The store calls behind the pages, on the latest wave (the dashboard's default)."""
    from lvm_data import store
    sales = {"department": ["Sales"]}
    return {
        "group_scores by team": lambda: store.group_scores(cur, by="team"),
        "group_scores by role, Sales": lambda: store.group_scores(cur, by="role", where=sales),
        "overview": lambda: store.overview(cur),
        "archetype_mix": lambda: store.archetype_mix(cur),
        "item_distribution": lambda: store.item_distribution(cur, "vision_execution"),
        "compare Sales vs Finance": lambda: store.compare(
            cur, store.Selection(where=sales), store.Selection(where={"department": ["Finance"]})),
        "trends by department (all waves)": lambda: store.trends(cur, by="department"),
        "department options": lambda: store.attribute_values(cur, "department"),
    }


def cold(fn):
    """``fn()`` with the store's own memory of earlier queries forgotten (``store.views``,
    the cross-wave checks): the cost of a new filter, not of asking again."""
    from lvm_data.store import views
    views._MEMO.clear()          # the cross-wave checks are remembered there too
    return fn()


def child_queries(db: str) -> dict:
    from lvm_data import store
    con = store.connect(db)
    cur = con.cursor()
    seconds = {}
    for name, fn in page_queries(cur).items():
        seconds[name], _ = core.timed(lambda: cold(fn), runs=3)
    con.close()
    return {"seconds": seconds, "peak_mb": core.peak_mb()}


def child_import(csv: str, db: str, wave: str) -> dict:
    from lvm_data import ingest, memory_import
    start = time.perf_counter()
    summary = memory_import.import_into(db, csv, ingest.Options(wave=wave))
    return {"seconds": time.perf_counter() - start, "summary": summary.line()[:200],
            "peak_mb": core.peak_mb()}


def child_rerender(db: str) -> dict:
    """Server time of a page re-render after a filter change, per page (AppTest)."""
    os.environ["LVM_DB"] = db
    import bench_app
    times = bench_app.server_filter_changes()
    return {"seconds": {k: statistics.median(v) for k, v in times.items()},
            "peak_mb": core.peak_mb()}


def run_child(settings: Path, *args: str) -> dict:
    return core.run_child(*args, settings=settings, script=__file__)


def import_waves(args, work: Path, db: Path, settings: Path) -> list[tuple[dict, dict]]:
    from lvm_data.sample import write_sample
    results = []
    for i in range(args.waves):
        csv = work / f"wave{i + 1}.csv"
        t0 = time.perf_counter()
        write_sample(csv, args.per_wave, seed=100 + i)
        gen = time.perf_counter() - t0
        floor = core.run_child("floor", str(csv), str(core.fresh(work / "floor.duckdb")),
                               settings=settings)
        imp = run_child(settings, "import", str(csv), str(db), WAVE_NAMES[i])
        (work / "floor.duckdb").unlink(missing_ok=True)
        csv.unlink()
        print(f"  wave {i + 1}/{args.waves} ({args.per_wave:,} rows, generated in {gen:.0f} s): "
              f"floor {floor['seconds']:.2f} s, import {imp['seconds']:.2f} s = "
              f"{imp['seconds'] / floor['seconds']:.2f}x, peak {imp['peak_mb']:,.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        results.append((floor, imp))
    return results


def import_rows(loads) -> list:
    """The import ratios (none when an existing database was measured)."""
    if not loads:
        return []
    floor_s = sum(f["seconds"] for f, _ in loads)
    import_s = sum(m["seconds"] for _, m in loads)
    worst = max(m["seconds"] / f["seconds"] for f, m in loads)
    ratio = import_s / floor_s
    return [("imports: total / total floor", f"{ratio:.2f}x", f"<= {TARGETS['import_ratio']}x",
             ratio <= TARGETS["import_ratio"]),
            ("imports: worst wave / its floor", f"{worst:.2f}x", "", None)]


def report(loads, queries: dict, rerender: dict) -> bool:
    rows = import_rows(loads)
    for name, s in queries["seconds"].items():
        rows.append((f"query: {name}", f"{s:.3f} s", f"< {TARGETS['query_s']} s",
                     s < TARGETS["query_s"]))
    for name, s in rerender["seconds"].items():
        rows.append((f"re-render after a filter change: {name}", f"{s:.3f} s",
                     f"< {TARGETS['rerender_s']} s", s < TARGETS["rerender_s"]))
    peak = TARGETS["peak_mb"]
    peaks = [("import", max(m["peak_mb"] for _, m in loads))] if loads else []
    for label, mb in (*peaks, ("queries", queries["peak_mb"]),
                      ("pages (AppTest)", rerender["peak_mb"])):
        rows.append((f"peak RSS: {label}", f"{mb:,.0f} MB", f"< {peak:.0f} MB", mb < peak))
    core.summary(rows)
    ok = all(r[3] is not False for r in rows)
    print(f"\noverall: {'PASS' if ok else 'MISS'} (load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores)")
    return ok


def measure_existing(db: Path) -> int:
    """Queries and re-renders on a database imported earlier, with its own settings file
    (``lvm_settings.toml`` beside it) when there is one."""
    settings = db.resolve().parent / "lvm_settings.toml"
    if not settings.exists():
        settings = Path(tempfile.mkdtemp(prefix="lvm_bench10m_")) / "lvm_settings.toml"
        settings.write_text("min_group_size = 5\n", encoding="utf-8")
    print(f"measuring {db} (load average {os.getloadavg()[0]:.1f})", flush=True)
    queries = run_child(settings, "queries", str(db))
    print("  queries done", flush=True)
    rerender = run_child(settings, "rerender", str(db))
    return 0 if report([], queries, rerender) else 1


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--child"]:
        step, *rest = sys.argv[2:]
        fn = {"import": child_import, "queries": child_queries, "rerender": child_rerender}[step]
        print(json.dumps(fn(*rest)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=5, choices=range(1, len(WAVE_NAMES) + 1))
    parser.add_argument("--per-wave", type=int, default=2_000_000)
    parser.add_argument("--keep", type=Path, help="work here and keep the database")
    parser.add_argument("--db", type=Path, help="an existing database: no imports, only its "
                        "queries and re-renders are measured (the file is only read)")
    args = parser.parse_args(argv)
    if args.db:
        return measure_existing(args.db)
    with tempfile.TemporaryDirectory(prefix="lvm_bench10m_") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        settings = work / "lvm_settings.toml"
        # a 2M-row export is ~280 MB, over the default upload limit of 200 MB
        settings.write_text("min_group_size = 5\n[limits]\nmax_file_mb = 2000\n",
                            encoding="utf-8")
        db = core.fresh(work / "big.duckdb")
        print(f"{args.waves} waves x {args.per_wave:,} respondents into {db}")
        loads = import_waves(args, work, db, settings)
        queries = run_child(settings, "queries", str(db))
        print("  queries done", flush=True)
        rerender = run_child(settings, "rerender", str(db))
        return 0 if report(loads, queries, rerender) else 1


if __name__ == "__main__":
    sys.exit(main())
