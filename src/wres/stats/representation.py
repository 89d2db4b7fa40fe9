"""Representation funnels on counts: minority members of a board or senior group.

A board (or very senior manager group) of ``n`` people with ``k`` minority members is
compared with ``Binomial(n, p0)``, the number expected if members were drawn from a
population with minority share ``p0``:

* ``"national_ratio"`` view: ``p0 = workforce share x national representation ratio``
  (the organisation is as representative as the country as a whole);
* ``"parity"`` view: ``p0 = workforce share`` (the board mirrors the organisation's own
  workforce).

The workforce share is treated as known: it comes from thousands of staff, the board
from a dozen. Tail probabilities are exact binomial (Clopper & Pearson 1934,
Biometrika 26:404-413; no normal approximation is usable at n = 8-20):
``lower = P(X <= k)``, ``upper = P(X >= k)``; the two-sided p is
``min(1, 2 min(lower, upper))`` (the doubling rule). A board lies ``"below"`` the 95%
(99.8%) limit if ``lower < 0.025`` (0.001), ``"above"`` if ``upper < 0.025`` (0.001),
else ``"inside"``. Because the distribution is discrete, these limits flag at most (and
for small boards well under) their nominal share; the calibration harness reports the
actual share. ``mid_p`` (Lancaster 1961, JASA 56:223-234) is returned as well, for readers
who prefer a test whose average size is close to nominal.

Rows without a usable size, count or share give ``"not estimable"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

LEVELS = {"95": 0.05, "998": 0.002}
VIEWS = ("national_ratio", "parity")

__all__ = ["LEVELS", "VIEWS", "expected_share", "representation_funnel", "tails"]


def expected_share(workforce_share, national_ratio: float | None = None, view: str = "national_ratio") -> np.ndarray:
    """``p0`` per organisation (proportion 0-1).

    ``workforce_share``: minority share of the organisation's workforce (0-1).
    ``national_ratio``: national senior share / national workforce share (dimensionless;
    needed for the ``"national_ratio"`` view). ``p0`` is clipped to [0, 1].
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}")
    share = np.asarray(workforce_share, dtype=float)
    if view == "parity":
        return share
    if national_ratio is None or not np.isfinite(national_ratio) or national_ratio < 0:
        raise ValueError("the national_ratio view needs a finite, non-negative national_ratio")
    return np.clip(share * national_ratio, 0.0, 1.0)


def tails(k, n, p0) -> dict[str, np.ndarray]:
    """Exact binomial tails of ``k`` members out of ``n`` against ``p0``.

    Returns ``lower = P(X <= k)``, ``upper = P(X >= k)``, ``p_two_sided`` (doubling rule),
    ``mid_p`` (two-sided mid-p, ``2 min(lower, upper) - P(X = k)``, capped at 1) and
    ``ok`` (usable rows). Works on arrays of any (broadcast) shape.
    """
    k, n, p0 = (
        a.astype(float) for a in np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float)) for x in (k, n, p0)))
    )
    ok = (
        np.isfinite(k)
        & np.isfinite(n)
        & np.isfinite(p0)
        & (n > 0)
        & (k >= 0)
        & (k <= n)
        & (p0 >= 0)
        & (p0 <= 1)
        & (k == np.round(k))
        & (n == np.round(n))
    )
    kk, nn, pp = np.where(ok, k, 0), np.where(ok, n, 1), np.where(ok, p0, 0.5)
    lower = stats.binom.cdf(kk, nn, pp)
    upper = stats.binom.sf(kk - 1, nn, pp)
    point = stats.binom.pmf(kk, nn, pp)
    small = np.minimum(lower, upper)
    nan = np.nan
    return {
        "lower": np.where(ok, lower, nan),
        "upper": np.where(ok, upper, nan),
        "p_two_sided": np.where(ok, np.minimum(1.0, 2 * small), nan),
        "mid_p": np.where(ok, np.minimum(1.0, 2 * small - point), nan),
        "ok": ok,
    }


def _position(t: dict, alpha: float) -> np.ndarray:
    pos = np.where(t["lower"] < alpha / 2, "below", np.where(t["upper"] < alpha / 2, "above", "inside")).astype(object)
    pos[~t["ok"]] = "not estimable"
    return pos


def representation_funnel(
    k, n, workforce_share, national_ratio: float | None = None, view: str = "national_ratio"
) -> pd.DataFrame:
    """Place boards (or senior groups) on an exact binomial representation funnel.

    Parameters
    ----------
    k, n : array_like
        Minority members and all members (counts).
    workforce_share : array_like
        Minority share of the organisation's workforce (0-1).
    national_ratio : float, optional
        National representation ratio (senior share / workforce share), for the
        ``"national_ratio"`` view.
    view : {"national_ratio", "parity"}

    Returns
    -------
    DataFrame
        ``p0`` (0-1), ``expected`` (``n p0``, people), ``lower``, ``upper``,
        ``p_two_sided``, ``mid_p``, ``position_95``, ``position_998`` (codes "above",
        "below", "inside", "not estimable").
    """
    p0 = expected_share(workforce_share, national_ratio, view)
    t = tails(k, n, p0)
    n_arr = np.broadcast_to(np.asarray(n, dtype=float), t["lower"].shape)
    p0 = np.broadcast_to(p0, t["lower"].shape)
    return pd.DataFrame(
        {
            "p0": p0,
            "expected": n_arr * p0,
            "lower": t["lower"],
            "upper": t["upper"],
            "p_two_sided": t["p_two_sided"],
            "mid_p": t["mid_p"],
            **{f"position_{name}": _position(t, a) for name, a in LEVELS.items()},
        }
    )
