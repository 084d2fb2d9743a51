"""Two selections side by side: the difference in orientation with Welch's CI."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..settings import effective_min_group_size
from ..stats import welch_ci
from . import crosswave
from .read import Result, _raw_groups, population, wave_row

COLUMNS = ["dimension", "n_a", "n_b", "orientation_a", "orientation_b", "difference",
           "ci_low", "ci_high"]


@dataclass
class Selection:
    """A wave (None = latest) and attribute filters; the label is what the page shows."""
    wave: str | None = None
    where: dict[str, list[str]] = field(default_factory=dict)
    label: str = ""


def _side(cur, sel: Selection, k: int) -> tuple[pd.DataFrame, int]:
    info = wave_row(cur, sel.wave)
    n = population(cur, [info["wave_id"]], sel.where)
    if n < k:
        return pd.DataFrame(), n
    raw = _raw_groups(cur, [info["wave_id"]], None, sel.where, per_wave=False)
    return raw[raw["n"] >= k], n


def compare(cur, a: Selection, b: Selection, min_group_size: int | None = None) -> Result:
    """Dimensions where both sides reach the minimum; the others are counted as hidden."""
    k = effective_min_group_size(min_group_size)
    if why := crosswave.differencing_risk(cur, a, b, k):      # two waves, a few people apart
        return Result(pd.DataFrame({c: [] for c in COLUMNS}), k, message=why)
    side_a, n_a = _side(cur, a, k)
    side_b, n_b = _side(cur, b, k)
    empty = pd.DataFrame({c: [] for c in COLUMNS})
    for side, n, sel in ((side_a, n_a, a), (side_b, n_b, b)):
        if side.empty:
            msg = (f"{sel.label or 'One selection'} has fewer respondents than the "
                   f"anonymity minimum of {k}.")
            return Result(empty, k, min(n_a, n_b), message=msg)
    m = side_a.merge(side_b, on="dimension", suffixes=("_a", "_b"))
    diff, low, high = welch_ci(m["orientation_a"], m["orientation_sd_a"], m["n_a"],
                               m["orientation_b"], m["orientation_sd_b"], m["n_b"])
    table = m.assign(difference=diff, ci_low=low, ci_high=high)[COLUMNS]
    table = table.assign(o=m["order_a"]).sort_values("o").drop(columns="o").reset_index(drop=True)
    hidden = len(set(side_a["dimension"]) ^ set(side_b["dimension"]))
    return Result(table, k, min(n_a, n_b), hidden_cells=hidden)
