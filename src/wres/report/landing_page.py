"""The landing page's findings: one line per indicator in words (what it measures, the
latest national figure and its year, and the trend verdict), written for the first screen.

Read from ``national_summary`` (one row per indicator's headline series); the hand-written
landing page includes the Markdown this returns (``book/generated/findings.txt``, written by
the book's Sphinx extension before the pages are read).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import Registry, load_registry
from wres.report.html import md_escape
from wres.report.words import VERDICT_ICON, fmt_value

READS: tuple[str, ...] = ("national_summary",)
#: A latest figure this many report years older than the newest in the book is called out.
STALE_AFTER_YEARS = 2


def _latest(ind, row: pd.Series) -> str:
    """The figure and its year in the indicator's year language (``1.59 in the WRES report
    2023``); what the figure is, the indicator's chapter says."""
    unit = str(row["unit"])
    value = float(row["latest_value"])
    shown = (
        f"{value:+.1f} percentage points"
        if unit == "percentage points"
        else fmt_value(value, unit) + ("%" if unit == "percent" else "")
    )
    return f"{shown} in the {ind.year_phrase(int(row['latest_year']))}"


def findings_markdown(results_dir: str | Path, registry: Registry | None = None) -> str:
    """A Markdown table, one row per registry indicator in registry order: the indicator, its
    trend verdict in words, and its latest national figure with its year (and its age, when
    it is older than the rest). A table rather than a list: one line a row keeps every
    verdict on the first screen."""
    registry = registry or load_registry()
    summary = results.read(results_dir, "national_summary")
    by_id = {int(r["indicator"]): r for _, r in summary.iterrows()} if len(summary) else {}
    known = summary["latest_year"].dropna() if len(summary) else pd.Series(dtype=float)
    newest = int(known.max()) if len(known) else None
    rows = ["| Indicator | Trend | Latest national figure |", "|---|---|---|"]
    for ind in registry.indicators:
        row = by_id.get(ind.id)
        title = f"**{md_escape(ind.title)}**"
        if row is None or pd.isna(row["latest_year"]):
            rows.append(f"| {title} | no published national figure yet | |")
            continue
        year = int(row["latest_year"])
        verdict = VERDICT_ICON.get(str(row["verdict"]), str(row["verdict"]))
        stale = ""
        if newest is not None and newest - year >= STALE_AFTER_YEARS:
            stale = f" ({newest - year} years old)"
        rows.append(f"| {title} | {md_escape(verdict)} | {md_escape(_latest(ind, row))}{stale} |")
    return "\n".join(rows) + "\n"
