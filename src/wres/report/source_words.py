"""How a figure's source is named to a reader: official first, secondary labelled as such,
and a copy on an unrelated site flagged "mirror" wherever a figure from it appears.

One job: those words, for the site, the CSV downloads and the print report alike. Read from
the ``sources`` results table (``standing`` and ``kind_rank`` are the analysis' reading of the
kinds ``wres_sources.csv`` may name); text from data is returned as plain text, and each
caller escapes it for its medium.
"""

from __future__ import annotations

import re

import pandas as pd

from wres.registry import load_registry

#: What each ``standing`` of a source is called beside its figures.
STANDING_WORDS = {
    "official": "official",
    "secondary": "secondary source",
    "mirror": "mirror: a copy on an unrelated site",
}
#: The short flag a table cell or a chart's tooltip carries (no flag for an official source).
STANDING_FLAG = {"official": "", "secondary": "secondary", "mirror": "mirror"}


def standing_of(sources: pd.DataFrame | None, source: object) -> str:
    """``official``, ``secondary`` or ``mirror`` for a cited page; ``secondary`` when the
    sources table does not know it (never claim more than the data say)."""
    if sources is None or sources.empty or "standing" not in sources.columns:
        return "secondary"
    hit = sources.loc[sources["source"] == source, "standing"]
    return str(hit.iloc[0]) if len(hit) else "secondary"


def source_note(sources: pd.DataFrame | None, source: object, outlet: object) -> str:
    """``hsj.co.uk (secondary source)``; ``granhotelsantacruz.com (mirror: a copy on an
    unrelated site)``; ``england.nhs.uk (official)``."""
    return f"{outlet} ({STANDING_WORDS[standing_of(sources, source)]})"


def mirror_warning(sources: pd.DataFrame | None, source: object, outlet: object) -> str:
    """A short sentence for a headline figure taken from a mirror ("" otherwise)."""
    if standing_of(sources, source) != "mirror":
        return ""
    return f"source: a mirror copy on an unrelated site ({outlet}), not the original publication"


def report_for_year(sources: pd.DataFrame | None, year: int) -> str | None:
    """The official publication the book cites for ``year``'s figures (its description, e.g.
    "WRES 2024 data analysis report for NHS trusts (long read)"), or None: where a year's
    national figure is missing but its report is cited, the figure is *not yet transcribed*,
    not unpublished."""
    if sources is None or sources.empty or "standing" not in sources.columns:
        return None
    official = sources[sources["standing"] == "official"]
    for r in official.sort_values(["kind_rank", "source"]).itertuples():
        years = {y.strip() for y in str(r.figures_for_report_years).split(";")}
        if str(year) in years and "report" in str(r.description).lower():
            # "(long read)" and the like describe the page, not the report.
            name = re.sub(r" \([^)]*\)$", "", str(r.description))
            return f"{r.publisher}'s {name}"
    return None


#: The short marker a row carries where England's figure of its year is missing but the book
#: cites the report it is published in; :func:`transcription_note` names the report once.
NOT_TRANSCRIBED = "England's figure not yet transcribed (see note)"


def missing_national_words(sources: pd.DataFrame | None, year: int, year_phrase: str) -> str:
    """Why England has no figure for ``year`` in the data (said where England's figure would
    be), short because it repeats row after row: :data:`NOT_TRANSCRIBED` where the book cites
    that year's report (:func:`transcription_note` says which, once), else "no national figure
    in the data for the <year phrase>"."""
    if report_for_year(sources, year):
        return NOT_TRANSCRIBED
    return f"no national figure in the data for the {year_phrase}"


def transcription_note(sources: pd.DataFrame | None, years) -> str:
    """The one note behind :data:`NOT_TRANSCRIBED` rows: for each report year in ``years``
    whose report the book cites, that England's figures are in it but not yet in the data
    ("" when there is none)."""
    cited = {int(y): report_for_year(sources, int(y)) for y in set(years)}
    parts = [
        f"England's figures for the {load_registry().site.report_name} {y} are published in {r}, which the book cites, "
        "but are not yet "
        "in its data"
        for y, r in sorted(cited.items())
        if r
    ]
    if not parts:
        return ""
    return f"Not yet transcribed: {'; '.join(parts)}. The rows that say so are not compared with England."
