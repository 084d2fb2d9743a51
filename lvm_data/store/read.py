"""Read queries. Every aggregate passes through the anonymity minimum here, so no
page, export or command can show a group smaller than it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from .. import scoring
from ..instrument import dimension_info
from ..settings import effective_min_group_size
from .schema import answers_table, attribute_names, pole_column, quote, wave_dimensions

NOT_GIVEN = "(not given)"


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
    return cur.execute(
        "SELECT name AS wave, wave_date, imported_at, respondents, tool, source, "
        "scale_name, scale_min, scale_max, wave_id FROM waves "
        "ORDER BY wave_date, imported_at, wave_id").df()


def wave_row(cur, wave: str | None) -> dict:
    """The named wave, or the most recent one."""
    sql = ("SELECT wave_id, name, scale_min, scale_max, scale_labels FROM waves "
           + ("WHERE name = ? " if wave is not None else "")
           + "ORDER BY wave_date DESC, imported_at DESC, wave_id DESC LIMIT 1")
    row = cur.execute(sql, [wave] if wave is not None else []).fetchone()
    if row is None:
        raise QueryError(f"no wave named {wave!r}" if wave is not None else
                         "the database holds no survey data yet: import a file first")
    keys = ("wave_id", "name", "scale_min", "scale_max", "scale_labels")
    return dict(zip(keys, row))


def attribute_values(cur, name: str, wave: str | None = None,
                     where: dict[str, list[str]] | None = None) -> list[str]:
    """Distinct values of an attribute (e.g. the teams of the chosen departments)."""
    col = _attribute(cur, name)
    filt, filt_params = _filters(cur, where)
    sql = (f"SELECT DISTINCT coalesce(r.{col}, ?) FROM respondents r "
           "JOIN waves w ON w.wave_id = r.wave_id WHERE (? IS NULL OR w.name = ?)" + filt)
    rows = cur.execute(sql, [NOT_GIVEN, wave, wave, *filt_params]).fetchall()
    return sorted(v for (v,) in rows)


def attribute_labels(cur) -> dict[str, str]:
    """Attribute name -> the header it came from, for filter labels."""
    rows = cur.execute("SELECT name, label FROM attributes ORDER BY position, name").fetchall()
    return dict(rows)


def _attribute(cur, name: str) -> str:
    if name not in attribute_names(cur):
        raise QueryError(f"unknown attribute {name!r}; known: {', '.join(attribute_names(cur))}")
    return quote(name)


def _filters(cur, where: dict[str, list[str]] | None) -> tuple[str, list]:
    """AND of attribute IN (values); '(not given)' stands for a blank attribute. The column
    is compared bare (no function around it) so DuckDB can push the filter into the scan."""
    clauses, params = [], []
    for name, values in (where or {}).items():
        values = [v for v in dict.fromkeys(values) if v != NOT_GIVEN]
        blank = len(values) < len(set((where or {})[name]))
        col = f"r.{_attribute(cur, name)}"
        parts = [f"{col} IN ({', '.join('?' * len(values))})"] if values else []
        parts += [f"{col} IS NULL"] if blank else []
        if parts:
            clauses.append("(" + " OR ".join(parts) + ")")
            params += values
    return "".join(f" AND {c}" for c in clauses), params


def _group_expr(cur, by: str | None) -> tuple[str, list]:
    if by is None:
        return "'all'", []
    return f"coalesce(r.{_attribute(cur, by)}, ?)", [NOT_GIVEN]


def population(cur, wave_ids: list[int], where=None) -> int:
    sql, params = _filters(cur, where)
    marks = ", ".join("?" * len(wave_ids))
    return cur.execute(f"SELECT count(*) FROM respondents r WHERE r.wave_id IN ({marks}){sql}",
                       [*wave_ids, *params]).fetchone()[0]


def _too_small(n: int, k: int) -> str:
    """Says why, without the exact count: '1 respondent' would single someone out."""
    return ("This selection has fewer respondents than the "
            f"anonymity minimum of {k}; widen the filters to see results.")


def _raw_groups(cur, wave_ids: list[int], by, where, per_wave: bool) -> pd.DataFrame:
    """One scan sums every dimension per group (and wave); the small result is unpivoted to
    one row per group x dimension. Orientation and balance are linear in the pole means, so
    only the spread of (leadership - management) is needed from the respondents. Each row
    also carries the size of the whole filtered population (all waves asked for)."""
    dims = wave_dimensions(cur, wave_ids)
    group_sql, group_params = _group_expr(cur, by)
    filt, filt_params = _filters(cur, where)
    keys = ('wave, wave_date, "group"' if per_wave else '"group"')
    aggs, longs, long_params = [], [], []
    for i, dim in enumerate(dims):
        lead, man = pole_column(dim, "leadership"), pole_column(dim, "management")
        # plain sums scan fastest; mean and sample variance follow from them
        aggs.append(f"count({lead}) AS n{i}, sum({lead}) AS l{i}, sum({man}) AS m{i}, "
                    f"sum(({lead} - {man}) * ({lead} - {man})) AS q{i}")
        longs.append(f"""SELECT {keys}, ? AS dimension, ? AS "order", n{i} AS n,
            l{i} / n{i} AS leadership, m{i} / n{i} AS management,
            100 * (l{i} - m{i}) / n{i} / span AS orientation,
            100 * sqrt(greatest(q{i} - (l{i} - m{i}) * (l{i} - m{i}) / n{i}, 0) / (n{i} - 1)) / span
                AS orientation_sd,
            100 * ((l{i} + m{i}) / 2 / n{i} - smin) / span AS balance,
            (smin + smax) / 2 AS midpoint, (SELECT sum(members) FROM g) AS population
            FROM g WHERE n{i} > 0""")
        long_params += [dim, i]
    if not dims:
        return pd.DataFrame(columns=[*keys.replace('"', "").split(", "), "dimension", "n"])
    wave_cols = "w.name AS wave, w.wave_date, " if per_wave else ""
    marks = ", ".join("?" * len(wave_ids))
    return cur.execute(f"""
        WITH g AS MATERIALIZED (
            SELECT {wave_cols}{group_sql} AS "group", any_value(w.scale_min) AS smin,
                   any_value(w.scale_max) AS smax,
                   any_value(w.scale_max - w.scale_min) AS span, count(*) AS members,
                   {', '.join(aggs)}
            FROM respondents r JOIN waves w ON w.wave_id = r.wave_id
            WHERE r.wave_id IN ({marks}){filt}
            GROUP BY ALL)
        {' UNION ALL '.join(longs)}""",
                       [*group_params, *wave_ids, *filt_params, *long_params]).df()


def _apply_minimum(raw: pd.DataFrame, k: int, keys: list[str]) -> tuple[pd.DataFrame, int, int]:
    shown = raw[raw["n"] >= k]
    hidden = raw[raw["n"] < k]
    groups_all = raw.groupby(keys).size().index
    groups_shown = shown.groupby(keys).size().index
    return shown, len(hidden), len(groups_all.difference(groups_shown))


def group_scores(cur, by: str | None = None, wave: str | None = None,
                 where: dict | None = None, min_group_size: int | None = None) -> Result:
    """One row per group x dimension, never for fewer than the minimum respondents."""
    k = effective_min_group_size(min_group_size)
    info = wave_row(cur, wave)
    raw = _raw_groups(cur, [info["wave_id"]], by, where, per_wave=False)
    n = int(raw["population"].iloc[0]) if len(raw) else 0
    if n < k:
        return Result(_empty(scoring.GROUP_COLUMNS), k, n, message=_too_small(n, k))
    shown, cells, groups = _apply_minimum(raw, k, ["group"])
    table = _sort(scoring.finish_groups(shown), ["group"])[scoring.GROUP_COLUMNS]
    msg = _hidden_message(groups, cells, k)
    return Result(table, k, n, groups, cells, msg, {"wave": info["name"]})


def _sort(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Groups alphabetically, dimensions in instrument order."""
    return table.sort_values([*keys, "order"], kind="stable").reset_index(drop=True)


def _hidden_message(groups: int, cells: int, k: int) -> str | None:
    if not cells:
        return None
    what = f"{groups} group{'s' if groups != 1 else ''}" if groups else "some group scores"
    return f"{what} hidden: fewer than {k} respondents ({cells} group × dimension cells)."


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


def trends(cur, by: str | None = None, where: dict | None = None,
           min_group_size: int | None = None) -> Result:
    """Group scores per wave, oldest first; each wave's group checked on its own."""
    k = effective_min_group_size(min_group_size)
    ids = [int(i) for i in waves(cur)["wave_id"]]
    cols = ["wave", "wave_date", *scoring.GROUP_COLUMNS]
    if not ids:
        return Result(_empty(cols), k, message="No waves imported yet.")
    n = population(cur, ids, where)
    if n < k:
        return Result(_empty(cols), k, n, message=_too_small(n, k))
    raw = _raw_groups(cur, ids, by, where, per_wave=True)
    shown, cells, groups = _apply_minimum(raw, k, ["wave", "group"])
    table = _sort(scoring.finish_groups(shown), ["wave_date", "wave", "group"])[cols]
    return Result(table, k, n, groups, cells, _hidden_message(groups, cells, k))


def archetype_mix(cur, wave: str | None = None, where: dict | None = None,
                  min_group_size: int | None = None) -> Result:
    """Share of respondents per archetype and dimension in a population of at least k."""
    k = effective_min_group_size(min_group_size)
    info = wave_row(cur, wave)
    n = population(cur, [info["wave_id"]], where)
    cols = ["dimension", "archetype", "n", "share"]
    if n < k:
        return Result(_empty(cols), k, n, message=_too_small(n, k))
    dims = wave_dimensions(cur, [info["wave_id"]])
    filt, params = _filters(cur, where)
    mid = (info["scale_min"] + info["scale_max"]) / 2
    aggs, agg_params = [], []
    for i, dim in enumerate(dims):
        lead, man = pole_column(dim, "leadership"), pole_column(dim, "management")
        for j, (hl, hm) in enumerate(((">=", ">="), (">=", "<"), ("<", ">="), ("<", "<"))):
            aggs.append(f"count(*) FILTER (WHERE {lead} {hl} ? AND {man} {hm} ?) AS a{i}_{j}")
            agg_params += [mid, mid]
    row = cur.execute(f"SELECT {', '.join(aggs)} FROM respondents r WHERE r.wave_id = ?{filt}",
                      [*agg_params, info["wave_id"], *params]).fetchone()
    records = [(dim, scoring.ARCHETYPES[j], row[4 * i + j])
               for i, dim in enumerate(dims) for j in range(4)]
    table = pd.DataFrame(records, columns=["dimension", "archetype", "n"])
    table = table[table["n"] > 0].reset_index(drop=True)
    table["share"] = table["n"] / table.groupby("dimension")["n"].transform("sum")
    return Result(table, k, n)


def item_distribution(cur, dimension: str, wave: str | None = None, where: dict | None = None,
                      min_group_size: int | None = None) -> Result:
    """Answer counts per item of one dimension, for a population of at least k."""
    k = effective_min_group_size(min_group_size)
    info = wave_row(cur, wave)
    n = population(cur, [info["wave_id"]], where)
    cols = ["item_id", "text", "pole", "reverse", "value", "label", "count", "share"]
    items = cur.execute("SELECT item_id, text, pole, reverse FROM items WHERE wave_id = ? "
                        "AND dimension = ? ORDER BY position", [info["wave_id"], dimension]).df()
    if items.empty:
        raise QueryError(f"wave {info['name']!r} has no dimension {dimension!r}")
    if n < k:
        return Result(_empty(cols), k, n, message=_too_small(n, k))
    filt, params = _filters(cur, where)
    item_cols = ", ".join(quote(i) for i in items["item_id"])
    counts = cur.execute(f"""
        SELECT item_id, value, count(*) AS count FROM (
            UNPIVOT (SELECT {item_cols} FROM {answers_table(info['wave_id'])} a
                     JOIN respondents r ON r.rid = a.rid WHERE TRUE{filt})
            ON {item_cols} INTO NAME item_id VALUE value)
        GROUP BY ALL""", params).df()
    table = items.merge(counts, on="item_id")
    table["share"] = table["count"] / table.groupby("item_id")["count"].transform("sum")
    labels = json.loads(info["scale_labels"] or "{}")
    table["label"] = [labels.get(_num_key(v), _num_key(v)) for v in table["value"]]
    order = {item: i for i, item in enumerate(items["item_id"])}
    table = table.sort_values(["item_id", "value"], key=lambda s: s.map(order) if s.name == "item_id" else s)
    return Result(table[cols].reset_index(drop=True), k, n,
                  extra={"scale_min": info["scale_min"], "scale_max": info["scale_max"],
                         "dimension": dimension_info(dimension)})


def _num_key(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def overview(cur, wave: str | None = None, where: dict | None = None,
             min_group_size: int | None = None) -> Result:
    """Headline counts; distinct groups are only counted, never listed with sizes."""
    k = effective_min_group_size(min_group_size)
    info = wave_row(cur, wave)
    n = population(cur, [info["wave_id"]], where)
    filt, params = _filters(cur, where)
    row = cur.execute(f"""
        SELECT count(DISTINCT department), count(DISTINCT team), count(DISTINCT role)
        FROM respondents r WHERE r.wave_id = ?{filt}""", [info["wave_id"], *params]).fetchone()
    table = pd.DataFrame([{"respondents": n, "departments": row[0], "teams": row[1],
                           "roles": row[2], "waves": len(waves(cur))}])
    if n < k:
        table = table.iloc[0:0]
    return Result(table, k, n, message=_too_small(n, k) if n < k else None,
                  extra={"wave": info["name"], "scale_min": info["scale_min"],
                         "scale_max": info["scale_max"]})
