"""Exact binomial representation funnels, worked by hand."""

from __future__ import annotations

import pytest

from wres.stats.representation import representation_funnel


def test_empty_board_is_below_the_998_limit_national_ratio_view():
    # p0 = 0.50 x 0.59 = 0.295; P(X = 0) = 0.705^20 = exp(20 ln 0.705) = exp(-6.99117) = 0.000920.
    row = representation_funnel([0], [20], [0.5], national_ratio=0.59).iloc[0]
    assert row["p0"] == pytest.approx(0.295)
    assert row["lower"] == pytest.approx(0.000920, abs=2e-6)
    assert row["upper"] == pytest.approx(1.0)
    assert row["position_998"] == "below"
    assert row["position_95"] == "below"


def test_parity_view_uses_the_workforce_share():
    # p0 = 0.2; one of 12: P(X <= 1) = 0.8^12 + 12 x 0.2 x 0.8^11
    #   = 0.068719 + 0.206158 = 0.274878 -> inside.
    row = representation_funnel([1], [12], [0.2], view="parity").iloc[0]
    assert row["lower"] == pytest.approx(0.274878, abs=1e-6)
    assert row["p_two_sided"] == pytest.approx(0.549756, abs=1e-6)
    assert row["position_95"] == "inside"


def test_full_board_above_and_bad_rows_not_estimable():
    # p0 = 0.3 x 1 = 0.3; 8 of 10: P(X >= 8) = C(10,8) .3^8 .7^2 + 10 .3^9 .7 + .3^10
    #   = 45 x 0.00006561 x 0.49 + 10 x 0.000019683 x 0.7 + 0.0000059049 = 0.0015904 -> above 95%.
    tab = representation_funnel([8, 3], [10, 0], [0.3, 0.3], national_ratio=1.0)
    assert tab["upper"].iloc[0] == pytest.approx(0.0015904, abs=1e-7)
    assert list(tab["position_95"]) == ["above", "not estimable"]
    assert tab["position_998"].iloc[0] == "inside"
