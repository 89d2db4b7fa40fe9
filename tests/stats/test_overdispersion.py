"""Null-spread funnels: hand-worked inputs, DL against statsmodels, tau2 recovery, and the
share flagged on synthetic panels with no special causes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from wres.calibration import scenarios as sc
from wres.stats import funnels
from wres.stats import overdispersion as od


def test_null_standard_error_uses_expected_counts_at_the_target():
    # Common events (not rare), so the normal path: rates 0.5 and 0.45 at the target,
    # n1 = 200, n2 = 800 -> e1 = 100, e2 = 360;
    # s0^2 = 1/100 - 1/200 + 1/360 - 1/800 = 0.01 - 0.005 + 0.0027778 - 0.00125 = 0.0065278.
    d = od.rl_null_inputs([120, 80], [200, 200], [360, 360], [800, 800], rate1=0.5, rate2=0.45)
    assert d["s0"] == pytest.approx([math.sqrt(0.0065278)] * 2, abs=1e-6)
    assert not d["exact"].any()
    # The SE does not depend on the organisation's own outcome (120 vs 80 events).
    assert d["y"][0] == pytest.approx(math.log(0.6 / 0.45))
    assert d["target"] == pytest.approx(math.log(0.5 / 0.45))


def test_exact_mid_p_deviate_by_hand():
    # theta0 = 1 and n1 = n2, so k1 | m = 4 ~ Binomial(4, 0.5); k1 = 0:
    # lower mid-p = P(X < 0) + P(X = 0)/2 = 0.5 * 0.0625 = 0.03125; z = Phi^-1(0.03125) = -1.86273.
    d = od.rl_null_inputs([0], [100], [4], [100], rate1=0.02, rate2=0.02)
    assert bool(d["exact"][0])
    assert d["z_exact"][0] == pytest.approx(-1.86273, abs=1e-4)


def test_proportion_null_se_is_arcsine_with_design_effect():
    # n = 400, deff = 1.6 -> n_eff = 250, s0 = 1 / (2 sqrt(250)) = 0.0316228.
    d = od.proportion_null_inputs([100], [400], 0.3, deff=1.6)
    assert d["s0"][0] == pytest.approx(0.0316228, abs=1e-6)
    assert d["y"][0] == pytest.approx(math.asin(math.sqrt(0.25)))


def test_dersimonian_laird_matches_statsmodels():
    rng = np.random.default_rng(5)
    s = rng.uniform(0.1, 0.6, 40)
    y = rng.normal(0.2, np.sqrt(s**2 + 0.04))
    target = 0.15
    fit = od.dersimonian_laird((y - target) / s, s)
    ref = combine_effects(y, s**2, method_re="dl")
    assert fit["tau2"] == pytest.approx(ref.tau2, rel=1e-9)
    assert target + fit["re_shift"] == pytest.approx(ref.mean_effect_re, rel=1e-9)
    assert fit["phi"] == pytest.approx(np.mean(((y - target) / s) ** 2))


def test_tau2_recovered_on_a_large_panel():
    # Training shape (common events, normal path), 4000 organisations, true tau2 = 0.05;
    # the DL standard error is about tau2 sqrt(2 / N) = 0.0011, so 0.006 is over 5 SE.
    rng = np.random.default_rng(11)
    d = sc.rl_panels(rng, 1, sc.RATE_SHAPES[2], n_orgs=4000, tau2=0.05)
    tab = od.rl_funnel(d["k1"][0], d["n1"][0], d["k2"][0], d["n2"][0])
    assert tab.attrs["funnel"]["tau2"] == pytest.approx(0.05, abs=0.006)


@pytest.mark.parametrize("shape", sc.RATE_SHAPES, ids=[s.name for s in sc.RATE_SHAPES])
def test_additive_funnel_flags_its_nominal_share(shape):
    # 150 panels of 200 organisations, tau2 = 0.05 on log RL, no special causes.
    rng = np.random.default_rng(2026)
    d = sc.rl_panels(rng, 150, shape)
    pos95, pos998 = [], []
    for i in range(150):
        tab = od.rl_funnel(d["k1"][i], d["n1"][i], d["k2"][i], d["n2"][i])
        pos95.append(tab["position_95"].to_numpy())
        pos998.append(tab["position_998"].to_numpy())
    pos95, pos998 = np.concatenate(pos95), np.concatenate(pos998)
    above, below = np.mean(pos95 == "above"), np.mean(pos95 == "below")
    assert abs(above + below - 0.05) <= 0.015
    assert abs(above - below) <= 0.02
    assert np.mean(pos998 != "inside") <= 0.008


def test_funnelplotr_option_flags_far_more_than_nominal():
    rng = np.random.default_rng(7)
    d = sc.rl_panels(rng, 40, sc.RATE_SHAPES[0])
    z = funnels.get("funnelplotr").panel_z(funnels.RatioCounts(d["k1"], d["n1"], d["k2"], d["n2"]))
    assert np.mean(np.abs(z) > od.Z95) > 0.08


def test_too_few_organisations_fit_no_funnel():
    tab = od.rl_funnel([10, 20, 30], [100, 200, 300], [12, 25, 28], [100, 200, 300])
    assert tab.attrs["funnel"]["note"] == "too_few_orgs"
    assert set(tab["position_95"]) == {"not estimable"}
    assert od.MIN_ORGS_FOR_FUNNEL > 3
