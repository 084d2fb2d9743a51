"""Two selections side by side: the difference in orientation with Welch's CI."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..effects import EFFECT_COLUMNS, two_group_columns
from ..stats import welch_ci
from . import crosswave, disclosure, views
from .disclosure import ALL
from .read import Result, wave_row

COLUMNS = ["dimension", "n_a", "n_b", "orientation_a", "orientation_b", "difference",
           "ci_low", "ci_high", *EFFECT_COLUMNS]


@dataclass
class Selection:
    """A wave (None = latest) and attribute filters; the label is what the page shows."""
    wave: str | None = None
    where: dict[str, list[str]] = field(default_factory=dict)
    label: str = ""


def _side(cur, sel: Selection, k: int) -> tuple[pd.DataFrame, int]:
    """The dimensions of one side that disclosure control allows (none if it is refused)."""
    info = wave_row(cur, sel.wave)
    seen = views.view(cur, info["wave_id"], None, sel.where, k)     # one scan for both
    verdict, raw = seen.population, seen.raw
    n = int(verdict.n.at[ALL, "all"]) if ALL in verdict.n.index else 0
    if not verdict.ok(ALL, "all"):
        return pd.DataFrame(), n
    keep = [verdict.ok(ALL, f"dim:{d}") for d in raw["dimension"]]
    return raw[keep], n


def compare(cur, a: Selection, b: Selection, min_group_size: int | None = None) -> Result:
    """Dimensions where both sides may be shown; the others are counted as hidden.

    A side that cannot be shown is named without saying whether it has no one or a few
    (either would tell something about who is in it).
    """
    k = disclosure.minimum(cur, min_group_size)
    if why := crosswave.differencing_risk(cur, a, b, k):      # two waves, a few people apart
        return Result(pd.DataFrame({c: [] for c in COLUMNS}), k, message=why)
    side_a, n_a = _side(cur, a, k)
    side_b, n_b = _side(cur, b, k)
    empty = pd.DataFrame({c: [] for c in COLUMNS})
    for side, sel in ((side_a, a), (side_b, b)):
        if side.empty:
            msg = (f"{sel.label or 'One selection'} cannot be shown: with the current filters "
                   f"it has too few respondents for the anonymity minimum of {k}, or showing "
                   "it would reveal fewer than that many people by comparison.")
            return Result(empty, k, 0, message=msg)
    m = side_a.merge(side_b, on="dimension", suffixes=("_a", "_b"))
    diff, low, high = welch_ci(m["orientation_a"], m["orientation_sd_a"], m["n_a"],
                               m["orientation_b"], m["orientation_sd_b"], m["n_b"])
    table = two_group_columns(m.assign(difference=diff, ci_low=low, ci_high=high))
    table = table.sort_values("order_a")[COLUMNS].reset_index(drop=True)
    hidden = len(set(side_a["dimension"]) ^ set(side_b["dimension"]))
    return Result(table, k, min(n_a, n_b), hidden_cells=hidden)
