"""The import benchmark's second floor (``bench/stored_floor.py``) must store what an
import stores, or its ratio says nothing about what the checks have left: the same rows,
every answer, and the pole means worked out here by hand from the file's text."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import duckdb
import pytest

from lvm_data.sample import write_sample

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from stored_floor import store_only  # noqa: E402

# vision_execution's leadership pole in the default instrument: VE_L4 is reverse-keyed on
# a 1-5 scale, so it counts as 6 minus the answer; a pole needs two answered items.
POLE = (("VE_L1", False), ("VE_L2", False), ("VE_L3", False), ("VE_L4", True))


def by_hand(row: dict[str, str]) -> float | None:
    values = [6 - float(row[k]) if rev else float(row[k]) for k, rev in POLE if row[k] != ""]
    return sum(values) / len(values) if len(values) >= 2 else None


def test_the_floor_stores_both_tables_with_every_row_answer_and_pole_mean(tmp_path):
    path = tmp_path / "export.csv"
    write_sample(path, 400, seed=11)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert any(row["VE_L4"] == "" for row in rows)          # blanks are exercised
    store_only(str(path), str(tmp_path / "floor.duckdb"))
    con = duckdb.connect(str(tmp_path / "floor.duckdb"), read_only=True)
    stored = con.execute('SELECT respondent_key, department, vision_execution__l, "VE_L4" '
                         "FROM respondents JOIN answers_1 USING (rid) ORDER BY rid").fetchall()
    assert con.execute("SELECT count(*) FROM answers_1").fetchone()[0] == len(rows) == 400
    for row, (key, department, mean, ve_l4) in zip(rows, stored):
        assert (key, department) == (row["Respondent ID"], row["Department"])
        assert ve_l4 == (float(row["VE_L4"]) if row["VE_L4"] else None)
        expected = by_hand(row)
        assert mean == (pytest.approx(expected) if expected is not None else None)
