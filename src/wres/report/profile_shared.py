"""What every organisation profile draws in common, computed once for all of them.

Each profile shows one funnel plot per indicator with every organisation on it. Those points
and the funnel's limits are the same on every profile; written once per indicator (by the
book, as a static data file the pages load), they stop each of N profiles carrying N
organisations on every funnel. Reads the same results tables as :mod:`wres.report.organisation_page`.
"""

from __future__ import annotations

from pathlib import Path

from wres import results
from wres.registry import Registry
from wres.report.organisation_charts import funnel_shared_data, shared_funnel_name

#: The results this module reads.
READS: tuple[str, ...] = ("organisation_indicators", "organisation_funnel_limits")


def profile_shared_data(results_dir: str | Path, registry: Registry, profile_link: str) -> dict[str, dict]:
    """``{file name: {dataset name: records}}``, one file per indicator with organisation
    results: the datasets a profile chart made with ``shared=True`` names. ``profile_link``:
    the URL pattern of the profiles as seen from a profile (``{org_code}.html``); the points
    link to it. Empty without organisation results."""
    rows = results.read(results_dir, "organisation_indicators")
    if rows.empty:
        return {}
    limits = results.read(results_dir, "organisation_funnel_limits")
    out = {}
    for ind in registry.indicators:
        mine = rows[rows["indicator"] == ind.id]
        if mine.empty:
            continue
        lim = limits[limits["indicator"] == ind.id] if len(limits) else limits
        out[shared_funnel_name(ind)] = funnel_shared_data(mine, lim, ind, profile_link=profile_link)
    return out
