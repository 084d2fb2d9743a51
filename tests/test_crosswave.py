"""A re-export imported again: detected, replaced in one transaction, or kept on purpose and
then never differenced down to fewer people than the anonymity minimum."""
from __future__ import annotations

import random
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from conftest import write_plain
from lvm_data import ingest, store
from lvm_data.formats import ImportProblem
from lvm_data.instrument import load_default
from lvm_data.store import Selection
from test_app import APP
from test_cli import run

ITEMS = load_default().items
NO_KEY = ["Department", "Team", "Role", *(i.id for i in ITEMS)]


def people(n: int, seed: int, first: int = 0, dept: str = "D") -> list[dict]:
    """``n`` respondents with random answers; ids p<first>... so a later export can add more."""
    rng = random.Random(seed)
    return [{"Respondent ID": f"p{first + i}", "Department": dept, "Team": "T", "Role": "IC",
             **{item.id: rng.randint(1, 5) for item in ITEMS}} for i in range(n)]


def waves(con) -> dict[str, int]:
    table = store.waves(con.cursor())
    return dict(zip(table["wave"], table["respondents"]))


@pytest.fixture
def survey(tmp_path, con):
    """Wave 'spring' with 12 respondents, and its re-export: the same 12 plus one late one."""
    first = people(12, seed=1)
    late = people(1, seed=2, first=12)
    ingest.import_file(con, write_plain(tmp_path / "spring.csv", first),
                       ingest.Options(wave="spring", wave_date=date(2025, 3, 1)))
    return write_plain(tmp_path / "spring_v2.csv", first + late)


def test_reexport_is_refused_until_the_caller_chooses(survey, con):
    report = ingest.import_file(con, survey, ingest.Options(), dry_run=True)
    assert [(r.wave, r.respondents, r.identical, r.by_key) for r in report.repeats] == \
        [("spring", 12, 12, True)]
    with pytest.raises(ImportProblem, match="'spring'.*--replace 'spring'.*--as-new-wave"):
        ingest.import_file(con, survey, ingest.Options(wave="spring-late"))
    assert waves(con) == {"spring": 12}


def test_replace_keeps_name_and_date_in_one_transaction(survey, con):
    summary = ingest.import_file(con, survey, ingest.Options(replace=("spring",)))
    assert "replaced wave 'spring'" in summary.line()
    assert waves(con) == {"spring": 13}
    assert store.waves(con.cursor())["wave_date"].iloc[0].date() == date(2025, 3, 1)
    assert con.execute("SELECT count(*) FROM respondents").fetchone()[0] == 13


def test_failed_replace_leaves_the_wave(survey, tmp_path, con):
    ingest.import_file(con, write_plain(tmp_path / "other.csv", people(6, seed=9, first=50)),
                       ingest.Options(wave="autumn"))
    with pytest.raises(ValueError, match="autumn"):     # the new name is taken: nothing happens
        ingest.import_file(con, survey, ingest.Options(wave="autumn", replace=("spring",)))
    assert waves(con) == {"spring": 12, "autumn": 6}
    with pytest.raises(ImportProblem, match="no wave named 'nope'"):
        ingest.import_file(con, survey, ingest.Options(replace=("nope",)))


def test_repeat_without_respondent_ids_found_by_answer_rows(tmp_path, con):
    first = people(10, seed=3)
    ingest.import_file(con, write_plain(tmp_path / "a.csv", first, NO_KEY),
                       ingest.Options(wave="a"))
    again = write_plain(tmp_path / "b.csv", people(2, seed=4, first=10) + first[:6], NO_KEY)
    report = ingest.import_file(con, again, ingest.Options(), dry_run=True)
    assert [(r.wave, r.identical, r.by_key) for r in report.repeats] == [("a", 6, False)]
    fresh = write_plain(tmp_path / "c.csv", people(10, seed=5), NO_KEY)
    assert ingest.import_file(con, fresh, ingest.Options(), dry_run=True).repeats == []
    with_ids = write_plain(tmp_path / "d.csv", first)          # now with ids: rows still match
    report = ingest.import_file(con, with_ids, ingest.Options(), dry_run=True)
    assert [(r.wave, r.identical, r.by_key) for r in report.repeats] == [("a", 10, False)]


def test_fewer_than_half_repeated_is_a_new_wave(survey, tmp_path, con):
    mostly_new = people(5, seed=1) + people(10, seed=6, first=100)     # 5 of spring's 12
    report = ingest.import_file(con, write_plain(tmp_path / "n.csv", mostly_new),
                                ingest.Options(), dry_run=True)
    assert report.repeats == []


def test_comparison_down_to_a_few_people_is_refused(survey, tmp_path, con):
    ingest.import_file(con, survey, ingest.Options(wave="late", as_new_wave=True))
    res = store.compare(con.cursor(), Selection("late", label="late"), Selection("spring"))
    assert res.table.empty and "fewer than 5 respondents" in res.message
    # four more joiners make five who differ: the comparison is allowed again
    more = write_plain(tmp_path / "more.csv", people(12, seed=1) + people(5, seed=7, first=12))
    ingest.import_file(con, more, ingest.Options(wave="more", as_new_wave=True))
    assert len(store.compare(con.cursor(), Selection("more"), Selection("spring")).table) == 5


def test_identical_waves_compare_to_zero(survey, tmp_path, con):
    same = write_plain(tmp_path / "same.csv", people(12, seed=1))
    ingest.import_file(con, same, ingest.Options(wave="copy", as_new_wave=True))
    res = store.compare(con.cursor(), Selection("copy"), Selection("spring"))
    assert list(res.table["difference"]) == [0.0] * 5


def test_refusal_looks_inside_the_filters(tmp_path, con):
    """Overall six people differ (allowed), but within department A only one does."""
    base = people(10, seed=1, dept="A") + people(10, seed=2, first=10, dept="B")
    ingest.import_file(con, write_plain(tmp_path / "1.csv", base), ingest.Options(wave="one"))
    joiners = people(1, seed=3, first=20, dept="A") + people(5, seed=4, first=21, dept="B")
    ingest.import_file(con, write_plain(tmp_path / "2.csv", base + joiners),
                       ingest.Options(wave="two", as_new_wave=True))
    cur = con.cursor()
    assert not store.compare(cur, Selection("two"), Selection("one")).table.empty
    only_a = {"department": ["A"]}
    assert store.compare(cur, Selection("two", only_a), Selection("one", only_a)).table.empty


def test_cli_stops_naming_the_wave_then_replaces(survey, con):
    from lvm_data.settings import load_settings
    db = load_settings().db_path
    con.close()                                   # the command line opens the file itself
    out = run("import", str(survey), "--db", db, check=False)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "wave 'spring'" in out.stderr and "--replace" in out.stderr
    assert run("import", str(survey), "--replace", "nope", "--db", db, check=False).returncode == 2
    assert "replaced wave 'spring'" in run("import", str(survey), "--replace", "spring",
                                           "--db", db).stdout
    kept = run("import", str(survey), "--as-new-wave", "--wave", "again", "--db", db)
    assert "'again' (13 respondents)" in kept.stdout
    waves_csv = run("waves", "--db", db).stdout
    assert "spring,2025-03-01,13" in waves_csv and "again," in waves_csv


def test_data_page_offers_to_replace_preselected(survey, con):
    con.close()      # a server holds no connection beside its runs: its import attaches the file
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader[0].upload("spring_v2.csv", survey.read_bytes(), "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("spring" in w.value for w in at.warning)
    assert at.radio[0].value is True                      # replace is preselected
    next(b for b in at.button if b.label.startswith("Import ")).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    from lvm_data.settings import load_settings
    con = store.connect(load_settings().db_path)
    assert waves(con) == {"spring": 13}


def test_trends_leave_out_a_wave_a_few_people_apart(survey, tmp_path, con):
    other = write_plain(tmp_path / "o.csv", people(12, seed=8, first=200))
    ingest.import_file(con, other, ingest.Options(wave="autumn", wave_date=date(2025, 9, 1)))
    ingest.import_file(con, survey, ingest.Options(wave="spring-reexport", as_new_wave=True,
                                                   wave_date=date(2025, 3, 2)))
    assert store.crosswave.risky_pairs(con.cursor()) == [("spring", "spring-reexport")]
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/trends.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("spring-reexport is left out" in w.value for w in at.warning)
    specs = " ".join(c.proto.spec for c in at.get("plotly_chart"))
    assert "autumn" in specs and "spring-reexport" not in specs


def at_one_end(n: int, high: bool, first: int) -> list[dict]:
    """``n`` respondents at one end of every pole: reverse-keyed items answered the other way,
    so every pole score is 5 (or 1), 2 from the middle of the 1-5 scale."""
    top, bottom = (5, 1) if high else (1, 5)
    return [{"Respondent ID": f"x{first + i}", "Department": "D", "Team": "T", "Role": "IC",
             **{item.id: bottom if item.reverse else top for item in ITEMS}} for i in range(n)]


def two_waves(tmp_path, con, one: list[dict], two: list[dict]) -> None:
    for name, rows, day in (("one", one, 1), ("two", two, 2)):
        ingest.import_file(con, write_plain(tmp_path / f"{name}.csv", rows),
                           ingest.Options(wave=name, as_new_wave=True,
                                          wave_date=date(2025, 3, day)))


@pytest.mark.parametrize("extra_one, extra_two", [((4, True), (0, True)),
                                                  ((2, True), (2, False))])
def test_a_few_people_at_the_ends_of_the_scale_are_still_caught(tmp_path, con, extra_one,
                                                                 extra_two):
    """Four people apart (k = 5), each at an end of the scale: every pole sum moves by
    4 x 2 = 8, the most fewer than five people can move it. The first, cheap look at the
    sums must leave this pair to the exact check, which catches it."""
    base = people(12, seed=1)
    two_waves(tmp_path, con, base + at_one_end(*extra_one, first=0),
              base + at_one_end(*extra_two, first=10))
    assert sum(waves(con).values()) == 24 + extra_one[0] + extra_two[0]   # none dropped
    assert store.crosswave.risky_pairs(con.cursor()) == [("one", "two")]


def test_waves_of_other_people_are_told_apart_by_their_sums(tmp_path, con, monkeypatch):
    """Thirty people at the top against thirty at the bottom: the same size, and every pole
    sum 30 x 2 - 30 x (-2) = 120 apart, far beyond 8. No scan of the respondents' scores is
    needed to tell that they are not a re-export."""
    two_waves(tmp_path, con, at_one_end(30, True, 0), at_one_end(30, False, 100))

    def scanned(*args, **kwargs):
        raise AssertionError("the scores were scanned")
    monkeypatch.setattr(store.crosswave, "sampled_rest", scanned)
    assert store.crosswave.risky_pairs(con.cursor()) == []
    assert store.crosswave.risky_pairs(con.cursor(), by="department") == []
