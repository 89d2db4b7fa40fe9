"""The organisation gap trend of :mod:`wres.stats.gap_trend`, fitted for many organisations
at once, so the calibration harness can run it on 500 and more simulated panels.

The model is the book's (:func:`wres.stats.gap_trend.org_gap_trend`): a binomial GLM with
the logit link on both groups' yearly counts, ``logit p = b0 + b1 t + b2 g + b3 g t``
(``t`` the year minus its mean, ``g`` = 1 for the numerator group), Pearson X2 / (2T - 4) as
the scale (quasi-binomial), floored at 1, and a t test on ``b3`` with 2T - 4 degrees of
freedom.

Why by hand: the book fits one statsmodels GLM per organisation (a few milliseconds each).
The harness needs about 400,000 fits (500 panels of 200 organisations, null and planted, in
several worlds), which one at a time takes about half an hour; statsmodels has no batched
GLM. This is the same iteratively reweighted least squares (McCullagh & Nelder 1989,
section 2.5), run on a stack of organisations with numpy's batched ``solve``; the scale
and the t test are those statsmodels computes (``GLM.fit(scale="X2", use_t=True)``).
``tests/calibration/test_batched_gap_trend.py`` checks the p-values against the book's own
function on whole panels.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.special import expit, xlogy

from wres.stats.gap_trend import design

#: IRLS stops when the deviance moves by at most this (statsmodels' default ``tol`` and its
#: criterion, so near-separated organisations stop where the book's fit stops) ...
TOL = 1e-8
#: ... or after this many iterations (statsmodels' default maximum), when the fit is NaN
#: as the book's "not estimable".
MAX_ITER = 100
#: The smallest fitted proportion the IRLS weights use (statsmodels' ``FLOAT_EPS``).
EPS = np.finfo(float).eps


def _wls(x: np.ndarray, w: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Weighted least squares of each row of ``z`` on ``x`` with weights ``w`` (normal equations)."""
    xtw = x.T[None, :, :] * w[:, None, :]
    return np.linalg.solve(xtw @ x, (xtw @ z[..., None]))[..., 0]


def _deviance(y: np.ndarray, mu: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Binomial deviance of each organisation (proportions ``y``, group sizes ``n``)."""
    return 2 * (n * (xlogy(y, y) - xlogy(y, mu) + xlogy(1 - y, 1 - y) - xlogy(1 - y, 1 - mu))).sum(axis=1)


def _scale(x, y, n, beta, df_resid) -> np.ndarray:
    """Pearson X2 / residual df of each organisation (the quasi-binomial scale)."""
    mu = np.clip(expit(beta @ x.T), 1e-15, 1 - 1e-15)
    return (n * (y - mu) ** 2 / (mu * (1 - mu))).sum(axis=1) / df_resid


def _irls(x, y, n, beta, active, converged, perfect) -> None:
    """IRLS on the rows ``active`` of ``beta`` (updated in place), statsmodels' way: stop when
    the deviance moves by at most :data:`TOL`; mark ``perfect`` prediction as it warns of it."""
    # Iterate only the organisations still moving: a few (near-separated ones) need many
    # steps, and the others should not pay for them.
    dev = _deviance(y[active], expit(beta[active] @ x.T), n[active])
    for _ in range(MAX_ITER):
        if not active.size:
            return
        b, nn, yy = beta[active], n[active], y[active]
        eta = b @ x.T
        # statsmodels clips a fitted proportion to [eps, 1 - eps] in the link's derivative and
        # the variance (so the weights of an extreme fit stay finite); the same here.
        mu = np.clip(expit(eta), EPS, 1 - EPS)
        var = mu * (1 - mu)
        new = _wls(x, nn * var, eta + (yy - mu) / var)
        new_mu = expit(new @ x.T)
        new_dev = _deviance(yy, new_mu, nn)
        # statsmodels warns of perfect prediction when every fitted proportion equals the
        # observed one to 1e-8 at any step, and the book then gives no test.
        perfect[active[np.all(np.abs(new_mu - yy) <= 1e-8, axis=1)]] = True
        beta[active] = new
        done = np.abs(new_dev - dev) <= TOL
        converged[active[done]] = True
        active, dev = active[~done], new_dev[~done]


def slope_p_values(years, k1, n1, k2, n2, *, floor_scale: bool = True) -> np.ndarray:
    """Two-sided p-values of the gap-trend slope ``b3`` for each organisation.

    ``years``: shape (T,), the years (every organisation has all of them);
    ``k1, n1`` (numerator group) and ``k2, n2`` (comparison group): event counts and group
    sizes, shape (..., T), people. Returns shape (...). NaN where the book's function gives
    no test: a group with no events or only events over the years (separation), a fit that
    predicts every proportion exactly, or no convergence.
    """
    years = np.asarray(years, dtype=float)
    k = np.concatenate([np.asarray(k1, float), np.asarray(k2, float)], axis=-1)
    n = np.concatenate([np.asarray(n1, float), np.asarray(n2, float)], axis=-1)
    lead = k.shape[:-1]
    k, n = k.reshape(-1, k.shape[-1]), n.reshape(-1, n.shape[-1])
    if not (np.all(n > 0) and np.all((k >= 0) & (k <= n))):
        raise ValueError("every organisation-year needs 0 <= events <= group size and a group size above 0")
    x = design(years - years.mean())
    t = years.size
    df_resid = 2 * t - 4
    if df_resid < 1:
        raise ValueError("the gap trend needs at least three years")
    y = k / n
    # Start as the book does: weighted least squares on the empirical logits.
    elogit = np.log((k + 0.5) / (n - k + 0.5))
    w0 = (k + 0.5) * (n - k + 0.5) / (n + 1.0)
    beta = _wls(x, w0, elogit)
    converged = np.zeros(len(k), dtype=bool)
    perfect = np.zeros(len(k), dtype=bool)
    _irls(x, y, n, beta, np.arange(len(k)), converged, perfect)
    if floor_scale:
        # The book refits with the scale fixed at 1 where X2 / df is below 1, starting from
        # the fitted coefficients: IRLS takes at least one more step there (more for the
        # slowly converging near-separated organisations), so this does too.
        again = np.flatnonzero(_scale(x, y, n, beta, df_resid) < 1)
        converged[again] = False
        _irls(x, y, n, beta, again, converged, perfect)
    mu = np.clip(expit(beta @ x.T), 1e-15, 1 - 1e-15)
    var = mu * (1 - mu)
    scale = _scale(x, y, n, beta, df_resid)
    if floor_scale:
        scale = np.maximum(scale, 1.0)
    cov = np.linalg.inv((x.T[None, :, :] * (n * var)[:, None, :]) @ x)
    se = np.sqrt(scale * cov[:, 3, 3])
    p = 2 * stats.t.sf(np.abs(beta[:, 3] / se), df_resid)
    t1 = k[:, :t].sum(axis=1), (n - k)[:, :t].sum(axis=1)
    t2 = k[:, t:].sum(axis=1), (n - k)[:, t:].sum(axis=1)
    separated = (t1[0] == 0) | (t1[1] == 0) | (t2[0] == 0) | (t2[1] == 0)
    p = np.where(converged & ~perfect & ~separated & np.isfinite(p), p, np.nan)
    return p.reshape(lead)
