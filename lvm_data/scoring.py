"""The scoring rules that are not SQL: archetypes and the finishing of group tables.

Respondent scores are computed once at import, in SQL (``store.write``); the rules
are written out in README.md and each is pinned by a hand-computed test.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .stats import mean_ci

INTEGRATOR = "Integrator"
LEADERSHIP_LED = "Leadership-led"
MANAGEMENT_LED = "Management-led"
DEVELOPING = "Developing"
ARCHETYPES = (INTEGRATOR, LEADERSHIP_LED, MANAGEMENT_LED, DEVELOPING)
ARCHETYPE_RULES = {
    INTEGRATOR: "leadership and management both at or above the scale midpoint",
    LEADERSHIP_LED: "leadership at or above the midpoint, management below it",
    MANAGEMENT_LED: "management at or above the midpoint, leadership below it",
    DEVELOPING: "leadership and management both below the midpoint",
}

GROUP_COLUMNS = ["group", "dimension", "n", "leadership", "management", "orientation",
                 "orientation_ci_low", "orientation_ci_high", "balance", "archetype"]


def min_answered(items_in_pole: int) -> int:
    """A pole score needs at least half of the pole's items answered, rounded up."""
    return math.ceil(items_in_pole / 2)


MIDPOINT_TOLERANCE = 1e-9   # a mean of exactly the midpoint may be summed to 2.999999999999999


def archetype(leadership, management, midpoint):
    """Vectorised archetype of scores; NaN inputs give None. "At or above the midpoint" is
    judged with a tolerance far below any real difference (answers are whole numbers)."""
    lead = np.asarray(leadership, dtype=float)
    man = np.asarray(management, dtype=float)
    mid = np.asarray(midpoint, dtype=float) - MIDPOINT_TOLERANCE
    high_l, high_m = lead >= mid, man >= mid
    out = np.select([high_l & high_m, high_l & ~high_m, ~high_l & high_m],
                    [INTEGRATOR, LEADERSHIP_LED, MANAGEMENT_LED], DEVELOPING).astype(object)
    out[np.isnan(lead) | np.isnan(man)] = None
    return out


def finish_groups(raw: pd.DataFrame) -> pd.DataFrame:
    """Add the t-based CI and the archetype to per-group sums from the store.

    ``raw`` has group, dimension, n, leadership, management, orientation,
    orientation_sd, balance and midpoint (the wave scale's midpoint).
    """
    low, high = mean_ci(raw["orientation"], raw["orientation_sd"], raw["n"])
    out = raw.assign(orientation_ci_low=low, orientation_ci_high=high,
                     archetype=archetype(raw["leadership"], raw["management"], raw["midpoint"]))
    out["n"] = out["n"].astype(int)
    return out
