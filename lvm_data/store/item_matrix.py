"""Reliability of a selection's scales: the respondent x item matrix, behind the anonymity rules.

A reliability is a figure about the respondents it is computed on, so each scale is a base of
its own for disclosure control: the respondents of the selection who answered *every* item of
the scale (listwise). A scale with fewer than k of them, or whose count breaks the remainder
rule against a wider selection, is withheld like any other figure (``disclosure``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import reliability as rel
from ..instrument import Instrument
from . import disclosure
from .disclosure import ALL
from .read import QueryError, Result, _empty, _filters, _population_n, _verdicts, refused, wave_row
from .schema import answers_table, quote

COLUMNS = ["scale", "dimension", "pole", "items", "n", "alpha", "alpha_ci_low", "alpha_ci_high",
           "omega"]
DETAIL = ["flag", "omega_note"]
ITEM_COLUMNS = ["scale", "item", "text", "reverse", "item_total", "alpha_if_deleted", "flag"]
LISTWISE = ("Listwise: a respondent counts for a scale only when all of its items are "
            "answered, so n may differ between scales.")


@dataclass(frozen=True)
class Scale:
    key: str                  # "dimension:pole", or "dimension" for the whole dimension
    dimension: str
    pole: str                 # "" for a whole dimension
    items: tuple[str, ...]
    reverse: tuple[bool, ...]
    judge_items: bool = True  # flag weak items here; not in a two-pole dimension's whole
                              # scale, whose two poles need not be one thing: in their pole


def _item_table(cur, wave_id: int) -> pd.DataFrame:
    return cur.execute("SELECT item_id, dimension, pole, reverse, text FROM items "
                       "WHERE wave_id = ? ORDER BY position", [wave_id]).df()


def _from_instrument(table: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """A codebook's own scales over the wave's stored answers (matched by item id)."""
    stored = set(table["item_id"])
    missing = [i.id for i in instrument.items if i.id not in stored]
    if missing:
        raise QueryError(f"the codebook's item {missing[0]!r} is not in this wave")
    text = dict(zip(table["item_id"], table["text"]))
    return pd.DataFrame([(i.id, i.dimension, i.pole, i.reverse, text[i.id])
                         for i in instrument.items],
                        columns=["item_id", "dimension", "pole", "reverse", "text"])


def scales(table: pd.DataFrame) -> list[Scale]:
    """Each pole of a two-pole dimension, then the whole dimension (all its items as keyed,
    what balance averages); a one-pole dimension is a single scale with an empty pole."""
    out = []
    for dim, rows in table.groupby("dimension", sort=False):
        poles = list(dict.fromkeys(rows["pole"]))
        if len(poles) == 2:
            for pole in poles:
                part = rows[rows["pole"] == pole]
                out.append(Scale(f"{dim}:{pole}", dim, pole, tuple(part["item_id"]),
                                 tuple(bool(r) for r in part["reverse"])))
        out.append(Scale(dim, dim, "", tuple(rows["item_id"]),
                         tuple(bool(r) for r in rows["reverse"]), len(poles) == 1))
    return out


def _complete(items: tuple[str, ...]) -> str:
    return " AND ".join(f"a.{quote(i)} IS NOT NULL" for i in items)


def _answers(cur, wave_id: int, items: list[str], where) -> pd.DataFrame:
    """The selection's raw answers to these items (NULL where not answered)."""
    filt, params = _filters(cur, where)
    cols = ", ".join(f"a.{quote(i)}" for i in items)
    return cur.execute(f"SELECT {cols} FROM {answers_table(wave_id)} a "
                       f"JOIN respondents r ON r.rid = a.rid WHERE r.wave_id = ?{filt}",
                       [wave_id, *params]).df()


def _matrix(answers: pd.DataFrame, scale: Scale, smin: float, smax: float) -> np.ndarray:
    """Complete rows of the scale's items, reverse-keyed items scored smin + smax - v."""
    x = answers[list(scale.items)].to_numpy(dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    flip = np.array(scale.reverse, dtype=bool)
    x[:, flip] = smin + smax - x[:, flip]
    return x


def _rows(scale: Scale, stats: rel.ScaleStats, text: dict) -> tuple[dict, list[dict]]:
    row = {"scale": scale.key, "dimension": scale.dimension, "pole": scale.pole,
           "items": stats.items, "n": stats.n, "alpha": stats.alpha,
           "alpha_ci_low": stats.ci_low, "alpha_ci_high": stats.ci_high,
           "omega": np.nan if stats.omega is None else stats.omega,
           "flag": stats.flag, "omega_note": stats.omega_note}
    items = [{"scale": scale.key, "item": s.item, "text": text.get(s.item, s.item),
              "reverse": s.reverse, "item_total": s.item_total,
              "alpha_if_deleted": s.alpha_if_deleted,
              "flag": s.flag if scale.judge_items else None}
             for s in stats.item_stats]
    return row, items


def reliability(cur, wave: str | None = None, where: dict | None = None,
                min_group_size: int | None = None,
                instrument: Instrument | None = None) -> Result:
    """One row per scale (``COLUMNS`` + flag, omega_note) that disclosure control allows;
    ``extra["items"]`` holds the item analysis of the shown scales. With ``instrument`` (a
    codebook's), its scales and keys are used instead of the wave's."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    wave_id = info["wave_id"]
    table = _item_table(cur, wave_id)
    if instrument is not None:
        table = _from_instrument(table, instrument)
    found = scales(table)
    bases = {"all": "count(*)",
             **{f"scale:{s.key}": f"count(*) FILTER (WHERE {_complete(s.items)})" for s in found}}
    population, _ = _verdicts(cur, wave_id, where, None, bases, k, answers=True)
    n = _population_n(population)
    extra = {"wave": info["name"], "listwise": LISTWISE,
             "items": _empty(ITEM_COLUMNS)}
    if (why := refused(population, k)) is not None:
        return Result(_empty(COLUMNS + DETAIL), k, n, message=why, extra=extra)
    reasons = {s.key: r for s in found if (r := population.reason(ALL, f"scale:{s.key}"))}
    shown = [s for s in found if s.key not in reasons]
    answers = _answers(cur, wave_id, list(dict.fromkeys(table["item_id"])), where)
    text = dict(zip(table["item_id"], table["text"]))
    rows, items = [], []
    for scale in shown:
        x = _matrix(answers, scale, float(info["scale_min"]), float(info["scale_max"]))
        row, item_rows = _rows(scale, rel.analyse(x, list(scale.items), list(scale.reverse)),
                               text)
        rows.append(row)
        items += item_rows
    extra["items"] = pd.DataFrame(items, columns=ITEM_COLUMNS)
    out = pd.DataFrame(rows, columns=COLUMNS + DETAIL)
    message = disclosure.describe(reasons, k, label=lambda key: f"scale {key}")
    return Result(out, k, n, message=message, extra=extra)
