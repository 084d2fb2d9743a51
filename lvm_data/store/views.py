"""One wave's grouped view, remembered: the inputs of most figures, computed once.

A page asks about the same wave, grouping and filters many times (the scores, the change
since the wave before, the group tests, each step of Trends), and each answer needs the
base counts for disclosure control and the per-group sums of millions of rows. Both come
from one scan: a cube per wave (``cells``), whose cells hold the counts and the sums, so
any grouping and filters on its attributes are sums over it (``rollup``). A wave's
respondents never change once imported (a wave imported again has a new import time), so
the cubes are remembered per database file, wave as imported and attributes, and the waves
asked for together are counted in one scan. What is kept are the inputs, exactly as
``read`` computes them for one wave: the base counts, on which the rules of ``disclosure``
run again at every call (they are cheap, and the minimum may differ), and the raw sums.
Every figure built on a view is the figure computed afresh.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd

from . import cells, facts, rollup
from ..single_flight import Flights
from .disclosure import Verdict
from .read import _dimension_bases, _raw_groups, _verdicts_of, waves as wave_table
from .schema import each_wave_dimensions

MAX_VIEWS = 2000


@dataclass(frozen=True)
class View:
    """One wave's verdicts (the whole selection's, its groups') and its raw group rows
    (None when not asked for)."""
    dimensions: tuple[str, ...]
    population: Verdict
    groups: Verdict
    raw: pd.DataFrame | None


_MEMO: dict[tuple, object] = {}
_LOCK = threading.Lock()            # guards _MEMO: every session's page run reads it
_FLIGHTS = Flights()


def frozen(where) -> tuple:
    """Filters as a key: the same set of values whatever their order."""
    return tuple(sorted((name, tuple(sorted(map(str, values))))
                        for name, values in (where or {}).items()))


def stamps(cur, wave_ids: list[int]) -> dict[int, tuple] | None:
    """Per wave: file, wave id, import time and size (a wave imported again differs), read
    for every wave in one query (a page run asks for many sets of waves); None for a
    database in memory (no file to name: nothing is kept)."""
    rows = facts.recall(("stamps",), lambda: cur.execute(
        "SELECT d.path, w.wave_id, w.imported_at, w.respondents "
        "FROM duckdb_databases() d LEFT JOIN waves w ON true "
        "WHERE d.database_name = current_database()").fetchall())
    if not rows or rows[0][0] is None:
        return None
    found = {int(w): (path, int(w), str(t), n) for path, w, t, n in rows if w is not None}
    return {w: found.get(w, (rows[0][0], w, None, None)) for w in wave_ids}


def _copy(value):
    """A copy the caller may change freely (plain values are returned as they are)."""
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(Verdict(v.n.copy(), v.status.copy()) for v in value)
    return list(value) if isinstance(value, list) else value


def _recalled(keys: dict) -> dict:
    with _LOCK:
        return {w: _MEMO[k] for w, k in keys.items() if k in _MEMO}


def _keep(keys: dict, fresh: dict) -> None:
    with _LOCK:
        if len(_MEMO) + len(fresh) > MAX_VIEWS:
            _MEMO.clear()
        _MEMO.update({keys[w]: value for w, value in fresh.items()})


def _remembered(stamped, wave_ids: list[int], what: tuple, compute) -> dict:
    """``compute(missing wave ids)`` -> value per wave, for the waves not remembered yet;
    copies out, so no caller can alter what the next one reads.

    Sessions asking for the same view together (every viewer's next click after an import)
    wait for the first one's computation instead of each scanning the wave."""
    if stamped is None:
        return compute(wave_ids)
    keys = {w: (*stamped[w], *what) for w in wave_ids}
    have = _recalled(keys)
    missing = {w: keys[w] for w in wave_ids if w not in have}
    if missing:
        with _FLIGHTS.one_at_a_time(missing.values()):
            have.update(_recalled(missing))          # computed while this one waited
            still = [w for w in missing if w not in have]
            if still:
                fresh = compute(still)
                have.update(fresh)
                _keep(keys, fresh)
    return {w: _copy(have[w]) for w in wave_ids}


def once(key: tuple | None, compute):
    """``compute()`` remembered under ``key`` (built from ``stamps``; None: not kept)."""
    if key is None:
        return compute()
    return _remembered({0: key}, [0], (), lambda ids: {0: compute()})[0]


def views(cur, wave_ids: list[int], by: str | None, where: dict | None, k: int,
          raw: bool = True) -> dict[int, View]:
    """The view of each wave; what is not remembered yet is counted for all of them at once.
    The cube and the sums do not depend on the minimum; the verdicts (the rules applied to
    the cube) are remembered per minimum too."""
    wave_ids = list(dict.fromkeys(int(w) for w in wave_ids))
    if not wave_ids:
        return {}
    stamped = stamps(cur, wave_ids)
    dims = _dimensions(cur, stamped, wave_ids)
    attrs = cells.attributes(cur, by, where)

    def judged(ids):
        cube = _cubes(cur, stamped, ids, attrs, dims, sums=raw)
        out = {}
        for w in ids:
            bases = list(_dimension_bases(dims[w]))
            out[w] = _verdicts_of(cells.cell_counts(cube[w], where, by, bases), by, bases, k)
        return out
    verdicts = _remembered(stamped, wave_ids, ("verdicts", by, frozen(where), k), judged)
    rows = _remembered_sums(cur, stamped, dims, wave_ids, by, where, attrs) if raw else {}
    return {w: View(tuple(dims[w]), *verdicts[w], rows.get(w)) for w in wave_ids}


def _dimensions(cur, stamped, wave_ids: list[int]) -> dict[int, list[str]]:
    return _remembered(stamped, wave_ids, ("dims",),
                       lambda ids: each_wave_dimensions(cur, ids))


def _cubes(cur, stamped, wave_ids: list[int], attrs: tuple[str, ...], dims: dict,
           sums: bool = True) -> dict[int, pd.DataFrame]:
    """The waves' cubes; without ``sums`` (counts alone needed) a cube with sums already
    counted serves, and the others are counted without them."""
    full = ("cube", attrs, "sums")
    have = {} if sums or stamped is None else \
        _recalled({w: (*stamped[w], *full) for w in wave_ids})
    rest = [w for w in wave_ids if w not in have]
    more = _remembered(stamped, rest, full if sums else ("cube", attrs),
                       lambda ids: cells.cubes(cur, ids, attrs, dims, sums)) if rest else {}
    return {**{w: _copy(c) for w, c in have.items()}, **more}


def sums(cur, wave_ids: list[int], by: str | None, where: dict | None
         ) -> dict[int, pd.DataFrame]:
    """Each wave's raw group rows (``read._raw_groups``) without the disclosure verdicts:
    for checks that look at whole waves, never for showing a figure."""
    wave_ids = list(dict.fromkeys(int(w) for w in wave_ids))
    stamped = stamps(cur, wave_ids)
    return _remembered_sums(cur, stamped, _dimensions(cur, stamped, wave_ids), wave_ids, by,
                            where, cells.attributes(cur, by, where))


def sizes(cur, wave_ids: list[int], by: str | None, where: dict | None) -> dict[int, int]:
    """Each wave's respondents inside the filters, from the cube its views of ``by`` and
    ``where`` read (the same count as a scan: the cells' counts add up)."""
    wave_ids = list(dict.fromkeys(int(w) for w in wave_ids))
    stamped = stamps(cur, wave_ids)
    cube = _cubes(cur, stamped, wave_ids, cells.attributes(cur, by, where),
                  _dimensions(cur, stamped, wave_ids), sums=False)
    return {w: int(cube[w].loc[cells.inside(cube[w], where), "all"].sum()) for w in wave_ids}


def _remembered_sums(cur, stamped, dims: dict, wave_ids: list[int], by, where,
                     attrs: tuple[str, ...]) -> dict[int, pd.DataFrame]:
    return _remembered(stamped, wave_ids, ("sums", by, frozen(where)),
                       lambda ids: _sums(cur, stamped, ids, by, where, dims, attrs))


def view(cur, wave_id: int, by: str | None, where: dict | None, k: int,
         raw: bool = True) -> View:
    return views(cur, [wave_id], by, where, k, raw)[int(wave_id)]


def _sums(cur, stamped, wave_ids: list[int], by, where, dims: dict,
          attrs: tuple[str, ...]) -> dict[int, pd.DataFrame]:
    """Each wave's group rows summed from its cube; a wave with a group whose spread the
    sums cannot settle (``rollup``) is scanned for them instead."""
    cube = _cubes(cur, stamped, wave_ids, attrs, dims)
    table = wave_table(cur).set_index("wave_id")
    out = {}
    for w in wave_ids:
        scale = (float(table.at[w, "scale_min"]), float(table.at[w, "scale_max"]))
        rows, unsure = rollup.group_sums(cube[w], where, by, dims[w], scale)
        out[w] = _scanned(cur, w, by, where) if unsure else rows
    return out


def _scanned(cur, wave_id: int, by, where) -> pd.DataFrame:
    rows = _raw_groups(cur, [wave_id], by, where, per_wave=False)
    if rows.empty or "order" not in rows:
        return rows.reset_index(drop=True)
    return rows.sort_values(["order", "group"], kind="stable").reset_index(drop=True)


def remembered(cur, wave_id: int, what: tuple, compute) -> pd.DataFrame:
    """Any other frame about one wave (``compute()``), remembered like the views."""
    return _remembered(stamps(cur, [wave_id]), [wave_id], what,
                       lambda ids: {wave_id: compute()})[wave_id]
