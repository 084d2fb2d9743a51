"""Group scores summed from a wave's cube (``store.rollup``): the figures a scan of the
respondents gives, a spread of exactly 0 kept exactly 0, and no scan for a new filter."""
from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from lvm_data import store
from lvm_data.store import cells, read, rollup, schema, views
from test_change import ITEMS, load, people
from test_views import _ids


def _cube(cells_: dict[tuple[str, str], list[tuple[float, float]]]) -> pd.DataFrame:
    """A one-dimension cube from respondents' (leadership, management) per (department,
    team), its cells summed one respondent after the other, as DuckDB sums them."""
    rows = []
    for (dept, team), people_ in cells_.items():
        d = [lead - man for lead, man in people_]
        rows.append({"department": dept, "team": team, "role": "IC", "all": len(people_),
                     "dim:d0": len(people_), "lead:d0": sum(p[0] for p in people_),
                     "man:d0": sum(p[1] for p in people_), "var:d0": float(np.var(d))})
    return pd.DataFrame(rows)


@pytest.fixture
def two_waves(tmp_path, con):
    """Departments A, B, C over teams T, U and blank, in two waves."""
    load(con, tmp_path, "w1", people(20, 1, "A") + people(9, 2, "B", team="U"), 3)
    load(con, tmp_path, "w2", people(14, 3, "A", team="") + people(8, 4, "C")
         + people(6, 5, "B", team="U"), 6)
    return con.cursor()


A1, A2, B1 = [(4.0, 2.0), (5.0, 1.0)], [(3.0, 3.0), (2.0, 4.0), (4.0, 4.0)], [(1.0, 1.0)]


def test_group_figures_from_cells_by_hand():
    """A: differences 2, 4 (team T1) and 0, -2, 0 (T2): mean 0.8, sum of squared deviations
    1.44 + 10.24 + 0.64 + 7.84 + 0.64 = 20.8, sd sqrt(20.8 / 4); on a 1-5 scale (span 4)
    orientation 100 x 0.8 / 4 = 20, its sd 25 sqrt(5.2); leadership 18 / 5, management
    14 / 5, balance 100 ((3.6 + 2.8) / 2 - 1) / 4 = 55. B: one person, no sd."""
    cube = _cube({("A", "T1"): A1, ("A", "T2"): A2, ("B", "T3"): B1})
    rows, unsure = rollup.group_sums(cube, None, "department", ["d0"], (1.0, 5.0))
    assert not unsure
    assert list(rows["group"]) == ["A", "B"] and list(rows["n"]) == [5, 1]
    a = rows.iloc[0]
    assert a["leadership"] == pytest.approx(3.6, abs=1e-12)
    assert a["management"] == pytest.approx(2.8, abs=1e-12)
    assert a["orientation"] == pytest.approx(20.0, abs=1e-12)
    assert a["orientation_sd"] == pytest.approx(25 * math.sqrt(5.2), abs=1e-12)
    assert a["balance"] == pytest.approx(55.0, abs=1e-12)
    assert math.isnan(rows.iloc[1]["orientation_sd"])
    # only teams T1 and T3: A is 2 and 4 (sd sqrt 2), B as before
    rows, _ = rollup.group_sums(cube, {"team": ["T1", "T3"]}, "department", ["d0"],
                                (1.0, 5.0))
    assert list(rows["n"]) == [2, 1]
    assert rows.iloc[0]["orientation_sd"] == pytest.approx(25 * math.sqrt(2), abs=1e-12)


def test_ungrouped_and_blank_groups_match_the_statistics_module():
    people_ = {("A", "T1"): A1, ("A", "T2"): A2, ("B", None): B1 + [(2.5, 1.0), (1.0, 3.5)]}
    cube = _cube(people_)
    everyone = [lead - man for group in people_.values() for lead, man in group]
    rows, _ = rollup.group_sums(cube, None, None, ["d0"], (1.0, 5.0))
    assert list(rows["group"]) == ["all"] and rows.iloc[0]["n"] == len(everyone)
    assert rows.iloc[0]["orientation_sd"] == pytest.approx(
        25 * statistics.stdev(everyone), abs=1e-12)
    rows, _ = rollup.group_sums(cube, None, "team", ["d0"], (1.0, 5.0))
    blank = rows[rows["group"] == store.NOT_GIVEN].iloc[0]
    assert blank["n"] == 3
    assert blank["orientation"] == pytest.approx(25 * statistics.mean([0.0, 1.5, -2.5]))


def test_a_spread_of_zero_stays_exactly_zero_or_is_left_to_a_scan():
    """Everyone's difference is 1/3 (not exact in binary): a group of one cell, or of cells
    of one person each, is exactly 0; a group of a cell of 7 and one of 3, whose summed
    means differ in the last bit, cannot be told from a tiny spread and is unsure. Cells of
    different constant values are a real spread, not unsure."""
    x = (11 / 3, 10 / 3)
    one_cell = _cube({("A", "T1"): [x] * 7})
    singles = _cube({("A", "T1"): [x], ("A", "T2"): [x], ("A", "T3"): [x]})
    for cube in (one_cell, singles):
        rows, unsure = rollup.group_sums(cube, None, "department", ["d0"], (1.0, 5.0))
        assert rows.iloc[0]["orientation_sd"] == 0.0 and not unsure
    rows, unsure = rollup.group_sums(_cube({("A", "T1"): [x] * 7, ("A", "T2"): [x] * 3}),
                                     None, "department", ["d0"], (1.0, 5.0))
    assert unsure
    apart = {("A", "T1"): [(3.0, 3.0)] * 3, ("A", "T2"): [(4.0, 3.0)] * 3}
    rows, unsure = rollup.group_sums(_cube(apart), None, "department", ["d0"], (1.0, 5.0))
    assert not unsure
    assert rows.iloc[0]["orientation_sd"] == pytest.approx(
        25 * statistics.stdev([0.0] * 3 + [1.0] * 3), abs=1e-12)


def _same(seed: int, dept: str, team: str, n: int) -> list[dict]:
    """``n`` respondents who all gave the same answers (so the same scores)."""
    answers = {item.id: 3 + (i % 3 == 0) - (i % 5 == 0) for i, item in enumerate(ITEMS)}
    return [{"Respondent ID": f"{dept}{team}{seed}-{i}", "Department": dept, "Team": team,
             "Role": "IC", **answers} for i in range(n)]


def test_identical_people_across_teams_get_exactly_zero_from_the_store(tmp_path, con):
    """Department A: 7 and 3 identical people in two teams; their spread is exactly 0 on
    every dimension, as the scan gives it (the cube's sums cannot settle it); B differs."""
    load(con, tmp_path, "w1", _same(1, "A", "T1", 7) + _same(2, "A", "T2", 3)
         + people(12, 3, "B", team="U") + people(6, 4, "B", team="V"), 3)
    cur = con.cursor()
    views._MEMO.clear()
    raw = views.view(cur, _ids(cur)[0], "department", None, 5).raw
    a = raw[raw["group"] == "A"]
    assert len(a) == 5 and (a["orientation_sd"] == 0.0).all() and (a["n"] == 10).all()
    scan = read._raw_groups(cur, _ids(cur), "department", None, per_wave=False)
    pd.testing.assert_frame_equal(raw.sort_values(["group", "order"]).reset_index(drop=True),
                                  scan.sort_values(["group", "order"]).reset_index(drop=True),
                                  check_exact=False, rtol=1e-12)
    table = store.group_scores(cur, by="department").table
    a = table[table["group"] == "A"]
    assert (a["orientation_ci_low"] == a["orientation_ci_high"]).all()


def test_a_new_filter_or_grouping_needs_no_scan(two_waves, monkeypatch):
    """Once a wave's cube is counted, other groupings by and filters on its attributes are
    sums over it: neither the cube nor the group sums are scanned again."""
    cur = two_waves
    views._MEMO.clear()
    store.trends(cur, by="department")

    def scanned(*args, **kwargs):
        raise AssertionError("the respondents were scanned")
    monkeypatch.setattr(cells, "cubes", scanned)
    monkeypatch.setattr(views, "_raw_groups", scanned)
    store.trends(cur, by="team", where={"department": ["A", "B"]})
    store.group_scores(cur, by="role", where={"team": ["T", "(not given)"]})
    store.group_scores(cur, wave="w1", where={"department": ["A"]})


@pytest.mark.parametrize("by,where", [(None, None), ("team", {"department": ["A", "C"]}),
                                      ("department", {"team": ["(not given)"]}),
                                      (None, {"role": ["IC"], "department": ["B"]})])
def test_sizes_from_the_cube_are_the_counted_population(two_waves, by, where):
    cur = two_waves
    views._MEMO.clear()
    ids = _ids(cur)
    assert views.sizes(cur, ids, by, where) == {w: read.population(cur, [w], where)
                                                for w in ids}


def test_each_waves_dimensions_in_one_query(two_waves):
    cur = two_waves
    ids = _ids(cur)
    assert schema.each_wave_dimensions(cur, [*ids, 999]) == {
        **{w: schema.wave_dimensions(cur, [w]) for w in ids}, 999: []}
