"""Altair charts of the organisation-level results tables.

Same rules as :mod:`wres.report.charts`: a fixed width (which the site's renderer turns into
the container's width), Okabe-Ito colours (and shapes, so nothing
depends on colour alone), a title, axis titles with units, the meaning of the year, and a
``description`` text alternative that states what the chart shows. Organisation names reach
the chart only as data (Vega draws them as text and its tooltip escapes them); the
description is escaped by the offline renderer before it reaches the page.
"""

from __future__ import annotations

import json
import math
from urllib.parse import quote

import altair as alt
import numpy as np
import pandas as pd

from wres.registry import Indicator, Registry
from wres.report.charts import (
    CHART_CONFIG,
    CHART_WIDTH,
    PALETTE,
    series_year_tooltips,
    with_year_gaps,
    year_axis_title,
)
from wres.report.words import organisation_value_label as value_label
from wres.report.words import plural
from wres.results import ALL_ORGANISATIONS as ALL_ORGS

POSITION_WORDS = {
    "inside": "within the limits",
    "above": "above the upper limit",
    "below": "below the lower limit",
    "not estimable": "not placed (no estimate, or too few organisations)",
}
WITHIN, OUT95, OUT998 = "Within the 95% limits", "Outside the 95% limits", "Outside the 99.8% limits"
_WHERE_DOMAIN = [WITHIN, OUT95, OUT998]
_WHERE_COLOURS = ["#0072B2", "#E69F00", "#D55E00"]
_WHERE_SHAPES = ["circle", "triangle-up", "diamond"]
#: The funnel limit columns of ``trust_funnel_limits``: lower and upper, 95% and 99.8%.
_LIMIT_NAMES = ("ll95", "ul95", "ll998", "ul998")
LEVEL_WORDS = {"region": "region", "org_type": "type of organisation"}
#: Longest description (characters) before the list of named organisations is cut short.
MAX_NAMED = 25


def fmt(v: float, unit: str) -> str:
    """A value as a reader sees it: ``1.23`` for ratios, ``29.5%`` for percents."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.1f}%" if unit == "percent" else f"{v:.2f}"


def fmt_ci(lo: float, hi: float, unit: str) -> str:
    if pd.isna(lo) or pd.isna(hi):
        return "not available"
    return f"{fmt(lo, unit)} to {fmt(hi, unit)}"


def clean_text(value: object, limit: int = 200) -> str:
    """Text from data made safe to put in a chart: a string, no control characters, cut to
    ``limit`` characters. (Vega draws text, it does not interpret HTML.)"""
    s = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    s = "".join(ch if ch.isprintable() else " " for ch in s).strip()
    return s if len(s) <= limit else s[: limit - 1] + "…"


def value_axis_title(ind: Indicator, registry: Registry, short: bool = False) -> str:
    """The value axis title with its unit; ``short`` leaves out the indicator's label (for
    small charts whose title already carries it)."""
    label = value_label(ind, registry)
    if ind.trust.kind == "percentage":
        return "Per cent of staff (%)" if short else f"{label} (per cent, %)"
    if ind.trust.kind == "relative_likelihood":
        return "Ratio (log scale; 1 = parity)" if short else f"{label} (ratio, log scale; 1 = parity)"
    return "Ratio (log scale; 1 = in proportion)" if short else "Representation ratio (log scale; 1 = in proportion)"


def precision_axis_title(ind: Indicator, registry: Registry, survey_deff: float) -> str:
    """The funnel's x axis in words: how big each organisation is, in the units of the axis.
    ``survey_deff``: the design effect the analysis assumed (``survey_deff`` of the organisation meta)."""
    if ind.trust.kind == "percentage":
        g1, _ = ind.organisation_groups(registry.standard)
        return (
            f"Organisation size: {registry.standard.label(g1)} respondents to the survey "
            f"(effective number, respondents ÷ {survey_deff:g}; log scale)"
        )
    if ind.trust.kind == "representation":
        senior = ind.comparison.senior_label if ind.comparison else ind.trust.band
        return f"Organisation size: members of the {senior} (log scale)"
    # The axis is the statistical precision of the ratio, which grows with the staff in the
    # comparison; its numbers mean nothing to a reader, so the axis shows no numbers
    # (precision_axis_labels) and the tooltip gives the counts.
    return "Organisation size: staff in the comparison (log scale; larger organisations further right)"


def precision_axis_labels(ind: Indicator) -> bool:
    """Whether the funnel's x axis shows its numbers: counts of people, yes; a precision, no."""
    return ind.trust.kind != "relative_likelihood"


def _count(v: float) -> str:
    """A count with thousands separators; survey counts are weighted, so one decimal."""
    if v is None or not np.isfinite(v):
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _share(k: float, n: float) -> str:
    if not (np.isfinite(k) and np.isfinite(n)) or n <= 0:
        return "not available"
    return f"{_count(k)} of {_count(n)} ({100 * k / n:.1f}%)"


def count_tooltips(rows: pd.DataFrame, ind: Indicator, registry: Registry) -> tuple[pd.DataFrame, list[alt.Tooltip]]:
    """The counts behind each organisation's figure, as tooltip columns and their rows: the
    numerator and denominator of each group (``numerator_<group>``/``denominator_<group>``
    of ``trust_indicators``), and the organisation's size in the units of the funnel's x axis."""
    std = registry.standard
    out = pd.DataFrame(index=rows.index)
    tips = []

    def col(name: str) -> np.ndarray:
        return rows[name].astype(float).to_numpy() if name in rows else np.full(len(rows), np.nan)

    if ind.trust.kind == "representation":
        m = std.minority_group
        senior = ind.comparison.senior_label if ind.comparison else ind.trust.band
        pairs = [
            (f"{std.label(m)}, {senior}", col(f"numerator_{m}"), col(f"denominator_{m}")),
            (
                f"{std.label(m)}, whole workforce",
                col(f"workforce_numerator_{m}"),
                col(f"workforce_denominator_{m}"),
            ),
        ]
        size, size_words = col(f"denominator_{m}"), f"members of the {senior}"
    else:
        g1, g2 = ind.organisation_groups(std)
        pairs = [(std.label(g), col(f"numerator_{g}"), col(f"denominator_{g}")) for g in (g1, g2)]
        size = col(f"denominator_{g1}") + col(f"denominator_{g2}")
        size_words = "respondents" if ind.trust.kind == "percentage" else "staff in the comparison"
    for i, (title, k, n) in enumerate(pairs):
        out[f"count{i}"] = [_share(a, b) for a, b in zip(k, n, strict=True)]
        tips.append(alt.Tooltip(f"count{i}:N", title=title))
    out["size_t"] = [f"{_count(v)} {size_words}" if np.isfinite(v) else "not available" for v in size]
    tips.append(alt.Tooltip("size_t:N", title="Size"))
    return out, tips


def _year_words(ind: Indicator, year: int) -> str:
    return ind.year_phrase(int(year))


def _where(pos95: str, pos998: str) -> str:
    if pos998 in ("above", "below"):
        return OUT998
    if pos95 in ("above", "below"):
        return OUT95
    return WITHIN


def _title(text: str, subtitle: list[str]) -> alt.Title:
    return alt.Title(text, subtitle=subtitle, anchor="start")


def _log_domain(values: list[float], pad: float = 1.15) -> list[float]:
    v = [x for x in values if x is not None and np.isfinite(x) and x > 0]
    if not v:
        return [0.5, 2.0]
    return [min(v) / pad, max(v) * pad]


def _lin_domain(values: list[float], pad: float = 3.0, lo: float = 0.0, hi: float = 100.0) -> list[float]:
    v = [x for x in values if x is not None and np.isfinite(x)]
    if not v:
        return [lo, hi]
    return [max(lo, min(v) - pad), min(hi, max(v) + pad)]


def _band_frame(ind: Indicator, dom: list[float]) -> pd.DataFrame | None:
    """The non-adverse range clipped to the axis domain; None when it is off the axis."""
    if not (ind.non_adverse and ind.trust.kind == "relative_likelihood"):
        return None
    lo, hi = max(ind.non_adverse[0], dom[0]), min(ind.non_adverse[1], dom[1])
    if lo >= hi:
        return None
    return pd.DataFrame(
        {"lo": [lo], "hi": [hi], "name": [f"Non-adverse range {ind.non_adverse[0]:.2f}–{ind.non_adverse[1]:.2f}"]}
    )


def _value_scale(values: list[float], log: bool, log_pad: float, lin_pad: float) -> tuple[list[float], alt.Scale]:
    """The value axis' domain and scale: log (padded by the factor ``log_pad``) or linear
    (padded by ``lin_pad`` points)."""
    dom = _log_domain(values, log_pad) if log else _lin_domain(values, lin_pad)
    return dom, alt.Scale(type="log", domain=dom) if log else alt.Scale(domain=dom, zero=False)


def _band_layers(ind: Indicator, dom: list[float], **encoding) -> list:
    """The shaded non-adverse range as a one-layer list (empty when it is off the axis);
    ``encoding``: where the band's ``lo`` and ``hi`` go (e.g. ``y=alt.Y("lo:Q", ...), y2="hi:Q"``)."""
    band = _band_frame(ind, dom)
    if band is None:
        return []
    return [
        alt.Chart(band)
        .mark_rect(color="#009E73", opacity=0.10)
        .encode(**encoding, tooltip=alt.Tooltip("name:N", title="Shaded band"))
    ]


def _finish(chart, title: alt.Title, description: str, height: int = 320):
    """Title, size, text alternative and styling, set on the freshly built chart itself:
    Altair's chained ``.properties().configure_*()`` deep-copies the whole chart each time,
    which was a third of a profile page's drawing time."""
    chart.title = title
    chart.width = CHART_WIDTH
    chart.height = height
    chart.description = description
    chart.config = alt.Config(**CHART_CONFIG)
    return chart


# ---------------------------------------------------------------------------------------
# Funnel plot
# ---------------------------------------------------------------------------------------


def _sig(v: float, digits: int = 4) -> float:
    """``v`` to ``digits`` significant figures: a point's position needs no more, and the
    chart's data (on every profile page) shrinks by half."""
    return float(f"{v:.{digits}g}")


def _label_side(x: float, xs: list[float]) -> dict:
    """Text placement that keeps a label beside a point inside the plot: to the left of a
    point in the right half of the (log) x axis, else to the right."""
    v = [np.log(t) for t in xs if t is not None and np.isfinite(t) and t > 0]
    lo, hi = (min(v), max(v)) if v else (0.0, 1.0)
    right_half = hi > lo and (np.log(x) - lo) / (hi - lo) > 0.5
    return {"align": "right", "dx": -12} if right_half else {"align": "left", "dx": 12}


def _lean_points(placed: pd.DataFrame, profile_link: str | None) -> alt.Chart:
    """The other organisations' points of a profile's funnel, as small as they can be: short
    keys, positions to 4 significant figures, the position against the limits as a number
    and the link made in the browser from the code (when every code is URL-safe); the
    fields the chart encodes (``funnel_precision``, ``value``, ``where``, ``href``) are
    calculated from them."""
    data = pd.DataFrame(
        {
            "p": placed["funnel_precision"].map(_sig),
            "v": placed["value"].map(_sig),
            "name": placed["name"],
            "code": placed["code"],
            "w": placed["where"].map(_WHERE_DOMAIN.index),
        }
    )
    calc = {
        "funnel_precision": "datum.p",
        "value": "datum.v",
        "where": f"{json.dumps(_WHERE_DOMAIN, ensure_ascii=False)}[datum.w]",
    }
    if profile_link:
        before, _, after = profile_link.partition("{org_code}")
        if "{org_code}" not in after and all(quote(c, safe="") == c for c in placed["org_code"].astype(str)):
            calc["href"] = f"{json.dumps(before)} + datum.code + {json.dumps(after)}"
        else:
            data["href"] = placed["href"]
    return alt.Chart(data).transform_calculate(**calc)


def funnel_chart(
    rows: pd.DataFrame,
    limits: pd.DataFrame,
    ind: Indicator,
    registry: Registry,
    *,
    year: int | None = None,
    fit: pd.Series | dict | None = None,
    highlight: str | None = None,
    survey_deff: float,
    profile_link: str | None = None,
    lean: bool | None = None,
) -> alt.LayerChart:
    """Interactive funnel plot of one indicator in one year (default: the latest).

    ``rows``: ``trust_indicators`` rows of the indicator; ``limits``: its
    ``trust_funnel_limits`` rows; ``fit``: its ``trust_funnel_fits`` row for the year (for the
    target and the overdispersion words). Points are organisations (tooltip: name, code,
    region, type, value, 95% CI, position against the 95% and 99.8% limits, the counts of
    each group and the organisation's size); lines are the pooled value (target) and the 95%
    (dashed) and 99.8% (dotted) limits. ``highlight``: an organisation code drawn with a ring,
    labelled with its code and named in the legend. ``profile_link``: the URL pattern of the
    profile pages relative to the page showing the chart (``{org_code}`` is replaced by the
    URL-quoted code); each point then links to its organisation's profile. ``lean``: the
    other organisations' points carry only position, place, name, code and link (for a
    profile page, which shows one funnel per indicator); default: lean when ``highlight``
    is given.
    """
    unit = "percent" if ind.trust.kind == "percentage" else "ratio"
    log_y = unit == "ratio"
    lean = bool(highlight) if lean is None else lean
    if year is None:
        year = int(rows["year"].max())
    r = rows[(rows["year"] == year)].copy()
    lim = limits[limits["year"] == year].copy() if len(limits) else limits
    placed = r[
        np.isfinite(r["value"].astype(float))
        & np.isfinite(r["funnel_precision"].astype(float))
        & (r["funnel_precision"].astype(float) > 0)
    ].copy()
    n_not = len(r) - len(placed)
    placed["name"] = placed["org_name"].map(clean_text)
    placed["code"] = placed["org_code"].map(lambda s: clean_text(s, 40))
    placed["region_t"] = placed["region"].map(clean_text)
    placed["type_t"] = placed["org_type"].map(clean_text)
    placed["value_t"] = placed["value"].map(lambda v: fmt(v, unit))
    placed["ci_t"] = [fmt_ci(a, b, unit) for a, b in zip(placed["ci_low"], placed["ci_high"], strict=True)]
    placed["pos95"] = placed["funnel_position_95"].map(lambda p: POSITION_WORDS.get(p, p))
    placed["pos998"] = placed["funnel_position_998"].map(lambda p: POSITION_WORDS.get(p, p))
    placed["where"] = [
        _where(a, b) for a, b in zip(placed["funnel_position_95"], placed["funnel_position_998"], strict=True)
    ]
    placed["href"] = (
        placed["org_code"].map(lambda c: profile_link.format(org_code=quote(str(c), safe=""))) if profile_link else ""
    )
    counts, count_tips = count_tooltips(placed, ind, registry)
    placed = placed.join(counts)
    is_hl = (placed["org_code"] == highlight) if highlight else pd.Series(False, index=placed.index)
    full = ["funnel_precision", "value", "name", "code", "region_t", "type_t", "value_t", "ci_t", "pos95", "pos998"]
    full += ["where", "href", *counts.columns]
    if lean:
        points_chart = _lean_points(placed, profile_link)
    else:
        points_chart = alt.Chart(placed[full] if profile_link else placed[full].drop(columns="href"))

    y_title = value_axis_title(ind, registry)
    x_title = precision_axis_title(ind, registry, survey_deff)
    target = None
    if fit is not None and pd.notna(fit.get("target", np.nan)):
        target = float(fit["target"])
    elif len(lim):
        target = float(lim["target"].iloc[0])

    values = list(placed["value"]) + ([target] if target is not None else [])
    y_dom, y_scale = _value_scale(values, log_y, 1.15, 3.0)
    x_scale = alt.Scale(type="log", zero=False)
    x_axis = alt.Axis() if precision_axis_labels(ind) else alt.Axis(labels=False, ticks=False)

    def xy(x_field: str, y_field: str) -> dict:
        return {
            "x": alt.X(x_field, scale=x_scale, title=x_title, axis=x_axis),
            "y": alt.Y(y_field, scale=y_scale, title=y_title),
        }

    layers = _band_layers(ind, y_dom, y=alt.Y("lo:Q", scale=y_scale, title=y_title), y2="hi:Q")
    if len(lim):
        # One row per precision, folded into the four curves in the browser: a quarter of
        # the data of one row per point and curve, and most of a funnel's size is its limits.
        wide = lim[["precision", *_LIMIT_NAMES]].astype(float)
        if lean:
            # Every other point (and the last) still draws smooth curves at any size.
            wide = wide.iloc[sorted({*range(0, len(wide), 2), len(wide) - 1})]
            wide = wide.apply(lambda c: c.map(lambda v: _sig(v) if np.isfinite(v) else v))
        drawable = "isValid(datum.y) && isFinite(datum.y)" + (" && datum.y > 0" if log_y else "")
        layers.append(
            alt.Chart(wide)
            .transform_fold(list(_LIMIT_NAMES), as_=["side", "y"])
            .transform_filter(drawable)
            .transform_calculate(limit="indexof(datum.side, '998') >= 0 ? '99.8% limits' : '95% limits'")
            .mark_line(color="#555555", strokeWidth=1.2, clip=True)
            .encode(
                **xy("precision:Q", "y:Q"),
                strokeDash=alt.StrokeDash(
                    "limit:N",
                    title="Funnel limits",
                    scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=[[6, 3], [2, 2]]),
                    legend=alt.Legend(orient="bottom", symbolStrokeWidth=2),
                ),
                detail="side:N",
            )
        )
    if target is not None:
        layers.append(
            alt.Chart(
                pd.DataFrame({"target": [target], "what": [f"Pooled value, all organisations: {fmt(target, unit)}"]})
            )
            .mark_rule(color="#222222", strokeWidth=1.5)
            .encode(
                y=alt.Y("target:Q", scale=y_scale, title=y_title), tooltip=alt.Tooltip("what:N", title="Target line")
            )
        )
    tooltip = [
        alt.Tooltip("name:N", title="Organisation"),
        alt.Tooltip("code:N", title="Code"),
        alt.Tooltip("region_t:N", title="Region"),
        alt.Tooltip("type_t:N", title="Type"),
        alt.Tooltip("value_t:N", title="Value"),
        alt.Tooltip("ci_t:N", title="95% confidence interval"),
        alt.Tooltip("pos95:N", title="Against the 95% limits"),
        alt.Tooltip("pos998:N", title="Against the 99.8% limits"),
        *count_tips,
    ]
    brief_tooltip = [
        alt.Tooltip("name:N", title="Organisation"),
        alt.Tooltip("code:N", title="Code"),
        alt.Tooltip("where:N", title="Position"),
    ]
    link = {"href": alt.Href("href:N")} if profile_link else {}
    where_scale_c = alt.Scale(domain=_WHERE_DOMAIN, range=_WHERE_COLOURS)
    where_scale_s = alt.Scale(domain=_WHERE_DOMAIN, range=_WHERE_SHAPES)
    layers.append(
        points_chart.mark_point(filled=True, opacity=0.8, clip=True, size=45).encode(
            **xy("funnel_precision:Q", "value:Q"),
            color=alt.Color(
                "where:N",
                title="Position against the limits",
                scale=where_scale_c,
                legend=alt.Legend(orient="bottom", direction="vertical", symbolOpacity=1),
            ),
            shape=alt.Shape("where:N", title="Position against the limits", scale=where_scale_s),
            tooltip=brief_tooltip if lean else tooltip,
            **link,
        )
    )
    if highlight and is_hl.any():
        hl = placed[is_hl][[c for c in full if c in placed and (profile_link or c != "href")]].copy()
        who = f"This organisation: {hl['name'].iloc[0]} ({hl['code'].iloc[0]})"
        hl["who"] = who
        ring = alt.Stroke(
            "who:N",
            title=None,
            scale=alt.Scale(domain=[who], range=["#000000"]),
            legend=alt.Legend(orient="bottom", symbolType="circle", symbolStrokeWidth=2.5, symbolSize=200),
        )
        # A ring on top of the organisation's own point: it stands out whatever the colour.
        layers.append(
            alt.Chart(hl)
            .mark_point(filled=False, size=260, strokeWidth=2.5, opacity=1)
            .encode(**xy("funnel_precision:Q", "value:Q"), stroke=ring, tooltip=tooltip, **link)
        )
        side = _label_side(
            float(hl["funnel_precision"].iloc[0]), [*placed["funnel_precision"], *lim.get("precision", [])]
        )
        layers.append(
            alt.Chart(hl)
            .mark_text(baseline="middle", fontWeight="bold", fontSize=12, **side)
            .encode(x=alt.X("funnel_precision:Q", scale=x_scale), y=alt.Y("value:Q", scale=y_scale), text="code:N")
        )

    od = funnel_model_words(fit, registry.standard.label(registry.standard.minority_group)) if fit is not None else ""
    title = _title(
        f"Indicator {ind.id}: {value_label(ind, registry)}, organisations compared",
        [_year_words(ind, year) + "; each point is one organisation.", od]
        if od
        else [_year_words(ind, year) + "; each point is one organisation."],
    )
    desc = describe_funnel(r, ind, registry, year, target, od, n_not)
    if highlight and is_hl.any():
        h = placed[is_hl].iloc[0]
        desc += (
            f" The ringed point is {h['name']} ({h['code']}): {h['value_t']}, {h['pos95']} at 95% "
            f"and {h['pos998']} at 99.8%."
        )
    chart = alt.layer(*layers).resolve_scale(
        color="independent", shape="independent", strokeDash="independent", stroke="independent"
    )
    return _finish(chart, title, desc, height=360)


def describe_funnel(
    rows: pd.DataFrame, ind: Indicator, registry: Registry, year: int, target: float | None, od: str, n_not: int
) -> str:
    unit = "percent" if ind.trust.kind == "percentage" else "ratio"
    p95, p998 = rows["funnel_position_95"], rows["funnel_position_998"]
    n = int((p95 != "not estimable").sum())
    parts = [f"Funnel plot of {value_label(ind, registry)} for {n} organisations, {_year_words(ind, year)}."]
    if target is not None:
        parts.append(
            f"The solid line is the pooled value of all organisations, {fmt(target, unit)}; "
            "dashed lines are 95% limits and dotted lines 99.8% limits, narrowing for larger organisations."
        )
    parts.append(
        f"{int((p998 == 'above').sum())} organisations lie above the upper 99.8% limit and "
        f"{int((p998 == 'below').sum())} below the lower one; {int((p95 == 'above').sum())} lie above "
        f"the upper 95% limit and {int((p95 == 'below').sum())} below the lower one."
    )
    if od:
        parts.append(od)
    out = rows[p998.isin(["above", "below"])].sort_values("value")
    if len(out):
        named = [
            f"{clean_text(o.org_name)} ({clean_text(o.org_code, 40)}) {fmt(o.value, unit)} {o.funnel_position_998}"
            for o in out.head(MAX_NAMED).itertuples()
        ]
        more = f" and {len(out) - MAX_NAMED} more" if len(out) > MAX_NAMED else ""
        parts.append("Outside the 99.8% limits: " + "; ".join(named) + more + ".")
    if n_not:
        parts.append(
            f"{plural(n_not, 'organisation')} {'has' if n_not == 1 else 'have'} no estimate and "
            f"{'is' if n_not == 1 else 'are'} not shown."
        )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------
# Regional and org-type breakdowns
# ---------------------------------------------------------------------------------------


def breakdown_chart(
    aggregates: pd.DataFrame, ind: Indicator, registry: Registry, *, level: str = "region", year: int | None = None
) -> alt.LayerChart | None:
    """Pooled value with its 95% CI by region or type of organisation, one year (default:
    the latest), against the pooled value of all organisations. None if no such rows."""
    unit = "percent" if ind.trust.kind == "percentage" else "ratio"
    a = aggregates[aggregates["indicator"] == ind.id]
    if year is None and len(a):
        year = int(a["year"].max())
    sub = a[(a["level"] == level) & (a["year"] == year)].copy()
    nat = a[(a["level"] == "national") & (a["year"] == year)]
    if sub.empty:
        return None
    sub["category_t"] = sub["category"].map(clean_text)
    sub["value_t"] = sub["value"].map(lambda v: fmt(v, unit))
    sub["ci_t"] = [fmt_ci(x, y, unit) for x, y in zip(sub["ci_low"], sub["ci_high"], strict=True)]
    sub["n_orgs"] = sub["n_orgs"].astype(int)
    sub = sub[["category_t", "value", "ci_low", "ci_high", "value_t", "ci_t", "n_orgs"]]
    words = LEVEL_WORDS.get(level, level)
    x_title = value_axis_title(ind, registry)
    values = [*sub["ci_low"], *sub["ci_high"], *sub["value"]]
    log_x = unit == "ratio"
    dom, x_scale = _value_scale(values, log_x, 1.05, 2.0)
    y = alt.Y(
        "category_t:N", title=words[0].upper() + words[1:], sort=alt.EncodingSortField("value", order="descending")
    )
    tooltip = [
        alt.Tooltip("category_t:N", title=words[0].upper() + words[1:]),
        alt.Tooltip("value_t:N", title="Pooled value"),
        alt.Tooltip("ci_t:N", title="95% confidence interval"),
        alt.Tooltip("n_orgs:Q", title="Organisations"),
    ]
    layers = _band_layers(ind, dom, x=alt.X("lo:Q", scale=x_scale), x2="hi:Q")
    if len(nat):
        nv = float(nat["value"].iloc[0])
        layers.append(
            alt.Chart(pd.DataFrame({"v": [nv], "what": [f"{ALL_ORGS}: {fmt(nv, unit)}"]}))
            .mark_rule(color="#555555", strokeDash=[4, 3])
            .encode(x=alt.X("v:Q", scale=x_scale), tooltip=alt.Tooltip("what:N", title="Dashed line"))
        )
    base = alt.Chart(sub)
    layers.append(
        base.mark_rule(color=PALETTE[0], strokeWidth=2).encode(
            y=y, x=alt.X("ci_low:Q", scale=x_scale, title=x_title), x2="ci_high:Q", tooltip=tooltip
        )
    )
    layers.append(
        base.mark_point(filled=True, size=70, color=PALETTE[0]).encode(
            y=y, x=alt.X("value:Q", scale=x_scale, title=x_title), tooltip=tooltip
        )
    )
    nat_txt = (
        f" The dashed line is the value for all organisations, {fmt(float(nat['value'].iloc[0]), unit)}."
        if len(nat)
        else ""
    )
    desc = (
        f"Pooled {value_label(ind, registry)} with 95% confidence intervals by {words}, {_year_words(ind, year)}."
        f"{nat_txt} "
        + "; ".join(
            f"{c}: {v} (95% CI {ci}; {n} organisations)"
            for c, v, ci, n in zip(sub["category_t"], sub["value_t"], sub["ci_t"], sub["n_orgs"], strict=True)
        )
        + "."
    )
    title = _title(
        f"Indicator {ind.id}: {value_label(ind, registry)} by {words}",
        [f"{_year_words(ind, year)}; counts pooled over organisations; bars are 95% confidence intervals"],
    )
    chart = alt.layer(*layers)
    chart = chart.properties(title=title, width=CHART_WIDTH, height=alt.Step(26), description=desc)
    chart.config = alt.Config(**{**CHART_CONFIG, "axis": {**CHART_CONFIG["axis"], "labelLimit": 260}})
    return chart


# ---------------------------------------------------------------------------------------
# Share of organisations in the non-adverse range
# ---------------------------------------------------------------------------------------


def share_in_range_chart(share: pd.DataFrame, ind: Indicator, registry: Registry) -> alt.Chart | None:
    """Per cent of organisations whose relative likelihood lies in the non-adverse range,
    by report year (bars), with the counts in the tooltip. None if there are no rows."""
    s = share[share["indicator"] == ind.id].sort_values("year").copy()
    if s.empty or not ind.non_adverse:
        return None
    lo, hi = ind.non_adverse
    s["pct"] = 100 * s["share"].astype(float)
    s["year"] = s["year"].astype(int)
    s["counts"] = [f"{int(a)} of {int(b)}" for a, b in zip(s["n_in_range"], s["n_orgs"], strict=True)]
    s["label"] = s["pct"].map(lambda v: "—" if pd.isna(v) else f"{v:.0f}%")
    years = [int(y) for y in s["year"]]
    x = alt.X("year:O", title=year_axis_title(ind), axis=alt.Axis(labelAngle=0))
    y_title = "Share of organisations (%)"
    tooltip = [
        alt.Tooltip("year:O", title="WRES report year"),
        alt.Tooltip("label:N", title="Share"),
        alt.Tooltip("counts:N", title="Organisations in range"),
        alt.Tooltip("n_not_estimable:Q", title="Without an estimate"),
    ]
    base = alt.Chart(s)
    bars = base.mark_bar(color=PALETTE[2]).encode(
        x=x, y=alt.Y("pct:Q", title=y_title, scale=alt.Scale(domain=[0, 100])), tooltip=tooltip
    )
    text = base.mark_text(dy=-6, fontSize=12).encode(x=x, y="pct:Q", text="label:N")
    desc = (
        f"Bar chart: share of organisations whose {value_label(ind, registry)} lies in NHS England's non-adverse "
        f"range {lo:.2f}–{hi:.2f}, by WRES report year. "
        + "; ".join(f"{y}: {c} ({lab})" for y, c, lab in zip(years, s["counts"], s["label"], strict=True))
        + "."
    )
    title = _title(
        f"Indicator {ind.id}: organisations in the non-adverse range ({lo:.2f}–{hi:.2f})", [year_axis_title(ind)]
    )
    return _finish(alt.layer(bars, text), title, desc, height=260)


# ---------------------------------------------------------------------------------------
# One organisation over time
# ---------------------------------------------------------------------------------------


def profile_chart(
    org_rows: pd.DataFrame,
    national: pd.DataFrame,
    ind: Indicator,
    registry: Registry,
    *,
    org_label: str = "This organisation",
    peers: bool = True,
) -> alt.LayerChart | None:
    """One organisation's value (points with 95% CI bars) by year against the pooled value of
    all organisations (dashed line). ``org_rows``: its ``trust_indicators`` rows for the
    indicator; ``national``: the ``trust_aggregates`` national rows for the indicator.
    ``peers=False`` (the build holds no other organisation): no "all organisations" line,
    which would only repeat the organisation's own figures."""
    unit = "percent" if ind.trust.kind == "percentage" else "ratio"
    o = org_rows[np.isfinite(org_rows["value"].astype(float))].copy()
    if o.empty:
        return None
    who = clean_text(org_label, 80)
    o["series"] = who
    o["year"] = o["year"].astype(int)
    o["value_t"] = o["value"].map(lambda v: fmt(v, unit))
    o["ci_t"] = [fmt_ci(a, b, unit) for a, b in zip(o["ci_low"], o["ci_high"], strict=True)]
    o["pos"] = o["funnel_position_95"].map(lambda p: POSITION_WORDS.get(p, p))
    o = o[["year", "value", "ci_low", "ci_high", "series", "value_t", "ci_t", "pos"]]
    n = national[np.isfinite(national["value"].astype(float))].copy()
    if not peers:
        n = n.iloc[0:0]
    n["series"] = ALL_ORGS
    n["year"] = n["year"].astype(int)
    n["value_t"] = n["value"].map(lambda v: fmt(v, unit))
    n = n[["year", "value", "series", "value_t"]]
    years = sorted(set(o["year"]) | set(n["year"]))
    log_y = unit == "ratio"
    values = [*o["value"], *o["ci_low"], *o["ci_high"], *n["value"]]
    dom, y_scale = _value_scale(values, log_y, 1.1, 3.0)
    y_title = value_axis_title(ind, registry, short=True)
    x = alt.X(
        "year:Q",
        title=year_axis_title(ind),
        axis=alt.Axis(format="d", values=years),
        scale=alt.Scale(domain=[min(years) - 0.5, max(years) + 0.5]),
    )
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(
            domain=[who, ALL_ORGS][: 2 if len(n) else 1], range=[PALETTE[0], "#666666"][: 2 if len(n) else 1]
        ),
        # Full-colour dots, not the first layer's dashed line or the thin interval bars.
        legend=alt.Legend(orient="bottom", symbolType="circle", symbolOpacity=1),
    )
    layers = _band_layers(ind, dom, y=alt.Y("lo:Q", scale=y_scale, title=y_title), y2="hi:Q")
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
        alt.Tooltip("ci_t:N", title="95% confidence interval"),
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
    desc = (
        f"{value_label(ind, registry)} for {who} by {year_axis_title(ind)}, with 95% confidence intervals"
        + (" against the pooled value of all organisations" if len(n) else "")
        + f". {who}: "
        + "; ".join(f"{y}: {v} (95% CI {c})" for y, v, c in zip(o["year"], o["value_t"], o["ci_t"], strict=True))
        + (
            ". All organisations: " + "; ".join(f"{y}: {v}" for y, v in zip(n["year"], n["value_t"], strict=True))
            if len(n)
            else ""
        )
        + "."
    )
    title = _title(f"Indicator {ind.id}: {ind.title}", [f"{value_label(ind, registry)}; {year_axis_title(ind)}"])
    return _finish(alt.layer(*layers), title, desc, height=170)


def _tau2_scale(fit) -> str:
    return {"log": "log scale", "asin": "arcsine square-root scale"}.get(str(fit.get("transform", "")), "")


def funnel_model_words(fit, minority_label: str = "") -> str:
    """What the funnel fitted to this page's data says about chance and widening.

    Every sentence follows the fit's ``method``, ``tau2``, ``phi`` and ``n_exact``
    (``trust_funnel_fits``): "additive" limits keep their stated share by chance (the
    calibration chapter); "exact_binomial" limits on whole counts flag at most that share;
    "funnelplotr" limits (an option) flag more."""
    if fit is None:
        return ""
    method = str(fit.get("method", "") or "funnelplotr")
    tau2 = float(fit["tau2"]) if pd.notna(fit.get("tau2")) else float("nan")
    n_exact = int(fit["n_exact"]) if pd.notna(fit.get("n_exact")) else 0
    scale = _tau2_scale(fit)
    if method == "exact_binomial":
        who = f"{minority_label} members" if minority_label else "members"
        return (
            "The limits are exact binomial limits on the number of " + who + " of each senior group; because "
            "counts are whole numbers, with no real differences at most about 5% (usually fewer) would lie "
            "outside the 95% limits by chance, and at most 0.2% outside the 99.8% limits. They are not "
            "widened: each organisation is compared with its own workforce share."
        )
    n_orgs = int(fit["n_orgs"]) if pd.notna(fit.get("n_orgs")) else 0
    exact = (
        ""
        if not n_exact
        else " Every organisation was placed by the exact binomial test used when events are rare or expected "
        "counts small."
        if n_exact >= n_orgs
        else f" {n_exact} organisation{'s' if n_exact != 1 else ''} with few expected events "
        f"{'were' if n_exact != 1 else 'was'} placed by an exact binomial test."
    )
    if method == "additive":
        chance = (
            "With no real differences between organisations about 5% would lie outside the 95% limits by "
            "chance, and about 0.2% outside the 99.8% limits"
        )
        if tau2 > 0:
            return (
                f"{chance}; the limits were widened for real differences between organisations "
                f"(τ² = {tau2:.3g} on the {scale}, DerSimonian–Laird).{exact}"
            )
        return (
            f"{chance}; the organisations differ no more than chance explains (τ² = 0), so the limits were not "
            f"widened.{exact}"
        )
    if method == "multiplicative":
        phi = max(1.0, float(fit["phi"])) if pd.notna(fit.get("phi")) else 1.0
        return (
            f"The limits were widened by a multiplicative factor (φ = {phi:.3g}) for differences between "
            f"organisations.{exact}"
        )
    if method == "none":
        return "The limits are not widened for differences between organisations, so they flag more than 5% by chance."
    widened = (
        f"the limits were widened by FunnelPlotR's method (τ² = {tau2:.3g} on the {scale})"
        if bool(fit.get("overdispersion")) and tau2 > 0
        else "the limits were not widened"
    )
    return (
        f"These limits follow the FunnelPlotR package (winsorised φ, each organisation's own standard error); "
        f"{widened}. This method flags more than its stated 5% by chance (see the calibration chapter)."
    )
