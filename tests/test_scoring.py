"""Each scoring rule pinned with values computed by hand (working in the comments)."""
import math

import pytest

from lvm_data import ingest, scoring, store
from lvm_data.instrument import parse_codebook

CODEBOOK = """question,item,dimension,pole,reverse
a1,a1,d1,leadership,false
a2,a2,d1,leadership,false
a3,a3,d1,leadership,true
b1,b1,d1,management,false
b2,b2,d1,management,false
"""

# R1: L = (5 + 4 + (6-2)) / 3 = 13/3; M = (2 + 3) / 2 = 2.5
# R2: only a3 answered: 1 of 3 leadership items < ceil(3/2) = 2 -> no L -> not counted
# R3: a1=3, a3=3 -> (3 + (6-3)) / 2 = 3 (2 of 3 answered is enough); b2 only: 1 >= ceil(2/2) -> M = 4
DATA = """id,dept,a1,a2,a3,b1,b2
R1,X,5,4,2,2,3
R2,X,,,1,4,4
R3,X,3,,3,,4
"""


@pytest.fixture
def tiny(tmp_path, con, min_group):
    min_group(2)
    path = tmp_path / "tiny.csv"
    path.write_text(DATA)
    opts = ingest.Options(wave="w1", codebook=parse_codebook(CODEBOOK))
    ingest.import_file(con, path, opts)
    return con


def test_respondent_scores_by_hand(tiny):
    rows = tiny.execute('SELECT respondent_key, "d1__l", "d1__m" FROM respondents '
                        "ORDER BY 1").fetchall()
    r1, r2, r3 = rows
    assert r1[1:] == pytest.approx((13 / 3, 2.5))
    assert r2[1:] == (None, None)          # no leadership score -> not counted at all
    assert r3[1:] == pytest.approx((3.0, 4.0))


def test_respondent_archetypes_by_hand(tiny):
    # R1: L = 4.33 >= 3, M = 2.5 < 3 -> Leadership-led; R3: L = 3 (the midpoint counts as
    # high), M = 4 -> Integrator
    mix = store.archetype_mix(tiny.cursor(), min_group_size=2).table
    assert dict(zip(mix["archetype"], mix["n"])) == {"Integrator": 1, "Leadership-led": 1}
    assert mix["share"].tolist() == pytest.approx([0.5, 0.5])


def test_group_values_and_t_interval(tiny):
    res = store.group_scores(tiny.cursor(), wave="w1", min_group_size=2)
    row = res.table.iloc[0]
    assert row["n"] == 2
    o1, o3 = 100 * (13 / 3 - 2.5) / 4, -25.0
    assert row["orientation"] == pytest.approx((o1 + o3) / 2)        # 10.41667
    assert row["leadership"] == pytest.approx((13 / 3 + 3) / 2)
    assert row["management"] == pytest.approx((2.5 + 4) / 2)
    # balance per respondent: 100 ((L + M) / 2 - 1) / 4 -> 60.4167 and 62.5
    assert row["balance"] == pytest.approx((100 * ((13 / 3 + 2.5) / 2 - 1) / 4 + 62.5) / 2)
    # sample sd of two values = |diff| / sqrt(2); t(0.975, df=1) = 12.7062 (printed t table)
    half = 12.7062 * (abs(o1 - o3) / math.sqrt(2)) / math.sqrt(2)
    assert row["orientation_ci_low"] == pytest.approx((o1 + o3) / 2 - half, rel=1e-4)
    assert row["orientation_ci_high"] == pytest.approx((o1 + o3) / 2 + half, rel=1e-4)
    # group archetype from group means: L = 3.667 >= 3, M = 3.25 >= 3
    assert row["archetype"] == "Integrator"


def test_group_below_minimum_is_never_reported(tiny):
    # 3 respondents in the population, but only 2 counted on d1 (R2 has no leadership score)
    res = store.group_scores(tiny.cursor(), wave="w1", min_group_size=3)
    assert res.table.empty and res.hidden_cells == 1
    assert "fewer than 3 respondents" in res.message
    # a population below the minimum yields nothing at all, with the reason
    res = store.group_scores(tiny.cursor(), wave="w1", min_group_size=4)
    assert res.table.empty and res.population == 3
    assert "fewer respondents than the anonymity minimum of 4" in res.message and "3" not in res.message


def test_archetype_rule_at_boundaries():
    got = scoring.archetype([3, 3, 2.99, 2.99, float("nan")], [3, 2.99, 3, 2.99, 4], 3)
    assert list(got) == ["Integrator", "Leadership-led", "Management-led", "Developing", None]


def test_min_answered_rounds_half_up():
    assert [scoring.min_answered(k) for k in (1, 2, 3, 4, 5)] == [1, 1, 2, 2, 3]


# Leadership pole scores 8/3, 10/3, 13/3, 5/3: their mean is exactly 3, the scale midpoint,
# but summed in floating point in this order it is 2.9999999999999996.
MIDPOINT_DATA = """id,dept,a1,a2,a3,b1,b2
M1,X,3,3,4,4,4
M2,X,4,3,3,4,4
M3,X,5,4,2,4,4
M4,X,2,2,5,4,4
"""


def test_a_mean_of_exactly_the_midpoint_is_high(tmp_path, con, min_group):
    """a3 is reverse-keyed (6 - v): M1 L = (3+3+2)/3 = 8/3, M2 (4+3+3)/3 = 10/3,
    M3 (5+4+4)/3 = 13/3, M4 (2+2+1)/3 = 5/3; mean 36/12 = 3 -> high; M = 4 -> Integrator."""
    assert sum([8 / 3, 10 / 3, 13 / 3, 5 / 3]) / 4 < 3          # the trap is real
    assert scoring.archetype([2.9999999999999996], [4.0], 3.0)[0] == scoring.INTEGRATOR
    assert scoring.archetype([2.9999], [4.0], 3.0)[0] == scoring.MANAGEMENT_LED
    min_group(2)
    path = tmp_path / "mid.csv"
    path.write_text(MIDPOINT_DATA)
    ingest.import_file(con, path, ingest.Options(wave="w", codebook=parse_codebook(CODEBOOK)))
    row = store.group_scores(con.cursor(), min_group_size=2).table.iloc[0]
    assert row["leadership"] == pytest.approx(3.0, abs=1e-12)
    assert row["archetype"] == scoring.INTEGRATOR


def test_a_group_without_spread_has_an_exact_interval(tmp_path, con, min_group):
    """Five identical respondents: L = (4+4+(6-3))/3 = 11/3, M = 3, so every orientation is
    100 * (2/3) / 4 = 16.67; the sample SD is 0 and the CI collapses onto the mean."""
    min_group(2)
    path = tmp_path / "flat.csv"
    path.write_text("id,dept,a1,a2,a3,b1,b2\n" + "".join(f"F{i},X,4,4,3,3,3\n" for i in range(5)))
    ingest.import_file(con, path, ingest.Options(wave="w", codebook=parse_codebook(CODEBOOK)))
    row = store.group_scores(con.cursor(), min_group_size=2).table.iloc[0]
    assert row["orientation"] == pytest.approx(100 * (2 / 3) / 4, abs=1e-12)
    assert row["orientation_ci_low"] == row["orientation_ci_high"] == row["orientation"]


def test_welch_interval_of_two_groups_without_spread():
    from lvm_data.stats import welch_ci
    diff, low, high = welch_ci([20.0], [0.0], [5], [5.0], [0.0], [6])
    assert (diff[0], low[0], high[0]) == (15.0, 15.0, 15.0)
