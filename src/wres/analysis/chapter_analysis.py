"""The analysis behind one indicator's chapter, for a researcher running its notebook in
Jupyter: the figures each trend test uses, the fitted lines and the tests.

Everything is recomputed from the results' ``national_series`` table by the functions that
wrote the results tables (:func:`wres.analysis.national.national_trends`, which calls
:func:`wres.stats.trends.analyse_series`; :func:`wres.stats.trends.ols_trend` and
:func:`wres.stats.serial.gls_line` for the lines), so what the notebook shows is what
``results/national_trends.csv`` holds (``tests/analysis/test_chapter_analysis.py`` checks it).
The book's pages do not show these cells (``remove-cell``); they are for Jupyter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres.analysis.national import _testable_years, national_trends
from wres.registry import Registry
from wres.results import TREND_TEST_COLUMNS
from wres.stats import serial, trends

#: The columns of :func:`trend_tests` a reader needs first (the rest follow).
TEST_COLUMNS = ["series", "family", "method", *TREND_TEST_COLUMNS, "mk_q", "verdict", "verdict_if_correlated"]


def _tested(series: pd.DataFrame, registry: Registry, indicator_id: int):
    ind = registry.indicator(indicator_id)
    rows = series[series["indicator"].astype(int) == ind.id]
    for key, grp in rows.groupby("series", sort=True):
        spec = ind.series_by_key(str(key))
        if spec.tested:
            yield ind, str(key), spec, _testable_years(grp)


def tested_series(series: pd.DataFrame, registry: Registry, indicator_id: int) -> pd.DataFrame:
    """One row per year of each tested series of the indicator, as its trend test uses it:
    the published value (figures flagged as not comparable left out, one per year) and the
    value on the scale the line is fitted on (log, logit or as published)."""
    frames = []
    for _ind, key, spec, use in _tested(series, registry, indicator_id):
        values = use["value"].to_numpy(dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "series": key,
                    "report_year": use["report_year"].astype(int).to_numpy(),
                    "value": values,
                    "unit": use["unit"].to_numpy(),
                    "quality": use["quality"].to_numpy(),
                    "scale": spec.transform,
                    "fitted_scale_value": trends.transform(values, spec.transform),
                }
            )
        )
    columns = ["series", "report_year", "value", "unit", "quality", "scale", "fitted_scale_value"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def fitted_lines(series: pd.DataFrame, registry: Registry, indicator_id: int) -> pd.DataFrame:
    """The straight line fitted to each tested series with enough years, on the fitted
    scale: ``value = intercept + slope x (year - mean year)``; ordinary least squares, or
    generalised least squares for a two-year rolling average (its neighbours share data)."""
    alpha, min_years = registry.trend_tests.alpha, registry.trend_tests.min_years
    rows = []
    for ind, key, spec, use in _tested(series, registry, indicator_id):
        if len(use) < min_years:
            continue
        x, v = use["report_year"].to_numpy(dtype=float), use["value"].to_numpy(dtype=float)
        window = ind.rolling_years(key)
        if window > 1:
            line = serial.gls_line(x, trends.transform(v, spec.transform), window, alpha)
            fit = {"slope": line["slope"], "se": line["se"], "intercept": line["intercept_at_mean_year"]}
            fit.update(mean_year=line["mean_year"], df=line["df"], p_value=line["p_value"], resid_sd=line["resid_sd"])
            method = trends.METHOD_GLS_ROLLING
        else:
            o = trends.ols_trend(x, v, spec.transform, alpha)
            fit = {"slope": o["slope_transformed"], "se": o["se_transformed"], "intercept": o["intercept_at_mean_year"]}
            fit.update(mean_year=o["mean_year"], df=o["df"], p_value=o["p_value"], resid_sd=o["resid_sd"])
            method = trends.METHOD_OLS
        t = fit["slope"] / fit["se"] if fit["se"] > 0 else np.nan
        rows.append({"series": key, "method": method, "scale": spec.transform, **fit, "t": t})
    return pd.DataFrame(
        rows,
        columns=[
            "series",
            "method",
            "scale",
            "intercept",
            "slope",
            "se",
            "t",
            "df",
            "p_value",
            "mean_year",
            "resid_sd",
        ],
    )


def ols_models(series: pd.DataFrame, registry: Registry, indicator_id: int) -> dict:
    """statsmodels fits of the series tested by ordinary least squares (:func:`wres.stats.
    trends.ols_model`), by series key, for their ``summary()``."""
    min_years = registry.trend_tests.min_years
    return {
        key: trends.ols_model(
            use["report_year"].to_numpy(dtype=float), use["value"].to_numpy(dtype=float), spec.transform
        )
        for ind, key, spec, use in _tested(series, registry, indicator_id)
        if len(use) >= min_years and ind.rolling_years(key) == 1
    }


def trend_tests(series: pd.DataFrame, registry: Registry, indicator_id: int | None = None) -> pd.DataFrame:
    """The national trend table recomputed from ``series`` (every indicator: the q-values
    adjust within families across indicators), the indicator's rows (all with None), the
    columns of :data:`TEST_COLUMNS` first."""
    table, _fits = national_trends(series, registry, series)
    if indicator_id is not None:
        table = table[table["indicator"] == int(indicator_id)]
    return table[TEST_COLUMNS + [c for c in table.columns if c not in TEST_COLUMNS]].reset_index(drop=True)


#: The rows of statsmodels' summary that say when it was printed, not what was fitted.
_CLOCK_LABELS = ("Date:", "Time:")


def model_summary(model, xname: list[str]):
    """statsmodels' ``summary()`` of ``model`` without its date and time of printing: an
    executed chapter must be the same byte for byte whenever it is built (the book's builds
    are deterministic), and the clock says nothing about the fit."""
    summary = model.summary(xname=xname)
    for row in summary.tables[0]:
        cells = list(row)
        for i, cell in enumerate(cells):
            if str(cell.data).strip() in _CLOCK_LABELS:
                cell.data = ""
                if i + 1 < len(cells):
                    cells[i + 1].data = ""
    return summary
