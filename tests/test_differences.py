"""Group differences from the store: the numbers against scipy on the rows, and attacks."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lvm_data import effects, store
from lvm_data.instrument import load_default
from test_change import load, orientation, people

DIMS = load_default().dimensions


def by_group(rows, dim):
    out = {}
    for r in rows:
        out.setdefault(r["Department"], []).append(orientation(r, dim))
    return {g: np.array(v) for g, v in out.items()}


@pytest.fixture
def org(tmp_path, con):
    rows = (people(12, 1, "A", shift=1) + people(30, 2, "B") + people(9, 3, "C")
            + people(3, 4, "D") + people(7, 5, "E"))
    load(con, tmp_path, "w", rows, 1)
    return con.cursor(), rows


def test_group_tests_against_scipy_over_the_shown_groups(org):
    cur, rows = org
    res = store.group_tests(cur, "department")
    assert list(res.table["dimension"]) == DIMS
    for dim in DIMS:
        groups = by_group(rows, dim)
        shown = [groups[g] for g in ("A", "B", "C")]   # D (3) hidden, E (7) with it
        row = res.table[res.table["dimension"] == dim].iloc[0]
        assert (row["groups"], row["n"]) == (3, 51)
        ref = stats.kruskal(*(np.round(g, 9) for g in shown))   # equal scores tie exactly
        assert row["kruskal_h"] == pytest.approx(ref.statistic)
        assert row["kruskal_p"] == pytest.approx(ref.pvalue)
        everyone = np.concatenate(shown)
        between = sum(len(g) * (g.mean() - everyone.mean()) ** 2 for g in shown)
        assert row["eta_squared"] == pytest.approx(
            between / ((everyone - everyone.mean()) ** 2).sum())
        means, sds = [g.mean() for g in shown], [g.std(ddof=1) for g in shown]
        assert row["welch_f"] == pytest.approx(
            effects.welch_anova(means, sds, [12, 30, 9])[0])
    assert list(res.table["p_holm"]) == pytest.approx(list(effects.holm(res.table["p"])))


def test_two_groups_welch_anova_is_the_squared_t(tmp_path, con):
    rows = people(11, 1, "A", shift=1) + people(14, 2, "B")
    load(con, tmp_path, "w", rows, 1)
    res = store.group_tests(con.cursor(), "department")
    groups = by_group(rows, DIMS[0])
    ref = stats.ttest_ind(groups["A"], groups["B"], equal_var=False)
    assert res.table.iloc[0]["welch_f"] == pytest.approx(ref.statistic ** 2)
    assert res.table.iloc[0]["p"] == pytest.approx(ref.pvalue)


def test_one_group_gives_no_test(tmp_path, con):
    load(con, tmp_path, "w", people(11, 1, "A"), 1)
    res = store.group_tests(con.cursor(), "department")
    assert res.table["welch_f"].isna().all() and res.table["kruskal_h"].isna().all()
    assert store.difference_from_all(con.cursor(), "department").table["p"].isna().all()


def test_difference_from_everyone_tested_against_the_rest(org):
    cur, rows = org
    res = store.difference_from_all(cur, "department")
    assert set(res.table["group"]) == {"A", "B", "C"}
    dim = DIMS[2]
    groups = by_group(rows, dim)
    everyone = np.concatenate(list(groups.values()))          # D and E are in "everyone"
    rest = np.concatenate([v for g, v in groups.items() if g != "A"])
    row = res.table[(res.table["group"] == "A") & (res.table["dimension"] == dim)].iloc[0]
    assert row["difference"] == pytest.approx(groups["A"].mean() - everyone.mean())
    assert row["n_rest"] == len(rest)
    assert row["p"] == pytest.approx(stats.ttest_ind(groups["A"], rest, equal_var=False).pvalue)
    assert list(res.table["p_holm"]) == pytest.approx(list(effects.holm(res.table["p"])))


def test_a_group_whose_rest_is_below_the_minimum_shows_no_difference(tmp_path, con):
    """A (20) and B (3): A minus everyone would be B's mean scaled; A is withheld."""
    load(con, tmp_path, "w", people(20, 1, "A") + people(3, 2, "B"), 1)
    cur = con.cursor()
    assert store.difference_from_all(cur, "department").table.empty
    assert store.group_tests(cur, "department").table.empty


def test_a_refused_selection_gives_no_tests(org):
    cur, _ = org
    res = store.group_tests(cur, "team", where={"department": ["D"]})
    assert res.table.empty and res.message


def test_compare_adds_effect_sizes(org):
    cur, rows = org
    a, b = store.Selection(None, {"department": ["A"]}, "A"), \
        store.Selection(None, {"department": ["B"]}, "B")
    table = store.compare(cur, a, b).table
    ps = []
    for _, row in table.iterrows():
        g = by_group(rows, row["dimension"])
        pooled = np.sqrt((((g["A"] - g["A"].mean()) ** 2).sum()
                          + ((g["B"] - g["B"].mean()) ** 2).sum()) / (12 + 30 - 2))
        assert row["d"] == pytest.approx((g["A"].mean() - g["B"].mean()) / pooled)
        ref = stats.ttest_ind(g["A"], g["B"], equal_var=False)
        assert row["p"] == pytest.approx(ref.pvalue)
        assert row["detectable"] == pytest.approx(
            (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * pooled * np.sqrt(1 / 12 + 1 / 30))
        ps.append(ref.pvalue)
    holm = effects.holm(ps)
    assert list(table["p_holm"]) == pytest.approx(list(holm))
    assert list(table["meaningful"]) == [bool(p < 0.05 and abs(d) >= 0.2)
                                         for p, d in zip(holm, table["d"])]
    assert table["meaningful"].any()          # A's leadership answers were shifted up


def test_new_figures_go_through_a_links_scope(org):
    cur, _ = org
    scoped = store.scope.Scoped(store.scope.Scope(where={"department": ["A", "B", "C"]}))
    tests = scoped.group_tests(cur, "department")
    assert set(tests.table["groups"]) == {3}
    outside = scoped.difference_from_all(cur, "department", where={"department": ["E"]})
    assert outside.empty and outside.message == store.scope.OUTSIDE
