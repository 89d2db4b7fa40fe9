"""The harness's batched gap-trend fit gives the book's own p-values (statsmodels' GLM, one
organisation at a time, through wres.stats.gap_trend.trends_for_all) on whole simulated panels,
in the harness's own world and among very small organisations (where zero counts are common)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wres.calibration import gap_trend_worlds as gw
from wres.calibration import scenarios as sc
from wres.calibration.batched_gap_trend import slope_p_values
from wres.stats import gap_trend, multiple


def _long(years, k1, n1, k2, n2) -> pd.DataFrame:
    """One panel as the book's long rows (one row per organisation, year and group)."""
    orgs, n_years = k1.shape
    code = np.repeat([f"O{i:03d}" for i in range(orgs)], n_years)
    year = np.tile(years.astype(int), orgs)
    frames = [
        pd.DataFrame(
            {
                "year": year,
                "org_code": code,
                "indicator": 0,
                "band": "",
                "group": group,
                "numerator": k.ravel(),
                "denominator": n.ravel(),
            }
        )
        for group, k, n in (("numerator", k1, n1), ("comparison", k2, n2))
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("world", ["own", "small", "year_specific"])
@pytest.mark.parametrize("shape", sc.RATE_SHAPES[:2], ids=lambda s: s.name)
def test_batched_p_values_are_the_books(world, shape):
    years, k1, n1, k2, n2 = gw.counts(np.random.default_rng(11), 1, shape, slope=gw.GAP_TREND_EFFECT, world=world)
    batched = slope_p_values(years, k1, n1, k2, n2)[0]
    fits = gap_trend.trends_for_all(_long(years, k1[0], n1[0], k2[0], n2[0]), 0, "numerator", "comparison")
    fits = fits.sort_values("org_code")
    book = fits["p_value"].to_numpy()
    assert np.array_equal(np.isnan(batched), np.isnan(book))
    assert np.isfinite(book).sum() > 100
    # Same decisions everywhere, one organisation at a time and across the panel (BH).
    tested = np.isfinite(book)
    assert np.array_equal(batched[tested] < 0.05, book[tested] < 0.05)
    assert np.array_equal(multiple.bh_adjust(batched)[tested] < 0.05, multiple.bh_adjust(book)[tested] < 0.05)
    # Same p-values where the slope is identified. In quasi-separated organisations (events in
    # one or two years of one group, slopes of 15-25 log-odds units a year) the coefficient
    # drifts on while the deviance has stopped moving, so both fits stop at p of about 0.999
    # but not at the same digit.
    identified = tested & (np.abs(fits["slope"].to_numpy()) < 10)
    assert identified.sum() > 100
    np.testing.assert_allclose(batched[identified], book[identified], rtol=1e-6, atol=1e-12)


def test_a_group_with_no_events_in_any_year_has_no_test():
    years = np.arange(2016.0, 2023.0)
    n = np.full((2, 7), 100.0)
    k1 = np.array([[0.0] * 7, [3, 4, 5, 6, 7, 8, 9]])
    k2 = np.array([[5.0] * 7, [5.0] * 7])
    p = slope_p_values(years, k1, n, k2, n)
    assert np.isnan(p[0]) and 0 < p[1] < 1
