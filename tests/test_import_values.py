"""Imported values, through both ways a file is read: numeric missing codes, whole-number
answers, attribute values with stray spaces.

A CLI import reads whole-number columns as integers and, when both ends of every column are
on the scale, only measures them instead of counting every answer; the dashboard's import
reads text and counts everything. Both must store the same numbers and report the same
problems. A missing code that reads as a number (-99, -999, NaN) is a blank answer, never a
score of -99. An attribute column whose answers are all tidy is taken as it is; any other is
trimmed, and a blank-only answer is no answer.
"""
from __future__ import annotations

import pytest

from conftest import write_plain
from test_crosswave import ITEMS
from lvm_data import ingest, memory_import, store

FIRST = ITEMS[0].id                       # VE_L1: a leadership item of vision_execution
VE_LEAD = [i for i in ITEMS if i.dimension == "vision_execution" and i.pole == "leadership"]


def _rows(n: int, value: int = 4, **first) -> list[dict]:
    """``n`` respondents answering ``value`` everywhere; ``first`` overrides the first rows'
    answer to FIRST, in order."""
    rows = [{"Respondent ID": f"p{i}", "Department": "D", "Team": "T", "Role": "IC",
             **{item.id: value for item in ITEMS}} for i in range(n)]
    for row, answer in zip(rows, first.get("answers", [])):
        row[FIRST] = answer
    return rows


def _import(path, tmp_path, how: str):
    db = tmp_path / f"{how}.duckdb"
    if how == "cli":
        memory_import.import_into(db, path, ingest.Options(wave="w"))
    else:
        con = store.connect(db)
        ingest.import_file(con, path, ingest.Options(wave="w"))
        con.close()
    return store.connect(db)


@pytest.mark.parametrize("how", ["cli", "dashboard"])
@pytest.mark.parametrize("code", ["-99", "-999", "NaN"])
def test_a_numeric_missing_code_is_a_blank_answer(tmp_path, how, code):
    path = write_plain(tmp_path / "codes.csv", _rows(6, answers=[code, "2"]))
    con = _import(path, tmp_path, how)
    answers = [r[0] for r in con.execute(f'SELECT "{FIRST}" FROM answers_1 ORDER BY rid')
               .fetchall()]
    # respondent 1's code is blank, respondent 2's 2 stays, the rest answered 4
    assert answers[0] is None and answers[1:] == [2.0, 4.0, 4.0, 4.0, 4.0]
    lead = [r[0] for r in con.execute(
        "SELECT vision_execution__l FROM respondents ORDER BY rid").fetchall()]
    # by hand: a reverse-keyed item's 4 counts 6 - 4 = 2 on the 1..5 scale; respondent 1's
    # blank leaves the other items' mean (with -99 counted it would fall far below 1)
    others = [2 if i.reverse else 4 for i in VE_LEAD[1:]]
    assert lead[0] == pytest.approx(sum(others) / len(others))
    assert lead[1] == pytest.approx((2 + sum(others)) / (len(others) + 1))
    con.close()


def _report(path, typed: bool):
    """The check of a file as the CLI (integers, ends measured) or the dashboard (text) reads it."""
    con = store.connect(":memory:")
    try:
        prepared = ingest.prepare(con.cursor(), path, ingest.Options(wave="w"),
                                  typed_read=typed)
        prepared.layout.cleanup()
        r = prepared.report
        return r.problems, r.unrecognised, (r.scale.min, r.scale.max), r.rows_importable
    finally:
        con.close()


@pytest.mark.parametrize("answers, problems, unrecognised", [
    ([2, 3, 4], {}, {}),                                          # ends inside the scale
    ([1, 5, 5], {}, {}),                                          # ends on its edges
    ([7, 7, 0, 3], {"invalid value": 3}, {"7": 2, "0": 1}),       # off the scale: counted
    (["-99", 5, 6], {"invalid value": 1}, {"6": 1}),              # a code and a typo
])
def test_measured_ends_report_what_counting_every_answer_does(tmp_path, answers, problems,
                                                              unrecognised):
    path = write_plain(tmp_path / "ends.csv", _rows(8, value=3, answers=answers))
    typed, text = _report(path, typed=True), _report(path, typed=False)
    assert typed == text
    # by hand: 8 rows, the default 5-point scale, one row per answer off it
    assert typed == (problems, unrecognised, (1.0, 5.0), 8 - sum(problems.values()))


@pytest.mark.parametrize("how", ["cli", "dashboard"])
def test_attribute_values_are_trimmed_unless_all_are_tidy(tmp_path, how):
    rows = _rows(6)
    for row, dept, team in zip(rows, [" Sales", "Sales ", "  ", "Sales", "Ops", "Ops"],
                               ["A", "A", "A", "B", "B", "B"]):
        row["Department"], row["Team"] = dept, team
    con = _import(write_plain(tmp_path / "spaces.csv", rows), tmp_path, how)
    got = con.execute("SELECT department, team FROM respondents ORDER BY rid").fetchall()
    assert got == [("Sales", "A"), ("Sales", "A"), (None, "A"), ("Sales", "B"), ("Ops", "B"),
                   ("Ops", "B")]
    con.close()
