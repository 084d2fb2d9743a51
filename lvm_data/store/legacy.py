"""Answers an earlier version stored wrongly, found when this version first opens a file.

Before 22 November 2026 a numeric missing-answer code (-99, -999, NaN) in a column whose
other answers were plain numbers was cast to a number, stored as an answer and averaged
into the pole scores. An import today leaves every answer off the wave's scale out (or
refuses the rows), so an answer off the scale in a stored wave is that bug's trace. The
scores cannot be repaired from the database alone with certainty (a code may stand for
"not applicable" or for an answer), so the wave is named wherever its figures are shown
until its file is imported again.
"""
from __future__ import annotations

from . import facts
from .schema import answers_table, quote

SCHEMA = """
CREATE TABLE IF NOT EXISTS off_scale (wave_id INTEGER PRIMARY KEY, answers BIGINT,
                                      example DOUBLE);
"""


def find(con) -> None:
    """Count each wave's answers off its scale (once per schema version, with the DDL)."""
    con.execute("DELETE FROM off_scale")
    waves = con.execute("SELECT wave_id, scale_min, scale_max FROM waves").fetchall()
    for wave_id, smin, smax in waves:
        items = [quote(i) for (i,) in con.execute(
            "SELECT item_id FROM items WHERE wave_id = ? ORDER BY position", [wave_id]).fetchall()]
        if not items or _within(con, wave_id, items, smin, smax):
            continue
        off = [f"({i} < ? OR {i} > ?)" for i in items]      # NaN sorts above every number
        counts = " + ".join(f"count(*) FILTER (WHERE {o})" for o in off)
        firsts = ", ".join(f"min(CASE WHEN {o} THEN {i} END)" for i, o in zip(items, off))
        row = con.execute(f"SELECT {counts}, {firsts} FROM {answers_table(wave_id)}",
                          [smin, smax] * 2 * len(items)).fetchone()
        if row[0]:      # a number rather than NaN, where there is one
            example = min((v for v in row[1:] if v is not None), key=lambda v: (v != v, v))
            con.execute("INSERT INTO off_scale VALUES (?, ?, ?)", [wave_id, row[0], example])


def _within(con, wave_id: int, items: list[str], smin: float, smax: float) -> bool:
    """Every answer on the scale, as each column's least and greatest answers say (a few
    milliseconds for 2 million rows, where counting those off it takes half a second; NaN
    is a column's greatest)."""
    ends = con.execute(f"SELECT {', '.join(f'min({i}), max({i})' for i in items)} "
                       f"FROM {answers_table(wave_id)}").fetchone()
    return all(low is None or (low >= smin and high <= smax)
               for low, high in zip(ends[::2], ends[1::2]))


def off_scale(cur) -> dict[str, tuple[int, float]]:
    """Per wave name holding answers off its scale: how many, and the least of them."""
    rows = facts.recall(("off scale",), lambda: cur.execute(
        "SELECT w.name, o.answers, o.example FROM off_scale o JOIN waves w USING (wave_id) "
        "ORDER BY w.wave_date, w.name").fetchall())
    return {name: (int(n), float(x)) for name, n, x in rows}


def warning(wave: str, answers: int, example: float, counted: bool = True) -> str:
    """What to tell whoever sees the wave's figures; ``counted``: with the number of such
    answers (for administrators: a count over the whole wave is not for a viewer whose
    link shows one department)."""
    many = f"{answers:,} answers" if counted else "answers"
    return (f"Wave {wave} holds {many} outside its scale (such as {example:g}, "
            "a missing-answer code) that a version before 22 November 2026 stored as "
            "answers, so its scores count them. Import its file again, replacing the wave, "
            "to correct them.")
