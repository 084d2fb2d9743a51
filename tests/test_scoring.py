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
