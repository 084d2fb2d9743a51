"""Remembered wave views (``store.views``): the same figures as computed afresh, never stale,
never altered by a caller, and never shared across minimums, filters or files."""
from __future__ import annotations

import pandas as pd
import pytest

from lvm_data import store
from lvm_data.store import read, views
from test_change import load, people


@pytest.fixture
def three_waves(tmp_path, con):
    load(con, tmp_path, "w1", people(20, 1, "A") + people(9, 2, "B", team="U"), 3)
    load(con, tmp_path, "w2", people(24, 3, "A", shift=1) + people(7, 4, "B"), 6)
    load(con, tmp_path, "w3", people(12, 5, "A") + people(6, 6, "B") + people(3, 7, "C")
         + people(6, 8, "C", team="") + people(2, 9, "A", team=""), 9)
    return con.cursor()


def _ids(cur) -> list[int]:
    return [int(i) for i in store.waves(cur)["wave_id"]]


def _fresh(cur, wave_id, by, where, k):
    """One wave counted on its own, without the memo: what ``read`` did before views."""
    dims = store.schema.wave_dimensions(cur, [wave_id])
    population, groups = read._verdicts(cur, wave_id, where, by, read._dimension_bases(dims), k)
    raw = read._raw_groups(cur, [wave_id], by, where, per_wave=False)
    return population, groups, raw


@pytest.mark.parametrize("by,where", [(None, None), ("department", None), ("team", None),
                                      ("team", {"department": ["A", "B"]}),
                                      ("role", {"department": ["B"]}),
                                      ("team", {"team": ["(not given)", "T"]}),
                                      (None, {"team": ["(not given)"], "department": ["C"]}),
                                      ("department", {"team": [], "role": ["IC", "x"]}),
                                      ("department", {"department": ["A", "A", "C"]})])
def test_waves_counted_together_equal_each_wave_alone(three_waves, by, where):
    cur = three_waves
    views._MEMO.clear()
    together = views.views(cur, _ids(cur), by, where, 5)
    for wave_id in _ids(cur):
        population, groups, raw = _fresh(cur, wave_id, by, where, 5)
        seen = together[wave_id]
        for got, want in ((seen.population, population), (seen.groups, groups)):
            pd.testing.assert_frame_equal(got.n.sort_index(), want.n.sort_index())
            pd.testing.assert_frame_equal(got.status.sort_index(), want.status.sort_index())
        keys = ["group", "dimension"]
        if raw.empty:                 # no one in the filters that wave (column types aside)
            assert seen.raw.empty
            continue
        pd.testing.assert_frame_equal(
            seen.raw.sort_values(keys).reset_index(drop=True)[list(raw.columns)],
            raw.sort_values(keys).reset_index(drop=True), check_exact=False, rtol=1e-12)


def test_a_caller_cannot_alter_what_the_next_one_reads(three_waves):
    cur = three_waves
    wave_id = _ids(cur)[-1]
    first = views.view(cur, wave_id, "department", None, 10)
    first.raw["n"] = 10 ** 6
    first.groups.status.iloc[:, :] = "ok"
    again = views.view(cur, wave_id, "department", None, 10)
    assert (again.raw["n"] < 100).all()
    assert "small" in set(again.groups.status.to_numpy().ravel())     # B (6), C (9)


def test_a_wave_imported_again_under_the_same_id_is_counted_again(tmp_path, con):
    cur = con.cursor()
    load(con, tmp_path, "w1", people(20, 1, "A"), 3)
    load(con, tmp_path, "w2", people(10, 3, "A") + people(10, 4, "B"), 6)
    old_id = _ids(cur)[-1]
    before = store.group_scores(cur, by="department", wave="w2")
    assert set(before.table["group"]) == {"A", "B"}
    store.delete_wave(cur, "w2")
    load(con, tmp_path, "w2", people(30, 5, "A") + people(8, 6, "B"), 6)
    assert _ids(cur)[-1] == old_id                       # the id is used again
    after = store.group_scores(cur, by="department", wave="w2")
    assert dict(zip(after.table["group"], after.table["n"])) == {"A": 30, "B": 8}


def test_minimum_and_filters_are_part_of_the_key(three_waves):
    cur = three_waves
    at5 = store.group_scores(cur, by="department", wave="w2", min_group_size=5)
    at8 = store.group_scores(cur, by="department", wave="w2", min_group_size=8)
    assert set(at5.table["group"]) == {"A", "B"}
    assert set(at8.table["group"]) == set()      # B (7) hidden, so A too (secondary)
    only_a = store.group_scores(cur, by="team", wave="w1", where={"department": ["A"]})
    assert set(only_a.table["n"]) == {20}


def test_trends_show_a_renamed_wave_by_its_new_name(three_waves):
    cur = three_waves
    assert "w2" in set(store.trends(cur).table["wave"])
    store.rename_wave(cur, "w2", "spring")
    assert set(store.trends(cur).table["wave"]) == {"w1", "spring", "w3"}


def test_in_memory_databases_are_not_remembered(tmp_path):
    con = store.connect(":memory:")
    load(con, tmp_path, "w1", people(20, 1, "A"), 3)
    views._MEMO.clear()
    store.group_scores(con.cursor(), by="department")
    assert views._MEMO == {}
    con.close()


@pytest.mark.parametrize("where", [None, {"department": ["A", "C"]}, {"team": ["(not given)"]}])
def test_one_dimension_counted_once_for_its_items_and_reliability(three_waves, where):
    """Both figures read one remembered count of the dimension's answers; each verdict
    equals that of the answers counted for its own bases alone."""
    cur = three_waves
    dim = store.schema.wave_dimensions(cur, _ids(cur))[0]
    wave_id = _ids(cur)[-1]
    views._MEMO.clear()
    dist = store.item_distribution(cur, dim, where=where)
    one = store.reliability(cur, where=where, dimension=dim)
    whole = store.reliability(cur, where=where)          # its own count of every scale
    assert len([key for key in views._MEMO if "answers" in key]) == 1
    pd.testing.assert_frame_equal(one.table.reset_index(drop=True), whole.table[
        whole.table["dimension"] == dim].reset_index(drop=True))
    items = list(dist.table["item_id"].unique())
    bases = {"all": "count(*)", **{f"item:{i}": f'count(a."{i}")' for i in items}}
    alone, _ = read._verdicts(cur, wave_id, where, None, bases, 5, answers=True)
    assert all(alone.ok("all", f"item:{i}") for i in items)
    assert dist.population == int(alone.n.at["all", "all"])


def test_sessions_asking_together_share_one_computation(three_waves):
    """Eight page runs asking for the same view at once (every viewer's next click after
    an import): one computes, the others wait for it and get equal copies; a failed
    computation lets the next one try instead of leaving the others waiting."""
    import threading
    import time
    cur = three_waves
    wave = _ids(cur)[0]
    views._MEMO.clear()
    calls, results, start = [], [], threading.Barrier(8)

    def compute():
        calls.append(1)
        time.sleep(0.3)          # long enough for all eight to arrive meanwhile
        return pd.DataFrame({"x": [1, 2, 3]})

    def ask():
        c = cur.connection.cursor() if hasattr(cur, "connection") else cur.cursor()
        start.wait()
        results.append(views.remembered(c, wave, ("together",), compute))
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(calls) == 1 and len(results) == 8
    assert all(r.equals(results[0]) for r in results)
    results[0].loc[0, "x"] = 99                   # a copy: the next reader is unaffected
    assert views.remembered(cur, wave, ("together",), compute)["x"].tolist() == [1, 2, 3]

    def fail():
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        views.remembered(cur, wave, ("failing",), fail)
    assert views.remembered(cur, wave, ("failing",), compute)["x"].tolist() == [1, 2, 3]
    assert views._FLIGHTS.idle()


def test_long_rows_from_the_wide_sums_by_hand():
    """Sums per group and dimension to one row per group x dimension counted on (by hand:
    A has 2 people on d0 with pole sums 8 and 4, on a 1-5 scale; B has nobody on d0)."""
    import numpy as np
    from lvm_data.store.read import _long
    wide = pd.DataFrame({"group": ["A", "B"], "smin": [1.0, 1.0], "smax": [5.0, 5.0],
                         "span": [4.0, 4.0], "n0": [2, 0], "l0": [8.0, 0.0], "m0": [4.0, 0.0],
                         "q0": [0.5, np.nan], "n1": [1, 3], "l1": [5.0, 6.0], "m1": [1.0, 9.0],
                         "q1": [np.nan, 1.0]})
    out = _long(wide, ["group"], ["d0", "d1"])
    assert list(zip(out["group"], out["dimension"], out["order"], out["n"])) == [
        ("A", "d0", 0, 2), ("A", "d1", 1, 1), ("B", "d1", 1, 3)]
    assert list(out["leadership"]) == [4.0, 5.0, 2.0]
    assert list(out["management"]) == [2.0, 1.0, 3.0]
    assert list(out["orientation"]) == [50.0, 100.0, -25.0]      # 100 (l - m) / n / span
    assert list(out["balance"]) == [50.0, 50.0, 37.5]            # 100 ((l+m)/2/n - 1) / 4
    assert out["orientation_sd"].tolist()[::2] == [12.5, 25.0] and out["orientation_sd"].isna()[1]
    assert list(out["midpoint"]) == [3.0, 3.0, 3.0]
