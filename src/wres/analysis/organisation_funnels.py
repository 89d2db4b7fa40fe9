"""Funnel positions, fits and limit curves of the organisation layer, one indicator and year
at a time (:func:`_funnel_year`, called by :func:`wres.analysis.organisations.analyse_trusts`).

The method comes from the registry of funnel methods (:mod:`wres.stats.funnels`): the
indicator kind's own ``funnel_method`` unless the build asks for another that the kind can
give inputs for (:func:`method_for`; so a build asking for ``multiplicative`` keeps the exact
binomial funnel of representation indicators, while the FunnelPlotR-compatible option, which
takes any estimate with its standard error, applies to every indicator). What the method
takes in decides how one year's rows become its inputs (:data:`_YEAR`); the kind object
answers the questions about the indicator (groups, one group or two, pooled counts).

Kept apart from :mod:`wres.analysis.organisations` so the funnel methods can change without
touching the rest of the organisation analysis; the columns these functions add are
documented in that module's docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import kinds
from wres.analysis import notes
from wres.analysis.organisation_rows import join_notes as _join
from wres.registry import Indicator, Registry
from wres.stats import funnel, funnels


def method_for(kind: kinds.Kind, requested: str | None = None) -> funnels.FunnelMethod:
    """The funnel method of ``kind``'s indicators: ``requested`` (a method name, from the
    build) when the kind can give that method's inputs, else the kind's own
    ``funnel_method``. An unknown name raises :class:`wres.stats.funnels.UnknownFunnelMethod`."""
    if requested is not None:
        asked = funnels.get(requested)
        if asked.inputs in kind.funnel_inputs:
            return asked
    return funnels.get(kind.funnel_method)


#: ``organisation_indicators`` column of each column of a method's placed table.
_RESULT_COLUMN = {
    "precision": "funnel_precision",
    "z": "funnel_z",
    "p": "funnel_p",
    "position_95": "funnel_position_95",
    "position_998": "funnel_position_998",
    "exact": "funnel_exact",
    "expected": "expected_members",
}


def _columns(placed: pd.DataFrame, *names: str) -> dict[str, np.ndarray]:
    """Columns of a funnel method's placed table under their results names."""
    return {_RESULT_COLUMN.get(c, c): placed[c].to_numpy() for c in names}


def _scale(kind: kinds.Kind) -> float:
    """Natural-scale factor of funnel values and limits: 100 for percentages."""
    return 100.0 if kind.unit == "percent" else 1.0


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
    method: str | None = None,
) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Funnel positions, fit and limit curves of one indicator in one year.

    ``method``: a :data:`wres.stats.funnels.METHODS` name the build asks for, or None for the
    kind's own (see :func:`method_for`); the FunnelPlotR-compatible option (own Katz SE,
    winsorised phi) flags more than its nominal share (``data/calibration/calibration.csv``)."""
    kind = kinds.kind_of(ind, registry)
    chosen = method_for(kind, method)
    return _YEAR[chosen.inputs](rows, ind, kind, chosen, year, deff, min_orgs, grid_points)


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


def _counts_year(rows, ind, kind, method, year, deff, min_orgs, grid_points):
    """Counts judged at the target's variance (the additive family): one group's proportion
    (arcsine scale) or two groups' rates (log scale), as the kind says."""
    from wres.stats import overdispersion as od

    one_group = kind.funnel_one_group
    g1, g2 = kind.groups

    def col(c):
        return pd.to_numeric(rows[c], errors="coerce").to_numpy(float)

    fit = {
        "indicator": ind.id,
        "year": year,
        "transform": "asin" if one_group else "log",
        "method": method.name,
        "min_orgs": min_orgs,
    }
    if one_group:
        k, n = col(f"numerator_{g1}"), col(f"denominator_{g1}")
        ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
        p0 = k[ok].sum() / n[ok].sum() if ok.any() else np.nan
        usable = ok.any() and 0 < p0 < 1
        n_ok = int(ok.sum()) if usable else 0
        fit["n_orgs"] = n_ok
        if n_ok < min_orgs:
            return _not_placed(rows, fit, n_ok, min_orgs)
        data = funnels.ProportionCounts(k, n, p0, deff)
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
        data = funnels.RatioCounts(k1, n1, k2, n2, r1, r2)
        nat_target = r1 / r2
    res = method.fit(data, min_orgs=min_orgs)
    pl = res.placed
    placed = pl["position_95"].to_numpy() != "not estimable"
    tab = rows.assign(**_columns(pl, "precision", "z", "p", "position_95", "position_998", "exact"))
    tab["note"] = _join(
        tab["note"].to_numpy(object),
        np.where(placed, "", notes.NOT_PLACED).astype(object),
        np.where(tab["funnel_exact"], notes.EXACT_PLACED, "").astype(object),
    )
    fit.update(
        target=nat_target,
        target_transformed=res.target,
        phi=res.phi,
        tau2=res.tau2,
        overdispersion=res.overdispersion,
        n_exact=res.n_exact,
        fitted=True,
        note="",
    )
    return tab, fit, _limits_frame(method.limits(res, grid_points), ind, year, nat_target, _scale(kind))


def _members_year(rows, ind, kind, method, year, deff, min_orgs, grid_points):
    """Member counts of a senior group against the workforce share (the exact binomial funnel
    of :mod:`wres.stats.funnels`): ``funnel_*`` against ``share x pooled ratio`` (the national-ratio view; the ratio is the
    pooled one of the organisations, so it needs peers) and ``parity_*`` against the share
    (every organisation, peers or not)."""
    m = kind.groups[0]
    k = pd.to_numeric(rows[f"numerator_{m}"], errors="coerce").to_numpy(float)
    n = pd.to_numeric(rows[f"denominator_{m}"], errors="coerce").to_numpy(float)
    share = pd.to_numeric(rows[f"workforce_rate_{m}"], errors="coerce").to_numpy(float)
    pooled = _pooled_ratio(rows, kind)
    res = method.fit(funnels.MemberCounts(k, n, share, pooled), min_orgs=min_orgs)
    pl = res.placed
    ok = pl["precision"].notna().to_numpy()
    fit = {
        "indicator": ind.id,
        "year": year,
        "transform": res.transform,
        "method": method.name,
        "min_orgs": min_orgs,
        "n_orgs": res.n_orgs,
        "n_exact": res.n_exact,
    }
    out = rows.assign(
        **_columns(pl, "precision", "parity_p", "parity_expected", "parity_position_95", "parity_position_998")
    )
    if not res.fitted:
        out, fit, lim = _not_placed(out, fit, res.n_orgs, min_orgs)
        return out.assign(expected_members=np.nan), fit, lim
    out = out.assign(funnel_z=np.nan, **_columns(pl, "p", "expected", "position_95", "position_998", "exact"))
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
    lim = method.limits(res, grid_points)
    lim.insert(0, "year", year)
    lim.insert(0, "indicator", ind.id)
    return out, fit, lim


def _estimates_year(rows, ind, kind, method, year, deff, min_orgs, grid_points):
    """Estimates with their own standard errors (the FunnelPlotR-compatible funnel): the
    arcsine square-root proportion (FunnelPlotR ``PR``, :func:`wres.stats.funnel.proportion_funnel_inputs`)
    for one group, else the rows' log ratio and Katz SE around the log pooled ratio."""
    one_group = kind.funnel_one_group
    transform = "asin" if one_group else "log"
    scale = _scale(kind)
    g1, _ = kind.groups
    if one_group:
        rows = funnel.proportion_funnel_inputs(
            rows, numerator=f"numerator_{g1}", denominator=f"denominator_{g1}", deff=deff
        )
        rows["funnel_precision"] = rows["n_eff"]
        target = float(rows["target"].iloc[0]) if len(rows) else np.nan
    else:
        pooled = _pooled_ratio(rows, kind)
        target = float(np.log(pooled)) if np.isfinite(pooled) and pooled > 0 else None
    y, s = rows["y"].to_numpy(float), rows["s"].to_numpy(float)
    ok = np.isfinite(y) & np.isfinite(s) & (s > 0)
    n_ok = int(ok.sum())
    fit = {
        "indicator": ind.id,
        "year": year,
        "transform": transform,
        "n_orgs": n_ok,
        "method": method.name,
        "min_orgs": min_orgs,
        "n_exact": 0,
    }
    if n_ok < min_orgs:
        return _not_placed(rows, fit, n_ok, min_orgs)
    res = method.fit(
        funnels.Estimates(y, s, target, transform, rows["funnel_precision"].to_numpy(float)), min_orgs=min_orgs
    )
    pl = res.placed
    tab = rows.assign(
        funnel_z=pl["z"].to_numpy(),
        funnel_position_95=pl["position_95"].to_numpy(),
        funnel_position_998=pl["position_998"].to_numpy(),
        funnel_p=pl["p"].to_numpy(),
    )
    t = res.target
    nat_target = (np.sin(t) ** 2 * scale) if transform == "asin" else float(np.exp(t))
    fit.update(
        target=nat_target,
        target_transformed=t,
        phi=res.phi,
        tau2=res.tau2,
        overdispersion=res.overdispersion,
        note=notes.funnel_note(res.note_codes),
        fitted=True,
    )
    tab["note"] = _join(tab["note"].to_numpy(object), np.where(~ok, notes.NOT_PLACED, "").astype(object))
    return tab, fit, _limits_frame(method.limits(res, grid_points), ind, year, nat_target, scale)


#: How one year's rows become a method's inputs, by what the method takes in.
_YEAR = {funnels.COUNTS: _counts_year, funnels.MEMBERS: _members_year, funnels.ESTIMATES: _estimates_year}


def _pooled_ratio(rows: pd.DataFrame, kind: kinds.Kind) -> float:
    """Pooled ratio of one year's rows (sums of the kind's counts, then rates)."""
    k1, n1, k2, n2 = kind.funnel_pooled_counts(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = (k1 / n1) / (k2 / n2) if n1 > 0 and n2 > 0 and k2 > 0 else np.nan
    return float(v)
