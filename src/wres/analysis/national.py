"""Trend tests for every national series, with the false discovery rate controlled.

Writes the rows of ``results/national_trends.csv`` (the results contract, documented in
``data/README.md``).

Multiple comparisons: the **headline series of each indicator** (the registry's
``headline_series``) form the one family whose false discovery rate is controlled at the
registry's alpha; the verdicts on the overview and in each chapter's first sentence are
theirs. Every other tested series (a group's own figure, a ratio or gap shown as context) is
in a second family, ``context``, with its own Benjamini-Hochberg adjustment, so that adding
a context series or a year of one never moves a headline q-value. The regression p and the
Mann-Kendall p are each adjusted within the family (``q_value``, ``mk_q``) and judged on the
same footing. Slope intervals are plain 95% intervals, not adjusted for multiplicity.
"""

from __future__ import annotations

import pandas as pd

from wres import results
from wres.analysis.notes import verdict_note
from wres.analysis.series import all_series
from wres.registry import Registry
from wres.stats import trends, verdicts
from wres.stats.multiple import bh_adjust

#: The columns of ``national_trends`` as the results catalogue names them (one list, in wres.results).
TREND_COLUMNS = list(results.table("national_trends").columns)

#: Values of the ``family`` column.
HEADLINE_FAMILY, CONTEXT_FAMILY = "headline", "context"


def _testable_years(rows: pd.DataFrame) -> pd.DataFrame:
    """One testable figure per year (duplicates of a year agree, or validation stopped the run)."""
    ok = rows[rows["testable"]].sort_values("report_year")
    return ok.drop_duplicates("report_year")


def national_trends(
    figures: pd.DataFrame, registry: Registry, series: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict]:
    """Test every tested registry series; returns (trend table, fitted lines by (indicator, series)).

    ``series`` is :func:`wres.analysis.series.all_series` of ``figures`` when the caller
    has it already. Significance is judged on Benjamini–Hochberg q-values within the
    series' family (module docstring), for the regression and Mann–Kendall alike.
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
            window=ind.rolling_years(key),
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
                "family": HEADLINE_FAMILY if key == ind.headline_series else CONTEXT_FAMILY,
            }
        )
    table = pd.DataFrame(rows)
    table["q_value"], table["mk_q"] = family_q_values(table)
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
            cross_p=r.mk_q,
            alpha=cfg.alpha,
            p_label="q",
            cross_label="q",
            rolling=r.method != trends.METHOD_OLS,
        )
        for v, r in zip(judged, table.itertuples(), strict=True)
    ]
    table = table[TREND_COLUMNS].sort_values(["indicator", "series"]).reset_index(drop=True)
    return table, fits


def family_q_values(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Benjamini-Hochberg q-values of the regression p (``p_value``) and of Mann-Kendall
    (``mk_p``), each adjusted within the row's ``family`` (untested rows stay NaN)."""
    q = pd.Series(float("nan"), index=table.index)
    mk_q = q.copy()
    for _, rows in table.groupby("family"):
        q[rows.index] = bh_adjust(rows["p_value"].to_numpy(dtype=float))
        mk_q[rows.index] = bh_adjust(rows["mk_p"].to_numpy(dtype=float))
    return q, mk_q
