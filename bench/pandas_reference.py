"""A straightforward pandas implementation of the group scores, as a typical Streamlit app
would write it on a DataFrame loaded with ``pd.read_csv``: the baseline the DuckDB store is
benchmarked (and cross-checked) against. It follows the scoring rules of docs/CONTRACTS.md
and deliberately shares no code with ``lvm_data.scoring`` or ``lvm_data.store``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

# store attribute name -> column of the plain export layout
ATTRIBUTE_COLUMNS = {"department": "Department", "team": "Team", "role": "Role"}
NOT_GIVEN = "(not given)"
COLUMNS = ["group", "dimension", "n", "leadership", "management", "orientation",
           "orientation_ci_low", "orientation_ci_high", "balance", "archetype"]


def _column(name: str) -> str:
    return ATTRIBUTE_COLUMNS.get(name, name)


def pole_score(df: pd.DataFrame, items, smin: float, smax: float) -> pd.Series:
    """Mean of the answered (reverse-corrected) items; NaN when fewer than half answered."""
    answers = df[[i.id for i in items]].astype(float)
    reverse = [i.id for i in items if i.reverse]
    answers[reverse] = smin + smax - answers[reverse]
    score = answers.mean(axis=1)
    return score.where(answers.count(axis=1) >= math.ceil(len(items) / 2))


def respondent_scores(df: pd.DataFrame, instrument, columns: list[str]) -> pd.DataFrame:
    """Long table: the given attribute columns, dimension, leadership, management,
    orientation, balance; one row per respondent and dimension with both poles scored."""
    smin, smax = instrument.scale_min, instrument.scale_max
    attrs = {c: df[c].astype(object).fillna(NOT_GIVEN) for c in columns}
    parts = []
    for dim in instrument.dimensions:
        lead = pole_score(df, instrument.items_for(dim, "leadership"), smin, smax)
        man = pole_score(df, instrument.items_for(dim, "management"), smin, smax)
        part = pd.DataFrame({**attrs, "dimension": dim, "leadership": lead, "management": man})
        part = part.dropna(subset=["leadership", "management"])
        span = smax - smin
        part["orientation"] = 100 * (part["leadership"] - part["management"]) / span
        part["balance"] = 100 * ((part["leadership"] + part["management"]) / 2 - smin) / span
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def filter_rows(df: pd.DataFrame, where: dict | None) -> pd.DataFrame:
    for name, values in (where or {}).items():
        if values:
            df = df[df[_column(name)].astype(object).fillna(NOT_GIVEN).isin(list(values))]
    return df


def aggregate(scores: pd.DataFrame, midpoint: float, min_group_size: int = 5) -> pd.DataFrame:
    """Group means, t-based 95% CI of the orientation, anonymity filter, archetype."""
    g = scores.groupby(["group", "dimension"], sort=True)
    out = g.agg(n=("orientation", "count"), leadership=("leadership", "mean"),
                management=("management", "mean"), orientation=("orientation", "mean"),
                orientation_sd=("orientation", "std"), balance=("balance", "mean")).reset_index()
    out = out[out["n"] >= min_group_size].reset_index(drop=True)
    t = stats.t.ppf(0.975, out["n"] - 1)
    half = pd.Series(t * out["orientation_sd"] / np.sqrt(out["n"]), index=out.index)
    half = half.where(out["n"] >= 2)
    out["orientation_ci_low"] = out["orientation"] - half
    out["orientation_ci_high"] = out["orientation"] + half
    high_l, high_m = out["leadership"] >= midpoint, out["management"] >= midpoint
    out["archetype"] = np.select(
        [high_l & high_m, high_l & ~high_m, ~high_l & high_m],
        ["Integrator", "Leadership-led", "Management-led"], "Developing")
    return out[COLUMNS]


def _grouped(scores: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if by is None:
        return scores.assign(group="all")
    return scores.rename(columns={_column(by): "group"})


def group_scores(df: pd.DataFrame, instrument, by: str | None = "team",
                 where: dict | None = None, min_group_size: int = 5) -> pd.DataFrame:
    """What a pandas app does on every rerun: filter, score respondents, aggregate."""
    rows = filter_rows(df, where)
    scores = respondent_scores(rows, instrument, [_column(by)] if by else [])
    return aggregate(_grouped(scores, by), (instrument.scale_min + instrument.scale_max) / 2,
                     min_group_size)


def group_scores_cached(scores: pd.DataFrame, instrument, by: str | None = "team",
                        where: dict | None = None, min_group_size: int = 5) -> pd.DataFrame:
    """The same from respondent scores computed once (``respondent_scores`` with every
    attribute column), as an app with st.cache_data would do: filter and aggregate only."""
    rows = filter_rows(scores, where)
    return aggregate(_grouped(rows, by), (instrument.scale_min + instrument.scale_max) / 2,
                     min_group_size)
