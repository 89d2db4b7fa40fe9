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
from wres.analysis.organisation_funnels import _funnel_year
from wres.analysis.organisation_results import MIN_ORGS_FOR_FUNNEL

# The writers moved to organisation_results; re-exported for callers that import them here.
from wres.analysis.organisation_results import remove_trust_results as remove_trust_results
from wres.analysis.organisation_results import write_trust_results as write_trust_results
from wres.analysis.organisation_rows import org_rows, prepare, workforce_counts
from wres.analysis.organisation_versus_national import versus_national
from wres.kinds import kind_of
from wres.registry import Indicator, Registry, load_registry
from wres.stats.survey import SURVEY_DEFF

# The statistics modules (and statsmodels behind them) are imported inside the functions
# that need them: the notebooks only read results files, and importing statsmodels would
# add seconds to every page's execution.

#: Points on each funnel limit curve.
GRID_POINTS = 100

_ORG_ATTRS = ("org_name", "region", "org_type")


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
    funnel_method: str | None = None,
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
        ind_rows.append(_with_uncomputed(rows, df, kind))
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


def _with_uncomputed(rows: pd.DataFrame, df: pd.DataFrame, kind) -> pd.DataFrame:
    """``rows`` plus a row (no value, not placed, a note saying what is missing) for every
    organisation-year whose input has the indicator but not what its figure needs (a pay
    band without the senior or whole-workforce band, one group only): a file that passes
    validation still gives every organisation it names a page."""
    given = df[df["indicator"] == kind.ind.id].drop_duplicates(["year", "org_code"])
    have = set(zip(rows["year"].astype(int), rows["org_code"].astype(str), strict=True)) if len(rows) else set()
    missing = given[[(int(y), str(c)) not in have for y, c in zip(given["year"], given["org_code"], strict=True)]]
    if missing.empty:
        return rows
    extra = missing[["year", "org_code", *_ORG_ATTRS]].assign(
        indicator=kind.ind.id,
        band=kind.row_band or "",
        measure=kind.measure,
        unit=kind.unit,
        funnel_position_95="not estimable",
        funnel_position_998="not estimable",
        in_non_adverse_range=pd.array([pd.NA] * len(missing), dtype="boolean"),
        note=notes.not_computed(kind.needs_words),
    )
    return pd.concat([rows, extra], ignore_index=True) if len(rows) else extra.reset_index(drop=True)


def _orgs(df: pd.DataFrame) -> pd.DataFrame:
    last = df.sort_values(["org_code", "year"], kind="stable").drop_duplicates("org_code", keep="last")
    span = df.groupby("org_code")["year"].agg(first_year="min", last_year="max", n_years="nunique")
    out = last[["org_code", *_ORG_ATTRS]].merge(span.reset_index(), on="org_code")
    return out.sort_values(["region", "org_name", "org_code"], kind="stable").reset_index(drop=True)
