"""The organisation-level (trust) layer's orchestrator: every indicator for every
organisation, its position on a funnel plot, trends, regional and org-type aggregates and
the comparison with the national figure.

:func:`analyse_trusts` turns the long trust-level data contract (``wres.inputs.organisations``,
documented in ``data/README.md``) into the results tables that
:func:`wres.analysis.organisation_results.write_trust_results` writes (their columns are
listed there). Nothing here names an indicator, a group word or a kind: how each indicator
is built comes from its kind (``wres.kinds``, the registry's ``trust.kind``), one job per
module: organisation rows (:mod:`~wres.analysis.organisation_rows`), aggregates
(:mod:`~wres.analysis.organisation_aggregates`), trends
(:mod:`~wres.analysis.organisation_trends`), the national comparison
(:mod:`~wres.analysis.organisation_versus_national`) and the funnels below.

Funnels (below; ``wres.stats.overdispersion``, Spiegelhalter 2005): per indicator and year,
95% and 99.8% limits when at least :data:`MIN_ORGS_FOR_FUNNEL` organisations have an
estimate (fewer: "not estimable", and the note says why); ratios on the log scale, survey
percentages on the arcsine square-root scale, representation on exact binomial counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import results as catalogue
from wres.analysis import notes, organisation_trends
from wres.analysis.organisation_aggregates import aggregates
from wres.analysis.organisation_results import MIN_ORGS_FOR_FUNNEL

# The writers moved to organisation_results; re-exported for callers that import them here.
from wres.analysis.organisation_results import remove_trust_results as remove_trust_results
from wres.analysis.organisation_results import write_trust_results as write_trust_results
from wres.analysis.organisation_rows import join_notes as _join
from wres.analysis.organisation_rows import org_rows, prepare, workforce_counts
from wres.analysis.organisation_versus_national import versus_national
from wres.kinds import kind_of
from wres.registry import Indicator, Registry, load_registry
from wres.stats import funnel
from wres.stats.survey import SURVEY_DEFF

# The statistics modules (and statsmodels behind them) are imported inside the functions
# that need them: the notebooks only read results files, and importing statsmodels would
# add seconds to every page's execution.

#: The default funnel: additive tau2 by DerSimonian-Laird, spread at the target
#: (``wres.stats.overdispersion``); ``"funnelplotr"`` keeps FunnelPlotR's method.
FUNNEL_METHOD = "additive"
#: ``method`` of a representation funnel fit: exact binomial limits on the member counts.
REPRESENTATION_METHOD = "exact_binomial"
#: Points on each funnel limit curve.
GRID_POINTS = 100

_ORG_ATTRS = ("org_name", "region", "org_type")


def groups_for(ind: Indicator, registry: Registry) -> tuple[str, str]:
    """The kind's (numerator group, comparison group): ``kind_of(ind, registry).groups``.

    Kept only for the funnel functions below until they move to their own module; new
    code asks the kind."""
    return kind_of(ind, registry).groups


# ---------------------------------------------------------------------------------------
# Funnels
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# The analysis
# ---------------------------------------------------------------------------------------


def _empty_outputs(registry: Registry) -> dict[str, pd.DataFrame]:
    """Every organisation table with no rows: the catalogue's columns, with the group
    suffixes (``rate_bme``...) spelt with this registry's minority and majority codes."""
    std = registry.standard
    out = {}
    for t in catalogue.TABLES:
        if t.key in catalogue.ORGANISATION_TABLES or t.key == "organisation_versus_national":
            out[t.file.removesuffix(".csv")] = pd.DataFrame(
                columns=catalogue.group_columns(t.key, std.minority_group, std.majority_group)
            )
    return out


def _in_range(rows: pd.DataFrame, ind: Indicator, bounds: tuple[float, float]) -> pd.DataFrame:
    """Marks each row's ``in_non_adverse_range`` and returns the share in range per year
    (``trust_share_in_range`` rows)."""
    from wres.stats.rates import share_in_range

    lo, hi = bounds
    v = rows["value"].astype(float)
    rows["in_non_adverse_range"] = pd.array(np.where(v.notna(), (v >= lo) & (v <= hi), pd.NA), dtype="boolean")
    sh = share_in_range(rows, lo, hi, by=["year"])
    sh.insert(0, "indicator", ind.id)
    sh.insert(2, "low", lo)
    sh.insert(3, "high", hi)
    return sh


def _concat_to(frames: list[pd.DataFrame], template: pd.DataFrame) -> pd.DataFrame:
    """The frames stacked with ``template``'s columns in its order (missing ones empty)."""
    a = pd.concat(frames, ignore_index=True)
    cols = list(template.columns)
    for c in cols:
        if c not in a.columns:
            a[c] = np.nan
    a["note"] = a["note"].fillna("").astype(str)
    return a[cols]


def analyse_trusts(
    trusts: pd.DataFrame,
    registry: Registry | None = None,
    *,
    survey_deff: float = SURVEY_DEFF,
    alpha: float = 0.05,
    min_orgs_for_funnel: int = MIN_ORGS_FOR_FUNNEL,
    trends: bool = True,
    grid_points: int = GRID_POINTS,
    funnel_method: str = FUNNEL_METHOD,
    national: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every organisation-level table of the book from the long trust-level frame.

    ``trusts``: the long data contract (``wres.inputs.organisations.load_trust_folder`` or
    ``wres.inputs.synthetic.make_panel``). Returns a dict keyed by results file stem
    (``trust_indicators``, ``trust_trends``, ``trust_aggregates``, ``trust_share_in_range``,
    ``trust_funnel_fits``, ``trust_funnel_limits``, ``trust_orgs``,
    ``trust_versus_national``); :mod:`wres.analysis.organisation_results` lists their
    columns. An empty input gives empty tables with the contract's columns; a single
    organisation gives every table, with funnel positions "not estimable" and a note saying
    there are no peers. ``trends=False`` skips the GLM trend tests (the slowest part).
    ``survey_deff``: the staff survey's design effect (an assumption); ``alpha``: 1 -
    confidence of every interval and test.
    """
    registry = registry or load_registry()
    out = _empty_outputs(registry)
    if trusts is None or len(trusts) == 0:
        return out
    df = prepare(trusts)
    present = set(df["indicator"].unique())
    ind_rows, fits, limits, aggs, shares, trend_rows = [], [], [], [], [], []
    for ind in registry.indicators:
        if ind.id not in present:
            continue
        kind = kind_of(ind, registry)
        rows = org_rows(df, kind, survey_deff, alpha)
        if kind.versus_workforce:
            # Workforce counts for the pooled target, kept only while the funnel is built.
            rows = rows.merge(workforce_counts(df, kind), on=["year", "org_code"], how="left")
        placed = []
        for year, yr in rows.groupby("year", sort=True):
            # A kind that is not a comparison of counts places its organisations itself.
            own = kind.funnel_year(yr.copy(), int(year), min_orgs=min_orgs_for_funnel, grid_points=grid_points)
            tab, fit, lim = own or _funnel_year(
                yr.copy(), ind, registry, int(year), survey_deff, min_orgs_for_funnel, grid_points, funnel_method
            )
            tab["funnel_method"] = fit["method"]
            placed.append(tab)
            fits.append(fit)
            if len(lim):
                limits.append(lim)
        rows = pd.concat(placed, ignore_index=True) if placed else rows
        if kind.non_adverse:
            shares.append(_in_range(rows, ind, kind.non_adverse))
        else:
            rows["in_non_adverse_range"] = pd.array([pd.NA] * len(rows), dtype="boolean")
        if kind.row_band is not None:
            rows["band"] = kind.row_band
        ind_rows.append(rows)
        aggs.append(aggregates(df, kind, survey_deff, alpha))
        if trends:
            trend_rows.append(organisation_trends.trends(df, kind, alpha))

    if ind_rows:
        ti = _concat_to(ind_rows, out["trust_indicators"])
        out["trust_indicators"] = ti.sort_values(["indicator", "year", "org_code"], kind="stable").reset_index(
            drop=True
        )
    if fits:
        out["trust_funnel_fits"] = pd.DataFrame(fits).reindex(columns=list(out["trust_funnel_fits"].columns))
    if limits:
        out["trust_funnel_limits"] = pd.concat(limits, ignore_index=True)
    if aggs:
        out["trust_aggregates"] = _concat_to(aggs, out["trust_aggregates"])
    if shares:
        out["trust_share_in_range"] = pd.concat(shares, ignore_index=True)
    trend_rows = [t for t in trend_rows if t is not None]
    if trend_rows:
        t = pd.concat(trend_rows, ignore_index=True)
        out["trust_trends"] = t[[c for c in out["trust_trends"].columns if c in t.columns]]
    out["trust_orgs"] = _orgs(df)
    out["trust_versus_national"] = versus_national(
        out["trust_indicators"], national, registry, survey_deff=survey_deff, alpha=alpha
    )
    return out


def _orgs(df: pd.DataFrame) -> pd.DataFrame:
    last = df.sort_values(["org_code", "year"], kind="stable").drop_duplicates("org_code", keep="last")
    span = df.groupby("org_code")["year"].agg(first_year="min", last_year="max", n_years="nunique")
    out = last[["org_code", *_ORG_ATTRS]].merge(span.reset_index(), on="org_code")
    return out.sort_values(["region", "org_name", "org_code"], kind="stable").reset_index(drop=True)
