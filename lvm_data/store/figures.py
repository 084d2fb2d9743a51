"""The figures beyond group scores: archetype mix, item answers and headline counts.

Each passes the same disclosure control as ``read.group_scores`` (per dimension for the
mix, per item for the answers), so a figure about fewer than k people never leaves here.
"""
from __future__ import annotations

import json

import pandas as pd

from .. import scoring
from ..instrument import dimension_info
from . import disclosure, item_matrix, views
from .disclosure import ALL
from .read import (NO_BIPOLAR, QueryError, Result, _dimension_note, _empty, _filters,
                   _population_n, refused, wave_row, waves)
from .schema import answers_table, pole_column, quote


def archetype_mix(cur, wave: str | None = None, where: dict | None = None,
                  min_group_size: int | None = None) -> Result:
    """Respondents per archetype and dimension, for the dimensions that may be shown."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    seen = views.view(cur, info["wave_id"], None, where, k, raw=False)
    population, dims = seen.population, list(seen.dimensions)
    n = _population_n(population)
    cols = ["dimension", "archetype", "n", "share"]
    if (why := refused(population, k)) is not None or not dims:
        return Result(_empty(cols), k, n, message=why or NO_BIPOLAR)
    filt, params = _filters(cur, where)
    mid = (info["scale_min"] + info["scale_max"]) / 2
    # one histogram of archetype codes per dimension (0 Integrator … 3 Developing): one
    # scan, cheaper than four filtered counts per dimension
    hists, hist_params = [], []
    for dim in dims:
        lead, man = pole_column(dim, "leadership"), pole_column(dim, "management")
        hists.append(f"histogram(CASE WHEN {man} IS NOT NULL THEN "
                     f"({lead} < ?)::INTEGER * 2 + ({man} < ?)::INTEGER END)")
        hist_params += [mid, mid]
    codes = cur.execute(f"SELECT {', '.join(hists)} FROM respondents r WHERE r.wave_id = ?{filt}",
                        [*hist_params, info["wave_id"], *params]).fetchone()
    row = [(codes[i] or {}).get(j, 0) for i in range(len(dims)) for j in range(4)]
    records = [(dim, scoring.ARCHETYPES[j], row[4 * i + j])
               for i, dim in enumerate(dims) for j in range(4)
               if population.ok(ALL, f"dim:{dim}")]
    table = pd.DataFrame(records, columns=["dimension", "archetype", "n"])
    table = table[table["n"] > 0].reset_index(drop=True)
    table["share"] = table["n"] / table.groupby("dimension")["n"].transform("sum")
    return Result(table, k, n, message=_dimension_note(population, dims, k))


def item_distribution(cur, dimension: str, wave: str | None = None, where: dict | None = None,
                      min_group_size: int | None = None) -> Result:
    """Answer counts per item of one dimension, for the items whose answerers may be shown."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    cols = ["item_id", "text", "pole", "reverse", "value", "label", "count", "share"]
    items = cur.execute("SELECT item_id, text, pole, reverse FROM items WHERE wave_id = ? "
                        "AND dimension = ? ORDER BY position", [info["wave_id"], dimension]).df()
    if items.empty:
        raise QueryError(f"wave {info['name']!r} has no dimension {dimension!r}")
    bases = ["all", *(f"item:{i}" for i in items["item_id"])]
    population = item_matrix.dimension_verdict(cur, info["wave_id"], where, dimension, bases, k)
    n = _population_n(population)
    if (why := refused(population, k)) is not None:
        return Result(_empty(cols), k, n, message=why)
    reasons = {i: why for i in items["item_id"] if (why := population.reason(ALL, f"item:{i}"))}
    items = items[~items["item_id"].isin(list(reasons))]
    filt, params = _filters(cur, where)
    # a GROUP BY per item (faster than UNPIVOT or histograms of DOUBLE columns); the join
    # to respondents only when filtered, done once
    source = answers_table(info["wave_id"])
    if filt:
        source = (f"(SELECT a.* FROM {source} a JOIN respondents r ON r.rid = a.rid "
                  f"AND r.wave_id = ?{filt})")
    parts = [f"SELECT ? AS item_id, {quote(i)} AS value, count(*) AS count FROM a "
             f"WHERE {quote(i)} IS NOT NULL GROUP BY 2" for i in items["item_id"]]
    counts = cur.execute(f"WITH a AS {'MATERIALIZED ' if filt else ''}(SELECT * FROM {source}) "
                         + " UNION ALL ".join(parts),
                         [*([info["wave_id"], *params] if filt else []),
                          *items["item_id"]]).df() if parts else \
        pd.DataFrame({"item_id": [], "value": [], "count": []})
    table = items.merge(counts, on="item_id")
    table["share"] = table["count"] / table.groupby("item_id")["count"].transform("sum")
    labels = json.loads(info["scale_labels"] or "{}")
    table["label"] = [labels.get(_num_key(v), _num_key(v)) for v in table["value"]]
    order = {item: i for i, item in enumerate(items["item_id"])}
    table = table.sort_values(["item_id", "value"], key=lambda s: s.map(order) if s.name == "item_id" else s)
    return Result(table[cols].reset_index(drop=True), k, n,
                  message=disclosure.describe(reasons, k, label=lambda i: f"item {i}"),
                  extra={"scale_min": info["scale_min"], "scale_max": info["scale_max"],
                         "dimension": dimension_info(dimension), "withheld": reasons})


def _num_key(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def overview(cur, wave: str | None = None, where: dict | None = None,
             min_group_size: int | None = None) -> Result:
    """Headline counts; distinct groups are only counted, never listed with sizes."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    # the selection's verdict on every base: its "all" column is the one used here
    population = views.view(cur, info["wave_id"], None, where, k, raw=False).population
    n = _population_n(population)
    why = refused(population, k)
    filt, params = _filters(cur, where)
    row = cur.execute(f"""
        SELECT count(DISTINCT department), count(DISTINCT team), count(DISTINCT role)
        FROM respondents r WHERE r.wave_id = ?{filt}""", [info["wave_id"], *params]).fetchone()
    table = pd.DataFrame([{"respondents": n, "departments": row[0], "teams": row[1],
                           "roles": row[2], "waves": len(waves(cur))}])
    if why is not None:
        table = table.iloc[0:0]
    return Result(table, k, n, message=why,
                  extra={"wave": info["name"], "scale_min": info["scale_min"],
                         "scale_max": info["scale_max"]})
