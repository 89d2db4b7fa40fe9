"""The profile chart: one organisation's value by year, with confidence intervals,
against the pooled value of all organisations.

One job: that chart, drawn small, one per indicator on an organisation's page. Its "Show as
table" view is built by :class:`wres.report.organisation_page.OrgProfile`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from wres.kinds import kind_of
from wres.registry import Indicator, Registry
from wres.report import palette, settings_words
from wres.report.chart_parts import band_layers, clean_text, finish, title, value_scale
from wres.report.charts import series_year_tooltips, with_year_gaps, year_axis, year_axis_title
from wres.report.formats import CHART_NOT_PLACED, interval, position_words
from wres.results import ALL_ORGANISATIONS as ALL_ORGS


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
    kind = kind_of(ind, registry)
    conf = settings_words.confidence(registry)
    o = org_rows[np.isfinite(org_rows["value"].astype(float))].copy()
    if o.empty:
        return None
    who = clean_text(org_label, 80)
    o["series"] = who
    o["year"] = o["year"].astype(int)
    o["value_t"] = o["value"].map(kind.fmt)
    o["ci_t"] = [interval(a, b, kind.fmt) for a, b in zip(o["ci_low"], o["ci_high"], strict=True)]
    o["pos"] = o["funnel_position_95"].map(lambda p: position_words(p, not_placed=CHART_NOT_PLACED))
    o = o[["year", "value", "ci_low", "ci_high", "series", "value_t", "ci_t", "pos"]]
    n = national[np.isfinite(national["value"].astype(float))].copy()
    if not peers:
        n = n.iloc[0:0]
    n["series"] = ALL_ORGS
    n["year"] = n["year"].astype(int)
    n["value_t"] = n["value"].map(kind.fmt)
    n = n[["year", "value", "series", "value_t"]]
    years = sorted(set(o["year"]) | set(n["year"]))
    values = [*o["value"], *o["ci_low"], *o["ci_high"], *n["value"]]
    dom, y_scale = value_scale(kind, values, 1.1, 3.0)
    y_title = kind.value_axis_title(short=True)
    x = alt.X(
        "year:Q",
        title=year_axis_title(ind),
        axis=year_axis(years),
        scale=alt.Scale(domain=[min(years) - 0.5, max(years) + 0.5]),
    )
    shown = 2 if len(n) else 1
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(
            domain=[who, ALL_ORGS][:shown], range=[palette.THIS_ORGANISATION, palette.ALL_ORGANISATIONS][:shown]
        ),
        # Full-colour dots, not the first layer's dashed line or the thin interval bars.
        legend=alt.Legend(orient="bottom", symbolType="circle", symbolOpacity=1),
    )
    layers = band_layers(kind, dom, y=alt.Y("lo:Q", scale=y_scale, title=y_title), y2="hi:Q")
    if len(n):
        layers.append(
            alt.Chart(with_year_gaps(n, "series", "year", "value"))
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
    label = kind.value_label()
    desc = (
        f"{label} for {who} by {year_axis_title(ind)}, with {conf} confidence intervals"
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
    heading = title(f"{ind.name}: {ind.title}", [f"{label}; {year_axis_title(ind)}"])
    return finish(alt.layer(*layers), heading, desc, height=170)
