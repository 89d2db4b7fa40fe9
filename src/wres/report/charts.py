"""Altair charts for the book. Every chart has a title, axis titles with units, says which
year it means, and carries a text alternative (``description``) for screen readers."""

from __future__ import annotations

import altair as alt
import pandas as pd

from wres.kinds import Kind
from wres.registry import Indicator, load_registry
from wres.report import palette
from wres.report.formats import series_value

UNIT_AXIS = {
    "percent": "Per cent of staff (%)",
    "ratio": "Relative likelihood (ratio; 1 = parity)",
    "percentage points": "Difference (percentage points)",
}
#: A ratio of two shares (senior share ÷ workforce share) is not a likelihood.
REPRESENTATION_AXIS = "Representation ratio (senior share ÷ workforce share; 1 = in proportion)"
# The width of a drawing made at a fixed size (the PDF, a notebook); on the site the
# renderer (wres.book.altair_offline) draws every chart at its container's width instead.
CHART_WIDTH = 560
#: Text sizes in px. On the site a chart is drawn at its container's width, so these are the
#: sizes a reader sees: at least 12, titles larger.
CHART_CONFIG = {
    "title": {"fontSize": 15, "subtitleFontSize": 12, "subtitleColor": palette.SUBTITLE},
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 400},
}
#: Legend wording of the hollow markers (figures kept out of the trend test).
EXCLUDED_WORDS = "Figure shown but left out of the trend test (quality flag)"


#: The least space (px) between two year labels: closer than this, Vega drops every other
#: label (``labelOverlap="parity"``, repeated until none are closer), at the width the chart
#: is drawn. The one tick-thinning rule of every chart by year, site and print.
YEAR_LABEL_GAP = 6


def one_entry_legend(channel, field: str, name: str, colour: str, **legend):
    """An encoding ``channel`` (``alt.Fill``, ``alt.Stroke`` …) on ``field`` whose only value
    ``name`` is drawn in ``colour`` and named in a legend below the chart: how a band, a line
    or a ring that is not a data series still gets a legend entry that matches it."""
    return channel(
        field,
        title=None,
        scale=alt.Scale(domain=[name], range=[colour]),
        legend=alt.Legend(orient="bottom", **legend),
    )


def year_axis(years: list[int] | None = None, *, numbers: bool = True) -> alt.Axis:
    """The year axis of every chart: a tick at each year in ``years`` (None: the scale's own),
    labels level and thinned by the one rule (:data:`YEAR_LABEL_GAP`). ``numbers``: the field is
    a number (quantitative), written without a thousands separator."""
    values = {"values": [int(y) for y in years]} if years is not None else {}
    fmt = {"format": "d"} if numbers else {}
    return alt.Axis(**values, **fmt, labelAngle=0, labelOverlap="parity", labelSeparation=YEAR_LABEL_GAP)


def year_axis_title(ind: Indicator) -> str:
    if ind.is_survey:
        return f"{ind.words.year_words} (NHS Staff Survey year = report year − {ind.survey_lag})"
    return f"{ind.words.year_words} (figures as at / to 31 March)"


#: The series chart's tooltip rows after the series and year: (field, title).
_SERIES_TOOLTIPS = (
    ("figure:N", "Value"),
    ("quality:N", "Quality flag"),
    ("used:N", "Trend test"),
    ("source_outlet:N", "Source"),
)


def value_axis_title(kind: Kind, unit: str) -> str:
    """The value axis of a national series: a ratio is a relative likelihood only for an
    indicator whose kind is a likelihood; elsewhere it is a representation ratio."""
    if unit == "ratio" and not kind.likelihood:
        return REPRESENTATION_AXIS
    return UNIT_AXIS.get(unit, unit)


def year_label(year: object) -> str:
    """A report year as a reader writes it: ``2022``, never ``2022.0`` (years come back from
    CSV as floats when a column has gaps)."""
    return "" if pd.isna(year) else str(int(year))


def with_year_gaps(df: pd.DataFrame, series: str, year: str, value: str) -> pd.DataFrame:
    """``df`` plus one row with an empty ``value`` for every year missing inside a series'
    span, so a line breaks at a year without a figure (Vega-Lite breaks paths at nulls)
    instead of running straight across it."""
    gaps = []
    for key, grp in df.groupby(series, sort=False):
        have = {int(y) for y in grp[year]}
        missing = sorted(set(range(min(have), max(have) + 1)) - have)
        gaps.extend({series: key, year: y, value: None} for y in missing)
    if not gaps:
        return df
    out = pd.concat([df, pd.DataFrame(gaps)], ignore_index=True).sort_values([series, year], kind="stable")
    # A float column: Altair writes its NaN as null (an object column would keep NaN, not JSON).
    return out.assign(**{value: out[value].astype(float)})


def series_year_tooltips(series: str, year: str) -> list[alt.Tooltip]:
    """The first two tooltip rows of a chart by report year: the series, then the year."""
    return [alt.Tooltip(series, title="Series"), alt.Tooltip(year, title=load_registry().site.year_words, format="d")]


def describe_series(df: pd.DataFrame, ind: Indicator, what: str) -> str:
    """Plain-text alternative: every value the chart shows, in words."""
    parts = []
    for label, grp in df.groupby("label", sort=False):
        grp = grp.sort_values("report_year")
        unit = grp["unit"].iloc[0]
        values = "; ".join(
            f"{int(y)}: {series_value(v, unit)}" for y, v in zip(grp["report_year"], grp["value"], strict=True)
        )
        parts.append(f"{label} — {values}")
    year_words = ind.words.year_words
    basis = f"survey figures labelled by {year_words}" if ind.is_survey else f"by {year_words}"
    return f"{what}, {basis}. " + ". ".join(parts) + "."


def series_chart(
    df: pd.DataFrame, kind: Kind, title: str, fits: dict | None = None, unit: str | None = None
) -> alt.LayerChart:
    """Line-and-point chart of one or more series of an indicator (``kind``: its kind object).

    ``df`` has the columns of :func:`wres.series.indicator_series`; ``fits`` maps a series key
    to a fitted trend (year, fitted, ci_low, ci_high) drawn as a dashed line with a band.
    Figures excluded from tests are drawn as hollow points.
    """
    ind = kind.ind
    unit = unit or df["unit"].iloc[0]
    data = df.assign(
        figure=df["value"].map(lambda v: series_value(v, unit)),
        survey=df["survey_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
        used=df["testable"].map({True: "used in trend test", False: "shown, excluded from test"}),
    )
    labels = list(dict.fromkeys(data["label"]))
    # Each series by its group's role (minority, majority) where it has one of its own.
    groups = [data.loc[data["label"] == lab, "group"].iloc[0] if "group" in data else None for lab in labels]
    std = kind.standard
    colours = palette.series_colours(groups, std.minority_group, std.majority_group)
    scale = alt.Scale(domain=labels, range=colours)
    # The legend is drawn from the points layer: a full-colour dot per series. Left to
    # Vega-Lite it would take the first layer's symbol, the pale band of the fitted trend.
    colour = alt.Color(
        "label:N",
        title="Series",
        scale=scale,
        legend=alt.Legend(orient="bottom", direction="vertical", symbolType="circle", symbolOpacity=1),
    )
    years = sorted(data["report_year"].unique())
    x = alt.X(
        "report_year:Q",
        title=year_axis_title(ind),
        axis=year_axis(years),
        scale=alt.Scale(domain=[min(years) - 0.5, max(years) + 0.5]),
    )
    y_title = value_axis_title(kind, unit)
    tooltip = [
        *series_year_tooltips("label:N", "report_year:Q"),
        *([alt.Tooltip("survey:N", title="Staff Survey year")] if ind.is_survey else []),
        *(alt.Tooltip(field, title=title) for field, title in _SERIES_TOOLTIPS),
    ]
    base = alt.Chart(data)
    layers = []
    if ind.non_adverse and unit == "ratio":
        lo, hi = ind.non_adverse
        name = f"Non-adverse range {lo:.2f}–{hi:.2f}"
        band = pd.DataFrame({"lo": [lo], "hi": [hi], "name": [name]})
        # Named in the legend: its own fill scale (no other layer encodes fill).
        fill = one_entry_legend(
            alt.Fill, "name:N", name, palette.NON_ADVERSE, symbolType="square", symbolOpacity=0.25, symbolSize=180
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(opacity=0.12)
            .encode(y=alt.Y("lo:Q", title=y_title), y2="hi:Q", fill=fill, tooltip=alt.Tooltip("name:N", title="Band"))
        )
        layers.append(
            alt.Chart(pd.DataFrame({"parity": [1.0]}))
            .mark_rule(color=palette.PARITY, strokeDash=[2, 2])
            .encode(y="parity:Q")
        )
    for key, fit in (fits or {}).items():
        label = data.loc[data["series"] == key, "label"]
        if label.empty:
            continue
        f = fit.assign(label=label.iloc[0])
        layers.append(
            alt.Chart(f)
            .mark_area(opacity=0.15)
            .encode(x="year:Q", y=alt.Y("ci_low:Q", title=y_title), y2="ci_high:Q", color=colour)
        )
        layers.append(
            alt.Chart(f).mark_line(strokeDash=[6, 4], strokeWidth=1.5).encode(x="year:Q", y="fitted:Q", color=colour)
        )
    lines = with_year_gaps(data[["label", "report_year", "value"]], "label", "report_year", "value")
    layers.append(
        alt.Chart(lines)
        .mark_line(strokeWidth=2)
        .encode(x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)), color=colour, detail="label:N")
    )
    used = base.transform_filter("datum.testable")
    layers.append(
        used.mark_point(size=70, filled=True, opacity=1).encode(x=x, y="value:Q", color=colour, tooltip=tooltip)
    )
    if (~data["testable"].astype(bool)).any():
        # Hollow diamonds: shown, but kept out of the trend test by their quality flag; their
        # own legend entry says so.
        marker = alt.Shape(
            "excluded:N",
            title=None,
            scale=alt.Scale(domain=[EXCLUDED_WORDS], range=["diamond"]),
            legend=alt.Legend(orient="bottom", symbolFillColor="transparent", symbolStrokeColor=palette.LEGEND_OUTLINE),
        )
        excluded = base.transform_filter("!datum.testable").transform_calculate(excluded=f"'{EXCLUDED_WORDS}'")
        layers.append(
            excluded.mark_point(size=90, filled=False, strokeWidth=2).encode(
                x=x, y="value:Q", color=colour, shape=marker, tooltip=tooltip
            )
        )
    chart = alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=[year_axis_title(ind)], anchor="start"),
        width=CHART_WIDTH,
        height=320,
        description=describe_series(df, ind, title),
    )
    chart.config = alt.Config(**CHART_CONFIG)
    return chart


def bar_breakdown(
    df: pd.DataFrame,
    category: str,
    title: str,
    x_title: str,
    description: str,
    non_adverse: tuple[float, float] | None = None,
) -> alt.LayerChart:
    """Horizontal bars by category (e.g. region) for one or more years."""
    data = df.assign(year_label=df["report_year"].map(year_label))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=x_title),
            yOffset="year_label:N",
            # Under the bars: a legend at the right takes a phone's width from the bars.
            color=alt.Color(
                "year_label:N",
                title=load_registry().site.year_words,
                scale=alt.Scale(range=list(palette.CATEGORICAL)),
                legend=alt.Legend(orient="bottom", direction="horizontal"),
            ),
            tooltip=[
                alt.Tooltip(f"{category}:N"),
                alt.Tooltip("year_label:N", title="Report year"),
                alt.Tooltip("value:Q", title="Value", format=".2f"),
                alt.Tooltip("source_outlet:N", title="Source"),
            ],
        )
    )
    layers = []
    if non_adverse:
        band = pd.DataFrame({"lo": [non_adverse[0]], "hi": [non_adverse[1]]})
        layers.append(alt.Chart(band).mark_rect(color=palette.NON_ADVERSE, opacity=0.12).encode(x="lo:Q", x2="hi:Q"))
    layers.append(bars)
    chart = alt.layer(*layers).properties(
        title=alt.Title(title, anchor="start"), width=CHART_WIDTH, height=alt.Step(12), description=description
    )
    chart.config = alt.Config(**CHART_CONFIG)
    return chart
