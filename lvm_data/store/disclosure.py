"""Disclosure control: which figures may be shown without singling anyone out.

Every figure the store returns is about a *box*: the respondents of one wave whose
attributes are in the selected values (a group of a grouped view is a box with one more
attribute fixed). A figure is counted on a *base*: all respondents, those counted on one
dimension (both poles scored), or the answerers of one item. For each box and base:

1. at least k respondents (the per-figure minimum);
2. every wider box reached by removing any set of its filters holds 0 or >= k more, and
   each value of a multi-select holds 0 or >= k of it (the remainder rule);
3. in a grouped view, the hidden groups together hold 0 or >= k (secondary suppression).

If two shown figures A ⊂ B are compared, B \\ A splits into the respondents outside A's
value of some attribute B still filters (each such value's share of B is 0 or >= k by
rule 2 applied to B) and the rest, which is a remainder of A with filters removed (0 or
>= k by rule 2 applied to A): the difference is 0 or >= k. docs/PRIVACY.md says more.

The counts come from one scan per view (``cell_counts``); the rules are pure pandas on
that small table (``assess``), so they are cheap and easy to test.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ..settings import effective_min_group_size
from .schema import recorded_minimum

OK, SMALL, REMAINDER, SECONDARY = "ok", "small", "remainder", "secondary"
ALL = "all"
FLAG = "f:"               # prefix of the flag columns of a counts frame
REASONS = {
    SMALL: "fewer than {k} respondents are behind it",
    REMAINDER: "it differs from a wider selection by fewer than {k} respondents, so "
               "comparing the two would reveal their answers",
    SECONDARY: "the groups hidden around it could otherwise be worked out from the total",
}
MAX_FILTERS = 10          # 2^10 relaxations: far beyond any real selection


def minimum(cur, requested: int | None = None) -> int:
    """The minimum for this query: the database's own, raised by settings or the caller."""
    return effective_min_group_size(requested, recorded=recorded_minimum(cur))


@dataclass
class Verdict:
    """Per group (index) and base (columns): the respondents behind it and its status."""
    n: pd.DataFrame
    status: pd.DataFrame

    def ok(self, group, base: str) -> bool:
        return (group in self.status.index and base in self.status.columns
                and self.status.at[group, base] == OK)

    def reason(self, group, base: str) -> str | None:
        if group not in self.status.index or base not in self.status.columns:
            return SMALL
        status = self.status.at[group, base]
        return None if status == OK else status


def _small(values, k: int):
    return (values > 0) & (values < k)


def _sums(codes: np.ndarray, counts: np.ndarray, mask: np.ndarray, size: int) -> np.ndarray:
    """Per-code sums of the count rows selected by ``mask`` (a group-by on a tiny array)."""
    out = np.zeros((size, counts.shape[1]), dtype=np.int64)
    np.add.at(out, codes[mask], counts[mask])
    return out


def _remainders(known, group, counts, n, k) -> np.ndarray:
    """Rule 2, relaxations: each set of removed filters, with and without the group fixed."""
    flags = range(known.shape[1])
    bad = np.zeros(n.shape, dtype=bool)
    for size in range(len(flags) + 1):
        for removed in combinations(flags, size):
            kept = [f for f in flags if f not in removed]
            mask = known[:, kept].all(axis=1)
            if removed:
                bad |= _small(_sums(group, counts, mask, len(n)) - n, k)
            bad |= _small(counts[mask].sum(axis=0) - n, k)   # the group's filter removed too
    return bad


def _shares(values, inside, group, counts, n, k) -> np.ndarray:
    """Rule 2, multi-selects: each selected value's own share of the box."""
    bad = np.zeros(n.shape, dtype=bool)
    for column in values.T:
        codes, uniques = pd.factorize(column)
        key = group * (len(uniques) + 1) + codes
        shares = _sums(key, counts, inside, len(n) * (len(uniques) + 1))
        bad |= _small(shares, k).reshape(len(n), len(uniques) + 1, -1).any(axis=1)
    return bad


def assess(frame: pd.DataFrame, flags: list[str], bases: list[str], k: int) -> Verdict:
    """Rules 1 and 2 for every group of ``frame`` (column ``g``) on every base.

    ``frame`` holds base counts per combination of flag values (a selected value, or
    NULL for a respondent outside that filter) and group value. The frame is small (one row
    per combination present), so plain numpy over it costs microseconds.
    """
    if len(flags) > MAX_FILTERS:
        raise ValueError(f"at most {MAX_FILTERS} attributes can be filtered at once")
    values = frame[flags].to_numpy(dtype=object)
    known = frame[flags].notna().to_numpy()
    inside = known.all(axis=1)
    group, names = pd.factorize(frame["g"])
    counts = frame[bases].to_numpy(dtype=np.int64)
    n = _sums(group, counts, inside, len(names))
    bad = _remainders(known, group, counts, n, k) | _shares(values, inside, group, counts, n, k)
    present = np.zeros(len(names), dtype=bool)
    present[np.unique(group[inside])] = True          # the groups of the view
    n, bad = n[present], bad[present]
    status = np.where(n < k, SMALL, np.where(bad, REMAINDER, OK))
    index = pd.Index(names[present], name="g")
    return Verdict(pd.DataFrame(n, index=index, columns=bases),
                   pd.DataFrame(status, index=index, columns=bases))


def suppress_complement(verdict: Verdict, bases: list[str], k: int,
                        require: str | None = ALL) -> Verdict:
    """Rule 3: hide the next-smallest groups until the hidden ones hold 0 or >= k.

    ``require``: a group is shown on a base only if it is also shown on this base (a
    group whose population is withheld shows no dimension either).
    """
    status = verdict.status.copy()
    if require is not None and require in status.columns:
        for base in bases:
            inherit = (status[require] != OK) & (status[base] == OK)
            status[base] = status[base].mask(inherit, status[require])
    for base in bases:
        counts = verdict.n[base]
        visible = status[base] == OK
        hidden = int(counts.sum() - counts[visible].sum())
        order = sorted(counts[visible].index, key=lambda g: (counts[g], str(g)))
        while 0 < hidden < k and order:
            group = order.pop(0)
            status.at[group, base] = SECONDARY
            hidden += int(counts[group])
    return Verdict(verdict.n, status)


def population_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The same counts with every group merged: the box of the whole selection."""
    keys = [c for c in frame.columns if c.startswith(FLAG)]
    bases = [c for c in frame.columns if c not in keys and c != "g"]
    merged = frame.assign(g=ALL)
    return merged.groupby(["g", *keys], dropna=False, as_index=False)[bases].sum()


def describe(reasons: dict[str, str], k: int, label=str) -> str | None:
    """'Withheld to protect anonymity: X (why); Y (why).' — never a count below k."""
    if not reasons:
        return None
    parts = [f"{label(key)} ({REASONS[why].format(k=k)})" for key, why in reasons.items()]
    return "Withheld to protect anonymity: " + "; ".join(parts) + "."
