"""The board report: one organisation's figures (or the national ones) as print-ready HTML.

One job: compose the report's pages. :func:`organisation_report_html` and
:func:`national_report_html` compose a complete HTML document from the results tables only
(``wres.results.read``); :mod:`wres.book.pdf` lays it out on A4 pages with
``pdf_report.css``. Every registry indicator gets its latest value with its confidence interval,
the pooled value of all organisations, the national published figure, and the funnel
position and trend verdict as the results give them, in words.

An organisation's facts come from the object its site page uses
(:class:`wres.report.organisation_page.OrgProfile`), so the two cannot disagree; the charts
are static SVG from :mod:`wres.report.pdf_charts`, the markup from :mod:`wres.report.pdf_html`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wres import results
from wres.kinds import Kind, kind_of
from wres.registry import Indicator, Registry, load_registry
from wres.report import formats, organisation_page, pdf_html, settings_words
from wres.report.formats import interval, pct_change, position_words, series_value
from wres.report.landing_page import _latest as landing_latest
from wres.report.organisation_page import OrgProfile
from wres.report.pdf_charts import national_chart_svg, organisation_chart_svg
from wres.report.pdf_html import SYNTHETIC_MARK, Stamp, esc
from wres.report.pdf_summary import national_summary_html, organisation_summary_html, transcribed_from
from wres.report.tables import is_missing as _missing
from wres.report.words import slope_words, survey_ids

#: Names the CLI and tests import from here (the markup is :mod:`wres.report.pdf_html`).
#: Longest name shown in headers, headings, captions and charts (characters).
NAME_LIMIT = 80

__all__ = ["ORGANISATION_READS", "SYNTHETIC_MARK", "ReportInputError", "Stamp", "national_report_html"]
__all__ += ["organisation_report_html"]

VERDICT_WORDS = {
    "improving": "improving (statistically significant)",
    "worsening": "worsening (statistically significant)",
    "increasing": "increasing (statistically significant)",
    "decreasing": "decreasing (statistically significant)",
    "no significant change": "no significant change",
    "too few years": "too few years to test",
    "not estimable": "not estimable",
}
#: The report's words for a figure no funnel places.
NOT_COMPARED = "not compared (no estimate, or too few organisations with one)"


class ReportInputError(LookupError):
    """The results cannot make the asked-for report (unknown code, nothing built, no
    organisation tables); the message says which, in one line."""


def _ci(lo: object, hi: object, fmt: Callable[[object], str]) -> str:
    """``95% CI 1.20 to 1.90`` (at the registry's level): the print report names every
    interval it gives."""
    ci = settings_words.ci()
    return interval(lo, hi, fmt, prefix=f"{ci} ", missing=f"{ci} not available")


def year_words(ind: Indicator, year: int) -> str:
    if ind.is_survey:
        return f"{year - ind.survey_lag} staff survey ({ind.words.short_name} {year})"
    return f"{ind.words.short_name} {year}"


# ---------------------------------------------------------------------------------------
# Facts of one indicator
# ---------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator's figures for the report; NaN or "" where the results have none."""

    kind: Kind
    meaning: str
    year: int | None = None
    value: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    peer: float = math.nan
    peer_ci_low: float = math.nan
    peer_ci_high: float = math.nan
    national: float = math.nan
    national_year: int | None = None
    position_95: str = ""
    position_998: str = ""
    in_range: object = pd.NA
    trend: pd.Series | None = None
    note: str = ""

    @property
    def ind(self) -> Indicator:
        return self.kind.ind

    def fmt(self, v: object) -> str:
        return self.kind.fmt(v)


def _national_key(kind: Kind) -> str | None:
    which = kind.national_series()
    return which[0] if which else None


def _national_latest(series: pd.DataFrame, ind: Indicator, key: str | None) -> tuple[float, int | None]:
    if key is None or series.empty:
        return math.nan, None
    s = series[(series["indicator"] == ind.id) & (series["series"] == key) & series["value"].notna()]
    if s.empty:
        return math.nan, None
    last = s.sort_values("report_year").iloc[-1]
    return float(last["value"]), int(last["report_year"])


def organisation_figure(profile: OrgProfile, ind: Indicator, series: pd.DataFrame) -> Figure:
    """The facts one card and one table row show: the organisation's latest figure, its
    peers and its trend as its site page has them, and the national published figure of the
    same measure from ``series`` (``national_series``)."""
    kind = profile.kind(ind)
    fig = Figure(kind, kind.national_label())
    fig.national, fig.national_year = _national_latest(series, ind, _national_key(kind))
    last = profile.latest_row(ind)
    if last is None:
        return fig
    fig.year = int(last["year"])
    fig.value, fig.ci_low, fig.ci_high = (float(last[c]) for c in ("value", "ci_low", "ci_high"))
    fig.position_95, fig.position_998 = str(last["funnel_position_95"]), str(last["funnel_position_998"])
    fig.in_range, fig.note = last.get("in_non_adverse_range", pd.NA), str(last.get("note", "") or "")
    peer = profile.pooled_row(ind, fig.year)
    if peer is not None:
        fig.peer, fig.peer_ci_low, fig.peer_ci_high = (float(peer[c]) for c in ("value", "ci_low", "ci_high"))
    fig.trend = profile.trend_row(ind)
    return fig


# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------


def figure_position_words(fig: Figure) -> str:
    """Where the latest figure lies against all organisations' funnel limits (fixed at 95% and
    99.8% whatever the registry's alpha: control limits, not confidence intervals)."""
    if not fig.position_95:
        return "no figure for this organisation"
    words = position_words(fig.position_95, limit="95% funnel ", peers=True, not_placed=NOT_COMPARED)
    if fig.position_998 in ("above", "below"):
        words += "; outside the 99.8% limits too"
    return words


def range_words(fig: Figure) -> str:
    """Whether the figure lies in its kind's non-adverse range ("" when it has none)."""
    rng = fig.kind.non_adverse
    if not rng or _missing(fig.in_range):
        return ""
    lo, hi = rng
    inside = "inside" if bool(fig.in_range) else "outside"
    return f"{inside} the non-adverse range {lo:.2f}–{hi:.2f}"


def _trend_words(trend: pd.Series | None, size: Callable[[pd.Series], str]) -> str:
    """ "<verdict>: <size>, over <n> years"; the verdict alone when no slope was estimated.
    ``size``: the slope and its interval in words."""
    if trend is None:
        return "no trend tested"
    verdict = VERDICT_WORDS.get(str(trend["verdict"]), str(trend["verdict"]))
    if _missing(trend.get("slope")):
        return verdict
    return f"{verdict}: {size(trend)}, over {int(trend['n_years'])} years"


def _gap_size(trend: pd.Series) -> str:
    q = "" if _missing(trend.get("q_value")) else f", q = {float(trend['q_value']):.2g}"
    ci = interval(trend["slope_ci_low"], trend["slope_ci_high"], pct_change, prefix=f"{settings_words.ci()} ")
    return f"odds ratio {pct_change(trend['slope'])} a year ({ci}){q}"


def _slope_size(trend: pd.Series) -> str:
    # The site's own slope words (units and rounding as on every page).
    return slope_words(trend).rsplit(", over ", 1)[0]


def organisation_trend_words(trend: pd.Series | None) -> str:
    """The trend verdict on the gap between the groups, with its size per year and q-value."""
    return _trend_words(trend, _gap_size)


def national_trend_words(trend: pd.Series | None) -> str:
    """The national trend verdict with its slope and interval in the series' unit."""
    return _trend_words(trend, _slope_size)


def _older(f: Figure) -> str:
    """Said beside a national figure of another year than the organisation's: context only."""
    if f.year and f.national_year and f.national_year != f.year:
        return "; another year: context, not compared"
    return ""


def _organisation_card(f: Figure, svg: str) -> str:
    lines = [("Figure", f"{esc(f.meaning)}")]
    if f.year:
        rng = range_words(f)
        lines += [
            (
                "Latest",
                f"<strong>{f.fmt(f.value)}</strong>, {_ci(f.ci_low, f.ci_high, f.fmt)}; "
                f"{esc(year_words(f.ind, f.year))}" + (f"; {esc(rng)}" if rng else ""),
            ),
            ("All organisations", f"{f.fmt(f.peer)}, {_ci(f.peer_ci_low, f.peer_ci_high, f.fmt)}"),
        ]
    lines.append(
        (
            "National (published)",
            f"{f.fmt(f.national)} ({f.ind.words.short_name} {f.national_year}{_older(f)})"
            if f.national_year
            else "no published figure of this measure",
        )
    )
    lines += [("Against peers", esc(figure_position_words(f))), ("Trend", esc(organisation_trend_words(f.trend)))]
    return pdf_html.card(f"{esc(f.ind.code or f.ind.id)}. {esc(f.ind.title)}", svg, lines)


def _organisation_notes(figs: list[Figure], fits: pd.DataFrame) -> list[str]:
    """The results' notes on the figures shown, each note once with the indicators it is about."""
    about: dict[str, list[str]] = {}
    word = figs[0].ind.words.indicator_word if figs else ""
    for f in figs:
        fit = fits[(fits["indicator"] == f.ind.id) & (fits["year"] == f.year)] if len(fits) and f.year else fits
        texts = [
            f.note,
            f"trend: {f.trend['note']}" if f.trend is not None and str(f.trend.get("note", "") or "") else "",
            f"funnel: {fit['note'].iloc[0]}" if len(fit) and str(fit["note"].iloc[0] or "") else "",
        ]
        for text in filter(None, texts):
            about.setdefault(text, []).append(str(f.ind.code or f.ind.id))
    # The registry's word for an indicator ("Metric 4a(i)"), as on the site.
    return [
        f"{esc(word)}{'s' if len(ids) > 1 else ''} {esc(', '.join(ids))}: {esc(text)}" for text, ids in about.items()
    ]


def organisation_report_html(
    results_dir: str | Path, org_code: str, stamp: Stamp, registry: Registry | None = None
) -> str:
    """The board report of one organisation as a complete HTML document (see module docstring)."""
    results_dir = Path(results_dir)
    registry = registry or load_registry()
    _check_results(results_dir)
    profile = _load_profile(results_dir, str(org_code), registry)
    rows, series = profile.rows, results.read(results_dir, "national_series")
    info = rows.sort_values("year").iloc[-1]
    full_name = str(info["org_name"] or org_code)
    # A name of thousands of characters would push the summary off the first page and fill
    # every running header: headers, headings and charts carry a shortened name, the cover
    # the full one once (wrapped anywhere, however long its words).
    name = formats.shortened(full_name, NAME_LIMIT)
    meta = profile.meta
    n_orgs = profile.n_orgs_total
    figs = [organisation_figure(profile, ind, series) for ind in registry.indicators]
    years = sorted(set(rows["year"].astype(int)))
    std = registry.standard
    facts = (
        f"Organisation code {esc(org_code)} · region {esc(info['region'] or 'not given')} · type "
        f"{esc(info['org_type'] or 'not given')} · {esc(std.short_name)} report years {years[0]}–{years[-1]} · "
        f"compared with {n_orgs} organisations"
    )
    if name != full_name:
        facts += f'</p><p class="facts full-name">Full name: {esc(full_name)}'

    cards = "".join(
        _organisation_card(f, organisation_chart_svg(f.kind, rows, profile.national, series, name)) for f in figs
    )
    notes = _organisation_notes(figs, profile.fits)
    body = (
        pdf_html.running(esc(name), stamp, pdf_html.is_synthetic(results_dir), std.short_name)
        + f'<header class="cover"><p class="kicker">{esc(std.name)} · board report</p><h1>{esc(name)}</h1>'
        f'<p class="facts">{facts}</p></header>'
        + pdf_html.banner(results_dir)
        + f'<section class="summary"><h2>Summary</h2>{organisation_summary_html(profile, name)}</section>'
        + f'<section class="indicators"><h2>Indicator by indicator</h2><p class="legend-note">Points: {esc(name)} '
        f"with {settings_words.ci(registry)} bars; dashed: {results.ALL_ORGANISATIONS.lower()} pooled; dotted: national published "
        "figure of the same measure; green band: the non-adverse range.</p>"
        f"{cards}</section>"
        + '<section class="notes"><h2>Data notes</h2>'
        + ("<ul>" + "".join(f"<li>{n}</li>" for n in notes) + "</ul>" if notes else "<p>No notes.</p>")
        + f"<h2>Method</h2>{pdf_html.method_html(survey_ids(registry), meta.get('min_orgs_for_funnel', '—'), settings_words.confidence(registry))}"
        + "<h2>Sources, date and version</h2>"
        + pdf_html.sources_html(
            results_dir, [(f.ind.id, _national_key(f.kind), f.national_year) for f in figs], meta, profile.sources
        )
        + f"<p>Made on {esc(stamp.made_on)} with wres {esc(stamp.version)} from the results tables in "
        f"{esc(results_dir.name)}/ (latest data year {years[-1]}).</p></section>"
    )
    return pdf_html.document(f"{std.short_name} board report: {name}", body)


def _national_card(
    kind: Kind, summary: pd.Series | None, trend: pd.Series | None, peer: pd.Series | None, svg: str
) -> str:
    ind = kind.ind
    if summary is None:
        return pdf_html.card(f"{esc(ind.code or ind.id)}. {esc(ind.title)}", svg, [("Latest", "no published figure")])
    unit = str(summary["unit"])
    lines = [
        ("Figure", esc(summary["label"])),
        (
            "Latest",
            f"<strong>{series_value(summary['latest_value'], unit)}</strong> ({esc(ind.year_phrase(int(summary['latest_year'])))})",
        ),
        (
            "First",
            f"{series_value(summary['first_value'], unit)} ({ind.words.short_name} {int(summary['first_year'])})",
        ),
        ("Trend", esc(national_trend_words(trend))),
    ]
    if peer is not None:
        lines.append(
            (
                results.ALL_ORGANISATIONS,
                f"{kind.fmt(peer['value'])}, {_ci(peer['ci_low'], peer['ci_high'], kind.fmt)} ({ind.words.short_name} {int(peer['year'])})",
            )
        )
    if trend is not None and str(trend.get("verdict_note", "") or ""):
        lines.append(("Note", esc(trend["verdict_note"])))
    return pdf_html.card(f"{esc(ind.code or ind.id)}. {esc(ind.title)}", svg, lines)


def national_report_html(results_dir: str | Path, stamp: Stamp, registry: Registry | None = None) -> str:
    """The national board report: each indicator's latest published figure, its trend verdict
    with the slope's interval, all organisations pooled (when the build has them), charts."""
    results_dir = Path(results_dir)
    registry = registry or load_registry()
    _check_results(results_dir)
    summary = results.read(results_dir, "national_summary")
    trends = results.read(results_dir, "national_trends")
    series, fits = results.read(results_dir, "national_series"), results.read(results_dir, "national_fits")
    peers = _pooled(results.read(results_dir, "organisation_aggregates"))
    sources = results.read(results_dir, "sources")
    std = registry.standard
    cards = []
    for ind in registry.indicators:
        s = summary[summary["indicator"] == ind.id]
        srow = s.iloc[0] if len(s) else None
        key = srow["series"] if srow is not None else ind.headline_series
        t = trends[(trends["indicator"] == ind.id) & (trends["series"] == key)] if len(trends) else trends
        trow = t.iloc[0] if len(t) else None
        p = peers[(peers["indicator"] == ind.id) & peers["value"].notna()].sort_values("year") if len(peers) else peers
        prow = p.iloc[-1] if len(p) else None
        kind = kind_of(ind, registry)
        cards.append(_national_card(kind, srow, trow, prow, national_chart_svg(kind, series, fits, key)))
    synthetic = pdf_html.is_synthetic(results_dir)
    latest = int(summary["latest_year"].max())
    body = (
        pdf_html.running(f"{esc(std.short_name)}: national figures", stamp, synthetic, std.short_name)
        + f'<header class="cover"><p class="kicker">{esc(std.name)} · board report</p><h1>National figures</h1>'
        f'<p class="facts">{transcribed_from(sources, series, std.publisher)}; latest {esc(registry.site.year_words)} {latest}</p>'
        "</header>"
        + pdf_html.banner(results_dir)
        + '<section class="summary"><h2>Summary</h2>'
        + national_summary_html(registry, summary, series, trends, sources, landing_latest)
        + "</section>"
        + '<section class="indicators"><h2>Indicator by indicator</h2><p class="legend-note">Lines: published '
        "national series; grey band and dashed line: the headline series' fitted trend and its "
        f"{settings_words.confidence(registry)} band (when tested); green band: the non-adverse range.</p>"
        f"{''.join(cards)}</section>"
        + '<section class="notes"><h2>Method</h2><p>Trends are tested on the published yearly figures (regression '
        f"on the transformed scale with a Mann–Kendall check, {settings_words.adjustment(registry)} across series); "
        "figures flagged "
        f"as not comparable are shown but not tested; at least {registry.trend_tests.min_years} years are needed "
        "for a test. A trend that is not significant is not evidence of no change.</p>"
        "<h2>Sources, date and version</h2>"
        + pdf_html.sources_html(
            results_dir,
            [
                (
                    i.id,
                    str(summary[summary["indicator"] == i.id]["series"].iloc[0]),
                    int(summary[summary["indicator"] == i.id]["latest_year"].iloc[0]),
                )
                for i in registry.indicators
                if (summary["indicator"] == i.id).any()
            ],
            results.read_meta(results_dir),
            sources,
        )
        + f"<p>Made on {esc(stamp.made_on)} with wres {esc(stamp.version)} from the results tables in "
        f"{esc(results_dir.name)}/.</p></section>"
    )
    return pdf_html.document(f"{std.short_name} board report: national figures", body)


#: The results an organisation's report reads (catalogue keys): its site page's, and the
#: national figures it adds.
ORGANISATION_READS: tuple[str, ...] = (
    *(k for k in organisation_page.READS if k != results.ORGANISATION_META_KEY),
    "national_series",
    "national_summary",
)


def _check_results(results_dir: Path) -> None:
    if results.read(results_dir, "national_summary").empty:
        raise ReportInputError(f"no results in {results_dir}: build them first (`wres build`, or `wres demo`)")


def _pooled(aggregates: pd.DataFrame) -> pd.DataFrame:
    """All organisations pooled: the national level of ``organisation_aggregates``."""
    return aggregates[aggregates["level"] == "national"] if len(aggregates) else aggregates


def _load_profile(results_dir: Path, org_code: str, registry: Registry) -> OrgProfile:
    ti = results.read(results_dir, "organisation_indicators")
    if ti.empty:
        raise ReportInputError(
            f"no organisation data in {results_dir}: this build has national figures only "
            "(add organisation files to data/raw/trusts/, or use --demo)"
        )
    if not (ti["org_code"] == org_code).any():
        raise ReportInputError(
            f"no organisation with code {org_code!r} in {results_dir} "
            f"({ti['org_code'].nunique()} organisations, e.g. {ti['org_code'].min()})"
        )
    return OrgProfile.load(org_code, results_dir, registry)
