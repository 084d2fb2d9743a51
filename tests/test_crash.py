"""kill -9 in the middle of an import, from the command line and from the dashboard.

Each import is killed at several moments (fractions of a measured full import); whatever
the moment, the database must open, hold every earlier wave exactly as before, and hold
the new wave either completely or not at all. Temporary copies left by the killed process
are removed by the next import.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from lvm_data import tempfiles
from lvm_data.sample import write_sample
from tools.serve import CHROMIUM, ROOT, launch, start, wait_drawn

BIG = 120_000


def cli(*args, check=True) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args], cwd=ROOT,
                         capture_output=True, text=True)
    assert not check or out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A base database with one wave, and a big second export to kill imports of."""
    tmp = tmp_path_factory.mktemp("crash")
    write_sample(tmp / "base.csv", 2_000, seed=1, waves=1)
    write_sample(tmp / "big.csv", BIG, seed=2, waves=1)
    cli("import", str(tmp / "base.csv"), "--wave", "base", "--db", str(tmp / "base.duckdb"))
    before = cli("scores", "--wave", "base", "--by", "team", "--db", str(tmp / "base.duckdb"))
    return tmp, before.stdout


def check_whole(db: Path, before: str, new_wave: str, rows: int) -> str:
    """The database opens; the base wave is as it was; the new wave is all or nothing."""
    assert cli("scores", "--wave", "base", "--by", "team", "--db", str(db)).stdout == before
    con = duckdb.connect(str(db), read_only=True)
    try:
        waves = dict(con.execute("SELECT name, respondents FROM waves").fetchall())
        counted = dict(con.execute("SELECT w.name, count(*) FROM respondents r JOIN waves w "
                                   "USING (wave_id) GROUP BY 1").fetchall())
        orphans = con.execute("SELECT count(*) FROM respondents WHERE wave_id NOT IN "
                              "(SELECT wave_id FROM waves)").fetchone()[0]
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_name LIKE 'answers_%'").fetchall()}
        cubes = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_name LIKE 'cells_%'").fetchall()}
        wave_ids = [i for (i,) in con.execute("SELECT wave_id FROM waves").fetchall()]
        ids = {f"answers_{i}" for i in wave_ids}
    finally:
        con.close()
    assert orphans == 0 and tables == ids and cubes == {f"cells_{i}" for i in wave_ids}
    assert counted == {k: v for k, v in waves.items()}
    if new_wave in waves:
        assert waves[new_wave] == rows
        return "complete"
    assert set(waves) == {"base"}
    return "absent"


def test_kill_9_during_a_cli_import(files, tmp_path):
    tmp, before = files
    timing = tmp_path / "timing.duckdb"
    shutil.copy(tmp / "base.duckdb", timing)
    start = time.monotonic()
    cli("import", str(tmp / "big.csv"), "--wave", "new", "--db", str(timing))
    duration = time.monotonic() - start
    outcomes = []
    for fraction in (0.15, 0.35, 0.55, 0.75, 0.9, 0.98):
        db = tmp_path / f"k{fraction}.duckdb"
        shutil.copy(tmp / "base.duckdb", db)
        proc = subprocess.Popen([sys.executable, "-m", "lvm_data", "import", str(tmp / "big.csv"),
                                 "--wave", "new", "--db", str(db)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outcomes.append(check_whole(db, before, "new", BIG))
        # the next start needs no repair: the same import now goes through
        cli("import", str(tmp / "big.csv"), "--wave", "again", "--as-new-wave", "--db", str(db))
    assert "absent" in outcomes, outcomes          # at least one kill landed mid-import


def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f"lvm_import_{dead}_abc.csv"
    mine = tmp_path / f"lvm_upload_{os.getpid()}_def.csv"
    other = tmp_path / "lvm_import_notapid.csv"
    for path in (stale, mine, other):
        path.write_text("x")
    spill = tmp_path / f"lvm_spill_{dead}_ghi"            # an import's DuckDB spill folder
    (spill / "sub").mkdir(parents=True)
    (spill / "sub" / "block").write_text("x")
    assert sorted(tempfiles.clean_stale(tmp_path)) == sorted([stale, spill])
    assert mine.exists() and other.exists() and not stale.exists() and not spill.exists()


def test_a_killed_workbook_import_leaves_no_copy_behind(tmp_path, monkeypatch):
    """An XLSX import converts to a temporary CSV; kill -9 leaves it, the next import removes
    it (the temporary directory is the test's own, so nothing else is touched)."""
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("R")
    ws.append(["Respondent ID", "Department", "VE_L1"])
    for i in range(150_000):
        ws.append([f"r{i}", "D", 3])
    wb.save(tmp_path / "big.xlsx")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen([sys.executable, "-m", "lvm_data", "import", str(tmp_path / "big.xlsx"),
                             "--db", str(tmp_path / "x.duckdb")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(temp.glob("lvm_import_*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(temp.glob("lvm_import_*")), "the conversion never started"
    again = subprocess.run([sys.executable, "-m", "lvm_data", "import", str(tmp_path / "none.csv"),
                            "--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 2                       # the file does not exist...
    assert not list(temp.glob("lvm_import_*"))         # ...but the stale copy is gone


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
def test_kill_9_of_the_dashboard_during_its_import(files, tmp_path):
    from playwright.sync_api import sync_playwright
    tmp, before = files
    db = tmp_path / "dash.duckdb"
    shutil.copy(tmp / "base.duckdb", db)
    settings = tmp_path / "lvm_settings.toml"
    settings.write_text("min_group_size = 5\n")
    proc, url = start(db, settings)
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            page.goto(f"{url}/data")
            wait_drawn(page)
            page.locator("input[type='file']").first.set_input_files(str(tmp / "big.csv"))
            button = page.get_by_role("button", name="Import all responses")
            button.wait_for(timeout=120_000)
            button.click()
            page.get_by_test_id("stProgress").wait_for(timeout=60_000)
            time.sleep(0.5)                              # the import is under way
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            browser.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert check_whole(db, before, "big", BIG) in ("absent", "complete")
    leftovers = [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob(f"lvm_*_{proc.pid}_*")]
    tempfiles.clean_stale()
    assert not any(p.exists() for p in leftovers)
