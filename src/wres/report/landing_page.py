"""The landing page's findings: one line per indicator in words (what it measures, the
latest national figure and its year, and the trend verdict), written for the first screen.

Read from ``national_summary`` (one row per indicator's headline series); the hand-written
landing page includes the Markdown this returns (``book/generated/findings.md``, written by
the book's Sphinx extension before the pages are read).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import Registry, load_registry
from wres.report.html import md_escape
from wres.report.words import VERDICT_ICON, latest_sentence

READS: tuple[str, ...] = ("national_summary",)
#: A latest figure this many report years older than the newest in the book is called out.
STALE_AFTER_YEARS = 2


def findings_markdown(results_dir: str | Path, registry: Registry | None = None) -> str:
    """A Markdown list, one item per registry indicator, in registry order."""
    registry = registry or load_registry()
    summary = results.read(results_dir, "national_summary")
    by_id = {int(r["indicator"]): r for _, r in summary.iterrows()} if len(summary) else {}
    newest = int(summary["latest_year"].dropna().max()) if len(summary) and summary["latest_year"].notna().any() else None
    lines = []
    for ind in registry.indicators:
        row = by_id.get(ind.id)
        title = f"**{md_escape(ind.title)}**"
        if row is None or pd.isna(row["latest_year"]):
            lines.append(f"- {title}: no published national figure yet.")
            continue
        year = int(row["latest_year"])
        verdict = VERDICT_ICON.get(str(row["verdict"]), str(row["verdict"]))
        stale = ""
        if newest is not None and newest - year >= STALE_AFTER_YEARS:
            stale = f" No national figure has been published since then ({newest - year} years older than the newest in this book)."
        lines.append(f"- {title}: {md_escape(latest_sentence(ind, row))}. Trend: {md_escape(verdict)}.{stale}")
    return "\n".join(lines) + "\n"
