"""The command line with codebooks that map every kind of column, remembered mappings,
and headcounts (issue 10): real subprocesses, as a script would run them."""
import csv
import io
import subprocess
import sys
from datetime import datetime

from conftest import ROOT
from lvm_data.instrument import load_default
from tools.example_exports import limesurvey_codebook, limesurvey_codes

LAST = load_default().items[-1].id


def run(*args, check=True):
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args], cwd=ROOT,
                         capture_output=True, text=True)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def departments(db, wave) -> dict[str, int]:
    """Group -> n of the first dimension, from the scores command."""
    out = run("scores", "--by", "department", "--wave", wave, "--db", str(db)).stdout
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["dimension"] == "vision_execution"]
    return {r["group"]: int(r["n"]) for r in rows}


def expected_departments(path) -> dict[str, int]:
    """Independently: respondents per G01Q01 value in the file (every one answers all)."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, int] = {}
    for r in rows:
        out[r["G01Q01"]] = out.get(r["G01Q01"], 0) + 1
    return out


def test_codebook_then_remembered_then_overridden(tmp_path):
    db = tmp_path / "cli.duckdb"
    book = tmp_path / "codebook.csv"
    book.write_text(limesurvey_codebook())
    first = limesurvey_codes(tmp_path / "results-survey841.csv", 40, datetime(2026, 10, 2, 9))
    second = limesurvey_codes(tmp_path / "results-survey841b.csv", 30, datetime(2027, 1, 6, 9),
                              seed=2)
    third = limesurvey_codes(tmp_path / "results-survey841c.csv", 24, datetime(2027, 4, 1, 9),
                             seed=3)

    # without a codebook or a remembered mapping, the last item has no column: exit 2
    refused = run("import", str(first), "--db", str(db), check=False)
    assert refused.returncode == 2 and f"no column for item {LAST}" in refused.stderr

    out = run("import", str(first), "--codebook", str(book), "--db", str(db))
    assert "'2026-10' (40 respondents)" in out.stdout          # named from submitdate
    assert departments(db, "2026-10") == expected_departments(first) == {"Sales": 20,
                                                                          "Engineering": 20}

    out = run("import", str(second), "--db", str(db))           # no --codebook: remembered
    assert "'2027-01' (30 respondents)" in out.stdout
    assert "mapping from wave '2026-10'" in out.stderr
    assert departments(db, "2027-01") == expected_departments(second)

    # --codebook wins over the remembered mapping: here the team column is the department
    other = tmp_path / "other.csv"
    other.write_text(f"question,item\nG01Q01,ignore\nG01Q02,department\nG03Q01,{LAST}\n")
    out = run("import", str(third), "--codebook", str(other), "--db", str(db))
    assert "mapping from wave" not in out.stderr
    with open(third, newline="") as fh:
        teams: dict[str, int] = {}
        for r in csv.DictReader(fh):
            teams[r["G01Q02"]] = teams.get(r["G01Q02"], 0) + 1
    assert "'2027-04' (24 respondents)" in out.stdout
    assert departments(db, "2027-04") == teams


def test_headcount_command_and_its_errors(tmp_path):
    db = tmp_path / "cli.duckdb"
    book = tmp_path / "codebook.csv"
    book.write_text(limesurvey_codebook())
    first = limesurvey_codes(tmp_path / "r.csv", 40, datetime(2026, 10, 2, 9))
    run("import", str(first), "--codebook", str(book), "--db", str(db))
    heads = tmp_path / "heads.csv"
    heads.write_text("Department,Team,Headcount\nSales,Sales North,12\nSales,Sales South,13\n"
                     "Engineering,Platform,20\nEngineering,Apps,30\n")
    out = run("headcount", str(heads), "--wave", "2026-10", "--db", str(db))
    assert out.stdout.strip() == "stored 4 headcount rows for wave '2026-10'"
    bad = tmp_path / "bad.csv"
    bad.write_text("Department,Salary,Headcount\nSales,1,3\n")
    failed = run("headcount", str(bad), "--db", str(db), check=False)
    assert failed.returncode == 2 and "'Salary' is not an attribute" in failed.stderr
    negative = tmp_path / "neg.csv"
    negative.write_text("Department,Headcount\nSales,-3\n")
    failed = run("headcount", str(negative), "--db", str(db), check=False)
    assert failed.returncode == 2 and "row 2" in failed.stderr
