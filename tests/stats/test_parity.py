"""Towards parity: change codes, by hand and from a fitted trend on large counts."""

from __future__ import annotations

import numpy as np
import pytest

from wres.stats import trends
from wres.stats.parity import parity_change_code


def _fitted_ends(rl_first: float, rl_last: float, years: int = 7, n: int = 20000):
    # Large counts: the events are the expected numbers, so the series is the planted one
    # up to rounding, and the OLS fit on log RL is significant.
    rl = np.exp(np.linspace(np.log(rl_first), np.log(rl_last), years))
    base = 0.1
    k1, k2 = np.round(n * base * rl), np.round(n * base)
    values = (k1 / n) / (k2 / n)
    fit = trends.ols_trend(np.arange(years) + 2017, values, "log")
    return fit["fit"]["fitted"].iloc[0], fit["fit"]["fitted"].iloc[-1], fit["p_value"] < 0.05


def test_falling_below_parity_is_worsening():
    first, last, sig = _fitted_ends(0.90, 0.44)
    assert first == pytest.approx(0.90, abs=0.005) and last == pytest.approx(0.44, abs=0.005)
    assert parity_change_code(first, last, sig) == "worsening"


def test_falling_towards_parity_is_improving():
    first, last, sig = _fitted_ends(1.60, 1.05)
    assert parity_change_code(first, last, sig) == "improving"


def test_crossing_not_significant_and_missing():
    assert parity_change_code(0.8, 1.2, True) == "crossed_parity"
    assert parity_change_code(0.8, 0.5, False) == "no_significant_change"
    assert parity_change_code(np.nan, 1.0, True) == "not_estimable"
    assert parity_change_code(0.0, 1.0, True) == "not_estimable"


def test_gaps_in_percentage_points():
    assert parity_change_code(10.0, 4.0, True, scale="identity") == "improving"
    assert parity_change_code(4.0, 10.0, True, scale="identity") == "worsening"
    assert parity_change_code(-3.0, 2.0, True, scale="identity") == "crossed_parity"
    assert parity_change_code(5.0, 0.0, True, scale="identity") == "improving"
