"""Self vs others (360): recognition, the gaps against the rows, flags, and attacks."""
from __future__ import annotations

import csv

import pytest

from conftest import write_plain
from lvm_data import ingest, mapping, raters, store
from lvm_data.instrument import load_default
from test_change import people
from test_cli import run

ITEMS = load_default().items
HEADER = ["Respondent ID", "Department", "Team", "Role", "Rater type", *(i.id for i in ITEMS)]


def rated(rows, rater):
    return [{**r, "Rater type": rater} for r in rows]


def pole(row, dim, which):
    values = [6 - row[i.id] if i.reverse else row[i.id] for i in ITEMS
              if i.dimension == dim and i.pole == which]
    return sum(values) / len(values)


def mean(rows, dim, which):
    return sum(pole(r, dim, which) for r in rows) / len(rows)


def load(con, tmp_path, rows):
    path = write_plain(tmp_path / "360.csv", rows, HEADER)
    ingest.import_file(con, path, ingest.Options(wave="w"))
    return con.cursor()


def test_rater_headers_and_self_values_are_recognised():
    cols = ["Respondent ID", "Relationship", *(i.id for i in ITEMS)]
    found = {m.key: m for m in mapping.propose(cols, load_default())}
    assert (found["Relationship"].kind, found["Relationship"].target) == ("attribute", "rater")
    assert all(raters.is_self(v) for v in ("Self", "self-assessment", "Self rating", " SELF "))
    assert not any(raters.is_self(v) for v in ("Peer", "Manager", "Direct report", ""))
    assert raters.flag(4 / 3 + 0.01, 4) == raters.BLIND_SPOT
    assert raters.flag(-(4 / 3 + 0.01), 4) == raters.HIDDEN_STRENGTH
    assert raters.flag(4 / 3 - 0.01, 4) == ""


def test_gaps_against_the_rows_and_flags(tmp_path, con):
    selves = rated(people(6, 1, "A", shift=3), "Self")           # leaders rate high
    others = rated(people(8, 2, "A"), "Peer") + rated(people(7, 3, "A"), "Direct report")
    cur = load(con, tmp_path, selves + others)
    res = store.self_vs_others(cur)
    dim = "people_process"
    lead = res.table[(res.table["dimension"] == dim) & (res.table["measure"] == "leadership")]
    row = lead.iloc[0]
    assert (row["n_self"], row["n_others"]) == (6, 15)
    assert row["self"] == pytest.approx(mean(selves, dim, "leadership"))
    assert row["others"] == pytest.approx(mean(others, dim, "leadership"))
    gap = mean(selves, dim, "leadership") - mean(others, dim, "leadership")
    assert row["gap"] == pytest.approx(gap)
    assert row["flag"] == ("blind spot" if gap > 4 / 3 else "")
    assert (res.table["flag"] == "blind spot").any()             # shift 3 is far beyond 4/3


def test_self_ratings_of_fewer_than_k_leaders_are_not_shown(tmp_path, con):
    rows = rated(people(4, 1, "A"), "Self") + rated(people(20, 2, "A"), "Peer")
    res = store.self_vs_others(load(con, tmp_path, rows))
    assert res.empty and "anonymity minimum" in res.message


def test_a_group_of_few_leaders_is_hidden_with_its_neighbour(tmp_path, con):
    """Self ratings: A 6, B 6, C 3. C is hidden, and so is the next smallest (secondary
    suppression), or C's self mean would be everyone's self mean minus A's and B's."""
    rows = []
    for dept, n_self, seed in (("A", 6, 1), ("B", 7, 2), ("C", 3, 3)):
        rows += rated(people(n_self, seed, dept), "Self")
        rows += rated(people(10, seed + 10, dept), "Peer")
    cur = load(con, tmp_path, rows)
    res = store.self_vs_others(cur, by="department")
    assert set(res.table["group"]) == {"B"}
    assert "left out" in res.message
    everyone = store.self_vs_others(cur)
    assert set(everyone.table["n_self"]) == {16}      # 16 self ratings in all: fine to show


def test_a_rare_rater_type_does_not_withhold_the_others(tmp_path, con):
    rows = (rated(people(6, 1, "A"), "Self") + rated(people(10, 2, "A"), "Peer")
            + rated(people(2, 3, "A"), "Skip level"))           # 2 ratings: left out
    res = store.self_vs_others(load(con, tmp_path, rows))
    assert set(res.table["n_others"]) == {10}


def test_no_rater_column_says_so(tmp_path, con):
    res = store.self_vs_others(load(con, tmp_path, rated(people(10, 1), "Peer")))
    assert res.empty and "rater column" in res.message


def test_sample_360_has_raters_and_flags(tmp_path, con):
    path = tmp_path / "s.csv"
    run("sample", "--respondents", "600", "--out", str(path), "--360", "--seed", "3")
    with open(path, newline="") as fh:
        header = next(csv.reader(fh))
    assert "Rater" in header
    plain = tmp_path / "p.csv"
    run("sample", "--respondents", "50", "--out", str(plain), "--seed", "3")
    with open(plain, newline="") as fh:
        assert "Rater" not in next(csv.reader(fh))
    ingest.import_file(con, path, ingest.Options(wave="w"))
    res = store.self_vs_others(con.cursor(), by="department")
    assert {raters.BLIND_SPOT, raters.HIDDEN_STRENGTH} <= set(res.table["flag"])


def test_a_link_scoped_to_one_rater_type_never_sees_self_ratings(tmp_path, con):
    rows = rated(people(8, 1, "A"), "Self") + rated(people(12, 2, "A"), "Peer")
    cur = load(con, tmp_path, rows)
    assert not store.self_vs_others(cur).empty
    scoped = store.scope.Scoped(store.scope.Scope(where={"rater": ["Peer"]}))
    res = scoped.self_vs_others(cur)
    assert res.empty and "no rater column" in res.message
    assert store.self_vs_others(cur, where={"rater": ["Peer"]}).empty
