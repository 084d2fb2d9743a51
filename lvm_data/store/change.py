"""Change since the previous wave: the same groups (matched by attribute value) in two waves.

Each wave's figures pass disclosure control on their own, so a group below the minimum
in either wave, or hidden there for any other rule, shows no change. The change is the
difference of two figures that are shown anyway; what it adds is the cross-wave risk of
``crosswave``: when a group's respondents repeat with identical scores in both waves but
for 1..k-1 people, the change is those people's answers. That test runs per group here
(the Trends check only looks at the whole population), and such a group shows no change.
"""
from __future__ import annotations

import pandas as pd

from ..stats import welch_ci
from . import crosswave, disclosure, views
from .read import QueryError, Result, _apply, _filters, _group_expr, refused, wave_row, waves
from .schema import pole_column, wave_dimensions

COLUMNS = ["group", "dimension", "n_before", "n", "orientation_before", "orientation",
           "change", "change_ci_low", "change_ci_high", "beyond_noise"]


def previous_wave(cur, wave: str | None = None) -> str | None:
    """The wave before ``wave`` (the latest when None) in date order, or None."""
    names = [str(n) for n in waves(cur)["wave"]]
    current = wave_row(cur, wave)["name"]
    at = names.index(current)
    return names[at - 1] if at > 0 else None


def _shown(cur, wave_id: int, by, where, k: int) -> tuple[pd.DataFrame, bool]:
    """One wave's group rows (with the spread) that disclosure control allows."""
    seen = views.view(cur, wave_id, by, where, k)
    if refused(seen.population, k) is not None:
        return pd.DataFrame(), False
    return _apply(seen.raw, seen.groups)[0], True


def repeated_groups(cur, id_now: int, id_before: int, by, where, k: int) -> set[str]:
    """Groups whose two waves hold identical score rows for all but 1..k-1 respondents."""
    dims = wave_dimensions(cur, [id_now, id_before])
    cols = ", ".join(pole_column(d, p) for d in dims for p in ("leadership", "management"))
    if not cols:
        return set()
    group_sql, group_params = _group_expr(cur, by)
    filt, filt_params = _filters(cur, where)
    side = (f"SELECT ? AS side, {group_sql} AS g, {cols} FROM respondents r "
            f"WHERE r.wave_id = ?{filt}")
    sides = f"{side} UNION ALL {side}"
    params = ["a", *group_params, id_now, *filt_params,
              "b", *group_params, id_before, *filt_params]
    sizes = cur.execute(f"SELECT {group_sql} AS g, count(*) FILTER (WHERE r.wave_id = ?), "
                        f"count(*) FILTER (WHERE r.wave_id = ?) FROM respondents r WHERE "
                        f"r.wave_id IN (?, ?){filt} GROUP BY g",
                        [*group_params, id_now, id_before, id_now, id_before,
                         *filt_params]).fetchall()
    near = [g for g, na, nb in sizes if abs(na - nb) < k]    # the sizes alone, first
    # the others are told apart by the lower bounds of the whole selection's check
    close = [g for g, na, nb, rest in crosswave.sampled_rest(cur, sides, params, cols, near)
             if abs(na - nb) < k and rest < k] if near else []
    if not close:
        return set()
    marks = ", ".join("?" * len(close))
    rows = cur.execute(f"""
        SELECT g, coalesce(sum(least(na, nb)), 0) AS shared, sum(na) AS na, sum(nb) AS nb
        FROM (SELECT g, count(*) FILTER (WHERE side = 'a') AS na,
                     count(*) FILTER (WHERE side = 'b') AS nb
              FROM ({sides}) WHERE g IN ({marks}) GROUP BY g, {cols})
        GROUP BY g""", [*params, *close]).fetchall()
    return {str(g) for g, shared, na, nb in rows
            if shared and 0 < (na - shared) + (nb - shared) < k}


def _empty(message: str, k: int, **extra) -> Result:
    return Result(pd.DataFrame({c: [] for c in COLUMNS}), k, message=message, extra=extra)


def change(cur, by: str | None = None, wave: str | None = None, since: str | None = None,
           where: dict | None = None, min_group_size: int | None = None) -> Result:
    """Orientation now minus in ``since`` (default: the wave before) per group x dimension,
    with Welch's 95% CI; ``beyond_noise`` when the interval excludes 0."""
    k = disclosure.minimum(cur, min_group_size)
    now = wave_row(cur, wave)
    since = since if since is not None else previous_wave(cur, now["name"])
    if since is None:
        return _empty(f"Wave {now['name']} is the first wave: there is no earlier one.", k,
                      wave=now["name"])
    before = wave_row(cur, since)
    if before["wave_id"] == now["wave_id"]:
        raise QueryError("--since names the same wave: choose an earlier one")
    extra = {"wave": now["name"], "since": before["name"]}
    pair = crosswave._Side(now["name"], where), crosswave._Side(before["name"], where)
    if why := crosswave.differencing_risk(cur, *pair, k):
        return _empty(why, k, **extra)
    views.views(cur, [now["wave_id"], before["wave_id"]], by, where, k)    # one scan for both
    shown_now, ok_now = _shown(cur, now["wave_id"], by, where, k)
    shown_before, ok_before = _shown(cur, before["wave_id"], by, where, k)
    if not (ok_now and ok_before) or shown_now.empty or shown_before.empty:
        return _empty("This selection is below the anonymity minimum in one of the two "
                      "waves, so no change is shown.", k, **extra)
    m = shown_now.merge(shown_before, on=["group", "dimension"], suffixes=("", "_before"))
    repeated = set() if by is None else \
        repeated_groups(cur, now["wave_id"], before["wave_id"], by, where, k)  # whole: above
    m = m[~m["group"].astype(str).isin(repeated)]
    diff, low, high = welch_ci(m["orientation"], m["orientation_sd"], m["n"],
                               m["orientation_before"], m["orientation_sd_before"],
                               m["n_before"])
    table = m.assign(change=diff, change_ci_low=low, change_ci_high=high,
                     beyond_noise=(low > 0) | (high < 0))
    table = table.sort_values(["group", "order"], kind="stable")[COLUMNS]
    table["n"], table["n_before"] = table["n"].astype(int), table["n_before"].astype(int)
    hidden = len(shown_now) - len(table)
    msg = None
    if hidden:
        msg = (f"No change shown for {hidden} group × dimension cell(s): below the anonymity "
               f"minimum of {k} in wave {before['name']}, or the two waves differ there by "
               f"fewer than {k} people, so the change would show their answers.")
    return Result(table.reset_index(drop=True), k, hidden_cells=hidden, message=msg,
                  extra=extra)


def steps(cur, by: str | None = None, where: dict | None = None,
          min_group_size: int | None = None) -> Result:
    """The change of every wave from the one before (for Trends): one ``change`` per step,
    with a ``wave`` column naming the later wave."""
    table = waves(cur)
    names = [str(n) for n in table["wave"]]
    parts = []
    k = disclosure.minimum(cur, min_group_size)
    views.views(cur, [int(i) for i in table["wave_id"]], by, where, k)   # every wave at once
    for before, now in zip(names, names[1:]):
        result = change(cur, by, now, before, where, min_group_size)
        if not result.empty:
            parts.append(result.table.assign(wave=now))
    if not parts:
        return Result(pd.DataFrame({c: [] for c in ["wave", *COLUMNS]}), k)
    return Result(pd.concat(parts, ignore_index=True)[["wave", *COLUMNS]], k)

