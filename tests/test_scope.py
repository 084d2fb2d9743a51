"""Scope enforcement in the store layer: whatever ``where`` a viewer sends, a scoped query
returns nothing outside the scope (checked against the data, not against the code)."""
import random

import pytest

from lvm_data import ingest, store
from lvm_data.store.scope import EMPTY, NOTHING, OUTSIDE, Scope, Scoped, restrict
from lvm_ui.common import SAMPLE_DIR

SALES = Scope({"department": ["Sales"]})
# What an edited URL or a curious viewer might send
HOSTILE = [None, {}, {"department": []}, {"department": ["Engineering"]},
           {"department": ["Sales", "Engineering"]}, {"department": ["Engineering", "Sales"]},
           {"department": ["sales"]}, {"department": ["(not given)"]},
           {"department": ["Sales' OR '1'='1"]}, {"team": ["Engineering - Data"]},
           {"team": ["Sales - EMEA", "Engineering - Data"]}, {"role": ["Manager"]},
           {"department": ["Sales"], "team": ["Sales - EMEA"]},
           {"tenure_band": ["1-3 years"]}]


@pytest.fixture
def sample(con):
    ingest.import_file(con, SAMPLE_DIR / "sample_export.csv", ingest.Options())
    return con.cursor()


def sales_rids(cur, wave="2025-H2"):
    return cur.execute("SELECT count(*) FROM respondents r JOIN waves w USING (wave_id) "
                       "WHERE department = 'Sales' AND w.name = ?", [wave]).fetchone()[0]


def test_restrict_intersects_and_never_widens():
    assert restrict(SALES, None) == {"department": ["Sales"]}
    assert restrict(SALES, {"department": []}) == {"department": ["Sales"]}
    assert restrict(SALES, {"department": ["Sales", "HR"]}) == {"department": ["Sales"]}
    assert restrict(SALES, {"department": ["HR"]}) is EMPTY
    assert restrict(SALES, {"role": ["Manager"]}) == {"role": ["Manager"], "department": ["Sales"]}
    assert restrict(Scope(), {"role": ["x"]}) == {"role": ["x"]}


@pytest.mark.parametrize("where", HOSTILE)
def test_scoped_queries_stay_inside_the_scope(sample, where):
    s = Scoped(SALES)
    sales = sales_rids(sample)
    by_dept = s.group_scores(sample, by="department", where=where)
    assert set(by_dept.table["group"]) <= {"Sales"}
    assert by_dept.population <= sales
    teams = s.group_scores(sample, by="team", where=where)
    assert all(g.startswith("Sales - ") for g in teams.table["group"])
    assert set(s.attribute_values(sample, "department", where=where)) <= {"Sales"}
    assert all(t.startswith("Sales - ") for t in s.attribute_values(sample, "team", where=where))
    assert s.overview(sample, where=where).population <= sales
    assert s.archetype_mix(sample, where=where).population <= sales
    items = s.item_distribution(sample, "vision_execution", where=where)
    assert items.table.groupby("item_id")["count"].sum().le(sales).all()
    trend = s.trends(sample, by="department", where=where)
    assert set(trend.table["group"]) <= {"Sales"}


def test_outside_values_give_the_scope_message_not_data(sample):
    s = Scoped(SALES)
    res = s.group_scores(sample, where={"department": ["Engineering"]})
    assert res.empty and res.message == OUTSIDE
    assert s.attribute_values(sample, "team", where={"department": ["HR"]}) == []


def test_scoped_numbers_equal_the_direct_query_within_the_scope(sample):
    s = Scoped(SALES)
    direct = store.group_scores(sample, by="role", where={"department": ["Sales"]})
    scoped = s.group_scores(sample, by="role", where={"department": ["Engineering", "Sales"]})
    assert scoped.table.equals(direct.table)
    assert s.overview(sample).population == sales_rids(sample) == 51


def test_compare_sides_are_scoped(sample):
    s = Scoped(SALES)
    wide = store.Selection(None, {"department": ["Engineering"]}, "E")
    # (Managers and ICs together would leave out a handful of Sales: refused by the remainder rule)
    sales = store.Selection(None, {"role": ["Individual contributor"]}, "S")
    assert s.compare(sample, sales, wide).message == OUTSIDE
    res = s.compare(sample, sales, store.Selection(None, {}, "all of Sales"))
    assert not res.empty and res.table["n_b"].max() <= sales_rids(sample)


def test_fixed_wave_pins_every_query(sample):
    s = Scoped(Scope({"department": ["Sales"]}, wave="2025-H1"))
    assert s.overview(sample).population == sales_rids(sample, "2025-H1") == 48
    assert s.group_scores(sample, wave="2025-H2").message == OUTSIDE
    assert s.waves(sample)["wave"].tolist() == ["2025-H1"]
    trend = s.trends(sample)
    assert set(trend.table["wave"]) == {"2025-H1"}
    assert s.overview(sample).table["waves"].tolist() == [1]


def test_unknown_functions_are_refused(sample):
    with pytest.raises(store.QueryError):
        Scoped(SALES).delete_wave(sample, "2025-H1")


def test_random_filters_never_leave_the_scope(sample):
    """Many random combinations of real values (a fixed seed, so a failure repeats)."""
    rng = random.Random(8)
    values = {a: store.attribute_values(sample, a) for a in ("department", "team", "role")}
    s = Scoped(Scope({"department": ["Sales", "HR"]}))
    allowed = {"Sales", "HR"}
    for _ in range(60):
        where = {a: rng.sample(vs, rng.randint(0, 3)) for a, vs in values.items()
                 if rng.random() < 0.7}
        res = s.group_scores(sample, by="department", where=where)
        assert set(res.table["group"]) <= allowed, where
        wanted = set(where.get("department") or allowed) & allowed
        if not wanted:
            assert res.message == OUTSIDE
            continue
        direct = store.group_scores(sample, by="department",
                                    where={**where, "department": sorted(wanted)})
        assert res.population == direct.population, where


def test_a_scope_that_allows_nothing_returns_nothing(sample):
    for scope in (Scope({"department": []}), NOTHING):
        s = Scoped(scope)
        assert s.group_scores(sample).message == OUTSIDE
        assert s.attribute_values(sample, "department") == []
    assert Scoped(NOTHING).waves(sample).empty
