"""Waves an earlier version stored with missing-answer codes as answers (``store.legacy``):
found when this version first opens the file, named by the command line and the pages,
never raised for a file imported today."""
from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from conftest import write_plain
from lvm_data import ingest, store
from test_app import APP
from test_change import ITEMS, load, people
from test_cli import run

FIRST, SECOND = ITEMS[0].id, ITEMS[4].id


def _reopened(path):
    """The file as an older version left it (older schema stamp), opened by this one."""
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = 'older' WHERE key = 'schema'")
    con.close()
    return store.connect(path)


@pytest.fixture
def flawed(tmp_path):
    """Waves w1 and w2 (12 people each); in w1, one NaN and (in a later column) three
    answers of -99, as the old cast stored them: the example named is the number."""
    path = tmp_path / "test.duckdb"
    con = store.connect(path)
    load(con, tmp_path, "w1", people(12, 1, "A"), 3)
    load(con, tmp_path, "w2", people(12, 2, "A"), 6)
    con.execute(f"UPDATE answers_1 SET \"{FIRST}\" = 'NaN'::DOUBLE WHERE rid = 4")
    con.execute(f'UPDATE answers_1 SET "{SECOND}" = -99 WHERE rid IN (1, 2, 3)')
    con.close()
    _reopened(path).close()
    return path


def test_found_when_the_file_is_first_opened(flawed):
    con = store.connect(flawed)
    assert store.legacy.off_scale(con.cursor()) == {"w1": (4, -99.0)}
    store.delete_wave(con.cursor(), "w1")
    assert store.legacy.off_scale(con.cursor()) == {}
    con.close()


def test_the_command_line_names_the_wave(flawed):
    warning = "Wave w1 holds 4 answers outside its scale (such as -99"
    out = run("waves", "--db", str(flawed))
    assert out.returncode == 0 and warning in out.stderr and "w2" in out.stdout
    plain = run("scores", "--wave", "w2", "--db", str(flawed))
    assert plain.returncode == 0 and warning not in plain.stderr
    for command in (["scores", "--wave", "w1"], ["mix", "--wave", "w1"],
                    ["items", "--dimension", "vision_execution", "--wave", "w1"]):
        out = run(*command, "--db", str(flawed))
        assert out.returncode == 0 and warning in out.stderr, command


def test_codes_imported_today_are_never_flagged(tmp_path):
    rows = people(12, 3, "A")
    rows[0][FIRST], rows[1][SECOND] = "-99", "-999"
    path = tmp_path / "test.duckdb"
    con = store.connect(path)
    ingest.import_file(con, write_plain(tmp_path / "codes.csv", rows), ingest.Options(wave="w"))
    con.close()
    con = _reopened(path)
    assert store.legacy.off_scale(con.cursor()) == {}
    assert con.execute(f'SELECT min("{FIRST}"), count("{FIRST}") FROM answers_1').fetchone() \
        == (1.0, 11)
    con.close()


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "outside its scale" in w.value]


def test_the_pages_name_the_wave(flawed):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["wave"] = "w1"
    at.run()
    assert not at.exception and len(_warnings(at)) == 1 and "w1" in _warnings(at)[0]
    assert "4 answers" not in _warnings(at)[0]     # a count over the whole wave: admins only
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()                                  # w2, the latest: nothing to say
    assert not at.exception and _warnings(at) == []
    at.switch_page("pages/trends.py")
    at.run()                                  # every wave is on its lines
    assert not at.exception and len(_warnings(at)) == 1
    at.switch_page("pages/data.py")
    at.run()                                  # the administrators' list of waves
    assert not at.exception and any("4 answers" in w for w in _warnings(at))
