"""The parts the organisation charts share: safe text, the value axis and the non-adverse band.

One job: what every organisation chart (funnel, breakdown, share in range, profile) draws
the same way. Same rules as :mod:`wres.report.charts`: a fixed width (which the site's
renderer turns into the container's width), colours by role (:mod:`wres.report.palette`,
with shapes, so nothing depends on colour alone), a title, axis titles with units, the
meaning of the year, and a ``description`` text alternative. Organisation names reach a
chart only as data (Vega draws them as text and its tooltip escapes them); the description
is escaped by the offline renderer before it reaches the page.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from wres.kinds import Kind
from wres.report import palette
from wres.report.charts import CHART_CONFIG, CHART_WIDTH


def clean_text(value: object, limit: int = 200) -> str:
    """Text from data made safe to put in a chart: a string, no control characters, cut to
    ``limit`` characters. (Vega draws text, it does not interpret HTML.)"""
    s = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    s = "".join(ch if ch.isprintable() else " " for ch in s).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def title(text: str, subtitle: list[str]) -> alt.Title:
    return alt.Title(text, subtitle=subtitle, anchor="start")


def _log_domain(values: list[float], pad: float) -> list[float]:
    v = [x for x in values if x is not None and np.isfinite(x) and x > 0]
    if not v:
        return [0.5, 2.0]
    return [min(v) / pad, max(v) * pad]


def _lin_domain(values: list[float], pad: float, bounds: tuple[float, float] | None) -> list[float]:
    lo, hi = bounds or (-math.inf, math.inf)
    v = [x for x in values if x is not None and np.isfinite(x)]
    if not v:
        return [lo, hi] if bounds else [0.0, 1.0]
    return [max(lo, min(v) - pad), min(hi, max(v) + pad)]


def value_scale(kind: Kind, values: list[float], log_pad: float, lin_pad: float) -> tuple[list[float], alt.Scale]:
    """The value axis' domain and scale, as the kind draws its values: log (padded by the
    factor ``log_pad``) or linear (padded by ``lin_pad`` units, inside the kind's bounds)."""
    dom = value_domain(kind, values, log_pad, lin_pad)
    return dom, value_axis_scale(kind, dom)


def value_domain(kind: Kind, values: list[float], log_pad: float, lin_pad: float) -> list[float]:
    """The domain of :func:`value_scale`, without building the scale."""
    return _log_domain(values, log_pad) if kind.log_scale else _lin_domain(values, lin_pad, kind.value_bounds)


def value_axis_scale(kind: Kind, dom: object) -> alt.Scale:
    """The value scale of ``dom`` (a domain, or a template's slot for one)."""
    return alt.Scale(type="log", domain=dom) if kind.log_scale else alt.Scale(domain=dom, zero=False)


def band_frame(kind: Kind, dom: list[float]) -> pd.DataFrame | None:
    """The non-adverse range clipped to the axis domain; None when the kind has none or it
    is off the axis."""
    rng = kind.non_adverse
    if not rng:
        return None
    lo, hi = max(rng[0], dom[0]), min(rng[1], dom[1])
    if lo >= hi:
        return None
    return pd.DataFrame({"lo": [lo], "hi": [hi], "name": [f"Non-adverse range {rng[0]:.2f}–{rng[1]:.2f}"]})


def band_layers(kind: Kind, dom: list[float], data: alt.NamedData | None = None, **encoding) -> list:
    """The shaded non-adverse range as a one-layer list (empty when it is off the axis);
    ``encoding``: where the band's ``lo`` and ``hi`` go (e.g. ``y=alt.Y("lo:Q", ...), y2="hi:Q"``).
    ``data``: the band's rows are this named dataset (a template's), not drawn here."""
    band = band_frame(kind, dom)
    if band is None:
        return []
    # The band is named in the legend: its own fill scale (no other layer encodes fill),
    # one entry, drawn as a swatch of the band's colour.
    fill = alt.Fill(
        "name:N",
        title=None,
        scale=alt.Scale(domain=list(band["name"]), range=[palette.NON_ADVERSE]),
        legend=alt.Legend(orient="bottom", symbolType="square", symbolOpacity=0.25, symbolSize=180),
    )
    return [
        alt.Chart(band if data is None else data)
        .mark_rect(opacity=0.10)
        .encode(**encoding, fill=fill, tooltip=alt.Tooltip("name:N", title="Shaded band"))
    ]


def power_ticks(values: list[float]) -> list[float]:
    """Tick values for a log size axis: the powers of ten (100, 1,000, 10,000…) from the one
    at or below the smallest value to the one at or above the largest; never fewer than two."""
    v = [x for x in values if x is not None and np.isfinite(x) and x > 0]
    if not v:
        return []
    lo, hi = math.floor(math.log10(min(v))), math.ceil(math.log10(max(v)))
    return [10.0**k for k in range(lo, max(hi, lo + 1) + 1)]


def finish(chart, title: alt.Title, description: str, height: int = 320):
    """Title, size, text alternative and styling, set on the freshly built chart itself:
    Altair's chained ``.properties().configure_*()`` deep-copies the whole chart each time,
    which was a third of a profile page's drawing time."""
    chart.title = title
    chart.width = CHART_WIDTH
    chart.height = height
    chart.description = description
    chart.config = alt.Config(**CHART_CONFIG)
    return chart
