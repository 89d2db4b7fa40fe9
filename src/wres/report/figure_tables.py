"""The tables of a chapter's published figures: the series' figures with their quality
flags, sources (official, secondary, or a mirror copy on an unrelated site) and the input's
note, and the context figures no series uses. Text from data is escaped by the table writer.
"""

from __future__ import annotations

import pandas as pd

from wres.registry import Indicator, Registry, load_registry
from wres.report import words as headline
from wres.report.source_words import STANDING_WORDS, standing_of
from wres.report.tables import DASH, Column, html_table, is_missing

#: The input's unit codes (``wres.inputs.validate.UNITS``) as a reader says them.
UNIT_WORDS = {
    "percent": "% of staff",
    "percent_of_trusts": "% of trusts",
    "ratio": "ratio",
    "headcount": "people",
    "trusts": "trusts",
}


def unit_words(unit: object) -> str:
    return UNIT_WORDS.get(str(unit), str(unit).replace("_", " "))


def _quality(q: object) -> str:
    return headline.quality_words(q)


def _line(source_line: object) -> str:
    """``19`` -> ``"line 19"``; a derived figure's own text (``"lines 110 and 2"``) as it is."""
    text = str(source_line)
    return f"line {text}" if text.isdigit() else text


def with_sources(df: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Each figure's sources by publisher (with the kind of source underneath), from the
    sources table; a page missing from it is named by its site."""
    by_url = sources.set_index("source") if len(sources) else pd.DataFrame(columns=["publisher", "kind"])
    df = df.copy()
    df["urls"] = [[u.strip() for u in str(u).split(" ; ")] for u in df["source"]]
    outlets = [[o.strip() for o in str(o).split(" ; ")] for o in df["source_outlet"]]
    df["outlets"] = [
        [by_url.at[u, "publisher"] if u in by_url.index else o for u, o in zip(us, os_, strict=False)]
        for us, os_ in zip(df["urls"], outlets, strict=True)
    ]
    df["kinds"] = [
        "; ".join(
            dict.fromkeys(
                f"{by_url.at[u, 'kind']} ({STANDING_WORDS[standing_of(sources, u)]})" for u in us if u in by_url.index
            )
        )
        for us in df["urls"]
    ]
    df["source_standing"] = [
        "; ".join(dict.fromkeys(STANDING_WORDS[standing_of(sources, u)] for u in us)) for us in df["urls"]
    ]
    return df


def figures_table_html(df: pd.DataFrame, ind: Indicator, sources: pd.DataFrame | None = None) -> str:
    """The figures behind a chapter, with quality flags and sources, as an HTML table."""
    show = with_sources(df.sort_values(["series", "report_year"]), sources if sources is not None else pd.DataFrame())
    show["year"] = [ind.year_phrase(int(y)) for y in show["report_year"]]
    show["shown_value"] = [
        headline.fmt_value(float(v), str(u)) for v, u in zip(show["value"], show["unit"], strict=True)
    ]
    show["used"] = show["testable"].map(lambda t: "yes" if t else "no (excluded)")
    show["row"] = show["source_line"].map(_line)
    files = ", ".join(dict.fromkeys(show["source_file"].astype(str)))
    return html_table(
        show,
        [
            Column("label", "Series"),
            Column("year", "Year"),
            Column("shown_value", "Value", css="text-right"),
            Column("quality", "Quality", fmt=_quality),
            Column("used", "Used in trend test"),
            Column("outlets", "Source", link="urls", note="kinds"),
            Column("row", "Input row"),
            Column("note", "Note in the input", missing=""),
        ],
        caption=f"Published national figures behind {ind.name.lower()}, with quality flags, sources (official, "
        "secondary, or a mirror copy on an unrelated site) and the input's note "
        f"(input rows are lines of {files})",
        css="wres-figures",
    )


def context_table_html(
    df: pd.DataFrame, ind: Indicator, sources: pd.DataFrame | None = None, registry: Registry | None = None
) -> str:
    show = df.sort_values(["measure", "report_year"]).copy()
    std = (registry or load_registry()).standard
    if len(show):
        show = with_sources(show, sources if sources is not None else pd.DataFrame())
        show["row"] = show["source_line"].map(_line)
        show["group_words"] = show["group"].map(std.label)
        show["year"] = show["report_year"].map(lambda y: DASH if is_missing(y) else ind.year_phrase(int(y)))
    return html_table(
        show,
        [
            Column("measure", "Figure"),
            Column("group_words", "Group"),
            Column("year", "Year"),
            Column("value", "Value", fmt="{:,.4g}", css="text-right"),
            Column("unit", "Unit", fmt=unit_words),
            Column("quality", "Quality", fmt=_quality),
            Column("outlets", "Source", link="urls", note="kinds"),
            Column("row", "Input row"),
        ],
        caption=f"Other national figures published for {ind.name.lower()} (context only, not tested)",
        css="wres-context",
        empty="<p>No other national figures for this indicator are in the data.</p>",
    )
