"""How large must a board be before a representation test can find anything?

A board of ``n`` is tested against ``Binomial(n, p0)`` (:mod:`wres.stats.representation`);
for small boards no count is unlikely enough to fall below the 95% limit, so the test cannot
fire whatever the board looks like (the review found a fivefold shortfall had 2-6% power on
boards and none on boards of five). This module says so in numbers: the power of the lower
95% limit against a shortfall, exactly (a sum over the binomial outcomes), with the mid-p
lower tail ``P(X < k) + P(X = k) / 2`` (Lancaster 1961, JASA 56:223-234), whose average
size is closer to nominal than the exact tail's, or the exact ``P(X <= k)``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["lower_flagged", "min_size_for_power", "shortfall_power"]


def lower_flagged(n: int, p0: float, alpha: float = 0.05, mid_p: bool = True) -> np.ndarray:
    """Which member counts ``k = 0..n`` lie below the lower ``1 - alpha`` limit
    (one-sided tail ``< alpha / 2``) of ``Binomial(n, p0)``; boolean array of length n + 1."""
    k = np.arange(n + 1)
    tail = stats.binom.cdf(k, n, p0)
    if mid_p:
        tail = tail - stats.binom.pmf(k, n, p0) / 2
    return tail < alpha / 2


def shortfall_power(n: int, p0: float, ratio: float = 0.2, alpha: float = 0.05, mid_p: bool = True) -> float:
    """Chance that a board of ``n`` whose true minority share is ``ratio x p0`` (a fivefold
    shortfall for ``ratio = 0.2``) lies below the lower limit of ``Binomial(n, p0)``:
    ``sum_k P(X = k | n, ratio p0) 1[k below]``."""
    if n < 1:
        return 0.0
    flagged = lower_flagged(n, p0, alpha, mid_p)
    return float(np.sum(stats.binom.pmf(np.arange(n + 1), n, ratio * p0)[flagged]))


def min_size_for_power(
    p0: float, ratio: float = 0.2, power: float = 0.5, alpha: float = 0.05, mid_p: bool = True, max_n: int = 2000
) -> int | None:
    """Smallest board (or senior group) size whose test has at least ``power`` against a
    shortfall to ``ratio x p0``, or None up to ``max_n``. Power is not monotone in ``n`` (the
    distribution is discrete), so the answer is the first size that reaches it; a few sizes
    just above can fall slightly short."""
    if not 0 < p0 < 1:
        raise ValueError("p0 must lie strictly between 0 and 1")
    for n in range(1, max_n + 1):
        if shortfall_power(n, p0, ratio, alpha, mid_p) >= power:
            return n
    return None
