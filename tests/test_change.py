"""Change since the previous wave: numbers against scipy on the planted rows, and attacks."""
from __future__ import annotations

import csv
import io
import random
from datetime import date

import numpy as np
import pytest
from scipy import stats

from conftest import write_plain
from lvm_data import ingest, store
from lvm_data.instrument import load_default
from test_cli import run

ITEMS = load_default().items
DIM = "vision_execution"


def people(n, seed, dept="A", team="T", first=0, shift=0):
    """``n`` respondents; ``shift`` nudges leadership answers up (a real change)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        row = {"Respondent ID": f"{dept}{seed}-{first + i}", "Department": dept, "Team": team,
               "Role": "IC"}
        for item in ITEMS:
            up = shift if (item.pole == "leadership") != item.reverse else -shift
            row[item.id] = min(5, max(1, rng.randint(1, 5) + up))
        rows.append(row)
    return rows


def orientation(row, dim=DIM):
    """The README's rules again: reverse = 6 - v, pole = mean, orientation = 100 (L-M)/4."""
    poles = {}
    for pole in ("leadership", "management"):
        values = [6 - row[i.id] if i.reverse else row[i.id] for i in ITEMS
                  if i.dimension == dim and i.pole == pole]
        poles[pole] = sum(values) / len(values)
    return 100 * (poles["leadership"] - poles["management"]) / 4


def load(con, tmp_path, name, rows, day):
    ingest.import_file(con, write_plain(tmp_path / f"{name}.csv", rows),
                       ingest.Options(wave=name, wave_date=date(2025, day, 1), as_new_wave=True))


@pytest.fixture
def two_waves(tmp_path, con):
    before = people(20, 1, "A") + people(9, 2, "B")
    now = (people(24, 3, "A", shift=1) + people(8, 4, "B") + people(3, 5, "C")
           + people(6, 6, "D"))
    load(con, tmp_path, "spring", before, 3)
    load(con, tmp_path, "autumn", now, 9)
    return con.cursor(), before, now


def test_change_matches_welch_on_the_rows(two_waves):
    cur, before, now = two_waves
    res = store.change(cur, by="department")
    assert res.extra == {"wave": "autumn", "since": "spring"}
    row = res.table[(res.table["group"] == "A") & (res.table["dimension"] == DIM)].iloc[0]
    a_now = [orientation(r) for r in now if r["Department"] == "A"]
    a_before = [orientation(r) for r in before if r["Department"] == "A"]
    ref = stats.ttest_ind(a_now, a_before, equal_var=False)
    low, high = ref.confidence_interval(0.95)
    assert row["change"] == pytest.approx(np.mean(a_now) - np.mean(a_before))
    assert (row["change_ci_low"], row["change_ci_high"]) == (pytest.approx(low),
                                                             pytest.approx(high))
    assert row["beyond_noise"] == bool(low > 0 or high < 0)
    assert (row["n"], row["n_before"]) == (24, 20)


def test_a_group_below_the_minimum_in_either_wave_shows_no_change(two_waves):
    cur, _, _ = two_waves
    groups = set(store.change(cur, by="department").table["group"])
    assert "A" in groups and "B" in groups
    assert "C" not in groups            # 3 people now, absent before
    assert "D" not in groups            # hidden with C (secondary suppression) and new
    # B is 9 -> 8: both shown, so its change is shown


def test_previous_wave_by_date_and_none_for_the_first(two_waves):
    cur, _, _ = two_waves
    assert store.previous_wave(cur, "autumn") == "spring"
    assert store.previous_wave(cur, "spring") is None
    res = store.change(cur, wave="spring")
    assert res.empty and "first wave" in res.message


def test_same_wave_is_an_error_on_the_cli(two_waves, con):
    con.close()                                     # the command opens the file itself
    out = run("scores", "--since", "autumn", "--wave", "autumn", check=False)
    assert out.returncode == 2 and out.stderr.startswith("error:")


def test_a_group_a_few_people_apart_across_waves_shows_no_change(tmp_path, con):
    """Team X: 10 people answer identically in both waves, 2 join. Population-wide 12
    people differ (the Trends/Compare check passes), but X's change would be the two
    joiners' answers pulled by 10/12: X shows no change; Y does."""
    x, y_before, y_now = people(10, 1, "X"), people(10, 2, "Y"), people(10, 3, "Y")
    load(con, tmp_path, "one", x + y_before, 1)
    load(con, tmp_path, "two", x + people(2, 4, "X", first=50) + y_now, 6)
    cur = con.cursor()
    assert not store.compare(cur, store.Selection("two"), store.Selection("one")).table.empty
    res = store.change(cur, by="department")
    assert set(res.table["group"]) == {"Y"}
    assert "fewer than 5 people" in res.message
    assert store.change(cur, where={"department": ["X"]}).empty      # filtered to X: refused
    # five joiners are enough people for the change to be shown
    load(con, tmp_path, "three", x + people(5, 4, "X", first=50) + y_now, 9)
    assert "X" in set(store.change(cur, by="department", wave="three", since="one")
                      .table["group"])


def test_cli_since_appends_three_columns_and_keeps_the_rest(two_waves, con):
    con.close()
    plain = run("scores", "--by", "department").stdout
    with_change = run("scores", "--by", "department", "--since", "spring").stdout
    old = list(csv.reader(io.StringIO(plain)))
    new = list(csv.reader(io.StringIO(with_change)))
    assert new[0] == old[0] + ["change", "change_ci_low", "change_ci_high"]
    assert [r[:len(old[0])] for r in new] == old               # same rows, same values
    c_rows = [r for r in new[1:] if r[0] == "C"]
    assert c_rows == [] or all(r[-3:] == ["", "", ""] for r in c_rows)


def test_steps_mark_each_wave_against_the_one_before(two_waves):
    cur, _, _ = two_waves
    res = store.steps(cur)
    assert set(res.table["wave"]) == {"autumn"}
    assert set(res.table["group"]) == {"all"}


def test_a_link_with_a_fixed_wave_shows_no_change(two_waves):
    cur, _, _ = two_waves
    scoped = store.scope.Scoped(store.scope.Scope(wave="autumn"))
    assert scoped.change(cur).empty
    free = store.scope.Scoped(store.scope.Scope(where={"department": ["A"]}))
    assert set(free.change(cur, by="department").table["group"]) == {"A"}


def test_groups_few_people_apart_are_found_among_groups_far_apart(tmp_path, con):
    """The cheap lower bounds that set most groups aside must keep every group whose two
    waves differ by 1..k-1 people: R (3 joiners) and Q (3 leavers) show no change; S
    (6 joiners) and Z (different people) do."""
    r, s, q = people(40, 1, "R"), people(40, 2, "S"), people(30, 3, "Q")
    before = r + s + q + people(60, 4, "Z")
    now = (r + people(3, 5, "R", first=90) + s + people(6, 6, "S", first=90) + q[:27]
           + people(60, 7, "Z"))
    load(con, tmp_path, "one", before, 1)
    load(con, tmp_path, "two", now, 6)
    cur = con.cursor()
    res = store.change(cur, by="department")
    assert set(res.table["group"]) == {"S", "Z"}
    from lvm_data.store.change import repeated_groups
    ids = [int(i) for i in store.waves(cur)["wave_id"]]
    assert repeated_groups(cur, ids[1], ids[0], "department", None, 5) == {"R", "Q"}
