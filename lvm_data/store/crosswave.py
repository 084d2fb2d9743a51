"""Two waves that hold the same answers: a re-export imported again, and what it exposes.

A later re-export of a survey holds every earlier answer plus the late ones. Imported as a
new wave, any difference between the two waves (Compare, Trends) is the late respondents'
answers alone. ``file_repeats`` finds the existing waves a staged file repeats, so the
import can offer to replace them; ``differencing_risk`` tells ``compare`` (and
``risky_pairs`` the Trends page) when two waves differ by fewer people than the anonymity
minimum.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from . import disclosure, sketch, views
from .read import _filters, wave_row, waves
from .schema import answers_table, pole_column, quote, wave_dimensions


@dataclass(frozen=True)
class Repeat:
    """An existing wave whose respondents the file repeats with identical answers."""
    wave: str
    respondents: int
    identical: int
    by_key: bool

    def describe(self) -> str:
        how = "with the same respondent ids and" if self.by_key else "with"
        return (f"{self.identical:,} of the {self.respondents:,} respondents of wave "
                f"{self.wave!r} appear again {how} identical answers")


def _same(left: str, right: str, items: list[str]) -> str:
    """Every shared item answered alike (both blank counts as alike)."""
    return " AND ".join(f"{left}.{quote(i)} IS NOT DISTINCT FROM {right}.{quote(i)}"
                        for i in items)


def _identical_by_key(cur, wave_id: int, items: list[str]) -> int:
    """File rows whose respondent key is in the wave with the same answers. Keys are compared
    as stored, whatever their format (plain id, salted hash)."""
    return cur.execute(f"""
        SELECT count(*) FROM clean c
        JOIN respondents r ON r.respondent_key = c.respondent_key AND r.wave_id = ?
        JOIN {answers_table(wave_id)} a ON a.rid = r.rid
        WHERE c.problem IS NULL AND {_same('c', 'a', items)}""", [wave_id]).fetchone()[0]


def _identical_rows(cur, wave_id: int, items: list[str]) -> int:
    """Without keys: answer rows the file and the wave share, each row matched at most once.

    Rows are compared by a 64-bit hash of their answers (blanks hash alike), one join
    column instead of one per item: with millions of rows a side, grouping and joining on
    35 columns took most of an import. Two different rows share a hash with odds of about
    1e-7 at 2,000,000 rows a side, and could then only add one to a count that must reach
    half a wave."""
    cols = ", ".join(quote(i) for i in items)
    return cur.execute(f"""
        WITH f AS (SELECT hash({cols}) AS h, count(*) AS n FROM clean WHERE problem IS NULL
                   GROUP BY 1),
             w AS (SELECT hash({cols}) AS h, count(*) AS n FROM {answers_table(wave_id)}
                   GROUP BY 1)
        SELECT coalesce(sum(least(f.n, w.n)), 0) FROM f JOIN w USING (h)""").fetchone()[0]


def file_repeats(cur, items: list[str], keyed: bool) -> list[Repeat]:
    """Existing waves of which at least half the respondents appear again in the staged file
    (``clean``) with identical answers, most repeated first. Rows are compared when keys
    match nothing: a wave imported without ids, the same file again with them. A wave whose
    sketch shares no hash with the file is passed over unread (``store.sketch``)."""
    found = []
    waves = cur.execute("SELECT wave_id, name, respondents FROM waves ORDER BY wave_id").fetchall()
    sample = sketch.FileSample(cur)
    for wave_id, name, respondents in waves:
        present = {r[0] for r in cur.execute("SELECT item_id FROM items WHERE wave_id = ?",
                                             [wave_id]).fetchall()}
        shared = [i for i in dict.fromkeys(items) if i in present]
        if not shared or not respondents or sample.cannot_repeat(wave_id, shared, respondents):
            continue
        same = _identical_by_key(cur, wave_id, shared) if keyed else 0
        by_key = bool(same)
        same = same or _identical_rows(cur, wave_id, shared)
        if same and 2 * same >= respondents:
            found.append(Repeat(name, int(respondents), int(same), by_key))
    return sorted(found, key=lambda r: -r.identical)


def _side_sql(cur, wave_id: int, where, side: str, cols: str) -> tuple[str, list]:
    filt, params = _filters(cur, where)
    return (f"SELECT '{side}' AS side, {cols} FROM respondents r WHERE r.wave_id = ?{filt}",
            [wave_id, *params])


def differencing_risk(cur, a, b, k: int, by: str | None = None) -> str | None:
    """Why two waves must not be compared, or None.

    Respondents with identical scores in both waves cancel out of the difference, whoever
    they are; when the rest number 1..k-1, the difference is those few people's answers.
    ``by`` only says which remembered sums a first, cheap look may read (``_sums_apart``).
    """
    wave_a, wave_b = wave_row(cur, a.wave), wave_row(cur, b.wave)
    if wave_a["wave_id"] == wave_b["wave_id"]:
        return None
    if not _risky(cur, wave_a["wave_id"], a.where, wave_b["wave_id"], b.where, k, by):
        return None
    return (f"Waves {wave_a['name']} and {wave_b['name']} hold the same answers for all "
            f"but fewer than {k} respondents, so their difference would show those few "
            "people's answers. If one is a re-export of the other, replace it on the Data "
            "page.")


def _risky(cur, id_a: int, where_a, id_b: int, where_b, k: int, by=None) -> bool:
    """Remembered (``views.once``) per database file, pair of waves (as imported: a wave's
    respondents never change, and a wave imported again has a new import time), filters
    and minimum: a page asks about the same pairs of waves many times."""
    stamped = views.stamps(cur, [id_a, id_b])
    key = None if stamped is None else \
        ("risk", stamped[id_a], stamped[id_b], views.frozen(where_a), views.frozen(where_b), k)
    return views.once(key, lambda: _risk_now(cur, id_a, where_a, id_b, where_b, k, by))


def _risk_now(cur, id_a: int, where_a, id_b: int, where_b, k: int, by=None) -> bool:
    """The sizes and sums (from the cubes the pages read) first; the scores only when they
    cannot tell the two sides apart."""
    sizes = [views.sizes(cur, [wave_id], by, where)[wave_id]
             for wave_id, where in ((id_a, where_a), (id_b, where_b))]
    if abs(sizes[0] - sizes[1]) >= k or _sums_apart(cur, id_a, where_a, id_b, where_b, k, by):
        return False
    cols = ", ".join(pole_column(d, p) for d in wave_dimensions(cur, [id_a, id_b])
                     for p in ("leadership", "management"))
    if not cols:
        return False
    sql_a, params_a = _side_sql(cur, id_a, where_a, "a", cols)
    sql_b, params_b = _side_sql(cur, id_b, where_b, "b", cols)
    sides, params = f"{sql_a} UNION ALL {sql_b}", [*params_a, *params_b]
    if _surely_apart(cur, sides, params, cols, k):
        return False
    # scores compared by one hash of the pole columns (see ``_identical_rows``)
    shared, n_a, n_b = cur.execute(f"""
        SELECT coalesce(sum(least(na, nb)), 0), coalesce(sum(na), 0), coalesce(sum(nb), 0)
        FROM (SELECT count(*) FILTER (WHERE side = 'a') AS na,
                     count(*) FILTER (WHERE side = 'b') AS nb
              FROM ({sides}) GROUP BY hash({cols}))""", params).fetchone()
    rest = (n_a - shared) + (n_b - shared)
    return bool(shared) and 0 < rest < k


def _sums_apart(cur, id_a: int, where_a, id_b: int, where_b, k: int, by=None) -> bool:
    """True when the two sides' per-dimension counts or pole sums (the remembered sums the
    pages read anyway, ``views.sums``) prove k or more respondents unmatched.

    Matched respondents have equal scores, so only the unmatched move a count or a sum:
    each moves a count by one and a sum, measured from the middle c of the scale, by at
    most h, half its width (a score is a mean of answers on the scale). Fewer than k
    unmatched move a count by k - 1 at most and such a sum by (k - 1) h; anything beyond
    (with room for rounding) means k or more. Any grouping's sums add up to the
    selection's, so the caller's grouping (``by``) saves a scan."""
    table = waves(cur)
    scales = table[table["wave_id"].isin([id_a, id_b])]
    lo, hi = scales["scale_min"].min(), scales["scale_max"].max()
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    a, b = (_totals(views.sums(cur, [w], by, where)[w], centre)
            for w, where in ((id_a, where_a), (id_b, where_b)))
    for dim in set(a) | set(b):
        (n_a, *s_a), (n_b, *s_b) = a.get(dim, (0, 0.0, 0.0)), b.get(dim, (0, 0.0, 0.0))
        if abs(n_a - n_b) >= k:
            return True
        for x, y in zip(s_a, s_b):
            room = 1e-9 * (abs(x) + abs(y) + (n_a + n_b) * max(abs(lo), abs(hi))) + 1e-9
            if abs(x - y) > (k - 1) * half + room:
                return True
    return False


def _totals(raw, centre: float) -> dict[str, tuple[int, float, float]]:
    """Per dimension: respondents scored, and the sums of both poles less the centre."""
    out: dict[str, tuple[int, float, float]] = {}
    if raw.empty:                 # no one, or no dimension (then without score columns)
        return out
    for dim, n, lead, man in zip(raw["dimension"], raw["n"], raw["leadership"],
                                 raw["management"]):
        m, x, y = out.get(dim, (0, 0.0, 0.0))
        out[dim] = (m + int(n), x + (lead - centre) * n, y + (man - centre) * n)
    return out


def _surely_apart(cur, sides: str, params: list, cols: str, k: int) -> bool:
    """True when the two sides differ by k or more respondents, found cheaply (the caller
    compares the sizes first: a count of the filter columns alone)."""
    rows = sampled_rest(cur, f"SELECT NULL AS g, * FROM ({sides})", params, cols)
    _, n_a, n_b, rest = rows[0] if rows else (None, 0, 0, 0)
    return abs(n_a - n_b) >= k or rest >= k


def sampled_rest(cur, sides: str, params: list, cols: str,
                 groups: list[str] | None = None) -> list[tuple]:
    """Per group ``g`` of ``sides`` (rows of ``side`` 'a' or 'b', a group ``g`` and the
    score columns ``cols``; only ``groups`` when given): (g, size on a, size on b, a lower
    bound of the respondents left unmatched).

    Respondents match only when all their scores match, so the unmatched rest is a sum
    over groups of equal scores, and any part of it is a lower bound: the difference in
    size, and the rest among respondents whose first two scores hash to a multiple of 16
    (about 1/16 of them, grouped by a hash of all their scores: merging never adds unmatched
    ones; the others are only counted). Waves of different people are told apart here
    without grouping millions of rows."""
    two = ", ".join(cols.split(", ")[:2])
    keep = f" WHERE g IN ({', '.join('?' * len(groups))})" if groups is not None else ""
    return cur.execute(f"""
        SELECT g, coalesce(sum(na), 0), coalesce(sum(nb), 0),
               coalesce(sum(na + nb - 2 * least(na, nb)) FILTER (WHERE h IS NOT NULL), 0)
        FROM (SELECT g, h, count(*) FILTER (WHERE side = 'a') AS na,
                     count(*) FILTER (WHERE side = 'b') AS nb
              FROM (SELECT side, g, CASE WHEN hash({two}) % 16 = 0 THEN hash({cols}) END AS h
                    FROM ({sides}){keep})
              GROUP BY g, h)
        GROUP BY g""", [*params, *(groups or [])]).fetchall()


class _Side(NamedTuple):
    wave: str
    where: dict | None


def risky_pairs(cur, where: dict | None = None, min_group_size: int | None = None,
                by: str | None = None) -> list[tuple[str, str]]:
    """Consecutive waves (oldest first) that differ by 1..k-1 respondents within the filters:
    a trend line across them would show those few people's answers."""
    k = disclosure.minimum(cur, min_group_size)
    table = waves(cur)
    names, ids = [str(n) for n in table["wave"]], [int(w) for w in table["wave_id"]]
    views.sums(cur, ids, by, where)   # one scan for all
    return [(names[i - 1], names[i]) for i in range(1, len(ids))
            if _risky(cur, ids[i], where, ids[i - 1], where, k, by)]
