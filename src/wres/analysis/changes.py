"""What changed in the latest year: national figures against the previous published year,
and verdicts recomputed without the latest year, so readers see what the new data did."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from wres.analysis.national import national_trends
from wres.registry import Registry
from wres.stats.multiple import bh_adjust

CHANGE_COLUMNS = [
    "indicator", "series", "label", "unit", "latest_year", "latest_value", "previous_year", "previous_value",
    "change", "change_unit", "verdict_before", "verdict_now", "verdict_changed", "note",
]


def latest_report_year(figures: pd.DataFrame) -> int:
    return int(figures["report_year"].max())


def national_changes(figures: pd.DataFrame, registry: Registry, trends_now: pd.DataFrame,
                     series: pd.DataFrame) -> pd.DataFrame:
    """One row per registry series: latest-year figure vs the series' previous published figure,
    and the trend verdict with and without the latest year's figures.

    ``series`` is :func:`wres.analysis.series.all_series` of ``figures``; a series' rows
    before the latest year are exactly the series of the earlier figures (derived series
    pair figures year by year), so the verdicts without the latest year use them.

    National figures come without counts, so a single year-on-year change is not tested: the
    trend verdicts are the test. ``change`` is in percentage points for percentages and in %
    for ratios (100 × (latest / previous − 1)).
    """
    latest = latest_report_year(figures)
    before = figures[figures["report_year"] < latest]
    trends_before = (national_trends(before, registry, series[series["report_year"] < latest])[0] if len(before)
                     else trends_now.iloc[0:0])
    rows = []
    for (ind_id, key), grp in series.groupby(["indicator", "series"], sort=True):
        grp = grp.sort_values(["report_year", "testable"], ascending=[True, False]).drop_duplicates("report_year")
        unit = grp["unit"].iloc[0]
        now = grp[grp["report_year"] == latest]
        prev = grp[grp["report_year"] < latest]
        row = {"indicator": int(ind_id), "series": key, "label": grp["label"].iloc[0], "unit": unit,
               "latest_year": latest, "latest_value": np.nan, "previous_year": pd.NA, "previous_value": np.nan,
               "change": np.nan, "change_unit": "", "note": ""}
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
                row["change_unit"] = "percentage points"
        elif not len(now):
            row["note"] = f"no published figure for report year {latest}"
        else:
            row["note"] = "first published figure"
        t_now = trends_now[(trends_now["indicator"] == ind_id) & (trends_now["series"] == key)]
        t_before = trends_before[(trends_before["indicator"] == ind_id) & (trends_before["series"] == key)]
        row["verdict_now"] = t_now["verdict"].iloc[0] if len(t_now) else "not tested"
        row["verdict_before"] = t_before["verdict"].iloc[0] if len(t_before) else ("not tested" if not len(t_now) else "too few years")
        row["verdict_changed"] = row["verdict_now"] != row["verdict_before"]
        rows.append(row)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def org_changes(trust_indicators: pd.DataFrame, registry: Registry, alpha: float = 0.05) -> pd.DataFrame:
    """Each organisation's change from the previous year to the latest, tested where counts allow.

    Relative likelihoods: z-test on the difference of log RLs with Katz standard errors
    (independent years). Percentages: the same on the value with its Wilson-interval
    half-width / 1.96 as standard error. Benjamini–Hochberg q-values within each indicator.
    """
    if trust_indicators.empty:
        return pd.DataFrame()
    ti = trust_indicators.copy()
    latest = int(ti["year"].max())
    prev_year = latest - 1
    cols = ["org_code", "org_name", "indicator", "band", "value", "ci_low", "ci_high"]
    now = ti[ti["year"] == latest][cols]
    prev = ti[ti["year"] == prev_year][cols]
    m = now.merge(prev, on=["org_code", "indicator", "band"], how="left", suffixes=("", "_prev"))
    # Katz intervals are symmetric on the log scale, so the standard error is recovered
    # exactly from them; Wilson intervals are only nearly symmetric (an approximation).
    is_ratio = m["indicator"].isin([i.id for i in registry.indicators if i.is_relative_likelihood]).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        se_now = np.where(is_ratio, (np.log(m["ci_high"]) - np.log(m["ci_low"])) / (2 * 1.959964), (m["ci_high"] - m["ci_low"]) / (2 * 1.959964))
        se_prev = np.where(is_ratio, (np.log(m["ci_high_prev"]) - np.log(m["ci_low_prev"])) / (2 * 1.959964), (m["ci_high_prev"] - m["ci_low_prev"]) / (2 * 1.959964))
        diff = np.where(is_ratio, np.log(m["value"]) - np.log(m["value_prev"]), m["value"] - m["value_prev"])
        z = diff / np.sqrt(se_now**2 + se_prev**2)
    m["latest_year"] = latest
    m["previous_year"] = prev_year
    m["change"] = np.where(is_ratio, 100 * (np.exp(diff) - 1), diff)
    m["change_unit"] = np.where(is_ratio, "%", "percentage points")
    m["p_value"] = 2 * stats.norm.sf(np.abs(z))
    m["q_value"] = np.nan
    for idx in m.groupby("indicator").groups.values():
        m.loc[idx, "q_value"] = bh_adjust(m.loc[idx, "p_value"].to_numpy(dtype=float))
    m["significant"] = m["q_value"] < alpha
    return m[["org_code", "org_name", "indicator", "band", "previous_year", "value_prev", "latest_year", "value",
              "change", "change_unit", "p_value", "q_value", "significant"]]


def _num(v, fmt="{:.2f}") -> str:
    return "—" if pd.isna(v) else fmt.format(v)


def headline_text(changes: pd.DataFrame) -> str:
    """The page's first sentence: what the newest year changed."""
    if changes.empty:
        return "No national figures are in the data."
    latest = int(changes["latest_year"].iloc[0])
    have = changes["latest_value"].notna().sum()
    flipped = changes[changes["verdict_changed"]]
    verdicts = ("; ".join(f"{r.label} (indicator {r.indicator}): {r.verdict_before} → {r.verdict_now}" for r in flipped.itertuples())
                if len(flipped) else "no trend verdict changed")
    return (f"**The latest report year in the data is {latest}: {have} of {len(changes)} national series have a "
            f"figure for it. Adding it changed these verdicts: {verdicts}.**")


def changes_table_html(changes: pd.DataFrame) -> str:
    import html

    rows = []
    for r in changes.itertuples():
        fmt = "{:.1f}" if r.unit in ("percent", "percentage points") else "{:.2f}"
        change = "—" if pd.isna(r.change) else f"{r.change:+.1f} {r.change_unit}"
        flag = " ⚑ changed" if r.verdict_changed else ""
        rows.append("<tr>" + "".join([
            f"<td>{r.indicator}</td><td>{html.escape(str(r.label))}</td>",
            f"<td>{_num(r.previous_value, fmt)} ({'' if pd.isna(r.previous_year) else int(r.previous_year)})</td>",
            f"<td>{_num(r.latest_value, fmt)} ({int(r.latest_year)})</td>",
            f"<td>{html.escape(change)}</td>",
            f"<td>{html.escape(str(r.verdict_before))}</td><td>{html.escape(str(r.verdict_now))}{flag}</td>",
            f"<td>{html.escape(str(r.note))}</td>",
        ]) + "</tr>")
    head = ("<thead><tr><th>#</th><th>Series</th><th>Previous figure (report year)</th><th>Latest (report year)</th>"
            "<th>Change</th><th>Verdict without latest year</th><th>Verdict now</th><th>Note</th></tr></thead>")
    return f"<table class='table wres-changes'>{head}<tbody>{''.join(rows)}</tbody></table>"
