"""The command line's import holds the database file only while it stores.

A second process (the dashboard, a scheduled command) probes the file at each stage of
a real import: while the file is read and checked the probe must get in; while the wave
is stored it must find the file locked (which shows the probe can see a lock at all).
"""
from __future__ import annotations

import subprocess
import sys

import pandas as pd

from lvm_data import ingest, memory_import, store
from lvm_data.sample import write_sample

PROBE = ("import duckdb, sys\n"
         "try:\n"
         "    duckdb.connect(sys.argv[1]).execute('SELECT count(*) FROM waves').fetchall()\n"
         "except duckdb.IOException as exc:\n"
         "    print('locked' if 'lock' in str(exc).lower() else exc); sys.exit(1)\n")


def probe(db) -> str:
    out = subprocess.run([sys.executable, "-c", PROBE, str(db)], capture_output=True,
                         text=True, timeout=60)
    return "open" if out.returncode == 0 else out.stdout.strip() or out.stderr[-300:]


def test_the_file_is_free_while_the_import_reads_and_checks(tmp_path):
    db = tmp_path / "shared.duckdb"
    store.connect(db).close()
    write_sample(tmp_path / "a.csv", 3000, seed=1)
    seen: dict[str, str] = {}

    def progress(fraction: float, text: str) -> None:
        stage = text.split()[0]
        if stage in ("Reading", "Checking", "Storing") and stage not in seen:
            seen[stage] = probe(db)

    memory_import.import_into(db, tmp_path / "a.csv", ingest.Options(wave="w1"), progress)
    assert seen == {"Reading": "open", "Checking": "open", "Storing": "locked"}


def test_respondent_ids_continue_after_the_waves_already_stored(tmp_path):
    """Staged in memory, ids start at 1; stored, they follow the database's own, and each
    wave's answers row up with its respondents."""
    db = tmp_path / "ids.duckdb"
    write_sample(tmp_path / "a.csv", 400, seed=1)
    write_sample(tmp_path / "b.csv", 300, seed=2)
    memory_import.import_into(db, tmp_path / "a.csv", ingest.Options(wave="w1"))
    memory_import.import_into(db, tmp_path / "b.csv", ingest.Options(wave="w2"))
    con = store.connect(db)
    rids = con.execute("SELECT wave_id, rid FROM respondents ORDER BY rid").df()
    assert list(rids["rid"]) == list(range(1, 701))
    assert rids.groupby("wave_id")["rid"].agg(["min", "max"]).values.tolist() == \
        [[1, 400], [401, 700]]
    raw = pd.read_csv(tmp_path / "b.csv")
    for wave_id in (1, 2):
        answers = con.execute(f"SELECT rid FROM {store.answers_table(wave_id)} ORDER BY rid").df()
        assert list(answers["rid"]) == list(rids.loc[rids["wave_id"] == wave_id, "rid"])
    # the 301st file row of wave 2 is rid 700: its first item answer is the file's
    first_item = raw.columns[5]
    got = con.execute(f'SELECT "{first_item}" FROM {store.answers_table(2)} WHERE rid = 700'
                      ).fetchone()[0]
    assert got == raw[first_item].iloc[-1]
    # the quality flags recorded with each wave point at that wave's respondents
    matched = con.execute("SELECT count(*) FROM response_quality q JOIN respondents r "
                          "ON r.rid = q.rid AND r.wave_id = q.wave_id").fetchone()[0]
    assert matched == con.execute("SELECT count(*) FROM response_quality").fetchone()[0] == 700
    con.close()
