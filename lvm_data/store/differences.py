"""Do the groups of a grouping differ? Tests over the groups disclosure control shows.

Only the groups a heatmap shows enter a test (hidden groups are left out, not merged),
so each test is a function of figures about k or more people. Welch's ANOVA and eta
squared need only the shown means, SDs and sizes; Kruskal–Wallis needs the rank sums of
the shown groups' respondents, computed here in DuckDB (mid-ranks for ties) so no
respondent-level value leaves the store.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import effects
from . import disclosure, views
from .read import Result, _apply, _filters, _group_expr, refused, wave_row
from .schema import pole_column

TEST_COLUMNS = ["dimension", "groups", "n", "welch_f", "df1", "df2", "p", "p_holm",
                "kruskal_h", "kruskal_p", "kruskal_p_holm", "eta_squared"]
DIFF_COLUMNS = ["group", "dimension", "n", "orientation", "difference", "n_rest", "p",
                "p_holm", "significant"]


def _shown_groups(cur, by, wave, where, k):
    """(info, population raw rows, shown group rows, why refused) for one wave."""
    info = wave_row(cur, wave)
    grouped = views.view(cur, info["wave_id"], by, where, k)
    population = grouped.population
    if (why := refused(population, k)) is not None:
        return info, pd.DataFrame(), pd.DataFrame(), why
    everyone = _apply(views.view(cur, info["wave_id"], None, where, k).raw, population)[0]
    shown = _apply(grouped.raw, grouped.groups)[0]
    return info, everyone, shown, None


def _rank_sums(cur, wave_id: int, by, where, dimension: str, groups: list[str]):
    """Per shown group: respondents and sum of mid-ranks of (leadership − management) on
    one dimension, and Σ(t³ − t) over tied values. Rounded so equal scores tie exactly."""
    lead, man = pole_column(dimension, "leadership"), pole_column(dimension, "management")
    group_sql, group_params = _group_expr(cur, by)
    filt, filt_params = _filters(cur, where)
    marks = ", ".join("?" * len(groups))
    base = f"""WITH s AS (SELECT * FROM (
            SELECT {group_sql} AS g, round({lead} - {man}, 9) AS v FROM respondents r
            WHERE r.wave_id = ?{filt} AND {lead} IS NOT NULL) WHERE g IN ({marks}))"""
    params = [*group_params, wave_id, *filt_params, *groups]
    # each row of a run of t equal values adds t² − 1, so the run adds t³ − t: one scan
    sums = cur.execute(base + """, ranked AS (SELECT g, rank() OVER (ORDER BY v)
            + (count(*) OVER (PARTITION BY v) - 1) / 2 AS rk,
            count(*) OVER (PARTITION BY v)::DOUBLE AS t FROM s)
        SELECT g, count(*) AS n, sum(rk) AS r, sum(t * t - 1) AS ties
        FROM ranked GROUP BY g""", params).df()
    return sums, float(sums["ties"].sum())


def group_tests(cur, by: str, wave: str | None = None, where: dict | None = None,
                min_group_size: int | None = None) -> Result:
    """Per dimension, over the groups shown: Welch's ANOVA, Kruskal–Wallis, eta squared;
    p-values Holm-corrected across the dimensions."""
    k = disclosure.minimum(cur, min_group_size)
    info, _, shown, why = _shown_groups(cur, by, wave, where, k)
    if why is not None:
        return Result(pd.DataFrame({c: [] for c in TEST_COLUMNS}), k, message=why)
    rows = []
    for dim, part in shown.groupby("dimension", sort=False):
        f, df1, df2, p = effects.welch_anova(part["orientation"], part["orientation_sd"],
                                             part["n"])
        h, kp = np.nan, np.nan
        if len(part) >= 2:
            sums, ties = _rank_sums(cur, info["wave_id"], by, where, dim,
                                    [str(g) for g in part["group"]])
            h, _, kp = effects.kruskal_from_ranks(sums["r"], sums["n"], ties)
        rows.append({"dimension": dim, "order": part["order"].iloc[0], "groups": len(part),
                     "n": int(part["n"].sum()), "welch_f": f, "df1": df1, "df2": df2, "p": p,
                     "kruskal_h": h, "kruskal_p": kp,
                     "eta_squared": effects.eta_squared(part["orientation"],
                                                        part["orientation_sd"], part["n"])})
    table = pd.DataFrame(rows, columns=[*TEST_COLUMNS, "order"])
    table = table.sort_values("order").reset_index(drop=True)
    table["p_holm"] = effects.holm(table["p"])
    table["kruskal_p_holm"] = effects.holm(table["kruskal_p"])
    return Result(table[TEST_COLUMNS], k, extra={"wave": info["name"]})


def difference_from_all(cur, by: str, wave: str | None = None, where: dict | None = None,
                        min_group_size: int | None = None) -> Result:
    """Each shown group's orientation minus everyone's in the filters, tested (Welch's t)
    against the rest of the population; p Holm-corrected over all cells shown.

    The rest is worked out from two shown figures (the group and everyone), so it is
    0 or >= k people by the remainder rule; a rest below k gets no test all the same.
    """
    k = disclosure.minimum(cur, min_group_size)
    info, everyone, shown, why = _shown_groups(cur, by, wave, where, k)
    if why is not None or everyone.empty or shown.empty:
        return Result(pd.DataFrame({c: [] for c in DIFF_COLUMNS}), k, message=why)
    m = shown.merge(everyone, on="dimension", suffixes=("", "_all"))
    n_rest, mean_rest, sd_rest = effects.complement(
        m["n_all"], m["orientation_all"], m["orientation_sd_all"],
        m["n"], m["orientation"], m["orientation_sd"])
    p = effects.welch_t(m["orientation"], m["orientation_sd"], m["n"],
                        mean_rest, sd_rest, n_rest)[2]
    keep = (n_rest == 0) | (n_rest >= k)            # rule 2 already ensures it: belt and braces
    m, n_rest, p = m[keep], n_rest[keep], np.where(n_rest >= k, p, np.nan)[keep]
    table = m.assign(difference=m["orientation"] - m["orientation_all"],
                     n_rest=n_rest.astype(int), p=p, p_holm=effects.holm(p))
    table["significant"] = table["p_holm"] < effects.ALPHA
    table = table.sort_values(["group", "order"], kind="stable")
    return Result(table[DIFF_COLUMNS].reset_index(drop=True), k, extra={"wave": info["name"]})
