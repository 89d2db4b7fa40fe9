"""One row per indicator for its headline series (``national_summary.csv``): what the
overview table and each chapter's first sentence say, computed once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import results
from wres.registry import Indicator, Registry
from wres.stats.verdicts import TOO_FEW_YEARS

#: The columns of ``national_summary`` as the results catalogue names them (one list, in wres.results).
SUMMARY_COLUMNS = list(results.table("national_summary").columns)


def _value_in(series: pd.DataFrame, key: str, year: int) -> float:
    """The first figure of series ``key`` in report year ``year``; NaN when there is none."""
    hit = series[(series["series"] == key) & (series["report_year"] == year)]
    return float(hit["value"].iloc[0]) if len(hit) else np.nan


def _row(ind: Indicator, mine: pd.DataFrame, trends: pd.DataFrame, registry: Registry) -> dict:
    key = ind.headline_series
    spec = ind.series_by_key(key)
    # Only figures that can enter the trend test (the quality flags the registry excludes from
    # tests are left out), one per report year, the first of the year as the series table
    # orders them: the change is then measured over the same figures the verdict is about.
    main = mine[(mine["series"] == key) & mine["testable"].astype(bool)]
    main = main.sort_values("report_year", kind="stable").drop_duplicates("report_year")
    t = trends[(trends["indicator"] == ind.id) & (trends["series"] == key)]
    row = dict.fromkeys(SUMMARY_COLUMNS, np.nan)
    row.update(
        indicator=ind.id,
        series=key,
        label=spec.label,
        unit=spec.unit,
        n_years=len(main),
        first_year=pd.NA,
        latest_year=pd.NA,
        verdict=t["verdict"].iloc[0] if len(t) else TOO_FEW_YEARS,
    )
    if main.empty:
        return row
    first, last = main.iloc[0], main.iloc[-1]
    year = int(last["report_year"])
    row.update(
        unit=str(last["unit"]),
        first_year=int(first["report_year"]),
        first_value=float(first["value"]),
        latest_year=year,
        latest_value=float(last["value"]),
        change=float(last["value"]) - float(first["value"]),
    )
    if ind.comparison_phrase:
        std = registry.standard
        row["comparison_value"] = _value_in(mine, key.replace(std.minority_group, std.majority_group), year)
    if ind.comparison is not None:
        row["workforce_value"] = _value_in(mine, ind.comparison.workforce, year)
        row["senior_value"] = _value_in(mine, ind.comparison.senior, year)
    return row


def national_summary(series: pd.DataFrame, trends: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Per registry indicator, its headline series: first and latest figure that can enter the
    trend test (one per report year, the first published; report years throughout),
    ``change`` = latest − first in the series' unit, the
    majority group's figure in the latest year (indicators with a ``comparison_phrase``),
    the workforce and senior-group figures (indicators with a ``comparison``), and the trend
    verdict ("too few years" when the series was not tested)."""
    rows = [_row(ind, series[series["indicator"] == ind.id], trends, registry) for ind in registry.indicators]
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for c in ("first_year", "latest_year"):
        out[c] = out[c].astype("Int64")
    for c in ("first_value", "latest_value", "change", "comparison_value", "workforce_value", "senior_value"):
        out[c] = out[c].astype(float)
    return out
