"""A small per-wave sample of answer-row hashes, so the re-export check reads no stored wave.

``crosswave.file_repeats`` asks of every stored wave whether the file repeats at least half
its respondents. Hashing every stored answer row made each import slower than the last as
the database grew. Each wave therefore keeps, from its import on, the hashes of its answer
rows (items in sorted order) that are a multiple of ``modulus``: every row of a wave of up
to ``2 * EXACT_ROWS`` respondents, about ``EXACT_ROWS`` to ``2 * EXACT_ROWS`` of a larger one.
A repeated row hashes alike in both, so a file that repeats half a wave shares, in
expectation, at least ``EXACT_ROWS / 2`` sampled hashes with it (every repeated row, for a
small wave); a wave sharing none is passed over, any other is checked in full as before.
(Missing thousands of expected hits by chance has odds below 1e-1000.)
The probe is this DuckDB's hash of a fixed row: a sketch made by a different hash function
counts as missing (the wave is checked in full) and is made again by the next import.
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


def record(cur, wave_id: int) -> None:
    """Sketch a stored wave from its answer table (at import, or for a wave older than
    sketches); replaces any earlier sketch of it."""
    forget(cur, wave_id)
    items = _items(cur, wave_id)
    if not items:
        return
    table = answers_table(wave_id)
    rows = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    m = modulus(int(rows))
    cols = ", ".join(quote(i) for i in items)
    cur.execute(f"""INSERT INTO wave_sketches SELECT ?, h, n FROM (
                        SELECT hash({cols}) AS h, count(*) AS n FROM {table} GROUP BY 1)
                    WHERE h % ? = 0 OR n > 1""", [wave_id, m])
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
    """The staged file's answer-row hashes with their counts (``clean``, rows without a
    problem), made once per item list and compared with any number of wave sketches."""

    def __init__(self, cur):
        self.cur = cur
        self.current = probe(cur)
        self.made: dict[tuple, str] = {}

    def _table(self, items: list[str]) -> str:
        if tuple(items) not in self.made:
            name = f"file_sketch_{len(self.made)}"
            cols = ", ".join(quote(i) for i in items)
            self.cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT hash({cols}) AS h, "
                             "count(*) AS f FROM clean WHERE problem IS NULL GROUP BY 1")
            self.made[tuple(items)] = name
        return self.made[tuple(items)]

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
                   coalesce(sum(f.f) FILTER (WHERE w.h IS NULL AND f.f > 1 AND f.h % ? <> 0), 0),
                   count(*) FILTER (WHERE w.n = 1 AND f.f = 1)
            FROM {self._table(items)} f
            LEFT JOIN (SELECT h, n FROM wave_sketches WHERE wave_id = ?) w USING (h)""",
                                               [m, wave_id]).fetchone()
        return _apart(int(respondents), m, int(known) + int(heavy), int(hits))

    def drop(self) -> None:
        for name in self.made.values():
            self.cur.execute(f"DROP TABLE IF EXISTS {name}")


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
