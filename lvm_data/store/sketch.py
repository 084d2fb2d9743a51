"""A small per-wave sketch of answer-row hashes, so the re-export check reads no stored wave.

``crosswave.file_repeats`` asks of every stored wave whether the file repeats at least half
its respondents. Hashing every stored answer row made each import slower than the last as
the database grew. Each wave therefore keeps, from its import on, the hashes (items in
sorted order) of every answer row it holds more than once, and of the rows whose hash is a
multiple of ``modulus``: all rows of a wave under ``2 * EXACT_ROWS`` respondents,
``EXACT_ROWS`` to ``2 * EXACT_ROWS`` of a larger one. Against the file's own hashes this
bounds the rows the file can repeat (``_apart``); a wave is passed over only when the bound
stays under half of it, and any other wave is compared in full as before. The probe is this
DuckDB's hash of a fixed row: a sketch made by a different hash function counts as missing
(the wave is compared in full) and is made again by the next import.
"""
from __future__ import annotations

import json

from .schema import answers_table, quote

EXACT_ROWS = 8192
PROBE_SQL = "SELECT hash(1.5::DOUBLE, NULL::DOUBLE, 'lvm')"


def modulus(rows: int) -> int:
    """The sampling step: 1 below ``2 * EXACT_ROWS`` rows, then the power of two keeping
    ``EXACT_ROWS`` to ``2 * EXACT_ROWS`` of them."""
    m = 1
    while rows // (2 * m) >= EXACT_ROWS:
        m *= 2
    return m


def probe(cur) -> int:
    return int(cur.execute(PROBE_SQL).fetchone()[0])


def _items(cur, wave_id: int) -> list[str]:
    rows = cur.execute("SELECT item_id FROM items WHERE wave_id = ? ORDER BY item_id",
                       [wave_id]).fetchall()
    return [r[0] for r in rows]


def _noted(cur, table: str) -> str | None:
    """The items (JSON) a temporary note table names, or None when there is none."""
    made = cur.execute("SELECT 1 FROM duckdb_tables() WHERE temporary AND table_name = ?",
                       [table]).fetchone()
    return cur.execute(f"SELECT items FROM {table}").fetchone()[0] if made else None


def row_hash_sql(cur, items: list[str]) -> str:
    """The answer-row hash over ``items`` in sorted order, for ``build_clean`` to compute
    while it has each row's answers (a later scan of ``clean`` cost a tenth of a large
    import); notes which items it covers, so ``file_hashes`` can use it."""
    ordered = sorted(items)
    cur.execute("CREATE OR REPLACE TEMP TABLE clean_hash_items AS SELECT ? AS items",
                [json.dumps(ordered)])
    return f"hash({', '.join(quote(i) for i in ordered)})" if ordered else "NULL::UBIGINT"


def file_hashes(cur, items: list[str]) -> str:
    """``file_hashes``: the staged file's answer-row hashes over ``items`` with their counts
    per wave of the file (``clean``, rows without a problem). Made once per import, for the
    re-export check and the new waves' sketches alike (``build_clean`` drops it)."""
    wanted = json.dumps(items)
    if _noted(cur, "file_hashes_items") == wanted:
        return "file_hashes"
    row = "row_hash" if _noted(cur, "clean_hash_items") == wanted else \
        f"hash({', '.join(quote(i) for i in items)})"
    cur.execute(f"""CREATE OR REPLACE TEMP TABLE file_hashes AS
        SELECT coalesce(wave_name, '') AS w, {row} AS h, count(*) AS f FROM clean
        WHERE problem IS NULL GROUP BY 1, 2""")
    cur.execute("CREATE OR REPLACE TEMP TABLE file_hashes_items AS SELECT ? AS items",
                [wanted])
    return "file_hashes"


def drop_file_hashes(cur) -> None:
    cur.execute("DROP TABLE IF EXISTS file_hashes; DROP TABLE IF EXISTS file_hashes_items")


def record(cur, wave_id: int, file_wave: str | None = None, staged: bool = False) -> None:
    """Sketch a stored wave: at import from the staged file's hashes (the rows of
    ``file_wave`` just stored, without reading them back), else from its answer table (a
    wave older than sketches). Replaces any earlier sketch of it."""
    forget(cur, wave_id)
    items = _items(cur, wave_id)
    if not items:
        return
    if staged:
        rows, params = f"(SELECT h, f AS n FROM {file_hashes(cur, items)} " \
                       "WHERE w = coalesce(?, ''))", [file_wave]
    else:
        cols = ", ".join(quote(i) for i in items)
        rows, params = f"(SELECT hash({cols}) AS h, count(*) AS n " \
                       f"FROM {answers_table(wave_id)} GROUP BY 1)", []
    total = cur.execute(f"SELECT coalesce(sum(n), 0) FROM {rows}", params).fetchone()[0] \
        if staged else cur.execute(f"SELECT count(*) FROM {answers_table(wave_id)}").fetchone()[0]
    m = modulus(int(total))
    cur.execute(f"INSERT INTO wave_sketches SELECT ?, h, n FROM {rows} "
                "WHERE h % ?::UBIGINT = 0 OR n > 1", [wave_id, *params, m])
    cur.execute("INSERT INTO wave_sketch_info VALUES (?, ?, ?, ?)",
                [wave_id, json.dumps(items), m, probe(cur)])


def forget(cur, wave_id: int) -> None:
    cur.execute("DELETE FROM wave_sketches WHERE wave_id = ?", [wave_id])
    cur.execute("DELETE FROM wave_sketch_info WHERE wave_id = ?", [wave_id])


def missing(cur) -> list[int]:
    """Stored waves without a usable sketch (older than sketches, or another hash)."""
    rows = cur.execute("SELECT w.wave_id FROM waves w LEFT JOIN wave_sketch_info s "
                       "ON s.wave_id = w.wave_id AND s.probe = ? WHERE s.wave_id IS NULL "
                       "ORDER BY w.wave_id", [probe(cur)]).fetchall()
    return [r[0] for r in rows]


def backfill(cur) -> None:
    """Sketch every wave that lacks one, inside the caller's transaction."""
    for wave_id in missing(cur):
        record(cur, wave_id)


class FileSample:
    """The staged file's answer-row hashes (``file_hashes``) against wave sketches."""

    def __init__(self, cur):
        self.cur = cur
        self.current = probe(cur)

    def _table(self, items: list[str]) -> str:
        """Hashes over ``items`` with their counts in the whole file (all its waves)."""
        table = file_hashes(self.cur, items)
        waves = self.cur.execute(f"SELECT count(DISTINCT w) FROM {table}").fetchone()[0]
        return table if waves <= 1 else f"(SELECT h, sum(f) AS f FROM {table} GROUP BY 1)"

    def cannot_repeat(self, wave_id: int, shared: list[str], respondents: int) -> bool:
        """True when the file surely repeats fewer than half the wave's respondents (see
        ``_apart``); False when unsure, or when the wave has no usable sketch."""
        info = self.cur.execute("SELECT items, modulus, probe FROM wave_sketch_info "
                                "WHERE wave_id = ?", [wave_id]).fetchone()
        if info is None or int(info[2]) != self.current:
            return False
        items, m = json.loads(info[0]), int(info[1])
        if sorted(shared) != items:
            return False                 # the file lacks some of the wave's items
        known, heavy, hits = self.cur.execute(f"""
            SELECT coalesce(sum(f.f) FILTER (WHERE w.h IS NOT NULL), 0),
                   coalesce(sum(f.f) FILTER (
                       WHERE w.h IS NULL AND f.f > 1 AND f.h % ?::UBIGINT <> 0), 0),
                   count(*) FILTER (WHERE w.n = 1 AND f.f = 1)
            FROM {self._table(items)} AS f
            LEFT JOIN (SELECT h, n FROM wave_sketches WHERE wave_id = ?) w USING (h)""",
                                               [m, wave_id]).fetchone()
        return _apart(int(respondents), m, int(known) + int(heavy), int(hits))


def _apart(respondents: int, m: int, known: int, hits: int) -> bool:
    """Whether fewer than half the wave can be repeated. File rows whose answers the wave
    may hold number at most ``known`` (rows of a hash in the sketch, or repeated in the file
    and possibly one of the wave's unsampled rows) plus the single file rows matching one of
    the wave's unsampled single rows. With ``m`` 1 there are none: the bound is exact. Else
    those must number ``need`` for a repeat, and then about ``need / m`` single rows would
    match among the sampled ones (``hits``); seeing fewer than half that, when it is at
    least 1024, has odds below e^-128 (Chernoff)."""
    need = -(-respondents // 2) - known
    if need <= 0:
        return False
    if m == 1:
        return True
    return need >= 1024 * m and 2 * hits * m < need
