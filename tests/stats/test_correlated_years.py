"""National verdicts re-tested as if the years were correlated (issue 16): the AR(1)
correlation of published figures, the GLS test under it, and its size in a world whose
annual noise really is AR(1) - where ordinary least squares is not."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from wres.stats import serial


def test_annual_ar1_correlation_counts_gaps_in_years():
    # rho^|year difference|: 2016-2017 one year apart, 2017-2019 two, 2016-2019 three.
    got = serial.ar1_correlation([2016, 2017, 2019], 0.5)
    want = np.array([[1, 0.5, 0.125], [0.5, 1, 0.25], [0.125, 0.25, 1]])
    np.testing.assert_allclose(got, want)


def test_rolling_averages_of_ar1_noise():
    # corr((u1 + u2)/2, (u2 + u3)/2) = (rho + 1 + rho^2 + rho) / (2 + 2 rho) = (1 + rho) / 2 by
    # hand; two years apart: (rho^2 + rho + rho^3 + rho^2) / (2 + 2 rho) = rho (1 + rho) / 2.
    rho = 0.5
    got = serial.ar1_correlation([2016, 2017, 2018], rho, window=2)
    assert got[0, 1] == pytest.approx((1 + rho) / 2)
    assert got[0, 2] == pytest.approx(rho * (1 + rho) / 2)
    # With independent annual values it is the moving-average correlation the book already uses.
    np.testing.assert_allclose(
        serial.ar1_correlation(np.arange(2015, 2023), 0.0, window=2), serial.moving_average_correlation(8, 2)
    )


def test_the_gls_test_matches_statsmodels():
    years = np.arange(2016, 2024, dtype=float)
    z = np.array([0.41, 0.38, 0.40, 0.33, 0.35, 0.30, 0.31, 0.27])
    corr = serial.ar1_correlation(years, 0.3)
    got = serial.correlated_slope_test(years, z, corr)
    fit = sm.GLS(z, sm.add_constant(years - years.mean()), sigma=corr).fit()
    assert got["slope"] == pytest.approx(fit.params[1])
    assert got["se"] == pytest.approx(fit.bse[1])
    assert got["p_value"] == pytest.approx(fit.pvalues[1])


def test_size_in_a_world_with_correlated_years():
    # Eight annual figures with AR(1) noise, rho 0.5, no trend: the OLS test (independent
    # years) flags far more than 5%; the GLS test that assumes rho 0.5 keeps 5%.
    rng = np.random.default_rng(20261207)
    years = np.arange(2016, 2024, dtype=float)
    n, reps, rho = years.size, 4000, 0.5
    cov = serial.ar1_correlation(years, rho)
    noise = rng.multivariate_normal(np.zeros(n), cov, size=reps)
    corr_p = np.array([serial.correlated_slope_test(years, z, cov)["p_value"] for z in noise])
    ols_p = np.array([stats.linregress(years, z).pvalue for z in noise])
    se = np.sqrt(0.05 * 0.95 / reps)
    assert abs(np.mean(corr_p < 0.05) - 0.05) < 3 * se
    assert np.mean(ols_p < 0.05) > 0.05 + 6 * se
