"""A wave's cube kept in the database (``store.cells.keep``): written with the wave, by
the dashboard's import and the command line's, holding the counts and sums of its rows;
read by a server that has not counted the wave (no scan); gone with the wave; and kept
for older files by the next process that opens them for writing."""
from __future__ import annotations

import statistics
from datetime import date

import duckdb
import pytest

from conftest import write_plain
from lvm_data import ingest, memory_import, store
from lvm_data.store import cells, facts, views
from test_change import DIM, ITEMS, load, orientation, people


def pole(row, which: str) -> float:
    """The README's pole score: the mean of its items, a reversed item read as 6 - v."""
    values = [6 - row[i.id] if i.reverse else row[i.id] for i in ITEMS
              if i.dimension == DIM and i.pole == which]
    return sum(values) / len(values)


PP = "people_process"                  # its first item of each pole is sometimes blank
PP_ITEMS = [i.id for i in ITEMS if i.dimension == PP]
PP_LEAD = [i.id for i in ITEMS if i.dimension == PP and i.pole == "leadership"]


def _blanks(rows):
    lead = PP_LEAD[0]
    man = next(i.id for i in ITEMS if i.dimension == PP and i.pole == "management")
    for n, row in enumerate(rows):
        row[lead] = "" if n % 3 == 0 else row[lead]
        row[man] = "" if n % 4 == 0 else row[man]
    return rows


W1 = _blanks(people(11, 1, "A", team="T") + people(7, 2, "A", team="U")
             + people(9, 3, "B", team="U"))
W2 = _blanks(people(6, 4, "A", team="T") + people(12, 5, "C", team="V"))


@pytest.fixture
def db(tmp_path):
    """Wave 1 by the dashboard's import, wave 2 by the command line's (in memory, then
    written to the file); the database opened again."""
    path = tmp_path / "test.duckdb"
    first = store.connect(path)
    load(first, tmp_path, "w1", [*W1, dict(W1[0])], 3)     # a repeated row is left out
    first.close()
    memory_import.import_into(path, write_plain(tmp_path / "w2.csv", [*W2, dict(W2[-1])]),
                              ingest.Options(wave="w2", wave_date=date(2025, 6, 1),
                                             as_new_wave=True))
    con = store.connect(path)
    yield con
    con.close()


def kept(cur, wave: str):
    wave_id = cur.execute("SELECT wave_id FROM waves WHERE name = ?", [wave]).fetchone()[0]
    return cur.execute(f"SELECT * FROM cells_{wave_id} ORDER BY department, team").df()


def test_each_wave_keeps_the_counts_and_sums_of_its_rows(db):
    for wave, rows in (("w1", W1), ("w2", W2)):
        table = kept(db.cursor(), wave)
        cells_ = sorted({(r["Department"], r["Team"]) for r in rows})
        assert list(zip(table["department"], table["team"])) == cells_
        for (dept, team), got in zip(cells_, table.itertuples()):
            mine = [r for r in rows if (r["Department"], r["Team"]) == (dept, team)]
            lead, man = [pole(r, "leadership") for r in mine], [pole(r, "management") for r in mine]
            assert got.role == "IC" and got.n == getattr(got, f"n__{DIM}") == len(mine)
            assert getattr(got, f"l__{DIM}") == pytest.approx(sum(lead), abs=1e-9)
            assert getattr(got, f"m__{DIM}") == pytest.approx(sum(man), abs=1e-9)
            spread = statistics.pvariance([a - b for a, b in zip(lead, man)])
            assert getattr(got, f"v__{DIM}") == pytest.approx(spread, abs=1e-9)


def _answered(rows, ids) -> int:
    return sum(all(r[i] != "" for i in ids) for r in rows)


def test_each_wave_keeps_its_answer_counts(db):
    """Per cell: everyone, each item's answerers, and those who answered every item of a
    pole or of the whole dimension (its scales), counted from the rows by hand."""
    cur = db.cursor()
    for wave_id, rows in ((1, W1), (2, W2)):
        got = {(d, t, b): n for d, t, b, n in cur.execute(
            "SELECT department, team, base, n FROM answer_cells WHERE wave_id = ? "
            "AND role = 'IC'", [wave_id]).fetchall()}
        for dept, team in {(r["Department"], r["Team"]) for r in rows}:
            mine = [r for r in rows if (r["Department"], r["Team"]) == (dept, team)]
            assert got[(dept, team, "all")] == len(mine)
            for item in PP_ITEMS:
                assert got[(dept, team, f"item:{item}")] == _answered(mine, [item])
            assert got[(dept, team, f"scale:{PP}:leadership")] == _answered(mine, PP_LEAD)
            assert got[(dept, team, f"scale:{PP}")] == _answered(mine, PP_ITEMS)
            assert 0 < _answered(mine, PP_ITEMS) < len(mine)


def test_item_answers_and_reliability_read_the_kept_counts(db, monkeypatch):
    cur = db.cursor()
    views._MEMO.clear()

    def joined(*args, **kwargs):
        raise AssertionError("the answers were joined to the respondents")
    monkeypatch.setattr(cells, "answer_cube", joined)
    answers = store.item_distribution(cur, PP, wave="w1", where={"department": ["A"]}).table
    mine = [r for r in W1 if r["Department"] == "A"]
    assert answers.groupby("item_id")["count"].sum().to_dict() == {
        i: _answered(mine, [i]) for i in PP_ITEMS}
    scales = store.reliability(cur, wave="w1", dimension=PP).table.set_index("scale")["n"]
    man = [i for i in PP_ITEMS if i not in PP_LEAD]
    assert (scales[f"{PP}:leadership"], scales[f"{PP}:management"]) == (18, 20) == (
        _answered(W1, PP_LEAD), _answered(W1, man))     # 27 less every 3rd, every 4th
    # both poles complete: 27 - 9 - 7 + 3 = 14, 4 fewer than the leadership pole's: the
    # whole scale is withheld (the remainder rule between scales sharing items)
    assert PP not in scales and _answered(W1, PP_ITEMS) == 14


def _no_scan(monkeypatch):
    def scanned(*args, **kwargs):
        raise AssertionError("the respondents were scanned")
    monkeypatch.setattr(cells, "_scan", scanned)
    monkeypatch.setattr(views, "_raw_groups", scanned)


def _means_by_department(rows, team=None) -> dict[str, tuple[int, float]]:
    out = {}
    for dept in sorted({r["Department"] for r in rows}):
        mine = [orientation(r) for r in rows if r["Department"] == dept
                and (team is None or r["Team"] in team)]
        if mine:
            out[dept] = (len(mine), statistics.fmean(mine))
    return out


def _figures(table, wave=None) -> dict[str, tuple[int, float]]:
    rows = table[(table["dimension"] == DIM) & (table["wave"] == wave if wave else True)]
    return {g: (int(n), o) for g, n, o in zip(rows["group"], rows["n"], rows["orientation"])}


def _expect(got: dict, rows, team=None, k=5) -> None:
    want = {g: v for g, v in _means_by_department(rows, team).items() if v[0] >= k}
    assert set(got) == set(want)
    for g, (n, mean) in want.items():
        assert got[g][0] == n and got[g][1] == pytest.approx(mean, abs=1e-9)


def test_a_server_that_has_counted_nothing_reads_the_kept_cubes(db, monkeypatch):
    cur = db.cursor()
    views._MEMO.clear()
    _no_scan(monkeypatch)
    trends = store.trends(cur, by="department").table
    _expect(_figures(trends, "w1"), W1)
    _expect(_figures(trends, "w2"), W2)
    scores = store.group_scores(cur, wave="w1", by="department", where={"team": ["U"]}).table
    _expect(_figures(scores), W1, team={"U"})


def test_the_kept_cube_goes_with_its_wave(db):
    cur = db.cursor()
    store.delete_wave(cur, "w1")
    names = {t for (t,) in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {n for n in names if n.startswith("cells_")} == {"cells_2"}


def test_an_older_file_is_scanned_then_kept_by_its_next_writer(db, tmp_path, monkeypatch):
    """A file from before cubes were kept (no cells tables or answer counts, the older
    schema stamp): a reader scans and gets the same figures; the next writer keeps the same
    cubes."""
    cur = db.cursor()
    before = {w: kept(cur, w) for w in ("w1", "w2")}
    answers = cur.execute("SELECT * FROM answer_cells ORDER BY ALL").fetchall()
    cur.execute("DROP TABLE cells_1; DROP TABLE cells_2; DELETE FROM answer_cells; "
                "UPDATE meta SET value = 'older' WHERE key = 'schema'")
    cur.close()
    db.close()                      # a reader of its own, as another process would be
    con = duckdb.connect(str(tmp_path / "test.duckdb"), read_only=True)
    try:
        views._MEMO.clear()
        calls = []
        scan = cells._scan
        monkeypatch.setattr(cells, "_scan", lambda *a, **k: calls.append(1) or scan(*a, **k))
        with facts.held():
            _expect(_figures(store.trends(con.cursor(), by="department").table, "w1"), W1)
        assert calls
    finally:
        con.close()
    monkeypatch.undo()
    writer = store.connect(tmp_path / "test.duckdb")
    try:
        for wave in ("w1", "w2"):
            assert kept(writer.cursor(), wave).equals(before[wave])
        # counted from the stored answers now, at the import from the staged rows
        assert writer.execute("SELECT * FROM answer_cells ORDER BY ALL").fetchall() == answers
    finally:
        writer.close()


def test_the_command_line_says_it_prepares_an_older_file_once(db, tmp_path):
    """The one-off wait for an older file's kept counts is announced, once."""
    from test_cli import run
    db.execute("DROP TABLE cells_1; DROP TABLE cells_2; DELETE FROM answer_cells; "
               "UPDATE meta SET value = 'older' WHERE key = 'schema'")
    db.close()
    first = run("waves", "--db", str(tmp_path / "test.duckdb"))
    assert "kept counts for 2 earlier wave(s)" in first.stderr
    again = run("waves", "--db", str(tmp_path / "test.duckdb"))
    assert "preparing" not in again.stderr and again.stdout == first.stdout
