"""Statistics against published reference values (psych 2.2.9 on the bfi data set)."""
import csv
from pathlib import Path

import numpy as np
import pytest

from lvm_data.stats import cronbach_alpha, mean_ci, welch_ci

BFI = Path(__file__).parent / "fixtures" / "external" / "bfi.csv"
REVERSED = {"A1", "C4", "C5", "E1", "E2", "O2", "O5"}


def scale_items(prefix):
    with open(BFI, newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = [f"{prefix}{i}" for i in range(1, 6)]
    data = np.array([[float(r[c]) if r[c] != "" else np.nan for c in cols] for r in rows])
    for j, c in enumerate(cols):
        if c in REVERSED:
            data[:, j] = 7 - data[:, j]
    return data


@pytest.mark.parametrize("prefix, alpha, n", [
    ("A", 0.7038, 2709), ("C", 0.7293, 2707), ("E", 0.7609, 2713),
    ("N", 0.8133, 2694), ("O", 0.6025, 2726)])
def test_cronbach_alpha_matches_psych_listwise(prefix, alpha, n):
    data = scale_items(prefix)
    assert (~np.isnan(data).any(axis=1)).sum() == n
    assert cronbach_alpha(data) == pytest.approx(alpha, abs=5e-5)


def test_mean_ci_uses_student_t():
    # n = 4, sd = 2: t(0.975, 3) = 3.1824 (printed table) -> half-width 3.1824 * 2 / 2
    low, high = mean_ci([10.0], [2.0], [4])
    assert low[0] == pytest.approx(10 - 3.1824, abs=1e-4)
    assert high[0] == pytest.approx(10 + 3.1824, abs=1e-4)
    low, _ = mean_ci([10.0], [2.0], [1])
    assert np.isnan(low[0])


def test_welch_ci_unequal_variances():
    # a: mean 5, sd 1, n 10; b: mean 3, sd 3, n 20 -> se^2 = 0.1 + 0.45 = 0.55
    # df = 0.55^2 / (0.1^2/9 + 0.45^2/19) = 0.3025 / (0.0011111 + 0.0106579) = 25.704
    # t(0.975, 25.704) = 2.0573 (interpolated between df 25: 2.0595 and df 26: 2.0555)
    diff, low, high = welch_ci(5, 1, 10, 3, 3, 20)
    assert diff == pytest.approx(2.0)
    assert high - diff == pytest.approx(2.0573 * 0.55 ** 0.5, abs=2e-3)
