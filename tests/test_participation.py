"""Headcounts and response rates (issue 10): rates by hand, and the anonymity rules a rate
must follow, since rate x headcount gives the respondent count back."""
import pytest

from conftest import write_plain
from lvm_data import headcount, ingest, store
from lvm_data.instrument import load_default

ITEMS = [i.id for i in load_default().items]


def people(spec: dict[tuple[str, str], int]) -> list[dict]:
    rows, n = [], 0
    for (dept, team), count in spec.items():
        for _ in range(count):
            n += 1
            rows.append({"Respondent ID": f"R{n}", "Department": dept, "Team": team,
                         "Role": "Manager" if n % 2 else "Staff", **{i: 3 for i in ITEMS}})
    return rows


def load(con, tmp_path, spec, heads: str):
    ingest.import_file(con, write_plain(tmp_path / "w.csv", people(spec)),
                       ingest.Options(wave="w"))
    return headcount.store_file(con.cursor(), heads, "w")


HEADS = ("department,team,headcount\nA,A1,8\nA,A2,12\nB,B1,10\nC,C1,6\n")


def test_rates_by_hand(tmp_path, con):
    load(con, tmp_path, {("A", "A1"): 5, ("A", "A2"): 7, ("B", "B1"): 8, ("C", "C1"): 6}, HEADS)
    got = headcount.response_rates(con.cursor(), by="department").table.set_index("group")
    assert got["respondents"].to_dict() == {"A": 12, "B": 8, "C": 6}
    assert got["headcount"].to_dict() == {"A": 20, "B": 10, "C": 6}      # A = 8 + 12
    assert got["response_rate"].to_dict() == pytest.approx({"A": 0.6, "B": 0.8, "C": 1.0})
    everyone = headcount.response_rates(con.cursor()).table.iloc[0]
    assert (everyone["respondents"], everyone["headcount"]) == (26, 36)
    teams = headcount.response_rates(con.cursor(), by="team", where={"department": ["A"]})
    assert teams.table.set_index("group")["response_rate"].to_dict() == pytest.approx(
        {"A1": 5 / 8, "A2": 7 / 12})


def test_a_rate_is_shown_only_where_the_count_may_be(tmp_path, con):
    """C has 3 respondents: no rate. B's rate would give 8, and 23 (the total the Overview
    shows) - 12 - 8 = 3 = C: so B's rate is withheld too (secondary suppression), and what
    is left to subtract is 11 people, never 1 to 4."""
    load(con, tmp_path, {("A", "A1"): 5, ("A", "A2"): 7, ("B", "B1"): 8, ("C", "C1"): 3}, HEADS)
    cur = con.cursor()
    result = headcount.response_rates(cur, by="department")
    assert result.table["group"].tolist() == ["A"]
    assert result.hidden_groups == 2 and "2 group(s)" in result.message
    total = int(store.overview(cur).table.iloc[0]["respondents"])
    assert total == 23
    shown = (result.table["response_rate"] * result.table["headcount"]).round().sum()
    assert not 0 < total - shown < 5
    # the scores hide the same groups: the rate reveals nothing the scores do not
    assert set(store.group_scores(cur, by="department").table["group"]) == {"A"}


def test_every_rate_follows_the_remainder_rule_of_its_filter(tmp_path, con):
    """Filtered to the 12 people of A, a rate by team would show A1 (5) and A2 (7): both
    pass. With a minimum of 6, A1 is hidden, and so is A2 (A's total is known)."""
    load(con, tmp_path, {("A", "A1"): 5, ("A", "A2"): 7, ("B", "B1"): 8, ("C", "C1"): 6}, HEADS)
    cur = con.cursor()
    where = {"department": ["A"]}
    assert len(headcount.response_rates(cur, by="team", where=where).table) == 2
    raised = headcount.response_rates(cur, by="team", where=where, min_group_size=6)
    assert raised.table.empty and raised.hidden_groups == 2


def test_no_rate_without_the_attributes_of_the_view(tmp_path, con):
    load(con, tmp_path, {("A", "A1"): 5, ("A", "A2"): 7, ("B", "B1"): 8, ("C", "C1"): 6}, HEADS)
    cur = con.cursor()
    by_role = headcount.response_rates(cur, by="role")
    assert by_role.empty and "no role column" in by_role.message
    filtered = headcount.response_rates(cur, by="department", where={"role": ["Manager"]})
    assert filtered.empty and "no role column" in filtered.message


def test_rates_join_the_scores_and_the_download(tmp_path, con):
    load(con, tmp_path, {("A", "A1"): 5, ("A", "A2"): 7, ("B", "B1"): 8, ("C", "C1"): 6}, HEADS)
    cur = con.cursor()
    scores = store.group_scores(cur, by="department").table
    rates = headcount.response_rates(cur, by="department").table
    joined = headcount.with_rates(scores, rates)
    assert list(joined.columns[-2:]) == ["headcount", "response_rate"]
    assert joined.set_index(["group", "dimension"]).loc[("B", "vision_execution"),
                                                         "response_rate"] == pytest.approx(0.8)


def test_headcount_file_errors(tmp_path, con):
    load(con, tmp_path, {("A", "A1"): 5}, "department,headcount\nA,5\n")
    attrs = store.attribute_names(con.cursor())
    with pytest.raises(ValueError, match="needs a headcount column"):
        headcount.parse("department,people\nA,3\n", attrs)
    with pytest.raises(ValueError, match="row 3: this unit appears twice"):
        headcount.parse("department,headcount\nA,3\nA,4\n", attrs)
    with pytest.raises(ValueError, match="row 2: headcount must be a whole number"):
        headcount.parse("department,headcount\nA,many\n", attrs)
    units, counts = headcount.parse("Department,Headcount\n'=A,3\n", attrs)   # formula-quoted
    assert units == [{"department": "=A"}] and counts == [3]
