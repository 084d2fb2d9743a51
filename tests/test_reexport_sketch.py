"""The re-export check reads per-wave sketches, not the stored waves: an unrelated file is
passed over without touching a wave's answers, a repeat is still found exactly, and a
sketch that cannot be trusted (missing, another hash function) means the full check."""
from __future__ import annotations

from conftest import write_plain
from test_crosswave import NO_KEY, people
from lvm_data import ingest
from lvm_data.store import sketch


def _wave_id(cur, name: str) -> int:
    return cur.execute("SELECT wave_id FROM waves WHERE name = ?", [name]).fetchone()[0]


def _hide_answers(cur, wave_id: int) -> None:
    """Rename a wave's answer table away: any read of it would now fail."""
    cur.execute(f"ALTER TABLE answers_{wave_id} RENAME TO hidden_{wave_id}")


def test_sampling_step_keeps_the_sketch_small():
    # below 2 * 8192 rows every hash is kept; above, a power of two leaves 8192..16383
    assert [sketch.modulus(n) for n in (1, 16383, 16384, 32768, 2_000_000)] == \
        [1, 1, 2, 4, 128]


def test_bound_on_repeated_rows():
    # wave of 10: a repeat needs 5; 4 rows surely shared leave 1, and with every row
    # sampled (step 1) the bound is exact
    assert sketch._apart(10, 1, 4, 0) is True
    assert sketch._apart(10, 1, 5, 0) is False
    # 2,000,000 rows, step 128: 1,000,000 single rows needed, 1,000,000 / 128 = 7812.5
    # expected among the sampled; passed over only below half that (3906.25)
    assert sketch._apart(2_000_000, 128, 0, 3906) is True
    assert sketch._apart(2_000_000, 128, 0, 3907) is False
    # 100,000 still needed is under 1024 * 128 = 131,072: too few to judge by sample
    assert sketch._apart(2_000_000, 128, 900_000, 0) is False


def test_shared_straightliners_do_not_read_the_stored_wave(tmp_path, con):
    """Identical answer rows (straight 3s) in both, but fewer than half the wave."""
    flat = [{**p, **{k: 3 for k in p if k not in NO_KEY[:3]}} for p in people(4, seed=8)]
    ingest.import_file(con, write_plain(tmp_path / "a.csv", flat + people(6, seed=3), NO_KEY),
                       ingest.Options(wave="a"))
    cur = con.cursor()
    _hide_answers(cur, _wave_id(cur, "a"))
    again = write_plain(tmp_path / "b.csv", flat + people(10, seed=5), NO_KEY)
    assert ingest.import_file(con, again, ingest.Options(), dry_run=True).repeats == []


def test_unrelated_file_does_not_read_the_stored_wave(tmp_path, con):
    ingest.import_file(con, write_plain(tmp_path / "a.csv", people(10, seed=3), NO_KEY),
                       ingest.Options(wave="a"))
    cur = con.cursor()
    rows = cur.execute("SELECT count(*), sum(n) FROM wave_sketches").fetchone()
    assert rows == (10, 10)          # ten distinct answer rows, all kept (small wave)
    _hide_answers(cur, _wave_id(cur, "a"))
    fresh = write_plain(tmp_path / "c.csv", people(10, seed=5), NO_KEY)
    assert ingest.import_file(con, fresh, ingest.Options(), dry_run=True).repeats == []


def test_repeat_still_counted_exactly(tmp_path, con):
    first = people(10, seed=3)
    ingest.import_file(con, write_plain(tmp_path / "a.csv", first, NO_KEY),
                       ingest.Options(wave="a"))
    again = write_plain(tmp_path / "b.csv", people(3, seed=4, first=10) + first[:5], NO_KEY)
    report = ingest.import_file(con, again, ingest.Options(), dry_run=True)
    assert [(r.wave, r.identical) for r in report.repeats] == [("a", 5)]


def test_untrusted_sketch_means_the_full_check(tmp_path, con):
    """A sketch made by another hash function, emptied here, must not hide the repeat; the
    next import makes it again."""
    first = people(10, seed=3)
    ingest.import_file(con, write_plain(tmp_path / "a.csv", first, NO_KEY),
                       ingest.Options(wave="a"))
    cur = con.cursor()
    cur.execute("DELETE FROM wave_sketches")
    cur.execute("UPDATE wave_sketch_info SET probe = probe + 1")
    again = write_plain(tmp_path / "b.csv", first, NO_KEY)
    report = ingest.import_file(con, again, ingest.Options(), dry_run=True)
    assert [(r.wave, r.identical) for r in report.repeats] == [("a", 10)]
    ingest.import_file(con, write_plain(tmp_path / "c.csv", people(10, seed=5), NO_KEY),
                       ingest.Options(wave="c"))
    assert cur.execute("SELECT count(*) FROM wave_sketches WHERE wave_id = ?",
                       [_wave_id(cur, "a")]).fetchone()[0] == 10
    assert sketch.missing(cur) == []


def test_removed_wave_takes_its_sketch(tmp_path, con):
    from lvm_data.store import write
    ingest.import_file(con, write_plain(tmp_path / "a.csv", people(10, seed=3), NO_KEY),
                       ingest.Options(wave="a"))
    write.delete_wave(con.cursor(), "a")
    cur = con.cursor()
    assert cur.execute("SELECT (SELECT count(*) FROM wave_sketches) + "
                       "(SELECT count(*) FROM wave_sketch_info)").fetchone()[0] == 0


def test_sketch_from_the_import_matches_the_stored_answers(tmp_path, con):
    """The import hashes each row while it builds ``clean``; the sketch it stores must be
    the one the wave's stored answers give (as for a wave older than sketches), or a later
    file would be compared against hashes of something else."""
    rows = people(10, seed=3) + people(2, seed=3)           # two answer rows held twice
    ingest.import_file(con, write_plain(tmp_path / "a.csv", rows, NO_KEY),
                       ingest.Options(wave="a"))
    cur = con.cursor()
    wave = _wave_id(cur, "a")
    query = "SELECT h, n FROM wave_sketches WHERE wave_id = ? ORDER BY h"
    at_import = cur.execute(query, [wave]).fetchall()
    sketch.record(cur, wave)                                # again, from answers_<wave>
    assert cur.execute(query, [wave]).fetchall() == at_import
    assert sorted(n for _, n in at_import) == [1] * 8 + [2, 2]
