"""Is an organisation different from the national figure of the same year and indicator?

The published national value is treated as fixed (it pools every organisation, so its
sampling error is small beside one organisation's).

Relative likelihoods: ``z = (log RL_org - log RL_nat) / SE_Katz`` with the organisation's
Katz standard error (Katz et al. 1978, Biometrics 34:469-474; zero cells by the
Haldane-Anscombe rule of :mod:`wres.stats.rates`); two-sided normal p; the interval is the
organisation's Katz interval, reported on the ratio scale.

Percentages: the score test against the fixed national proportion ``p0``,
``z = (p - p0) / sqrt(p0 (1 - p0) / n_eff)`` with ``n_eff = n / deff`` (a design effect for
weighted survey percentages; Kish 1965, Survey Sampling, section 8.2), and the Wilson score
interval on ``n_eff`` (Wilson 1927, JASA 22:209-212). Score test and Wilson interval agree:
p < alpha exactly when ``p0`` lies outside the interval.

Allowing for ordinary differences between organisations (``tau2``): organisations differ
from the national figure by more than sampling error even when nothing is special about
them, so a test on sampling error alone calls a quarter of ordinary organisations
"significantly different" (issue 16's review: 26% / 9% / 67% on the three relative
likelihoods at the spread the funnels estimate). With ``tau2`` (the funnel's
DerSimonian-Laird between-organisation variance, on the funnel's scale) the test asks
whether the organisation lies outside the *prediction* interval of an ordinary
organisation: ``z = (y - y_nat) / sqrt(s^2 + tau2)`` (Spiegelhalter 2005, Statistics in
Medicine 24:1185-1202, the additive random-effects funnel; Higgins, Thompson & Spiegelhalter
2009, JRSS A 172:137-159, prediction intervals). For percentages that scale is the
variance-stabilised ``y = asin(sqrt(p))``, ``s^2 = 1 / (4 n_eff)``, as the funnels use.
``tau2=None`` keeps the sampling-only tests above.

Codes: ``"higher"``, ``"lower"``, ``"not_significant"`` (p >= alpha), ``"not_estimable"``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from wres.stats.overdispersion import katz

CODES = ("higher", "lower", "not_significant", "not_estimable")

__all__ = ["CODES", "percentage_versus_national", "rl_versus_national", "spread_tau2", "verdict_codes"]


def spread_tau2(y, v) -> float:
    """Between-organisation variance of estimates ``y`` with sampling variances ``v`` (one
    indicator and year), for the prediction-interval comparison with England: Paule-Mandel
    (statsmodels ``combine_effects``), truncated at 0. On panels built with a spread of 0.2,
    DerSimonian-Laird came out at 0.13-0.18 and its test flagged 7-8% of ordinary
    appointment-shaped organisations at a stated 5%; Paule-Mandel is less biased (Veroniki et
    al. 2016, Research Synthesis Methods 7:55-79). Non-finite rows are left out; NaN for fewer
    than three usable rows."""
    from statsmodels.stats.meta_analysis import combine_effects

    y, v = np.asarray(y, dtype=float), np.asarray(v, dtype=float)
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    if ok.sum() < 3:
        return float("nan")
    return max(0.0, float(combine_effects(y[ok], v[ok], method_re="pm").tau2))


def verdict_codes(estimate_minus_national, p_value, alpha: float = 0.05) -> np.ndarray:
    """Code per row from the signed difference and its p-value (see module docstring)."""
    d = np.asarray(estimate_minus_national, dtype=float)
    p = np.asarray(p_value, dtype=float)
    code = np.where(p < alpha, np.where(d > 0, "higher", "lower"), "not_significant").astype(object)
    code[~(np.isfinite(d) & np.isfinite(p))] = "not_estimable"
    return code


def rl_versus_national(k1, n1, k2, n2, national_rl, alpha: float = 0.05, tau2=None) -> dict:
    """Organisations' relative likelihoods against the national one.

    Parameters
    ----------
    k1, n1, k2, n2 : array_like
        Events and people in the numerator and comparison groups, per organisation.
    national_rl : float or array_like
        Published national relative likelihood of the same year (ratio scale), fixed; an
        array broadcasts against the counts.
    tau2 : float or array_like, optional
        Between-organisation variance of the log ratio (the funnel's); None: sampling only.

    Returns
    -------
    dict of arrays
        ``estimate`` (organisation RL, ratio), ``ci_low``, ``ci_high`` (Katz, ratio scale),
        ``z``, ``p_value`` (two-sided), ``code``.
    """
    national_rl = np.asarray(national_rl, dtype=float)
    if not np.all(np.isfinite(national_rl) & (national_rl > 0)):
        raise ValueError("national_rl must be a positive finite ratio")
    y, v = katz(k1, n1, k2, n2)
    se = np.sqrt(v)
    zc = stats.norm.isf(alpha / 2)
    spread = 0.0 if tau2 is None else _check_tau2(tau2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - np.log(national_rl)) / np.sqrt(v + spread)
    p = 2 * stats.norm.sf(np.abs(z))
    return {
        "estimate": np.exp(y),
        "ci_low": np.exp(y - zc * se),
        "ci_high": np.exp(y + zc * se),
        "z": z,
        "p_value": p,
        "code": verdict_codes(z, p, alpha),
    }


def _check_tau2(tau2) -> np.ndarray:
    t = np.asarray(tau2, dtype=float)
    if np.any(~np.isfinite(t) | (t < 0)):
        raise ValueError("tau2 must be finite and non-negative")
    return t


def percentage_versus_national(
    k, n, national_percent: float, deff: float = 1.0, alpha: float = 0.05, tau2: float | None = None
) -> dict:
    """Organisations' percentages against the national percentage (score test, Wilson CI).

    Parameters
    ----------
    k, n : array_like
        Events (or weighted percent x respondents / 100) and respondents.
    national_percent : float
        Published national percentage (0-100), fixed.
    deff : float
        Design effect of the survey (1 = simple random sample).
    tau2 : float, optional
        Between-organisation variance on the ``asin(sqrt(p))`` scale (the funnel's); given,
        the test is on that scale against the prediction interval (module docstring).

    Returns
    -------
    dict of arrays
        ``estimate`` (percent), ``ci_low``, ``ci_high`` (Wilson on ``n / deff``, percent),
        ``z``, ``p_value``, ``code``.
    """
    p0 = national_percent / 100.0
    if not 0 < p0 < 1:
        raise ValueError("national_percent must lie strictly between 0 and 100")
    if not deff > 0:
        raise ValueError("deff must be positive")
    k, n = (np.asarray(a, dtype=float) for a in (k, n))
    zc = stats.norm.isf(alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        ne = n / deff
        p = k / n
        if tau2 is None:
            z = (p - p0) / np.sqrt(p0 * (1 - p0) / ne)
        else:
            z = (np.arcsin(np.sqrt(p)) - np.arcsin(np.sqrt(p0))) / np.sqrt(1 / (4 * ne) + _check_tau2(tau2))
        centre = (p + zc**2 / (2 * ne)) / (1 + zc**2 / ne)
        half = zc / (1 + zc**2 / ne) * np.sqrt(p * (1 - p) / ne + zc**2 / (4 * ne**2))
    pv = 2 * stats.norm.sf(np.abs(z))
    return {
        "estimate": 100 * p,
        "ci_low": 100 * (centre - half),
        "ci_high": 100 * (centre + half),
        "z": z,
        "p_value": pv,
        "code": verdict_codes(z, pv, alpha),
    }
