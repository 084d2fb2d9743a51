"""Base counts for disclosure control, worked out from a small table instead of a scan.

The counts ``read._cell_counts`` makes depend on the filter values only through which
respondents fall inside each filter. A *cube* holds, per wave, the respondents (and those
counted on each dimension) per combination of attribute values, blanks kept apart: a few
hundred rows where a wave has millions. Any filter on those attributes, and any grouping
by one of them, is then a sum over the cube's rows, the same integers as the scan gives.
A cube covers the sidebar's attributes plus those asked for, so changing a filter's
values (the common click) needs no scan at all, and a page's grouped and ungrouped figures
share one cube. (A cube of only the attributes asked for costs a little less to build,
but each new set of filtered attributes, and each grouping, would need a scan again.)
Each cell also holds each dimension's pole sums and spread, so the group scores of any
such filter and grouping are sums over the cube too (``rollup``): one scan serves both.

The cube over the sidebar's attributes is also kept in the database, one small table per
wave (``cells_<wave_id>``), written in the import's transaction: a wave's respondents never
change once imported, so a server that has not counted a wave yet (a new process, a new
filter's first view) reads a few hundred rows instead of scanning millions. A wave
without one (imported before it was kept) is scanned as before, and the first process
that opens the file for writing keeps it (``schema``, with ``missing``).
"""
from __future__ import annotations

import pandas as pd

from .disclosure import FLAG
from .read import NOT_GIVEN, _attribute, _dimension_bases
from . import facts
from .schema import (FIXED_ATTRIBUTES, answers_table, attribute_names, cells_table,
                     each_wave_dimensions, pole_column, quote)

SUMS = ("lead:", "man:", "var:")     # a cube's columns per dimension, besides its base
KEPT = tuple(sorted(FIXED_ATTRIBUTES))   # the attributes of the cube kept per wave


def attributes(cur, by: str | None, where: dict | None) -> tuple[str, ...]:
    """The cube's attributes: the sidebar's, and those filtered on and grouped by (checked:
    an unknown one is a ``QueryError`` as before)."""
    wanted = [*(where or {}), *([by] if by else [])]
    known = set(attribute_names(cur))
    for name in wanted:
        if name not in known:
            _attribute(cur, name)            # raises, naming the known ones
    return tuple(sorted({*(a for a in FIXED_ATTRIBUTES if a in known), *wanted}))


def cubes(cur, wave_ids: list[int], attrs: tuple[str, ...], dims: dict[int, list[str]],
          sums: bool = True) -> dict[int, pd.DataFrame]:
    """Per wave: one row per combination of ``attrs`` values present (NULL kept), with the
    wave's bases ("all", "dim:<d>") and (``sums``) the ``SUMS`` of each dimension as
    columns: the kept cube where there is one, else one scan for all the other waves."""
    kept = _read_kept(cur, wave_ids, dims) if attrs == KEPT else {}
    rest = [w for w in wave_ids if w not in kept]
    return {**kept, **(_scan(cur, rest, attrs, dims, sums) if rest else {})}


def _scan(cur, wave_ids: list[int], attrs: tuple[str, ...], dims: dict[int, list[str]],
          sums: bool) -> dict[int, pd.DataFrame]:
    """The waves' cubes counted from their respondents. The spread is DuckDB's (Welford's,
    stable) population variance of (leadership - management) per cell, exactly 0 in a cell
    of equal differences. Without sums the scan costs about half (figures that need only
    the disclosure counts)."""
    union = list(dict.fromkeys(d for w in wave_ids for d in dims[w]))
    bases = _dimension_bases(union)
    cols = [f"r.{_attribute(cur, a)} AS a{i}" for i, a in enumerate(attrs)]
    aggs = [f"{sql} AS b{j}" for j, sql in enumerate(bases.values())]
    for i, dim in enumerate(union if sums else []):
        aggs += [f"{sql} AS {p}{i}" for p, sql in zip("lmv", _sums_sql(dim).values())]
    marks = ", ".join("?" * len(wave_ids))
    frame = cur.execute(f"SELECT r.wave_id AS wid, {', '.join([*cols, *aggs])} "
                        f"FROM respondents r WHERE r.wave_id IN ({marks}) GROUP BY ALL",
                        wave_ids).df()
    frame = frame.rename(columns={**{f"a{i}": a for i, a in enumerate(attrs)},
                                  **{f"b{j}": b for j, b in enumerate(bases)},
                                  **{f"{p}{i}": f"{s}{d}" for i, d in enumerate(union)
                                     for p, s in zip("lmv", SUMS)}})
    own = {w: [*attrs, *_dimension_bases(dims[w]), *(sum_columns(dims[w]) if sums else [])]
           for w in wave_ids}
    return {w: frame.loc[frame["wid"] == w, own[w]].reset_index(drop=True) for w in wave_ids}


def sum_columns(dims: list[str]) -> list[str]:
    return [f"{s}{d}" for d in dims for s in SUMS]


def _sums_sql(dim: str) -> dict[str, str]:
    """A dimension's ``SUMS`` as aggregates: each pole's sum, and the population variance of
    (leadership - management), DuckDB's Welford: exactly 0 in a cell of equal differences."""
    lead, man = pole_column(dim, "leadership"), pole_column(dim, "management")
    return dict(zip(SUMS, (f"sum({lead})", f"sum({man})", f"var_pop({lead} - {man})")))


def keep(cur, wave_id: int) -> None:
    """Keep a wave's cube over ``KEPT`` (with its sums) in its own table, from its stored
    respondents: inside the import's transaction, so it exists exactly when the wave does.
    The columns are named for what they hold (``_kept_name``), not by position."""
    dims = each_wave_dimensions(cur, [wave_id])[wave_id]
    cols = [f"r.{quote(a)}" for a in KEPT]
    aggs = [f"{sql} AS {quote(_kept_name(base))}" for base, sql in _dimension_bases(dims).items()]
    for dim in dims:
        aggs += [f"{sql} AS {quote(_kept_name(s + dim))}" for s, sql in _sums_sql(dim).items()]
    cur.execute(f"CREATE TABLE {cells_table(wave_id)} AS SELECT {', '.join([*cols, *aggs])} "
                "FROM respondents r WHERE r.wave_id = ? GROUP BY ALL", [wave_id])
    facts.forget()


def missing(con) -> list[int]:
    """The waves imported before cubes were kept (``keep`` them on a writer's first open of
    an older file: about a second for 5 waves of 2 million respondents)."""
    have = _kept_waves(con)
    return [int(w) for (w,) in con.execute("SELECT wave_id FROM waves ORDER BY wave_id")
            .fetchall() if int(w) not in have]


def _kept_name(column: str) -> str:
    """A cube column's name in the kept table: "all" is n, "dim:<d>" n__<d>, "lead:<d>"
    l__<d>, "man:<d>" m__<d>, "var:<d>" v__<d>."""
    if column == "all":
        return "n"
    kind, dim = column.split(":", 1)
    return {"dim": "n", "lead": "l", "man": "m", "var": "v"}[kind] + "__" + dim


def _kept_waves(cur) -> set[int]:
    rows = facts.recall(("kept cubes",), lambda: cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary AND table_name LIKE 'cells\\_%' ESCAPE '\\'"
    ).fetchall())
    return {int(name[len("cells_"):]) for (name,) in rows if name[len("cells_"):].isdigit()}


def _read_kept(cur, wave_ids: list[int], dims: dict[int, list[str]]) -> dict[int, pd.DataFrame]:
    """The kept cubes of those waves that have one holding every column asked for."""
    have, out = _kept_waves(cur), {}
    for w in (w for w in wave_ids if w in have):
        wanted = [*KEPT, *_dimension_bases(dims[w]), *sum_columns(dims[w])]
        names = {_kept_name(c): c for c in wanted if c not in KEPT}
        frame = cur.execute(f"SELECT * FROM {cells_table(w)}").df().rename(columns=names)
        if set(wanted) <= set(frame.columns):
            out[w] = frame[wanted]
    return out


def inside(cube: pd.DataFrame, where: dict | None) -> pd.Series:
    """The cells inside every filter (see ``cell_counts`` for the rules)."""
    keep = pd.Series(True, index=cube.index)
    for name, values in (where or {}).items():
        if (mask := _inside(cube[name], values)) is not None:
            keep &= mask
    return keep


def _inside(col: pd.Series, values: list[str]) -> pd.Series | None:
    """Cells with a chosen value ('(not given)': blank); None for a filter with no values."""
    chosen = list(dict.fromkeys(values))
    named = [v for v in chosen if v != NOT_GIVEN]
    if not named and NOT_GIVEN not in chosen:
        return None
    return col.isin(named) | (col.isna() & (NOT_GIVEN in chosen))


def given(col: pd.Series) -> pd.Series:
    """An attribute's values, '(not given)' for a blank."""
    return col.where(col.notna(), NOT_GIVEN)


def cell_counts(cube: pd.DataFrame, where: dict | None, by: str | None,
                bases: list[str]) -> pd.DataFrame:
    """What ``read._cell_counts`` returns for these filters and grouping: per combination
    of filter flags (the value when inside that filter, else missing) and group, the sum of
    each base. Same rules: '(not given)' stands for a blank, and a filter with no values
    is no filter."""
    cols = {}
    for i, (name, values) in enumerate((where or {}).items()):
        if (mask := _inside(cube[name], values)) is not None:
            cols[f"{FLAG}{i}"] = given(cube[name]).where(mask, None)
    flags = list(cols)
    cols["g"] = given(cube[by]) if by else "all"
    frame = pd.DataFrame({**cols, **{b: cube[b] for b in bases}}, index=cube.index)
    return frame.groupby([*flags, "g"], dropna=False, as_index=False, sort=False)[bases].sum()


def answer_cube(cur, wave_id: int, attrs: tuple[str, ...], bases: dict[str, str]) -> pd.DataFrame:
    """One wave's cube over its answers (bases such as an item's answerers, or a scale's
    complete ones, on ``a``): one join of the answer rows for every later filter."""
    sql, params = answer_cube_sql(cur, wave_id, attrs, bases)
    frame = cur.execute(sql, params).df()
    return frame.rename(columns={**{f"a{i}": a for i, a in enumerate(attrs)},
                                 **{f"b{j}": b for j, b in enumerate(bases)}})


def answer_cube_sql(cur, wave_id: int, attrs: tuple[str, ...], bases: dict[str, str],
                    staged: tuple[set[str], str | None] | None = None) -> tuple[str, list]:
    """The query of ``answer_cube``: columns a0… (attributes) and b0… (bases). ``staged``
    (the attributes the file has, and its wave name or None) counts the rows an import is
    storing from ``clean`` instead, which holds attributes and answers side by side: the
    same counts without the join, which would cost the import twice as much."""
    aggs = [f"{sql} AS b{j}" for j, sql in enumerate(bases.values())]
    if staged is not None:
        present, file_wave = staged
        cols = [f"{f'a.{quote(a)}' if a in present else 'NULL::VARCHAR'} AS a{i}"
                for i, a in enumerate(attrs)]
        return (f"SELECT {', '.join([*cols, *aggs])} FROM clean a WHERE a.problem IS NULL "
                "AND coalesce(a.wave_name, '') = coalesce(?, '') GROUP BY ALL", [file_wave])
    cols = [f"r.{_attribute(cur, a)} AS a{i}" for i, a in enumerate(attrs)]
    return (f"SELECT {', '.join([*cols, *aggs])} FROM respondents r "
            f"JOIN {answers_table(wave_id)} a ON a.rid = r.rid WHERE r.wave_id = ? GROUP BY ALL",
            [wave_id])
