"""Trend tests for every national series, with the false discovery rate controlled.

Writes the rows of ``results/national_trends.csv`` (the results contract, documented in
``data/README.md``).

Multiple comparisons: the **headline series of each indicator** (the registry's
``headline_series``) form the one family whose false discovery rate is controlled at the
registry's alpha; the verdicts on the overview and in each chapter's first sentence are
theirs. Every other tested series (a group's own figure, a ratio or gap shown as context) is
in a second family, ``context``, with its own adjustment, so that adding a context series
or a year of one never moves a headline q-value. The adjustment is the registry's
``trend_tests.multiple_comparisons`` (Benjamini-Hochberg by default; Holm or Bonferroni).
The regression p and the Mann-Kendall p are each adjusted within the family (``q_value``,
``mk_q``) and judged on the same footing. Slope intervals are plain ``1 - alpha`` intervals
(95% at the default alpha), not adjusted for multiplicity.
"""

from __future__ import annotations

import pandas as pd

from wres import results
from wres.analysis.notes import verdict_note
from wres.analysis.series import all_series
from wres.registry import Registry
from wres.stats import serial, trends, verdicts
from wres.stats.multiple import adjust

#: The columns of ``national_trends`` as the results catalogue names them (one list, in wres.results).
TREND_COLUMNS = list(results.table("national_trends").columns)

#: Values of the ``family`` column.
HEADLINE_FAMILY, CONTEXT_FAMILY = "headline", "context"

#: Year-to-year correlation of the annual noise under which each verdict is re-tested
#: (``q_value_ar1_03``, ``q_value_ar1_05``): the regression assumes independent years, and
#: NHS workforce figures move slowly, so neighbouring years' deviations from a line are
#: plausibly alike. 0.5 is the value the statistical review found breaks OLS (19% false
#: alarms at 8 years); ``verdict_if_correlated`` is the verdict at the larger one.
AR1_SENSITIVITY = (0.3, 0.5)


def _family(ind, key: str) -> str:
    return HEADLINE_FAMILY if key == ind.headline_series else CONTEXT_FAMILY


def _family_sizes(series: pd.DataFrame, registry: Registry) -> dict[str, int]:
    """How many series each family tests (those with enough testable years): the ``m`` of
    its multiple-comparison adjustment, known before any series is tested."""
    sizes = {HEADLINE_FAMILY: 0, CONTEXT_FAMILY: 0}
    for (ind_id, key), grp in series.groupby(["indicator", "series"], sort=True):
        ind = registry.indicator(int(ind_id))
        if ind.series_by_key(key).tested and len(_testable_years(grp)) >= registry.trend_tests.min_years:
            sizes[_family(ind, key)] += 1
    return sizes


def _correlated_p(years, values, transform: str, window: int, rho: float) -> float:
    """The regression p of one series re-tested as if its annual noise were AR(1) with ``rho``
    (GLS, :func:`wres.stats.serial.correlated_slope_test`); for rolling averages the
    correlation combines the averaging with the AR(1) noise behind it."""
    z = trends.transform(values, transform)
    return serial.correlated_slope_test(years, z, serial.ar1_correlation(years, rho, window))["p_value"]


def _testable_years(rows: pd.DataFrame) -> pd.DataFrame:
    """One testable figure per year (duplicates of a year agree, or validation stopped the run)."""
    ok = rows[rows["testable"]].sort_values("report_year")
    return ok.drop_duplicates("report_year")


def national_trends(
    figures: pd.DataFrame, registry: Registry, series: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict]:
    """Test every tested registry series; returns (trend table, fitted lines by (indicator, series)).

    ``series`` is :func:`wres.analysis.series.all_series` of ``figures`` when the caller
    has it already. Significance is judged on q-values (the registry's adjustment) within
    the series' family (module docstring), for the regression and Mann–Kendall alike.
    """
    if series is None:
        series = all_series(figures, registry)
    cfg = registry.trend_tests
    family_sizes = _family_sizes(series, registry)
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
            window=ind.rolling_years(key),
            family_size=max(1, family_sizes[_family(ind, key)]),
        )
        if len(use) >= cfg.min_years:
            for rho in AR1_SENSITIVITY:
                res[f"p_ar1_{rho}"] = _correlated_p(
                    use["report_year"].to_numpy(dtype=float),
                    use["value"].to_numpy(dtype=float),
                    spec.transform,
                    ind.rolling_years(key),
                    rho,
                )
        fit = res.pop("fit", None)
        if fit is not None and len(use) >= cfg.min_years:
            fits[(int(ind_id), key)] = fit
        slope_unit = res.get("slope_unit")
        if spec.transform == "identity":
            slope_unit = f"{spec.unit} per year"
        rows.append(
            {
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
                "family": _family(ind, key),
            }
        )
    table = pd.DataFrame(rows)
    table["q_value"], table["mk_q"] = family_q_values(table, cfg.multiple_comparisons)
    for rho in AR1_SENSITIVITY:
        column = f"p_ar1_{rho}"
        if column not in table:
            table[column] = float("nan")
        table[f"q_value_ar1_{round(10 * rho):02d}"] = _family_adjusted(table, column, cfg.multiple_comparisons)
    judged = [
        verdicts.classify(
            r.slope,
            r.q_value,
            int(r.n_years),
            r.improvement,
            alpha=cfg.alpha,
            min_years=cfg.min_years,
            cross_p=r.mk_q,
            cross_s=r.mk_s,
            first=r.fitted_first,
            last=r.fitted_last,
            scale="log" if r.transform == "log" else "identity",
        )
        for r in table.itertuples()
    ]
    table["verdict"] = [v.verdict for v in judged]
    table["tests_agree"] = [v.tests_agree for v in judged]
    table["verdict_note"] = [
        verdict_note(
            v,
            n_years=int(r.n_years),
            min_years=cfg.min_years,
            p_value=r.q_value,
            alpha=cfg.alpha,
            p_label="q",
            rolling=r.method != trends.METHOD_OLS,
        )
        for v, r in zip(judged, table.itertuples(), strict=True)
    ]
    # The verdict if the years are correlated (rho 0.5): the same rule judged on the q-value
    # of the correlated test; the direction is the main line's (only significance can change).
    table["verdict_if_correlated"] = [
        v.verdict
        if v.verdict in (verdicts.TOO_FEW_YEARS, verdicts.NO_CHANGE) or not pd.notna(r.q_value_ar1_05)
        else (v.verdict if r.q_value_ar1_05 < cfg.alpha else verdicts.NO_CHANGE)
        for v, r in zip(judged, table.itertuples(), strict=True)
    ]
    table = table[TREND_COLUMNS].sort_values(["indicator", "series"]).reset_index(drop=True)
    return table, fits


def family_q_values(table: pd.DataFrame, method: str = "fdr_bh") -> tuple[pd.Series, pd.Series]:
    """Adjusted p-values (``method``, :func:`wres.stats.multiple.adjust`; Benjamini-Hochberg
    q-values by default) of the regression p (``p_value``) and of Mann-Kendall (``mk_p``),
    each adjusted within the row's ``family`` (untested rows stay NaN)."""
    return _family_adjusted(table, "p_value", method), _family_adjusted(table, "mk_p", method)


def _family_adjusted(table: pd.DataFrame, column: str, method: str = "fdr_bh") -> pd.Series:
    """Adjusted p-values of ``column`` within each row's ``family``."""
    q = pd.Series(float("nan"), index=table.index)
    for _, rows in table.groupby("family"):
        q[rows.index] = adjust(rows[column].to_numpy(dtype=float), method)
    return q
