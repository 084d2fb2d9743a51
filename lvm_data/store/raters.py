"""Self vs others (360-degree feedback): how leaders rate themselves against how others do.

A self rating is usually one person per leader, so self scores are only shown for groups
of leaders: the self side of a group is the box "rater = self" within it and passes every
disclosure rule (k or more self ratings, hence k or more leaders; the remainder rule;
secondary suppression across the groups). The others side is the box "rater = any other
value", checked the same way. A gap is shown only where both sides are shown, so it is the
difference of two figures that are each about k or more people.
"""
from __future__ import annotations

import pandas as pd

from .. import raters
from . import disclosure
from .read import NOT_GIVEN, Result, attribute_values, group_scores, wave_row
from .schema import attribute_names

COLUMNS = ["group", "dimension", "measure", "n_self", "n_others", "self", "others", "gap",
           "flag"]
MEASURES = ("leadership", "management", "orientation")
# one sentence for "none" and "too few": which one it is would tell a count below k
NO_RATERS = ("This selection has no rater column (360-degree feedback) with self ratings and "
             "ratings by others, each held by at least the anonymity minimum of {k} ratings.")


def rater_values(cur, wave: str, k: int) -> tuple[list[str], list[str]]:
    """The rater column's self values and other values held by k or more ratings of the
    wave (a rarer value would make the others' box fail the multi-select rule)."""
    if raters.ATTRIBUTE not in attribute_names(cur):
        return [], []
    values = [v for v in attribute_values(cur, raters.ATTRIBUTE, wave=wave, min_group_size=k)
              if v != NOT_GIVEN]
    return [v for v in values if raters.is_self(v)], [v for v in values if not raters.is_self(v)]


def _empty(k: int, message: str | None) -> Result:
    return Result(pd.DataFrame({c: [] for c in COLUMNS}), k, message=message)


def _long(self_t: pd.DataFrame, others_t: pd.DataFrame, span: float) -> pd.DataFrame:
    """One row per group x dimension x measure where both sides are shown."""
    m = self_t.merge(others_t, on=["group", "dimension"], suffixes=("_self", "_others"))
    rows = []
    for _, r in m.iterrows():
        for measure in MEASURES:
            gap = r[f"{measure}_self"] - r[f"{measure}_others"]
            width = 200.0 if measure == "orientation" else span
            rows.append({"group": r["group"], "dimension": r["dimension"], "measure": measure,
                         "n_self": int(r["n_self"]), "n_others": int(r["n_others"]),
                         "self": r[f"{measure}_self"], "others": r[f"{measure}_others"],
                         "gap": gap, "flag": raters.flag(gap, width)})
    return pd.DataFrame(rows, columns=COLUMNS)


def self_vs_others(cur, by: str | None = None, wave: str | None = None,
                   where: dict | None = None, min_group_size: int | None = None) -> Result:
    """Self minus others per group (of leaders) x dimension x measure (pole scores on the
    answer scale, orientation in points); flagged beyond a third of the measure's range.
    A rater filter of the caller (or a share link's scope) narrows the two sides."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    selves, others = rater_values(cur, info["name"], k)
    if not selves or not others:
        return _empty(k, NO_RATERS.format(k=k))
    where = dict(where or {})
    if asked := where.pop(raters.ATTRIBUTE, None):      # narrow, never widen (share links)
        selves = [v for v in selves if v in asked]
        others = [v for v in others if v in asked]
    if not selves or not others:
        return _empty(k, NO_RATERS.format(k=k))
    base = where
    sides = [group_scores(cur, by=by, wave=info["name"], min_group_size=k,
                          where={**base, raters.ATTRIBUTE: values})
             for values in (selves, others)]
    if any(s.empty for s in sides):
        return _empty(k, "Self ratings or others' ratings are below the anonymity minimum of "
                         f"{k} here (self ratings are about one person per leader, so they "
                         f"are only shown for groups of at least {k} leaders).")
    span = float(info["scale_max"] - info["scale_min"])
    table = _long(sides[0].table, sides[1].table, span)
    hidden = {(g, d) for s in sides for g, d in zip(s.table["group"], s.table["dimension"])}
    hidden -= set(zip(table["group"], table["dimension"]))
    msg = None
    if hidden or any(s.hidden_cells for s in sides):
        msg = (f"Some groups are left out: their self ratings or others' ratings are below "
               f"the anonymity minimum of {k}, or showing them would reveal fewer people.")
    return Result(table, k, hidden_cells=len(hidden), message=msg,
                  extra={"wave": info["name"], "span": span, "self_values": selves})
