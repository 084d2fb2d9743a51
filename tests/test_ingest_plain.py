"""The plain layout: header synonyms, labels, missing answers, bad input, transactions, privacy."""
import pytest

from conftest import write_plain
from lvm_data import ingest, store
from lvm_data.formats import ImportProblem
from lvm_data.instrument import load_default

ITEMS = [i.id for i in load_default().items]


def person(pid, dept="Sales", team="Sales - A", role="Manager", answer=4, **over):
    row = {"Respondent ID": pid, "Department": dept, "Team": team, "Role": role}
    row.update({i: answer for i in ITEMS})
    row.update(over)
    return row


def dump(con):
    """Everything a reader could see, to compare before and after a failed import."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
    return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}


def test_header_synonyms_and_labels(tmp_path, con):
    header = ["ResponseId", "Business unit", "Squad", "Job title", *ITEMS]
    rows = [{"ResponseId": f"r{i}", "Business unit": "Ops", "Squad": "Ops - 1", "Job title": "IC",
             **{it: lab for it in ITEMS}}
            for i, lab in enumerate(["Strongly agree", "AGREE", "neither agree nor disagree",
                                     "disagree", "strongly Disagree"])]
    path = write_plain(tmp_path / "labels.csv", rows, header)
    ingest.import_file(con, path, ingest.Options(wave="w"))
    got = con.execute("SELECT respondent_key, department, team, role FROM respondents "
                      "ORDER BY 1").fetchall()
    assert got[0] == ("r0", "Ops", "Ops - 1", "IC")
    # label -> number: Strongly agree = 5 ... Strongly disagree = 1 on an unreversed item
    values = con.execute('SELECT "VE_L1" FROM answers_1 ORDER BY rid').fetchall()
    assert [v[0] for v in values] == [5, 4, 3, 2, 1]
    # reversed item VE_L4 stored raw; scoring reverses it: person r0 answers 5 everywhere ->
    # vision pole = (5 + 5 + 5 + (6 - 5)) / 4 = 4
    lead = con.execute('SELECT "vision_execution__l" FROM respondents '
                       "WHERE respondent_key = 'r0'").fetchone()[0]
    assert lead == pytest.approx(4.0)


def test_bom_and_missing_tokens(tmp_path, con):
    rows = [person("a", VE_L1="N/A", VE_L2="Don't know", VE_L3=""), person("b")]
    path = write_plain(tmp_path / "bom.csv", rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    ingest.import_file(con, path, ingest.Options(wave="w"))
    got = con.execute('SELECT "VE_L1", "VE_L2", "VE_L3", "VE_L4" FROM answers_1 ORDER BY rid'
                      ).fetchall()
    assert got[0] == (None, None, None, 4)
    # a: vision leadership has 1 of 4 answered (< 2) -> not counted on vision_execution only
    row = con.execute("SELECT vision_execution__l, vision_execution__m, people_process__l "
                      "FROM respondents WHERE respondent_key = 'a'").fetchone()
    assert row[:2] == (None, None) and row[2] == 4


def test_value_outside_scale_names_row_and_column(tmp_path, con):
    rows = [person("a"), person("b", PP_M2=7)]
    path = write_plain(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportProblem, match=r"row 3, column 'PP_M2': value '7'"):
        ingest.import_file(con, path, ingest.Options(wave="w"))


def test_skip_invalid_keeps_the_good_rows(tmp_path, con):
    rows = [person("a"), person("b", PP_M2="banana")]
    path = write_plain(tmp_path / "bad.csv", rows)
    summary = ingest.import_file(con, path, ingest.Options(wave="w", skip_invalid=True))
    assert summary.waves == [("w", 1)]
    assert summary.report.unrecognised == {"banana": 1}


def test_missing_item_column(tmp_path, con):
    header = ["Respondent ID", "Department", *[i for i in ITEMS if i != "IS_M3"]]
    path = write_plain(tmp_path / "missing.csv", [person("a")], header)
    with pytest.raises(ImportProblem, match="IS_M3"):
        ingest.import_file(con, path, ingest.Options(wave="w"))


def test_empty_file(tmp_path, con):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ImportProblem, match="empty"):
        ingest.import_file(con, path)


def test_bad_file_leaves_database_exactly_as_before(tmp_path, con):
    good = write_plain(tmp_path / "good.csv", [person(f"p{i}") for i in range(6)])
    ingest.import_file(con, good, ingest.Options(wave="first"))
    before = dump(con)
    bad = write_plain(tmp_path / "bad.csv", [person("x", dept="New", LS_M1=9),
                                             person("y", dept="New", **{"Tenure": "2y"})])
    with pytest.raises(ImportProblem):
        ingest.import_file(con, bad, ingest.Options(wave="second"))
    assert dump(con) == before
    assert store.group_scores(con.cursor()).table.shape[0] == 5


def test_personal_columns_never_stored(tmp_path, con):
    header = ["Respondent ID", "Name", "Email Address", "IP Address", "LocationLatitude",
              "Department", "Team", "Role", *ITEMS]
    rows = [person(f"p{i}", **{"Name": f"Ann Secret{i}", "Email Address": f"ann{i}@corp.example",
                               "IP Address": "10.1.2.3", "LocationLatitude": "47.11"})
            for i in range(5)]
    path = write_plain(tmp_path / "pii.csv", rows, header)
    summary = ingest.import_file(con, path, ingest.Options(wave="w"))
    assert set(summary.report.personal_columns) >= {"Name", "Email Address", "IP Address",
                                                    "LocationLatitude"}
    everything = repr(dump(con))
    for secret in ("Secret", "corp.example", "10.1.2.3", "47.11"):
        assert secret not in everything


def test_email_respondent_key_is_hashed(tmp_path, con):
    header = ["Email", "Department", *ITEMS]
    rows = [{"Email": f"Person{i}@Corp.example", "Department": "X", **{it: 3 for it in ITEMS}}
            for i in range(5)]
    path = write_plain(tmp_path / "email.csv", rows, header)
    ingest.import_file(con, path, ingest.Options(wave="w"))
    keys = [k for (k,) in con.execute("SELECT respondent_key FROM respondents").fetchall()]
    assert all(len(k) == 64 and "@" not in k for k in keys)
    assert len(set(keys)) == 5


def test_duplicate_respondents_are_reported_and_dropped(tmp_path, con):
    rows = [person("same"), person("same"), person("other")]
    path = write_plain(tmp_path / "dup.csv", rows)
    summary = ingest.import_file(con, path, ingest.Options(wave="w"))
    assert summary.report.problems == {"duplicate respondent": 1}
    assert summary.waves == [("w", 2)]


def test_wave_column_makes_one_wave_per_value(tmp_path, con):
    header = ["Respondent ID", "Department", "wave", *ITEMS]
    rows = [{**person(f"p{i}"), "wave": "2025-H1" if i < 3 else "2025-H2"} for i in range(7)]
    path = write_plain(tmp_path / "waves.csv", rows, header)
    summary = ingest.import_file(con, path)
    assert sorted(summary.waves) == [("2025-H1", 3), ("2025-H2", 4)]


def test_extra_attribute_is_filterable(tmp_path, con, min_group):
    min_group(2)
    header = ["Respondent ID", "Department", "Tenure band", *ITEMS]
    rows = [{**person(f"p{i}", answer=2 + i % 2), "Tenure band": "0-2" if i % 2 else "3+"}
            for i in range(6)]
    path = write_plain(tmp_path / "attr.csv", rows, header)
    ingest.import_file(con, path, ingest.Options(wave="w"))
    assert "tenure_band" in store.attribute_names(con.cursor())
    res = store.group_scores(con.cursor(), by="tenure_band", min_group_size=2)
    assert sorted(set(res.table["group"])) == ["0-2", "3+"]
    # everyone answers 3 (i odd): both poles 3 -> orientation 0, balance 50
    odd = res.table[(res.table["group"] == "0-2")]
    assert odd["orientation"].tolist() == pytest.approx([0.0] * 5)
    assert odd["balance"].tolist() == pytest.approx([50.0] * 5)


@pytest.mark.parametrize("name, expected", [
    ("2025-H2", (2025, 7, 1)), ("2026-Q3", (2026, 7, 1)), ("2025-03", (2025, 3, 1)),
    ("2024 pulse", (2024, 1, 1)), ("2025H1", (2025, 1, 1)), ("pulse", None), ("12345", None)])
def test_wave_dates_from_period_names(name, expected):
    from datetime import date
    got = ingest.wave_date_from_name(name)
    assert got == (date(*expected) if expected else None)


def test_line_longer_than_duckdbs_default_is_read(tmp_path, con):
    """A 3 MB comment, over DuckDB's default 2 MB line, in both imports."""
    from lvm_data import memory_import
    rows = [person("a"), person("b", Comment="word " * 600_000), person("c")]
    header = ["Respondent ID", "Department", "Team", "Role", *ITEMS, "Comment"]
    path = write_plain(tmp_path / "long.csv", rows, header)
    assert ingest.import_file(con, path, ingest.Options(wave="w")).waves == [("w", 3)]
    db = tmp_path / "cli.duckdb"
    assert memory_import.import_into(db, path, ingest.Options(wave="w")).waves == [("w", 3)]


def test_duplicates_in_two_waves_of_a_file_are_counted_per_wave(tmp_path, con):
    """The same id twice in each of two waves: one dropped per wave, none across waves."""
    rows = [person(p, wave=w) for w in ("2024", "2025") for p in ("x", "x", "y")]
    header = ["Respondent ID", "Department", "Team", "Role", "wave", *ITEMS]
    summary = ingest.import_file(con, write_plain(tmp_path / "w.csv", rows, header),
                                 ingest.Options())
    assert summary.report.problems == {"duplicate respondent": 2}
    assert sorted(summary.waves) == [("2024", 2), ("2025", 2)]


def test_a_word_after_the_sampled_rows_of_a_number_column_imports_in_the_dashboard(tmp_path,
                                                                                   con):
    """The first 2,000 rows of VE_L1 are numbers, row 2,501 says "Agree": the dashboard's
    import (one explicit transaction) reads the file as text rather than failing with
    DuckDB's aborted-transaction error; the word is a scale label, so it counts as 4."""
    rows = [person(f"p{i}") for i in range(2600)]
    rows[2500]["VE_L1"] = "Agree"
    path = write_plain(tmp_path / "late_word.csv", rows)
    summary = ingest.import_file(con, path, ingest.Options(wave="w"))
    assert summary.waves == [("w", 2600)]
    answers = con.execute("SELECT count(*), min(VE_L1), max(VE_L1) FROM answers_1").fetchone()
    assert answers == (2600, 4, 4)
