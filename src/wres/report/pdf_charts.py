"""The board report's charts: small static SVG drawings for print.

One job: draw the PDF's charts (one organisation's value by year against all organisations
and the national published series; an indicator's national series with its fitted trend)
with vl-convert (vector graphics, no browser, no network). They are built here rather than
taken from the site's chart modules: a page in print has no tooltips, needs half the width,
and must show the national published line as well. Text from data is data inside a chart,
which Vega draws as text and vl-convert writes as escaped SVG text.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert as vlc

from wres import results
from wres.kinds import Kind
from wres.registry import Indicator
from wres.report import palette
from wres.report.charts import year_axis
from wres.report.tables import is_missing

#: Plot area of one chart in CSS pixels; the card scales the SVG to half the A4 text width.
CHART_WIDTH, CHART_HEIGHT = 270, 105
#: Labelled values of a log (ratio) axis.
LOG_TICKS = (0.2, 0.3, 0.5, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0)
LOG_TICKS_WIDE = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
FONT = "DejaVu Sans"  # the font WeasyPrint draws with, so vl-convert measures labels the same
#: The line of the national published figure, in the organisation chart's legend.
NATIONAL_WORDS = "National (published)"
#: Short value axis titles of a national series by its unit: the card says what the figure is.
NATIONAL_AXIS = {"percent": "Per cent (%)", "ratio": "Ratio (log scale; 1 = parity)"}
#: Published national figures are percentages or ratios; their linear axis stays in 0–100.
PERCENT_BOUNDS = (0.0, 100.0)


def _domain(values: list[float], log: bool, bounds: tuple[float, float] | None) -> list[float]:
    """The value axis' domain: a log axis always shows 1 (parity); a linear one is padded
    and kept inside ``bounds`` (None: unbounded)."""
    v = [float(x) for x in values if not is_missing(x) and (not log or float(x) > 0)]
    if not v:
        return [0.5, 2.0] if log else list(bounds or (0.0, 1.0))
    lo, hi = min(v), max(v)
    if log:
        return [min(lo, 1.0) / 1.1, max(hi, 1.0) * 1.1]
    pad = max((hi - lo) * 0.1, 1.0)
    floor, ceiling = bounds or (float("-inf"), float("inf"))
    return [max(floor, lo - pad), min(ceiling, hi + pad)]


@dataclass(frozen=True)
class Axes:
    """The shared axes of one chart: years across, the value (log scale when ``log``) up."""

    log: bool
    years: list[int]
    title: str
    dom: list[float]
    x_title: str

    def x(self) -> alt.X:
        return alt.X(
            "year:Q",
            title=self.x_title,
            scale=alt.Scale(domain=[min(self.years) - 0.5, max(self.years) + 0.5]),
            axis=year_axis(self.years),
        )

    def y(self, field: str) -> alt.Y:
        if self.log:
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
    spec["config"] = _CONFIG
    return vlc.vegalite_to_svg(spec)


_CONFIG = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 9, "titleFontSize": 9},
    "legend": {"labelFontSize": 9, "symbolSize": 60, "labelLimit": 260},
}


def _svg_panels(panels: list[list]) -> str:
    """Two or more layered panels, one above the other, each with its own value axis."""
    charts = [alt.layer(*layers).properties(width=CHART_WIDTH, height=CHART_HEIGHT) for layers in panels]
    spec = alt.vconcat(*charts).resolve_scale(color="independent", y="independent").to_dict()
    spec["config"] = _CONFIG
    return vlc.vegalite_to_svg(spec)


def _band_layer(kind: Kind, axes: Axes) -> list:
    """The kind's non-adverse range as a shaded band across the whole plot (none without one)."""
    rng = kind.non_adverse
    if not rng:
        return []
    lo, hi = max(rng[0], axes.dom[0]), min(rng[1], axes.dom[1])
    if lo >= hi:
        return []
    name = f"Non-adverse range {rng[0]:.2f}–{rng[1]:.2f}"
    band = pd.DataFrame({"lo": [lo], "hi": [hi], "name": [name]})
    # Named in the legend, as on the site (its own fill scale).
    fill = alt.Fill(
        "name:N",
        title=None,
        scale=alt.Scale(domain=[name], range=[palette.NON_ADVERSE]),
        legend=alt.Legend(orient="bottom", symbolType="square", symbolOpacity=0.3),
    )
    return [alt.Chart(band).mark_rect(opacity=0.12).encode(y=axes.y("lo"), y2="hi:Q", fill=fill)]


def _colour(domain: list[str], colours: list[str]) -> alt.Color:
    return alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2),
    )


def x_title(ind: Indicator) -> str:
    if ind.is_survey:
        return f"{ind.words.year_words} (staff survey year = report year − {ind.survey_lag})"
    return ind.words.year_words


def organisation_chart_svg(kind: Kind, rows: pd.DataFrame, peers: pd.DataFrame, series: pd.DataFrame, who: str) -> str:
    """The organisation's value by year (points, 95% CI bars) against all organisations pooled
    (dashed) and the national published series of the same measure (dotted); "" when there
    is nothing to draw. ``rows``: the organisation's ``organisation_indicators`` rows;
    ``peers``: the national level of ``organisation_aggregates``; ``series``: ``national_series``."""
    ind = kind.ind
    o = rows[(rows["indicator"] == ind.id) & rows["value"].notna()][["year", "value", "ci_low", "ci_high"]]
    if o.empty:
        return ""
    p = (
        peers[(peers["indicator"] == ind.id) & peers["value"].notna()][["year", "value"]]
        if len(peers)
        else pd.DataFrame(columns=["year", "value"])
    )
    which = kind.national_series()
    key = which[0] if which else None
    n = (
        series[(series["indicator"] == ind.id) & (series["series"] == key) & series["value"].notna()]
        if key and len(series)
        else pd.DataFrame(columns=["report_year", "value"])
    )
    n = n.rename(columns={"report_year": "year"})[["year", "value"]]
    o, p, n = (
        f.assign(year=f["year"].astype(int), series=s)
        for f, s in ((o, who), (p, results.ALL_ORGANISATIONS), (n, NATIONAL_WORDS))
    )
    n = n[n["year"].between(o["year"].min(), o["year"].max())]
    years = sorted(set(o["year"]))
    values = [*o["value"], *o["ci_low"], *o["ci_high"], *p["value"], *n["value"]]
    axes = Axes(
        kind.log_scale, years, kind.unit_axis_title, _domain(values, kind.log_scale, kind.value_bounds), x_title(ind)
    )
    colour = _colour(
        [who, results.ALL_ORGANISATIONS, NATIONAL_WORDS],
        [palette.THIS_ORGANISATION, palette.ALL_ORGANISATIONS_PRINT, palette.NATIONAL],
    )
    layers = _band_layer(kind, axes)
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


def national_chart_svg(kind: Kind, series: pd.DataFrame, fits: pd.DataFrame, headline: str) -> str:
    """The indicator's published national series by year, with the headline series' fitted
    trend and its 95% band (when tested); "" when there is nothing to draw."""
    ind = kind.ind
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
    # The headline may be derived from the plotted series (a gap in percentage points under
    # percentages of staff): on their axis its trend would fall off the plot, so it gets a
    # panel of its own under them.
    own_panel = bool(len(f)) and headline not in set(s["series"])
    bounds = [*f["ci_low"], *f["ci_high"]] if len(f) and not own_panel else []
    log = unit == "ratio"
    axes = Axes(
        log,
        sorted(set(s["year"])),
        NATIONAL_AXIS.get(unit, unit),
        _domain([*s["value"], *bounds], log, PERCENT_BOUNDS),
        x_title(ind),
    )
    colour = _series_colour(kind, s)
    layers = _band_layer(kind, axes)
    if own_panel:
        return _svg_panels([[*layers, _lines(s, axes, colour)], _derived_panel(kind, series, f, headline, axes)])
    if len(f):
        layers += _trend_layers(f, axes)
    layers.append(_lines(s, axes, colour))
    return _svg(layers)


def _series_colour(kind: Kind, s: pd.DataFrame) -> alt.Color:
    """The site's colours for the same series (:func:`wres.report.charts.series_chart`): each
    series by its group's role, else the categorical colours in the same order."""
    labels = list(dict.fromkeys(s["label"]))
    groups = [s.loc[s["label"] == lab, "group"].iloc[0] for lab in labels]
    std = kind.standard
    return _colour(labels, palette.series_colours(groups, std.minority_group, std.majority_group))


def _lines(s: pd.DataFrame, axes: Axes, colour: alt.Color) -> alt.Chart:
    return (
        alt.Chart(s)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=30), strokeWidth=1.6)
        .encode(x=axes.x(), y=axes.y("value"), color=colour)
    )


def _trend_layers(f: pd.DataFrame, axes: Axes) -> list:
    """The fitted trend (dashed) and its 95% band, inside the years the chart shows."""
    f = f[f["year"].between(min(axes.years), max(axes.years))]
    return [
        alt.Chart(f)
        .mark_area(color=palette.FITTED_BAND, opacity=0.25)
        .encode(x=axes.x(), y=axes.y("ci_low"), y2="ci_high:Q"),
        alt.Chart(f)
        .mark_line(color=palette.FITTED_LINE, strokeDash=[4, 3], strokeWidth=1)
        .encode(x=axes.x(), y=axes.y("fitted")),
    ]


def _derived_panel(kind: Kind, series: pd.DataFrame, f: pd.DataFrame, headline: str, top: Axes) -> list:
    """The headline derived series (e.g. the gap between the board's and the workforce's
    shares) with its fitted trend, on its own axis and the same years as the panel above."""
    ind = kind.ind
    d = series[(series["indicator"] == ind.id) & (series["series"] == headline) & series["value"].notna()]
    d = d.rename(columns={"report_year": "year"}).assign(series=lambda x: x["label"])
    d["year"] = d["year"].astype(int)
    d = d[d["year"].between(min(top.years), max(top.years))]
    unit = str(d["unit"].iloc[0]) if len(d) else ""
    f = f[f["year"].between(min(top.years), max(top.years))]
    axes = Axes(
        unit == "ratio",
        top.years,
        NATIONAL_AXIS.get(unit, "Percentage points" if unit == "percentage points" else unit),
        _domain([*d["value"], *f["ci_low"], *f["ci_high"]], unit == "ratio", None),
        top.x_title,
    )
    return [*_trend_layers(f, axes), _lines(d, axes, _series_colour(kind, d))] if len(d) else _trend_layers(f, axes)
