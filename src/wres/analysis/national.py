"""Trend tests for every national series, with the false discovery rate controlled.

Writes the rows of ``results/national_trends.csv`` (the results contract, documented in
``data/README.md``).
"""

from __future__ import annotations

import pandas as pd

from wres.analysis.notes import verdict_note
from wres.analysis.series import all_series
from wres.registry import Registry
from wres.stats import trends, verdicts
from wres.stats.multiple import bh_adjust

TREND_COLUMNS = [
    "indicator", "series", "label", "group", "first_year", "last_year", "n_years", "slope",
    "slope_unit", "slope_ci_low", "slope_ci_high", "p_value", "q_value", "mk_s", "mk_p",
    "sen_slope", "sen_ci_low", "sen_ci_high", "min_detectable_slope", "verdict",
    "tests_agree", "verdict_note", "improvement", "transform", "excluded_years", "years_used",
]


def _testable_years(rows: pd.DataFrame) -> pd.DataFrame:
    """One testable figure per year (duplicates of a year agree, or validation stopped the run)."""
    ok = rows[rows["testable"]].sort_values("report_year")
    return ok.drop_duplicates("report_year")


def national_trends(figures: pd.DataFrame, registry: Registry,
                    series: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Test every tested registry series; returns (trend table, fitted lines by (indicator, series)).

    ``series`` is :func:`wres.analysis.series.all_series` of ``figures`` when the caller
    has it already. Significance is judged on Benjamini–Hochberg q-values across all
    series tested in the build, so that testing some twenty series does not inflate the
    number of false alarms.
    """
    if series is None:
        series = all_series(figures, registry)
    cfg = registry.trend_tests
    rows, fits = [], {}
    for (ind_id, key), grp in series.groupby(["indicator", "series"], sort=True):
        ind = registry.indicator(int(ind_id))
        spec = ind.series_by_key(key)
        if not spec.tested:
            continue
        use = _testable_years(grp)
        excluded = sorted(set(grp.loc[~grp["testable"], "report_year"].astype(int)) - set(use["report_year"]))
        res = trends.analyse_series(
            use["report_year"].to_numpy(dtype=float),
            use["value"].to_numpy(dtype=float),
            kind=spec.transform,
            direction=spec.improvement,
            alpha=cfg.alpha,
            min_years=cfg.min_years,
        )
        fit = res.pop("fit", None)
        if fit is not None and len(use) >= cfg.min_years:
            fits[(int(ind_id), key)] = fit
        slope_unit = res.get("slope_unit")
        if spec.transform == "identity":
            slope_unit = f"{spec.unit} per year"
        rows.append({
            **res,
            "indicator": int(ind_id),
            "series": key,
            "label": spec.label,
            "group": grp["group"].iloc[0],
            "slope_unit": slope_unit,
            "improvement": spec.improvement,
            "transform": spec.transform,
            "excluded_years": " ".join(str(y) for y in excluded),
            "years_used": " ".join(str(int(y)) for y in use["report_year"]),
            "first_year": int(use["report_year"].min()) if len(use) else pd.NA,
            "last_year": int(use["report_year"].max()) if len(use) else pd.NA,
            "n_years": len(use),
        })
    table = pd.DataFrame(rows)
    table["q_value"] = bh_adjust(table["p_value"].to_numpy(dtype=float))
    judged = [
        verdicts.classify(r.slope, r.q_value, int(r.n_years), r.improvement, alpha=cfg.alpha,
                          min_years=cfg.min_years, cross_p=r.mk_p, cross_s=r.mk_s)
        for r in table.itertuples()
    ]
    table["verdict"] = [v.verdict for v in judged]
    table["tests_agree"] = [v.tests_agree for v in judged]
    table["verdict_note"] = [
        verdict_note(v, n_years=int(r.n_years), min_years=cfg.min_years, p_value=r.q_value, cross_p=r.mk_p,
                     alpha=cfg.alpha, p_label="q")
        for v, r in zip(judged, table.itertuples(), strict=True)
    ]
    table = table[TREND_COLUMNS].sort_values(["indicator", "series"]).reset_index(drop=True)
    return table, fits

