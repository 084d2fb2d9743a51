"""Property: no two answered figures of nested selections differ by 1..k-1 respondents.

Hypothesis draws random organisations (teams of 1 to 12, skewed tenure bands, skipped poles
and items) and random pairs of selections A ⊆ B, where B removes or widens some of A's
filters (multi-selects included), plus grouped views of A. For every dimension, item and
archetype mix answered for both, the respondents behind them differ by 0 or at least k.
"""
from __future__ import annotations

import csv
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lvm_data import ingest, store
from lvm_data.instrument import load_default

ITEMS = load_default().items
DIMS = load_default().dimensions
ATTRS = {"department": "Department", "team": "Team", "role": "Role", "tenure_band": "Tenure band"}


def _organisation(seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for d in range(rng.randint(2, 3)):
        for t in range(rng.randint(1, 3)):
            for _ in range(rng.choice([1, 2, 3, 4, 6, 8, 12])):
                row = {"Department": f"D{d}", "Team": f"D{d}-T{t}",
                       "Role": rng.choices(["IC", "Lead"], [4, 1])[0],
                       "Tenure band": rng.choices(["new", "mid", "old", "veteran"], [1, 4, 4, 1])[0]}
                skip = rng.choice(ITEMS) if rng.random() < 0.15 else None
                for item in ITEMS:
                    same_pole = skip and (item.dimension, item.pole) == (skip.dimension,
                                                                         skip.pole)
                    blank = same_pole or rng.random() < 0.04
                    row[item.id] = "" if blank else str(rng.randint(1, 5))
                rows.append(row)
    return rows


def _load(rows: list[dict], path) -> store.Selection:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*ATTRS.values(), *(i.id for i in ITEMS)])
        writer.writeheader()
        writer.writerows(rows)
    con = store.connect(":memory:")
    ingest.import_file(con, path, ingest.Options(wave="w"))
    return con


def _pair(rows: list[dict], rng: random.Random) -> tuple[dict, dict]:
    """A random selection A and a wider B (filters removed or widened)."""
    a, b = {}, {}
    for attr, col in ATTRS.items():
        values = sorted({r[col] for r in rows})
        if rng.random() < 0.55:
            chosen = rng.sample(values, rng.randint(1, min(2, len(values))))
            a[attr] = chosen
            fate = rng.choice(["keep", "widen", "drop"])
            if fate == "keep":
                b[attr] = list(chosen)
            elif fate == "widen":
                b[attr] = sorted(set(chosen) | set(rng.sample(values, 1)))
    return a, b


def _figures(cur, where: dict, dim: str, k: int) -> dict[str, int]:
    """Respondents behind every answered figure of a selection, by figure name."""
    out = {}
    scores = store.group_scores(cur, where=where, min_group_size=k).table
    out |= {f"dim:{d}": int(n) for d, n in zip(scores["dimension"], scores["n"])}
    mix = store.archetype_mix(cur, where=where, min_group_size=k).table
    out |= {f"mix:{d}": int(n) for d, n in mix.groupby("dimension")["n"].sum().items()}
    items = store.item_distribution(cur, dim, where=where, min_group_size=k).table
    out |= {f"item:{i}": int(n) for i, n in items.groupby("item_id")["count"].sum().items()}
    return out


def _assert_nested(small: dict[str, int], big: dict[str, int], k: int, what: str) -> None:
    for name in small.keys() & big.keys():
        diff = big[name] - small[name]
        assert diff >= 0, (what, name)
        assert not 0 < diff < k, (what, name, small[name], big[name])


def _grouped(cur, where: dict, by: str, k: int) -> dict[str, dict[str, int]]:
    table = store.group_scores(cur, by=by, where=where, min_group_size=k).table
    cells: dict[str, dict[str, int]] = {}
    for group, dim, n in zip(table["group"], table["dimension"], table["n"]):
        cells.setdefault(group, {})[f"dim:{dim}"] = int(n)
    return cells


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), k=st.sampled_from([5, 7]))
def test_no_pair_of_answered_figures_differs_by_fewer_than_k(tmp_path, seed, k):
    rows = _organisation(seed)
    con = _load(rows, tmp_path / f"org{seed}.csv")
    cur = con.cursor()
    rng = random.Random(seed)
    dim = rng.choice(DIMS)
    for _ in range(4):
        a, b = _pair(rows, rng)
        fig_a, fig_b = _figures(cur, a, dim, k), _figures(cur, b, dim, k)
        _assert_nested(fig_a, fig_b, k, f"A={a} B={b}")
        by = rng.choice(list(ATTRS))
        cells = _grouped(cur, a, by, k)
        totals = store.group_scores(cur, where=a, min_group_size=k).table
        for d, n_all in zip(totals["dimension"], totals["n"]):
            shown = sum(c.get(f"dim:{d}", 0) for c in cells.values())
            assert not 0 < n_all - shown < k, ("hidden groups", a, by, d)
        for group, cell in cells.items():
            _assert_nested(cell, fig_a, k, f"group {group} of A={a} by {by}")
            _assert_nested(cell, fig_b, k, f"group {group} of A={a} by {by}, B={b}")
    con.close()
