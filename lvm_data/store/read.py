"""Read queries. Every figure passes through disclosure control here (``disclosure``:
the minimum, the remainder rule, secondary suppression), so no page, export or command
can show, or let a viewer work out by subtraction, a figure about fewer than k people.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import scoring
from ..instrument import dimension_info
from . import disclosure, facts
from .disclosure import ALL, FLAG, Verdict
from .schema import answers_table, attribute_names, pole_column, quote, wave_dimensions

NOT_GIVEN = "(not given)"
NO_BIPOLAR = ("This data has no dimension with both a leadership and a management pole, so "
              "there is no orientation to show; see the reliability of its scales instead.")


class QueryError(ValueError):
    """A wave, attribute or dimension that does not exist."""


@dataclass
class Result:
    """An anonymity-checked table, the minimum it was checked against, and why rows are missing."""
    table: pd.DataFrame
    min_group_size: int
    population: int = 0
    hidden_groups: int = 0
    hidden_cells: int = 0
    message: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.table.empty


def waves(cur) -> pd.DataFrame:
    return facts.recall(("waves",), lambda: cur.execute(
        "SELECT name AS wave, wave_date, imported_at, respondents, tool, source, "
        "scale_name, scale_min, scale_max, wave_id FROM waves "
        "ORDER BY wave_date, imported_at, wave_id").df())


def wave_row(cur, wave: str | None) -> dict:
    """The named wave, or the most recent one."""
    sql = ("SELECT wave_id, name, scale_min, scale_max, scale_labels FROM waves "
           + ("WHERE name = ? " if wave is not None else "")
           + "ORDER BY wave_date DESC, imported_at DESC, wave_id DESC LIMIT 1")
    row = facts.recall(("wave", wave), lambda: cur.execute(
        sql, [wave] if wave is not None else []).fetchone())
    if row is None:
        raise QueryError(f"no wave named {wave!r}" if wave is not None else
                         "the database holds no survey data yet: import a file first")
    keys = ("wave_id", "name", "scale_min", "scale_max", "scale_labels")
    return dict(zip(keys, row))


def attribute_values(cur, name: str, wave: str | None = None,
                     where: dict[str, list[str]] | None = None,
                     min_group_size: int | None = None) -> list[str]:
    """Values of an attribute held by at least k respondents of the wave (of some wave when
    none is named), e.g. the teams of the chosen departments: an option list must not
    confirm that a value held by one person exists."""
    k = disclosure.minimum(cur, min_group_size)
    col = _attribute(cur, name)
    filt, filt_params = _filters(cur, where)
    sql = (f"SELECT DISTINCT v FROM (SELECT coalesce(r.{col}, ?) AS v FROM respondents r "
           "JOIN waves w ON w.wave_id = r.wave_id WHERE (? IS NULL OR w.name = ?)" + filt +
           " GROUP BY 1, r.wave_id HAVING count(*) >= ?)")
    rows = cur.execute(sql, [NOT_GIVEN, wave, wave, *filt_params, k]).fetchall()
    return sorted(v for (v,) in rows)


def attribute_labels(cur) -> dict[str, str]:
    """Attribute name -> the header it came from, for filter labels."""
    rows = cur.execute("SELECT name, label FROM attributes ORDER BY position, name").fetchall()
    return dict(rows)


def _attribute(cur, name: str) -> str:
    if name not in attribute_names(cur):
        raise QueryError(f"unknown attribute {name!r}; known: {', '.join(attribute_names(cur))}")
    return quote(name)


def _condition(cur, name: str, values: list[str]) -> tuple[str | None, list]:
    """attribute IN (values); '(not given)' stands for a blank attribute. The column is
    compared bare (no function around it) so DuckDB can push the filter into the scan."""
    chosen = list(dict.fromkeys(values))
    named = [v for v in chosen if v != NOT_GIVEN]
    col = f"r.{_attribute(cur, name)}"
    parts = [f"{col} IN ({', '.join('?' * len(named))})"] if named else []
    parts += [f"{col} IS NULL"] if NOT_GIVEN in chosen else []
    return ("(" + " OR ".join(parts) + ")" if parts else None), named


def _filters(cur, where: dict[str, list[str]] | None) -> tuple[str, list]:
    """AND of every attribute's condition."""
    clauses, params = [], []
    for name, values in (where or {}).items():
        cond, cond_params = _condition(cur, name, values)
        if cond:
            clauses.append(cond)
            params += cond_params
    return "".join(f" AND {c}" for c in clauses), params


def _cell_counts(cur, wave_id: int, where, by, bases: dict[str, str],
                 answers: bool = False) -> pd.DataFrame:
    """Base counts per combination of filter flags and group: the input of disclosure
    control. A flag holds the respondent's value when it is in that filter, else NULL."""
    cols, params = [], []
    for i, (name, values) in enumerate((where or {}).items()):
        cond, cond_params = _condition(cur, name, values)
        if cond:
            cols.append(f'CASE WHEN {cond} THEN coalesce(r.{quote(name)}, ?) END AS "{FLAG}{i}"')
            params += [*cond_params, NOT_GIVEN]
    group_sql, group_params = _group_expr(cur, by)
    cols.append(f"{group_sql} AS g")
    aggs = [f"{sql} AS b{j}" for j, sql in enumerate(bases.values())]
    join = f"JOIN {answers_table(wave_id)} a ON a.rid = r.rid" if answers else ""
    frame = cur.execute(f"SELECT {', '.join(cols)}, {', '.join(aggs)} FROM respondents r "
                        f"{join} WHERE r.wave_id = ? GROUP BY ALL",
                        [*params, *group_params, wave_id]).df()
    return frame.rename(columns={f"b{j}": name for j, name in enumerate(bases)})


def _dimension_bases(dims: list[str]) -> dict[str, str]:
    return {"all": "count(*)",
            **{f"dim:{d}": f"count(r.{pole_column(d, 'leadership')})" for d in dims}}


def _verdicts(cur, wave_id: int, where, by, bases: dict[str, str], k: int,
              answers: bool = False) -> tuple[Verdict, Verdict]:
    """The selection's own verdict, and its groups' (the same when not grouped)."""
    return _verdicts_of(_cell_counts(cur, wave_id, where, by, bases, answers), by,
                        list(bases), k)


def _verdicts_of(frame: pd.DataFrame, by, names: list[str], k: int) -> tuple[Verdict, Verdict]:
    """``_verdicts`` on counts already made (one wave's, with the columns of ``names``)."""
    flags = [c for c in frame.columns if c.startswith(FLAG)]
    population = disclosure.assess(disclosure.population_frame(frame), flags, names, k)
    if by is None:
        return population, population
    groups = disclosure.assess(frame, flags, names, k)
    return population, disclosure.suppress_complement(groups, names[1:], k)


def _group_expr(cur, by: str | None) -> tuple[str, list]:
    if by is None:
        return "'all'", []
    return f"coalesce(r.{_attribute(cur, by)}, ?)", [NOT_GIVEN]


def population(cur, wave_ids: list[int], where=None) -> int:
    sql, params = _filters(cur, where)
    marks = ", ".join("?" * len(wave_ids))
    return cur.execute(f"SELECT count(*) FROM respondents r WHERE r.wave_id IN ({marks}){sql}",
                       [*wave_ids, *params]).fetchone()[0]


def _too_small(k: int) -> str:
    """Says why, without the exact count: '1 respondent' would single someone out."""
    return ("This selection has fewer respondents than the "
            f"anonymity minimum of {k}; widen the filters to see results.")


def refused(verdict: Verdict, k: int) -> str | None:
    """Why a whole selection is not shown (no count), or None when it may be."""
    why = verdict.reason(ALL, "all")
    if why is None:
        return None
    if why == disclosure.REMAINDER:
        return (f"This selection cannot be shown: it differs from a wider selection by fewer "
                f"than {k} respondents, so comparing the two would reveal their answers. "
                "Remove or widen a filter.")
    return _too_small(k)


def _population_n(verdict: Verdict) -> int:
    return int(verdict.n.at[ALL, "all"]) if ALL in verdict.n.index else 0


def _dimension_note(verdict: Verdict, dims: list[str], k: int) -> str | None:
    reasons = {d: why for d in dims if (why := verdict.reason(ALL, f"dim:{d}"))}
    return disclosure.describe(reasons, k, label=lambda d: dimension_info(d).label)


def _raw_groups(cur, wave_ids: list[int], by, where, per_wave: bool) -> pd.DataFrame:
    """One scan sums every dimension per group (and wave); the small result is unpivoted to
    one row per group x dimension (``_long``). Orientation and balance are linear in the
    pole means, so only the spread of (leadership - management) is needed from the
    respondents. Sizes and what may be shown come from the disclosure check
    (``_verdicts``), not from here. The views sum these rows from their cubes instead
    (``rollup``) and scan only for a spread the cube's sums cannot settle."""
    dims = wave_dimensions(cur, wave_ids)
    group_sql, group_params = _group_expr(cur, by)
    filt, filt_params = _filters(cur, where)
    keys = ["wave_id", "wave", "wave_date", "group"] if per_wave else ["group"]
    if not dims:
        return pd.DataFrame(columns=[*keys, "dimension", "n"])
    aggs = []
    for i, dim in enumerate(dims):
        lead, man = pole_column(dim, "leadership"), pole_column(dim, "management")
        # plain sums scan fastest for the means; the spread comes from DuckDB's stable
        # stddev_samp, since a one-pass sum of squares leaves ~1e-7 where it should be 0
        aggs.append(f"count({lead}) AS n{i}, sum({lead}) AS l{i}, sum({man}) AS m{i}, "
                    f"stddev_samp({lead} - {man}) AS q{i}")
    wave_cols = "w.wave_id, w.name AS wave, w.wave_date, " if per_wave else ""
    marks = ", ".join("?" * len(wave_ids))
    wide = cur.execute(f"""
            SELECT {wave_cols}{group_sql} AS "group", any_value(w.scale_min) AS smin,
                   any_value(w.scale_max) AS smax,
                   any_value(w.scale_max - w.scale_min) AS span,
                   {', '.join(aggs)}
            FROM respondents r JOIN waves w ON w.wave_id = r.wave_id
            WHERE r.wave_id IN ({marks}){filt}
            GROUP BY ALL""", [*group_params, *wave_ids, *filt_params]).df()
    return _long(wide, keys, dims)


def _long(wide: pd.DataFrame, keys: list[str], dims: list[str]) -> pd.DataFrame:
    """One row per group x dimension counted on, dimension by dimension. The arithmetic is
    the one the SQL did (IEEE doubles, the same operations in the same order), on whole
    columns at once: a UNION of one SELECT per dimension cost a third of the scan itself,
    and a frame per dimension was most of a cached page run's pandas time under load."""
    k, size = len(dims), len(wide)

    def stacked(prefix: str) -> np.ndarray:     # all groups of the first dimension, then...
        return wide[[f"{prefix}{i}" for i in range(k)]].to_numpy().T.reshape(-1)
    n, lead, man, q = (stacked(p) for p in "nlmq")
    keep = n > 0
    at = np.tile(np.arange(size), k)[keep]
    n, lead, man, q = n[keep], lead[keep], man[keep], q[keep]
    span, smin, smax = (wide[c].to_numpy()[at] for c in ("span", "smin", "smax"))
    out = wide[keys].iloc[at].reset_index(drop=True)
    return out.assign(
        dimension=np.repeat(np.array(dims, dtype=object), size)[keep],
        order=np.repeat(np.arange(k, dtype=np.int32), size)[keep], n=n,
        leadership=lead / n, management=man / n, orientation=100 * (lead - man) / n / span,
        orientation_sd=100 * q / span, balance=100 * ((lead + man) / 2 / n - smin) / span,
        midpoint=(smin + smax) / 2).astype({"dimension": "str"})   # as DuckDB returns text


def _apply(raw: pd.DataFrame, verdict: Verdict) -> tuple[pd.DataFrame, int, int]:
    """The rows the verdict allows; how many cells and whole groups it hid."""
    keep = [verdict.ok(g, f"dim:{d}") for g, d in zip(raw["group"], raw["dimension"])]
    shown = raw[pd.Series(keep, index=raw.index, dtype=bool)]
    groups = len(set(raw["group"]) - set(shown["group"]))
    return shown, len(raw) - len(shown), groups


def group_scores(cur, by: str | None = None, wave: str | None = None,
                 where: dict | None = None, min_group_size: int | None = None) -> Result:
    """One row per group x dimension that disclosure control allows."""
    from .views import view      # views builds on this module
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    seen = view(cur, info["wave_id"], by, where, k)
    population, dims = seen.population, list(seen.dimensions)
    n = _population_n(population)
    if (why := refused(population, k)) is not None or not dims:
        return Result(_empty(scoring.GROUP_COLUMNS), k, n, message=why or NO_BIPOLAR)
    shown, cells, hidden = _apply(seen.raw, seen.groups)
    table = _sort(scoring.finish_groups(shown), ["group"])[scoring.GROUP_COLUMNS]
    msg = _hidden_message(hidden, cells, k) if by else _dimension_note(population, dims, k)
    return Result(table, k, n, hidden, cells, msg, {"wave": info["name"]})


def _sort(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Groups alphabetically, dimensions in instrument order."""
    return table.sort_values([*keys, "order"], kind="stable").reset_index(drop=True)


def _hidden_message(groups: int, cells: int, k: int) -> str | None:
    if not cells:
        return None
    what = f"{groups} group{'s' if groups != 1 else ''}" if groups else "some group scores"
    return (f"{what} hidden ({cells} group × dimension cells): fewer than {k} respondents, "
            "or showing them would let a total or a wider selection reveal fewer than "
            f"{k} people.")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def trends(cur, by: str | None = None, where: dict | None = None,
           min_group_size: int | None = None) -> Result:
    """Group scores per wave, oldest first; each wave's figures checked on their own, and a
    wave left out when it repeats the one before for all but a few people (``crosswave``).
    The small facts (waves, their stamps and dimensions) are read once for the whole call,
    as within a dashboard's page run (``facts.held``): every pair of waves asks for them."""
    with facts.held():
        return _trends(cur, by, where, min_group_size)


def _trends(cur, by: str | None, where: dict | None, min_group_size: int | None) -> Result:
    from .crosswave import risky_pairs      # crosswave and views build on this module
    from .views import views
    k = disclosure.minimum(cur, min_group_size)
    table_waves = waves(cur)
    cols = ["wave", "wave_date", *scoring.GROUP_COLUMNS]
    if table_waves.empty:
        return Result(_empty(cols), k, message="No waves imported yet.")
    parts, n, cells, hidden, notes = [], 0, 0, 0, []
    pairs = risky_pairs(cur, where, k, by)
    repeated = {new for _, new in pairs}
    ids = [int(i) for i in table_waves["wave_id"]]
    if not wave_dimensions(cur, ids):
        return Result(_empty(cols), k, message=NO_BIPOLAR)
    seen = views(cur, ids, by, where, k)
    for wave_id, name, date in zip(ids, table_waves["wave"], table_waves["wave_date"]):
        if name in repeated:
            continue
        population, dims = seen[wave_id].population, list(seen[wave_id].dimensions)
        if refused(population, k) is not None:
            continue
        n += _population_n(population)
        shown, c, h = _apply(seen[wave_id].raw, seen[wave_id].groups)
        parts.append(shown.assign(wave=name, wave_date=date))
        cells, hidden = cells + c, hidden + h
        if by is None and (note := _dimension_note(population, dims, k)):
            notes.append(f"{name}: {note}")
    if not parts:
        return Result(_empty(cols), k, 0, message=_too_small(k))
    shown = pd.concat(parts, ignore_index=True)
    table = _sort(scoring.finish_groups(shown), ["wave_date", "wave", "group"])[cols]
    msg = _hidden_message(hidden, cells, k) if by else (" ".join(notes) or None)
    return Result(table, k, n, hidden, cells, msg, {"left_out": pairs})
