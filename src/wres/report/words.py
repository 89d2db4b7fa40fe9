"""Plain-English sentences generated from the data: a chapter's first paragraph and the
overview table's verdict words. The words about groups come from the registry."""

from __future__ import annotations

import math

import pandas as pd

from wres.registry import Indicator, Registry

METHODS_REF = "{ref}`how we tested this <methods-trend-tests>`"

# Shown beside each verdict so it reads without colour too.
VERDICT_ICON = {
    "improving": "▲ improving",
    "worsening": "▼ worsening",
    "increasing": "↗ increasing",
    "decreasing": "↘ decreasing",
    "no significant change": "● no significant change",
    "too few years": "○ too few years to test",
}


def fmt_value(v: float, unit: str) -> str:
    if unit == "percent":
        return f"{v:.1f}"
    if unit == "percentage points":
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_slope(v: float, unit: str) -> str:
    """A slope magnitude with its unit in words (``% per year`` → ``3.1% a year``)."""
    if unit.startswith("%"):
        return f"{abs(v):.1f}% a year"
    if "percentage points" in unit:
        return f"{abs(v):.2f} percentage points a year"
    return f"{abs(v):.3f} a year"


def fmt_ci(lo: float, hi: float, unit: str) -> str:
    if unit.startswith("%"):
        return f"95% confidence interval {lo:+.1f}% to {hi:+.1f}% a year"
    if "percentage points" in unit:
        return f"95% confidence interval {lo:+.2f} to {hi:+.2f} points a year"
    return f"95% confidence interval {lo:+.3f} to {hi:+.3f} a year"


def verdict_sentence(trend: pd.Series | None, registry: Registry) -> str:
    """One or two sentences on whether the trend is real, for the headline paragraph."""
    if trend is None:
        return "There are no comparable published figures to test a trend."
    verdict = trend["verdict"]
    n = int(trend["n_years"])
    if verdict == "too few years":
        return (f"There are too few years of comparable published figures ({n}; the test needs at least "
                f"{registry.trend_tests.min_years}) to say whether this trend is real — too few years to test ({METHODS_REF}).")
    unit = str(trend["slope_unit"])
    if verdict == "no significant change":
        mds = trend["min_detectable_slope"]
        detect = ""
        if isinstance(mds, float) and not math.isnan(mds):
            detect = (f" With {n} years of figures, only a steady change of about {fmt_slope(mds, unit)} or more "
                      "could reliably have been detected, so this is not evidence of no change.")
        text = (f"The change over {n} years is not statistically significant: it cannot be told apart from "
                f"year-to-year variation.{detect} See {METHODS_REF}.")
    else:
        direction = "rise" if trend["slope"] > 0 else "fall"
        judgement = {"improving": " and is an improvement", "worsening": " and is a deterioration"}.get(verdict, "")
        text = (f"The {direction} — on average {fmt_slope(trend['slope'], unit)} "
                f"({fmt_ci(trend['slope_ci_low'], trend['slope_ci_high'], unit)}) — is statistically "
                f"significant{judgement} ({METHODS_REF}).")
    if trend.get("tests_agree") is False and trend.get("verdict_note"):
        text += f" Note: {trend['verdict_note']}"
    return text


def headline(ind: Indicator, series: pd.DataFrame, trend: pd.Series | None, registry: Registry) -> str:
    """The chapter's first paragraph: latest value, its year, change since the first year, verdict."""
    main = series[series["series"] == ind.headline_series].sort_values("report_year")
    if main.empty:
        return f"No published national figure for this indicator is in the data yet. {verdict_sentence(None, registry)}"
    main = main.drop_duplicates("report_year", keep="first")
    last, first = main.iloc[-1], main.iloc[0]
    unit = str(last["unit"])
    year = int(last["report_year"])
    extra = {}
    if ind.comparison is not None:
        wf = series[(series["series"] == ind.comparison.workforce) & (series["report_year"] == year)]
        extra["workforce"] = fmt_value(float(wf["value"].iloc[0]), "percent") if len(wf) else "(no figure)"
    sentence = ind.sentence.format(value=fmt_value(float(last["value"]), unit), year=year, **extra)
    when = f" in the {ind.year_phrase(year)}" if ind.is_survey else ("" if "{year}" in ind.sentence else f" in {year}")
    comparison = ""
    if ind.comparison_phrase:
        other_key = ind.headline_series.replace(registry.standard.minority_group, registry.standard.majority_group)
        other = series[(series["series"] == other_key) & (series["report_year"] == year)]
        if len(other):
            comparison = ", " + ind.comparison_phrase.format(value=fmt_value(float(other["value"].iloc[0]), unit))
    if len(main) > 1:
        change = "up" if last["value"] > first["value"] else "down" if last["value"] < first["value"] else "unchanged"
        pct = "%" if unit == "percent" else ""
        since = (f"; {change} from {fmt_value(float(first['value']), unit)}{pct} in "
                 f"{ind.year_phrase(int(first['report_year'])) if ind.is_survey else int(first['report_year'])}")
        if change == "unchanged":
            since = f"; the same as in {int(first['report_year'])}"
    else:
        since = "; this is the only published year"
    return f"**{sentence}{when}{comparison}{since}.** {verdict_sentence(trend, registry)}"
