"""Trend tests for rolling-average annual series (adjacent points share data).

A published two-year rolling average ``x_t = (u_t + u_{t+1}) / 2`` of independent annual
values ``u_t`` has residuals with the moving-average correlation that the averaging
implies: ``corr(x_t, x_{t+h}) = (w - |h|) / w`` for ``|h| < w`` (window ``w``), 0 beyond;
0.5 between neighbours for ``w = 2`` (Box, Jenkins & Reinsel, Time Series Analysis, 4th ed.,
section 3.3, MA(q) autocorrelations with equal weights). Ordinary least squares with
``n - 2`` df ignores this and rejects too often; the calibration harness
(``python -m wres.calibration``) measures by how much.

Methods (``method=``):

* ``"gls"`` (recommended): generalised least squares with that correlation matrix
  ``Omega`` known from the averaging design, error variance estimated; with normal annual
  noise the t statistic has exactly ``n - 2`` df (Aitken's theorem: OLS on the series
  whitened by ``L^-1``, ``L L' = Omega``; e.g. Greene, Econometric Analysis, section 9.3).
  The harness shows it at nominal size for n = 5-10.
* ``"hac"``: OLS slope with a Newey-West (1987, Econometrica 55:703-708) variance, Bartlett
  lag 1, small-sample factor ``n / (n - 2)``, t on ``n - 2`` df (statsmodels
  ``cov_type="HAC", maxlags=1, use_correction=True, use_t=True``). Anti-conservative at
  n <= 10: the lag-1 autocovariance is estimated from a handful of residuals.
* ``"nonoverlap"``: OLS on every ``w``-th point (no shared data), ``m - 2`` df. Exact size
  but throws away data: at n = 5 only three points (1 df) remain.
* ``"ols"``: ordinary least squares as if the years were independent (for comparison).

The chosen method assumes the annual values behind the averages are independent around
the trend; if they are themselves autocorrelated no method with n <= 10 can tell.
Slopes are per year on the transformed scale (``wres.stats.trends.transform``: log for
ratios, logit for percentages).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from wres.stats import trends

METHODS = ("gls", "hac", "nonoverlap", "ols")
#: Method the harness found closest to nominal size for n = 5-10 two-year averages.
RECOMMENDED = "gls"

__all__ = [
    "METHODS",
    "RECOMMENDED",
    "ar1_correlation",
    "correlated_slope_test",
    "gls_line",
    "moving_average_correlation",
    "rolling_trend",
    "slope_tests",
]


def moving_average_correlation(n: int, window: int = 2) -> np.ndarray:
    """``n x n`` correlation of equal-weight ``window``-year rolling averages.

    ``Omega_ij = max(0, (window - |i - j|) / window)`` (dimensionless).
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    h = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    return np.clip((window - h) / window, 0.0, None)


def _ols(x: np.ndarray, z: np.ndarray):
    """Batched OLS of z (R, n) on [1, x] (n,) or (R, n, 2) design: slope, se, residuals."""
    xc = x - x.mean()
    sxx = np.sum(xc**2)
    zc = z - z.mean(axis=-1, keepdims=True)
    b = zc @ xc / sxx
    resid = zc - b[..., None] * xc
    return b, xc, sxx, resid


def _gls_fit(x, z, window):
    """GLS of z (R, n) on [1, x - mean(x)]: coefficients (R, 2), s^2 (R,), (X' Omega^-1 X)^-1."""
    n = x.size
    lower = np.linalg.cholesky(moving_average_correlation(n, window))
    design = np.linalg.solve(lower, np.column_stack([np.ones(n), x - x.mean()]))
    zw = np.linalg.solve(lower, z.T).T
    xtx_inv = np.linalg.inv(design.T @ design)
    coef = zw @ design @ xtx_inv
    resid = zw - coef @ design.T
    return coef, np.sum(resid**2, axis=-1) / (n - 2), xtx_inv


def _gls(x, z, window):
    coef, s2, xtx_inv = _gls_fit(x, z, window)
    return coef[..., 1], np.sqrt(s2 * xtx_inv[1, 1]), x.size - 2


def _hac(x, z):
    n = x.size
    b, xc, sxx, e = _ols(x, z)
    # Slope element of (X'X)^-1 S (X'X)^-1 with centred x; Bartlett weight 1/2 at lag 1.
    g = e * xc
    s = np.sum(g**2, axis=-1) + 2 * 0.5 * np.sum(g[..., 1:] * g[..., :-1], axis=-1)
    var = s / sxx**2 * n / (n - 2)
    return b, np.sqrt(np.maximum(var, 0.0)), n - 2


def _plain(x, z):
    n = x.size
    b, _, sxx, e = _ols(x, z)
    return b, np.sqrt(np.sum(e**2, axis=-1) / (n - 2) / sxx), n - 2


def slope_tests(years, z, window: int = 2, method: str = RECOMMENDED) -> dict[str, np.ndarray]:
    """Slope, standard error, df and two-sided p for many series at once.

    Parameters
    ----------
    years : array_like, shape (n,)
        Year of each point (ascending), e.g. the later year of each two-year window.
    z : array_like, shape (..., n)
        Values already on the fitted scale (e.g. log RL); one series per leading index.
    window : int
        Years in each rolling average (2 for a two-year average; 1 = annual values).
    method : {"gls", "hac", "nonoverlap", "ols"}
        See the module docstring.

    Returns
    -------
    dict
        ``slope`` (per year, transformed scale), ``se``, ``df`` (int), ``t``, ``p_value``
        (two-sided, Student t).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    x = np.asarray(years, dtype=float)
    z = np.asarray(z, dtype=float)
    if method == "nonoverlap":
        x, z = x[::window], z[..., ::window]
    if x.size < 3:
        raise ValueError(f"method {method!r} needs at least 3 usable points, got {x.size}")
    if method == "gls":
        b, se, df = _gls(x, z, window)
    elif method == "hac":
        b, se, df = _hac(x, z)
    else:
        b, se, df = _plain(x, z)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(se > 0, b / np.where(se > 0, se, 1.0), np.where(b == 0, 0.0, np.inf))
    return {"slope": b, "se": se, "df": df, "t": t, "p_value": 2 * stats.t.sf(np.abs(t), df)}


def rolling_trend(
    years, values, kind: str = "log", window: int = 2, method: str = RECOMMENDED, alpha: float = 0.05
) -> dict:
    """Trend of one rolling-average series.

    Parameters
    ----------
    years, values : array_like
        Annual points of the published rolling average (natural scale).
    kind : {"log", "logit", "identity"}
        Transform of :func:`wres.stats.trends.transform`.
    window, method : see :func:`slope_tests`.
    alpha : float
        1 - confidence level of the slope interval.

    Returns
    -------
    dict
        ``slope_transformed``, ``se_transformed``, ``slope_ci_low_transformed``,
        ``slope_ci_high_transformed`` (per year), ``df``, ``p_value``, ``method``,
        ``window``; for ``kind="log"`` also ``pct_per_year = 100 (exp(b) - 1)`` and its CI.
    """
    z = trends.transform(values, kind)
    r = slope_tests(years, z[None, :], window, method)
    b, se, df = float(r["slope"][0]), float(r["se"][0]), int(r["df"])
    half = stats.t.ppf(1 - alpha / 2, df) * se
    out = {
        "slope_transformed": b,
        "se_transformed": se,
        "slope_ci_low_transformed": b - half,
        "slope_ci_high_transformed": b + half,
        "df": df,
        "p_value": float(r["p_value"][0]),
        "method": method,
        "window": window,
    }
    if kind == "log":
        out.update(
            pct_per_year=100 * np.expm1(b),
            pct_per_year_ci_low=100 * np.expm1(b - half),
            pct_per_year_ci_high=100 * np.expm1(b + half),
        )
    return out


def gls_line(years, z, window: int = 2, alpha: float = 0.05, grid=None) -> dict:
    """The GLS trend line of one rolling-average series and its pointwise band.

    ``z`` is already on the fitted scale. Returns ``intercept_at_mean_year``, ``mean_year``,
    ``slope``, ``se``, ``df`` (n - 2), ``p_value`` (two-sided t), ``resid_sd`` (``s``, the
    estimated SD of one published figure about the line, transformed scale) and, on ``grid``
    (default: the years), ``fitted`` with ``half_width``: ``t_{1-alpha/2, n-2} s sqrt(g'
    (X' Omega^-1 X)^-1 g)``, ``g = (1, year - mean year)``, the usual GLS band for the mean
    (Greene, section 9.3), all on the transformed scale.
    """
    x = np.asarray(years, dtype=float)
    z = np.asarray(z, dtype=float)
    if x.size < 3:
        raise ValueError(f"GLS needs at least 3 points, got {x.size}")
    coef, s2, xtx_inv = _gls_fit(x, z[None, :], window)
    a, b, s2 = float(coef[0, 0]), float(coef[0, 1]), float(s2[0])
    df = x.size - 2
    se = float(np.sqrt(s2 * xtx_inv[1, 1]))
    if se > 0:
        p = float(2 * stats.t.sf(abs(b / se), df))
    else:
        p = 1.0 if b == 0 else 0.0
    xbar = float(x.mean())
    g = x if grid is None else np.asarray(grid, dtype=float)
    design = np.column_stack([np.ones_like(g), g - xbar])
    var = np.einsum("ij,jk,ik->i", design, xtx_inv, design) * s2
    half = stats.t.ppf(1 - alpha / 2, df) * np.sqrt(np.maximum(var, 0.0))
    return {
        "intercept_at_mean_year": a,
        "mean_year": xbar,
        "slope": b,
        "se": se,
        "df": df,
        "p_value": p,
        "resid_sd": float(np.sqrt(s2)),
        "grid": g,
        "fitted": a + b * (g - xbar),
        "half_width": half,
    }


def ar1_correlation(years, rho: float, window: int = 1) -> np.ndarray:
    """Correlation of published figures when the annual values behind them are AR(1).

    The annual noise ``u_t`` has ``corr(u_t, u_s) = rho^|t - s|`` (years, so a gap in the
    series counts); each published figure is the mean of the ``window`` years ending at its
    year. With ``A`` the averaging matrix, ``Sigma = A R A'`` rescaled to a correlation
    (Box, Jenkins & Reinsel, 4th ed., sections 3.2-3.3). ``rho = 0`` gives
    :func:`moving_average_correlation` for consecutive years; ``window = 1`` gives R itself.
    """
    if not -1 < rho < 1:
        raise ValueError("rho must lie in (-1, 1)")
    if window < 1:
        raise ValueError("window must be at least 1")
    y = np.asarray(years, dtype=float)
    if y.size and not np.allclose(y, np.round(y)):
        raise ValueError("years must be whole years")
    y = np.round(y).astype(int)
    base = np.arange(y.min() - window + 1, y.max() + 1) if y.size else np.arange(0)
    r = rho ** np.abs(np.subtract.outer(base, base)).astype(float)
    a = np.zeros((y.size, base.size))
    for i, year in enumerate(y):
        a[i, year - window + 1 - base[0] : year - base[0] + 1] = 1.0 / window
    sigma = a @ r @ a.T
    d = np.sqrt(np.diag(sigma))
    return sigma / np.outer(d, d)


def correlated_slope_test(years, z, correlation: np.ndarray) -> dict:
    """GLS slope test of one series with a given residual correlation matrix.

    Aitken's GLS with ``Omega = correlation`` known and the error variance estimated: the
    slope's t statistic has ``n - 2`` df when the correlation is right (Greene, Econometric
    Analysis, section 9.3). Used as a sensitivity: the same series tested as if its years
    were correlated as ``correlation`` says. Returns ``slope`` (per year, transformed
    scale), ``se``, ``df``, ``p_value`` (two-sided t).
    """
    x = np.asarray(years, dtype=float)
    z = np.asarray(z, dtype=float)
    if x.size < 3:
        raise ValueError(f"GLS needs at least 3 points, got {x.size}")
    lower = np.linalg.cholesky(np.asarray(correlation, dtype=float))
    design = np.linalg.solve(lower, np.column_stack([np.ones_like(x), x - x.mean()]))
    zw = np.linalg.solve(lower, z)
    xtx_inv = np.linalg.inv(design.T @ design)
    coef = xtx_inv @ design.T @ zw
    resid = zw - design @ coef
    df = x.size - 2
    se = float(np.sqrt(resid @ resid / df * xtx_inv[1, 1]))
    b = float(coef[1])
    p = float(2 * stats.t.sf(abs(b / se), df)) if se > 0 else (1.0 if b == 0 else 0.0)
    return {"slope": b, "se": se, "df": df, "p_value": p}
