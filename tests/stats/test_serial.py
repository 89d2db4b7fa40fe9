"""Rolling-average trend tests against statsmodels and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from wres.stats import serial

YEARS = np.arange(2015, 2023, dtype=float)
Z = np.log([1.30, 1.27, 1.29, 1.22, 1.20, 1.21, 1.15, 1.16])


def _design(x):
    return sm.add_constant(x - x.mean())


def test_moving_average_correlation_by_hand():
    assert serial.moving_average_correlation(3, 2) == pytest.approx(np.array([[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]]))


def test_gls_matches_statsmodels_gls_with_the_averaging_correlation():
    r = serial.slope_tests(YEARS, Z, window=2, method="gls")
    omega = np.eye(8) + 0.5 * (np.eye(8, k=1) + np.eye(8, k=-1))
    ref = sm.GLS(Z, _design(YEARS), sigma=omega).fit()
    assert r["slope"] == pytest.approx(ref.params[1], rel=1e-9)
    assert r["se"] == pytest.approx(ref.bse[1], rel=1e-9)
    assert r["p_value"] == pytest.approx(ref.pvalues[1], rel=1e-7)


def test_hac_matches_statsmodels_newey_west_lag_one():
    r = serial.slope_tests(YEARS, Z, window=2, method="hac")
    ref = sm.OLS(Z, _design(YEARS)).fit(cov_type="HAC", cov_kwds={"maxlags": 1, "use_correction": True}, use_t=True)
    assert r["se"] == pytest.approx(ref.bse[1], rel=1e-9)
    assert r["p_value"] == pytest.approx(ref.pvalues[1], rel=1e-7)


def test_nonoverlap_is_ols_on_every_other_year():
    r = serial.slope_tests(YEARS, Z, window=2, method="nonoverlap")
    ref = sm.OLS(Z[::2], _design(YEARS[::2])).fit()
    assert r["df"] == 2
    assert r["p_value"] == pytest.approx(ref.pvalues[1], rel=1e-7)


def test_rolling_trend_percent_per_year():
    r = serial.rolling_trend(YEARS, np.exp(Z), "log")
    assert r["pct_per_year"] == pytest.approx(100 * np.expm1(r["slope_transformed"]))
    assert r["method"] == serial.RECOMMENDED == "gls"
    with pytest.raises(ValueError):
        serial.slope_tests(YEARS[:4], Z[:4], method="nonoverlap")
