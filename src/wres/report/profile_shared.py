"""What every organisation profile draws in common, computed once for all of them.

Each profile shows one funnel plot per indicator with every organisation on it, and one chart
of its own figures over time. The funnel's points and limits, the pooled line over time and
the two charts' specifications (templates, :mod:`wres.report.chart_template`) are the same on
every profile; written once per indicator (by the book, as a static data file the pages
load), they stop each of N profiles carrying N organisations and eighteen whole chart
specifications. Reads the same results tables as :mod:`wres.report.organisation_page`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import Indicator, Registry
from wres.report.organisation_charts import funnel_shared_data, shared_funnel_name
from wres.report.profile_chart import over_time_national, over_time_templates
from wres.report.profile_funnel import FunnelYear, funnel_template, funnel_template_name

#: The results this module reads.
READS: tuple[str, ...] = (
    "organisation_indicators",
    "organisation_funnel_limits",
    "organisation_funnel_fits",
    "organisation_aggregates",
    results.ORGANISATION_META_KEY,
)


def profile_shared_data(results_dir: str | Path, registry: Registry, profile_link: str) -> dict[str, dict]:
    """``{file name: {dataset name: records}}``, one file per indicator with organisation
    results: the datasets a profile chart made with ``shared=True`` names (the funnel's
    points and limits, the pooled line over time). ``profile_link``: the URL pattern of the
    profiles as seen from a profile (``{org_code}.html``); the points link to it. Empty
    without organisation results."""
    rows = results.read(results_dir, "organisation_indicators")
    if rows.empty:
        return {}
    limits = results.read(results_dir, "organisation_funnel_limits")
    national = _national(results_dir)
    out = {}
    for ind, mine in _with_rows(rows, registry):
        name = shared_funnel_name(ind)
        out[name] = funnel_shared_data(mine, _of(limits, ind.id), ind, profile_link=profile_link)
        out[name][f"{name}-national"] = over_time_national(_of(national, ind.id), ind, registry)
    return out


def profile_templates(results_dir: str | Path, registry: Registry, profile_link: str) -> dict[str, dict]:
    """``{file name: {template name: specification}}``, beside :func:`profile_shared_data`:
    each indicator's over-time template(s) and, when its latest year has a fitted funnel,
    its funnel template. Empty without organisation results or with one organisation only
    (whose profile draws its charts whole)."""
    rows = results.read(results_dir, "organisation_indicators")
    if rows.empty or rows["org_code"].nunique() < 2:
        return {}
    limits = results.read(results_dir, "organisation_funnel_limits")
    fits = results.read(results_dir, "organisation_funnel_fits")
    deff = float(results.read_meta(results_dir).get("survey_deff", 1.0))
    national = _national(results_dir)
    out = {}
    for ind, mine in _with_rows(rows, registry):
        name = shared_funnel_name(ind)
        out[name] = over_time_templates(_of(national, ind.id), ind, registry, name)
        year = int(mine["year"].max())
        fit = _of(fits, ind.id)
        fit = fit[fit["year"] == year] if len(fit) else fit
        if len(fit) and pd.notna(fit["target"].iloc[0]):
            funnel = FunnelYear(mine, _of(limits, ind.id), ind, registry, year=year, fit=fit.iloc[0])
            out[name][funnel_template_name(ind)] = funnel_template(funnel, survey_deff=deff, profile_link=profile_link)
    return out


def _national(results_dir: str | Path) -> pd.DataFrame:
    agg = results.read(results_dir, "organisation_aggregates")
    return agg[agg["level"] == "national"] if len(agg) else agg


def _with_rows(rows: pd.DataFrame, registry: Registry) -> Iterator[tuple[Indicator, pd.DataFrame]]:
    """Each indicator of the registry that has organisation rows, in the registry's order,
    with its rows."""
    for ind in registry.indicators:
        mine = rows[rows["indicator"] == ind.id]
        if not mine.empty:
            yield ind, mine


def _of(frame: pd.DataFrame, indicator: int) -> pd.DataFrame:
    return frame[frame["indicator"] == indicator] if len(frame) else frame
