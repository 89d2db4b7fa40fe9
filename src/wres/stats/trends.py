"""Trend tests for short annual national WRES series.

The national figures are near-census values published without counts, so there is
no sampling error to speak of: the noise is the year-to-year wobble of the series
around its trend (``docs/design.md``, section "Trend tests"). Every test here therefore takes its error
variance from the series itself:

* :func:`ols_trend` - least squares of the transformed value on year, residual
  variance from the fit, Student t with n - 2 degrees of freedom.
* :func:`mann_kendall_exact` - Mann-Kendall S with its *exact* permutation null
  distribution (ties kept), because the normal approximation is poor at n of about 8.
* :func:`theil_sen` - the median of pairwise slopes, robust to one odd year.
* :func:`min_detectable_slope` - what the series could have detected at all.
* :func:`analyse_series` - all of the above and the verdict code
  (:func:`wres.stats.verdicts.classify`) for one series.

Transforms: ``"log"`` for ratios such as relative likelihoods (a slope is then a
constant percentage change per year), ``"logit"`` for percentages (keeps fitted
values and bands inside 0-100), ``"identity"`` for anything else.

All functions are pure: arrays or pandas in, numbers / dicts / DataFrames out.
"""

from __future__ import annotations

import math
from itertools import accumulate

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats

from wres.stats import verdicts

#: ``method`` of a trend: ordinary least squares for annual figures, GLS with the
#: moving-average correlation of two-year averages (``wres.stats.serial``) for rolling ones.
METHOD_OLS = "ols"
METHOD_GLS_ROLLING = "gls_rolling_2"
#: ``mk_method`` when Mann-Kendall is not run: it assumes independent years, which
#: overlapping rolling averages are not.
MK_NOT_APPLICABLE = "not applicable"

__all__ = [
    "MIN_YEARS",
    "MK_EXACT_MAX_N",
    "KINDS",
    "DIRECTIONS",
    "MannKendallResult",
    "transform",
    "inverse_transform",
    "slope_unit",
    "ols_trend",
    "mann_kendall_exact",
    "theil_sen",
    "min_detectable_slope",
    "analyse_series",
]

#: Fewest annual points on which a trend is tested.
#:
#: Under H0 all n! orderings of the series are equally likely, and the most extreme
#: ones (strictly increasing or strictly decreasing) give the smallest possible exact
#: two-sided Mann-Kendall p-value, 2/n!. For n = 4 that is 2/24 = 0.083, so the
#: Mann-Kendall cross-check can never confirm anything at the 5% level; for n = 5 it
#: is 2/120 = 0.017. Five is thus the smallest n at which *both* tests can reach
#: p < 0.05 (the regression alone could, on a near-perfect line, with 2 df - but an
#: unconfirmable verdict from a 4-point regression is not worth printing).
MIN_YEARS = 5

#: Largest n for which :func:`mann_kendall_exact` uses the exact null distribution.
#: The exact method here costs O(n^3) integer operations (q-multinomial
#: coefficients), about a millisecond at n = 50, so the limit is generous; above it
#: the tie-corrected normal approximation with continuity correction is already good.
MK_EXACT_MAX_N = 50

KINDS = ("log", "logit", "identity")
DIRECTIONS = verdicts.DIRECTIONS

_SLOPE_UNITS = {
    "log": "% per year",
    "logit": "percentage points per year",
    "identity": "units per year",
}


# ---------------------------------------------------------------------------
# transforms and input checks
# ---------------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def transform(values, kind: str) -> np.ndarray:
    """Put values on the scale where the trend is fitted.

    ``"log"``: natural log; values must be > 0 (ratios, relative likelihoods).
    ``"logit"``: ``logit(p / 100)``; values are percentages and must lie strictly
    between 0 and 100 (0 % or 100 % has no finite logit).
    ``"identity"``: unchanged; values must be finite.

    NaN and infinities are outside every domain: a ValueError is raised rather
    than letting a missing year disappear silently.
    """
    _check_kind(kind)
    v = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{kind} transform: values must be finite (got {v!r})")
    if kind == "log":
        if np.any(v <= 0):
            raise ValueError(f"log transform needs values > 0 (got {v!r})")
        return np.log(v)
    if kind == "logit":
        if np.any((v <= 0) | (v >= 100)):
            raise ValueError(f"logit transform needs percentages strictly between 0 and 100 (got {v!r})")
        return special.logit(v / 100.0)
    return v.copy()


def inverse_transform(z, kind: str) -> np.ndarray:
    """Back to the natural scale: ``exp`` (log), ``100 * expit`` (logit, in %), identity."""
    _check_kind(kind)
    z = np.asarray(z, dtype=float)
    if kind == "log":
        return np.exp(z)
    if kind == "logit":
        return 100.0 * special.expit(z)
    return z.copy()


def slope_unit(kind: str) -> str:
    """Unit of the natural-scale slope for a transform kind."""
    _check_kind(kind)
    return _SLOPE_UNITS[kind]


def _check_years(years, n_values: int) -> np.ndarray:
    x = np.asarray(years, dtype=float)
    if x.ndim != 1:
        raise ValueError("years must be one-dimensional")
    if x.size != n_values:
        raise ValueError(f"years ({x.size}) and values ({n_values}) differ in length")
    if not np.all(np.isfinite(x)):
        raise ValueError("years must be finite")
    if x.size > 1 and not np.all(np.diff(x) > 0):
        raise ValueError("years must be unique and sorted ascending")
    return x


def _prepare(years, values, kind: str, min_n: int):
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError("values must be one-dimensional")
    x = _check_years(years, v.size)
    z = transform(v, kind)
    if v.size < min_n:
        raise ValueError(f"need at least {min_n} points, got {v.size}")
    return x, z


def _logit_level(z: np.ndarray) -> float:
    """p-bar for the delta method: expit(mean logit), i.e. the OLS fit at the mean year."""
    return float(special.expit(np.mean(z)))


def _to_natural_slope(b, kind: str, delta_factor: float | None = None):
    """Transformed-scale slope(s) -> natural-scale slope(s).

    log: ``100 * (exp(b) - 1)`` is the exact % change per year and is monotone in b,
    so CI bounds map to CI bounds. logit: the delta method, ``b * 100 * p(1 - p)``,
    linear in b, so CI bounds also map exactly through the same factor.
    """
    b = np.asarray(b, dtype=float)
    if kind == "log":
        out = 100.0 * np.expm1(b)
    elif kind == "logit":
        if delta_factor is None:
            raise ValueError("logit slopes need the delta-method factor")
        out = b * delta_factor
    else:
        out = b.copy()
    return out.item() if out.ndim == 0 else out


def _fit_frame(grid: np.ndarray, fitted_z: np.ndarray, half: np.ndarray, kind: str) -> pd.DataFrame:
    """The fitted line and its pointwise interval (``fitted_z`` ± ``half`` on the transformed
    scale) on ``grid``, back on the natural scale."""
    return pd.DataFrame(
        {
            "year": grid,
            "fitted": inverse_transform(fitted_z, kind),
            "ci_low": inverse_transform(fitted_z - half, kind),
            "ci_high": inverse_transform(fitted_z + half, kind),
        }
    )


def _default_grid(x: np.ndarray) -> np.ndarray:
    # A tenth of a year keeps the back-transformed (curved) line and band smooth.
    span = float(x[-1] - x[0])
    num = max(2, int(round(span * 10)) + 1)
    return np.linspace(x[0], x[-1], num)


# ---------------------------------------------------------------------------
# OLS on the transformed scale
# ---------------------------------------------------------------------------


def _ols_fit(z: np.ndarray, xc: np.ndarray):
    """statsmodels OLS of ``z`` on an intercept and the centred years ``xc``."""
    return sm.OLS(z, np.column_stack([np.ones(z.size), xc])).fit()


def ols_model(years, values, kind: str):
    """The statsmodels fit behind :func:`ols_trend` (the same call), for a reader who wants
    its summary: ``transform(values, kind)`` on an intercept and the year minus the mean year
    (``summary(xname=["const", "year - mean year"])`` names them)."""
    x, z = _prepare(years, values, kind, min_n=3)
    return _ols_fit(z, x - float(x.mean()))


def ols_trend(years, values, kind: str, alpha=0.05, *, grid=None) -> dict:
    """Least-squares trend of ``transform(values, kind)`` on year.

    Model: ``z_i = a + b * year_i + e_i``, residual variance
    ``s^2 = SSR / (n - 2)``, ``se(b) = s / sqrt(Sxx)``, two-sided p from Student t
    with ``n - 2`` df and CI ``b +/- t_{1-alpha/2, n-2} se(b)`` (any regression text,
    e.g. Draper & Smith, Applied Regression Analysis, ch. 1). The fit is done with
    ``statsmodels`` OLS on years centred at their mean, which changes nothing but the
    intercept and keeps the design well conditioned.

    Natural-scale slope (keys ``slope``, ``slope_ci_low``, ``slope_ci_high``,
    ``slope_unit``):

    * log -> "% per year" = ``100 * (exp(b) - 1)``; the CI is the back-transformed CI
      of b (exact, since the map is monotone).
    * logit -> "percentage points per year" by the delta method at the fitted value at
      the mean year: ``b * 100 * pbar * (1 - pbar)`` with ``pbar = expit(mean of the
      logit values)`` (the OLS line passes through the mean point). The CI is the same
      factor times the CI of b, so it is a first-order approximation, local to pbar.
    * identity -> "units per year" (the caller may relabel the unit).

    Also returned: ``slope_transformed``, ``se_transformed``, ``df``, ``p_value``,
    ``slope_ci_low_transformed``, ``slope_ci_high_transformed``, ``resid_sd`` (residual
    SD on the transformed scale), ``delta_level`` (pbar in %, logit only, else NaN),
    and ``fit``: a DataFrame (``year``, ``fitted``, ``ci_low``, ``ci_high``) with the
    fitted line and its pointwise (1 - alpha) confidence band for the mean,
    back-transformed to the natural scale, on ``grid`` (default: first to last year
    in steps of 0.1 year).

    Zero residual variance (e.g. a constant series) is not an error: a constant series
    gives slope 0, se 0, p = 1; an exactly straight non-constant series gives se 0 and
    p = 0. No division warnings are raised.

    Years must be unique and ascending; at least 3 points are needed (df >= 1).
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    x, z = _prepare(years, values, kind, min_n=3)
    n = z.size
    df = n - 2
    xbar = float(x.mean())
    xc = x - xbar
    sxx = float(np.sum(xc**2))
    tcrit = float(stats.t.ppf(1 - alpha / 2, df))

    g = _default_grid(x) if grid is None else np.asarray(grid, dtype=float)
    exog_grid = np.column_stack([np.ones_like(g), g - xbar])

    if np.all(z == z[0]):
        # statsmodels would return a round-off slope and 0/0 t statistic; the honest
        # answer for a flat series is an exact zero slope with no evidence of change.
        b, se, intercept, ssr = 0.0, 0.0, float(z[0]), 0.0
        fitted_z = np.full_like(g, z[0])
        half = np.zeros_like(g)
    else:
        res = _ols_fit(z, xc)
        intercept, b = (float(c) for c in res.params)
        ssr = float(res.ssr)
        se = math.sqrt(ssr / df / sxx)
        fitted_z = exog_grid @ res.params
        # Pointwise CI of the mean: se(fit at x0) = s * sqrt(1/n + (x0 - xbar)^2 / Sxx).
        # Written out instead of get_prediction() so the ssr == 0 case needs no branch.
        s = math.sqrt(ssr / df)
        half = tcrit * s * np.sqrt(1.0 / n + (g - xbar) ** 2 / sxx)

    if se > 0:
        p_value = float(2 * stats.t.sf(abs(b / se), df))
    else:
        p_value = 1.0 if b == 0 else 0.0

    b_lo, b_hi = b - tcrit * se, b + tcrit * se
    level = _logit_level(z) if kind == "logit" else float("nan")
    factor = 100.0 * level * (1 - level) if kind == "logit" else None

    fit = _fit_frame(g, fitted_z, half, kind)
    return {
        "slope_transformed": b,
        "se_transformed": se,
        "slope_ci_low_transformed": b_lo,
        "slope_ci_high_transformed": b_hi,
        "intercept_at_mean_year": intercept,
        "mean_year": xbar,
        "df": df,
        "p_value": p_value,
        "resid_sd": math.sqrt(ssr / df),
        "delta_level": 100.0 * level if kind == "logit" else float("nan"),
        "slope": _to_natural_slope(b, kind, factor),
        "slope_ci_low": _to_natural_slope(b_lo, kind, factor),
        "slope_ci_high": _to_natural_slope(b_hi, kind, factor),
        "slope_unit": slope_unit(kind),
        "fit": fit,
    }


# ---------------------------------------------------------------------------
# Mann-Kendall
# ---------------------------------------------------------------------------


class MannKendallResult(tuple):
    """``(S, p)`` pair that also carries ``.method`` (``"exact"`` or ``"normal"``).

    A tuple subclass so ``s, p = mann_kendall_exact(v)`` keeps working.
    """

    def __new__(cls, s: float, p: float, method: str):
        obj = super().__new__(cls, (float(s), float(p)))
        obj.method = method
        return obj

    @property
    def s(self) -> float:
        return self[0]

    @property
    def p(self) -> float:
        return self[1]

    def __repr__(self) -> str:
        return f"MannKendallResult(s={self[0]!r}, p={self[1]!r}, method={self.method!r})"


def _mk_s(v: np.ndarray) -> int:
    """S = sum over i < j of sign(v_j - v_i) (Mann 1945; Kendall 1975)."""
    i, j = np.triu_indices(v.size, k=1)
    return int(np.sign(v[j] - v[i]).sum())


def _poly_times_qint(a: list[int], k: int) -> list[int]:
    """a(q) * (1 + q + ... + q^(k-1)), as a sliding-window sum of coefficients."""
    c = [0, *accumulate(a)]  # c[j] = a_0 + ... + a_{j-1}
    deg = len(a) - 1 + k - 1
    return [c[min(j + 1, len(a))] - c[max(j - k + 1, 0)] for j in range(deg + 1)]


def _poly_div_qint(a: list[int], k: int) -> list[int]:
    """Exact a(q) / (1 + q + ... + q^(k-1)) = a(q) (1 - q) / (1 - q^k)."""
    b = [a[0]] + [a[j] - a[j - 1] for j in range(1, len(a))] + [-a[-1]]
    d = list(b)
    for j in range(k, len(d)):
        d[j] += d[j - k]
    out_len = len(a) - (k - 1)
    if any(d[out_len:]):
        raise ArithmeticError("q-integer division was not exact")  # cannot happen
    return d[:out_len]


def _mk_exact_null(tie_sizes: list[int], n: int) -> list[int]:
    """Counts of distinct arrangements of the observed multiset by number of
    discordant pairs D (pairs i < j with v_i > v_j).

    Under H0 every one of the n! orderings of the observed values is equally likely,
    which makes every distinct arrangement of the multiset equally likely. Their
    generating function by number of inversions is the q-multinomial coefficient
    [n]_q! / prod_g [t_g]_q! (MacMahon; Stanley, Enumerative Combinatorics vol. 1,
    Prop. 1.7.1). Since S = N' - 2D with N' = number of untied pairs, this is the exact
    null distribution of S with ties - something neither scipy (kendalltau's exact
    method assumes no ties) nor statsmodels provides, hence written here. Python
    integers keep the counts exact.
    """
    poly = [1]
    for k in range(2, n + 1):
        poly = _poly_times_qint(poly, k)
    for t in tie_sizes:
        for k in range(2, t + 1):
            poly = _poly_div_qint(poly, k)
    return poly


def mann_kendall_exact(values, *, exact_max_n: int = MK_EXACT_MAX_N) -> MannKendallResult:
    """Mann-Kendall trend test: ``(S, two-sided p)`` plus ``.method``.

    Time order is the index order (years are not looked at, so gaps do not matter).
    ``S = sum_{i<j} sign(v_j - v_i)``; tied pairs score 0.

    For ``n <= exact_max_n`` (default :data:`MK_EXACT_MAX_N` = 50) the p-value is
    exact: ``P(|S*| >= |S|)`` where S* ranges over all n! orderings of the observed
    values, ties kept, each equally likely (computed by q-multinomial coefficients,
    see :func:`_mk_exact_null`; identical to full enumeration). ``.method`` is
    ``"exact"``.

    Above that, the normal approximation (``.method == "normal"``):
    ``Var S = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18`` (Kendall 1975, tie-corrected),
    ``z = (S - sign(S)) / sqrt(Var S)`` (continuity correction), ``p = 2 (1 - Phi(|z|))``.

    A series with fewer than 2 values, or all values tied, has S = 0 and p = 1.
    Values must be finite.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError("values must be one-dimensional")
    if not np.all(np.isfinite(v)):
        raise ValueError("Mann-Kendall: values must be finite")
    n = v.size
    s = _mk_s(v) if n > 1 else 0
    _, counts = np.unique(v, return_counts=True)
    ties = [int(t) for t in counts if t > 1]

    if n <= exact_max_n:
        if s == 0:
            return MannKendallResult(0, 1.0, "exact")
        null = _mk_exact_null(ties, n)
        n_untied = n * (n - 1) // 2 - sum(t * (t - 1) // 2 for t in ties)
        total = sum(null)
        extreme = sum(c for d, c in enumerate(null) if abs(n_untied - 2 * d) >= abs(s))
        return MannKendallResult(s, min(1.0, extreme / total), "exact")

    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18.0
    if s == 0 or var <= 0:
        return MannKendallResult(s, 1.0, "normal")
    z = (s - np.sign(s)) / math.sqrt(var)
    return MannKendallResult(s, float(2 * stats.norm.sf(abs(z))), "normal")


# ---------------------------------------------------------------------------
# Theil-Sen
# ---------------------------------------------------------------------------


def theil_sen(years, values, kind: str, alpha=0.05) -> dict:
    """Theil-Sen slope (median of pairwise slopes) on the transformed scale.

    Computed with ``scipy.stats.theilslopes``; its CI is Sen's (1968, eq. 2.6)
    rank-based interval with a normal approximation to Kendall's S, so at n of
    about 5-9 it is approximate, and scipy clips it at the most extreme pairwise
    slopes. Reported on the same natural scale and unit as :func:`ols_trend`
    (log -> % per year via ``100 * (exp(b) - 1)``; logit -> the same delta-method
    factor ``100 * pbar * (1 - pbar)`` with ``pbar = expit(mean logit)``;
    identity -> as is).

    Returns ``sen_slope``, ``sen_ci_low``, ``sen_ci_high``, ``slope_unit`` and the
    transformed-scale ``sen_slope_transformed``, ``sen_ci_low_transformed``,
    ``sen_ci_high_transformed``.
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    x, z = _prepare(years, values, kind, min_n=2)
    # scipy's `alpha` is the confidence level, not the test size.
    res = stats.theilslopes(z, x, alpha=1 - alpha)
    factor = None
    if kind == "logit":
        level = _logit_level(z)
        factor = 100.0 * level * (1 - level)
    b, lo, hi = float(res.slope), float(res.low_slope), float(res.high_slope)
    return {
        "sen_slope_transformed": b,
        "sen_ci_low_transformed": lo,
        "sen_ci_high_transformed": hi,
        "sen_slope": _to_natural_slope(b, kind, factor),
        "sen_ci_low": _to_natural_slope(lo, kind, factor),
        "sen_ci_high": _to_natural_slope(hi, kind, factor),
        "slope_unit": slope_unit(kind),
    }


# ---------------------------------------------------------------------------
# Minimum detectable slope
# ---------------------------------------------------------------------------


def _t_test_power(ncp: float, df: int, alpha: float) -> float:
    tcrit = stats.t.ppf(1 - alpha / 2, df)
    # scipy's noncentral t returns NaN for some far lower tails (seen at df 3, t -7.2, ncp 7.5,
    # where the true value is about 2e-16): such a tail adds nothing to the power.
    lower = float(stats.nct.cdf(-tcrit, df, ncp))
    return float(stats.nct.sf(tcrit, df, ncp)) + (lower if np.isfinite(lower) else 0.0)


def min_detectable_slope(years, resid_sd, kind, level_for_delta=None, alpha=0.05, power=0.8) -> float:
    """Smallest annual change the OLS slope test would detect with the given power.

    With ``se = resid_sd / sqrt(Sxx)`` (Sxx from the actual years, so gaps count) and
    ``df = n - 2``, the two-sided level-alpha t test of the slope has power
    ``P(T > t_crit) + P(T < -t_crit)``, T ~ noncentral t(df, beta / se). The
    noncentrality giving the requested power is found with ``scipy.optimize.brentq``
    on ``scipy.stats.nct``; ``beta = ncp * se`` on the transformed scale.

    ``resid_sd`` is on the transformed scale (what :func:`ols_trend` returns). The
    result is on the natural scale, in the unit of :func:`ols_trend`'s slope:

    * log -> % per year, ``100 * (exp(beta) - 1)``: the size of a *rise* detectable
      with that power. A fall of ``100 * (1 - exp(-beta))`` % (slightly smaller) has
      the same power, so changes of at least the returned size in either direction
      are detected with at least that power.
    * logit -> percentage points per year, ``beta * 100 * L (1 - L)`` with
      ``L = level_for_delta / 100``; ``level_for_delta`` (a percentage, 0-100) is
      required - pass the ``delta_level`` from :func:`ols_trend`.
    * identity -> ``beta``.

    Returns NaN when n < 3 (no residual df) or resid_sd is NaN; 0 when resid_sd is 0.
    """
    _check_kind(kind)
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if not alpha < power < 1:
        raise ValueError("power must lie between alpha and 1")
    x = _check_years(years, np.asarray(years).size)
    n = x.size
    if n < 3 or resid_sd is None or not np.isfinite(resid_sd):
        return float("nan")
    if resid_sd < 0:
        raise ValueError("resid_sd must be >= 0")
    factor = None
    if kind == "logit":
        if level_for_delta is None or not 0 < level_for_delta < 100:
            raise ValueError("logit needs level_for_delta, a percentage in (0, 100)")
        lv = level_for_delta / 100.0
        factor = 100.0 * lv * (1 - lv)
    se = resid_sd / math.sqrt(float(np.sum((x - x.mean()) ** 2)))
    return _detectable_from_se(se, n - 2, kind, factor, alpha, power)


def _detectable_from_se(se: float, df: int, kind: str, factor, alpha: float, power: float = 0.8) -> float:
    """Slope detected with ``power`` by a two-sided level-``alpha`` t test with this se and df
    (noncentral t, as in :func:`min_detectable_slope`), on the natural scale."""
    if not np.isfinite(se):
        return float("nan")

    def gap(ncp: float) -> float:
        return _t_test_power(ncp, df, alpha) - power

    hi = 1.0
    while gap(hi) < 0:  # power rises monotonically with ncp; expand until bracketed
        hi *= 2.0
    ncp = optimize.brentq(gap, 0.0, hi, xtol=1e-12, rtol=1e-14)
    return float(_to_natural_slope(ncp * se, kind, factor))


# ---------------------------------------------------------------------------
# One series, everything
# ---------------------------------------------------------------------------

_EMPTY_FIT_COLUMNS = ["year", "fitted", "ci_low", "ci_high"]


def _year_out(y: float):
    return int(y) if float(y).is_integer() else float(y)


def _parity_scale(kind: str) -> str:
    if kind == "logit":
        raise ValueError("improvement 'parity' is for ratios (log) and gaps (identity), not percentages")
    return "log" if kind == "log" else "identity"


def _rolling_regression(x, v, kind, alpha, window, family_size=1):
    """The regression part of :func:`analyse_series` for a rolling-average series: GLS."""
    from wres.stats import serial  # serial builds on this module's transforms

    z = transform(v, kind)
    g = _default_grid(x)
    line = serial.gls_line(x, z, window, alpha, grid=g)
    b, se, df = line["slope"], line["se"], line["df"]
    tcrit = float(stats.t.ppf(1 - alpha / 2, df))
    level = float(special.expit(line["intercept_at_mean_year"])) if kind == "logit" else float("nan")
    factor = 100.0 * level * (1 - level) if kind == "logit" else None
    fz, half = line["fitted"], line["half_width"]
    fit = _fit_frame(g, fz, half, kind)
    return {
        "slope": _to_natural_slope(b, kind, factor),
        "slope_ci_low": _to_natural_slope(b - tcrit * se, kind, factor),
        "slope_ci_high": _to_natural_slope(b + tcrit * se, kind, factor),
        "p_value": line["p_value"],
        "fit": fit,
        "resid_sd": line["resid_sd"],
        "min_detectable_slope": _detectable_from_se(se, df, kind, factor, alpha),
        "min_detectable_slope_family": _detectable_from_se(se, df, kind, factor, alpha / family_size),
    }


def analyse_series(
    years, values, kind: str, direction: str, alpha=0.05, min_years=MIN_YEARS, window: int = 1, family_size: int = 1
) -> dict:
    """All trend statistics and the verdict for one annual series.

    Returns a flat dict with keys ``first_year``, ``last_year``, ``n_years``,
    ``slope``, ``slope_unit``, ``slope_ci_low``, ``slope_ci_high``, ``p_value``,
    ``mk_s``, ``mk_p``, ``sen_slope``, ``sen_ci_low``, ``sen_ci_high``,
    ``min_detectable_slope``, ``verdict`` (a :data:`wres.stats.verdicts.VERDICTS` code),
    ``method`` (:data:`METHOD_OLS` or :data:`METHOD_GLS_ROLLING`), ``fitted_first`` and
    ``fitted_last`` (the tested line at the first and last year, natural scale), plus
    ``fit`` (DataFrame, see :func:`ols_trend`), ``tests_agree``, ``verdict_reason``
    (a :data:`wres.stats.verdicts.REASONS` code), ``resid_sd`` (transformed scale) and
    ``mk_method`` ("exact", "normal", :data:`MK_NOT_APPLICABLE`, or None when not run).

    ``window`` is the years in each published figure. For ``window > 1`` (rolling
    averages: neighbours share data) the regression is GLS with the moving-average
    correlation the averaging implies (:func:`wres.stats.serial.gls_line`), and neither
    Mann-Kendall nor Sen's interval is computed, since both assume independent years (the
    Theil-Sen slope itself is still given as a robust estimate).

    ``min_detectable_slope_family`` is the slope detected with 80% power by the rule that
    decides the verdict when the series is one of ``family_size`` tested under
    Benjamini-Hochberg: a lone discovery among ``m`` must have ``p <= alpha / m``, so the
    test at ``alpha / family_size`` gives a power the BH family reaches at least, whatever
    the other series do (``tests/stats/test_family_power.py`` checks it by simulation).

    Slopes, CIs and the minimum detectable slope are on the natural scale in
    ``slope_unit``; the CIs are plain (1 - alpha) intervals, not adjusted for multiple
    comparisons. With fewer than ``min_years`` points the verdict is "too few years" and
    every statistic is NaN (no p-value is shown); first/last/n are still filled. Years must
    be unique and ascending and values finite and in the transform's domain - a ValueError
    otherwise; nothing is dropped silently.
    """
    _check_kind(kind)
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if min_years < 3:
        raise ValueError("min_years must be at least 3 (the regression needs n - 2 >= 1 df)")
    if window < 1:
        raise ValueError("window must be at least 1")
    if family_size < 1:
        raise ValueError("family_size must be at least 1")
    scale = _parity_scale(kind) if direction == "parity" else None
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError("values must be one-dimensional")
    x = _check_years(years, v.size)
    transform(v, kind)  # raises for values outside the transform's domain, before any test
    n = int(v.size)
    nan = float("nan")

    out = {
        "first_year": _year_out(x[0]) if n else nan,
        "last_year": _year_out(x[-1]) if n else nan,
        "n_years": n,
        "slope": nan,
        "slope_unit": slope_unit(kind),
        "slope_ci_low": nan,
        "slope_ci_high": nan,
        "p_value": nan,
        "mk_s": nan,
        "mk_p": nan,
        "sen_slope": nan,
        "sen_ci_low": nan,
        "sen_ci_high": nan,
        "min_detectable_slope": nan,
        "min_detectable_slope_family": nan,
        "verdict": None,
        "fit": pd.DataFrame({c: pd.Series(dtype=float) for c in _EMPTY_FIT_COLUMNS}),
        "tests_agree": None,
        "verdict_reason": None,
        "resid_sd": nan,
        "mk_method": None,
        "method": METHOD_GLS_ROLLING if window > 1 else METHOD_OLS,
        "fitted_first": nan,
        "fitted_last": nan,
    }
    if n < min_years:
        out.update(_verdict(verdicts.classify(nan, nan, n, direction, alpha=alpha, min_years=min_years)))
        return out

    ts = theil_sen(x, v, kind, alpha)
    out.update(sen_slope=ts["sen_slope"], sen_ci_low=ts["sen_ci_low"], sen_ci_high=ts["sen_ci_high"])
    if window > 1:
        out.update(
            _rolling_regression(x, v, kind, alpha, window, family_size),
            sen_ci_low=nan,
            sen_ci_high=nan,
            mk_method=MK_NOT_APPLICABLE,
        )
        mk_p = mk_s = None
    else:
        ols = ols_trend(x, v, kind, alpha)
        mk = mann_kendall_exact(v)
        level = ols["delta_level"] if kind == "logit" else None
        out.update(
            slope=ols["slope"],
            slope_ci_low=ols["slope_ci_low"],
            slope_ci_high=ols["slope_ci_high"],
            p_value=ols["p_value"],
            mk_s=mk.s,
            mk_p=mk.p,
            min_detectable_slope=min_detectable_slope(x, ols["resid_sd"], kind, level, alpha),
            min_detectable_slope_family=min_detectable_slope(x, ols["resid_sd"], kind, level, alpha / family_size),
            fit=ols["fit"],
            resid_sd=ols["resid_sd"],
            mk_method=mk.method,
        )
        mk_p, mk_s = mk.p, mk.s
    out.update(fitted_first=float(out["fit"]["fitted"].iloc[0]), fitted_last=float(out["fit"]["fitted"].iloc[-1]))
    out.update(
        _verdict(
            verdicts.classify(
                out["slope"],
                out["p_value"],
                n,
                direction,
                alpha=alpha,
                min_years=min_years,
                cross_p=mk_p,
                cross_s=mk_s,
                first=out["fitted_first"],
                last=out["fitted_last"],
                scale=scale,
            )
        )
    )
    return out


def _verdict(v: verdicts.Verdict) -> dict:
    return {"verdict": v.verdict, "tests_agree": v.tests_agree, "verdict_reason": v.reason}
