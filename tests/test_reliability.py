"""Reliability statistics against hand-worked values and independent computations.

Expected numbers are worked out in the comments or recomputed here with numpy/scipy written
independently of ``lvm_data.reliability``; none is copied from the code's output.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from lvm_data import reliability as rel

# Four respondents x three items, worked by hand:
# item variances (n-1): [1,2,3,4] -> 5/3; [2,2,4,5] -> 9/4; [3,4,4,5] -> 2/3; sum 55/12
# totals [6,8,11,14]: variance 49/4; alpha = 3/2 * (1 - (55/12)/(49/4)) = 46/49
HAND = np.array([[1, 2, 3], [2, 2, 4], [3, 4, 4], [4, 5, 5]], dtype=float)


def test_alpha_of_the_hand_worked_example():
    assert rel.alpha(HAND) == pytest.approx(46 / 49, abs=1e-12)


def test_corrected_item_total_and_alpha_if_deleted_by_hand():
    # item 1 against the rest [5,6,8,10]: cross products 8.5, sums of squares 5 and 14.75
    r = rel.corrected_item_total(HAND)
    assert r[0] == pytest.approx(8.5 / math.sqrt(5 * 14.75), abs=1e-12)
    # without item 1: variances 9/4 and 2/3 (35/12), total [5,6,8,10] variance 59/12
    # alpha = 2 * (1 - 35/59) = 48/59
    assert rel.alpha_if_deleted(HAND)[0] == pytest.approx(48 / 59, abs=1e-12)


def _textbook_alpha(x: np.ndarray) -> float:
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_item_analysis_matches_an_independent_computation():
    rng = np.random.default_rng(3)
    trait = rng.normal(size=(300, 1))
    x = np.clip(np.round(3 + trait + rng.normal(scale=1.0, size=(300, 5))), 1, 5)
    stats = rel.analyse(x, list("abcde"))
    assert stats.alpha == pytest.approx(_textbook_alpha(x), abs=1e-12)
    for j, item in enumerate(stats.item_stats):
        rest = np.delete(x, j, axis=1)
        assert item.item_total == pytest.approx(np.corrcoef(x[:, j], rest.sum(axis=1))[0, 1],
                                                abs=1e-12)
        assert item.alpha_if_deleted == pytest.approx(_textbook_alpha(rest), abs=1e-12)


def test_feldt_interval_as_psych_alpha_ci():
    # psych::alpha.ci: 1 - (1 - alpha) * qf(1 - p/2 | p/2, n - 1, (n - 1)(k - 1))
    for a, n, k in ((0.8, 100, 10), (0.7038, 2709, 5), (0.35, 12, 3)):
        low, high = rel.feldt_ci(a, n, k)
        df1, df2 = n - 1, (n - 1) * (k - 1)
        assert low == pytest.approx(1 - (1 - a) * sps.f.ppf(0.975, df1, df2), abs=1e-10)
        assert high == pytest.approx(1 - (1 - a) * sps.f.ppf(0.025, df1, df2), abs=1e-10)
        assert low < a < high


def _exact(cov: np.ndarray, n: int = 400, seed: int = 5) -> np.ndarray:
    """Data whose sample covariance is exactly ``cov`` (whitened noise, then coloured)."""
    z = np.random.default_rng(seed).normal(size=(n, len(cov)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return 3 + z @ np.linalg.cholesky(cov).T


def test_omega_recovers_an_exact_one_factor_model():
    lam, psi = np.array([0.9, 0.7, 0.6, 0.5, 0.8]), np.array([0.5, 0.6, 0.4, 0.7, 0.3])
    x = _exact(np.outer(lam, lam) + np.diag(psi))
    omega, why = rel.omega_total(x)
    assert why is None
    assert omega == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum()), abs=1e-6)


def test_omega_equals_alpha_for_tau_equivalent_items():
    """Equal loadings: alpha is exactly omega (Novick & Lewis 1967)."""
    lam, psi = np.full(4, 0.7), np.array([0.3, 0.5, 0.4, 0.6])
    x = _exact(np.outer(lam, lam) + np.diag(psi))
    assert rel.omega_total(x)[0] == pytest.approx(rel.alpha(x), abs=1e-6)


def test_omega_is_not_given_when_it_would_mean_nothing():
    two = _exact(np.array([[1.0, 0.5], [0.5, 1.0]]))
    omega, why = rel.omega_total(two)
    assert omega is None and "at least 3 items" in why
    # r12 = r13 = .8, r23 = .4: one factor needs loading_1^2 = .64/.4 = 1.6 > 1 (Heywood)
    heywood = _exact(np.array([[1, .8, .8], [.8, 1, .4], [.8, .4, 1]]))
    omega, why = rel.omega_total(heywood)
    assert omega is None and "Heywood" in why


def test_two_item_scale():
    x = np.array([[1, 2], [2, 2], [3, 4], [4, 3], [5, 5]], dtype=float)
    v1, v2 = x.var(axis=0, ddof=1)
    c = np.cov(x, rowvar=False)[0, 1]
    stats = rel.analyse(x, ["a", "b"])
    assert stats.alpha == pytest.approx(4 * c / (v1 + v2 + 2 * c), abs=1e-12)
    assert stats.omega is None
    assert all(math.isnan(i.alpha_if_deleted) for i in stats.item_stats)   # one item left


def test_zero_variance_item_and_too_few_respondents():
    x = np.array([[3, 1, 2], [3, 2, 2], [3, 4, 5], [3, 5, 4]], dtype=float)
    stats = rel.analyse(x, ["flat", "b", "c"])
    assert stats.item_stats[0].flag == rel.NO_SPREAD and math.isnan(stats.item_stats[0].item_total)
    assert stats.omega is None and "no spread" in stats.omega_note
    assert stats.alpha == pytest.approx(_textbook_alpha(x), abs=1e-12)
    assert math.isnan(rel.alpha(x[:1])) and math.isnan(rel.feldt_ci(0.8, 1, 3)[0])
    assert math.isnan(rel.alpha(np.full((5, 3), 2.0)))        # no spread at all: no alpha
    two = rel.analyse(x[:2, 1:], ["b", "c"])                 # n = 2 still has an alpha
    assert two.alpha == pytest.approx(_textbook_alpha(x[:2, 1:]), abs=1e-12)


def test_negative_alpha_and_the_hints():
    x = np.array([[1, 5, 2], [2, 4, 2], [3, 3, 4], [4, 2, 3], [5, 1, 5]], dtype=float)
    stats = rel.analyse(x, ["a", "r", "c"], reverse=[False, True, False])
    assert stats.alpha == pytest.approx(_textbook_alpha(x), abs=1e-12) and stats.alpha < 0
    assert stats.flag == rel.LOW_ALPHA
    assert stats.item_stats[1].flag == rel.NOT_REVERSED       # reverse-keyed, negative
    plain = rel.analyse(x, ["a", "r", "c"])
    assert plain.item_stats[1].flag == rel.NEGATIVE
    weak = rel.analyse(HAND, ["a", "b", "c"])
    assert weak.flag is None and all(i.flag is None for i in weak.item_stats)
