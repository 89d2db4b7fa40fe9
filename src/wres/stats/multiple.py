"""Multiple-testing adjustment: one place that turns a family's p-values into adjusted ones
(Benjamini–Hochberg, Holm or Bonferroni, all by statsmodels)."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests

#: The adjustments the analysis offers, by their statsmodels names (the registry's
#: ``trend_tests.multiple_comparisons`` names one of them).
METHODS = ("fdr_bh", "holm", "bonferroni")


def adjust(p_values, method: str = "fdr_bh") -> np.ndarray:
    """Adjusted p-values of one family of tests.

    ``fdr_bh``: Benjamini–Hochberg false-discovery-rate q-values: for the m finite p-values
    sorted ascending, ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` (Benjamini & Hochberg 1995,
    "Controlling the false discovery rate: a practical and powerful approach to multiple
    testing", JRSS B 57(1), 289-300). ``holm``: Holm's (1979) step-down family-wise
    adjustment, ``max_{j <= i} min(1, (m - j + 1) p_(j))``. ``bonferroni``: ``min(1, m p)``.
    All computed by ``statsmodels.stats.multitest.multipletests(method=...)``.

    Parameters
    ----------
    p_values : array_like of float
        p-values in [0, 1]; NaN marks an untested item (e.g. "too few years").
    method : str
        One of :data:`METHODS`.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same shape; NaN stays NaN and does not count towards m.

    Raises
    ------
    ValueError
        If a finite p-value lies outside [0, 1], or ``method`` is not one of :data:`METHODS`.
    """
    if method not in METHODS:
        raise ValueError(f"unknown multiple-comparison method {method!r}; use one of {', '.join(METHODS)}")
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    if ok.any():
        q[ok] = multipletests(p[ok], method=method)[1]
    return q


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini–Hochberg q-values (:func:`adjust` with ``fdr_bh``), for the callers that
    always use it (the calibration harness measures that procedure)."""
    return adjust(p_values, "fdr_bh")
