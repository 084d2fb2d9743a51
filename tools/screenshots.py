"""Screenshot every page of the dashboard (full page, 1400 px wide) into docs/screenshots/.

    python tools/screenshots.py                 # fresh database: the bundled sample is loaded
    python tools/screenshots.py --db my.duckdb  # an existing database (not modified)

With the fresh database it also shows login mode (a visitor without a link, and a link) and
the column mapping: a real export that matches no item, and a next wave mapped from the
remembered mapping (``--only mapping`` makes just those two).

A temporary database is used unless --db is given, so the screenshots show the sample.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from lvm_data.sample import write_sample  # noqa: E402

from tools.serve import full_height, launch, server, wait_drawn  # noqa: E402

PAGES = {"overview": "overview", "teams": "teams", "dimensions": "dimensions",
         "compare": "compare", "map": "map", "trends": "trends", "data": "data",
         "quality": "quality",
         # A share link with filters and one unknown parameter: the notice and the link.
         "teams-filtered": "teams?department=Engineering&department=Sales&group=Role&foo=bar",
         # Narrowed below the anonymity minimum: the explanation instead of numbers.
         "overview-too-small": "overview?department=HR&role=Director",
         # Sales minus two people (the "<1 year" band): refused, with the reason in words.
         "dimensions-refused": "dimensions?wave=2025-H1&department=Sales"
                               "&tenure_band=1-3+years&tenure_band=3-5+years"
                               "&tenure_band=5%2B+years",
         # Teams of one department at a raised minimum: hidden groups and secondary suppression.
         "teams-suppressed": "teams?department=Finance&group=Team&min_group=10",
         # Effect sizes, and the heatmap of change since the last wave / from everyone.
         "compare-effects": "compare?compare_by=Department&side_a=Engineering"
                            "&side_b=Operations",
         "teams-change": "teams?group=Department&value=Change+since+2025-H1",
         "trends-steps": "trends?trend_group=Department&dimension=Innovation+vs+Stability",
         "teams-difference": "teams?group=Department"
                             "&value=Difference+from+everyone+in+the+filters"}
OUT = ROOT / "docs" / "screenshots"


def _rel(path: Path) -> Path:
    """The path relative to the project when it is inside it (``--out`` may be elsewhere)."""
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


def shoot(url: str, out: Path, width: int = 1400) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 1000})
        for name, path in PAGES.items():
            page.set_viewport_size({"width": width, "height": 1000})
            page.goto(f"{url}/{path}")
            wait_drawn(page)
            full_height(page, width)
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
            print(f"wrote {_rel(target)}")
        written.append(shoot_preview(page, url, out, width))
        written.append(shoot_between(page, f"{url}/data", "Reliability of the scales",
                                     "Download scores", out / "data-reliability.png", width))
        browser.close()
    return written


def _export_with_problems(path: Path) -> Path:
    """A small export with one answer off the scale, an e-mail column (hashed) and a comment
    box (dropped), so the preview shows what it says about each."""
    write_sample(path, 150, seed=5, waves=1)
    lines = path.read_text().splitlines()
    cells = lines[3].split(",")
    cells[-1] = "Sometimes"
    lines[3] = ",".join(cells)
    lines[0] += ",Email,Any other comments?"
    for i in range(1, len(lines)):
        comment = "My manager never listens to the team" if i == 140 else "No"
        lines[i] += f",person{i}@example.com,{comment}"
    path.write_text("\n".join(lines) + "\n")
    return path


def shoot_preview(page, url: str, out: Path, width: int) -> Path:
    """The Data page after choosing a file: the import preview and the mapping editor."""
    with tempfile.TemporaryDirectory() as tmp:
        export = _export_with_problems(Path(tmp) / "pulse_survey.csv")
        page.set_viewport_size({"width": width, "height": 1000})
        page.goto(f"{url}/data")
        wait_drawn(page)
        page.locator("input[type='file']").first.set_input_files(str(export))
        page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for(timeout=60_000)
        wait_drawn(page)
    full_height(page, width)
    target = out / "data-import-preview.png"
    page.screenshot(path=str(target), full_page=True)
    print(f"wrote {_rel(target)}")
    return target


def shoot_between(page, address: str, first: str, after: str, target: Path,
                  width: int) -> Path:
    """One section of a page: from the heading ``first`` down to the heading ``after``."""
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(address)
    wait_drawn(page)
    full_height(page, width)
    top = page.get_by_role("heading", name=first).bounding_box()
    bottom = page.get_by_role("heading", name=after).bounding_box()
    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    page.get_by_text("Every item").first.click()            # open the item table as well
    page.wait_for_timeout(800)
    bottom = page.get_by_role("heading", name=after).bounding_box()
    page.screenshot(path=str(target), full_page=True, clip={
        "x": main["x"], "y": top["y"] - 10, "width": main["width"],
        "height": bottom["y"] - top["y"]})
    print(f"wrote {_rel(target)}")
    return target


def shoot_access(db: str, tmp: Path, out: Path, width: int) -> None:
    """Login mode: the page for a visitor without a link, and a Sales link made with the
    command line (its URL edited to ask for Engineering as well: the notice, Sales only)."""
    settings = tmp / "lvm_settings_login.toml"
    settings.write_text('min_group_size = 5\naccess = "login"\n'
                        'admins = ["people-analytics@example.com"]\n')
    env = {**os.environ, "LVM_SETTINGS": str(settings)}
    link = subprocess.run(
        [sys.executable, "-m", "lvm_data", "share", "create", "--where", "department=Sales",
         "--page", "teams", "--label", "Head of Sales", "--db", db],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()
    views = {"no-access": "/overview", "share-scoped": f"{link}&department=Engineering"}
    with server(db, settings, log=tmp / "streamlit-login.log") as url, \
            sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 1000})
        for name, path in views.items():
            page.goto(url + path)
            wait_drawn(page)
            full_height(page, width)
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(f"wrote {_rel(target)}")
        browser.close()


def _shot(page, out: Path, name: str, width: int) -> Path:
    full_height(page, width)
    target = out / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    print(f"wrote {_rel(target)}")
    return target


def _upload(page, url: str, path: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{url}/data")
    wait_drawn(page)
    page.locator("input[type='file']").first.set_input_files(str(path))
    page.get_by_test_id("stMetric").filter(has_text="Rows read").wait_for(timeout=60_000)
    wait_drawn(page)


def shoot_mapping(db: str, settings: Path, tmp: Path, out: Path, width: int) -> None:
    """The mapping grid of a real LimeSurvey export that matches no item, and a next wave
    mapped from the remembered mapping (the first wave imported with the command line and
    a codebook that maps the department, the team and one item). Writes to ``db``."""
    from datetime import datetime

    from tools.example_exports import limesurvey_codebook, limesurvey_codes
    first = limesurvey_codes(tmp / "results-survey841.csv", 40, datetime(2026, 10, 2, 9))
    second = limesurvey_codes(tmp / "results-survey841 (1).csv", 30, datetime(2027, 1, 6, 9),
                              seed=2)
    book = tmp / "codebook.csv"
    book.write_text(limesurvey_codebook())
    with server(db, settings, log=tmp / "streamlit-mapping.log") as url, \
            sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 1000})
        _upload(page, url, ROOT / "tests" / "fixtures" / "external" /
                "PLR_tool_AP_results-survey.csv", width)
        _shot(page, out, "data-mapping-nothing-matched", width)
        env = {**os.environ, "LVM_SETTINGS": str(settings)}
        subprocess.run([sys.executable, "-m", "lvm_data", "import", str(first), "--codebook",
                        str(book), "--db", db], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        _upload(page, url, second, width)
        _shot(page, out, "data-mapping-remembered", width)
        browser.close()


def shoot_360(tmp: Path, out: Path, width: int) -> None:
    """Self vs others on 360 data from ``sample --360``, by department, Sales charted."""
    db, data = str(tmp / "360.duckdb"), tmp / "360.csv"
    write_sample(data, 600, seed=3, raters=True)
    settings = tmp / "lvm_settings.toml"
    env = {**os.environ, "LVM_SETTINGS": str(settings)}
    subprocess.run([sys.executable, "-m", "lvm_data", "import", str(data), "--wave", "360 (2025)",
                    "--db", db], cwd=ROOT, env=env, check=True, capture_output=True)
    with server(db, settings, log=tmp / "streamlit-360.log") as url, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": 1000})
        page.goto(f"{url}/raters?rater_group=Department&rater_chart=Sales")
        wait_drawn(page)
        full_height(page, width)
        target = out / "raters.png"
        page.screenshot(path=str(target), full_page=True)
        print(f"wrote {_rel(target)}")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database to show (default: a fresh one with the sample)")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--only", choices=("pages", "mapping"),
                        help="only the pages, or only the mapping views (default: all)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "screenshots.duckdb")
        settings = Path(tmp) / "lvm_settings.toml"
        settings.write_text("min_group_size = 5\n")
        if args.only != "mapping":
            with server(db, settings, log=Path(tmp) / "streamlit.log") as url:
                shoot(url, Path(args.out), args.width)
        if not args.db:                  # these write: only in our own database
            if args.only != "mapping":
                shoot_access(db, Path(tmp), Path(args.out), args.width)
                shoot_360(Path(tmp), Path(args.out), args.width)
            if args.only != "pages":     # last: the import removes the sample waves
                shoot_mapping(db, settings, Path(tmp), Path(args.out), args.width)
    return 0


if __name__ == "__main__":
    sys.exit(main())
