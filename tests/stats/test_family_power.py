"""The detectable trend under the rule that decides (issue 16): a series tested with others
under Benjamini-Hochberg needs a larger slope for the same power than alone. The slope
``min_detectable_slope`` gives at alpha / m is checked here by simulating the family."""

from __future__ import annotations

import numpy as np
from scipy import stats

from wres.stats import trends
from wres.stats.multiple import bh_adjust

YEARS = np.arange(2016, 2024, dtype=float)
SIGMA, M, REPS = 1.0, 5, 4000


def _ols_p(x: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Two-sided OLS slope p-values of many series at once (rows of ``ys``), by the textbook
    formula: b = Sxy / Sxx, se^2 = RSS / (n - 2) / Sxx, t on n - 2 df."""
    xc = x - x.mean()
    yc = ys - ys.mean(axis=-1, keepdims=True)
    b = yc @ xc / (xc @ xc)
    rss = np.sum((yc - b[..., None] * xc) ** 2, axis=-1)
    t = b / np.sqrt(rss / (x.size - 2) / (xc @ xc))
    return 2 * stats.t.sf(np.abs(t), x.size - 2)


def _bh_power(slope: float, seed: int) -> float:
    """Share of families of M series (one with ``slope`` per year, M - 1 flat; normal noise
    SD ``SIGMA``) in which BH at 5% finds the sloped one."""
    rng = np.random.default_rng(seed)
    ys = rng.normal(0, SIGMA, (REPS, M, YEARS.size))
    ys[:, 0] += slope * (YEARS - YEARS.mean())
    p = _ols_p(YEARS, ys)
    return float(np.mean([bh_adjust(row)[0] < 0.05 for row in p]))


def test_the_family_slope_keeps_80_percent_power_and_the_lone_one_does_not():
    lone = trends.min_detectable_slope(YEARS, SIGMA, "identity", alpha=0.05)
    family = trends.min_detectable_slope(YEARS, SIGMA, "identity", alpha=0.05 / M)
    se = np.sqrt(0.8 * 0.2 / REPS)
    at_family = _bh_power(family, 1)
    at_lone = _bh_power(lone, 2)
    # At least 80% whatever the other series do (here: all flat, the hardest case)...
    assert at_family > 0.8 - 3 * se
    # ...and not wildly conservative; the unadjusted slope falls well short under BH.
    assert at_family < 0.9
    assert at_lone < 0.7


def test_analyse_series_reports_both():
    values = np.array([1.00, 0.96, 0.97, 0.90, 0.92, 0.85, 0.86, 0.80])
    res = trends.analyse_series(YEARS, values, kind="log", direction="down", family_size=M)
    assert res["min_detectable_slope_family"] > res["min_detectable_slope"] > 0
    alone = trends.analyse_series(YEARS, values, kind="log", direction="down")
    assert alone["min_detectable_slope_family"] == alone["min_detectable_slope"]
