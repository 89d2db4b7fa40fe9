"""The landing page's findings, written for the first screen: what is worst and what is
improving, then one line per indicator, adverse first: where it stands, its latest national
figure and its year (with its source's standing when that is a mirror), then the trend verdict.

Read from ``national_summary`` (one row per indicator's headline series), ``national_series``
(every year, for how long a level has held and each figure's source) and ``sources``; the hand-written
landing page includes the Markdown this returns (``book/generated/findings.txt``, written by
the book's Sphinx extension before the pages are read).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import Registry, load_registry
from wres.report.source_words import mirror_warning
from wres.report.standing import national_standings, worst_and_improving
from wres.report.tables import Column, html_table
from wres.report.words import VERDICT_ICON, fmt_value, quality_flag_words

READS: tuple[str, ...] = ("national_summary", "national_series", "sources")
#: A latest figure this many report years older than the newest in the book is called out.
STALE_AFTER_YEARS = 2


def _latest(ind, row: pd.Series) -> str:
    """The figure and its year in the indicator's year language (``1.59 in the WRES report
    2023``); what the figure is, the indicator's chapter says. A gap is signed as every page
    signs it (the first figure minus the second) and said in words."""
    unit = str(row["unit"])
    value = float(row["latest_value"])
    senior, workforce = row.get("senior_value"), row.get("workforce_value")
    if unit == "percentage points" and ind.comparison is not None and pd.notna(senior) and pd.notna(workforce):
        # A gap never stands alone: the two shares it is made of, then the gap with its sign.
        shown = (
            f"{float(senior):.1f}% of {ind.comparison.senior_label} against {float(workforce):.1f}% of the "
            f"whole workforce (gap {value:+.1f} percentage points)"
        )
    elif unit == "percentage points":
        shown = f"{value:+.1f} percentage points"
    else:
        shown = fmt_value(value, unit) + ("%" if unit == "percent" else "")
    return f"{shown} in the {ind.year_phrase(int(row['latest_year']))}"


def latest_source(series: pd.DataFrame, ind, row: pd.Series) -> pd.Series | None:
    """The ``national_series`` row of an indicator's latest headline figure (its source and
    quality flag), or None."""
    if series.empty or "indicator" not in series.columns:
        return None
    s = series[
        (series["indicator"] == ind.id)
        & (series["series"] == row["series"])
        & (series["report_year"] == row["latest_year"])
    ]
    return s.iloc[0] if len(s) else None


def figure_flags(series: pd.DataFrame, sources: pd.DataFrame, ind, row: pd.Series, registry: Registry) -> str:
    """What a reader must know about a headline figure's origin, in words ("" when it is
    an official figure as published): a mirror source, a provisional or illustrative flag."""
    src = latest_source(series, ind, row)
    if src is None:
        # A derived headline (a gap): its parts' sources are in the chapter's table.
        return ""
    flags = [f for f in quality_flag_words(src.get("quality"), registry)]
    mirror = mirror_warning(sources, src.get("source"), src.get("source_outlet"))
    if mirror:
        flags.append(mirror)
    return "; ".join(flags)


def findings_markdown(results_dir: str | Path, registry: Registry | None = None) -> str:
    """Two sentences (what is worst, what is improving), then a table, one row per
    registry indicator, adverse first: the indicator, where it stands (against parity or the
    non-adverse range, and for how long), its latest national figure with its year (and its
    age, when older than the rest), then the trend verdict. A table rather than a list: one
    line a row keeps every verdict on the first screen."""
    registry = registry or load_registry()
    summary = results.read(results_dir, "national_summary")
    series = results.read(results_dir, "national_series")
    sources = results.read(results_dir, "sources")
    by_id = {int(r["indicator"]): r for _, r in summary.iterrows()} if len(summary) else {}
    known = summary["latest_year"].dropna() if len(summary) else pd.Series(dtype=float)
    newest = int(known.max()) if len(known) else None
    standings = national_standings(registry, summary, series)
    rows = []
    for st in standings:
        ind = st.ind
        row = by_id.get(ind.id)
        if row is None or pd.isna(row["latest_year"]):
            rows.append({"title": ind.title, "stands": st.level_phrase(), "figure": "no national figure in the data"})
            continue
        year = int(row["latest_year"])
        stale = ""
        if newest is not None and newest - year >= STALE_AFTER_YEARS:
            stale = f" ({newest - year} years old)"
        flags = figure_flags(series, sources, ind, row, registry)
        rows.append(
            {
                "title": ind.title,
                "stands": st.level_phrase(),
                "figure": _latest(ind, row) + stale + (f" ({flags})" if flags else ""),
                "trend": VERDICT_ICON.get(str(row["verdict"]), str(row["verdict"])),
            }
        )
    # The book's own table (tables.html_table), not a Markdown one: on a phone each row becomes
    # a card (tables.CARD_TABLES), so the trend never starts off the screen, and its cells are
    # escaped there (text from data is text).
    table = html_table(
        pd.DataFrame(rows, columns=["title", "stands", "figure", "trend"]),
        [
            Column("title", registry.site.indicator_word, wrap="strong"),
            Column("stands", "Where it stands"),
            Column("figure", "Latest national figure"),
            Column("trend", "Trend", missing=""),
        ],
        caption="Each indicator, adverse first: where it stands, its latest national figure, then its trend",
        css="wres-findings",
        row_header=True,
    )
    return f"{worst_and_improving(standings, registry)}\n\n{table}\n"
