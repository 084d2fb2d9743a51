"""Participation: a wave's headcount file, and response rates that keep the anonymity rules.

A headcount file has one row per unit: attribute columns (``department,team`` or any
attribute the survey has) and ``headcount``. A group's response rate is its respondents
divided by the summed headcount of its units. A rate reveals the respondent count
(rate x headcount), so it is shown only where that count may be: the group passes the
minimum and the remainder rule on all its respondents, and the groups without a rate
together hold 0 or at least k respondents (secondary suppression on the respondent
count, as for the scores), so no subtraction from the selection's total narrows to fewer.
"""
from __future__ import annotations

import csv
import io

import pandas as pd

from .export import unquote
from .mapping import attribute_name
from .store import disclosure, participation, read, schema
from .store.read import Result

COLUMNS = ["group", "respondents", "headcount", "response_rate"]


class HeadcountError(ValueError):
    """A headcount file that cannot be used; the message names the row or column."""


def parse(text: str, attributes: list[str]) -> tuple[list[dict[str, str]], list[int]]:
    """(units, headcounts) from CSV text; columns are attributes of the data + headcount."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = [[unquote(c).strip() for c in row] for row in reader if any(c.strip() for c in row)]
    if not rows:
        raise HeadcountError("the headcount file is empty")
    names = [attribute_name(h) or h for h in rows[0]]
    if "headcount" not in names:
        raise HeadcountError("the headcount file needs a headcount column")
    unknown = [h for h, n in zip(rows[0], names) if n != "headcount" and n not in attributes]
    if unknown:
        raise HeadcountError(f"column {unknown[0]!r} is not an attribute of the data "
                             f"({', '.join(attributes)})")
    units, counts, seen = [], [], set()
    for line, row in enumerate(rows[1:], start=2):
        values = dict(zip(names, row))
        try:
            count = int(values.pop("headcount"))
        except (KeyError, ValueError):
            raise HeadcountError(f"row {line}: headcount must be a whole number") from None
        if count < 0:
            raise HeadcountError(f"row {line}: headcount must not be negative")
        key = tuple(sorted(values.items()))
        if key in seen:
            raise HeadcountError(f"row {line}: this unit appears twice")
        seen.add(key)
        units.append(values)
        counts.append(count)
    return units, counts


def store_file(cur, text: str, wave: str | None = None) -> tuple[str, int]:
    """Parse and store the headcount file of a wave (the latest when None): (wave, units)."""
    info = read.wave_row(cur, wave)
    units, counts = parse(text, schema.attribute_names(cur))
    participation.replace(cur, info["wave_id"], units, counts)
    return info["name"], len(units)


def _headcounts(cur, wave_id: int, by: str | None, where: dict) -> pd.Series | str:
    """Headcount per group (index), or why there is none for this view."""
    table = participation.load(cur, wave_id)
    if table.empty:
        return "No headcount file was uploaded for this wave."
    missing = [a for a in [*(where or {}), *([by] if by else [])] if a not in table.columns]
    if missing:
        return f"The headcount file of this wave has no {missing[0]} column."
    for name, values in (where or {}).items():
        table = table[table[name].isin(values)]
    if by is None:
        return pd.Series({disclosure.ALL: int(table["headcount"].sum())})
    return table.groupby(by)["headcount"].sum()


def response_rates(cur, by: str | None = None, wave: str | None = None,
                   where: dict | None = None, min_group_size: int | None = None) -> Result:
    """One row per group whose response rate may be shown (``by=None``: the selection)."""
    k = disclosure.minimum(cur, min_group_size)
    info = read.wave_row(cur, wave)
    heads = _headcounts(cur, info["wave_id"], by, where or {})
    empty = pd.DataFrame(columns=COLUMNS)
    if isinstance(heads, str):
        return Result(empty, k, message=heads)
    dims = schema.wave_dimensions(cur, [info["wave_id"]])
    population, groups = read._verdicts(cur, info["wave_id"], where, by,
                                        read._dimension_bases(dims), k)
    if (why := read.refused(population, k)) is not None:
        return Result(empty, k, message=why)
    verdict = population if by is None else \
        disclosure.suppress_complement(groups, [disclosure.ALL], k, require=None)
    rows = [(g, int(verdict.n.at[g, "all"]), int(heads[g]))
            for g in verdict.n.index if verdict.ok(g, "all") and g in heads.index
            and int(heads[g]) > 0]
    table = pd.DataFrame(rows, columns=COLUMNS[:3])
    table["response_rate"] = table["respondents"] / table["headcount"]
    hidden = len([g for g in verdict.n.index if not verdict.ok(g, "all")])
    msg = (f"No response rate for {hidden} group(s): fewer than {k} respondents, or they "
           "could be worked out by subtraction.") if hidden else None
    return Result(table, k, hidden_groups=hidden, message=msg)


def with_rates(scores: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Group scores with ``headcount`` and ``response_rate`` where a rate may be shown."""
    if rates.empty:
        return scores
    extra = rates.set_index("group")[["headcount", "response_rate"]]
    return scores.join(extra, on="group")
