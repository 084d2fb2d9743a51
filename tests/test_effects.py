"""Group-difference statistics against published values and independent computations."""
import numpy as np
import pytest
from scipy import stats

from lvm_data import effects

# Field, Discovering Statistics Using SPSS (3rd ed., 2009), ch. 10: libido by Viagra dose.
VIAGRA = [np.array([3, 2, 1, 1, 4.]), np.array([5, 2, 4, 2, 3.]), np.array([7, 4, 5, 3, 6.])]
# R's sleep data (Cushny & Peebles); R: oneway.test(extra ~ group, sleep)
# F = 3.4626, num df = 1, denom df = 17.776, p-value = 0.07939
SLEEP = [np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]),
         np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])]


def summary(groups):
    return ([g.mean() for g in groups], [g.std(ddof=1) if len(g) > 1 else np.nan for g in groups],
            [len(g) for g in groups])


def test_welch_anova_reproduces_fields_published_example():
    f, df1, df2, p = effects.welch_anova(*summary(VIAGRA))
    # published: Welch F(2, 7.94) = 4.32, p = .054
    assert (round(f, 2), df1, round(df2, 2), round(p, 3)) == (4.32, 2, 7.94, 0.054)


def test_welch_anova_reproduces_r_oneway_test_on_sleep():
    f, df1, df2, p = effects.welch_anova(*summary(SLEEP))
    assert f == pytest.approx(3.4626, abs=5e-5)
    assert df2 == pytest.approx(17.776, abs=5e-4)
    assert p == pytest.approx(0.07939, abs=5e-6)


def test_two_group_welch_anova_is_welchs_t_squared():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 13), rng.normal(0.8, 3, 40)      # unequal n and variance
    f, _, df2, p = effects.welch_anova(*summary([a, b]))
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert f == pytest.approx(ref.statistic ** 2)
    assert p == pytest.approx(ref.pvalue)
    assert df2 == pytest.approx(ref.df)


@pytest.mark.parametrize("groups", [[np.array([1., 2, 3])],                    # one group
                                    [np.array([2., 2, 2]), np.array([1., 3])],  # no spread
                                    [np.array([1.]), np.array([1., 3])]])       # n = 1
def test_welch_anova_undefined_cases_are_nan(groups):
    assert np.isnan(effects.welch_anova(*summary(groups))).all()


def test_eta_squared_reproduces_field():
    # Field: SS_M = 20.13, SS_T = 43.73 -> eta² = .46
    assert effects.eta_squared(*summary(VIAGRA)) == pytest.approx(20.133 / 43.733, abs=1e-3)


def test_eta_squared_against_raw_sums_of_squares_and_edges():
    rng = np.random.default_rng(2)
    groups = [rng.normal(m, 1 + m, n) for m, n in ((0, 7), (1, 20), (3, 11))]
    everyone = np.concatenate(groups)
    total = ((everyone - everyone.mean()) ** 2).sum()
    between = sum(len(g) * (g.mean() - everyone.mean()) ** 2 for g in groups)
    assert effects.eta_squared(*summary(groups)) == pytest.approx(between / total)
    assert np.isnan(effects.eta_squared([3, 3], [0, 0], [4, 5]))       # no spread at all
    assert effects.eta_squared([1, 3], [0, 0], [4, 5]) == 1.0           # all between groups
    assert np.isnan(effects.eta_squared([3], [1], [4]))                 # one group


def ranks(groups):
    everyone = np.concatenate(groups)
    r = stats.rankdata(everyone)
    bounds = np.cumsum([0, *map(len, groups)])
    _, t = np.unique(everyone, return_counts=True)
    return [r[a:b].sum() for a, b in zip(bounds, bounds[1:])], [len(g) for g in groups], \
        float((t ** 3 - t).sum())


def test_kruskal_from_ranks_matches_scipy_with_ties():
    rng = np.random.default_rng(3)
    groups = [rng.integers(1, 6, n).astype(float) for n in (9, 30, 14, 5)]   # many ties
    h, df, p = effects.kruskal_from_ranks(*ranks(groups))
    ref = stats.kruskal(*groups)
    assert (h, p) == (pytest.approx(ref.statistic), pytest.approx(ref.pvalue))
    assert df == 3


def test_kruskal_undefined_when_everything_tied_or_one_group():
    assert np.isnan(effects.kruskal_from_ranks(*ranks([np.ones(4), np.ones(6)]))[0])
    assert np.isnan(effects.kruskal_from_ranks(*ranks([np.arange(5.)]))[0])


def test_welch_t_matches_scipy_and_exact_cases():
    rng = np.random.default_rng(4)
    a, b = rng.normal(0, 2, 8), rng.normal(1, 0.5, 25)
    t, df, p = effects.welch_t(a.mean(), a.std(ddof=1), 8, b.mean(), b.std(ddof=1), 25)
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert (t, df, p) == (pytest.approx(ref.statistic), pytest.approx(ref.df),
                          pytest.approx(ref.pvalue))
    # no spread on either side: the difference is exact
    assert effects.welch_t(3, 0, 5, 2, 0, 6)[2] == 0.0
    assert effects.welch_t(3, 0, 5, 3, 0, 6)[2] == 1.0
    assert np.isnan(effects.welch_t(3, 1, 1, 2, 1, 6)[2])


def test_cohens_d_and_its_interval_worked_by_hand():
    # a = 1..5 (mean 3, SD √2.5), b = 3..7 (mean 5, SD √2.5): pooled SD √2.5, d = -2/√2.5
    a, b = np.arange(1., 6), np.arange(3., 8)
    d, low, high = effects.cohens_d(a.mean(), a.std(ddof=1), 5, b.mean(), b.std(ddof=1), 5)
    hand = -2 / np.sqrt(2.5)                                         # -1.2649
    se = np.sqrt(10 / 25 + hand ** 2 / 20)                           # Hedges & Olkin
    assert d == pytest.approx(hand)
    assert (low, high) == (pytest.approx(hand - 1.959964 * se), pytest.approx(hand + 1.959964 * se))


def test_cohens_d_unequal_groups_against_numpy_pooled_sd():
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 12), rng.normal(0.5, 2, 31)
    pooled = np.sqrt((((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (12 + 31 - 2))
    d = effects.cohens_d(a.mean(), a.std(ddof=1), 12, b.mean(), b.std(ddof=1), 31)[0]
    assert d == pytest.approx((a.mean() - b.mean()) / pooled)


def test_cohens_d_without_spread():
    d, low, high = effects.cohens_d(4, 0, 5, 3, 0, 5)
    assert d == np.inf and np.isnan(low) and np.isnan(high)
    assert np.isnan(effects.cohens_d(4, 0, 5, 4, 0, 5)[0])


def test_holm_worked_by_hand():
    # sorted .005, .01, .03, .04 -> x4, x3, x2, x1 = .02, .03, .06, .04 -> monotone .06
    got = effects.holm([0.01, 0.04, 0.03, 0.005])
    assert got == pytest.approx([0.03, 0.06, 0.06, 0.02])
    got = effects.holm([0.5, np.nan, 0.01])                 # NaN is not a test
    assert got[0] == pytest.approx(0.5) and np.isnan(got[1]) and got[2] == pytest.approx(0.02)
    assert effects.holm([0.6, 0.7]).tolist() == [1.0, 1.0]   # capped at 1


def test_detectable_difference_textbook_and_power():
    # Cohen's classic: 64 per group detect d = .5 (normal approximation gives 0.495)
    assert effects.detectable_difference(64, 64, 1.0) == pytest.approx(0.4953, abs=1e-4)
    # at the returned difference a two-sided z test has 80% power (computed with scipy)
    mdd = effects.detectable_difference(12, 40, 30.0)
    se = 30 * np.sqrt(1 / 12 + 1 / 40)
    z = stats.norm.ppf(0.975)
    power = stats.norm.sf(z - mdd / se) + stats.norm.cdf(-z - mdd / se)
    assert power == pytest.approx(0.80, abs=1e-3)


def test_meaningful_needs_both_significance_and_size():
    got = effects.meaningful([0.01, 0.01, 0.2, np.nan], [0.5, 0.1, 0.9, 0.9])
    assert got.tolist() == [True, False, False, False]


def test_complement_matches_the_rest_computed_directly():
    rng = np.random.default_rng(6)
    group, rest = rng.normal(10, 20, 9), rng.normal(-5, 35, 50)
    everyone = np.concatenate([group, rest])
    n, m, s = effects.complement(len(everyone), everyone.mean(), everyone.std(ddof=1),
                                 9, group.mean(), group.std(ddof=1))
    assert (n, m, s) == (50, pytest.approx(rest.mean()), pytest.approx(rest.std(ddof=1)))
    same = np.full(8, 25.0)                                  # the rest has no spread
    everyone = np.concatenate([group, same])
    s = effects.complement(17, everyone.mean(), everyone.std(ddof=1), 9, group.mean(),
                           group.std(ddof=1))[2]
    assert s == 0.0
