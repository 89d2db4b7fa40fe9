"""Multiple-testing adjustment: one Benjamini–Hochberg procedure for the whole package."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini–Hochberg false-discovery-rate adjusted p-values (q-values).

    For the m finite p-values sorted ascending, ``q_(i) = min_{j >= i} min(1, m p_(j) / j)``
    (Benjamini & Hochberg 1995, "Controlling the false discovery rate: a practical and
    powerful approach to multiple testing", JRSS B 57(1), 289-300), computed by
    ``statsmodels.stats.multitest.multipletests(method="fdr_bh")``.

    Parameters
    ----------
    p_values : array_like of float
        p-values in [0, 1]; NaN marks an untested item (e.g. "too few years").

    Returns
    -------
    numpy.ndarray
        q-values, same shape; NaN stays NaN and does not count towards m.

    Raises
    ------
    ValueError
        If a finite p-value lies outside [0, 1].
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    if ok.any():
        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q
