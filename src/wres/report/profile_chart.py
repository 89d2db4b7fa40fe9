"""The profile chart: one organisation's value by year, with confidence intervals,
against the pooled value of all organisations.

One job: that chart, drawn small, one per indicator on an organisation's page, whole
(:func:`profile_chart`) or, in the book, as one template per indicator
(:func:`over_time_templates`) that each page fills with its own part
(:func:`over_time_part`, no Altair object per organisation; see
:mod:`wres.report.chart_template`). Its "Show as table" view is built by
:class:`wres.report.organisation_page.OrgProfile`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import altair as alt
import numpy as np
import pandas as pd

from wres.kinds import Kind, kind_of
from wres.registry import Indicator, Registry
from wres.report import palette, settings_words
from wres.report.chart_parts import band_frame, band_layers, clean_text, finish, title, value_axis_scale, value_domain
from wres.report.chart_template import PAGE_DATA, ChartPart, columns, records, slot, slots_allowed, template_spec
from wres.report.charts import series_year_tooltips, with_year_gaps, year_axis, year_axis_title
from wres.report.formats import CHART_NOT_PLACED, interval, position_words
from wres.results import ALL_ORGANISATIONS as ALL_ORGS

#: The datasets a page fills an over-time template with: its organisation's rows, its band.
PAGE_ROWS, PAGE_BAND = f"{PAGE_DATA}rows", f"{PAGE_DATA}band"


def _org_frame(org_rows: pd.DataFrame, kind: Kind, who: str) -> pd.DataFrame:
    """The organisation's points: its rows with a value, and their words."""
    o = org_rows[np.isfinite(org_rows["value"].astype(float))].copy()
    # Positions to 4 significant figures: a point moves by less than a pixel, and each
    # profile's own data (written into its page) shrinks by a third.
    for c in ("value", "ci_low", "ci_high"):
        o[c] = o[c].astype(float).map(_sig)
    o["series"] = who
    o["year"] = o["year"].astype(int)
    o["value_t"] = o["value"].map(kind.fmt)
    o["ci_t"] = [interval(a, b, kind.fmt) for a, b in zip(o["ci_low"], o["ci_high"], strict=True)]
    o["pos"] = o["funnel_position_95"].map(lambda p: position_words(p, not_placed=CHART_NOT_PLACED))
    return o[["year", "value", "ci_low", "ci_high", "series", "value_t", "ci_t", "pos"]]


def _sig(v: float) -> float:
    return float(f"{v:.4g}") if np.isfinite(v) else v


def _national_frame(national: pd.DataFrame, kind: Kind, peers: bool) -> pd.DataFrame:
    """The pooled value of all organisations by year (none without ``peers``)."""
    n = national[np.isfinite(national["value"].astype(float))].copy()
    if not peers:
        n = n.iloc[0:0]
    n["series"] = ALL_ORGS
    n["year"] = n["year"].astype(int)
    n["value_t"] = n["value"].map(kind.fmt)
    return n[["year", "value", "series", "value_t"]]


def _layers(kind: Kind, ind: Indicator, registry: Registry, *, o, n, who, years, x_domain, y_scale, band) -> list:
    """The chart's layers: ``o``/``n`` the organisation's and the pooled rows (frames or
    named datasets; ``n`` None for no pooled line), ``who`` its name in the legend, ``years``
    the axis' years and ``x_domain``/``y_scale`` its scales (values, or a template's slots),
    ``band`` the non-adverse band's layers."""
    conf = settings_words.confidence(registry)
    y_title = kind.value_axis_title(short=True)
    axis = year_axis([0])
    axis.values = years
    x = alt.X("year:Q", title=year_axis_title(ind), axis=axis, scale=alt.Scale(domain=x_domain))
    shown = 2 if n is not None else 1
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(
            domain=[who, ALL_ORGS][:shown], range=[palette.THIS_ORGANISATION, palette.ALL_ORGANISATIONS][:shown]
        ),
        # Full-colour dots, not the first layer's dashed line or the thin interval bars.
        legend=alt.Legend(orient="bottom", symbolType="circle", symbolOpacity=1),
    )
    layers = list(band)
    if n is not None:
        layers.append(
            alt.Chart(n)
            .mark_line(strokeDash=[5, 3], strokeWidth=1.5)
            .encode(
                x=x,
                y=alt.Y("value:Q", scale=y_scale, title=y_title),
                color=colour,
                tooltip=[*series_year_tooltips("series:N", "year:Q"), alt.Tooltip("value_t:N", title="Pooled value")],
            )
        )
    tooltip = [
        *series_year_tooltips("series:N", "year:Q"),
        alt.Tooltip("value_t:N", title="Value"),
        alt.Tooltip("ci_t:N", title=f"{conf} confidence interval"),
        # Fixed funnel control limits, not the registry's confidence level (wres.stats.funnels).
        alt.Tooltip("pos:N", title="Against the 95% funnel limits"),
    ]
    layers.append(
        alt.Chart(o)
        .mark_rule(strokeWidth=1.5, clip=True)
        .encode(x=x, y=alt.Y("ci_low:Q", scale=y_scale, title=y_title), y2="ci_high:Q", color=colour, tooltip=tooltip)
    )
    layers.append(
        alt.Chart(o)
        .mark_point(filled=True, size=55, opacity=1)
        .encode(x=x, y=alt.Y("value:Q", scale=y_scale, title=y_title), color=colour, tooltip=tooltip)
    )
    return layers


def _heading(ind: Indicator, kind: Kind) -> tuple[str, list[str]]:
    return f"{ind.name}: {ind.title}", [f"{kind.value_label()}; {year_axis_title(ind)}"]


def _describe(ind: Indicator, kind: Kind, registry: Registry, o: pd.DataFrame, n: pd.DataFrame, who: str) -> str:
    conf = settings_words.confidence(registry)
    return (
        f"{kind.value_label()} for {who} by {year_axis_title(ind)}, with {conf} confidence intervals"
        + (" against the pooled value of all organisations" if len(n) else "")
        + f". {who}: "
        + "; ".join(f"{y}: {v} ({conf} CI {c})" for y, v, c in zip(o["year"], o["value_t"], o["ci_t"], strict=True))
        + (
            ". All organisations: " + "; ".join(f"{y}: {v}" for y, v in zip(n["year"], n["value_t"], strict=True))
            if len(n)
            else ""
        )
        + "."
    )


def _summary(ind: Indicator, kind: Kind, registry: Registry, o: pd.DataFrame, n: pd.DataFrame, who: str) -> str:
    """The text alternative of a profile's over-time chart in the book: what it shows and its
    latest figure. Not every year's figures, as :func:`_describe` gives them: the chart's
    table, which follows it on the page, holds them, and the pooled value of every year
    is the same on every profile."""
    conf = settings_words.confidence(registry)
    first, last = int(o["year"].min()), int(o["year"].max())
    latest = o[o["year"] == last].iloc[0]
    pooled = n[n["year"] == last]
    return (
        f"{kind.value_label()} for {who} by {year_axis_title(ind)}, with {conf} confidence intervals"
        + (" against the pooled value of all organisations" if len(n) else "")
        + (f", {first} to {last}" if first != last else f", {last}")
        + f". Latest, {last}: {latest['value_t']} ({conf} CI {latest['ci_t']})"
        + (f"; all organisations {pooled['value_t'].iloc[0]}" if len(pooled) else "")
        + ". Every year's figures are in the table that follows."
    )


def _axes(kind: Kind, o: pd.DataFrame, n: pd.DataFrame) -> tuple[list[int], list[float], list[float]]:
    """The years on the axis, the year scale's domain and the value domain."""
    years = sorted(set(o["year"]) | set(n["year"]))
    values = [*o["value"], *o["ci_low"], *o["ci_high"], *n["value"]]
    dom = [_sig(v) for v in value_domain(kind, values, 1.1, 3.0)]
    return [int(y) for y in years], [min(years) - 0.5, max(years) + 0.5], dom


class _Drawn(NamedTuple):
    """What an over-time chart of one organisation draws, whole or as a template's part."""

    kind: Kind
    who: str
    o: pd.DataFrame
    n: pd.DataFrame
    years: list[int]
    x_domain: list[float]
    dom: list[float]


def _drawn(
    org_rows: pd.DataFrame, national: pd.DataFrame, ind: Indicator, registry: Registry, org_label: str, peers: bool
) -> _Drawn | None:
    """The indicator's kind, the organisation's name cleaned, its points (:func:`_org_frame`),
    the pooled line (:func:`_national_frame`) and the axes (:func:`_axes`); None when the
    organisation has no value to draw."""
    kind = kind_of(ind, registry)
    who = clean_text(org_label, 80)
    o = _org_frame(org_rows, kind, who)
    if o.empty:
        return None
    n = _national_frame(national, kind, peers)
    return _Drawn(kind, who, o, n, *_axes(kind, o, n))


def profile_chart(
    org_rows: pd.DataFrame,
    national: pd.DataFrame,
    ind: Indicator,
    registry: Registry,
    *,
    org_label: str = "This organisation",
    peers: bool = True,
) -> alt.LayerChart | None:
    """One organisation's value (points with confidence-interval bars) by year against the pooled value of
    all organisations (dashed line). ``org_rows``: its ``trust_indicators`` rows for the
    indicator; ``national``: the ``trust_aggregates`` national rows for the indicator.
    ``peers=False`` (the build holds no other organisation): no "all organisations" line,
    which would only repeat the organisation's own figures."""
    drawn = _drawn(org_rows, national, ind, registry, org_label, peers)
    if drawn is None:
        return None
    kind, who, o, n, years, x_domain, dom = drawn
    y_scale = value_axis_scale(kind, dom)
    band = band_layers(kind, dom, y=alt.Y("lo:Q", scale=y_scale, title=kind.value_axis_title(short=True)), y2="hi:Q")
    line = with_year_gaps(n, "series", "year", "value") if len(n) else None
    layers = _layers(
        kind, ind, registry, o=o, n=line, who=who, years=years, x_domain=x_domain, y_scale=y_scale, band=band
    )
    heading = title(*_heading(ind, kind))
    return finish(alt.layer(*layers), heading, _describe(ind, kind, registry, o, n, who), height=170)


def over_time_name(shared: str, band: bool) -> str:
    """The name of an indicator's over-time template, with or without the non-adverse band."""
    return f"{shared}-over-time" + ("-band" if band else "")


def over_time_templates(national: pd.DataFrame, ind: Indicator, registry: Registry, shared: str) -> dict[str, dict]:
    """``{template name: specification}`` of the indicator's over-time chart on every profile
    (of a build with more than one organisation): without the non-adverse band and, for a
    kind that has one, with it (on a page whose axis shows it). The slots are ``who``,
    ``years``, ``x_domain`` and ``y_domain``; the pooled line is the shared dataset
    ``<shared>-national`` (:func:`over_time_national`), the organisation's rows and its band
    the page's datasets :data:`PAGE_ROWS` and :data:`PAGE_BAND`."""
    with slots_allowed():
        return _over_time_templates(national, ind, registry, shared)


def _over_time_templates(national: pd.DataFrame, ind: Indicator, registry: Registry, shared: str) -> dict[str, dict]:
    kind = kind_of(ind, registry)
    has_n = bool(len(_national_frame(national, kind, True)))
    y_scale = value_axis_scale(kind, slot("y_domain"))
    y_title = kind.value_axis_title(short=True)
    out = {}
    for band in (False, True) if kind.non_adverse else (False,):
        band_layer = (
            band_layers(
                kind,
                [-math.inf, math.inf],
                data=alt.NamedData(PAGE_BAND),
                y=alt.Y("lo:Q", scale=y_scale, title=y_title),
                y2="hi:Q",
            )
            if band
            else []
        )
        layers = _layers(
            kind,
            ind,
            registry,
            o=alt.NamedData(PAGE_ROWS),
            n=alt.NamedData(f"{shared}-national") if has_n else None,
            who=slot("who"),
            years=slot("years"),
            x_domain=slot("x_domain"),
            y_scale=y_scale,
            band=band_layer,
        )
        chart = finish(alt.layer(*layers), title(*_heading(ind, kind)), "", height=170)
        chart.usermeta = {"wresShared": shared}
        out[over_time_name(shared, band)] = template_spec(chart)
    return out


def over_time_national(national: pd.DataFrame, ind: Indicator, registry: Registry) -> list[dict]:
    """The pooled line's rows every profile's over-time chart of the indicator draws."""
    n = _national_frame(national, kind_of(ind, registry), True)
    return records(with_year_gaps(n, "series", "year", "value")) if len(n) else []


def over_time_part(
    org_rows: pd.DataFrame, national: pd.DataFrame, ind: Indicator, registry: Registry, *, org_label: str, shared: str
) -> ChartPart | None:
    """What one profile holds of its over-time chart of ``ind`` (the template of
    :func:`over_time_templates` draws the rest), with a shorter text alternative than the
    whole chart's (:func:`_summary`); None when it has no value to draw."""
    drawn = _drawn(org_rows, national, ind, registry, org_label, True)
    if drawn is None:
        return None
    kind, who, o, n, years, x_domain, dom = drawn
    band = band_frame(kind, dom)
    text, subtitle = _heading(ind, kind)
    datasets = {PAGE_ROWS: columns(records(o))}
    if band is not None:
        datasets[PAGE_BAND] = records(band)
    return ChartPart(
        template=over_time_name(shared, band is not None),
        shared=shared,
        fill={"who": who, "years": years, "x_domain": x_domain, "y_domain": dom},
        datasets=datasets,
        heading={"text": text, "subtitle": subtitle},
        description=_summary(ind, kind, registry, o, n, who),
    )
