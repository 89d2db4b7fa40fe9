"""The board report's HTML building blocks: escaping, the running header and footer, the
synthetic-data banner, cards and tables.

One job: the markup every board report (and the list of sources it cites) (an organisation's, the national one) is made of;
:mod:`wres.book.pdf` lays it out on A4 pages with ``pdf_report.css``. Text from data is
escaped here (:func:`esc`) before it reaches the HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import load_registry
from wres.report.source_words import STANDING_WORDS, standing_of
from wres.report.tables import is_missing

#: Shown in the running header of every page when ``trust_meta.json`` says ``synthetic``.
SYNTHETIC_MARK = "Synthetic demonstration data"


def esc(value: object) -> str:
    """Text from data, escaped for HTML; missing values become an empty string."""
    if is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Stamp:
    """What every page's footer says: when the report was made and by which version."""

    made_on: str
    version: str


def is_synthetic(results_dir: Path) -> bool:
    return results.read_meta(results_dir).get("synthetic") is True


def running(title_html: str, stamp: Stamp, synthetic: bool, standard: str) -> str:
    """Running header and footer elements (CSS ``position: running()`` repeats them)."""
    mark = f'<span class="run-synthetic">{SYNTHETIC_MARK}</span>' if synthetic else ""
    return (
        f'<div class="run-head"><span class="run-title">{title_html}</span>{mark}</div>'
        f'<div class="run-foot">{esc(standard)} board report · made {esc(stamp.made_on)} · '
        f"wres {esc(stamp.version)}</div>"
    )


def banner(results_dir: Path) -> str:
    meta = results.read_meta(results_dir)
    if meta.get("synthetic") is not True:
        return ""
    return (
        f'<div class="synthetic-banner"><strong>{SYNTHETIC_MARK}.</strong> '
        f"{esc(meta.get('note') or 'The organisations and their figures are fictitious.')} "
        "Nothing in this report may be quoted as a finding about a real organisation.</div>"
    )


def document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head><body>{body}</body></html>\n"
    )


def card(heading: str, svg: str, lines: list[tuple[str, str]]) -> str:
    """One indicator: heading, chart, then label–text lines (text already escaped)."""
    chart = f'<div class="chart">{svg}</div>' if svg else '<p class="no-chart">No figures to draw.</p>'
    trs = "".join(f'<tr><th scope="row">{label}</th><td>{text}</td></tr>' for label, text in lines)
    return f'<div class="card"><h3>{heading}</h3>{chart}<table class="facts-table">{trs}</table></div>'


def table(head: list[str], rows: list[list[str]], caption: str) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><caption>{caption}</caption><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def _line_of(row: pd.Series) -> str:
    """Input file and line of a national figure; a derived one names two lines (text)."""
    line = row.get("source_line", "")
    line = "" if is_missing(line) else str(int(line)) if isinstance(line, float) else str(line)
    prefix = "" if line.startswith("line") else "line "
    return esc(f"{row.get('source_file', '')} {prefix}{line}".strip())


def sources_html(
    results_dir: Path, ids_years: list[tuple[int, str, int | None]], meta: dict, sources: pd.DataFrame | None = None
) -> str:
    """The sources of the national figures shown, each with its standing (official, secondary
    source, or a mirror copy on an unrelated site), and of the organisation files."""
    series = results.read(results_dir, "national_series")
    items = []
    for ind_id, key, year in ids_years:
        if key is None or year is None or series.empty:
            continue
        s = series[(series["indicator"] == ind_id) & (series["series"] == key) & (series["report_year"] == year)]
        if len(s):
            r = s.iloc[0]
            urls = list(dict.fromkeys(str(r["source"]).split(" ; ")))
            shown = " ; ".join(f"{u} ({STANDING_WORDS[standing_of(sources, u)]})" for u in urls)
            items.append(f"<li>{ind_id}: {_line_of(r)} — {esc(shown)}</li>")
    if meta:
        items.append(
            f"<li>Organisation figures: {esc(meta.get('source', 'organisation files'))}"
            + (f" ({esc('–'.join(str(y) for y in meta.get('years', [])))})" if meta.get("years") else "")
            + "</li>"
        )
    return f'<ul class="sources">{"".join(dict.fromkeys(items))}</ul>'


def method_html(survey: str, min_orgs: object, confidence: str) -> str:
    """The report's method paragraph: intervals, pooled and published figures, funnel limits,
    trends, years (``survey``: the staff-survey indicators' ids in words; ``confidence``: the
    registry's confidence level in words, :func:`wres.report.settings_words.confidence`)."""
    # The funnel limits stay "95% and 99.8%" whatever the registry's alpha: they are fixed
    # control limits (wres.stats.funnels, columns lower95/upper998), not confidence intervals.
    return (
        f"<p><strong>Intervals.</strong> Every figure's {esc(confidence)} confidence interval comes with the "
        "results tables. "
        "<strong>All organisations</strong> is the pooled figure of every organisation in the data in the same year; "
        "<strong>national (published)</strong> is the figure NHS England published for the same measure. "
        "<strong>Funnel limits</strong> (95% and 99.8%) show where an organisation of its size would fall by chance "
        f"alone, widened when organisations differ more than chance explains; they need at least {esc(min_orgs)} "
        "organisations with an estimate. <strong>Trends</strong> test whether the gap between the groups changed "
        "(quasi-binomial model of the yearly counts, change in the odds ratio a year); q corrects for testing every "
        "organisation (Benjamini–Hochberg). A trend that is not significant is not evidence of no change. "
        f"<strong>Years:</strong> the staff-survey indicators ({survey}) come from the NHS Staff Survey of the year "
        f"before the {esc(load_registry().site.report_name)}.</p>"
    )
