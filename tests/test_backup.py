"""backup DIR / restore DIR: a portable copy that restores to the same figures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from tests.fixtures import planted

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, check=True):
    out = subprocess.run([sys.executable, "-m", "lvm_data", *args], cwd=ROOT,
                         capture_output=True, text=True)
    assert not check or out.returncode == 0, out.stderr
    return out


def test_backup_and_restore_give_the_same_figures(tmp_path):
    db, copy = tmp_path / "org.duckdb", tmp_path / "restored.duckdb"
    cli("import", str(planted.write(tmp_path / "p.csv")), "--wave", "2026-Q1", "--db", str(db))
    cli("set-minimum", "6", "--db", str(db))
    said = cli("backup", str(tmp_path / "bk"), "--db", str(db)).stdout
    assert "1 wave(s), 57 respondents" in said and "lvm_secrets.toml" in said
    assert {p.suffix for p in (tmp_path / "bk").iterdir()} == {".sql", ".parquet"}
    (tmp_path / "bk").rename(tmp_path / "moved")                 # a backup can be moved
    cli("restore", str(tmp_path / "moved"), "--db", str(copy))
    for args in (["scores", "--by", "team"], ["items", "--dimension", "people_process"],
                 ["waves"]):
        assert cli(*args, "--db", str(copy)).stdout == cli(*args, "--db", str(db)).stdout
    con = duckdb.connect(str(copy), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'min_group_size'").fetchone() == ("6",)
    con.close()


def test_restore_never_overwrites_and_refuses_what_is_not_a_backup(tmp_path):
    db = tmp_path / "org.duckdb"
    cli("import", str(planted.write(tmp_path / "p.csv")), "--wave", "w", "--db", str(db))
    cli("backup", str(tmp_path / "bk"), "--db", str(db))
    again = cli("backup", str(tmp_path / "bk"), "--db", str(db), check=False)
    assert again.returncode == 2 and "not empty" in again.stderr
    over = cli("restore", str(tmp_path / "bk"), "--db", str(db), check=False)
    assert over.returncode == 2 and "exists" in over.stderr
    (tmp_path / "junk").mkdir()
    junk = cli("restore", str(tmp_path / "junk"), "--db", str(tmp_path / "new.duckdb"),
               check=False)
    assert junk.returncode == 2 and "not a backup" in junk.stderr
    assert not (tmp_path / "new.duckdb").exists()
