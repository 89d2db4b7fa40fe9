"""Two-year change tests against statsmodels and by hand."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import proportions_ztest

from wres.stats import change_test


@pytest.mark.filterwarnings("ignore")  # saturated GLM: statsmodels warns of separation and 0 df
def test_rl_change_matches_a_log_binomial_glm_with_fixed_scale():
    # One organisation, two years, two groups: the saturated log-link binomial GLM's
    # group x year coefficient is the change in log RL; with the scale fixed at phi its
    # standard error is sqrt(phi) times the Katz one.
    k = np.array([30, 50, 45, 52.0])  # (group1, year0), (group2, year0), (group1, year1), (group2, year1)
    n = np.array([300, 900, 310, 880.0])
    g = np.array([1, 0, 1, 0.0])
    yr = np.array([0, 0, 1, 1.0])
    exog = np.column_stack([np.ones(4), g, yr, g * yr])
    family = sm.families.Binomial(link=sm.families.links.Log())
    phi = 1.7
    ref = sm.GLM(k / n, exog, family=family, var_weights=n).fit(scale=phi)
    got = change_test.rl_change((k[0], n[0], k[1], n[1]), (k[2], n[2], k[3], n[3]), dispersion=phi)
    assert got["estimate"] == pytest.approx(ref.params[3], rel=1e-6)
    assert got["se"] == pytest.approx(ref.bse[3], rel=1e-5)
    assert got["p_value"] == pytest.approx(ref.pvalues[3], rel=1e-4)


def test_pearson_dispersion_by_hand():
    # w = 1/v = (100, 100, 25); weighted mean = (10 - 10 + 7.5) / 225 = 1/30;
    # X^2 = 100 (0.1 - 1/30)^2 + 100 (-0.1 - 1/30)^2 + 25 (0.3 - 1/30)^2 = 4.0; phi = 4 / 2 = 2.
    assert change_test.pearson_dispersion([0.1, -0.1, 0.3], [0.01, 0.01, 0.04]) == pytest.approx(2.0)
    # Underdispersed changes are floored at 1.
    assert change_test.pearson_dispersion([0.0, 0.01, -0.01], [1.0, 1.0, 1.0]) == 1.0


def test_percentage_change_pooled_z_matches_statsmodels_and_wald_interval():
    ka, na, kb, nb = 120.0, 400.0, 150.0, 420.0
    got = change_test.percentage_change((ka, na), (kb, nb))
    z_ref, p_ref = proportions_ztest([kb, ka], [nb, na])
    assert got["z"] == pytest.approx(z_ref, rel=1e-9)
    assert got["p_value"] == pytest.approx(p_ref, rel=1e-9)
    # Wald: 100 (150/420 - 0.3) = 5.714286 pp; se = 100 sqrt(.3 .7 / 400 + p(1-p)/420).
    pb = kb / nb
    se = 100 * np.sqrt(0.3 * 0.7 / 400 + pb * (1 - pb) / 420)
    assert got["estimate"] == pytest.approx(5.714286, abs=1e-6)
    assert got["ci_low"] == pytest.approx(5.714286 - 1.959964 * se, abs=1e-5)
    # A design effect of 2 is the same as halving every count.
    half = change_test.percentage_change((ka / 2, na / 2), (kb / 2, nb / 2))
    assert change_test.percentage_change((ka, na), (kb, nb), deff=2.0)["p_value"] == pytest.approx(half["p_value"])
