"""Funnel plots: limits, Spiegelhalter overdispersion, DerSimonian-Laird tau2, positions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from wres.stats.funnel import (
    Z95,
    Z998,
    estimate_overdispersion,
    funnel_limits,
    funnel_table,
    precision_grid,
    proportion_funnel_inputs,
)

TOL = 1e-6


# --------------------------------------------------------------------------- limits


def test_limits_without_overdispersion_by_hand_log_scale():
    # Target RL 1.2; precision 1/s^2 = 25 -> s = 0.2.
    # 95%:   exp(log 1.2 -/+ 1.959964 * 0.2) = 1.2 * exp(-/+0.3919928)
    #        = 1.2 * (0.675709, 1.479927) = (0.810851, 1.775912)
    # 99.8%: 1.2 * exp(-/+ 3.090232 * 0.2) = 1.2 * exp(-/+0.6180464)
    #        = 1.2 * (0.538996, 1.855300) = (0.646796, 2.226360)
    lim = funnel_limits(math.log(1.2), 0.0, [25.0, 100.0], transform="log").iloc[0]
    assert lim["s"] == pytest.approx(0.2)
    assert lim["ll95"] == pytest.approx(1.2 * math.exp(-1.959964 * 0.2), abs=TOL)
    assert lim["ul95"] == pytest.approx(1.2 * math.exp(1.959964 * 0.2), abs=TOL)
    assert lim["ll998"] == pytest.approx(1.2 * math.exp(-3.090232 * 0.2), abs=TOL)
    assert lim["ul998"] == pytest.approx(1.2 * math.exp(3.090232 * 0.2), abs=TOL)
    assert (lim["ll95"], lim["ul95"]) == pytest.approx((0.810851, 1.775912), abs=1e-6)
    assert (lim["ll998"], lim["ul998"]) == pytest.approx((0.646796, 2.226360), abs=1e-6)
    assert lim["y_ul95"] == pytest.approx(math.log(1.2) + 1.959964 * 0.2, abs=TOL)


def test_limits_with_tau2_widen():
    # sd = sqrt(s^2 + tau2) = sqrt(0.04 + 0.05) = 0.3
    lim = funnel_limits(0.0, 0.05, [25.0], transform="log").iloc[0]
    assert lim["sd"] == pytest.approx(0.3)
    assert lim["ul95"] == pytest.approx(math.exp(1.959964 * 0.3), abs=TOL)
    # NaN tau2 (too few organisations) is drawn as no overdispersion.
    nan_lim = funnel_limits(0.0, np.nan, [25.0]).iloc[0]
    assert nan_lim["ul95"] == pytest.approx(math.exp(1.959964 * 0.2), abs=TOL)


def test_limits_for_proportions_arcsine_by_hand():
    # p0 = 0.3, n = 100: s = 1/(2*sqrt(100)) = 0.05; theta0 = asin(sqrt(0.3)) = 0.5796397
    # 95%: sin(0.5796397 -/+ 0.0979982)^2 = sin(0.4816415)^2, sin(0.6776379)^2
    #    = (0.214586, 0.393072)
    theta0 = math.asin(math.sqrt(0.3))
    lim = funnel_limits(theta0, 0.0, [100.0], transform="asin").iloc[0]
    assert lim["s"] == pytest.approx(0.05)
    assert lim["ll95"] == pytest.approx(math.sin(theta0 - 1.959964 * 0.05) ** 2, abs=TOL)
    assert lim["ul95"] == pytest.approx(math.sin(theta0 + 1.959964 * 0.05) ** 2, abs=TOL)
    assert lim["ll998"] == pytest.approx(math.sin(theta0 - 3.090232 * 0.05) ** 2, abs=TOL)
    assert (lim["ll95"], lim["ul95"]) == pytest.approx((0.214586, 0.393072), abs=1e-6)
    # Tiny n: the lower limit would cross 0 on the angle scale; it stays at 0, not folded back.
    tiny = funnel_limits(theta0, 0.0, [1.0], transform="asin").iloc[0]
    assert tiny["ll998"] == 0.0


def test_precision_grid_spans_data():
    g = precision_grid([4.0, np.nan, 400.0], num=5)
    assert g[0] == pytest.approx(4.0) and g[-1] == pytest.approx(400.0) and len(g) == 5
    assert len(precision_grid([np.nan])) == 0


# --------------------------------------------------------------------------- tau2


def _type7_quantile(x, q):
    # R's default quantile (type 7), written out: h = (N - 1) q.
    xs = sorted(x)
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def _dl_by_hand(y, s, target, trim=0.1):
    z = [(yi - target) / si for yi, si in zip(y, s, strict=True)]
    lz, uz = _type7_quantile(z, trim), _type7_quantile(z, 1 - trim)
    zw = [min(max(zi, lz), uz) for zi in z]
    n = len(z)
    phi = sum(v * v for v in zw) / n
    w = [1 / (si * si) for si in s]
    sw = sum(w)
    sw2 = sum(v * v for v in w)
    tau2 = max(0.0, (n * phi - (n - 1)) / (sw - sw2 / sw))
    return phi, tau2


@pytest.fixture
def overdispersed():
    rng = np.random.default_rng(11)
    n = 40
    s = rng.uniform(0.05, 0.3, n)
    y = 0.1 + rng.normal(0, np.sqrt(s**2 + 0.09))  # true tau2 = 0.09
    return pd.DataFrame({"org_code": [f"O{i}" for i in range(n)], "y": y, "s": s})


def test_tau2_matches_hand_dersimonian_laird(overdispersed):
    target = 0.1
    phi, tau2 = _dl_by_hand(overdispersed.y, overdispersed.s, target)
    od = estimate_overdispersion(overdispersed.y, overdispersed.s, target)
    assert od["phi"] == pytest.approx(phi, rel=TOL)
    assert od["tau2"] == pytest.approx(tau2, rel=TOL)
    assert tau2 > 0
    out = funnel_table(overdispersed, target=target)
    assert out.attrs["funnel"]["tau2"] == pytest.approx(tau2, rel=TOL)
    assert out.attrs["funnel"]["overdispersion"]
    expected_z = (overdispersed.y - target) / np.sqrt(overdispersed.s**2 + tau2)
    np.testing.assert_allclose(out["funnel_z"], expected_z, atol=TOL)


def test_tau2_equals_statsmodels_dl_without_winsorising(overdispersed):
    # With no winsorisation and the target set to the fixed-effect mean, N*phi is
    # Cochran's Q, so tau2 is exactly the DerSimonian-Laird estimate of statsmodels.
    y, s = overdispersed.y.to_numpy(), overdispersed.s.to_numpy()
    w = 1 / s**2
    fe_mean = np.sum(w * y) / w.sum()
    od = estimate_overdispersion(y, s, fe_mean, trim=0.0)
    ce = combine_effects(y, s**2, method_re="dl")
    assert od["tau2"] == pytest.approx(ce.tau2, rel=TOL)
    # funnel_table's default target (no target column) is that same weighted mean.
    out = funnel_table(overdispersed, trim=0.0)
    assert out.attrs["funnel"]["target"] == pytest.approx(fe_mean, rel=TOL)


def test_tau2_truncated_at_zero_when_underdispersed():
    s = np.full(20, 0.2)
    y = np.linspace(-0.1, 0.1, 20)  # |z| <= 0.5: phi << 1
    od = estimate_overdispersion(y, s, 0.0)
    assert od["phi"] < 1 and od["tau2"] == 0.0


# --------------------------------------------------------------------------- positions


def test_positions_flag_known_outliers():
    # 30 organisations exactly on target +/- 1 s, one far above and one far below.
    n = 30
    s = np.full(n + 2, 0.1)
    z = np.r_[np.tile([-1.0, 1.0], n // 2), 8.0, -8.0]
    df = pd.DataFrame({"y": 0.2 + z * s, "s": s, "target": 0.2})
    out = funnel_table(df)
    info = out.attrs["funnel"]
    # Winsorised z: 10th/90th percentiles of z are -1 and 1, so phi = 1 and, by
    # tau2 = max(0, (N*phi - (N-1)) / (...)) = (32 - 31) / (sum w - sum w^2/sum w)
    #      = 1 / (32*100 - 100) = 1/3100
    assert info["phi"] == pytest.approx(1.0)
    assert info["tau2"] == pytest.approx(1 / 3100, rel=TOL)
    pos95 = out["funnel_position_95"].tolist()
    pos998 = out["funnel_position_998"].tolist()
    assert pos95[-2:] == ["above", "below"] and pos998[-2:] == ["above", "below"]
    assert set(pos95[:-2]) == {"inside"} and set(pos998[:-2]) == {"inside"}


def test_positions_between_95_and_998_limits():
    df = pd.DataFrame({"y": [2.5, -2.5, 3.5, 0.0], "s": [1.0] * 4})
    out = funnel_table(df, overdispersion=False, target=0.0)
    assert out["funnel_position_95"].tolist() == ["above", "below", "above", "inside"]
    assert out["funnel_position_998"].tolist() == ["inside", "inside", "above", "inside"]
    np.testing.assert_allclose(out["funnel_z"], [2.5, -2.5, 3.5, 0.0])
    assert out.attrs["funnel"]["tau2"] == 0.0
    assert out.attrs["funnel"]["note_codes"] == "few_orgs:4:10;adjustment_off"
    # On a limit counts as inside, as in FunnelPlotR.
    edge = funnel_table(pd.DataFrame({"y": [Z95, Z998], "s": [1.0, 1.0]}), False, target=0.0)
    assert edge["funnel_position_95"].iloc[0] == "inside"
    assert edge["funnel_position_998"].iloc[1] == "inside"


def test_few_organisations_fall_back_without_crashing():
    df = pd.DataFrame({"y": [0.1, 0.5, -0.2, 0.9, np.nan], "s": [0.1, 0.2, 0.1, 0.3, 0.2]})
    out = funnel_table(df, target=0.0)
    info = out.attrs["funnel"]
    assert np.isnan(info["tau2"]) and not info["overdispersion"]
    assert info["note_codes"] == "few_orgs:4:10"
    np.testing.assert_allclose(out["funnel_z"].iloc[:4], df.y.iloc[:4] / df.s.iloc[:4])
    assert out["funnel_position_95"].iloc[4] == "not estimable"  # kept, not dropped
    assert len(out) == 5

    one = funnel_table(pd.DataFrame({"y": [0.3], "s": [0.1]}))
    assert one["funnel_z"].iloc[0] == pytest.approx(0.0)  # its own weighted mean
    assert one["funnel_position_95"].iloc[0] == "inside"

    none = funnel_table(pd.DataFrame({"y": [np.nan], "s": [np.nan]}))
    assert none["funnel_position_998"].iloc[0] == "not estimable"
    assert funnel_table(pd.DataFrame({"y": [], "s": []})).empty


# --------------------------------------------------------------------------- inputs


def test_proportion_inputs_follow_funnelplotr_pr():
    df = pd.DataFrame({"k": [30, 10, 5, 0], "n": [100, 50, 0, 20]})
    out = proportion_funnel_inputs(df, "k", "n")
    # Pooled target over valid rows: (30 + 10 + 0) / (100 + 50 + 20) = 40/170
    assert out["target"].iloc[0] == pytest.approx(math.asin(math.sqrt(40 / 170)), abs=TOL)
    assert out["y"].iloc[0] == pytest.approx(math.asin(math.sqrt(0.3)), abs=TOL)
    assert out["s"].iloc[0] == pytest.approx(1 / (2 * math.sqrt(100)), abs=TOL)
    assert np.isnan(out["y"].iloc[2])  # n = 0
    with_deff = proportion_funnel_inputs(df, "k", "n", deff=2.0)
    assert with_deff["s"].iloc[0] == pytest.approx(1 / (2 * math.sqrt(50)), abs=TOL)
    table = funnel_table(out)
    assert table["funnel_position_95"].iloc[2] == "not estimable"
    assert table.attrs["funnel"]["target"] == pytest.approx(math.asin(math.sqrt(40 / 170)))
