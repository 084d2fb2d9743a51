"""The command line as scripts use it: real subprocesses, exit codes, one-line errors."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_plain
from lvm_data.instrument import load_default

ITEMS = load_default().items


def run(*args, env_db=None, check=True):
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args], cwd=ROOT,
                         capture_output=True, text=True)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def test_instrument_prints_csv():
    out = run("instrument").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["id", "dimension", "pole", "reverse", "text"]
    assert len(rows) == len(ITEMS)


def test_help_everywhere():
    for cmd in ([], ["import"], ["scores"], ["sample"], ["waves"], ["delete-wave"]):
        assert run(*cmd, "--help").stdout.startswith("usage:")


def hand_file(tmp_path: Path) -> Path:
    """Two teams; every item answered with the same value per person, so pole means are exact.

    Team A: five people answering 4 on leadership items, 2 on management items (reverse items
    answered the other way round so that they score the same after reversal).
    Team B: three people only -> below the minimum of 5, never shown.
    """
    rows = []
    for i in range(8):
        team = "A" if i < 5 else "B"
        row = {"Respondent ID": f"p{i}", "Department": "D", "Team": team, "Role": "IC"}
        for item in ITEMS:
            want = 4 if item.pole == "leadership" else 2
            row[item.id] = 6 - want if item.reverse else want
        rows.append(row)
    return write_plain(tmp_path / "hand.csv", rows)


HEADER = ("group,dimension,n,leadership,management,orientation,orientation_ci_low,"
          "orientation_ci_high,balance,archetype")


def test_import_then_scores_csv_and_json(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    out = run("import", str(hand_file(tmp_path)), "--wave", "2026-Q1", "--db", db)
    assert out.stdout.count("\n") == 1 and "2026-Q1" in out.stdout and "8 respondents" in out.stdout
    by_team = run("scores", "--by", "team", "--db", db)
    # B has 3 < 5; A alone would give B away as "all minus A": both are hidden
    assert by_team.stdout == HEADER + "\n" and "2 groups hidden" in by_team.stderr
    text = run("scores", "--db", db).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == HEADER.split(",")
    assert {r["group"] for r in rows} == {"all"} and {r["n"] for r in rows} == {"8"}
    assert [r["dimension"] for r in rows] == sorted(r["dimension"] for r in rows)
    first = rows[0]
    # L = 4, M = 2 on a 1-5 scale: orientation = 100 * 2 / 4 = 50; balance = 100 * (3 - 1) / 4
    assert float(first["orientation"]) == pytest.approx(50.0)
    assert float(first["balance"]) == pytest.approx(50.0)
    assert first["archetype"] == "Leadership-led"
    assert len(first["leadership"].split(".")[1]) >= 4
    data = json.loads(run("scores", "--format", "json", "--db", db).stdout)
    assert {d["group"] for d in data} == {"all"} and data[0]["n"] == 8


def test_where_filter_and_minimum(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    run("import", str(hand_file(tmp_path)), "--wave", "w", "--db", db)
    out = run("scores", "--where", "team=B", "--db", db)
    assert out.stdout.strip().count("\n") == 0          # header only: 3 < 5
    assert "fewer respondents than the anonymity minimum of 5" in out.stderr
    low = run("scores", "--min-group-size", "2", "--db", db, check=False)
    assert low.returncode == 2 and "below the organisation's minimum" in low.stderr


def test_bad_input_exit_2_one_line_nothing_written(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    run("import", str(hand_file(tmp_path)), "--wave", "w", "--db", db)
    before = run("scores", "--db", db).stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    out = run("import", str(bad), "--db", db, check=False)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert run("scores", "--db", db).stdout == before
    assert run("waves", "--db", db).stdout.count("\n") == 2


def test_waves_and_delete(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    run("import", str(hand_file(tmp_path)), "--wave", "old", "--date", "2025-01-01", "--db", db)
    run("import", str(hand_file(tmp_path)), "--wave", "new", "--date", "2026-01-01", "--db", db,
        "--as-new-wave")                            # the same answers again, on purpose
    waves = list(csv.DictReader(io.StringIO(run("waves", "--db", db).stdout)))
    assert [w["wave"] for w in waves] == ["old", "new"]
    assert run("delete-wave", "old", "--db", db).stdout.startswith("deleted wave 'old'")
    assert run("delete-wave", "old", "--db", db, check=False).returncode == 2


def test_sample_import_scores_on_fresh_database(tmp_path):
    db, sample = str(tmp_path / "s.duckdb"), str(tmp_path / "s.csv")
    run("sample", "--respondents", "300", "--out", sample, "--waves", "2")
    out = run("import", sample, "--db", db).stdout
    assert out.count("respondents") == 2
    rows = list(csv.DictReader(io.StringIO(run("scores", "--by", "role", "--db", db).stdout)))
    assert rows and all(int(r["n"]) >= 5 for r in rows)


def test_dry_run_prints_the_report_and_writes_nothing(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    src = hand_file(tmp_path).read_text().splitlines()
    src[3] = src[3].replace(",4,", ",banana,", 1)          # one answer off the scale
    bad = tmp_path / "dry.csv"
    bad.write_text("\n".join(src) + "\n")
    out = run("import", str(bad), "--dry-run", "--db", db).stdout
    assert "rows read: 8" in out and "rows importable: 7" in out
    assert "row 4, column" in out and "'banana'" in out
    assert "unrecognised answer 'banana': 1" in out
    assert run("waves", "--db", db).stdout.count("\n") == 1      # header only
    failed = run("import", str(bad), "--db", db, check=False)
    assert failed.returncode == 2 and "--skip-invalid" in failed.stderr
    ok = run("import", str(bad), "--skip-invalid", "--wave", "w", "--db", db).stdout
    assert "7 respondents" in ok and "1 row skipped" in ok


def test_settings_file_sets_the_minimum(tmp_path, monkeypatch):
    db = str(tmp_path / "cli.duckdb")
    run("import", str(hand_file(tmp_path)), "--wave", "w", "--db", db)
    (tmp_path / "lvm_settings.toml").write_text("min_group_size = 3\n")
    # the database was created under 5: a laxer settings file does not lower it
    assert run("scores", "--by", "team", "--db", db).stdout == HEADER + "\n"
    said = run("set-minimum", "3", "--db", db).stdout
    assert "3 (was 5)" in said and "fewer than 3 respondents" in said
    rows = list(csv.DictReader(io.StringIO(run("scores", "--by", "team", "--db", db).stdout)))
    assert {r["group"] for r in rows} == {"A", "B"}               # B has 3 = minimum
    (tmp_path / "lvm_settings.toml").write_text("min_group_size = 9\n")   # raising works: 8 < 9
    assert run("scores", "--db", db).stdout == HEADER + "\n"
    (tmp_path / "lvm_settings.toml").write_text("min_group_size = 1\n")
    out = run("scores", "--db", db, check=False)
    assert out.returncode == 2 and "at least 2" in out.stderr


def test_dry_run_creates_changes_and_locks_no_database(tmp_path):
    """A dry run checks the file alone: a new --db is not created, and an existing one is
    not opened at all, so it works while another process holds the database for writing."""
    import duckdb
    new = tmp_path / "new.duckdb"
    out = run("import", str(hand_file(tmp_path)), "--dry-run", "--db", str(new))
    assert "rows importable: 8" in out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hand.csv", "lvm_settings.toml"]
    db = tmp_path / "held.duckdb"
    run("import", str(hand_file(tmp_path)), "--wave", "w", "--db", str(db))
    before = db.read_bytes()
    holder = duckdb.connect(str(db))                # an exclusive lock, like a running app
    try:
        out = run("import", str(hand_file(tmp_path)), "--dry-run", "--db", str(db))
        assert "rows importable: 8" in out.stdout
        assert db.read_bytes() == before
    finally:
        holder.close()


def test_scores_and_waves_csv_are_formula_safe(tmp_path):
    """Names from the file that a spreadsheet would run as formulas get a leading quote;
    numbers, negative ones included, stay numbers."""
    evil = '=HYPERLINK("http://evil","x")'
    rows = []
    for i in range(5):
        row = {"Respondent ID": f"p{i}", "Department": "D", "Team": evil, "Role": "IC"}
        for item in ITEMS:                          # L = 2, M = 4: orientation -50
            want = 2 if item.pole == "leadership" else 4
            row[item.id] = 6 - want if item.reverse else want
        rows.append(row)
    db = str(tmp_path / "cli.duckdb")
    run("import", str(write_plain(tmp_path / "evil.csv", rows)), "--wave", "@wave", "--db", db)
    out = run("scores", "--by", "team", "--db", db).stdout
    table = list(csv.DictReader(io.StringIO(out)))
    assert {r["group"] for r in table} == {"'" + evil}
    assert float(table[0]["orientation"]) == pytest.approx(-50.0)
    assert not table[0]["orientation"].startswith("'")
    waves = list(csv.DictReader(io.StringIO(run("waves", "--db", db).stdout)))
    assert waves[0]["wave"] == "'@wave"
