"""One wave's grouped view, remembered: the inputs of most figures, computed once.

A page asks about the same wave, grouping and filters many times (the scores, the change
since the wave before, the group tests, each step of Trends), and each answer needs two
scans of millions of rows: the base counts for disclosure control and the per-group sums.
A wave's respondents never change once imported (a wave imported again has a new import
time), so both are remembered per database file, wave as imported, grouping, filters and
minimum, and the waves asked for together are counted in one scan each. What is kept are
the verdicts of ``disclosure`` and the raw sums, exactly as ``read`` computes them for one
wave: every figure built on a view is the figure computed afresh, and every rule is
applied to it as before. Callers get copies, so no caller can alter what another reads.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import disclosure
from .disclosure import Verdict
from .read import _cell_counts, _dimension_bases, _raw_groups, _verdicts_of
from .schema import wave_dimensions

MAX_VIEWS = 2000


@dataclass(frozen=True)
class View:
    """One wave's verdicts (the whole selection's, its groups') and its raw group rows."""
    dimensions: tuple[str, ...]
    population: Verdict
    groups: Verdict
    raw: pd.DataFrame

    def copy(self) -> View:
        def verdict(v: Verdict) -> Verdict:
            return Verdict(v.n.copy(), v.status.copy())
        return View(self.dimensions, verdict(self.population), verdict(self.groups),
                    self.raw.copy())


_VIEWS: dict[tuple, View] = {}


def _frozen(where) -> tuple:
    return tuple(sorted((name, tuple(sorted(map(str, values))))
                        for name, values in (where or {}).items()))


def _keys(cur, wave_ids: list[int], by, where, k: int) -> dict[int, tuple]:
    """Per wave: file, wave id, import time and size (a wave imported again differs)."""
    path = cur.execute("SELECT path FROM duckdb_databases() "
                       "WHERE database_name = current_database()").fetchone()[0]
    marks = ", ".join("?" * len(wave_ids))
    rows = cur.execute(f"SELECT wave_id, imported_at, respondents FROM waves "
                       f"WHERE wave_id IN ({marks})", wave_ids).fetchall()
    stamps = {int(w): (str(t), n) for w, t, n in rows}
    return {w: (path, w, stamps.get(w), by, _frozen(where), k) for w in wave_ids}


def views(cur, wave_ids: list[int], by: str | None, where: dict | None,
          k: int) -> dict[int, View]:
    """The view of each wave; those not remembered yet are computed together."""
    wave_ids = list(dict.fromkeys(int(w) for w in wave_ids))
    if not wave_ids:
        return {}
    keys = _keys(cur, wave_ids, by, where, k)
    if next(iter(keys.values()))[0] is None:     # in memory: no file to name, not kept
        return _compute(cur, wave_ids, by, where, k)
    missing = [w for w in wave_ids if keys[w] not in _VIEWS]
    if missing:
        fresh = _compute(cur, missing, by, where, k)
        if len(_VIEWS) + len(fresh) > MAX_VIEWS:
            _VIEWS.clear()
        _VIEWS.update({keys[w]: v for w, v in fresh.items()})
    return {w: _VIEWS[keys[w]].copy() for w in wave_ids}


def view(cur, wave_id: int, by: str | None, where: dict | None, k: int) -> View:
    return views(cur, [wave_id], by, where, k)[int(wave_id)]


def _compute(cur, wave_ids: list[int], by, where, k: int) -> dict[int, View]:
    """Two scans for all the waves: base counts, and raw sums per wave and group. Each
    wave's part is then checked on its own bases (its own dimensions), as for one wave."""
    dims = {w: wave_dimensions(cur, [w]) for w in wave_ids}
    union = list(dict.fromkeys(d for w in wave_ids for d in dims[w]))
    frame = _cell_counts(cur, wave_ids, where, by, _dimension_bases(union))
    raw = _raw_groups(cur, wave_ids, by, where, per_wave=True)
    out = {}
    for w in wave_ids:
        bases = list(_dimension_bases(dims[w]))
        part = frame[frame["wid"] == w]
        flags = [c for c in part.columns if c.startswith(disclosure.FLAG)]
        part = part[[*flags, "g", *bases]].reset_index(drop=True)
        population, groups = _verdicts_of(part, by, bases, k)
        out[w] = View(tuple(dims[w]), population, groups, _wave_rows(raw, w, dims[w]))
    return out


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
