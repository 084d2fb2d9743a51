"""One wave's grouped view, remembered: the inputs of most figures, computed once.

A page asks about the same wave, grouping and filters many times (the scores, the change
since the wave before, the group tests, each step of Trends), and each answer needs two
scans of millions of rows: the base counts for disclosure control and the per-group sums.
A wave's respondents never change once imported (a wave imported again has a new import
time), so both are remembered per database file, wave as imported, grouping and
filters, and the waves asked for together are counted in one scan each. What is kept are
the inputs, exactly as ``read`` computes them for one wave: the base counts, on which the
rules of ``disclosure`` run again at every call (they are cheap, and the minimum may
differ), and the raw sums. Every figure built on a view is the figure computed afresh.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import cells
from .disclosure import Verdict
from .read import _dimension_bases, _raw_groups, _verdicts_of
from .schema import wave_dimensions

MAX_VIEWS = 2000


@dataclass(frozen=True)
class View:
    """One wave's verdicts (the whole selection's, its groups') and its raw group rows
    (None when not asked for)."""
    dimensions: tuple[str, ...]
    population: Verdict
    groups: Verdict
    raw: pd.DataFrame | None


_MEMO: dict[tuple, pd.DataFrame] = {}


def _frozen(where) -> tuple:
    return tuple(sorted((name, tuple(sorted(map(str, values))))
                        for name, values in (where or {}).items()))


def _keys(cur, wave_ids: list[int], what: tuple) -> dict[int, tuple] | None:
    """Per wave: file, wave id, import time and size (a wave imported again differs), and
    ``what`` was computed; None for a database in memory (no file to name: not kept)."""
    path = cur.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchone()[0]
    if path is None:
        return None
    marks = ", ".join("?" * len(wave_ids))
    rows = cur.execute(f"SELECT wave_id, imported_at, respondents FROM waves "
                       f"WHERE wave_id IN ({marks})", wave_ids).fetchall()
    stamps = {int(w): (str(t), n) for w, t, n in rows}
    return {w: (path, w, stamps.get(w), *what) for w in wave_ids}


def _remembered(cur, wave_ids: list[int], what: tuple, compute) -> dict[int, pd.DataFrame]:
    """``compute(missing wave ids)`` -> frame per wave, for the waves not remembered yet;
    copies out, so no caller can alter what the next one reads."""
    keys = _keys(cur, wave_ids, what)
    if keys is None:
        return compute(wave_ids)
    missing = [w for w in wave_ids if keys[w] not in _MEMO]
    if missing:
        fresh = compute(missing)
        if len(_MEMO) + len(fresh) > MAX_VIEWS:
            _MEMO.clear()
        _MEMO.update({keys[w]: frame for w, frame in fresh.items()})
    return {w: _MEMO[keys[w]].copy() for w in wave_ids}


def views(cur, wave_ids: list[int], by: str | None, where: dict | None, k: int,
          raw: bool = True) -> dict[int, View]:
    """The view of each wave; what is not remembered yet is counted for all of them at once.
    The counts and sums do not depend on the minimum: only the cheap rules are applied
    again for another one."""
    wave_ids = list(dict.fromkeys(int(w) for w in wave_ids))
    if not wave_ids:
        return {}
    dims = {w: wave_dimensions(cur, [w]) for w in wave_ids}
    attrs = cells.attributes(cur, by, where)
    cube = _remembered(cur, wave_ids, ("cube", attrs),
                       lambda ids: cells.cubes(cur, ids, attrs, dims))
    sums = _remembered(cur, wave_ids, ("sums", by, _frozen(where)),
                       lambda ids: _sums(cur, ids, by, where, dims)) if raw else {}
    out = {}
    for w in wave_ids:
        bases = list(_dimension_bases(dims[w]))
        counts = cells.cell_counts(cube[w], where, by, bases)
        population, groups = _verdicts_of(counts, by, bases, k)
        out[w] = View(tuple(dims[w]), population, groups, sums.get(w))
    return out


def view(cur, wave_id: int, by: str | None, where: dict | None, k: int,
         raw: bool = True) -> View:
    return views(cur, [wave_id], by, where, k, raw)[int(wave_id)]


def _sums(cur, wave_ids: list[int], by, where, dims: dict) -> dict[int, pd.DataFrame]:
    raw = _raw_groups(cur, wave_ids, by, where, per_wave=True)
    return {w: _wave_rows(raw, w, dims[w]) for w in wave_ids}


def _wave_rows(raw: pd.DataFrame, wave_id: int, dims: list[str]) -> pd.DataFrame:
    """One wave's rows of a per-wave ``_raw_groups``, as ``per_wave=False`` returns them
    (``order`` is the position among this wave's own dimensions)."""
    rows = raw[raw["wave_id"] == wave_id] if "wave_id" in raw else raw.iloc[0:0]
    rows = rows.drop(columns=[c for c in ("wave_id", "wave", "wave_date") if c in rows])
    if rows.empty or "order" not in rows:
        return rows.reset_index(drop=True)
    order = {d: i for i, d in enumerate(dims)}
    rows = rows.assign(order=rows["dimension"].map(order).astype(rows["order"].dtype))
    return rows.sort_values(["order", "group"], kind="stable").reset_index(drop=True)
