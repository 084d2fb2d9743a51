"""Group differences from summary statistics: tests, effect sizes, correction, power.

Everything here works on group means, SDs and sizes (or on rank sums), never on
respondents, so the store can feed it the figures disclosure control already allows.
Distributions come from ``scipy.special`` (``scipy.stats`` costs 0.5 s to import).

- Welch's ANOVA (Welch 1951): groups may differ in variance and size.
- Kruskal–Wallis H from rank sums with the tie correction (the rank-based check).
- Eta squared: between-group share of the total sum of squares.
- Welch's t for two groups, Cohen's d (pooled SD) with its 95% CI from the
  large-sample standard error of Hedges & Olkin (1985): se² = (n1+n2)/(n1 n2) + d²/(2(n1+n2)).
- Holm's step-down correction across a family of tests.
- The smallest detectable difference of two group sizes (normal approximation).
"""
from __future__ import annotations

import numpy as np
from scipy.special import chdtrc, fdtrc, ndtri, stdtr

ALPHA = 0.05
POWER = 0.80
SMALL_D = 0.2           # Cohen's "small" effect: the least difference worth marking


def _arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def welch_anova(means, sds, ns) -> tuple[float, float, float, float]:
    """(F, df1, df2, p) of Welch's heteroscedastic one-way ANOVA.

    NaN when fewer than two groups, a group of fewer than 2, or a group without spread
    (its weight n/s² is infinite: the test is undefined, as in R's oneway.test).
    """
    m, s, n = _arrays(means, sds, ns)
    g = len(m)
    if g < 2 or (n < 2).any() or not (s > 0).all():
        return (np.nan,) * 4
    w = n / s ** 2
    grand = (w * m).sum() / w.sum()
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    f = ((w * (m - grand) ** 2).sum() / (g - 1)) / (1 + 2 * (g - 2) * lam / (g ** 2 - 1))
    df2 = (g ** 2 - 1) / (3 * lam)
    return float(f), float(g - 1), float(df2), float(fdtrc(g - 1, df2, f))


def eta_squared(means, sds, ns) -> float:
    """Between-group sum of squares over the total; NaN without any spread at all."""
    m, s, n = _arrays(means, sds, ns)
    if len(m) < 2:
        return np.nan
    grand = (n * m).sum() / n.sum()
    between = (n * (m - grand) ** 2).sum()
    within = ((n - 1) * s ** 2).sum()
    total = between + within
    return float(between / total) if total > 0 else np.nan


def kruskal_from_ranks(rank_sums, ns, tie_term: float) -> tuple[float, float, float]:
    """(H, df, p) from each group's sum of mid-ranks and sizes; ``tie_term`` = Σ(t³ − t)
    over the groups of tied values. NaN with fewer than two groups or all values tied."""
    r, n = _arrays(rank_sums, ns)
    total = n.sum()
    correction = 1 - tie_term / (total ** 3 - total) if total > 1 else 0.0
    if len(r) < 2 or correction <= 0:
        return np.nan, np.nan, np.nan
    h = (12 / (total * (total + 1)) * (r ** 2 / n).sum() - 3 * (total + 1)) / correction
    df = len(r) - 1
    return float(h), float(df), float(chdtrc(df, h))


def welch_t(mean_a, sd_a, n_a, mean_b, sd_b, n_b):
    """(t, df, two-sided p) of Welch's t; without spread on either side the difference is
    exact: p = 0 when the means differ, 1 when they do not."""
    ma, sa, na, mb, sb, nb = _arrays(mean_a, sd_a, n_a, mean_b, sd_b, n_b)
    va, vb = sa ** 2 / na, sb ** 2 / nb
    diff = ma - mb
    with np.errstate(invalid="ignore", divide="ignore"):
        t = diff / np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
        p = 2 * stdtr(df, -np.abs(t))
    exact = (va + vb) == 0
    p = np.where(exact, np.where(diff == 0, 1.0, 0.0), p)
    p = np.where((na >= 2) & (nb >= 2), p, np.nan)
    return t, df, p


def pooled_sd(sd_a, n_a, sd_b, n_b):
    sa, na, sb, nb = _arrays(sd_a, n_a, sd_b, n_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(((na - 1) * sa ** 2 + (nb - 1) * sb ** 2) / (na + nb - 2))


def cohens_d(mean_a, sd_a, n_a, mean_b, sd_b, n_b, confidence: float = 0.95):
    """(d, ci_low, ci_high): (mean_a − mean_b) / pooled SD, CI d ± z·se (Hedges & Olkin).
    Groups without any spread give ±inf for a difference (and no CI), NaN for none."""
    ma, sa, na, mb, sb, nb = _arrays(mean_a, sd_a, n_a, mean_b, sd_b, n_b)
    sp = pooled_sd(sa, na, sb, nb)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (ma - mb) / sp
        se = np.sqrt((na + nb) / (na * nb) + d ** 2 / (2 * (na + nb)))
    z = ndtri(0.5 + confidence / 2)
    half = np.where(np.isfinite(d), z * se, np.nan)
    return d, d - half, d + half


def holm(pvalues) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (NaN stays NaN and is not counted as a test)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(~np.isnan(p))
    order = idx[np.argsort(p[idx], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


def detectable_difference(n_a, n_b, sd, alpha: float = ALPHA, power: float = POWER):
    """Smallest true difference a two-sided test at ``alpha`` finds with ``power``:
    (z[1−α/2] + z[power]) · sd · √(1/n_a + 1/n_b) — the normal approximation, in the
    units of ``sd`` (orientation points with the pooled SD)."""
    na, nb, s = _arrays(n_a, n_b, sd)
    return (ndtri(1 - alpha / 2) + ndtri(power)) * s * np.sqrt(1 / na + 1 / nb)


def meaningful(p_adjusted, d, alpha: float = ALPHA, least: float = SMALL_D) -> np.ndarray:
    """Significant after correction and at least a small effect (|d| ≥ 0.2)."""
    p, d = _arrays(p_adjusted, d)
    with np.errstate(invalid="ignore"):
        return (p < alpha) & (np.abs(d) >= least)


def complement(n_all, mean_all, sd_all, n, mean, sd):
    """Size, mean and SD of the rest of a population once one group is taken out, from the
    two groups' summaries alone (sums of squares about zero subtract exactly)."""
    na, ma, sa, ng, mg, sg = _arrays(n_all, mean_all, sd_all, n, mean, sd)
    nc = na - ng
    with np.errstate(invalid="ignore", divide="ignore"):
        mc = (na * ma - ng * mg) / nc
        squares = ((na - 1) * sa ** 2 + na * ma ** 2) - ((ng - 1) * sg ** 2 + ng * mg ** 2)
        var = (squares - nc * mc ** 2) / (nc - 1)
    noise = 1e-9 * (ma ** 2 + sa ** 2 + 1)       # rounding left where the rest has no spread
    return nc, mc, np.sqrt(np.where(var < noise, 0.0, var))


EFFECT_COLUMNS = ["p", "p_holm", "d", "d_ci_low", "d_ci_high", "meaningful", "detectable"]


def two_group_columns(frame):
    """A comparison table (``orientation_a``, ``orientation_sd_a``, ``n_a``, same for b)
    with Welch's p, Holm across its rows, Cohen's d and CI, the meaningful mark and the
    smallest detectable difference in orientation points (pooled SD)."""
    a = frame["orientation_a"], frame["orientation_sd_a"], frame["n_a"]
    b = frame["orientation_b"], frame["orientation_sd_b"], frame["n_b"]
    p = welch_t(*a, *b)[2]
    d, low, high = cohens_d(*a, *b)
    p_holm = holm(p)
    sd = pooled_sd(frame["orientation_sd_a"], frame["n_a"], frame["orientation_sd_b"],
                   frame["n_b"])
    return frame.assign(p=p, p_holm=p_holm, d=d, d_ci_low=low, d_ci_high=high,
                        meaningful=meaningful(p_holm, d),
                        detectable=detectable_difference(frame["n_a"], frame["n_b"], sd))
