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
"""
from __future__ import annotations

import pandas as pd

from .disclosure import FLAG
from .read import NOT_GIVEN, _attribute, _dimension_bases
from .schema import FIXED_ATTRIBUTES, answers_table, attribute_names, pole_column

SUMS = ("lead:", "man:", "var:")     # a cube's columns per dimension, besides its base


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
    columns; one scan for all the waves. The spread is DuckDB's (Welford's, stable)
    population variance of (leadership - management) per cell, exactly 0 in a cell of
    equal differences. Without sums the scan costs about half (figures that need only the
    disclosure counts)."""
    union = list(dict.fromkeys(d for w in wave_ids for d in dims[w]))
    bases = _dimension_bases(union)
    cols = [f"r.{_attribute(cur, a)} AS a{i}" for i, a in enumerate(attrs)]
    aggs = [f"{sql} AS b{j}" for j, sql in enumerate(bases.values())]
    for i, dim in enumerate(union if sums else []):
        lead, man = pole_column(dim, "leadership"), pole_column(dim, "management")
        aggs.append(f"sum({lead}) AS l{i}, sum({man}) AS m{i}, var_pop({lead} - {man}) AS v{i}")
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
    cols = [f"r.{_attribute(cur, a)} AS a{i}" for i, a in enumerate(attrs)]
    aggs = [f"{sql} AS b{j}" for j, sql in enumerate(bases.values())]
    frame = cur.execute(f"SELECT r.wave_id AS wid, {', '.join([*cols, *aggs])} "
                        f"FROM respondents r JOIN {answers_table(wave_id)} a ON a.rid = r.rid "
                        "WHERE r.wave_id = ? GROUP BY ALL", [wave_id]).df()
    return frame.drop(columns="wid").rename(columns={**{f"a{i}": a for i, a in enumerate(attrs)},
                                 **{f"b{j}": b for j, b in enumerate(bases)}})
