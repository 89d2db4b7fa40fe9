"""Funnel limits that flag their stated share: spread at the target, additive tau2 by DL.

Why not the existing :mod:`wres.stats.funnel` (FunnelPlotR's method)? Two things make it
flag more than its nominal share when no organisation is special (measured by
``python -m wres.calibration``): its z-scores use each organisation's *own* Katz standard
error, which is correlated with its estimate for small counts, and its DerSimonian-Laird
tau2 comes from a phi computed on 10%-winsorised z-scores, which is biased low (about 0.7
under the null). Here, following Spiegelhalter (2005) "Funnel plots for comparing
institutional performance", Stat Med 24:1185-1202, sections 2-3 and 5 ("additive
random-effects"), and Spiegelhalter (2005) "Handling over-dispersion of performance
indicators", Qual Saf Health Care 14:347-351:

* the standard error ``s0`` of every organisation is the one it would have **if it were on
  target** (the null), computed from expected, not observed, counts:

  - relative likelihood ``RL = (k1/n1) / (k2/n2)`` against the pooled group rates
    ``rate1, rate2`` (target ``theta0 = rate1 / rate2``): expected counts ``e1 = n1 rate1``,
    ``e2 = n2 rate2`` and ``s0^2 = 1/e1 - 1/n1 + 1/e2 - 1/n2`` (the Katz variance of log RL,
    Katz et al. 1978, Biometrics 34:469-474, evaluated at the target). It depends on the
    denominators only: a standard error built from the organisation's own counts (its own
    Katz SE, or even the null rates rescaled to its own total events) is correlated with
    its deviation, which the harness shows skews the above/below shares and inflates tau2
    for common events;
  - proportion ``p = k/n`` with target ``p0``: ``y = asin(sqrt(p))``, ``s0 = 1/(2 sqrt(n))``
    (variance-stabilised, Spiegelhalter 2005 Stat Med table I), or on the natural scale the
    binomial ``s0 = sqrt(p0 (1 - p0) / n)``; ``n`` is the effective ``n / deff``;

* ``z = (y - target) / s0``; the multiplicative factor ``phi = sum z^2 / N`` and the additive
  ``tau2 = max(0, (Q - (N - 1)) / (sum w - sum w^2 / sum w))``, ``w = 1/s0^2``,
  ``Q = sum w (y - y_w)^2`` about the inverse-variance mean ``y_w`` (DerSimonian & Laird
  1986, Control Clin Trials 7:177-188), both on the **unwinsorised** z (no trimming);

* limits ``target +/- z_alpha sqrt(s0^2 + tau2)`` at 95% (z = 1.959964) and 99.8%
  (z = 3.090232); ``above`` and ``below`` are reported separately; a point on a limit is
  inside, as in :mod:`wres.stats.funnel`.

Exact tests (rare events and small expected counts): when both pooled rates are below
:data:`RARE_RATE`, and otherwise where the smaller expected count is below
:data:`EXACT_BELOW_EXPECTED`, the normal approximation on the log scale is poor (a log count
is skewed, a zero cell has no finite log), so the deviate comes from the exact conditional
test instead: given the organisation's ``m = k1 + k2`` events,
``k1 ~ Binomial(m, theta0 n1 / (theta0 n1 + n2))`` (the exact test for a ratio of two
Poisson rates; Breslow & Day 1987, Statistical Methods in Cancer Research II, section 2.2).
Its one-sided mid-p tail is turned into a normal deviate ``z`` (:func:`_binomial_z`), which
enters phi and tau2 like any other z (``s0 z`` standing in for ``y - target``) and is shrunk
by ``s0 / sqrt(s0^2 + tau2)``. Proportions use ``Binomial(round(n_eff), p0)`` below the same
expected count.

Positions are codes: ``"above"``, ``"below"``, ``"inside"``, ``"not estimable"`` (the
last for rows without counts), the same words as :mod:`wres.stats.funnel`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from wres.stats import funnel

Z95 = funnel.Z95
Z998 = funnel.Z998
LEVELS = {"95": Z95, "998": Z998}

#: Below this smaller expected count the exact conditional binomial test decides the
#: position. Five is Cochran's (1954, Biometrics 10:417-451) classical rule for the normal
#: approximation to a count; at five expected events the skewness of a Poisson count is
#: 1/sqrt(5) = 0.45 and the chance of a zero cell (no finite log) is exp(-5) = 0.7%.
EXACT_BELOW_EXPECTED = 5.0

#: Below this pooled rate in both groups events count as rare and every organisation is
#: placed by the exact conditional test, whatever its expected count: the harness showed
#: the log-scale normal approximation skewed for rare events well above five expected
#: events (disciplinary shape, rows with at least 20 expected: 3.4% below the 95% limit,
#: 1.4% above). 0.2 is where the binomial is still close to the Poisson the conditional
#: test assumes (variance ratio 1 - p = 0.8 at worst).
RARE_RATE = 0.2

#: Fewest organisations with a usable estimate for which a funnel is fitted at all. Chosen
#: with the calibration harness (``python -m wres.calibration``, scenario ``min_orgs_N``):
#: with tau2 = 0.05 on the log RL (appointment shape, 2,000 panels) the share outside the
#: 95% limits is 3.0% for panels of 5 organisations, 4.4% for 10, 4.5% for 15, 4.8% for 20,
#: 4.9% for 30 and 5.0% for 50: tau2, truncated at 0 and estimated on N - 1 df, is
#: overestimated on average in small panels. 20 is the smallest panel within half a point
#: of nominal. (Unlike FunnelPlotR's limits, small panels err on the conservative side.)
MIN_ORGS_FOR_FUNNEL = 20

__all__ = [
    "EXACT_BELOW_EXPECTED",
    "LEVELS",
    "MIN_ORGS_FOR_FUNNEL",
    "RARE_RATE",
    "Z95",
    "Z998",
    "additive_variance",
    "adjusted_z",
    "dersimonian_laird",
    "katz",
    "log_rl",
    "multiplicative_variance",
    "null_variance",
    "pooled_rates",
    "positions",
    "proportion_funnel",
    "proportion_null_inputs",
    "rl_funnel",
    "rl_null_inputs",
]


def _arr(*xs) -> list[np.ndarray]:
    return [a.astype(float) for a in np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in xs))]


def katz(k1, n1, k2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Log relative likelihood and its Katz variance for arrays of any shape.

    ``log RL = log(k1/n1) - log(k2/n2)``, ``var = 1/k1 - 1/n1 + 1/k2 - 1/n2`` (Katz et al.
    1978), natural-log units. The zero-cell rule of :mod:`wres.stats.rates` applies
    (Haldane-Anscombe: 0.5 added to all four cells when a group has no events or only
    events; NaN when neither group has events). Written for n-dimensional arrays because
    the calibration harness fits thousands of panels at once and
    :func:`wres.stats.rates.relative_likelihood` builds its notes row by row.
    """
    k1, n1, k2, n2 = _arr(k1, n1, k2, n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        extreme = (k1 == 0) | (k1 == n1) | (k2 == 0) | (k2 == n2)
        h = np.where(extreme, 0.5, 0.0)
        a, c, m1, m2 = k1 + h, k2 + h, n1 + 2 * h, n2 + 2 * h
        out = np.log(a / m1) - np.log(c / m2)
        var = 1 / a - 1 / m1 + 1 / c - 1 / m2
    none = (k1 == 0) & (k2 == 0)
    return np.where(none, np.nan, out), np.where(none, np.nan, var)


def log_rl(k1, n1, k2, n2) -> np.ndarray:
    """Natural log of ``(k1/n1) / (k2/n2)`` with the zero-cell rule (see :func:`katz`)."""
    return katz(k1, n1, k2, n2)[0]


def pooled_rates(k1, n1, k2, n2) -> tuple[np.ndarray, np.ndarray]:
    """Pooled rate of each group over the organisations on the last axis (sums of counts).

    Returns ``(rate1, rate2)`` (proportions) with that axis kept (length 1), so they
    broadcast back against the counts; rows with unusable counts are left out.
    """
    k1, n1, k2, n2 = _arr(k1, n1, k2, n2)
    ok = _usable(k1, n1, k2, n2)

    def total(a):
        return np.where(ok, a, 0.0).sum(axis=-1, keepdims=True)

    with np.errstate(invalid="ignore", divide="ignore"):
        return total(k1) / total(n1), total(k2) / total(n2)


def _usable(k1, n1, k2, n2) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(k1)
            & np.isfinite(n1)
            & np.isfinite(k2)
            & np.isfinite(n2)
            & (n1 > 0)
            & (n2 > 0)
            & (k1 >= 0)
            & (k2 >= 0)
            & (k1 <= n1)
            & (k2 <= n2)
        )


def rl_null_inputs(
    k1, n1, k2, n2, rate1=None, rate2=None, exact_below: float = EXACT_BELOW_EXPECTED
) -> dict[str, np.ndarray]:
    """Estimate, null standard error and exact-test z of a relative likelihood.

    Parameters
    ----------
    k1, n1 : array_like
        Events and people in the numerator group (counts), organisations on the last axis.
    k2, n2 : array_like
        Events and people in the comparison group (counts).
    rate1, rate2 : float or array_like, optional
        Target (pooled) rate of each group, proportions; the target RL is
        ``theta0 = rate1 / rate2``. Default: :func:`pooled_rates` of the counts given, as
        the national pooled figure is built. Arrays broadcast (e.g. ``(reps, 1)``).
    exact_below : float
        Expected-count threshold for the exact test (default :data:`EXACT_BELOW_EXPECTED`).

    Returns
    -------
    dict of arrays
        ``y`` log RL (:func:`log_rl`, zero-cell rule of :mod:`wres.stats.rates`);
        ``target`` ``log(theta0)``; ``e1 = n1 rate1``, ``e2 = n2 rate2`` expected counts
        at the target; ``s0 = sqrt(1/e1 - 1/n1 + 1/e2 - 1/n2)``, the Katz standard error
        of log RL evaluated at the target, so it depends on the denominators only and not
        on the organisation's own outcome; ``exact`` (smaller expected count below
        :data:`EXACT_BELOW_EXPECTED`), ``z_exact`` (normal deviate of the exact conditional
        one-sided tail, NaN where not exact), ``ok`` (counts usable).
    """
    k1, n1, k2, n2 = _arr(k1, n1, k2, n2)
    if rate1 is None or rate2 is None:
        rate1, rate2 = pooled_rates(k1, n1, k2, n2)
    rate1, rate2 = np.asarray(rate1, dtype=float), np.asarray(rate2, dtype=float)
    if not np.all((rate1 > 0) & (rate1 < 1) & (rate2 > 0) & (rate2 < 1)):
        raise ValueError("target rates must lie strictly between 0 and 1")
    ok = _usable(k1, n1, k2, n2)
    theta = rate1 / rate2
    with np.errstate(invalid="ignore", divide="ignore"):
        e1, e2 = n1 * rate1, n2 * rate2
        s0 = np.sqrt(1 / e1 - 1 / n1 + 1 / e2 - 1 / n2)
        pi0 = theta * n1 / (theta * n1 + n2)
    y = log_rl(k1, n1, k2, n2)
    rare = (rate1 < RARE_RATE) & (rate2 < RARE_RATE)
    exact = ok & (rare | (np.minimum(e1, e2) < exact_below))
    m = k1 + k2
    z_ex = _binomial_z(np.where(exact, k1, 0), np.where(exact, m, 0), np.where(exact, pi0, 0.5))
    return {
        "y": np.where(ok, y, np.nan),
        "s0": np.where(ok, s0, np.nan),
        "target": np.log(theta),
        "e1": e1,
        "e2": e2,
        "exact": exact,
        "z_exact": np.where(exact, z_ex, np.nan),
        "ok": ok,
    }


def _binomial_z(k, n, p) -> np.ndarray:
    """Signed normal deviate of the smaller one-sided mid-p binomial tail.

    Mid-p tails (Lancaster 1961, JASA 56:223-234; Agresti, Categorical Data Analysis, 3rd
    ed., section 1.4.5): ``upper = P(X > k) + P(X = k) / 2``, ``lower = P(X < k) + P(X = k)
    / 2``, both capped at 0.5; ``z = isf(upper)`` when the upper tail is the smaller, else
    ``ppf(lower)``. Under the null mid-p tails have mean 1/2 and nearly the variance of a
    uniform, so their deviates are close to N(0, 1) even for a handful of events; the
    conventional tails give deviates that are too small, which pulls tau2 towards 0 (the
    harness measured 0.015 for a true 0.05 in the disciplinary shape).
    """
    half = 0.5 * stats.binom.pmf(k, n, p)
    upper = np.minimum(stats.binom.sf(k, n, p) + half, 0.5)
    lower = np.minimum(stats.binom.cdf(k, n, p) - half, 0.5)
    return np.where(upper < lower, stats.norm.isf(upper), stats.norm.ppf(lower))


def proportion_null_inputs(k, n, target_p: float, deff: float = 1.0, scale: str = "asin") -> dict[str, np.ndarray]:
    """Estimate and null standard error of a proportion against a target proportion.

    Parameters
    ----------
    k, n : array_like
        Events (or weighted percent x respondents / 100) and respondents.
    target_p : float or array_like
        Target proportion ``p0`` (0-1); an array broadcasts (e.g. ``(reps, 1)``).
    deff : float
        Survey design effect; effective size ``n / deff``.
    scale : {"asin", "binomial"}
        ``"asin"``: ``y = asin(sqrt(p))`` (radians), ``s0 = 1 / (2 sqrt(n_eff))``;
        ``"binomial"``: ``y = p``, ``s0 = sqrt(p0 (1 - p0) / n_eff)``.

    Returns
    -------
    dict of arrays
        ``y``, ``s0``, ``target`` (scalar on the scale of ``y``), ``exact`` (``n_eff *
        min(p0, 1 - p0)`` below :data:`EXACT_BELOW_EXPECTED`), ``z_exact``, ``ok``.
    """
    if scale not in ("asin", "binomial"):
        raise ValueError("scale must be 'asin' or 'binomial'")
    target_p = np.asarray(target_p, dtype=float)
    if not np.all((target_p > 0) & (target_p < 1)):
        raise ValueError("target_p must lie strictly between 0 and 1")
    k, n = _arr(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
        p = k / n
        ne = n / deff
        if scale == "asin":
            y, s0, target = np.arcsin(np.sqrt(p)), 1 / (2 * np.sqrt(ne)), np.arcsin(np.sqrt(target_p))
        else:
            y, s0, target = p, np.sqrt(target_p * (1 - target_p) / ne), target_p
    exact = ok & (ne * np.minimum(target_p, 1 - target_p) < EXACT_BELOW_EXPECTED)
    nr = np.where(exact, np.round(ne), 0)
    z_ex = _binomial_z(np.round(np.where(exact, p, 0) * nr), nr, target_p)
    return {
        "y": np.where(ok, y, np.nan),
        "s0": np.where(ok, s0, np.nan),
        "target": target,
        "exact": exact,
        "z_exact": np.where(exact, z_ex, np.nan),
        "ok": ok,
    }


def dersimonian_laird(z, s0, axis: int = -1) -> dict[str, np.ndarray]:
    """Multiplicative ``phi`` and additive ``tau2`` from unwinsorised null z-scores.

    Parameters
    ----------
    z : array_like
        ``(y - target) / s0`` per organisation; NaN entries are left out.
    s0 : array_like
        Null standard errors on the scale of ``y``.
    axis : int
        Organisations run along this axis (several panels can be fitted at once).

    Returns
    -------
    dict
        ``phi = sum z^2 / N`` (about the target; Spiegelhalter 2005, QSHC); the
        DerSimonian & Laird (1986, Control Clin Trials 7:177-188) moment estimator
        ``tau2 = max(0, (Q - (N - 1)) / (sum w - sum w^2 / sum w))`` with ``w = 1/s0^2`` and
        ``Q = sum w (d - d_w)^2`` about the inverse-variance mean ``d_w`` of the deviations
        ``d = s0 z`` (squared units of ``y``); ``re_shift`` = random-effects mean of ``d``,
        ``sum w* d / sum w*`` with ``w* = 1/(s0^2 + tau2)`` (the centre of the organisations
        relative to the target, units of ``y``); ``n_orgs`` = N.
    """
    z = np.asarray(z, dtype=float)
    s0 = np.asarray(s0, dtype=float)
    use = np.isfinite(z) & np.isfinite(s0) & (s0 > 0)
    s = np.where(use, s0, 1.0)
    w = np.where(use, 1 / s**2, 0.0)
    d = np.where(use, z * s, 0.0)
    n = use.sum(axis=axis)
    sw = w.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_w = (w * d).sum(axis=axis, keepdims=True) / sw
        q = (w * (d - d_w) ** 2).sum(axis=axis)
        sw = np.squeeze(sw, axis=axis)
        denom = sw - (w**2).sum(axis=axis) / sw
        tau2 = np.where(denom > 0, np.maximum(0.0, (q - (n - 1)) / denom), np.nan)
        w_re = np.where(use, 1 / (s**2 + np.expand_dims(np.nan_to_num(tau2), axis)), 0.0)
        re_shift = (w_re * d).sum(axis=axis) / w_re.sum(axis=axis)
        phi = (np.where(use, z, 0.0) ** 2).sum(axis=axis) / n
    return {"phi": phi, "tau2": tau2, "re_shift": re_shift, "n_orgs": n}


def _codes(z: np.ndarray, crit: float) -> np.ndarray:
    pos = np.where(z > crit, "above", np.where(z < -crit, "below", "inside")).astype(object)
    pos[~np.isfinite(z)] = "not estimable"
    return pos


def positions(z_adjusted) -> dict[str, np.ndarray]:
    """``position_95`` and ``position_998`` codes from overdispersion-adjusted z."""
    z = np.asarray(z_adjusted, dtype=float)
    return {f"position_{name}": _codes(z, crit) for name, crit in LEVELS.items()}


# How the limits are widened for differences between organisations: each takes a panel's
# ``phi`` and DL ``tau2`` and gives ``(phi_used, tau2_used)`` for the limit variance
# ``phi_used s0^2 + tau2_used`` (Spiegelhalter 2005, Stat Med, sections 5.1-5.2). The funnel
# methods of :mod:`wres.stats.funnels` choose one; they are functions, not names, so this
# module stays free of the method registry.


def additive_variance(phi, tau2) -> tuple[np.ndarray, np.ndarray]:
    """Additive random effects: ``s0^2 + tau2`` (tau2 NaN, i.e. not estimable, counts as 0)."""
    tau2 = np.asarray(tau2, dtype=float)
    return np.zeros_like(tau2) + 1, np.nan_to_num(tau2)


def multiplicative_variance(phi, tau2) -> tuple[np.ndarray, np.ndarray]:
    """Multiplicative overdispersion: ``phi s0^2`` with phi floored at 1 (never narrowed)."""
    phi = np.asarray(phi, dtype=float)
    return np.maximum(1.0, np.nan_to_num(phi, nan=1.0)), np.zeros_like(np.asarray(tau2, dtype=float))


def null_variance(phi, tau2) -> tuple[np.ndarray, np.ndarray]:
    """No widening: the binomial (null) variance ``s0^2`` alone."""
    tau2 = np.asarray(tau2, dtype=float)
    return np.zeros_like(tau2) + 1, np.zeros_like(tau2)


def adjusted_z(y, s0, target, exact, z_exact, widen=additive_variance, centre: str = "target") -> dict[str, np.ndarray]:
    """Null z-scores and their overdispersion-adjusted values, panel by panel.

    Parameters
    ----------
    y, s0 : array_like, shape (..., N)
        Estimates and null standard errors (same scale); organisations on the last axis,
        so many simulated panels can be fitted at once.
    target : float or array_like, shape (...)
        Target on the scale of ``y``, one per panel.
    exact, z_exact : array_like, shape (..., N)
        Rows decided by an exact test and its normal deviate (see :func:`rl_null_inputs`).
    widen : callable
        ``(phi, tau2) -> (phi_used, tau2_used)``: :func:`additive_variance` (the default),
        :func:`multiplicative_variance` or :func:`null_variance`.
    centre : {"target", "random_effects"}
        ``"target"``: limits around the target. ``"random_effects"``: around the DL
        random-effects mean of the organisations (Spiegelhalter 2005 Stat Med section 5.2:
        theta0 may be estimated), i.e. every z shifted by ``-re_shift / s0``. With tau2 = 0.05
        the pooled RL lies about tau2 / 2 above the median organisation, which makes limits
        around the target slightly asymmetric for large organisations (harness, training
        shape: 1.9% above, 3.2% below the 95% limits); the random-effects centre removes
        that for common events but not for rare ones, so it is an option, not the default.

    Returns
    -------
    dict
        ``z`` (exact deviate where ``exact``, else ``(y - target) / s0``), ``z_adjusted``
        (``z s0 / sqrt(phi s0^2 + tau2)`` with ``phi`` and ``tau2`` as ``widen`` gives them),
        ``funnel_sd`` (``sqrt(phi s0^2 + tau2)``),
        and per panel ``phi``, ``tau2`` (unwinsorised DL over every row's z; an exact row's
        deviate times ``s0`` stands in for its ``y - target``), ``n_orgs`` (rows with a z) and
        ``centre`` (scale of ``y``).
    """
    y, s0, exact, z_exact = (np.asarray(a) for a in (y, s0, exact, z_exact))
    target = np.asarray(target, dtype=float)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - target) / s0
    zraw = np.where(exact, z_exact, z)
    fit = dersimonian_laird(zraw, s0)
    if centre not in ("target", "random_effects"):
        raise ValueError("centre must be 'target' or 'random_effects'")
    if centre == "random_effects":
        with np.errstate(invalid="ignore", divide="ignore"):
            zraw = zraw - fit["re_shift"][..., None] / s0
    phi, tau2 = widen(fit["phi"], fit["tau2"])
    var = phi[..., None] * s0**2 + tau2[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        shrink = np.where(np.isfinite(s0), s0 / np.sqrt(var), 1.0)
    return {
        "z": zraw,
        "z_adjusted": zraw * shrink,
        "funnel_sd": np.sqrt(var),
        "phi": fit["phi"],
        "tau2": fit["tau2"],
        "n_orgs": np.isfinite(zraw).sum(axis=-1),
        "centre": np.squeeze(target, -1) + (fit["re_shift"] if centre == "random_effects" else 0.0),
    }


def _adjusted_z(y, s0, target, exact, z_exact, widen, min_orgs, centre):
    a = adjusted_z(y, s0, target, exact, z_exact, widen, centre)
    fitted = int(a["n_orgs"]) >= min_orgs
    zadj = a["z_adjusted"] if fitted else np.full_like(a["z"], np.nan)
    info = {
        "phi": float(a["phi"]),
        "tau2": float(a["tau2"]),
        "n_orgs": int(a["n_orgs"]),
        "n_exact": int(np.sum(exact)),
        "fitted": fitted,
        "min_orgs": min_orgs,
        "target": float(target),
        "centre": float(a["centre"]),
        "note": "" if fitted else "too_few_orgs",
    }
    return a["z"], zadj, a["funnel_sd"], info


def _frame(y, s0, exact, zraw, zadj, sd, info) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "y": y,
            "s0": s0,
            "precision": 1 / s0**2,
            "exact": exact,
            "z": zraw,
            "funnel_sd": sd,
            "z_adjusted": zadj,
            **positions(zadj),
        }
    )
    out.attrs["funnel"] = info
    return out


def rl_funnel(
    k1,
    n1,
    k2,
    n2,
    rate1=None,
    rate2=None,
    widen=additive_variance,
    min_orgs: int = MIN_ORGS_FOR_FUNNEL,
    centre: str = "target",
) -> pd.DataFrame:
    """Funnel positions of relative likelihoods (one indicator-year cross-section).

    Parameters
    ----------
    k1, n1, k2, n2 : array_like
        Counts per organisation: events and people in the numerator and comparison groups.
    rate1, rate2 : float, optional
        Target rate of each group (proportions), e.g. the pooled national rates of the
        same year; default: pooled over the organisations given. Target RL = rate1 / rate2.
    widen : callable
        :func:`additive_variance` (the default): limits ``target +/- z sqrt(s0^2 + tau2)``;
        :func:`multiplicative_variance`: ``target +/- z sqrt(phi) s0`` with phi floored at 1;
        :func:`null_variance`: binomial limits only. The FunnelPlotR-compatible funnel
        (own Katz SE, winsorised phi) is a method of :mod:`wres.stats.funnels`.
    min_orgs : int
        Below this many usable organisations no funnel is fitted: ``z_adjusted`` NaN,
        positions ``"not estimable"``, ``attrs["funnel"]["note"] == "too_few_orgs"``.
    centre : {"target", "random_effects"}
        Centre of the limits: the target (default, the published pooled figure) or the
        random-effects mean of the organisations (see :func:`adjusted_z`).

    Returns
    -------
    DataFrame
        One row per organisation, input order: ``y`` (log RL), ``s0`` (null SE of log RL),
        ``precision`` (``1/s0^2``, the funnel's x),
        ``exact``, ``z``, ``funnel_sd``, ``z_adjusted``, ``position_95``, ``position_998``;
        the fit (``phi, tau2, n_orgs, n_exact, fitted, min_orgs, target`` on the
        log scale, ``note``) in ``attrs["funnel"]``. Limit curves for drawing:
        :func:`wres.stats.funnel.funnel_limits` with this ``target`` and ``tau2``.
    """
    d = rl_null_inputs(k1, n1, k2, n2, rate1, rate2)
    t = float(np.squeeze(d["target"]))
    zraw, zadj, sd, info = _adjusted_z(d["y"], d["s0"], t, d["exact"], d["z_exact"], widen, min_orgs, centre)
    return _frame(d["y"], d["s0"], d["exact"], zraw, zadj, sd, info)


def proportion_funnel(
    k,
    n,
    target_p: float,
    deff: float = 1.0,
    widen=additive_variance,
    scale: str = "asin",
    min_orgs: int = MIN_ORGS_FOR_FUNNEL,
    centre: str = "target",
) -> pd.DataFrame:
    """Funnel positions of proportions (percentages) against a target proportion.

    Parameters as :func:`rl_funnel`, and ``k, n`` counts, ``target_p`` (0-1), ``deff``
    (design effect), ``scale`` (see :func:`proportion_null_inputs`). Returns the same
    columns; ``y`` and ``s0`` on the chosen scale.
    """
    d = proportion_null_inputs(k, n, target_p, deff, scale)
    zraw, zadj, sd, info = _adjusted_z(d["y"], d["s0"], d["target"], d["exact"], d["z_exact"], widen, min_orgs, centre)
    return _frame(d["y"], d["s0"], d["exact"], zraw, zadj, sd, info)
