"""The breakdown chart: an indicator's pooled organisation value by region or by type of
organisation, with confidence intervals (at the registry's level), against all organisations.

One job: that chart. Its "Show as table" view is
:func:`wres.report.organisation_section.breakdown_table`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from wres.kinds import kind_of
from wres.registry import Indicator, Registry
from wres.report import palette, settings_words
from wres.report.chart_parts import band_layers, clean_text, title, value_scale
from wres.report.charts import CHART_CONFIG, CHART_WIDTH
from wres.report.formats import interval
from wres.results import ALL_ORGANISATIONS as ALL_ORGS

#: The ``level`` codes of ``organisation_aggregates`` in words.
LEVEL_WORDS = {"region": "region", "org_type": "type of organisation"}


def breakdown_chart(
    aggregates: pd.DataFrame, ind: Indicator, registry: Registry, *, level: str = "region", year: int | None = None
) -> alt.LayerChart | None:
    """Pooled value with its confidence interval by region or type of organisation, one year
    (default: the latest), against the pooled value of all organisations. None if no such rows."""
    kind = kind_of(ind, registry)
    conf = settings_words.confidence(registry)
    a = aggregates[aggregates["indicator"] == ind.id]
    if year is None and len(a):
        year = int(a["year"].max())
    sub = a[(a["level"] == level) & (a["year"] == year)].copy()
    nat = a[(a["level"] == "national") & (a["year"] == year)]
    if sub.empty:
        return None
    sub["category_t"] = sub["category"].map(clean_text)
    sub["value_t"] = sub["value"].map(kind.fmt)
    sub["ci_t"] = [interval(x, y, kind.fmt) for x, y in zip(sub["ci_low"], sub["ci_high"], strict=True)]
    sub["n_orgs"] = sub["n_orgs"].astype(int)
    sub = sub[["category_t", "value", "ci_low", "ci_high", "value_t", "ci_t", "n_orgs"]]
    words = LEVEL_WORDS.get(level, level)
    x_title = kind.value_axis_title()
    values = [*sub["ci_low"], *sub["ci_high"], *sub["value"]]
    dom, x_scale = value_scale(kind, values, 1.05, 2.0)
    y = alt.Y(
        "category_t:N", title=words[0].upper() + words[1:], sort=alt.EncodingSortField("value", order="descending")
    )
    tooltip = [
        alt.Tooltip("category_t:N", title=words[0].upper() + words[1:]),
        alt.Tooltip("value_t:N", title="Pooled value"),
        alt.Tooltip("ci_t:N", title=f"{conf} confidence interval"),
        alt.Tooltip("n_orgs:Q", title="Organisations"),
    ]
    layers = band_layers(kind, dom, x=alt.X("lo:Q", scale=x_scale), x2="hi:Q")
    if len(nat):
        nv = float(nat["value"].iloc[0])
        layers.append(
            alt.Chart(pd.DataFrame({"v": [nv], "what": [f"{ALL_ORGS}: {kind.fmt(nv)}"]}))
            .mark_rule(color=palette.POOLED_REFERENCE, strokeDash=[4, 3])
            .encode(x=alt.X("v:Q", scale=x_scale), tooltip=alt.Tooltip("what:N", title="Dashed line"))
        )
    base = alt.Chart(sub)
    layers.append(
        base.mark_rule(color=palette.POOLED_ESTIMATE, strokeWidth=2).encode(
            y=y, x=alt.X("ci_low:Q", scale=x_scale, title=x_title), x2="ci_high:Q", tooltip=tooltip
        )
    )
    layers.append(
        base.mark_point(filled=True, size=70, color=palette.POOLED_ESTIMATE).encode(
            y=y, x=alt.X("value:Q", scale=x_scale, title=x_title), tooltip=tooltip
        )
    )
    nat_txt = (
        f" The dashed line is the value for all organisations, {kind.fmt(float(nat['value'].iloc[0]))}."
        if len(nat)
        else ""
    )
    label = kind.value_label()
    desc = (
        f"Pooled {label} with {conf} confidence intervals by {words}, {ind.year_phrase(int(year))}."
        f"{nat_txt} "
        + "; ".join(
            f"{c}: {v} ({conf} CI {ci}; {n} organisations)"
            for c, v, ci, n in zip(sub["category_t"], sub["value_t"], sub["ci_t"], sub["n_orgs"], strict=True)
        )
        + "."
    )
    heading = title(
        f"{ind.name}: {label} by {words}",
        [f"{ind.year_phrase(int(year))}; counts pooled over organisations; bars are {conf} confidence intervals"],
    )
    chart = alt.layer(*layers)
    chart = chart.properties(title=heading, width=CHART_WIDTH, height=alt.Step(26), description=desc)
    chart.config = alt.Config(**{**CHART_CONFIG, "axis": {**CHART_CONFIG["axis"], "labelLimit": 260}})
    return chart
