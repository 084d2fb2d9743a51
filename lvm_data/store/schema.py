"""The database file: its tables, and one connection per process.

One row per respondent holds its attributes and, per dimension, its two pole scores
(``<dimension>__l``, ``<dimension>__m``, both NULL when the respondent does not count on
that dimension): every dashboard query is then a single scan with no join. Each wave's
raw answers live in a table of their own (``answers_<wave_id>``), one column per item,
because a wave's items depend on its instrument and a wide table loads as fast as the CSV.
"""
from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb

from ..instrument import valid_identifier
from ..settings import load_settings
from . import facts

FIXED_ATTRIBUTES = ("department", "team", "role")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS waves (
    wave_id INTEGER PRIMARY KEY, name VARCHAR UNIQUE NOT NULL, wave_date DATE,
    imported_at TIMESTAMP, source VARCHAR, tool VARCHAR, instrument VARCHAR,
    scale_name VARCHAR, scale_min DOUBLE, scale_max DOUBLE, scale_labels VARCHAR,
    respondents INTEGER);
CREATE TABLE IF NOT EXISTS items (
    wave_id INTEGER, item_id VARCHAR, dimension VARCHAR, pole VARCHAR,
    reverse BOOLEAN, text VARCHAR, position INTEGER,
    PRIMARY KEY (wave_id, item_id));
CREATE TABLE IF NOT EXISTS attributes (name VARCHAR PRIMARY KEY, label VARCHAR, position INTEGER);
CREATE TABLE IF NOT EXISTS respondents (
    rid BIGINT, wave_id INTEGER, respondent_key VARCHAR,
    department VARCHAR, team VARCHAR, role VARCHAR);
CREATE TABLE IF NOT EXISTS dimensions (name VARCHAR PRIMARY KEY, position INTEGER);
CREATE TABLE IF NOT EXISTS wave_sketches (wave_id INTEGER, h UBIGINT, n INTEGER);
CREATE TABLE IF NOT EXISTS answer_cells (
    wave_id INTEGER, department VARCHAR, role VARCHAR, team VARCHAR, base VARCHAR, n BIGINT);
CREATE TABLE IF NOT EXISTS wave_sketch_info (
    wave_id INTEGER PRIMARY KEY, items VARCHAR, modulus INTEGER, probe UBIGINT);
"""

_lock = threading.Lock()
# Told how many earlier waves get their kept counts (a one-off wait on an older file's first
# open by this version: about half a second per million respondents); the CLI's says so.
on_upgrade: Callable[[int], None] | None = None


_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def quote(identifier: str) -> str:
    """Quote an identifier that came from a file, after checking its alphabet."""
    if not _SAFE.match(identifier or ""):
        raise ValueError(f"not a valid identifier: {identifier!r}")
    return '"' + identifier + '"'


def pole_column(dimension: str, pole: str) -> str:
    """The quoted column holding a dimension's leadership or management pole scores."""
    if not valid_identifier(dimension):
        raise ValueError(f"not a valid dimension key: {dimension!r}")
    return quote(f"{dimension}__{pole[0]}")


def answers_table(wave_id: int) -> str:
    return f"answers_{int(wave_id)}"


def cells_table(wave_id: int) -> str:
    """A wave's kept cube (``cells.keep``)."""
    return f"cells_{int(wave_id)}"


def default_db_path() -> str:
    return load_settings().db_path


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and create) the database; callers take a ``cursor()`` per thread."""
    path = str(path or default_db_path())
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        _ensure_schema(con)
    return con


@functools.lru_cache(maxsize=1)
def _schema_sql() -> tuple[str, str]:
    """Every table's DDL, and its stamp (the stamp also names the seeding's version)."""
    from .quality import SCHEMA as QUALITY     # late: both build on this module
    from .shares import SCHEMA as SHARES       # late: shares reads through this module
    from .demo import SCHEMA as DEMO
    from .mappings import SCHEMA as MAPPINGS
    from .participation import SCHEMA as PARTICIPATION
    from .legacy import SCHEMA as LEGACY
    ddl = SCHEMA + SHARES + QUALITY + DEMO + MAPPINGS + PARTICIPATION + LEGACY
    return ddl, hashlib.sha256((ddl + "seed 2, kept cubes").encode()).hexdigest()[:16]


def is_current(con) -> bool:
    """Whether the open file has this version's schema: a read-only connection can neither
    create nor upgrade it, so one that finds it older lets a read-write one do that first."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] == _schema_sql()[1]


def _ensure_schema(con) -> None:
    """Create what is missing, once per schema version: a dashboard opens the file for
    every page run, and the DDL and seeding are write transactions (about a fifth of a
    cached page run's server time, measured in bench/bench_load.py), so a file stamped
    with this version's DDL is left as it is."""
    if is_current(con):
        return
    ddl, stamp = _schema_sql()
    with _lock, facts.changing():
        con.execute(ddl)
        _seed_attributes(con)
        _record_minimum(con)
        from . import cells, item_matrix, legacy    # late: they read through this module
        if (pending := cells.missing(con)) and on_upgrade is not None:
            on_upgrade(len(pending))
        for wave_id in pending:
            cells.keep(con, wave_id)
        item_matrix.keep_missing(con)
        legacy.find(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", [stamp])


def _record_minimum(con) -> None:
    """The minimum travels with the data: recorded once, when the database is created.

    Databases from before the keyed respondent hash kept their hash salt in ``meta``;
    it is removed, so a copy of the file no longer holds what reverses the keys.
    """
    con.execute("INSERT OR IGNORE INTO meta VALUES ('min_group_size', ?)",
                [str(load_settings().min_group_size)])
    con.execute("DELETE FROM meta WHERE key = 'salt'")


def recorded_minimum(cur) -> int | None:
    return facts.recall(("minimum",), lambda: _recorded_minimum(cur))


def _recorded_minimum(cur) -> int | None:
    row = cur.execute("SELECT value FROM meta WHERE key = 'min_group_size'").fetchone()
    return int(row[0]) if row else None


def set_minimum(cur, k: int) -> int | None:
    """Record a new organisation minimum (an explicit admin act); returns the old one."""
    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        raise ValueError("the anonymity minimum must be a whole number of at least 2")
    old = _recorded_minimum(cur)
    with facts.changing():
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('min_group_size', ?)", [str(k)])
    return old


def _seed_attributes(con) -> None:
    for pos, name in enumerate(FIXED_ATTRIBUTES):
        con.execute("INSERT OR IGNORE INTO attributes VALUES (?, ?, ?)",
                    [name, name.capitalize(), pos])


def attribute_names(cur) -> list[str]:
    return facts.recall(("attributes",), lambda: [r[0] for r in cur.execute(
        "SELECT name FROM attributes ORDER BY position, name").fetchall()])


def ensure_attribute(cur, name: str, label: str) -> None:
    """Extra attribute columns become real columns so filters stay fast."""
    if name in attribute_names(cur):
        return
    with facts.changing():
        cur.execute(f"ALTER TABLE respondents ADD COLUMN {quote(name)} VARCHAR")
        pos = cur.execute("SELECT coalesce(max(position), 0) + 1 FROM attributes").fetchone()[0]
        cur.execute("INSERT INTO attributes VALUES (?, ?, ?)", [name, label, pos])


def ensure_dimension(cur, name: str) -> None:
    """A new dimension (custom instruments) gets its two pole columns."""
    if cur.execute("SELECT 1 FROM dimensions WHERE name = ?", [name]).fetchone():
        return
    for pole in ("leadership", "management"):
        cur.execute(f"ALTER TABLE respondents ADD COLUMN {pole_column(name, pole)} DOUBLE")
    pos = cur.execute("SELECT coalesce(max(position), 0) + 1 FROM dimensions").fetchone()[0]
    cur.execute("INSERT INTO dimensions VALUES (?, ?)", [name, pos])


def wave_dimensions(cur, wave_ids: list[int]) -> list[str]:
    """Bipolar dimensions measured in these waves, in instrument order: the ones orientation,
    balance and archetypes are about. A custom dimension with a single pole (a plain scale,
    for reliability) is left out here; ``scale_dimensions`` lists every dimension."""
    marks = ", ".join("?" * len(wave_ids))
    return facts.recall(("dimensions", *wave_ids), lambda: [r[0] for r in cur.execute(
        f"SELECT dimension FROM items WHERE wave_id IN ({marks}) "
        "GROUP BY dimension HAVING count(DISTINCT pole) = 2 "
        "ORDER BY min(position), dimension", wave_ids).fetchall()])


def each_wave_dimensions(cur, wave_ids: list[int]) -> dict[int, list[str]]:
    """``wave_dimensions`` of each wave on its own, in one query."""
    marks = ", ".join("?" * len(wave_ids))
    rows = facts.recall(("each dimensions", *wave_ids), lambda: cur.execute(
        f"SELECT wave_id, dimension FROM items WHERE wave_id IN ({marks}) "
        "GROUP BY wave_id, dimension HAVING count(DISTINCT pole) = 2 "
        "ORDER BY wave_id, min(position), dimension", wave_ids).fetchall())
    out: dict[int, list[str]] = {int(w): [] for w in wave_ids}
    for wave_id, dim in rows:
        out[int(wave_id)].append(dim)
    return out
