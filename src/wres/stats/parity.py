"""Improvement means moving towards parity: change codes for ratios and gaps.

For a relative likelihood parity is 1 and NHS England's non-adverse range (0.80-1.25) is
two-sided, so a ratio falling from 0.90 to 0.44 is *worsening* although it falls; for a
representation gap (percentage points) parity is 0 and improving means the gap closing.

What is compared: the **first and last fitted values of a linear trend on the parity
scale** (log RL, or the gap itself), together with the significance of that trend's slope.
This rather than a regression of ``|log RL|`` on year, because ``|.|`` folds the noise at
parity: a series wobbling around 1 has ``E|log RL| > 0`` and a regression of the folded
values has neither normal nor symmetric errors, so its p-value is not valid exactly where
the question is most delicate. The slope of the unfolded series has an ordinary test, and
the fitted end points then say whether the (significant) movement was towards parity,
away from it, or through it.

Codes:

* ``"improving"``: significant, both fitted ends on the same side, ``|end| < |start|``;
* ``"worsening"``: significant, same side, ``|end| > |start|``;
* ``"crossed_parity"``: significant and the fitted ends lie strictly on opposite sides of
  parity: "improvement" is then not a single word, so it gets its own code (a line that
  ends exactly at parity is improving; one that starts there is worsening);
* ``"no_significant_change"``: not significant (never called a change);
* ``"not_estimable"``: an end point missing or a ratio not positive.
"""

from __future__ import annotations

import numpy as np

CODES = ("improving", "worsening", "crossed_parity", "no_significant_change", "not_estimable")
SCALES = ("log", "identity")

__all__ = ["CODES", "SCALES", "parity_change_code", "parity_distance"]


def parity_distance(value, scale: str = "log") -> np.ndarray:
    """Signed distance from parity: ``log(value)`` for ratios, ``value`` for gaps.

    ``scale="log"``: ratios (parity 1), natural log units; ``"identity"``: gaps in
    percentage points (parity 0). Non-positive ratios give NaN.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    v = np.asarray(value, dtype=float)
    if scale == "identity":
        return v
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)


def parity_change_code(first, last, significant: bool, scale: str = "log") -> str:
    """Change code between the first and last fitted values of a trend.

    Parameters
    ----------
    first, last : float
        Fitted values at the first and last year on the natural scale: relative
        likelihoods (``scale="log"``) or gaps in percentage points (``"identity"``).
    significant : bool
        Whether the trend's slope is significant (at whatever level the caller uses, e.g.
        a Benjamini-Hochberg q below 0.05).
    scale : {"log", "identity"}

    Returns
    -------
    str
        One of :data:`CODES` (see the module docstring).
    """
    a, b = (float(parity_distance(v, scale)) for v in (first, last))
    if not (np.isfinite(a) and np.isfinite(b)):
        return "not_estimable"
    if not significant:
        return "no_significant_change"
    if a * b < 0:
        return "crossed_parity"
    if abs(b) < abs(a):
        return "improving"
    if abs(b) > abs(a):
        return "worsening"
    return "no_significant_change"
