"""The board report's first page: what is worst and what is improving, then one row per
indicator by name, adverse first, with where it stands, against England, against other
organisations, then the trend, in the same words as the site's pages.

One job: that page's summary for an organisation and for England. The facts are those of
the site (:mod:`wres.report.org_standing`, :mod:`wres.report.standing`), so the two cannot
disagree; text from data is escaped here.
"""

from __future__ import annotations

import re

import pandas as pd

from wres.registry import Registry
from wres.report import pdf_html
from wres.report.landing_page import figure_flags
from wres.report.org_standing import england_note, profile_standings, worst_and_improving_org
from wres.report.pdf_html import esc
from wres.report.standing import national_standings, worst_and_improving
from wres.report.words import slope_words


def _bold(markdown: str) -> str:
    """Escaped text with Markdown's ``**bold**`` as ``<strong>``."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", esc(markdown))


def organisation_summary_html(profile, name: str) -> str:
    """Two sentences and the level / against England / against peers / trend table."""
    standings = profile_standings(profile)
    # Small type for the words of each cell: nine rows must fit the first page with the
    # two opening sentences.
    rows = [
        [
            f"<strong>{esc(s.ind.title)}</strong>",
            f"<small>{esc(s.value)}</small>",
            f"<small>{esc(s.level.phrase())}</small>",
            f"<small>{esc(s.england)}</small>",
            f"<small>{esc(s.peers)}</small>",
            f"<small>{esc(s.trend)}</small>",
        ]
        for s in standings
    ]
    table = pdf_html.table(
        ["Indicator", "Latest figure", "Level", "Against England", "Against peers", "Trend"],
        rows,
        f"{esc(name)}: each indicator, adverse first",
    )
    note = england_note(standings, getattr(profile, "sources", None))
    note_html = f'<p class="note"><small>{esc(note)}</small></p>' if note else ""
    return f"<p>{_bold(worst_and_improving_org(standings, profile.registry))}</p>{table}{note_html}"


def national_summary_html(
    registry: Registry,
    summary: pd.DataFrame,
    series: pd.DataFrame,
    trends: pd.DataFrame,
    sources: pd.DataFrame,
    latest_words,
) -> str:
    """England's first page: two sentences, then level and trend per indicator by name.
    ``latest_words(ind, row)``: the latest figure in words, as the landing page writes it."""
    standings = national_standings(registry, summary, series)
    by_id = {int(r["indicator"]): r for _, r in summary.iterrows()} if len(summary) else {}
    rows = []
    for st in standings:
        r = by_id.get(st.ind.id)
        t = trends[(trends["indicator"] == st.ind.id) & (trends["series"] == st.ind.headline_series)]
        latest = "no figure in the data"
        if r is not None and pd.notna(r["latest_year"]):
            flags = figure_flags(series, sources, st.ind, r, registry)
            latest = esc(latest_words(st.ind, r)) + (f"<br><small>{esc(flags)}</small>" if flags else "")
        trend = esc(st.trend_phrase())
        if len(t) and pd.notna(t["slope"].iloc[0]):
            trend += f"<br><small>{esc(slope_words(t.iloc[0]))}</small>"
        rows.append([f"<strong>{esc(st.ind.title)}</strong>", latest, esc(st.level_phrase()), trend])
    table = pdf_html.table(
        ["Indicator", "Latest national figure", "Level", "Trend"],
        rows,
        "Each indicator, adverse first: where it stands, then whether the trend is real",
    )
    return f"<p>{_bold(worst_and_improving(standings, registry))}</p>{table}"


def transcribed_from(sources: pd.DataFrame, series: pd.DataFrame, publisher: str) -> str:
    """The report header's provenance: "figures published by NHS England, as transcribed from
    28 web pages: 3 official, 24 secondary, 1 mirror copy on an unrelated site"."""
    cited = set()
    for s in series["source"].dropna().astype(str):
        cited.update(x.strip() for x in s.split(" ; "))
    used = sources[sources["source"].isin(cited)] if len(sources) else sources
    if used.empty:
        return f"Figures published by {esc(publisher)}"
    counts = used["standing"].value_counts()
    words = {
        "official": "official",
        "secondary": "secondary (news, NHS and professional bodies, blogs)",
        "mirror": "mirror copy on an unrelated site",
    }
    parts = [f"{int(counts[k])} {words[k]}" for k in ("official", "secondary", "mirror") if k in counts.index]
    return (
        f"Figures published by {esc(publisher)}, as transcribed from {len(used)} web pages: "
        + esc(", ".join(parts))
        + " (listed under Sources)"
    )
