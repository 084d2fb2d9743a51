"""Backup and restore in DuckDB's portable format: one Parquet file per table and the
schema as SQL, readable by any DuckDB version (the database file format is not).

The backup holds the survey data and the recorded anonymity minimum; it deliberately does
not hold the settings file or ``lvm_secrets.toml`` (the respondent-key secret), which are
backed up apart so that one stolen copy is not enough to re-identify anyone.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from .session import connect_waiting


def _literal(path: Path) -> str:
    """EXPORT/IMPORT DATABASE take a string literal, not a parameter: quote it."""
    return "'" + str(path).replace("'", "''") + "'"


def backup(db_path: str | Path, directory: str | Path) -> tuple[int, int]:
    """Export a consistent snapshot (one read-only transaction); returns (waves, respondents)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty: choose a new directory for the backup")
    if not Path(db_path).exists():
        raise ValueError(f"no database at {db_path}")
    con = connect_waiting(str(db_path), read_only=True)   # waits while the dashboard has it
    try:
        counts = con.execute("SELECT (SELECT count(*) FROM waves), "
                             "(SELECT count(*) FROM respondents)").fetchone()
        con.execute(f"EXPORT DATABASE {_literal(directory)} (FORMAT parquet)")
    finally:
        con.close()
    return int(counts[0]), int(counts[1])


def restore(directory: str | Path, db_path: str | Path) -> tuple[int, int]:
    """Import a backup into a new database file; an existing file is never overwritten."""
    directory, db_path = Path(directory), Path(db_path)
    if not (directory / "schema.sql").is_file() or not (directory / "load.sql").is_file():
        raise ValueError(f"{directory} is not a backup (no schema.sql and load.sql)")
    if db_path.exists():
        raise ValueError(f"{db_path} exists: restore into a new file, or move it away first")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path))
        try:
            con.execute(f"IMPORT DATABASE {_literal(directory)}")
            counts = con.execute("SELECT (SELECT count(*) FROM waves), "
                                 "(SELECT count(*) FROM respondents)").fetchone()
        finally:
            con.close()
    except BaseException:
        for leftover in (db_path, db_path.with_name(db_path.name + ".wal")):
            leftover.unlink(missing_ok=True)
        raise
    return int(counts[0]), int(counts[1])
