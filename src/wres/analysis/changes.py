"""What changed in the latest year: national figures against the previous published year,
and verdicts recomputed without the latest year, so readers see what the new data did."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres import results
from wres.analysis.national import national_trends
from wres.kinds import kind_of
from wres.registry import Registry
from wres.stats.multiple import bh_adjust

#: The columns of ``national_changes`` as the results catalogue names them (one list, in wres.results).
CHANGE_COLUMNS = list(results.table("national_changes").columns)


def latest_report_year(figures: pd.DataFrame) -> int:
    return int(figures["report_year"].max())


def national_changes(
    figures: pd.DataFrame, registry: Registry, trends_now: pd.DataFrame, series: pd.DataFrame
) -> pd.DataFrame:
    """One row per registry series: latest-year figure vs the series' previous published figure,
    and the trend verdict with and without the latest year's figures.

    ``series`` is :func:`wres.analysis.series.all_series` of ``figures``; a series' rows
    before the latest year are exactly the series of the earlier figures (derived series
    pair figures year by year), so the verdicts without the latest year use them.

    National figures come without counts, so a single year-on-year change is not tested: the
    trend verdicts are the test. ``change`` is in percentage points for percentages, in % for
    ratios (100 × (latest / previous − 1)), else in the series' own unit (:func:`difference_unit`).
    """
    latest = latest_report_year(figures)
    before = figures[figures["report_year"] < latest]
    trends_before = (
        national_trends(before, registry, series[series["report_year"] < latest])[0]
        if len(before)
        else trends_now.iloc[0:0]
    )
    rows = []
    for (ind_id, key), grp in series.groupby(["indicator", "series"], sort=True):
        grp = grp.sort_values(["report_year", "testable"], ascending=[True, False]).drop_duplicates("report_year")
        unit = grp["unit"].iloc[0]
        now = grp[grp["report_year"] == latest]
        prev = grp[grp["report_year"] < latest]
        row = {
            "indicator": int(ind_id),
            "series": key,
            "label": grp["label"].iloc[0],
            "unit": unit,
            "latest_year": latest,
            "latest_value": np.nan,
            "previous_year": pd.NA,
            "previous_value": np.nan,
            "change": np.nan,
            "change_unit": "",
            "note": "",
        }
        if len(now):
            row["latest_value"] = float(now["value"].iloc[0])
        if len(prev):
            row["previous_year"] = int(prev["report_year"].iloc[-1])
            row["previous_value"] = float(prev["value"].iloc[-1])
        if len(now) and len(prev):
            if unit == "ratio":
                row["change"] = 100 * (row["latest_value"] / row["previous_value"] - 1)
                row["change_unit"] = "%"
            else:
                row["change"] = row["latest_value"] - row["previous_value"]
                row["change_unit"] = difference_unit(unit)
        elif not len(now):
            row["note"] = f"no published figure for report year {latest}"
        else:
            row["note"] = "first published figure"
        # One verdict per series across pages: a series read from another indicator and not
        # tested here (``from_indicator``, ``tested: false``) carries its home test's verdict.
        home = tested_under(registry, int(ind_id), key)
        if home != int(ind_id):
            row["note"] = "; ".join(n for n in (row["note"], f"tested with {registry.indicator(home).title}") if n)
        t_now = trends_now[(trends_now["indicator"] == home) & (trends_now["series"] == key)]
        t_before = trends_before[(trends_before["indicator"] == home) & (trends_before["series"] == key)]
        row["verdict_now"] = t_now["verdict"].iloc[0] if len(t_now) else "not tested"
        row["verdict_before"] = (
            t_before["verdict"].iloc[0] if len(t_before) else ("not tested" if not len(t_now) else "too few years")
        )
        row["verdict_changed"] = row["verdict_now"] != row["verdict_before"]
        rows.append(row)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def tested_under(registry: Registry, ind_id: int, key: str) -> int:
    """The indicator whose trend test gives series ``key`` of indicator ``ind_id`` its verdict:
    ``ind_id`` itself, unless the series is read from another indicator and not tested here
    (then the indicator it is read from, where it is tested once)."""
    try:
        spec = registry.indicator(ind_id).series_by_key(key)
    except KeyError:
        return ind_id
    source = getattr(spec, "from_indicator", None)
    return int(source) if source is not None and not spec.tested else ind_id


#: ``trust_changes.csv``: the original contract's columns, then those added with the
#: scale-aware tests (``scale`` names what ``estimate`` and its interval are in).
#: The columns of ``organisation_changes`` as the results catalogue names them (one list, in wres.results).
ORG_CHANGE_COLUMNS = list(results.table("organisation_changes").columns)


def difference_unit(unit: str) -> str:
    """The unit of the difference of two figures in ``unit``: percentage points for a percent
    (or a gap already in points), else the unit itself (a score difference is in points)."""
    return "percentage points" if unit in ("percent", "percentage points") else unit


def _counts_of(frame: pd.DataFrame, kind, suffix: str = "") -> tuple:
    """The counts an indicator's change test needs (``Kind.change_counts``), from
    ``trust_indicators`` columns (``suffix``: ``_prev`` for the earlier year)."""

    def num(c):
        return pd.to_numeric(frame[c + suffix], errors="coerce").to_numpy(float)

    return kind.change_counts(num)


def _change_one(m: pd.DataFrame, kind, deff: float, alpha: float) -> pd.DataFrame:
    earlier, later = _counts_of(m, kind, "_prev"), _counts_of(m, kind)
    res, change = kind.change_test_result(earlier, later, deff=deff, alpha=alpha)
    usable = np.isfinite(res["estimate"]) & np.isfinite(res["se"]) & (res["se"] > 0)

    def est(a):
        return np.where(usable, a, np.nan)

    n = len(m)

    def extra(key):
        return np.broadcast_to(np.asarray(res.get(key, np.nan), dtype=float), (n,))

    relative = extra("relative")
    return m.assign(
        national_change=kind.relative_change(np.full(n, extra("common")[0] if n else np.nan)),
        relative_change=est(kind.relative_change(relative)),
        change_tau2=extra("tau2"),
        change=est(change),
        change_unit=kind.change_unit,
        p_value=est(res["p_value"]),
        scale=kind.change_scale,
        estimate=est(res["estimate"]),
        estimate_ci_low=est(res["ci_low"]),
        estimate_ci_high=est(res["ci_high"]),
        dispersion=res["dispersion"],
        test=kind.change_test,
        note=_change_notes(m, usable),
    )


def _change_notes(m: pd.DataFrame, usable: np.ndarray) -> np.ndarray:
    """Why a change was not tested (never "nan": only words and whole years)."""
    no_prev = m["value_prev"].isna().to_numpy()
    no_now = m["value"].isna().to_numpy()
    out = np.full(len(m), "", dtype=object)
    out[~usable] = "counts do not allow a test (a zero or missing count in one of the years)"
    out[no_now] = "no figure in the latest year"
    out[no_prev] = f"no figure in {int(m['previous_year'].iloc[0])}" if len(m) else ""
    return out


def org_changes(
    trust_indicators: pd.DataFrame, registry: Registry, alpha: float = 0.05, survey_deff: float | None = None
) -> pd.DataFrame:
    """Each organisation's change from the previous year to the latest, tested on its own scale.

    * Relative likelihoods and representation ratios: the difference of log ratios, Katz
      variance multiplied by the Pearson dispersion of the changes across the organisations
      of that indicator (:func:`wres.stats.change_test.rl_change`); ``estimate`` and its
      interval in natural-log units, ``change`` = ``100 (exp(estimate) - 1)``, the % change
      in the ratio (``change_unit`` says which ratio).
    * Percentages: percentage points, pooled two-proportion z-test on the effective sizes
      ``n / deff`` (:func:`wres.stats.change_test.percentage_change`; ``dispersion`` holds
      the design effect used).

    ``q_value``: Benjamini-Hochberg across the organisations of each indicator
    (:func:`wres.stats.multiple.bh_adjust`), untested rows left out; ``significant`` is
    ``q_value < alpha``. Columns: :data:`ORG_CHANGE_COLUMNS`.
    """
    from wres.stats.survey import SURVEY_DEFF

    if trust_indicators.empty:
        return pd.DataFrame()
    deff = SURVEY_DEFF if survey_deff is None else survey_deff
    ti = trust_indicators.copy()
    ti["band"] = ti["band"].fillna("").astype(str)
    latest = int(ti["year"].max())
    prev_year = latest - 1
    count_cols = [
        c
        for c in ti.columns
        if c.startswith(("numerator_", "denominator_", "workforce_numerator_", "workforce_denominator_"))
    ]
    cols = ["org_code", "org_name", "indicator", "band", "value", "ci_low", "ci_high", *count_cols]
    now = ti[ti["year"] == latest][cols]
    prev = ti[ti["year"] == prev_year][[c for c in cols if c != "org_name"]]
    m = now.merge(prev, on=["org_code", "indicator", "band"], how="left", suffixes=("", "_prev"))
    m["latest_year"] = latest
    m["previous_year"] = prev_year
    parts = []
    for ind_id, grp in m.groupby("indicator", sort=False):
        g = _change_one(grp, kind_of(registry.indicator(int(ind_id)), registry), deff, alpha)
        g["q_value"] = bh_adjust(g["p_value"].to_numpy(dtype=float))
        parts.append(g)
    out = pd.concat(parts).loc[m.index] if parts else m
    out["significant"] = (out["q_value"] < alpha).to_numpy(bool)
    return out[ORG_CHANGE_COLUMNS].reset_index(drop=True)
