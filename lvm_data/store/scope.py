"""Scope enforcement: a share link's viewer can narrow within the scope, never widen it.

A layer over the read functions rather than a change inside them: every call of the
facade replaces the caller's ``where`` by its intersection with the scope (and pins the
wave when the scope fixes one). An attribute value outside the scope makes the
intersection empty, which yields an empty result, never the unscoped data. Functions
the facade does not know are refused, so a new query cannot bypass the scope.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..scoring import GROUP_COLUMNS
from .compare import COLUMNS as COMPARE_COLUMNS
from .compare import Selection, compare
from .change import COLUMNS as CHANGE_COLUMNS
from .change import change, steps
from .differences import DIFF_COLUMNS, TEST_COLUMNS, difference_from_all, group_tests
from .raters import COLUMNS as RATER_COLUMNS
from .raters import self_vs_others
from .figures import archetype_mix, item_distribution, overview
from .item_matrix import COLUMNS as RELIABILITY_COLUMNS
from .item_matrix import DETAIL as RELIABILITY_DETAIL
from .item_matrix import reliability
from .read import QueryError, Result, attribute_values, group_scores, trends, waves

OUTSIDE = "Nothing in this link's scope matches these filters."
ONE_WAVE = "This link shows one wave only, so there is no change since an earlier one."
OVERVIEW_COLUMNS = ["respondents", "departments", "teams", "roles", "waves"]
EMPTY = object()        # the intersection of a viewer's filters and the scope is empty


@dataclass(frozen=True)
class Scope:
    """Locked filters (attribute -> allowed values) and an optional fixed wave; ``deny``
    matches nothing at all (someone who may see no data)."""
    where: dict[str, list[str]] = field(default_factory=dict)
    wave: str | None = None
    deny: bool = False


NOTHING = Scope(deny=True)


def restrict(scope: Scope, where: dict[str, list[str]] | None):
    """The viewer's filters within the scope, or ``EMPTY`` when nothing can match.

    A locked attribute keeps the viewer's values that the scope allows (all the scope's
    values when the viewer chose none); any other attribute is the viewer's to narrow.
    """
    if scope.deny:
        return EMPTY
    where = {k: [str(v) for v in vs] for k, vs in (where or {}).items()}
    out = dict(where)
    for name, allowed in scope.where.items():
        asked = where.get(name) or []
        if not allowed:               # an empty list would mean "no filter" to the store
            return EMPTY
        if not asked:
            out[name] = list(allowed)
            continue
        kept = [v for v in asked if v in set(allowed)]
        if not kept:
            return EMPTY
        out[name] = kept
    return out


def pin_wave(scope: Scope, wave: str | None):
    """The scope's fixed wave (also when none is asked for), or ``EMPTY`` for another."""
    if scope.wave is None:
        return wave
    return scope.wave if wave in (None, scope.wave) else EMPTY


def _nothing(columns, k) -> Result:
    return Result(pd.DataFrame({c: [] for c in columns}), k or 0, message=OUTSIDE)


class Scoped:
    """The read functions, each restricted to one scope; same keywords as the originals."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def _args(self, wave, where):
        return pin_wave(self.scope, wave), restrict(self.scope, where)

    def _run(self, function, columns, cur, wave, where, **kwargs) -> Result:
        wave, where = self._args(wave, where)
        if wave is EMPTY or where is EMPTY:
            return _nothing(columns, kwargs.get("min_group_size"))
        return function(cur, wave=wave, where=where, **kwargs)

    def group_scores(self, cur, by=None, wave=None, where=None, min_group_size=None) -> Result:
        return self._run(group_scores, GROUP_COLUMNS, cur, wave, where,
                         by=by, min_group_size=min_group_size)

    def archetype_mix(self, cur, wave=None, where=None, min_group_size=None) -> Result:
        return self._run(archetype_mix, ["dimension", "archetype", "n", "share"], cur, wave,
                         where, min_group_size=min_group_size)

    def item_distribution(self, cur, dimension, wave=None, where=None,
                          min_group_size=None) -> Result:
        return self._run(item_distribution, ["item_id", "text", "pole", "reverse", "value",
                                             "label", "count", "share"], cur, wave,
                         where, dimension=dimension, min_group_size=min_group_size)

    def reliability(self, cur, wave=None, where=None, min_group_size=None,
                    dimension=None) -> Result:
        return self._run(reliability, RELIABILITY_COLUMNS + RELIABILITY_DETAIL, cur, wave,
                         where, min_group_size=min_group_size, dimension=dimension)

    def overview(self, cur, wave=None, where=None, min_group_size=None) -> Result:
        result = self._run(overview, OVERVIEW_COLUMNS, cur, wave, where,
                           min_group_size=min_group_size)
        if self.scope.wave is not None and not result.table.empty:
            result.table["waves"] = 1          # the other waves are outside the scope
        return result

    def attribute_values(self, cur, name, wave=None, where=None,
                         min_group_size=None) -> list[str]:
        wave, where = self._args(wave, where)
        if wave is EMPTY or where is EMPTY:
            return []
        return attribute_values(cur, name, wave=wave, where=where,
                                min_group_size=min_group_size)

    def trends(self, cur, by=None, where=None, min_group_size=None) -> Result:
        """Across waves; with a fixed wave, that wave alone (the others are outside)."""
        if self.scope.wave is None:
            return self._run(lambda c, wave, **kw: trends(c, **kw), ["wave", "wave_date", *GROUP_COLUMNS],
                             cur, None, where, by=by, min_group_size=min_group_size)
        result = self.group_scores(cur, by=by, where=where, min_group_size=min_group_size)
        row = self.waves(cur).iloc[0]
        result.table.insert(0, "wave_date", row["wave_date"])
        result.table.insert(0, "wave", row["wave"])
        return result

    def waves(self, cur) -> pd.DataFrame:
        table = waves(cur)
        if self.scope.deny:
            return table.iloc[0:0]
        if self.scope.wave is None:
            return table
        return table[table["wave"] == self.scope.wave].reset_index(drop=True)

    def compare(self, cur, a: Selection, b: Selection, min_group_size=None) -> Result:
        sides = []
        for sel in (a, b):
            wave, where = self._args(sel.wave, sel.where)
            if wave is EMPTY or where is EMPTY:
                return _nothing(COMPARE_COLUMNS, min_group_size)
            sides.append(Selection(wave, where, sel.label))
        return compare(cur, sides[0], sides[1], min_group_size=min_group_size)

    def group_tests(self, cur, by, wave=None, where=None, min_group_size=None) -> Result:
        return self._run(group_tests, TEST_COLUMNS, cur, wave,
                         where, by=by, min_group_size=min_group_size)

    def difference_from_all(self, cur, by, wave=None, where=None,
                            min_group_size=None) -> Result:
        return self._run(difference_from_all, DIFF_COLUMNS, cur,
                         wave, where, by=by, min_group_size=min_group_size)

    def self_vs_others(self, cur, by=None, wave=None, where=None, min_group_size=None):
        return self._run(self_vs_others, RATER_COLUMNS, cur, wave, where, by=by,
                         min_group_size=min_group_size)

    def change(self, cur, by=None, wave=None, since=None, where=None, min_group_size=None):
        """Across two waves: none through a link that fixes one wave."""
        if self.scope.wave is not None:
            return Result(pd.DataFrame({c: [] for c in CHANGE_COLUMNS}), min_group_size or 0,
                          message=ONE_WAVE)
        return self._run(change, CHANGE_COLUMNS, cur, wave, where, by=by,
                         since=since, min_group_size=min_group_size)

    def steps(self, cur, by=None, where=None, min_group_size=None) -> Result:
        if self.scope.wave is not None:
            return Result(pd.DataFrame({c: [] for c in ["wave", *CHANGE_COLUMNS]}),
                          min_group_size or 0, message=ONE_WAVE)
        return self._run(lambda c, wave, **kw: steps(c, **kw),
                         ["wave", *CHANGE_COLUMNS], cur, None, where, by=by,
                         min_group_size=min_group_size)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise QueryError(f"{name} is not available through a share link")
