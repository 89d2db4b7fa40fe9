"""Data quality accounting: for every input file, rows read = rows used + rows excluded,
with the reason for each exclusion; suppressed cells; unknown ethnicity; organisations that
appear or disappear between years."""

from __future__ import annotations

import pandas as pd

from wres.analysis.series import membership
from wres.registry import Registry

ACCOUNT_COLUMNS = ["file", "rows_read", "rows_used", "rows_excluded"]


def national_row_status(figures: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Each published national row with ``status`` (used / excluded) and ``reason``."""
    in_series = membership(figures, registry)["in_series"]
    reasons = []
    for idx in figures.index:
        if not in_series[idx]:
            reasons.append("context figure: not part of a charted series (shown in its chapter's table)")
        elif not figures.at[idx, "testable"]:
            flags = [f for f in figures.at[idx, "quality"].split(";") if f in registry.quality.excluded_from_tests]
            reasons.append(f"charted but excluded from trend tests: quality flag {', '.join(flags)}")
        else:
            reasons.append("")
    out = figures[
        ["source_file", "source_line", "indicator", "measure", "group", "report_year", "value", "quality"]
    ].copy()
    out["reason"] = reasons
    out["status"] = ["used" if r == "" else "excluded" for r in reasons]
    return out


def breakdown_row_status(breakdowns: pd.DataFrame) -> pd.DataFrame:
    if breakdowns.empty:
        return pd.DataFrame(columns=["source_file", "source_line", "status", "reason"])
    out = breakdowns[
        ["source_file", "source_line", "dimension", "category", "indicator", "year", "value", "unit"]
    ].copy()
    charted = (out["dimension"] == "region") & (out["unit"] == "ratio") & out["year"].str.fullmatch(r"\d{4}")
    out["reason"] = ""
    out.loc[~charted & ~out["year"].str.fullmatch(r"\d{4}"), "reason"] = (
        "year label is not a report year (shown as published, not charted)"
    )
    out.loc[~charted & (out["reason"] == ""), "reason"] = "context figure: shown in the data tables, not charted"
    out["status"] = out["reason"].map(lambda r: "used" if r == "" else "excluded")
    return out


def trust_row_status(trusts: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Each organisation-level row: used, or excluded because suppressed/missing or because
    the ethnicity was not stated (such staff are left out of both groups)."""
    if trusts.empty:
        return pd.DataFrame(columns=["source_file", "source_line", "status", "reason"])
    out = trusts[
        ["source_file", "source_line", "year", "org_code", "indicator", "band", "group", "missing_reason"]
    ].copy()
    missing = trusts["denominator"].isna() | (trusts["numerator"].isna() & trusts["percent"].isna())
    known = set(registry.standard.groups) - {"unknown"}
    reason = pd.Series("", index=out.index)
    reason[~trusts["group"].isin(known)] = "ethnicity not stated: left out of both groups"
    reason[missing] = "missing: " + trusts.loc[missing, "missing_reason"].replace("", "no value given")
    out["reason"] = reason
    out["status"] = reason.map(lambda r: "used" if r == "" else "excluded")
    return out


def account(status: pd.DataFrame) -> pd.DataFrame:
    """Rows read, used and excluded per file, and the excluded rows counted by reason."""
    if status.empty:
        return pd.DataFrame(columns=ACCOUNT_COLUMNS)
    g = status.groupby("source_file")
    out = (
        pd.DataFrame(
            {
                "rows_read": g.size(),
                "rows_used": g["status"].apply(lambda s: int((s == "used").sum())),
                "rows_excluded": g["status"].apply(lambda s: int((s == "excluded").sum())),
            }
        )
        .reset_index()
        .rename(columns={"source_file": "file"})
    )
    return out[ACCOUNT_COLUMNS]


def exclusion_reasons(status: pd.DataFrame) -> pd.DataFrame:
    ex = status[status["status"] == "excluded"]
    if ex.empty:
        return pd.DataFrame(columns=["file", "reason", "rows"])
    return ex.groupby(["source_file", "reason"]).size().reset_index(name="rows").rename(columns={"source_file": "file"})


def organisation_churn(trusts: pd.DataFrame) -> pd.DataFrame:
    """Organisations appearing or disappearing from one report year to the next."""
    if trusts.empty:
        return pd.DataFrame(columns=["year", "organisations", "appeared", "disappeared"])
    by_year = trusts.groupby("year")["org_code"].apply(lambda s: set(s)).sort_index()
    rows, prev = [], None
    for year, orgs in by_year.items():
        rows.append(
            {
                "year": int(year),
                "organisations": len(orgs),
                "appeared": ", ".join(sorted(orgs - prev)) if prev is not None else "",
                "disappeared": ", ".join(sorted(prev - orgs)) if prev is not None else "",
            }
        )
        prev = orgs
    return pd.DataFrame(rows)


def unknown_ethnicity(trusts: pd.DataFrame) -> pd.DataFrame:
    """Staff whose ethnicity is not stated, by year and indicator (counts as given)."""
    if trusts.empty or "unknown" not in set(trusts["group"]):
        return pd.DataFrame(columns=["year", "indicator", "band", "not_stated", "all_in_denominator"])
    u = trusts[trusts["group"] == "unknown"]
    return (
        u.groupby(["year", "indicator", "band"])
        .agg(not_stated=("numerator", "sum"), all_in_denominator=("denominator", "sum"))
        .reset_index()
    )
