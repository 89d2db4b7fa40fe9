"""Organisation against the national value: by hand, scipy and statsmodels."""

from __future__ import annotations

import math

import pytest
from scipy.stats.contingency import relative_risk
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from wres.stats.versus_national import percentage_versus_national, rl_versus_national


def test_rl_against_national_by_hand():
    # RL = (30/200) / (40/400) = 1.5; var = 1/30 - 1/200 + 1/40 - 1/400 = 0.0508333;
    # z = (ln 1.5 - ln 1.2) / sqrt(0.0508333) = 0.223144 / 0.225462 = 0.98972; p = 0.32232.
    r = rl_versus_national([30], [200], [40], [400], 1.2)
    assert r["estimate"][0] == pytest.approx(1.5)
    assert r["z"][0] == pytest.approx(0.98972, abs=1e-4)
    assert r["p_value"][0] == pytest.approx(0.32232, abs=1e-4)
    assert r["code"][0] == "not_significant"
    ci = relative_risk(30, 200, 40, 400).confidence_interval(0.95)
    assert (r["ci_low"][0], r["ci_high"][0]) == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_rl_codes_higher_and_lower():
    r = rl_versus_national([60, 10], [200, 200], [40, 40], [400, 400], 1.0)
    assert list(r["code"]) == ["higher", "lower"]


def test_percentage_score_test_and_wilson_match_statsmodels():
    z_ref, p_ref = proportions_ztest(70, 200, value=0.28, prop_var=0.28)
    lo, hi = proportion_confint(70, 200, method="wilson")
    r = percentage_versus_national([70], [200], 28.0)
    assert r["z"][0] == pytest.approx(z_ref, rel=1e-9)
    assert r["p_value"][0] == pytest.approx(p_ref, rel=1e-9)
    assert (r["ci_low"][0], r["ci_high"][0]) == pytest.approx((100 * lo, 100 * hi), rel=1e-9)
    assert r["code"][0] == "higher"


def test_percentage_design_effect_shrinks_the_sample():
    # deff = 2: the same as 35 of 100 with no design effect (z by hand:
    # (0.35 - 0.28) / sqrt(0.28 x 0.72 / 100) = 0.07 / 0.0448999 = 1.55902).
    r = percentage_versus_national([70], [200], 28.0, deff=2.0)
    assert r["z"][0] == pytest.approx(1.55902, abs=1e-5)
    assert r["code"][0] == "not_significant"
    assert math.isfinite(r["ci_low"][0])
