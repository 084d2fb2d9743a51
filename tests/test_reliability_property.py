"""Property: no two reliability figures can be subtracted down to fewer than k respondents.

On the random organisations of ``test_disclosure_property`` (small teams, skipped poles and
items), for random pairs of nested selections A ⊆ B: every shown scale has at least k complete
answerers; the same scale in A and B differs by 0 or at least k; and within one selection a
pole and its whole dimension, shown together, differ by 0 or at least k.
"""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lvm_data import store
from tests.test_disclosure_property import _assert_nested, _load, _organisation, _pair


def _scales(cur, where: dict, k: int) -> dict[str, int]:
    table = store.reliability(cur, where=where, min_group_size=k).table
    return dict(zip(table["scale"], (int(n) for n in table["n"])))


def _within(shown: dict[str, int], k: int, what: str) -> None:
    for scale, n in shown.items():
        assert n >= k, (what, scale, n)
        dim, _, pole = scale.partition(":")
        if pole and dim in shown:
            assert not 0 < n - shown[dim] < k, (what, scale, n, shown[dim])


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), k=st.sampled_from([5, 7]))
def test_reliability_figures_never_differ_by_fewer_than_k(tmp_path, seed, k):
    rows = _organisation(seed)
    con = _load(rows, tmp_path / f"org{seed}.csv")
    cur = con.cursor()
    rng = random.Random(seed)
    for _ in range(4):
        a, b = _pair(rows, rng)
        fig_a, fig_b = _scales(cur, a, k), _scales(cur, b, k)
        _within(fig_a, k, f"A={a}")
        _within(fig_b, k, f"B={b}")
        _assert_nested(fig_a, fig_b, k, f"A={a} B={b}")
    con.close()
