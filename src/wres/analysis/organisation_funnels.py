"""Funnel positions, fits and limit curves of the organisation layer, one indicator and year
at a time (:func:`_funnel_year`, called by :func:`wres.analysis.organisations.analyse_trusts`).

Kept apart from :mod:`wres.analysis.organisations` so the funnel methods can change without
touching the rest of the organisation analysis; the columns these functions add are
documented in that module's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres.analysis import notes
from wres.kinds import kind_of
from wres.registry import Indicator, Registry
from wres.stats import funnel

# The same defaults as wres.analysis.organisations (which imports this module, so cannot be
# imported from here).
#: The default funnel: additive tau2 by DerSimonian-Laird, spread at the target.
FUNNEL_METHOD = "additive"
#: ``method`` of a representation funnel fit: exact binomial limits on the member counts.
REPRESENTATION_METHOD = "exact_binomial"


def groups_for(ind: Indicator, registry: Registry) -> tuple[str, str]:
    """(numerator group, comparison group) of an indicator at organisation level."""
    return kind_of(ind, registry).groups


def _join(*parts) -> np.ndarray:
    """Notes joined per row with "; ", empty and repeated parts left out (the same rule as
    ``wres.analysis.organisations._join``, which cannot be imported from here)."""
    arrays = [np.asarray(p, dtype=object) for p in parts]
    out = np.empty(len(arrays[0]), dtype=object)
    for i in range(len(out)):
        out[i] = "; ".join(dict.fromkeys(str(a[i]) for a in arrays if isinstance(a[i], str) and a[i]))
    return out


def _limits_frame(lim: pd.DataFrame, ind: Indicator, year: int, target: float, scale: float) -> pd.DataFrame:
    """The funnel limit curves of one indicator and year on the natural scale (``scale``: 100
    for percentages), with the national target, as ``trust_funnel_limits`` rows."""
    return pd.DataFrame(
        {
            "indicator": ind.id,
            "year": year,
            "precision": lim["precision"],
            "target": target,
            **{c: lim[c] * scale for c in ("ll95", "ul95", "ll998", "ul998")},
        }
    )


def _funnel_year(
    rows: pd.DataFrame,
    ind: Indicator,
    registry: Registry,
    year: int,
    deff: float,
    min_orgs: int,
    grid_points: int,
    method: str = FUNNEL_METHOD,
) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Funnel positions, fit and limit curves of one indicator in one year.

    ``method``: a :data:`wres.stats.overdispersion.METHODS` name; ``"funnelplotr"`` keeps the
    FunnelPlotR-compatible funnel of :mod:`wres.stats.funnel` (own Katz SE, winsorised phi),
    which flags more than its nominal share (``data/calibration/calibration.csv``)."""
    if ind.trust.kind == "representation" and method != "funnelplotr":
        return _representation_year(rows, ind, registry, year, min_orgs, grid_points)
    if method == "funnelplotr":
        return _funnelplotr_year(rows, ind, registry, year, deff, min_orgs, grid_points)
    return _additive_year(rows, ind, registry, year, deff, min_orgs, grid_points, method)


def _not_placed(rows: pd.DataFrame, fit: dict, n_ok: int, min_orgs: int):
    note = notes.few_orgs_for_funnel(n_ok, min_orgs)
    out = rows.assign(
        funnel_z=np.nan, funnel_p=np.nan, funnel_position_95="not estimable", funnel_position_998="not estimable"
    )
    out["note"] = _join(out["note"].to_numpy(object), np.full(len(out), note, dtype=object))
    fit.update(
        target=np.nan, target_transformed=np.nan, phi=np.nan, tau2=np.nan, overdispersion=False, note=note, fitted=False
    )
    return out, fit, pd.DataFrame()


def _two_sided_p(z) -> np.ndarray:
    from scipy import stats

    z = np.asarray(z, dtype=float)
    return np.where(np.isfinite(z), 2 * stats.norm.sf(np.abs(z)), np.nan)


def _additive_year(rows, ind, registry, year, deff, min_orgs, grid_points, method):
    """Spread at the target, DL tau2 on unwinsorised z, exact placement for small counts
    (:mod:`wres.stats.overdispersion`)."""
    from wres.stats import overdispersion as od

    kind = ind.trust.kind
    g1, g2 = groups_for(ind, registry)

    def col(c):
        return pd.to_numeric(rows[c], errors="coerce").to_numpy(float)

    fit = {
        "indicator": ind.id,
        "year": year,
        "transform": "asin" if kind == "percentage" else "log",
        "method": method,
        "min_orgs": min_orgs,
    }
    if kind == "percentage":
        k, n = col(f"numerator_{g1}"), col(f"denominator_{g1}")
        ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
        p0 = k[ok].sum() / n[ok].sum() if ok.any() else np.nan
        usable = ok.any() and 0 < p0 < 1
        n_ok = int(ok.sum()) if usable else 0
        fit["n_orgs"] = n_ok
        if n_ok < min_orgs:
            return _not_placed(rows, fit, n_ok, min_orgs)
        res = od.proportion_funnel(k, n, p0, deff=deff, method=method, min_orgs=min_orgs)
        precision = n / deff
        nat_target = 100 * p0
    else:
        k1, n1, k2, n2 = (col(f"{q}_{g}") for g in (g1, g2) for q in ("numerator", "denominator"))
        ok = od._usable(k1, n1, k2, n2) & ~((k1 == 0) & (k2 == 0))
        r1, r2 = (
            (float(np.squeeze(a)) for a in od.pooled_rates(k1[ok], n1[ok], k2[ok], n2[ok]))
            if ok.any()
            else (np.nan,) * 2
        )
        usable = ok.any() and 0 < r1 < 1 and 0 < r2 < 1
        n_ok = int(ok.sum()) if usable else 0
        fit["n_orgs"] = n_ok
        if n_ok < min_orgs:
            return _not_placed(rows, fit, n_ok, min_orgs)
        k1, n1, k2, n2 = (np.where(ok, a, np.nan) for a in (k1, n1, k2, n2))
        res = od.rl_funnel(k1, n1, k2, n2, r1, r2, method=method, min_orgs=min_orgs)
        precision = res["precision"].to_numpy()
        nat_target = r1 / r2
    info = res.attrs["funnel"]
    t = info["target"]
    tau2 = info["tau2"] if method == "additive" and np.isfinite(info["tau2"]) else 0.0
    placed = res["position_95"].to_numpy() != "not estimable"
    tab = rows.assign(
        funnel_precision=np.where(placed, precision, np.nan),
        funnel_z=res["z_adjusted"].to_numpy(),
        funnel_p=_two_sided_p(res["z_adjusted"]),
        funnel_position_95=res["position_95"].to_numpy(),
        funnel_position_998=res["position_998"].to_numpy(),
        funnel_exact=res["exact"].to_numpy(bool) & placed,
    )
    tab["note"] = _join(
        tab["note"].to_numpy(object),
        np.where(placed, "", notes.NOT_PLACED).astype(object),
        np.where(tab["funnel_exact"], notes.EXACT_PLACED, "").astype(object),
    )
    fit.update(
        target=nat_target,
        target_transformed=t,
        phi=info["phi"],
        tau2=info["tau2"],
        overdispersion=bool(tau2 > 0),
        n_exact=int(tab["funnel_exact"].sum()),
        fitted=True,
        note="",
    )
    grid = funnel.precision_grid(precision[placed], num=grid_points)
    lim = funnel.funnel_limits(t, tau2, grid, fit["transform"])
    scale = 100.0 if kind == "percentage" else 1.0
    return tab, fit, _limits_frame(lim, ind, year, nat_target, scale)


def _representation_year(rows, ind, registry, year, min_orgs, grid_points):
    """Exact binomial representation funnels (:mod:`wres.stats.representation`): minority
    members ``k`` of a senior group of ``n`` against ``Binomial(n, workforce share x national
    ratio)`` (``funnel_*``, the national-ratio view; the ratio is the pooled one of the
    organisations, so it needs peers) and ``Binomial(n, workforce share)`` (``parity_*``,
    every organisation, peers or not)."""
    from wres.stats import representation as rep

    m = registry.standard.minority_group
    k = pd.to_numeric(rows[f"numerator_{m}"], errors="coerce").to_numpy(float)
    n = pd.to_numeric(rows[f"denominator_{m}"], errors="coerce").to_numpy(float)
    share = pd.to_numeric(rows[f"workforce_rate_{m}"], errors="coerce").to_numpy(float)
    parity = rep.representation_funnel(k, n, share, view="parity")
    ok = parity["position_95"].to_numpy() != "not estimable"
    pooled = _pooled_ratio(rows, ind, registry)
    n_ok = int(ok.sum()) if np.isfinite(pooled) else 0
    fit = {
        "indicator": ind.id,
        "year": year,
        "transform": "binomial",
        "method": REPRESENTATION_METHOD,
        "min_orgs": min_orgs,
        "n_orgs": n_ok,
        "n_exact": n_ok,
    }
    out = rows.assign(
        funnel_precision=np.where(ok, n, np.nan),
        parity_p=parity["p_two_sided"].to_numpy(),
        parity_expected=parity["expected"].to_numpy(),
        parity_position_95=parity["position_95"].to_numpy(),
        parity_position_998=parity["position_998"].to_numpy(),
    )
    if n_ok < min_orgs:
        out, fit, lim = _not_placed(out, fit, n_ok, min_orgs)
        return out.assign(expected_members=np.nan), fit, lim
    nat = rep.representation_funnel(k, n, share, national_ratio=pooled, view="national_ratio")
    out = out.assign(
        funnel_z=np.nan,
        funnel_p=nat["p_two_sided"].to_numpy(),
        expected_members=nat["expected"].to_numpy(),
        funnel_position_95=nat["position_95"].to_numpy(),
        funnel_position_998=nat["position_998"].to_numpy(),
        funnel_exact=ok,
    )
    out["note"] = _join(out["note"].to_numpy(object), np.where(ok, "", notes.NOT_PLACED).astype(object))
    fit.update(
        target=pooled,
        target_transformed=np.log(pooled),
        phi=np.nan,
        tau2=np.nan,
        overdispersion=False,
        fitted=True,
        note="",
    )
    wf_share = float(np.nansum(np.where(ok, share * n, 0)) / np.nansum(np.where(ok, n, 0)))
    lim = _representation_limits(n[ok], wf_share, pooled, grid_points)
    lim.insert(0, "year", year)
    lim.insert(0, "indicator", ind.id)
    return out, fit, lim


def _representation_limits(sizes, workforce_share: float, ratio: float, grid_points: int) -> pd.DataFrame:
    """Exact binomial limits on the representation ratio for groups of each size, drawn at
    the size-weighted workforce share of the organisations (each organisation is placed at
    its own share, so a point near a drawn limit may lie on the other side of its own).

    Ratio limits are ``q / (n share)`` with ``q`` the binomial quantile of
    ``Binomial(n, share x ratio)`` at ``alpha / 2`` and ``1 - alpha / 2``."""
    from scipy import stats

    lo, hi = int(max(1, np.nanmin(sizes))), int(max(1, np.nanmax(sizes)))
    grid = np.unique(np.round(np.linspace(lo, hi, min(grid_points, hi - lo + 1))).astype(int))
    p0 = min(1.0, workforce_share * ratio)
    out = {"precision": grid.astype(float), "target": ratio}
    for name, a in (("95", 0.05), ("998", 0.002)):
        out[f"ll{name}"] = stats.binom.ppf(a / 2, grid, p0) / (grid * workforce_share)
        out[f"ul{name}"] = stats.binom.isf(a / 2, grid, p0) / (grid * workforce_share)
    return pd.DataFrame(out)


def _funnelplotr_year(rows, ind, registry, year, deff, min_orgs, grid_points):
    """The FunnelPlotR-compatible funnel (:func:`wres.stats.funnel.funnel_table`)."""
    kind = ind.trust.kind
    transform = "asin" if kind == "percentage" else "log"
    scale = 100.0 if kind == "percentage" else 1.0
    g1, _ = groups_for(ind, registry)
    if kind == "percentage":
        rows = funnel.proportion_funnel_inputs(
            rows, numerator=f"numerator_{g1}", denominator=f"denominator_{g1}", deff=deff
        )
        rows["funnel_precision"] = rows["n_eff"]
        target = float(rows["target"].iloc[0]) if len(rows) else np.nan
    else:
        pooled = _pooled_ratio(rows, ind, registry)
        target = float(np.log(pooled)) if np.isfinite(pooled) and pooled > 0 else None
    ok = (
        np.isfinite(rows["y"].to_numpy(float))
        & np.isfinite(rows["s"].to_numpy(float))
        & (rows["s"].to_numpy(float) > 0)
    )
    n_ok = int(ok.sum())
    fit = {
        "indicator": ind.id,
        "year": year,
        "transform": transform,
        "n_orgs": n_ok,
        "method": "funnelplotr",
        "min_orgs": min_orgs,
        "n_exact": 0,
    }
    if n_ok < min_orgs:
        return _not_placed(rows, fit, n_ok, min_orgs)
    tab = funnel.funnel_table(rows, y="y", s="s", target=target if kind != "percentage" else None)
    info = tab.attrs["funnel"]
    t = info["target"]
    nat_target = (np.sin(t) ** 2 * scale) if transform == "asin" else float(np.exp(t))
    fit.update(
        target=nat_target,
        target_transformed=t,
        phi=info["phi"],
        tau2=info["tau2"],
        overdispersion=info["overdispersion"],
        note=notes.funnel_note(info["note_codes"]),
        fitted=True,
    )
    tab["funnel_p"] = _two_sided_p(tab["funnel_z"])
    tab["note"] = _join(tab["note"].to_numpy(object), np.where(~ok, notes.NOT_PLACED, "").astype(object))
    grid = funnel.precision_grid(tab.loc[ok, "funnel_precision"], num=grid_points)
    lim = funnel.funnel_limits(t, info["tau2"] if info["overdispersion"] else 0.0, grid, transform)
    return tab, fit, _limits_frame(lim, ind, year, nat_target, scale)


def _pooled_ratio(rows: pd.DataFrame, ind: Indicator, registry: Registry) -> float:
    """Pooled ratio of one year's rows (sums of counts, then rates)."""
    if ind.trust.kind == "relative_likelihood":
        g1, g2 = groups_for(ind, registry)
        k1, n1 = rows[f"numerator_{g1}"].sum(), rows[f"denominator_{g1}"].sum()
        k2, n2 = rows[f"numerator_{g2}"].sum(), rows[f"denominator_{g2}"].sum()
    else:
        # Representation: the senior and whole-workforce counts of the organisations that
        # have both (``_wf_k``/``_wf_n`` are attached by analyse_trusts for this purpose).
        m = registry.standard.minority_group
        if "_wf_k" not in rows.columns:
            return float("nan")
        both = rows["_wf_n"].notna() & rows[f"denominator_{m}"].notna()
        k1, n1 = rows.loc[both, f"numerator_{m}"].sum(), rows.loc[both, f"denominator_{m}"].sum()
        k2, n2 = rows.loc[both, "_wf_k"].sum(), rows.loc[both, "_wf_n"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        v = (k1 / n1) / (k2 / n2) if n1 > 0 and n2 > 0 and k2 > 0 else np.nan
    return float(v)
