"""Tests for wres.trends.

Every statistic is checked against a computation made independently here
(scipy.stats.linregress, a separate statsmodels fit, brute-force enumeration,
hand-worked examples), to 1e-6 unless noted.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from wres.stats import trends as T

TOL = 1e-6
DATA = Path(__file__).resolve().parents[2] / "data" / "raw" / "published" / "wres_national_published.csv"

# Indicator 3, relative likelihood of BME staff entering formal disciplinary, 2016-2023.
IND3_YEARS = np.arange(2016, 2024)
IND3_VALUES = np.array([1.56, 1.37, 1.24, 1.22, 1.16, 1.14, 1.14, 1.03])

# A percentage series with a gap year (2019 missing), as in indicator 1.
PCT_YEARS = np.array([2016, 2017, 2018, 2020, 2021, 2022, 2023])
PCT_VALUES = np.array([17.7, 18.0, 19.1, 21.0, 22.4, 24.2, 25.6])

# An identity-scale series with noise and no clear trend.
ID_YEARS = np.arange(2015, 2021)
ID_VALUES = np.array([3.0, 5.0, 2.0, 6.0, 4.0, 3.5])

CASES = [
    ("log", IND3_YEARS, IND3_VALUES),
    ("logit", PCT_YEARS, PCT_VALUES),
    ("identity", ID_YEARS, ID_VALUES),
]

fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def close(a, b, tol=TOL):
    return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)


def z_of(values, kind):
    v = np.asarray(values, float)
    if kind == "log":
        return np.log(v)
    if kind == "logit":
        p = v / 100
        return np.log(p / (1 - p))
    return v


def brute_mk(values):
    """S and exact two-sided p by enumerating all n! orderings (ties kept)."""
    v = np.asarray(values, float)
    n = v.size

    def s_of(a):
        return sum(np.sign(a[j] - a[i]) for i in range(n) for j in range(i + 1, n))

    s_obs = s_of(v)
    perms = np.array(list(itertools.permutations(v)))
    i, j = np.triu_indices(n, 1)
    s_all = np.sign(perms[:, j] - perms[:, i]).sum(axis=1)
    return s_obs, float(np.mean(np.abs(s_all) >= abs(s_obs)))


# ---------------------------------------------------------------------------
# transform
# ---------------------------------------------------------------------------


def test_min_years_is_five():
    # n = 4: the most extreme orderings (2 of 4! = 24) give the smallest exact
    # two-sided Mann-Kendall p, 2/24 > 0.05; n = 5 gives 2/120 < 0.05.
    assert T.MIN_YEARS == 5
    assert T.mann_kendall_exact([1, 2, 3, 4]).p == pytest.approx(2 / 24, abs=1e-12)
    assert T.mann_kendall_exact([1, 2, 3, 4, 5]).p == pytest.approx(2 / 120, abs=1e-12)


def test_transform_values():
    assert np.allclose(T.transform([1.0, math.e], "log"), [0.0, 1.0])
    assert np.allclose(T.transform([50.0, 75.0], "logit"), [0.0, math.log(3)])
    assert np.array_equal(T.transform([-2.0, 0.0, 3.0], "identity"), [-2.0, 0.0, 3.0])
    for kind in T.KINDS:
        z = T.transform([20.0, 40.0], kind)
        assert np.allclose(T.inverse_transform(z, kind), [20.0, 40.0])


@pytest.mark.parametrize(
    "values, kind",
    [
        ([1.0, 0.0], "log"),
        ([1.0, -0.5], "log"),
        ([0.0, 50.0], "logit"),
        ([50.0, 100.0], "logit"),
        ([50.0, 101.0], "logit"),
        ([0.5, np.nan], "log"),
        ([1.0, np.inf], "identity"),
    ],
)
def test_transform_rejects_outside_domain(values, kind):
    with pytest.raises(ValueError):
        T.transform(values, kind)


def test_transform_rejects_unknown_kind():
    with pytest.raises(ValueError):
        T.transform([1.0], "sqrt")


# ---------------------------------------------------------------------------
# OLS
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind, years, values", CASES)
def test_ols_matches_linregress_and_statsmodels(kind, years, values):
    res = T.ols_trend(years, values, kind)
    z = z_of(values, kind)
    n = len(z)
    lr = stats.linregress(years, z)
    tcrit = stats.t.ppf(0.975, n - 2)

    assert res["df"] == n - 2
    assert close(res["slope_transformed"], lr.slope)
    assert close(res["se_transformed"], lr.stderr)
    assert close(res["p_value"], lr.pvalue)
    assert close(res["slope_ci_low_transformed"], lr.slope - tcrit * lr.stderr)
    assert close(res["slope_ci_high_transformed"], lr.slope + tcrit * lr.stderr)

    # Separate statsmodels fit on uncentred years.
    X = sm.add_constant(np.asarray(years, float))
    smf = sm.OLS(z, X).fit()
    ci = smf.conf_int(alpha=0.05)[1]
    assert close(res["slope_transformed"], smf.params[1])
    assert close(res["se_transformed"], smf.bse[1])
    assert close(res["p_value"], smf.pvalues[1])
    assert close(res["slope_ci_low_transformed"], ci[0])
    assert close(res["slope_ci_high_transformed"], ci[1])
    assert close(res["resid_sd"], math.sqrt(smf.scale))

    # Natural scale, back-transformed by hand.
    b, lo, hi = lr.slope, ci[0], ci[1]
    if kind == "log":
        want = [100 * (math.exp(t) - 1) for t in (b, lo, hi)]
        unit = "% per year"
    elif kind == "logit":
        pbar = 1 / (1 + math.exp(-np.mean(z)))
        want = [t * pbar * (1 - pbar) * 100 for t in (b, lo, hi)]
        unit = "percentage points per year"
        assert close(res["delta_level"], 100 * pbar)
    else:
        want = [b, lo, hi]
        unit = "units per year"
    got = [res["slope"], res["slope_ci_low"], res["slope_ci_high"]]
    assert all(close(g, w) for g, w in zip(got, want, strict=False))
    assert res["slope_unit"] == unit


@pytest.mark.parametrize("kind, years, values", CASES)
def test_ols_fit_band_matches_statsmodels_prediction(kind, years, values):
    res = T.ols_trend(years, values, kind)
    fit = res["fit"]
    assert list(fit.columns) == ["year", "fitted", "ci_low", "ci_high"]
    assert fit["year"].iloc[0] == years[0] and fit["year"].iloc[-1] == years[-1]

    z = z_of(values, kind)
    smf = sm.OLS(z, sm.add_constant(np.asarray(years, float))).fit()
    grid = fit["year"].to_numpy()
    pred = smf.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)

    def back(a):
        a = np.asarray(a)
        if kind == "log":
            return np.exp(a)
        if kind == "logit":
            return 100 / (1 + np.exp(-a))
        return a

    np.testing.assert_allclose(fit["fitted"], back(pred["mean"]), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(fit["ci_low"], back(pred["mean_ci_lower"]), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(fit["ci_high"], back(pred["mean_ci_upper"]), rtol=TOL, atol=TOL)
    assert np.all(fit["ci_low"] <= fit["fitted"]) and np.all(fit["fitted"] <= fit["ci_high"])


def test_ols_custom_grid_and_alpha():
    grid = [2016, 2020, 2025]
    res = T.ols_trend(IND3_YEARS, IND3_VALUES, "log", alpha=0.1, grid=grid)
    assert list(res["fit"]["year"]) == grid
    lr = stats.linregress(IND3_YEARS, np.log(IND3_VALUES))
    t90 = stats.t.ppf(0.95, 6)
    assert close(res["slope_ci_low_transformed"], lr.slope - t90 * lr.stderr)


def test_ols_needs_three_points():
    with pytest.raises(ValueError):
        T.ols_trend([2020, 2021], [1.0, 2.0], "identity")


def test_ols_perfect_line_has_zero_se_and_p_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = T.ols_trend([1, 2, 3, 4, 5], [2.0, 4.0, 6.0, 8.0, 10.0], "identity")
    assert close(res["slope"], 2.0)
    assert res["se_transformed"] == pytest.approx(0, abs=1e-12)
    assert res["p_value"] == pytest.approx(0, abs=1e-12)


# ---------------------------------------------------------------------------
# Mann-Kendall
# ---------------------------------------------------------------------------


def test_mann_kendall_hand_worked():
    # [1, 3, 2, 4, 5]: of the 10 pairs (i < j) only (3, 2) is discordant, so
    # S = 9 - 1 = 8. Orderings with |S| >= 8: S = 10 (1, the sorted order), S = 8
    # (4, one adjacent swap of the sorted order) and their mirror images:
    # 10 of 5! = 120, so p = 10/120 = 1/12.
    s, p = T.mann_kendall_exact([1, 3, 2, 4, 5])
    assert s == 8
    assert p == pytest.approx(1 / 12, abs=1e-12)


@pytest.mark.parametrize(
    "values",
    [
        [1, 3, 2, 4, 5],
        [5, 1, 4, 2, 3, 0],
        [2.0, 1.0, 3.5, 3.0, 4.0, 6.0, 5.0],  # no ties, n = 7
        [1, 1, 2, 2, 3, 3, 1],  # ties
        [5, 4, 4, 4, 3, 1],  # a triple tie
        [1.14, 1.14, 1.03, 1.16, 1.22],  # real values with a tie
        [2, 2, 2, 2],  # all tied
        [3, 1],
        [7],
    ],
)
def test_mann_kendall_matches_brute_force(values):
    res = T.mann_kendall_exact(values)
    s_b, p_b = brute_mk(values)
    assert res.method == "exact"
    assert res.s == s_b
    assert close(res.p, p_b, 1e-12)


def test_mann_kendall_matches_brute_force_n8_with_ties():
    v = IND3_VALUES  # has a tie (1.14, 1.14)
    res = T.mann_kendall_exact(v)
    s_b, p_b = brute_mk(v)
    assert res.s == s_b == -27
    assert close(res.p, p_b, 1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_mann_kendall_matches_scipy_kendalltau_exact_no_ties(seed):
    rng = np.random.default_rng(seed)
    n = 5 + seed  # 5..10
    v = rng.normal(size=n) + 0.3 * np.arange(n)  # continuous, so no ties
    kt = stats.kendalltau(np.arange(n), v, method="exact")
    res = T.mann_kendall_exact(v)
    assert close(res.p, kt.pvalue)
    assert close(res.s, kt.statistic * n * (n - 1) / 2)


def test_mann_kendall_unpacks_as_pair_and_reports_method():
    out = T.mann_kendall_exact([1, 2, 3, 5, 4])
    s, p = out
    assert len(out) == 2 and out.method == "exact" and (s, p) == (out.s, out.p)


def _normal_mk_by_hand(v):
    v = np.asarray(v, float)
    n = v.size
    s = sum(np.sign(v[j] - v[i]) for i in range(n) for j in range(i + 1, n))
    _, t = np.unique(v, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18
    z = (s - np.sign(s)) / math.sqrt(var)
    return s, 2 * (1 - stats.norm.cdf(abs(z)))


def test_mann_kendall_normal_fallback_above_limit():
    rng = np.random.default_rng(1)
    v = np.round(rng.normal(0, 1, T.MK_EXACT_MAX_N + 10) + np.linspace(0, 1, 60), 1)
    assert len(np.unique(v)) < v.size  # rounding forces ties
    res = T.mann_kendall_exact(v)
    s, p = _normal_mk_by_hand(v)
    assert res.method == "normal"
    assert res.s == s
    assert close(res.p, p)


def test_mann_kendall_normal_can_be_forced_and_is_poor_at_small_n():
    v = [1, 3, 2, 4, 5, 7, 6, 8]
    exact = T.mann_kendall_exact(v)
    approx = T.mann_kendall_exact(v, exact_max_n=0)
    assert approx.method == "normal"
    assert close(approx.p, _normal_mk_by_hand(v)[1])
    assert close(exact.p, brute_mk(v)[1], 1e-12)


@fast
@given(st.lists(st.integers(0, 3), min_size=2, max_size=7))
def test_mann_kendall_exact_equals_enumeration_property(values):
    res = T.mann_kendall_exact(values)
    s_b, p_b = brute_mk(values)
    assert res.s == s_b
    assert close(res.p, p_b, 1e-12)


def test_mann_kendall_rejects_nan():
    with pytest.raises(ValueError):
        T.mann_kendall_exact([1.0, np.nan, 2.0])


# ---------------------------------------------------------------------------
# Theil-Sen
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind, years, values", CASES)
def test_theil_sen_slope_is_the_median_pairwise_slope(kind, years, values):
    res = T.theil_sen(years, values, kind)
    z = z_of(values, kind)
    x = np.asarray(years, float)
    pairwise = [(z[j] - z[i]) / (x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x))]
    assert close(res["sen_slope_transformed"], np.median(pairwise))
    # the interval's ranks are checked by hand in test_theil_sen_interval_is_sens_by_hand
    assert min(pairwise) <= res["sen_ci_low_transformed"] <= res["sen_slope_transformed"]
    assert res["sen_slope_transformed"] <= res["sen_ci_high_transformed"] <= max(pairwise)

    trip = (res["sen_slope_transformed"], res["sen_ci_low_transformed"], res["sen_ci_high_transformed"])
    if kind == "log":
        want = [100 * (math.exp(b) - 1) for b in trip]
    elif kind == "logit":
        pbar = 1 / (1 + math.exp(-np.mean(z)))
        want = [b * 100 * pbar * (1 - pbar) for b in trip]
    else:
        want = list(trip)
    got = [res["sen_slope"], res["sen_ci_low"], res["sen_ci_high"]]
    assert all(close(g, w) for g, w in zip(got, want, strict=False))
    assert res["slope_unit"] == T.slope_unit(kind)


def test_theil_sen_alpha_is_test_size():
    """alpha = 0.5 in the hand-worked example below: C = 0.674 * 6.658 = 4.49, ranks
    round((21 - 4.49)/2) = 8 and round((21 + 4.49)/2 + 1) = 14: slopes 3/4 and 1."""
    res = T.theil_sen(np.arange(1, 8), [0, 2, 1, 4, 3, 6, 5], "identity", alpha=0.5)
    assert close(res["sen_ci_low"], 0.75) and close(res["sen_ci_high"], 1.0)


def test_theil_sen_interval_is_sens_by_hand():
    """Sen (1968) / Hollander & Wolfe (1999, section 9.2), worked by hand for n = 7.

    Values 0, 2, 1, 4, 3, 6, 5 in years 1-7 have N = 21 pairwise slopes; sorted:
    -1 -1 -1 1/3 1/3 1/2 3/5 3/4 5/6 1 1 1 1 1 1 6/5 4/3 5/3 2 3 3 (median 1).
    Var(S) = n(n-1)(2n+5)/18 = 7*6*19/18 = 44.33 (no ties in the values), so
    C = 1.96 * sqrt(44.33) = 13.05; M1 = (N - C)/2 = 3.97 -> rank 4 and
    M2 + 1 = (N + C)/2 + 1 = 18.03 -> rank 18: the interval is [1/3, 5/3]."""
    res = T.theil_sen(np.arange(1, 8), [0, 2, 1, 4, 3, 6, 5], "identity")
    assert close(res["sen_slope"], 1.0)
    assert close(res["sen_ci_low"], 1 / 3) and close(res["sen_ci_high"], 5 / 3)


# ---------------------------------------------------------------------------
# Minimum detectable slope
# ---------------------------------------------------------------------------


def _power_by_hand(beta, years, sd, alpha=0.05):
    x = np.asarray(years, float)
    df = x.size - 2
    se = sd / math.sqrt(np.sum((x - x.mean()) ** 2))
    tc = stats.t.ppf(1 - alpha / 2, df)
    ncp = beta / se
    return stats.nct.sf(tc, df, ncp) + stats.nct.cdf(-tc, df, ncp)


@pytest.mark.parametrize("years", [np.arange(2016, 2024), PCT_YEARS, np.arange(2019, 2024)])
def test_min_detectable_slope_has_the_stated_power(years):
    sd = 0.05
    m_id = T.min_detectable_slope(years, sd, "identity")
    assert abs(_power_by_hand(m_id, years, sd) - 0.8) < 1e-6
    assert abs(_power_by_hand(-m_id, years, sd) - 0.8) < 1e-6

    m_log = T.min_detectable_slope(years, sd, "log")
    assert abs(_power_by_hand(math.log1p(m_log / 100), years, sd) - 0.8) < 1e-6

    m_logit = T.min_detectable_slope(years, sd, "logit", level_for_delta=20.0)
    assert abs(_power_by_hand(m_logit / (100 * 0.2 * 0.8), years, sd) - 0.8) < 1e-6

    m90 = T.min_detectable_slope(years, sd, "identity", alpha=0.1, power=0.9)
    assert abs(_power_by_hand(m90, years, sd, alpha=0.1) - 0.9) < 1e-6


def test_min_detectable_slope_grows_with_sd_and_edge_cases():
    years = np.arange(2016, 2024)
    sds = [0.0, 0.01, 0.05, 0.1, 0.5]
    m = [T.min_detectable_slope(years, s, "log") for s in sds]
    assert m[0] == 0.0
    assert all(a < b for a, b in zip(m, m[1:], strict=False))
    assert math.isnan(T.min_detectable_slope([2020, 2021], 0.1, "identity"))
    assert math.isnan(T.min_detectable_slope(years, float("nan"), "identity"))
    with pytest.raises(ValueError):
        T.min_detectable_slope(years, 0.1, "logit")  # needs level_for_delta


# ---------------------------------------------------------------------------
# analyse_series
# ---------------------------------------------------------------------------

KEYS = {
    "first_year", "last_year", "n_years", "slope", "slope_unit", "slope_ci_low",
    "slope_ci_high", "p_value", "mk_s", "mk_p", "sen_slope", "sen_ci_low",
    "sen_ci_high", "min_detectable_slope", "min_detectable_slope_family", "verdict",
    "fit", "verdict_reason", "tests_agree", "resid_sd", "mk_method",
    "method", "fitted_first", "fitted_last",
}  # fmt: skip


@pytest.mark.parametrize("kind, years, values", CASES)
def test_analyse_series_assembles_the_parts(kind, years, values):
    out = T.analyse_series(years, values, kind, "up")
    assert set(out) == KEYS
    ols = T.ols_trend(years, values, kind)
    ts = T.theil_sen(years, values, kind)
    s_b, p_b = brute_mk(values)
    assert (out["first_year"], out["last_year"], out["n_years"]) == (
        years[0], years[-1], len(years))  # fmt: skip
    for k in ("slope", "slope_ci_low", "slope_ci_high", "p_value", "resid_sd"):
        assert close(out[k], ols[k])
    for k in ("sen_slope", "sen_ci_low", "sen_ci_high"):
        assert close(out[k], ts[k])
    assert out["mk_s"] == s_b and close(out["mk_p"], p_b, 1e-12)
    assert out["mk_method"] == "exact"
    level = ols["delta_level"] if kind == "logit" else None
    assert close(out["min_detectable_slope"],
                 T.min_detectable_slope(years, ols["resid_sd"], kind, level))  # fmt: skip
    # Alone (a family of one) the rule that decides is the test itself.
    assert close(out["min_detectable_slope_family"], out["min_detectable_slope"])
    assert out["method"] == "ols"
    assert close(out["fitted_first"], ols["fit"]["fitted"].iloc[0])
    assert close(out["fitted_last"], ols["fit"]["fitted"].iloc[-1])
    # "up": a significant rise improves, a significant fall worsens, else no change
    want = "no significant change" if ols["p_value"] >= 0.05 else "improving" if ols["slope"] > 0 else "worsening"
    assert out["verdict"] == want


def test_analyse_series_too_few_years():
    out = T.analyse_series([2020, 2021, 2022, 2023], [1.2, 1.1, 1.0, 0.9], "log", "down")
    assert set(out) == KEYS
    assert out["verdict"] == "too few years"
    assert (out["first_year"], out["last_year"], out["n_years"]) == (2020, 2023, 4)
    for k in ("slope", "slope_ci_low", "slope_ci_high", "p_value", "mk_s", "mk_p",
              "sen_slope", "sen_ci_low", "sen_ci_high", "min_detectable_slope",
              "min_detectable_slope_family", "resid_sd"):  # fmt: skip
        assert math.isnan(out[k]), k
    assert out["fit"].empty and list(out["fit"].columns) == ["year", "fitted", "ci_low", "ci_high"]
    assert out["tests_agree"] is None and out["mk_method"] is None


@pytest.mark.parametrize(
    "years, values",
    [
        ([2016, 2018, 2017, 2019, 2020], [1, 2, 3, 4, 5]),  # unsorted
        ([2016, 2017, 2017, 2019, 2020], [1, 2, 3, 4, 5]),  # duplicate
        ([2016, 2017, 2018, 2019], [1, 2, 3, 4, 5]),  # length mismatch
        ([2016, 2017, 2018, 2019, 2020], [1, 2, np.nan, 4, 5]),  # missing value
        ([2016, 2017, 2018, 2019, 2020], [1, 2, 0, 4, 5]),  # outside log domain
    ],
)
def test_analyse_series_rejects_bad_input(years, values):
    with pytest.raises(ValueError):
        T.analyse_series(years, values, "log", "down")


def test_analyse_series_accepts_pandas():
    out = T.analyse_series(pd.Series(IND3_YEARS), pd.Series(IND3_VALUES), "log", "down")
    assert close(out["slope"], T.analyse_series(IND3_YEARS, IND3_VALUES, "log", "down")["slope"])


def test_real_data_indicator3_smoke():
    df = pd.read_csv(DATA)
    sel = df[(df["indicator"].astype(str) == "3") & (df["unit"] == "ratio")
             & df["measure"].str.startswith("Relative likelihood")]  # fmt: skip
    sel = sel.sort_values("report_year")
    years = sel["report_year"].to_numpy()
    values = sel["value"].to_numpy(float)
    assert list(years) == list(IND3_YEARS) and np.allclose(values, IND3_VALUES)
    out = T.analyse_series(years, values, "log", "down")
    lr = stats.linregress(years, np.log(values))
    assert close(out["slope"], 100 * (math.exp(lr.slope) - 1))
    assert close(out["p_value"], lr.pvalue)
    kt = stats.kendalltau(years, values)  # independent sign check only
    assert np.sign(out["mk_s"]) == np.sign(kt.statistic)
    assert (out["verdict"] == "improving") == (lr.pvalue < 0.05 and lr.slope < 0)


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

ratio_series = st.integers(5, 9).flatmap(lambda n: st.lists(st.floats(0.2, 5.0), min_size=n, max_size=n))


def _years(n, start=2015):
    return np.arange(start, start + n)


@fast
@given(ratio_series)
def test_reversing_time_flips_slope_and_s(values):
    v = np.array(values)
    yrs = _years(v.size)
    a = T.ols_trend(yrs, v, "log")
    b = T.ols_trend(yrs, v[::-1], "log")
    assert math.isclose(b["slope_transformed"], -a["slope_transformed"],
                        rel_tol=1e-9, abs_tol=1e-12)  # fmt: skip
    if abs(a["slope_transformed"]) > 1e-9:
        assert np.sign(a["slope"]) == -np.sign(b["slope"])
        assert math.isclose(a["p_value"], b["p_value"], rel_tol=1e-7, abs_tol=1e-12)
    assert T.mann_kendall_exact(v[::-1]).s == -T.mann_kendall_exact(v).s
    assert T.mann_kendall_exact(v[::-1]).p == pytest.approx(T.mann_kendall_exact(v).p, abs=1e-12)


@fast
@given(st.integers(1, 12), st.floats(0.5, 99.5), st.sampled_from(T.KINDS))
def test_constant_series_is_no_change(n, level, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = T.analyse_series(_years(n), [level] * n, kind, "up")
    if n < T.MIN_YEARS:
        assert out["verdict"] == "too few years"
        return
    assert out["verdict"] == "no significant change"
    assert out["slope"] == 0.0 and out["p_value"] == 1.0
    assert out["slope_ci_low"] == 0.0 and out["slope_ci_high"] == 0.0
    assert out["mk_s"] == 0 and out["mk_p"] == 1.0
    assert out["sen_slope"] == 0.0
    assert np.allclose(out["fit"]["fitted"], level)


@fast
@given(ratio_series, st.floats(0.01, 100.0))
def test_scaling_a_ratio_leaves_log_slope_unchanged(values, c):
    v = np.array(values)
    yrs = _years(v.size)
    a = T.ols_trend(yrs, v, "log")
    b = T.ols_trend(yrs, c * v, "log")
    assert math.isclose(a["slope"], b["slope"], rel_tol=1e-7, abs_tol=1e-9)
    assert math.isclose(a["se_transformed"], b["se_transformed"], rel_tol=1e-7, abs_tol=1e-9)
    sa, sb = T.theil_sen(yrs, v, "log"), T.theil_sen(yrs, c * v, "log")
    assert math.isclose(sa["sen_slope"], sb["sen_slope"], rel_tol=1e-7, abs_tol=1e-9)


@fast
@given(ratio_series, st.integers(-3000, 3000))
def test_shifting_years_leaves_slope_unchanged(values, shift):
    v = np.array(values)
    a = T.analyse_series(_years(v.size), v, "log", "down")
    b = T.analyse_series(_years(v.size) + shift, v, "log", "down")
    for k in ("slope", "slope_ci_low", "slope_ci_high", "sen_slope", "min_detectable_slope"):
        assert math.isclose(a[k], b[k], rel_tol=1e-7, abs_tol=1e-9), k
    assert math.isclose(a["p_value"], b["p_value"], rel_tol=1e-6, abs_tol=1e-9)
    assert a["verdict"] == b["verdict"] or abs(a["p_value"] - 0.05) < 1e-6


# ---------------------------------------------------------------------------
# Parity and rolling-average series
# ---------------------------------------------------------------------------

_WOBBLE = np.array([0.01, -0.01, 0.0, 0.01, -0.01, 0.0, 0.01, -0.01])


def _geometric(start, end, years=IND3_YEARS):
    """A ratio moving steadily (on the log scale) from start to end, with a small wobble."""
    t = (years - years[0]) / (years[-1] - years[0])
    return np.exp(np.log(start) + t * np.log(end / start) + _WOBBLE[: years.size])


@pytest.mark.parametrize(
    "start, end, want",
    [
        (0.90, 0.44, "worsening"),  # falls, but away from parity
        (1.60, 1.05, "improving"),  # falls towards parity
        (0.50, 0.85, "improving"),  # rises towards parity from below
        (1.40, 0.70, "crossed parity"),  # from disadvantage to the other side
    ],
)
def test_parity_verdicts_of_ratios(start, end, want):
    out = T.analyse_series(IND3_YEARS, _geometric(start, end), "log", "parity")
    assert out["p_value"] < 0.001
    assert out["verdict"] == want


@pytest.mark.parametrize(
    "values, want",
    [
        ([-10.6, -10.9, -11.3, -11.5, -11.8, -12.1], "worsening"),  # the gap widening
        ([-10.6, -9.0, -7.5, -6.1, -4.4, -3.0], "improving"),  # the gap closing
        ([-6.0, -3.5, -1.1, 1.2, 3.6, 6.1], "crossed parity"),
    ],
)
def test_parity_verdicts_of_gaps(values, want):
    out = T.analyse_series(np.arange(2019, 2025), values, "identity", "parity")
    assert out["verdict"] == want


def test_parity_not_significant_is_no_change():
    out = T.analyse_series(IND3_YEARS, [0.9, 0.5, 0.8, 0.6, 0.9, 0.5, 0.7, 0.6], "log", "parity")
    assert out["p_value"] > 0.05 and out["verdict"] == "no significant change"


def test_rolling_series_uses_gls_with_the_moving_average_correlation():
    """Checked against statsmodels' own GLS with the MA(1) correlation of two-year averages
    (1 on the diagonal, 0.5 next to it), written out here."""
    y = np.log(IND3_VALUES)
    n = y.size
    omega = np.eye(n) + 0.5 * (np.eye(n, k=1) + np.eye(n, k=-1))
    fit = sm.GLS(y, sm.add_constant(IND3_YEARS - IND3_YEARS.mean()), sigma=omega).fit()
    out = T.analyse_series(IND3_YEARS, IND3_VALUES, "log", "parity", window=2)
    assert out["method"] == "gls_rolling_2"
    assert close(out["slope"], 100 * math.expm1(fit.params[1]))
    assert close(out["p_value"], fit.pvalues[1], 1e-9)
    lo, hi = fit.conf_int()[1]
    assert close(out["slope_ci_low"], 100 * math.expm1(lo)) and close(out["slope_ci_high"], 100 * math.expm1(hi))
    assert close(out["fitted_first"], math.exp(fit.params[0] + fit.params[1] * (2016 - IND3_YEARS.mean())))
    # Mann-Kendall and Sen's interval assume independent years: not used
    assert out["mk_method"] == "not applicable" and math.isnan(out["mk_p"]) and math.isnan(out["sen_ci_low"])
    assert out["tests_agree"] is None
    assert out["verdict"] == "improving"  # 1.48 -> 1.01 fitted: towards parity
