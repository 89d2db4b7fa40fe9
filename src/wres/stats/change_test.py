"""Has one organisation's figure changed between two years? A z-test on the right scale.

Relative likelihoods: the change is ``d = log RL_later - log RL_earlier`` (natural-log
units; ``exp(d)`` is the ratio of the two RLs). Its binomial variance is the sum of the
two years' Katz variances (Katz et al. 1978, Biometrics 34:469-474; the years are
independent samples). Counts of staff events are overdispersed (cases cluster), so the
variance is multiplied by a factor ``phi`` estimated **across organisations**: the Pearson
dispersion of the common-change model,

    phi = max(1, sum_i (d_i - d_w)^2 / v_i / (N - 1)),   d_w = sum(d_i / v_i) / sum(1 / v_i),

i.e. Pearson X^2 over residual df of a weighted fit of one change common to all
organisations (McCullagh & Nelder 1989, Generalized Linear Models, section 4.5; the
quasi-likelihood scale). Floored at 1 so that chance underdispersion never narrows the
binomial intervals. With ``phi`` given as a number it is used as is. (Estimating phi
within one organisation is impossible: its two years' counts saturate the GLM.)

Percentages: the change is in percentage points, ``100 (p_later - p_earlier)``, on the
effective sizes ``n / deff``. The test uses the variance under the null of no change, with
the pooled proportion ``p = (k_a + k_b) / (n_a + n_b)``: ``p (1 - p) deff (1/n_a + 1/n_b)``
(the pooled two-proportion z-test, e.g. Agresti, Categorical Data Analysis, section 3.1;
R's ``prop.test`` without continuity correction); the Wald variance (each year's own
``p (1 - p) / n_eff``) rejected too often for the small respondent groups of small
organisations in the harness, so it is used for the interval only.

Relative likelihoods: ``z = d / se``. Both: two-sided normal p, interval
``d +/- z_{1-alpha/2} se``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from wres.stats.overdispersion import katz

__all__ = ["additive_change", "pearson_dispersion", "percentage_change", "rl_change"]

#: Fewest organisations with a change from which a common change and a between-organisation
#: variance are estimated (the funnels' own minimum); below it the raw change is tested
#: against no change with the ``tau2`` the caller supplies.
MIN_ORGS_FOR_SPREAD = 20


def pearson_dispersion(d, v, axis: int = -1) -> np.ndarray:
    """Pearson dispersion ``phi`` of changes ``d`` with binomial variances ``v`` (floored at 1).

    NaN rows are left out; fewer than two usable rows give 1 (no evidence either way).
    """
    d, v = np.asarray(d, dtype=float), np.asarray(v, dtype=float)
    use = np.isfinite(d) & np.isfinite(v) & (v > 0)
    w = np.where(use, 1 / np.where(use, v, 1.0), 0.0)
    dd = np.where(use, d, 0.0)
    n = use.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * dd).sum(axis=axis, keepdims=True) / w.sum(axis=axis, keepdims=True)
        x2 = (w * (dd - mean) ** 2).sum(axis=axis)
        phi = x2 / (n - 1)
    return np.where(n >= 2, np.maximum(1.0, np.nan_to_num(phi, nan=1.0)), 1.0)


def _ztest(d, se, alpha):
    zc = stats.norm.isf(alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = d / se
    return {
        "estimate": d,
        "se": se,
        "ci_low": d - zc * se,
        "ci_high": d + zc * se,
        "z": z,
        "p_value": 2 * stats.norm.sf(np.abs(z)),
    }


def rl_change(earlier, later, dispersion="pearson", alpha: float = 0.05, axis: int = -1) -> dict[str, np.ndarray]:
    """Change in log relative likelihood between two years, per organisation.

    Parameters
    ----------
    earlier, later : tuple of array_like
        ``(k1, n1, k2, n2)`` counts of each year: events and people in the numerator and
        comparison groups, one entry per organisation.
    dispersion : "pearson" or float
        ``"pearson"``: :func:`pearson_dispersion` across the organisations given (along
        ``axis``); a number: that factor.
    alpha : float
        1 - confidence level.

    Returns
    -------
    dict of arrays
        ``estimate`` (log RL difference, later minus earlier), ``se``
        (``sqrt(phi (v_earlier + v_later))``), ``ci_low``, ``ci_high`` (log scale;
        ``exp`` gives the ratio of RLs), ``z``, ``p_value`` (two-sided), ``dispersion``.
    """
    y0, v0 = katz(*earlier)
    y1, v1 = katz(*later)
    d, v = y1 - y0, v0 + v1
    if isinstance(dispersion, str):
        if dispersion != "pearson":
            raise ValueError("dispersion must be 'pearson' or a number")
        phi = pearson_dispersion(d, v, axis=axis)
        phi_b = np.expand_dims(phi, axis) if np.ndim(phi) else phi
    else:
        phi = phi_b = float(dispersion)
    out = _ztest(d, np.sqrt(phi_b * v), alpha)
    out["dispersion"] = phi
    return out


def percentage_change(earlier, later, deff: float = 1.0, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Change in a percentage between two years, percentage points.

    Parameters
    ----------
    earlier, later : tuple of array_like
        ``(k, n)`` events (or weighted percent x respondents / 100) and respondents.
    deff : float
        Survey design effect (effective size ``n / deff``).

    Returns
    -------
    dict of arrays
        ``estimate`` (``100 (p_later - p_earlier)``), ``se`` (Wald), ``ci_low``, ``ci_high``
        (Wald, percentage points), ``z`` (pooled, null variance), ``p_value``.
    """
    (ka, na), (kb, nb) = earlier, later
    ka, na, kb, nb = (np.asarray(a, dtype=float) for a in (ka, na, kb, nb))
    with np.errstate(invalid="ignore", divide="ignore"):
        pa, pb = ka / na, kb / nb
        pooled = (ka + kb) / (na + nb)
        se = 100 * np.sqrt(pa * (1 - pa) * deff / na + pb * (1 - pb) * deff / nb)
        se_null = 100 * np.sqrt(pooled * (1 - pooled) * deff * (1 / na + 1 / nb))
    out = _ztest(100 * (pb - pa), se, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["z"] = out["estimate"] / se_null
    out["p_value"] = 2 * stats.norm.sf(np.abs(out["z"]))
    return out


def additive_change(d, v, alpha: float = 0.05, tau2_default: float = 0.0, min_orgs: int = MIN_ORGS_FOR_SPREAD) -> dict:
    """Has each organisation changed by more than organisations ordinarily do, beyond the
    change they all share? An additive random-effects test on the changes.

    Real panels break the binomial test in two ways the statistical review measured: a change
    common to every organisation (a national shock: every ratio x 0.9 made 31% of
    training-shaped organisations "significantly changed") and year-specific organisation
    effects (each organisation's figure wobbles by more than sampling error from year to year:
    BH then made at least one false discovery in 28-56% of panels). The model is
    ``d_i = mu + u_i + e_i``, ``e_i ~ N(0, v_i)`` sampling error, ``u_i ~ N(0, tau2)`` the
    ordinary organisation-level movement; ``mu`` and ``tau2`` are the DerSimonian-Laird
    random-effects estimates across organisations (DerSimonian & Laird 1986, Controlled
    Clinical Trials 7:177-188; computed by statsmodels' ``combine_effects``), the same
    additive spread the funnels use. The test of organisation i is
    ``z_i = (d_i - mu) / sqrt(v_i + tau2)``: a change *relative to the common one* and
    outside what ordinary movement gives (a prediction interval, as for funnels).

    Parameters
    ----------
    d, v : array_like
        Each organisation's change (later minus earlier, on the test's scale) and its
        sampling variance; NaN or non-positive variances are left out of the fit and give NaN.
    tau2_default : float
        The between-organisation variance used when fewer than ``min_orgs`` organisations
        have a change (then ``mu`` is 0: the raw change is tested).

    Returns
    -------
    dict
        ``relative`` (``d - mu``), ``se`` (``sqrt(v + tau2)``), ``ci_low``/``ci_high`` of the
        relative change, ``z``, ``p_value`` (two-sided normal), arrays; ``common`` (``mu``),
        ``tau2``, ``n_orgs`` (used in the fit), ``estimated`` (whether mu and tau2 came from the
        panel), scalars.
    """
    from statsmodels.stats.meta_analysis import combine_effects

    d, v = np.asarray(d, dtype=float), np.asarray(v, dtype=float)
    use = np.isfinite(d) & np.isfinite(v) & (v > 0)
    n = int(use.sum())
    if n >= max(min_orgs, 3):
        # statsmodels also works out its own random-effects summary from the untruncated
        # estimate, and a negative one makes it take square roots of negative variances
        # (RuntimeWarnings printed in the middle of a build); that summary is not used here.
        with np.errstate(invalid="ignore", divide="ignore"):
            fit = combine_effects(d[use], v[use], method_re="dl")
        # statsmodels leaves the DerSimonian-Laird moment estimate untruncated (negative when
        # the changes vary less than sampling error alone would make them): a variance is >= 0.
        tau2 = max(0.0, float(fit.tau2))
        w = 1 / (v[use] + tau2)
        mu, estimated = float(np.sum(w * d[use]) / np.sum(w)), True
    else:
        mu, tau2, estimated = 0.0, float(tau2_default), False
    se = np.where(use, np.sqrt(np.where(use, v, 0.0) + tau2), np.nan)
    out = _ztest(np.where(use, d - mu, np.nan), se, alpha)
    out["relative"] = out.pop("estimate")
    out.update(common=mu, tau2=tau2, n_orgs=n, estimated=estimated)
    return out
