"""The board report: one organisation's figures (or the national ones) as print-ready HTML.

:func:`organisation_report_html` and :func:`national_report_html` compose a complete HTML
document from the results tables only (``wres.results.read``); :mod:`wres.book.pdf` lays it
out on A4 pages with ``pdf_report.css``. Every registry indicator gets its latest value with
its 95% interval, the pooled value of all organisations, the national published figure, and
the funnel position and trend verdict as the results give them, in words; its trend chart is
drawn as SVG by vl-convert (vector graphics, no browser, no network).

The charts are built here rather than taken from :mod:`wres.report.organisation_charts`:
a page in print has no tooltips, needs half the width, and must show the national published
line as well. Text from data (organisation names, regions, notes, sources) is escaped before
it reaches the HTML; inside charts it is data, which Vega draws as text and vl-convert
writes as escaped SVG text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from wres import results
from wres.registry import Indicator, Registry, load_registry

#: Shown in the running header of every page when ``trust_meta.json`` says ``synthetic``.
SYNTHETIC_MARK = "Synthetic demonstration data"
#: Okabe–Ito: this organisation, all organisations pooled, national published.
ORG_COLOUR, PEER_COLOUR, NATIONAL_COLOUR = "#0072B2", "#555555", "#D55E00"
#: Plot area of one chart in CSS pixels; the card scales the SVG to half the A4 text width.
CHART_WIDTH, CHART_HEIGHT = 270, 105
#: Labelled values of a log (ratio) axis.
LOG_TICKS = (0.2, 0.3, 0.5, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0)
LOG_TICKS_WIDE = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
FONT = "DejaVu Sans"  # the font WeasyPrint draws with, so vl-convert measures labels the same

VERDICT_WORDS = {
    "improving": "improving (statistically significant)",
    "worsening": "worsening (statistically significant)",
    "increasing": "increasing (statistically significant)",
    "decreasing": "decreasing (statistically significant)",
    "no significant change": "no significant change",
    "too few years": "too few years to test",
    "not estimable": "not estimable",
}
POSITION_WORDS = {
    "inside": "within the 95% funnel limits",
    "above": "higher than peers: above the upper 95% funnel limit",
    "below": "lower than peers: below the lower 95% funnel limit",
    "not estimable": "not compared (no estimate, or too few organisations with one)",
}


class ReportInputError(LookupError):
    """The results cannot make the asked-for report (unknown code, nothing built, no
    organisation tables); the message says which, in one line."""


def esc(value: object) -> str:
    """Text from data, escaped for HTML; missing values become an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True)


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def fmt(v: object, unit: str) -> str:
    """A value as a reader sees it: ``29.5%`` for percents, ``1.23`` for ratios."""
    if _missing(v):
        return "—"
    return f"{float(v):.1f}%" if unit == "percent" else f"{float(v):.2f}"


def fmt_ci(lo: object, hi: object, unit: str) -> str:
    if _missing(lo) or _missing(hi):
        return "95% CI not available"
    return f"95% CI {fmt(lo, unit)} to {fmt(hi, unit)}"


def pct_per_year(log_odds_ratio: float) -> str:
    """A log odds-ratio slope as the % change in the odds ratio a year (100·(e^slope − 1));
    near-separation gives absurd intervals, shown as beyond ±1000%."""
    if _missing(log_odds_ratio):
        return "—"
    if log_odds_ratio > math.log(11):
        return "> +1000%"
    return f"{100 * math.expm1(log_odds_ratio):+.1f}%"


# ---------------------------------------------------------------------------------------
# Which figure is which
# ---------------------------------------------------------------------------------------


def organisation_unit(ind: Indicator) -> str:
    """The unit of an organisation's ``value`` (results contract: percent or ratio)."""
    return "percent" if ind.trust.kind == "percentage" else "ratio"


def national_series_key(ind: Indicator, registry: Registry) -> str | None:
    """The national series that measures what an organisation's ``value`` measures: the
    relative likelihood itself, the first group's percent, or the representation ratio."""
    kind = ind.trust.kind
    if kind == "relative_likelihood":
        return ind.series[0].key
    if kind == "percentage":
        g1, _ = ind.organisation_groups(registry.standard)
        return next((s.key for s in ind.series if s.group == g1), None)
    return next((d.key for d in ind.derived if d.op == "ratio"), None)


def value_meaning(ind: Indicator, registry: Registry) -> str:
    """What the organisation's figure is, in the registry's words."""
    key = national_series_key(ind, registry)
    if key is None:
        return ind.title
    label = ind.series_by_key(key).label
    return f"% of {label}" if organisation_unit(ind) == "percent" else label


def year_words(ind: Indicator, year: int) -> str:
    if ind.is_survey:
        return f"{year - ind.survey_lag} staff survey (WRES {year})"
    return f"WRES {year}"


# ---------------------------------------------------------------------------------------
# Facts of one indicator
# ---------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator's figures for the report; NaN or "" where the results have none."""

    ind: Indicator
    unit: str
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


def _latest_row(rows: pd.DataFrame) -> pd.Series | None:
    if rows.empty:
        return None
    rows = rows.sort_values("year")
    has = rows[rows["value"].notna()]
    return (has if len(has) else rows).iloc[-1]


def _national_latest(series: pd.DataFrame, ind: Indicator, key: str | None) -> tuple[float, int | None]:
    if key is None or series.empty:
        return math.nan, None
    s = series[(series["indicator"] == ind.id) & (series["series"] == key) & series["value"].notna()]
    if s.empty:
        return math.nan, None
    last = s.sort_values("report_year").iloc[-1]
    return float(last["value"]), int(last["report_year"])


def _peer_rows(aggregates: pd.DataFrame) -> pd.DataFrame:
    if aggregates.empty:
        return aggregates
    return aggregates[aggregates["level"] == "national"]


def organisation_figure(
    ind: Indicator,
    registry: Registry,
    rows: pd.DataFrame,
    trends: pd.DataFrame,
    peers: pd.DataFrame,
    series: pd.DataFrame,
) -> Figure:
    """The facts one card and one table row show, read from the results frames given."""
    fig = Figure(ind, organisation_unit(ind), value_meaning(ind, registry))
    fig.national, fig.national_year = _national_latest(series, ind, national_series_key(ind, registry))
    last = _latest_row(rows[rows["indicator"] == ind.id] if len(rows) else rows)
    if last is None:
        return fig
    fig.year = int(last["year"])
    fig.value, fig.ci_low, fig.ci_high = (float(last[c]) for c in ("value", "ci_low", "ci_high"))
    fig.position_95, fig.position_998 = str(last["funnel_position_95"]), str(last["funnel_position_998"])
    fig.in_range, fig.note = last.get("in_non_adverse_range", pd.NA), str(last.get("note", "") or "")
    peer = peers[(peers["indicator"] == ind.id) & (peers["year"] == fig.year)] if len(peers) else peers
    if len(peer):
        fig.peer, fig.peer_ci_low, fig.peer_ci_high = (float(peer[c].iloc[0]) for c in ("value", "ci_low", "ci_high"))
    t = trends[trends["indicator"] == ind.id] if len(trends) else trends
    fig.trend = t.iloc[0] if len(t) else None
    return fig


# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------


def position_words(fig: Figure) -> str:
    """Where the latest figure lies against all organisations' funnel limits."""
    if not fig.position_95:
        return "no figure for this organisation"
    words = POSITION_WORDS.get(fig.position_95, fig.position_95)
    if fig.position_998 in ("above", "below"):
        words += "; outside the 99.8% limits too"
    return words


def range_words(fig: Figure) -> str:
    """Whether a relative likelihood lies in the registry's non-adverse range ("" otherwise)."""
    if not fig.ind.non_adverse or fig.ind.trust.kind != "relative_likelihood" or _missing(fig.in_range):
        return ""
    lo, hi = fig.ind.non_adverse
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
    return (
        f"odds ratio {pct_per_year(trend['slope'])} a year "
        f"(95% CI {pct_per_year(trend['slope_ci_low'])} to {pct_per_year(trend['slope_ci_high'])}){q}"
    )


def _slope_size(trend: pd.Series) -> str:
    return (
        f"{float(trend['slope']):+.2f} {trend['slope_unit']} (95% CI {float(trend['slope_ci_low']):+.2f} to "
        f"{float(trend['slope_ci_high']):+.2f})"
    )


def organisation_trend_words(trend: pd.Series | None) -> str:
    """The trend verdict on the gap between the groups, with its size per year and q-value."""
    return _trend_words(trend, _gap_size)


def national_trend_words(trend: pd.Series | None) -> str:
    """The national trend verdict with its slope and 95% interval in the series' unit."""
    return _trend_words(trend, _slope_size)


# ---------------------------------------------------------------------------------------
# Charts (static SVG)
# ---------------------------------------------------------------------------------------


def _domain(values: list[float], log: bool) -> list[float]:
    v = [float(x) for x in values if not _missing(x) and (not log or float(x) > 0)]
    if not v:
        return [0.5, 2.0] if log else [0.0, 100.0]
    lo, hi = min(v), max(v)
    if log:
        return [min(lo, 1.0) / 1.1, max(hi, 1.0) * 1.1]
    pad = max((hi - lo) * 0.1, 1.0)
    return [max(0.0, lo - pad), min(100.0, hi + pad)]


@dataclass(frozen=True)
class Axes:
    """The shared axes of one chart: years across, the value (log scale for ratios) up."""

    unit: str
    years: list[int]
    title: str
    dom: list[float]
    x_title: str = "WRES report year"

    def x(self) -> alt.X:
        return alt.X(
            "year:Q",
            title=self.x_title,
            scale=alt.Scale(domain=[min(self.years) - 0.5, max(self.years) + 0.5]),
            axis=alt.Axis(format="d", values=self.years, labelAngle=0, labelOverlap=True),
        )

    def y(self, field: str) -> alt.Y:
        if self.unit == "ratio":
            # A log axis left to itself labels every minor tick; these read at print size.
            ticks = LOG_TICKS if self.dom[1] / self.dom[0] < 8 else LOG_TICKS_WIDE
            ticks = [t for t in ticks if self.dom[0] <= t <= self.dom[1]]
            return alt.Y(
                f"{field}:Q",
                title=self.title,
                scale=alt.Scale(type="log", domain=self.dom),
                axis=alt.Axis(values=ticks, format="~g", grid=True),
            )
        return alt.Y(
            f"{field}:Q", title=self.title, scale=alt.Scale(domain=self.dom, zero=False), axis=alt.Axis(tickCount=5)
        )


def _svg(layers: list) -> str:
    """Layer the marks and draw them as SVG, in the print font and sizes."""
    spec = alt.layer(*layers).properties(width=CHART_WIDTH, height=CHART_HEIGHT).to_dict()
    spec["config"] = {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 9, "titleFontSize": 9},
        "legend": {"labelFontSize": 9, "symbolSize": 60, "labelLimit": 260},
    }
    return vlc.vegalite_to_svg(spec)


def _band_layer(ind: Indicator, axes: Axes) -> list:
    """The non-adverse range as a shaded band across the whole plot (relative likelihoods)."""
    if not ind.non_adverse or ind.trust.kind != "relative_likelihood":
        return []
    lo, hi = max(ind.non_adverse[0], axes.dom[0]), min(ind.non_adverse[1], axes.dom[1])
    if lo >= hi:
        return []
    band = pd.DataFrame({"lo": [lo], "hi": [hi]})
    return [alt.Chart(band).mark_rect(color="#009E73", opacity=0.12).encode(y=axes.y("lo"), y2="hi:Q")]


def _colour(domain: list[str], colours: list[str]) -> alt.Color:
    return alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2),
    )


def organisation_chart_svg(
    fig: Figure, rows: pd.DataFrame, peers: pd.DataFrame, series: pd.DataFrame, registry: Registry, who: str
) -> str:
    """The organisation's value by year (points, 95% CI bars) against all organisations pooled
    (dashed) and the national published series of the same measure (dotted); "" when there
    is nothing to draw."""
    ind = fig.ind
    o = rows[(rows["indicator"] == ind.id) & rows["value"].notna()][["year", "value", "ci_low", "ci_high"]]
    if o.empty:
        return ""
    p = (
        peers[(peers["indicator"] == ind.id) & peers["value"].notna()][["year", "value"]]
        if len(peers)
        else pd.DataFrame(columns=["year", "value"])
    )
    key = national_series_key(ind, registry)
    n = (
        series[(series["indicator"] == ind.id) & (series["series"] == key) & series["value"].notna()]
        if key and len(series)
        else pd.DataFrame(columns=["report_year", "value"])
    )
    n = n.rename(columns={"report_year": "year"})[["year", "value"]]
    national = "National (published)"
    o, p, n = (
        f.assign(year=f["year"].astype(int), series=s)
        for f, s in ((o, who), (p, results.ALL_ORGANISATIONS), (n, national))
    )
    n = n[n["year"].between(o["year"].min(), o["year"].max())]
    years = sorted(set(o["year"]))
    axes = Axes(
        fig.unit,
        years,
        _axis_title(fig.unit),
        _domain([*o["value"], *o["ci_low"], *o["ci_high"], *p["value"], *n["value"]], fig.unit == "ratio"),
        _x_title(ind),
    )
    colour = _colour([who, results.ALL_ORGANISATIONS, national], [ORG_COLOUR, PEER_COLOUR, NATIONAL_COLOUR])
    layers = _band_layer(ind, axes)
    for frame, dash in ((p, [5, 3]), (n, [1, 2])):
        if len(frame):
            layers.append(
                alt.Chart(frame)
                .mark_line(strokeDash=dash, strokeWidth=1.6)
                .encode(x=axes.x(), y=axes.y("value"), color=colour)
            )
    layers.append(
        alt.Chart(o).mark_rule(strokeWidth=1.4).encode(x=axes.x(), y=axes.y("ci_low"), y2="ci_high:Q", color=colour)
    )
    layers.append(
        alt.Chart(o)
        .mark_point(filled=True, size=36, opacity=1)
        .encode(x=axes.x(), y=axes.y("value"), color=colour, shape=alt.value("circle"))
    )
    return _svg(layers)


def _x_title(ind: Indicator) -> str:
    if ind.is_survey:
        return f"WRES report year (staff survey year = report year − {ind.survey_lag})"
    return "WRES report year"


def _axis_title(unit: str) -> str:
    """Short: the card says what the figure is, the axis only its unit."""
    return "Per cent (%)" if unit == "percent" else "Ratio (log scale; 1 = parity)"


def national_chart_svg(ind: Indicator, series: pd.DataFrame, fits: pd.DataFrame, headline: str) -> str:
    """The indicator's published national series by year, with the headline series' fitted
    trend and its 95% band (when tested); "" when there is nothing to draw."""
    s = (
        series[(series["indicator"] == ind.id) & (series["kind"] != "derived") & series["value"].notna()]
        if len(series)
        else series
    )
    if s.empty:
        return ""
    s = s.rename(columns={"report_year": "year"}).assign(series=lambda d: d["label"])
    s["year"] = s["year"].astype(int)
    unit = str(s["unit"].iloc[0])
    f = fits[(fits["indicator"] == ind.id) & (fits["series"] == headline)] if len(fits) else fits
    bounds = [*f["ci_low"], *f["ci_high"]] if len(f) else []
    axes = Axes(
        unit, sorted(set(s["year"])), _axis_title(unit), _domain([*s["value"], *bounds], unit == "ratio"), _x_title(ind)
    )
    labels = list(dict.fromkeys(s["label"]))
    colour = _colour(labels, [NATIONAL_COLOUR, ORG_COLOUR, "#009E73", "#CC79A7"][: len(labels)])
    layers = _band_layer(ind, axes)
    if len(f):
        f = f[f["year"].between(min(axes.years), max(axes.years))]
        layers.append(
            alt.Chart(f).mark_area(color="#999999", opacity=0.25).encode(x=axes.x(), y=axes.y("ci_low"), y2="ci_high:Q")
        )
        layers.append(
            alt.Chart(f)
            .mark_line(color="#555555", strokeDash=[4, 3], strokeWidth=1)
            .encode(x=axes.x(), y=axes.y("fitted"))
        )
    layers.append(
        alt.Chart(s)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=30), strokeWidth=1.6)
        .encode(x=axes.x(), y=axes.y("value"), color=colour)
    )
    return _svg(layers)


# ---------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What every page's footer says: when the report was made and by which version."""

    made_on: str
    version: str


def _check_results(results_dir: Path) -> None:
    if results.read(results_dir, "national_summary").empty:
        raise ReportInputError(f"no results in {results_dir}: build them first (`wres build`, or `wres demo`)")


def _synthetic(results_dir: Path) -> bool:
    return results.read_meta(results_dir).get("synthetic") is True


def _running(title_html: str, stamp: Stamp, synthetic: bool, standard: str) -> str:
    """Running header and footer elements (CSS ``position: running()`` repeats them)."""
    mark = f'<span class="run-synthetic">{SYNTHETIC_MARK}</span>' if synthetic else ""
    return (
        f'<div class="run-head"><span class="run-title">{title_html}</span>{mark}</div>'
        f'<div class="run-foot">{esc(standard)} board report · made {esc(stamp.made_on)} · '
        f"wres {esc(stamp.version)}</div>"
    )


def _banner(results_dir: Path) -> str:
    meta = results.read_meta(results_dir)
    if meta.get("synthetic") is not True:
        return ""
    return (
        f'<div class="synthetic-banner"><strong>{SYNTHETIC_MARK}.</strong> '
        f"{esc(meta.get('note') or 'The organisations and their figures are fictitious.')} "
        "Nothing in this report may be quoted as a finding about a real organisation.</div>"
    )


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head><body>{body}</body></html>\n"
    )


def _card(heading: str, svg: str, lines: list[tuple[str, str]]) -> str:
    """One indicator: heading, chart, then label–text lines (text already escaped)."""
    chart = f'<div class="chart">{svg}</div>' if svg else '<p class="no-chart">No figures to draw.</p>'
    trs = "".join(f'<tr><th scope="row">{label}</th><td>{text}</td></tr>' for label, text in lines)
    return f'<div class="card"><h3>{heading}</h3>{chart}<table class="facts-table">{trs}</table></div>'


def _table(head: list[str], rows: list[list[str]], caption: str) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><caption>{caption}</caption><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


#: The results an organisation's report reads (catalogue keys).
ORGANISATION_READS: tuple[str, ...] = (
    "organisation_indicators",
    "organisation_trends",
    "organisation_aggregates",
    "organisation_funnel_fits",
    "organisations",
    "national_series",
    "national_summary",
)


def _load_organisation(results_dir: Path, org_code: str) -> dict[str, pd.DataFrame]:
    frames = {k: results.read(results_dir, k) for k in ORGANISATION_READS}
    ti = frames["organisation_indicators"]
    if ti.empty:
        raise ReportInputError(
            f"no organisation data in {results_dir}: this build has national figures only "
            "(add organisation files to data/raw/trusts/, or use --demo)"
        )
    rows = ti[ti["org_code"] == org_code]
    if rows.empty:
        raise ReportInputError(
            f"no organisation with code {org_code!r} in {results_dir} "
            f"({ti['org_code'].nunique()} organisations, e.g. {ti['org_code'].min()})"
        )
    frames["rows"] = rows
    tr = frames["organisation_trends"]
    frames["trends"] = tr[tr["org_code"] == org_code] if len(tr) else tr
    frames["peers"] = _peer_rows(frames["organisation_aggregates"])
    return frames


def _organisation_summary(name: str, figs: list[Figure], n_orgs: int) -> str:
    placed = [f for f in figs if f.position_95 in ("inside", "above", "below")]
    outside = [f for f in placed if f.position_95 in ("above", "below")]
    sig = [
        f
        for f in figs
        if f.trend is not None and str(f.trend["verdict"]) in ("improving", "worsening", "increasing", "decreasing")
    ]
    tested = [f for f in figs if f.trend is not None and not _missing(f.trend.get("q_value"))]
    out = (
        f"Of the {len(placed)} indicators with a funnel comparison, {len(outside)} {'lies' if len(outside) == 1 else 'lie'} outside the 95% limits"
        + (
            ": " + "; ".join(f"{f.ind.id}. {esc(f.ind.title)} ({position_words(f)})" for f in outside)
            if outside
            else ""
        )
        + ". About 1 in 20 would lie outside by chance alone."
    )
    trend = (
        f" After correcting for testing {n_orgs} organisations (Benjamini–Hochberg), {len(sig)} of the "
        f"{len(tested)} tested trends in the gap between the groups {'is' if len(sig) == 1 else 'are'} statistically "
        "significant"
        + (": " + "; ".join(f"{f.ind.id}. {esc(f.ind.title)} {esc(f.trend['verdict'])}" for f in sig) if sig else "")
        + "."
    )
    return f"<p>{esc(name)}, latest figures. {out}{trend}</p>"


def _organisation_row(f: Figure) -> list[str]:
    value = (
        f"<strong>{fmt(f.value, f.unit)}</strong><br><small>{fmt_ci(f.ci_low, f.ci_high, f.unit)}</small>"
        if f.year
        else "no figure"
    )
    peer = f"{fmt(f.peer, f.unit)}<br><small>{fmt_ci(f.peer_ci_low, f.peer_ci_high, f.unit)}</small>"
    national = f"{fmt(f.national, f.unit)}<br><small>WRES {f.national_year}</small>" if f.national_year else "—"
    return [
        f"{f.ind.id}. {esc(f.ind.title)}<br><small>{esc(f.meaning)}</small>",
        year_words(f.ind, f.year) if f.year else "—",
        value,
        peer,
        national,
        esc(position_words(f)),
        esc(VERDICT_WORDS.get(str(f.trend["verdict"]), str(f.trend["verdict"]))) if f.trend is not None else "—",
    ]


def _organisation_card(f: Figure, svg: str) -> str:
    lines = [("Figure", f"{esc(f.meaning)}")]
    if f.year:
        rng = range_words(f)
        lines += [
            (
                "Latest",
                f"<strong>{fmt(f.value, f.unit)}</strong>, {fmt_ci(f.ci_low, f.ci_high, f.unit)}; "
                f"{esc(year_words(f.ind, f.year))}" + (f"; {esc(rng)}" if rng else ""),
            ),
            ("All organisations", f"{fmt(f.peer, f.unit)}, {fmt_ci(f.peer_ci_low, f.peer_ci_high, f.unit)}"),
        ]
    lines.append(
        (
            "National (published)",
            f"{fmt(f.national, f.unit)} (WRES {f.national_year})"
            if f.national_year
            else "no published figure of this measure",
        )
    )
    lines += [("Against peers", esc(position_words(f))), ("Trend", esc(organisation_trend_words(f.trend)))]
    return _card(f"{f.ind.id}. {esc(f.ind.title)}", svg, lines)


def _organisation_notes(figs: list[Figure], fits: pd.DataFrame) -> list[str]:
    """The results' notes on the figures shown, each note once with the indicators it is about."""
    about: dict[str, list[int]] = {}
    for f in figs:
        fit = fits[(fits["indicator"] == f.ind.id) & (fits["year"] == f.year)] if len(fits) and f.year else fits
        texts = [
            f.note,
            f"trend: {f.trend['note']}" if f.trend is not None and str(f.trend.get("note", "") or "") else "",
            f"funnel: {fit['note'].iloc[0]}" if len(fit) and str(fit["note"].iloc[0] or "") else "",
        ]
        for text in filter(None, texts):
            about.setdefault(text, []).append(f.ind.id)
    return [
        f"Indicator{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids))}: {esc(text)}" for text, ids in about.items()
    ]


def _method_html(registry: Registry, min_orgs: object) -> str:
    survey = ", ".join(str(i.id) for i in registry.indicators if i.is_survey)
    return (
        "<p><strong>Intervals.</strong> Every figure's 95% confidence interval comes with the results tables. "
        "<strong>All organisations</strong> is the pooled figure of every organisation in the data in the same year; "
        "<strong>national (published)</strong> is the figure NHS England published for the same measure. "
        "<strong>Funnel limits</strong> (95% and 99.8%) show where an organisation of its size would fall by chance "
        f"alone, widened when organisations differ more than chance explains; they need at least {esc(min_orgs)} "
        "organisations with an estimate. <strong>Trends</strong> test whether the gap between the groups changed "
        "(quasi-binomial model of the yearly counts, change in the odds ratio a year); q corrects for testing every "
        "organisation (Benjamini–Hochberg). A trend that is not significant is not evidence of no change. "
        f"<strong>Years:</strong> the staff-survey indicators ({survey}) come from the NHS Staff Survey of the year "
        "before the WRES report.</p>"
    )


def _where(row: pd.Series) -> str:
    """Input file and line of a national figure; a derived one names two lines (text)."""
    line = row.get("source_line", "")
    line = "" if _missing(line) else str(int(line)) if isinstance(line, float) else str(line)
    prefix = "" if line.startswith("line") else "line "
    return esc(f"{row.get('source_file', '')} {prefix}{line}".strip())


def _sources_html(results_dir: Path, ids_years: list[tuple[int, str, int | None]], meta: dict) -> str:
    """The sources of the national figures shown, and of the organisation files."""
    series = results.read(results_dir, "national_series")
    items = []
    for ind_id, key, year in ids_years:
        if key is None or year is None or series.empty:
            continue
        s = series[(series["indicator"] == ind_id) & (series["series"] == key) & (series["report_year"] == year)]
        if len(s):
            r = s.iloc[0]
            items.append(
                f"<li>{ind_id}: {_where(r)} — {esc(' ; '.join(dict.fromkeys(str(r['source']).split(' ; '))))}</li>"
            )
    if meta:
        items.append(
            f"<li>Organisation figures: {esc(meta.get('source', 'organisation files'))}"
            + (f" ({esc('–'.join(str(y) for y in meta.get('years', [])))})" if meta.get("years") else "")
            + "</li>"
        )
    return f'<ul class="sources">{"".join(dict.fromkeys(items))}</ul>'


def organisation_report_html(
    results_dir: str | Path, org_code: str, stamp: Stamp, registry: Registry | None = None
) -> str:
    """The board report of one organisation as a complete HTML document (see module docstring)."""
    results_dir = Path(results_dir)
    registry = registry or load_registry()
    _check_results(results_dir)
    frames = _load_organisation(results_dir, str(org_code))
    rows, trends, peers, series = frames["rows"], frames["trends"], frames["peers"], frames["national_series"]
    info = rows.sort_values("year").iloc[-1]
    name = str(info["org_name"] or org_code)
    meta = results.read_meta(results_dir)
    n_orgs = int(frames["organisation_indicators"]["org_code"].nunique())
    figs = [organisation_figure(ind, registry, rows, trends, peers, series) for ind in registry.indicators]
    years = sorted(set(rows["year"].astype(int)))
    std = registry.standard
    facts = (
        f"Organisation code {esc(org_code)} · region {esc(info['region'] or 'not given')} · type "
        f"{esc(info['org_type'] or 'not given')} · {esc(std.short_name)} report years {years[0]}–{years[-1]} · "
        f"compared with {n_orgs} organisations"
    )
    table = _table(
        [
            "Indicator",
            "Year",
            "This organisation",
            results.ALL_ORGANISATIONS,
            "National (published)",
            "Against peers",
            "Trend in the gap",
        ],
        [_organisation_row(f) for f in figs],
        f"{esc(name)}: latest figure of each indicator",
    )
    cards = "".join(_organisation_card(f, organisation_chart_svg(f, rows, peers, series, registry, name)) for f in figs)
    notes = _organisation_notes(figs, frames["organisation_funnel_fits"])
    body = (
        _running(esc(name), stamp, _synthetic(results_dir), std.short_name)
        + f'<header class="cover"><p class="kicker">{esc(std.name)} · board report</p><h1>{esc(name)}</h1>'
        f'<p class="facts">{facts}</p></header>'
        + _banner(results_dir)
        + f'<section class="summary"><h2>Summary</h2>{_organisation_summary(name, figs, n_orgs)}{table}</section>'
        + f'<section class="indicators"><h2>Indicator by indicator</h2><p class="legend-note">Points: {esc(name)} '
        f"with 95% CI bars; dashed: {results.ALL_ORGANISATIONS.lower()} pooled; dotted: national published "
        "figure of the same measure; green band: the non-adverse range.</p>"
        f"{cards}</section>"
        + '<section class="notes"><h2>Data notes</h2>'
        + ("<ul>" + "".join(f"<li>{n}</li>" for n in notes) + "</ul>" if notes else "<p>No notes.</p>")
        + f"<h2>Method</h2>{_method_html(registry, meta.get('min_orgs_for_funnel', '—'))}"
        + "<h2>Sources, date and version</h2>"
        + _sources_html(
            results_dir, [(f.ind.id, national_series_key(f.ind, registry), f.national_year) for f in figs], meta
        )
        + f"<p>Made on {esc(stamp.made_on)} with wres {esc(stamp.version)} from the results tables in "
        f"{esc(results_dir.name)}/ (latest data year {years[-1]}).</p></section>"
    )
    return _document(f"{std.short_name} board report: {name}", body)


def _national_card(
    ind: Indicator, summary: pd.Series | None, trend: pd.Series | None, peer: pd.Series | None, svg: str
) -> str:
    if summary is None:
        return _card(f"{ind.id}. {esc(ind.title)}", svg, [("Latest", "no published figure")])
    unit = str(summary["unit"])
    lines = [
        ("Figure", esc(summary["label"])),
        (
            "Latest",
            f"<strong>{fmt(summary['latest_value'], unit)}</strong> ({esc(ind.year_phrase(int(summary['latest_year'])))})",
        ),
        ("First", f"{fmt(summary['first_value'], unit)} (WRES {int(summary['first_year'])})"),
        ("Trend", esc(national_trend_words(trend))),
    ]
    if peer is not None:
        pu = organisation_unit(ind)
        lines.append(
            (
                results.ALL_ORGANISATIONS,
                f"{fmt(peer['value'], pu)}, {fmt_ci(peer['ci_low'], peer['ci_high'], pu)} (WRES {int(peer['year'])})",
            )
        )
    if trend is not None and str(trend.get("verdict_note", "") or ""):
        lines.append(("Note", esc(trend["verdict_note"])))
    return _card(f"{ind.id}. {esc(ind.title)}", svg, lines)


def national_report_html(results_dir: str | Path, stamp: Stamp, registry: Registry | None = None) -> str:
    """The national board report: each indicator's latest published figure, its trend verdict
    with the slope's 95% interval, all organisations pooled (when the build has them), charts."""
    results_dir = Path(results_dir)
    registry = registry or load_registry()
    _check_results(results_dir)
    summary = results.read(results_dir, "national_summary")
    trends = results.read(results_dir, "national_trends")
    series, fits = results.read(results_dir, "national_series"), results.read(results_dir, "national_fits")
    peers = _peer_rows(results.read(results_dir, "organisation_aggregates"))
    std = registry.standard
    cards, rows = [], []
    for ind in registry.indicators:
        s = summary[summary["indicator"] == ind.id]
        srow = s.iloc[0] if len(s) else None
        key = srow["series"] if srow is not None else ind.headline_series
        t = trends[(trends["indicator"] == ind.id) & (trends["series"] == key)] if len(trends) else trends
        trow = t.iloc[0] if len(t) else None
        p = peers[(peers["indicator"] == ind.id) & peers["value"].notna()].sort_values("year") if len(peers) else peers
        prow = p.iloc[-1] if len(p) else None
        cards.append(_national_card(ind, srow, trow, prow, national_chart_svg(ind, series, fits, key)))
        rows.append(
            [
                f"{ind.id}. {esc(ind.title)}<br><small>{esc(srow['label']) if srow is not None else ''}</small>",
                f"WRES {int(srow['latest_year'])}" if srow is not None else "—",
                f"<strong>{fmt(srow['latest_value'], str(srow['unit']))}</strong>" if srow is not None else "—",
                esc(national_trend_words(trow))
                if trow is not None
                else esc(VERDICT_WORDS.get(str(srow["verdict"]), str(srow["verdict"])) if srow is not None else "—"),
            ]
        )
    synthetic = _synthetic(results_dir)
    latest = int(summary["latest_year"].max())
    body = (
        _running(f"{esc(std.short_name)}: national figures", stamp, synthetic, std.short_name)
        + f'<header class="cover"><p class="kicker">{esc(std.name)} · board report</p><h1>National figures</h1>'
        f'<p class="facts">Published by {esc(std.publisher)}; latest WRES report year {latest}</p></header>'
        + _banner(results_dir)
        + '<section class="summary"><h2>Summary</h2>'
        + _table(
            ["Indicator", "Latest year", "Latest figure", "Trend (95% CI of the slope)"],
            rows,
            "Each indicator's headline series: latest published figure and trend verdict",
        )
        + "</section>"
        + '<section class="indicators"><h2>Indicator by indicator</h2><p class="legend-note">Lines: published '
        "national series; grey band and dashed line: the headline series' fitted trend and its 95% band "
        f"(when tested); green band: the non-adverse range.</p>{''.join(cards)}</section>"
        + '<section class="notes"><h2>Method</h2><p>Trends are tested on the published yearly figures (regression '
        "on the transformed scale with a Mann–Kendall check, Benjamini–Hochberg across series); figures flagged "
        f"as not comparable are shown but not tested; at least {registry.trend_tests.min_years} years are needed "
        "for a test. A trend that is not significant is not evidence of no change.</p>"
        "<h2>Sources, date and version</h2>"
        + _sources_html(
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
        )
        + f"<p>Made on {esc(stamp.made_on)} with wres {esc(stamp.version)} from the results tables in "
        f"{esc(results_dir.name)}/.</p></section>"
    )
    return _document(f"{std.short_name} board report: national figures", body)
