"""Group scores summed from a wave's cube (``cells.cubes``) instead of a scan of its rows.

A group's count and pole sums are the sums of its cells'. Its spread of (leadership -
management) is merged from the cells' with Chan's formula,
M2 = sum(M2_c) + sum(n_c (mean_c - mean)^2): squares of deviations from means, never the
difference of two large sums of squares that ``read._raw_groups`` rejected. A dimension
is counted only with both poles (``write``), so n_c and the pole sums give mean_c.

A spread of exactly 0 stays exactly 0: a cell of equal differences has M2_c = 0 (Welford),
and so has a group of one cell, or of single respondents with equal differences. A group of
several such cells, some with more than one respondent, whose means agree to rounding may
hold equal differences (0) or nearly equal ones, which sums cannot tell apart: the group
is *unsure*, and ``views`` scans that wave instead (rare: a group where everyone has the
same score). Every other figure is ``read._long``'s arithmetic on the same sums, added in
another order (about 1e-15 relative).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import given, inside, sum_columns
from .read import _long

EPS = np.finfo(float).eps


def group_sums(cube: pd.DataFrame, where: dict | None, by: str | None, dims: list[str],
               scale: tuple[float, float]) -> tuple[pd.DataFrame, bool]:
    """One wave's rows as ``read._raw_groups(per_wave=False)`` gives them (dimensions in
    the wave's order, then groups), and whether some group's spread is unsure."""
    if not dims:
        return pd.DataFrame(columns=["group", "dimension", "n"]), False
    keep = inside(cube, where).to_numpy()
    labels = given(cube[by]).to_numpy(dtype=object)[keep] if by else \
        np.full(int(keep.sum()), "all", dtype=object)
    codes, groups = pd.factorize(labels)
    smin, smax = scale
    wide = {"group": np.asarray(groups, dtype=object), "smin": smin, "smax": smax,
            "span": smax - smin}
    unsure = False
    for i, dim in enumerate(dims):
        sums = [cube[c].to_numpy()[keep] for c in (f"dim:{dim}", *sum_columns([dim]))]
        n, lead, man, q, doubt = _merge(*sums, codes, len(groups), max(abs(smin), abs(smax)))
        wide.update({f"n{i}": n, f"l{i}": lead, f"m{i}": man, f"q{i}": q})
        unsure = unsure or doubt
    rows = _long(pd.DataFrame(wide, index=range(len(groups))), ["group"], dims)
    return rows.sort_values(["order", "group"], kind="stable").reset_index(drop=True), unsure


def _merge(n_c, lead_c, man_c, var_c, codes: np.ndarray, size: int, bound: float):
    """Per group, from its cells' counts, pole sums and variances: respondents counted, pole
    sums, standard deviation of the difference (NaN below 2 respondents, as
    ``stddev_samp``), and whether one is unsure. ``bound``: the largest magnitude of a score
    (a mean of answers on the scale)."""
    on = n_c > 0
    codes, n_c = codes[on], n_c[on].astype(np.int64)
    lead_c, man_c, var_c = (x[on].astype(float) for x in (lead_c, man_c, var_c))

    def total(values):
        return np.bincount(codes, weights=values, minlength=size)
    n = np.rint(total(n_c)).astype(np.int64)
    lead, man = total(lead_c), total(man_c)
    mean_c = (lead_c - man_c) / n_c
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = mean_c - ((lead - man) / n)[codes]
        m2 = total(var_c * n_c + n_c * dev * dev)
        zero, doubt = _ties(codes, size, n_c, mean_c, var_c, bound)
        m2[zero] = 0.0
        q = np.where(n >= 2, np.sqrt(m2 / (n - 1)), np.nan)
    return n, lead, man, q, bool(doubt.any())


def _ties(codes, size, n_c, mean_c, var_c, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """Groups whose cells all hold equal differences (M2_c = 0): those whose spread is
    exactly 0 (cells of one respondent each, so mean_c is exact, all equal), and those
    that may be 0: means apart by no more than a sum's rounding can move them (a sum of
    n_c scores by n_c eps |score| at most, so a mean by about 2 n_c eps bound), with room."""
    def most(values, start, ufunc):
        out = np.full(size, start)
        ufunc.at(out, codes, values)
        return out
    constant = np.bincount(codes, weights=var_c != 0, minlength=size) == 0
    single = np.bincount(codes, weights=n_c > 1, minlength=size) == 0
    hi, lo = most(mean_c, -np.inf, np.maximum), most(mean_c, np.inf, np.minimum)
    room = 8 * EPS * max(bound, 1.0) * most(n_c.astype(float), 0.0, np.maximum)
    several = np.bincount(codes, minlength=size) >= 2
    return constant & single & (hi == lo), constant & ~single & several & (hi - lo <= room)
