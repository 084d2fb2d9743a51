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
from . import cells, disclosure, views
from .disclosure import ALL
from .read import (QueryError, Result, _empty, _filters, _population_n,
                   _verdicts, _verdicts_of, refused, wave_row)
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


def covariances(cur, wave_id: int, found: list[Scale], where) -> list[tuple[int, np.ndarray]]:
    """Per scale: its complete answerers and their item covariance matrix, with reverse-keyed
    items scored smin + smax - v (which only flips the sign of their covariances). Every
    reliability figure derives from these, so no answer leaves DuckDB. One query: a UNION of
    one aggregate per scale over the selection, each filtered to the scale's complete rows
    (a FILTER clause per covariance is 20 times slower)."""
    filt, params = _filters(cur, where)
    parts = []
    for j, s in enumerate(found):
        covs = ", ".join(f"covar_samp({quote(x)}, {quote(y)})"
                         for i, x in enumerate(s.items) for y in s.items[i:])
        complete = " AND ".join(f"{quote(i)} IS NOT NULL" for i in s.items)
        parts.append(f"SELECT {j} AS j, count(*) AS n, [{covs}] AS v FROM sel WHERE {complete}")
    rows = cur.execute(f"""
        WITH sel AS (SELECT a.* FROM {answers_table(wave_id)} a JOIN respondents r
                     ON r.rid = a.rid WHERE r.wave_id = ?{filt})
        {' UNION ALL '.join(parts)} ORDER BY j""", [wave_id, *params]).fetchall()
    out = []
    for s, (_, n, values) in zip(found, rows):
        k = len(s.items)
        cov = np.zeros((k, k))
        cov[np.triu_indices(k)] = [np.nan if v is None else v for v in values]
        cov = np.triu(cov) + np.triu(cov, 1).T
        sign = np.where(np.array(s.reverse, dtype=bool), -1.0, 1.0)
        out.append((int(n), cov * np.outer(sign, sign)))
    return out


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


def _shared(found: list[Scale]) -> list[tuple[Scale, Scale, tuple[str, ...]]]:
    """Pairs of scales sharing at least two items, with the union of their items: figures of
    the two (alpha if an item is deleted, item-rest correlations) can be about the same items,
    computed on two sets of respondents that differ by those who skipped a non-shared item."""
    out = []
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            if len(set(a.items) & set(b.items)) >= 2:
                out.append((a, b, tuple(dict.fromkeys(a.items + b.items))))
    return out


def _overlap_reasons(pairs, verdict, withheld: dict, k: int) -> dict[str, str]:
    """The remainder rule between scales of one selection: both scales of a pair must hold 0
    or at least k respondents beyond those complete on both; else the one with more items
    (fewer respondents) is withheld too."""
    out = {}
    for a, b, _ in pairs:
        if a.key in withheld or b.key in withheld or a.key in out or b.key in out:
            continue
        both = verdict.n.at[ALL, f"both:{a.key}|{b.key}"]
        extra = [verdict.n.at[ALL, f"scale:{s.key}"] - both for s in (a, b)]
        if any(0 < e < k for e in extra):
            out[max((a, b), key=lambda s: len(s.items)).key] = disclosure.REMAINDER
    return out


def _scale_bases(found: list[Scale], pairs) -> dict[str, str]:
    """Everyone, each scale's complete answerers, and those complete on two sharing scales."""
    return {"all": "count(*)",
            **{f"scale:{s.key}": f"count(*) FILTER (WHERE {_complete(s.items)})" for s in found},
            **{f"both:{a.key}|{b.key}": f"count(*) FILTER (WHERE {_complete(u)})"
               for a, b, u in pairs}}


def dimension_counts(cur, wave_id: int, where, dimension: str) -> pd.DataFrame:
    """The base counts of one dimension's figures on the answers, for its item answers
    (``figures.item_distribution``) and its reliability alike: the Dimensions page shows
    both, and each needed its own join of millions of answer rows. Summed from a cube
    (``cells``) remembered like ``views``: a wave's answers never change once imported,
    so a new filter needs no join at all."""
    table = _item_table(cur, wave_id)
    bases = _answer_bases(table[table["dimension"] == dimension])
    attrs = cells.attributes(cur, None, where)
    cube = views.remembered(cur, wave_id, ("answers", dimension, attrs),
                            lambda: _answer_cube(cur, wave_id, attrs, bases))
    return cells.cell_counts(cube, where, None, list(bases))


def _answer_bases(table: pd.DataFrame) -> dict[str, str]:
    """The bases of these items' figures: their scales' complete answerers (and of pairs of
    scales sharing items), and each item's answerers. Scales share items only within a
    dimension, so the bases of several dimensions are the union of each one's."""
    found = scales(table)
    return {**_scale_bases(found, _shared(found)),
            **{f"item:{i}": f"count(a.{quote(i)})" for i in table["item_id"]}}


def _answer_cube(cur, wave_id: int, attrs: tuple[str, ...], bases: dict[str, str]):
    """The kept answer cube (``keep_answers``) when it holds these bases, else the join."""
    kept = _kept_answers(cur, wave_id, list(bases)) if attrs == cells.KEPT else None
    return kept if kept is not None else cells.answer_cube(cur, wave_id, attrs, bases)


def keep_answers(cur, wave_id: int, staged: tuple[set[str], str | None] | None = None) -> None:
    """Keep a wave's answer cube over the sidebar's attributes, with the bases of all its
    dimensions, in ``answer_cells`` (one row per cell and base, zeros kept, so any
    instrument fits one table): inside the import's transaction, like ``cells.keep``, so a
    first view of item answers or reliability needs no join of millions of answer rows.
    ``staged``: counted from the import's ``clean`` (``cells.answer_cube_sql``)."""
    bases = _answer_bases(_item_table(cur, wave_id))
    sql, params = cells.answer_cube_sql(cur, wave_id, cells.KEPT, bases, staged)
    names = ", ".join(f"a{i}" for i in range(len(cells.KEPT)))
    counts = ", ".join(f"b{j}" for j in range(len(bases)))
    cur.execute(f"INSERT INTO answer_cells SELECT ?, {names}, unnest(?::VARCHAR[]), "
                f"unnest([{counts}]) FROM ({sql})", [wave_id, list(bases), *params])


def keep_missing(con) -> None:
    """The answer cube of every wave imported before they were kept (see ``cells``)."""
    for (wave_id,) in con.execute("SELECT wave_id FROM waves WHERE wave_id NOT IN "
                                  "(SELECT wave_id FROM answer_cells) ORDER BY 1").fetchall():
        keep_answers(con, int(wave_id))


def _kept_answers(cur, wave_id: int, bases: list[str]) -> pd.DataFrame | None:
    """The kept cube's columns for ``bases``, or None when it lacks one of them."""
    attrs = ", ".join(quote(a) for a in cells.KEPT)
    sums = ", ".join(f"sum(n) FILTER (WHERE base = ?)::BIGINT AS b{j}" for j in range(len(bases)))
    frame = cur.execute(f"SELECT {attrs}, count(DISTINCT base) AS found, {sums} "
                        f"FROM answer_cells WHERE wave_id = ? AND base IN "
                        f"({', '.join('?' * len(bases))}) GROUP BY ALL",
                        [*bases, wave_id, *bases]).df()
    if frame.empty or (frame["found"] < len(bases)).any():
        return None
    return frame.drop(columns="found").rename(columns={f"b{j}": b for j, b in enumerate(bases)})


def dimension_verdict(cur, wave_id: int, where, dimension: str, bases: list[str], k: int):
    """The selection's verdict on ``bases`` (some of ``dimension_counts``'s columns)."""
    counts = dimension_counts(cur, wave_id, where, dimension)
    flags = [c for c in counts.columns if c.startswith(disclosure.FLAG)]
    return _verdicts_of(counts[[*flags, "g", *bases]], None, list(bases), k)[0]


def reliability(cur, wave: str | None = None, where: dict | None = None,
                min_group_size: int | None = None,
                instrument: Instrument | None = None, dimension: str | None = None) -> Result:
    """One row per scale (``COLUMNS`` + flag, omega_note) that disclosure control allows;
    ``extra["items"]`` holds the item analysis of the shown scales. With ``instrument`` (a
    codebook's), its scales and keys are used instead of the wave's; with ``dimension``, only
    that dimension's scales (one scan of fewer columns, for the Dimensions page)."""
    k = disclosure.minimum(cur, min_group_size)
    info = wave_row(cur, wave)
    wave_id = info["wave_id"]
    table = _item_table(cur, wave_id)
    if instrument is not None:
        table = _from_instrument(table, instrument)
    if dimension is not None:
        table = table[table["dimension"] == dimension]
    found = scales(table)
    pairs = _shared(found)
    bases = _scale_bases(found, pairs)
    if dimension is not None and instrument is None:      # the Dimensions page: shared
        population = dimension_verdict(cur, wave_id, where, dimension, list(bases), k)
    else:
        population, _ = _verdicts(cur, wave_id, where, None, bases, k, answers=True)
    n = _population_n(population)
    extra = {"wave": info["name"], "listwise": LISTWISE,
             "items": _empty(ITEM_COLUMNS)}
    if (why := refused(population, k)) is not None:
        return Result(_empty(COLUMNS + DETAIL), k, n, message=why, extra=extra)
    reasons = {s.key: r for s in found if (r := population.reason(ALL, f"scale:{s.key}"))}
    overlap = _overlap_reasons(pairs, population, reasons, k)
    shown = [s for s in found if s.key not in reasons and s.key not in overlap]
    text = dict(zip(table["item_id"], table["text"]))
    rows, items = [], []
    for scale, (m, cov) in zip(shown, covariances(cur, wave_id, shown, where) if shown else []):
        stats = rel.analyse_cov(cov if m >= 2 else None, m, list(scale.items),
                                list(scale.reverse))
        row, item_rows = _rows(scale, stats, text)
        rows.append(row)
        items += item_rows
    extra["items"] = pd.DataFrame(items, columns=ITEM_COLUMNS)
    out = pd.DataFrame(rows, columns=COLUMNS + DETAIL)
    notes = [disclosure.describe(reasons, k, label=lambda key: f"scale {key}")]
    if overlap:
        notes.append(f"Withheld to protect anonymity: {', '.join(f'scale {s}' for s in overlap)} "
                     f"(its respondents differ from those of a scale that shares items with it "
                     f"by fewer than {k} people, so comparing the two would reveal their "
                     "answers).")
    message = " ".join(n for n in notes if n) or None
    return Result(out, k, n, message=message, extra=extra | {"withheld": reasons | overlap})
