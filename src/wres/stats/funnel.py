"""Funnel plots for comparing organisations, with overdispersion.

Method: Spiegelhalter (2005) "Funnel plots for comparing institutional performance",
Stat Med 24:1185-1202, and Spiegelhalter (2005) "Handling over-dispersion of performance
indicators", Qual Saf Health Care 14:347-351, as implemented in the R package FunnelPlotR
(nhs-r-community/FunnelPlotR: ``R/od_adjustment.R``, ``R/calculate_limits.R``).

Every organisation has an estimate ``y`` on a scale where it is roughly normal, its
standard error ``s`` and a common ``target``:

* relative likelihoods: ``y = log RL``, ``s`` = Katz standard error of log RL,
  ``target = log`` of the pooled (national) RL (the analysis layer's organisation rows
  carry ``y`` and ``s``);
* proportions (staff-survey percentages): FunnelPlotR's ``data_type="PR"`` variance-stabilising
  arcsine square-root transform, ``y = asin(sqrt(p))``, ``s = 1 / (2 sqrt(n))``,
  ``target = asin(sqrt(sum k / sum n))`` (:func:`proportion_funnel_inputs`); limits are
  back-transformed with ``sin(.)^2``. A design effect enters as ``n_eff = n / deff``.

Overdispersion (FunnelPlotR ``transformed_zscore``, ``winsorisation``, ``phi_func``,
``tau_func``): unadjusted ``z = (y - target) / s``; winsorise ``z`` at its 10th and 90th
percentiles (R's default type-7 quantiles, numpy's ``linear``); ``phi = mean(z_w^2)``;
the additive random-effects variance by the DerSimonian-Laird moment estimator

    tau2 = max(0, (N phi - (N - 1)) / (sum w - sum w^2 / sum w)),   w = 1 / s^2,

over all N organisations; adjusted ``z = (y - target) / sqrt(s^2 + tau2)``. Organisations
with ``|z|`` above 1.959964 (95%) or 3.090232 (99.8%) lie outside the funnel; a point on
a limit counts as inside, as in FunnelPlotR's ``outliers_func``.

Below ``min_orgs`` organisations (default 10) the spread between them says too little
about tau2, so tau2 is NaN, the unadjusted limits are used and the result's codes say so.

Note codes
----------
A fit's ``note_codes`` are codes joined by ``;`` ("" when there is nothing to say), each
with its arguments after ``:``; the words are the caller's (``wres.analysis.notes``).

=====================  ==================================================================
``no_estimates``       no organisation has a usable estimate
``few_orgs:N:M``       only N organisations, fewer than M: tau2 not estimated, limits unadjusted
``equal_precision``    every organisation has the same precision: tau2 not estimable
``adjustment_off``     the overdispersion adjustment was switched off by the caller
=====================  ==================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z95 = 1.959964
Z998 = 3.090232
MIN_ORGS_FOR_TAU2 = 10

TRANSFORMS = ("log", "asin", "identity")

# Note codes (see the module docstring).
NO_ESTIMATES = "no_estimates"
FEW_ORGS = "few_orgs"
EQUAL_PRECISION = "equal_precision"
ADJUSTMENT_OFF = "adjustment_off"


def proportion_funnel_inputs(
    df: pd.DataFrame,
    numerator: str = "numerator",
    denominator: str = "denominator",
    deff: float = 1.0,
    target_proportion: float | None = None,
) -> pd.DataFrame:
    """Funnel inputs for proportions (FunnelPlotR ``data_type="PR"``): adds ``p``, ``n_eff``,
    ``y = asin(sqrt(p))`` (radians), ``s = 1 / (2 sqrt(n_eff))`` and ``target``.

    ``n_eff = n / deff``: the staff survey is weighted, and a design effect ``deff > 1``
    widens the funnel accordingly (1.0 = simple random sample). ``target`` defaults to the
    pooled proportion ``sum k / sum n`` over rows with valid counts, as FunnelPlotR does;
    pass ``target_proportion`` (0-1) to use e.g. the national figure instead.
    """
    if not deff > 0:
        raise ValueError("deff must be positive")
    k = pd.to_numeric(df[numerator], errors="coerce").astype(float).to_numpy()
    n = pd.to_numeric(df[denominator], errors="coerce").astype(float).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
        p = np.where(ok, k / np.where(ok, n, 1.0), np.nan)
        n_eff = np.where(ok, n / deff, np.nan)
        y = np.arcsin(np.sqrt(p))
        s = 1.0 / (2.0 * np.sqrt(n_eff))
    if target_proportion is None:
        target_proportion = k[ok].sum() / n[ok].sum() if ok.any() else np.nan
    target = float(np.arcsin(np.sqrt(target_proportion)))
    return df.assign(p=p, n_eff=n_eff, y=y, s=s, target=target)


def _winsorise(z: np.ndarray, trim: float) -> np.ndarray:
    # Quantile-based clipping as FunnelPlotR does (R quantile type 7 == numpy "linear").
    # scipy.stats.mstats.winsorize trims a whole number of observations instead, which
    # gives different phi for small N, so it is not used.
    if trim <= 0:
        return z
    lo, hi = np.quantile(z, [trim, 1 - trim], method="linear")
    return np.clip(z, lo, hi)


def estimate_overdispersion(y, s, target: float, trim: float = 0.1, min_orgs: int = MIN_ORGS_FOR_TAU2) -> dict:
    """Spiegelhalter's overdispersion factor ``phi`` and DerSimonian-Laird ``tau2``.

    ``y``, ``s`` on the transformed scale; non-finite ``y``/``s`` or ``s <= 0`` are left out.
    Returns ``{"phi", "tau2", "n_orgs", "note_codes"}``; ``tau2`` is NaN (with a code) when fewer
    than ``min_orgs`` organisations have a usable estimate. ``phi`` is computed whenever at
    least one organisation is usable. ``tau2`` is truncated at 0 (FunnelPlotR ``tau_func``).
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(s, dtype=float)
    ok = np.isfinite(y) & np.isfinite(s) & (s > 0)
    n = int(ok.sum())
    if n == 0:
        return {"phi": np.nan, "tau2": np.nan, "n_orgs": 0, "note_codes": NO_ESTIMATES}
    z = (y[ok] - target) / s[ok]
    zw = _winsorise(z, trim)
    phi = float(np.mean(zw**2))
    if n < min_orgs:
        return {
            "phi": phi,
            "tau2": np.nan,
            "n_orgs": n,
            "note_codes": f"{FEW_ORGS}:{n}:{min_orgs}",
        }
    w = 1.0 / s[ok] ** 2
    denom = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (n * phi - (n - 1)) / denom) if denom > 0 else np.nan
    codes = "" if np.isfinite(tau2) else EQUAL_PRECISION
    return {"phi": phi, "tau2": float(tau2), "n_orgs": n, "note_codes": codes}


def _position(z: np.ndarray, crit: float) -> np.ndarray:
    pos = np.where(z > crit, "above", np.where(z < -crit, "below", "inside")).astype(object)
    pos[~np.isfinite(z)] = "not estimable"
    return pos


def funnel_table(
    df: pd.DataFrame,
    overdispersion: bool = True,
    *,
    y: str = "y",
    s: str = "s",
    target: float | None = None,
    trim: float = 0.1,
    min_orgs: int = MIN_ORGS_FOR_TAU2,
) -> pd.DataFrame:
    """Place every organisation on a funnel (one cross-section, e.g. one indicator-year).

    ``df`` has ``y`` and ``s`` columns on the transformed scale (see
    :func:`proportion_funnel_inputs`). ``target`` (same scale)
    defaults to the ``target`` column if there is one (it must be constant), else to the
    inverse-variance weighted mean of ``y``.

    Returns ``df`` with columns ``funnel_target``, ``funnel_sd`` (sqrt(s^2 + tau2)),
    ``funnel_z`` (overdispersion-adjusted z unless adjustment is off or not estimable),
    ``funnel_position_95`` and ``funnel_position_998`` ("inside", "above", "below", or
    "not estimable" for rows without y/s: kept, not dropped). The fit is in
    ``result.attrs["funnel"]``: ``target, phi, tau2, n_orgs, overdispersion`` (whether
    tau2 was applied), ``trim, min_orgs, note_codes``.
    """
    yv = pd.to_numeric(df[y], errors="coerce").astype(float).to_numpy()
    sv = pd.to_numeric(df[s], errors="coerce").astype(float).to_numpy()
    ok = np.isfinite(yv) & np.isfinite(sv) & (sv > 0)
    if target is None:
        if "target" in df.columns and df["target"].notna().any():
            targets = pd.unique(df["target"].dropna())
            if len(targets) > 1:
                raise ValueError("the target column holds more than one value; split the table first")
            target = float(targets[0])
        elif ok.any():
            w = 1.0 / sv[ok] ** 2
            target = float(np.sum(w * yv[ok]) / w.sum())
        else:
            target = np.nan

    od = estimate_overdispersion(yv, sv, target, trim=trim, min_orgs=min_orgs)
    codes = [od["note_codes"]] if od["note_codes"] else []
    if overdispersion and np.isfinite(od["tau2"]):
        tau2_used = od["tau2"]
        applied = True
    else:
        tau2_used = 0.0
        applied = False
        if not overdispersion:
            codes.append(ADJUSTMENT_OFF)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(sv**2 + tau2_used)
        z = np.where(ok, (yv - target) / sd, np.nan)
    out = df.copy()
    out["funnel_target"] = target
    out["funnel_sd"] = np.where(ok, sd, np.nan)
    out["funnel_z"] = z
    out["funnel_position_95"] = _position(z, Z95)
    out["funnel_position_998"] = _position(z, Z998)
    out.attrs["funnel"] = {
        "target": target,
        "phi": od["phi"],
        "tau2": od["tau2"] if overdispersion else 0.0,
        "n_orgs": od["n_orgs"],
        "overdispersion": applied,
        "trim": trim,
        "min_orgs": min_orgs,
        "note_codes": ";".join(codes),
    }
    return out


def funnel_limits(
    target: float,
    tau2: float,
    precision_grid,
    transform: str = "log",
) -> pd.DataFrame:
    """Funnel control limits at 95% and 99.8% along a grid of precision, for drawing.

    ``precision_grid`` means, per ``transform``:

    * ``"log"`` (relative likelihoods) and ``"identity"``: inverse variance ``1 / s^2``;
      ``target`` is on the log / identity scale; natural-scale limits are ``exp`` / as is;
    * ``"asin"`` (proportions): the (effective) number of respondents ``n``, so
      ``s = 1 / (2 sqrt(n))`` as in FunnelPlotR's ``data_type="PR"``; ``target`` is
      ``asin(sqrt(p0))``; limits are ``sin(.)^2`` of the transformed limits, with the
      transformed limit clipped to [0, pi/2] first (beyond it sin^2 folds back, which
      would draw a limit curling back into the funnel).

    ``tau2`` NaN is treated as 0 (no overdispersion), matching :func:`funnel_table`.
    Returns ``precision, s, sd`` (sqrt(s^2 + tau2)), transformed-scale limits
    ``y_ll95, y_ul95, y_ll998, y_ul998`` and natural-scale ``ll95, ul95, ll998, ul998``.
    Limits are ``target -/+ z sqrt(s^2 + tau2)`` (Spiegelhalter 2005, eq. in section 3).
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {TRANSFORMS}, not {transform!r}")
    prec = np.asarray(precision_grid, dtype=float).ravel()
    tau2 = 0.0 if tau2 is None or not np.isfinite(tau2) else float(tau2)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 1.0 / (2.0 * np.sqrt(prec)) if transform == "asin" else 1.0 / np.sqrt(prec)
    sd = np.sqrt(s**2 + tau2)
    out = pd.DataFrame({"precision": prec, "s": s, "sd": sd})
    for name, zc in (("95", Z95), ("998", Z998)):
        out[f"y_ll{name}"] = target - zc * sd
        out[f"y_ul{name}"] = target + zc * sd
    for name in ("ll95", "ul95", "ll998", "ul998"):
        t = out[f"y_{name}"].to_numpy()
        if transform == "log":
            out[name] = np.exp(t)
        elif transform == "asin":
            out[name] = np.sin(np.clip(t, 0.0, np.pi / 2)) ** 2
        else:
            out[name] = t
    return out


def precision_grid(precision, num: int = 200) -> np.ndarray:
    """A geometric grid spanning the observed precisions (ignoring NaN), for drawing limits.

    Geometric because funnel limits change fastest at low precision.
    """
    p = np.asarray(precision, dtype=float)
    p = p[np.isfinite(p) & (p > 0)]
    if p.size == 0:
        return np.array([])
    lo, hi = p.min(), p.max()
    if lo == hi:
        lo, hi = lo / 2, hi * 2
    return np.geomspace(lo, hi, num)
