"""How far a scale's items measure one thing: Cronbach's alpha with its confidence interval,
McDonald's omega, and the item analysis that says which item to look at.

Pure numpy/scipy on the item covariance matrix of a scale's complete, reverse-scored answers
(listwise: only respondents who answered every item of the scale) and their number, so every
number is testable without a database. Every statistic here is a function of that matrix, so
``store.item_matrix`` lets DuckDB compute it in one scan (a million respondents never travel to
Python) and applies the anonymity rules; ``analyse`` takes raw answers, for tests and callers
that have them.

- alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), as
  ``stats.cronbach_alpha`` (and R's ``psych::alpha`` raw_alpha on complete data).
- Its 95% interval is Feldt's (Feldt, Woodruff & Salih 1987), as R's ``psych::alpha.ci``:
  (1 - alpha) / (1 - true alpha) follows F(n-1, (n-1)(k-1)), so the limits are
  1 - (1 - alpha) * F quantile at 1 - p/2 (low) and at p/2 (high).
- omega total (McDonald 1999) from a one-factor model fitted by minimum residuals (the
  ``psych::fa`` default) to the item covariance matrix: 1 - sum of unique variances / variance
  of the sum, the form ``psych::omega`` prints as omega total. Not given (``None`` with the
  reason) for fewer than 3 items (a one-factor model of 2 items is not identified), when the
  fit does not converge, or for a Heywood case (an item whose unique variance comes out at or
  below zero): a number from such a fit would look precise and mean nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import fdtri          # F quantile; scipy.stats costs 0.5 s to import

from .stats import CONFIDENCE, cronbach_alpha

ALPHA_FLOOR = 0.70          # scales below are flagged (the usual floor for group comparisons)
ITEM_TOTAL_FLOOR = 0.30     # items below are flagged (corrected item-total correlation)
HEYWOOD = 0.005             # unique variance at or below this share of the item's variance

LOW_ALPHA = "alpha below 0.70"
LOW_ITEM = "corrected item-total correlation below 0.30"
NOT_REVERSED = ("reverse-keyed but correlates negatively with the rest of the scale: the "
                "export probably holds it already reversed, or the key is wrong")
NEGATIVE = "correlates negatively with the rest of the scale: should it be reverse-keyed?"
NO_SPREAD = "everyone gave the same answer"


@dataclass(frozen=True)
class ItemStats:
    item: str
    reverse: bool
    item_total: float           # corrected: correlation with the sum of the other items
    alpha_if_deleted: float
    flag: str | None


@dataclass(frozen=True)
class ScaleStats:
    n: int
    items: int
    alpha: float
    ci_low: float
    ci_high: float
    omega: float | None
    omega_note: str | None      # why omega is not given
    item_stats: tuple[ItemStats, ...]

    @property
    def flag(self) -> str | None:
        return LOW_ALPHA if np.isfinite(self.alpha) and self.alpha < ALPHA_FLOOR else None


def alpha(matrix) -> float:
    """Cronbach's alpha; NaN for fewer than 2 items or respondents, or a sum with no spread."""
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[1] < 2 or x.shape[0] < 2 or np.var(x.sum(axis=1)) == 0:
        return float("nan")
    return cronbach_alpha(x)


def alpha_from_cov(cov) -> float:
    """k/(k-1) * (1 - trace / sum of all covariances): the same alpha from the matrix."""
    cov = np.asarray(cov, dtype=float)
    k, total = len(cov), float(cov.sum()) if len(cov) else 0.0
    if k < 2 or not np.isfinite(total) or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def feldt_ci(alpha_value: float, n: int, k: int, confidence: float = CONFIDENCE):
    """Feldt's interval for alpha from n respondents and k items (``psych::alpha.ci``)."""
    if not np.isfinite(alpha_value) or n < 2 or k < 2:
        return float("nan"), float("nan")
    p = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha_value) * fdtri(df1, df2, 1 - p / 2)
    high = 1 - (1 - alpha_value) * fdtri(df1, df2, p / 2)
    return float(low), float(high)


def corrected_item_total(matrix) -> np.ndarray:
    """Each item's Pearson correlation with the sum of the *other* items (NaN: no spread)."""
    return item_total_from_cov(np.cov(np.asarray(matrix, dtype=float), rowvar=False))


def item_total_from_cov(cov) -> np.ndarray:
    """cov(x_j, T - x_j) / sd(x_j) sd(T - x_j), with T the sum of the items."""
    cov = np.atleast_2d(np.asarray(cov, dtype=float))
    row, var, total = cov.sum(axis=1), np.diag(cov), cov.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (row - var) / np.sqrt(var * (total - 2 * row + var))
    return np.where(np.isfinite(r), r, np.nan)


def alpha_if_deleted(matrix) -> np.ndarray:
    return deleted_from_cov(np.cov(np.asarray(matrix, dtype=float), rowvar=False))


def deleted_from_cov(cov) -> np.ndarray:
    cov = np.atleast_2d(np.asarray(cov, dtype=float))
    keep = ~np.eye(len(cov), dtype=bool)
    return np.array([alpha_from_cov(cov[np.ix_(keep[j], keep[j])]) for j in range(len(cov))])


def _minres(cov: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """One-factor loadings minimising the squared off-diagonal residuals (minres)."""
    off = ~np.eye(len(cov), dtype=bool)
    values, vectors = np.linalg.eigh(cov)
    start = vectors[:, -1] * np.sqrt(max(values[-1], 1e-12))

    def loss(lam):
        resid = (cov - np.outer(lam, lam))[off]
        return float((resid ** 2).sum())

    def grad(lam):
        resid = np.where(off, cov - np.outer(lam, lam), 0.0)
        return -4 * resid @ lam

    fit = minimize(loss, start, jac=grad, method="BFGS",
                   options={"gtol": 1e-10 * max(1.0, float(np.abs(cov).max())), "maxiter": 2000})
    if not fit.success and fit.status != 2:       # 2: precision loss at the optimum, still fine
        return None, "the one-factor model did not converge"
    lam = fit.x if fit.x.sum() >= 0 else -fit.x
    return lam, None


def omega_total(matrix) -> tuple[float | None, str | None]:
    """McDonald's omega total from a one-factor minres fit, or (None, why not)."""
    x = np.asarray(matrix, dtype=float)
    return omega_from_cov(np.cov(x, rowvar=False) if x.shape[0] > 1 else None, *x.shape)


def omega_from_cov(cov, n: int, k: int) -> tuple[float | None, str | None]:
    if k < 3:
        return None, "needs at least 3 items (a one-factor model of 2 items is not identified)"
    if n <= k or cov is None:
        return None, "needs more respondents than items"
    cov = np.asarray(cov, dtype=float)
    if np.any(np.diag(cov) <= 0):
        return None, "an item has no spread (everyone gave the same answer)"
    lam, why = _minres(cov)
    if lam is None:
        return None, why
    unique = np.diag(cov) - lam ** 2
    if np.any(unique <= HEYWOOD * np.diag(cov)):
        return None, ("Heywood case: an item's unique variance comes out at or below zero, "
                      "so the one-factor model does not hold")
    return float(1 - unique.sum() / cov.sum()), None


def _item_flag(r: float, reverse: bool) -> str | None:
    if not np.isfinite(r):
        return NO_SPREAD
    if r < 0:
        return NOT_REVERSED if reverse else NEGATIVE
    return LOW_ITEM if r < ITEM_TOTAL_FLOOR else None


def analyse(matrix, item_ids: list[str], reverse: list[bool] | None = None,
            confidence: float = CONFIDENCE) -> ScaleStats:
    """Every reliability figure of one scale from its complete, reverse-scored answers."""
    x = np.asarray(matrix, dtype=float).reshape(-1, len(item_ids))
    cov = np.cov(x, rowvar=False).reshape(x.shape[1], x.shape[1]) if len(x) > 1 else None
    return analyse_cov(cov, len(x), item_ids, reverse, confidence)


def analyse_cov(cov, n: int, item_ids: list[str], reverse: list[bool] | None = None,
                confidence: float = CONFIDENCE) -> ScaleStats:
    """The same from the covariance matrix (n - 1 denominator) of those answers and their n."""
    k = len(item_ids)
    reverse = list(reverse) if reverse is not None else [False] * k
    if cov is None or n < 2:
        return ScaleStats(n, k, float("nan"), float("nan"), float("nan"), None,
                          "too few respondents", tuple(ItemStats(i, bool(rv), float("nan"),
                                                            float("nan"), None)
                                                  for i, rv in zip(item_ids, reverse)))
    cov = np.asarray(cov, dtype=float)
    a = alpha_from_cov(cov)
    low, high = feldt_ci(a, n, k, confidence)
    omega, why = omega_from_cov(cov, n, k)
    if k >= 2:
        r, deleted = item_total_from_cov(cov), deleted_from_cov(cov)
    else:
        r, deleted = np.full(k, np.nan), np.full(k, np.nan)
    stats = tuple(ItemStats(i, bool(rev), float(rj), float(dj), _item_flag(rj, rev) if k >= 2
                            else None)
                  for i, rev, rj, dj in zip(item_ids, reverse, r, deleted))
    return ScaleStats(n, k, a, low, high, omega, why, stats)
