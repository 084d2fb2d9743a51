"""Confidence intervals: Student's t for one mean, Welch's t for a difference of two."""
from __future__ import annotations

import numpy as np
from scipy.special import stdtrit  # Student's t quantile; scipy.stats costs 0.5 s to import

CONFIDENCE = 0.95


def mean_ci(mean, sd, n, confidence: float = CONFIDENCE):
    """Half-width t(1-a/2, n-1) * sd / sqrt(n); NaN where n < 2 (no spread to speak of)."""
    mean, sd, n = (np.asarray(x, dtype=float) for x in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stdtrit(n - 1, 0.5 + confidence / 2)
        half = t * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


def welch_ci(mean_a, sd_a, n_a, mean_b, sd_b, n_b, confidence: float = CONFIDENCE):
    """CI of mean_a - mean_b without assuming equal variances (Welch-Satterthwaite df)."""
    arrays = (mean_a, sd_a, n_a, mean_b, sd_b, n_b)
    mean_a, sd_a, n_a, mean_b, sd_b, n_b = (np.asarray(x, dtype=float) for x in arrays)
    va, vb = sd_a ** 2 / n_a, sd_b ** 2 / n_b
    diff = mean_a - mean_b
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (va + vb) ** 2 / (va ** 2 / (n_a - 1) + vb ** 2 / (n_b - 1))
        half = stdtrit(df, 0.5 + confidence / 2) * np.sqrt(va + vb)
    half = np.where(va + vb == 0, 0.0, half)      # no spread on either side: exact difference
    half = np.where((n_a >= 2) & (n_b >= 2), half, np.nan)
    return diff, diff - half, diff + half


def cronbach_alpha(items: np.ndarray) -> float:
    """Internal consistency of a scale from complete cases (rows = respondents)."""
    items = np.asarray(items, dtype=float)
    items = items[~np.isnan(items).any(axis=1)]
    k = items.shape[1]
    if k < 2 or items.shape[0] < 2:
        return float("nan")
    item_var = items.var(axis=0, ddof=1).sum()
    total_var = items.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var))
