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


def _value_counts(cur, wave_id: int, by, where, dims: list[str]) -> pd.DataFrame:
    """Per dimension (``d``, its index), group and value of (leadership − management):
    how many respondents, in one query for every dimension. Rounded so equal scores tie
    exactly. Only counts leave the store: the ranks are worked out from them."""
    group_sql, group_params = _group_expr(cur, by)
    filt, filt_params = _filters(cur, where)
    cols = ", ".join(f"round({pole_column(d, 'leadership')} - {pole_column(d, 'management')}"
                     f", 9) AS v{i}" for i, d in enumerate(dims))
    parts = [f"SELECT {i} AS d, g, v{i} AS v, count(*) AS c FROM s WHERE v{i} IS NOT NULL "
             "GROUP BY ALL" for i in range(len(dims))]
    return cur.execute(f"""WITH s AS (SELECT {group_sql} AS g, {cols} FROM respondents r
            WHERE r.wave_id = ?{filt}) {' UNION ALL '.join(parts)}""",
                       [*group_params, wave_id, *filt_params]).df()


def _rank_sums(counts: pd.DataFrame, groups: list[str]) -> tuple[pd.DataFrame, float]:
    """Per shown group: respondents and sum of mid-ranks among the shown groups'
    respondents, and Σ(t³ − t) over tied values, from one dimension's value counts.

    A value held by t respondents with ``less`` smaller values has the mid-rank
    less + (t + 1) / 2; all sums are kept in whole numbers (twice the ranks), so they are
    exact however many respondents there are."""
    part = counts[counts["g"].astype(str).isin(set(groups))]
    ties = part.groupby("v")["c"].sum().sort_index()
    t = ties.to_numpy(dtype=np.int64)
    twice = pd.Series(2 * (np.cumsum(t) - t) + t + 1, index=ties.index)   # 2 × mid-rank
    c = part["c"].to_numpy(dtype=np.int64)
    summed = pd.DataFrame({"g": part["g"].to_numpy(), "n": c,
                           "r2": c * twice.loc[part["v"]].to_numpy()}).groupby("g").sum()
    sums = pd.DataFrame({"g": summed.index, "n": summed["n"].to_numpy(),
                         "r": summed["r2"].to_numpy() / 2})
    return sums, float(sum(int(x) ** 3 - int(x) for x in t))


def group_tests(cur, by: str, wave: str | None = None, where: dict | None = None,
                min_group_size: int | None = None) -> Result:
    """Per dimension, over the groups shown: Welch's ANOVA, Kruskal–Wallis, eta squared;
    p-values Holm-corrected across the dimensions."""
    k = disclosure.minimum(cur, min_group_size)
    info, _, shown, why = _shown_groups(cur, by, wave, where, k)
    if why is not None:
        return Result(pd.DataFrame({c: [] for c in TEST_COLUMNS}), k, message=why)
    rows = []
    dims = list(dict.fromkeys(shown["dimension"])) if not shown.empty else []
    counts = _value_counts(cur, info["wave_id"], by, where, dims) if dims else None
    for dim, part in shown.groupby("dimension", sort=False):
        f, df1, df2, p = effects.welch_anova(part["orientation"], part["orientation_sd"],
                                             part["n"])
        h, kp = np.nan, np.nan
        if len(part) >= 2:
            sums, ties = _rank_sums(counts[counts["d"] == dims.index(dim)],
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
