import math

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from wres.stats.multiple import bh_adjust


def test_bh_adjust_by_hand_with_nan():
    p = np.array([0.01, np.nan, 0.04, 0.03, 0.2])
    q = bh_adjust(p)
    # m = 4 tested; sorted p = .01 .03 .04 .2 -> p*m/rank = .04 .06 .0533 .2,
    # then the running minimum from the largest p down: .04 .0533 .0533 .2
    assert math.isnan(q[1])
    np.testing.assert_allclose(q[[0, 3, 2, 4]], [0.04, 0.16 / 3, 0.16 / 3, 0.2], atol=1e-12)


def test_bh_adjust_matches_statsmodels_on_the_finite_values():
    rng = np.random.default_rng(3)
    p = rng.uniform(size=40) ** 3
    p[[2, 17, 30]] = np.nan
    q = bh_adjust(p)
    ok = ~np.isnan(p)
    np.testing.assert_allclose(q[ok], multipletests(p[ok], method="fdr_bh")[1], rtol=0, atol=1e-15)
    assert np.isnan(q[~ok]).all()


def test_bh_adjust_edges():
    assert np.all(np.isnan(bh_adjust([np.nan, np.nan])))
    assert bh_adjust([]).size == 0
    with pytest.raises(ValueError):
        bh_adjust([0.5, 1.5])
