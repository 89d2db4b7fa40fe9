"""The funnel plot: every organisation's figure of one indicator in one year against its
size, with the pooled value and the 95% and 99.8% limits, and its text alternative.

One job: that chart (on an indicator chapter, and highlighted on each organisation's page).
The parts every organisation chart shares are in :mod:`wres.report.chart_parts`; what the
fitted funnel says in words is its method's (:func:`wres.stats.funnels.describe`).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import altair as alt
import numpy as np
import pandas as pd

from wres.kinds import Kind, kind_of
from wres.registry import Indicator, Registry
from wres.report import palette, settings_words
from wres.report.chart_parts import band_layers, clean_text, finish, power_ticks, title, value_scale
from wres.report.chart_template import PAGE_DATA, slot
from wres.report.charts import one_entry_legend
from wres.report.formats import CHART_NOT_PLACED, interval, position_words
from wres.report.words import plural
from wres.stats.funnels import describe as funnel_model_words

# The funnel's 95% and 99.8% are fixed control limits (wres.stats.funnels, columns ll95 to
# ul998), not confidence intervals: the registry's alpha does not move them, so their words stay.
WITHIN, OUT95, OUT998 = "Within the 95% limits", "Outside the 95% limits", "Outside the 99.8% limits"
_WHERE_DOMAIN = [WITHIN, OUT95, OUT998]
_WHERE_COLOURS = [palette.WITHIN_LIMITS, palette.OUTSIDE_95, palette.OUTSIDE_998]
_WHERE_SHAPES = ["circle", "triangle-up", "diamond"]
#: The funnel limit columns of ``trust_funnel_limits``: lower and upper, 95% and 99.8%.
_LIMIT_NAMES = ("ll95", "ul95", "ll998", "ul998")
#: Longest description (characters) before the list of named organisations is cut short.
MAX_NAMED = 25
#: The dataset of a profile's own organisation in a funnel template (its ring and label).
PAGE_HIGHLIGHT = f"{PAGE_DATA}highlight"


def _position(p: object) -> str:
    """A point's position against one set of limits, as the tooltip says it."""
    return position_words(p, not_placed=CHART_NOT_PLACED)


def _count(v: float) -> str:
    """A count with thousands separators; survey counts are weighted, so one decimal."""
    if v is None or not np.isfinite(v):
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _share(k: float, n: float) -> str:
    if not (np.isfinite(k) and np.isfinite(n)) or n <= 0:
        return "not available"
    return f"{_count(k)} of {_count(n)} ({100 * k / n:.1f}%)"


def count_tooltips(rows: pd.DataFrame, kind: Kind) -> tuple[pd.DataFrame, list[alt.Tooltip]]:
    """The counts behind each organisation's figure, as tooltip columns and their rows: the
    numerator and denominator of each group (``numerator_<group>``/``denominator_<group>``
    of ``trust_indicators``), and the organisation's size in the units of the funnel's x axis."""
    out, fields = count_fields(rows, kind)
    return out, [alt.Tooltip(f"{f}:N", title=t) for f, t in fields]


def count_fields(rows: pd.DataFrame, kind: Kind) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """:func:`count_tooltips` as plain data: the columns, and (field, heading) of each."""
    out = pd.DataFrame(index=rows.index)
    tips = []

    def col(name: str) -> np.ndarray:
        return rows[name].astype(float).to_numpy() if name in rows else np.full(len(rows), np.nan)

    pairs = [(heading, col(k), col(n)) for heading, k, n in kind.count_columns()]
    size = sum(col(c) for c in kind.size_columns())
    size_words = kind.size_words
    for i, (heading, k, n) in enumerate(pairs):
        out[f"count{i}"] = [_share(a, b) for a, b in zip(k, n, strict=True)]
        tips.append((f"count{i}", heading))
    out["size_t"] = [f"{_count(v)} {size_words}" if np.isfinite(v) else "not available" for v in size]
    tips.append(("size_t", "Size"))
    return out, tips


def _where(pos95: str, pos998: str) -> str:
    if pos998 in ("above", "below"):
        return OUT998
    if pos95 in ("above", "below"):
        return OUT95
    return WITHIN


def _sig(v: float, digits: int = 4) -> float:
    """``v`` to ``digits`` significant figures: a point's position needs no more, and the
    chart's data (on every profile page) shrinks by half."""
    return float(f"{v:.{digits}g}")


def label_side(x: float, xs: list[float]) -> dict:
    """Text placement that keeps a label beside a point inside the plot: to the left of a
    point in the right half of the (log) x axis, else to the right."""
    v = [np.log(t) for t in xs if t is not None and np.isfinite(t) and t > 0]
    lo, hi = (min(v), max(v)) if v else (0.0, 1.0)
    right_half = hi > lo and (np.log(x) - lo) / (hi - lo) > 0.5
    return {"align": "right", "dx": -12} if right_half else {"align": "left", "dx": 12}


def _lean_points(placed: pd.DataFrame, profile_link: str | None, shared: str | None = None) -> alt.Chart:
    """The other organisations' points of a profile's funnel, as small as they can be: short
    keys, positions to 4 significant figures, the position against the limits as a number
    and the link made in the browser from the code (when every code is URL-safe); the
    fields the chart encodes (``funnel_precision``, ``value``, ``where``, ``href``) are
    calculated from them. ``shared``: the points are the named dataset ``<shared>-points``,
    which the page loads from one file per indicator (:func:`funnel_shared_data`)."""
    data, calc = _lean_records(placed, profile_link)
    return alt.Chart(alt.NamedData(f"{shared}-points") if shared else data).transform_calculate(**calc)


def _lean_records(placed: pd.DataFrame, profile_link: str | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The lean points' data, and the calculations that turn them into the encoded fields."""
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
    return data, calc


def _lean_limits(lim: pd.DataFrame) -> pd.DataFrame:
    """Every other row of the limits (and the last), to 4 significant figures: still smooth
    curves at any size."""
    wide = lim[["precision", *_LIMIT_NAMES]].astype(float)
    wide = wide.iloc[sorted({*range(0, len(wide), 2), len(wide) - 1})]
    return wide.apply(lambda c: c.map(lambda v: _sig(v) if np.isfinite(v) else v))


def placed_rows(r: pd.DataFrame, profile_link: str | None) -> pd.DataFrame:
    """The organisations a funnel draws (finite value, positive precision), with their names
    and codes cleaned of markup, their place against the limits and their profile link."""
    placed = r[
        np.isfinite(r["value"].astype(float))
        & np.isfinite(r["funnel_precision"].astype(float))
        & (r["funnel_precision"].astype(float) > 0)
    ].copy()
    placed["name"] = placed["org_name"].map(clean_text)
    placed["code"] = placed["org_code"].map(lambda s: clean_text(s, 40))
    placed["where"] = [
        _where(a, b) for a, b in zip(placed["funnel_position_95"], placed["funnel_position_998"], strict=True)
    ]
    placed["href"] = (
        placed["org_code"].map(lambda c: profile_link.format(org_code=quote(str(c), safe=""))) if profile_link else ""
    )
    return placed


def shared_funnel_name(ind: Indicator) -> str:
    """The name of one indicator's shared funnel data: its file and its datasets' prefix."""
    return f"funnel-{ind.slug}"


def funnel_shared_data(
    rows: pd.DataFrame, limits: pd.DataFrame, ind: Indicator, *, profile_link: str | None, year: int | None = None
) -> dict[str, list[dict]]:
    """What every profile's funnel of ``ind`` draws in common, once: the organisations' lean
    points (``<name>-points``) and the limits (``<name>-limits``) of the latest year (default)
    as records. Profile charts made with ``shared=True`` name these datasets instead of
    carrying them, so N profiles do not each repeat N organisations on every funnel."""
    if year is None:
        year = int(rows["year"].max())
    points, _ = _lean_records(placed_rows(rows[rows["year"] == year], profile_link), profile_link)
    lim = limits[limits["year"] == year] if len(limits) else limits
    name = shared_funnel_name(ind)
    return {
        f"{name}-points": _records(points),
        f"{name}-limits": _records(_lean_limits(lim)) if len(lim) else [],
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    # Through Altair's own serialiser, so the shared records are the values it would have
    # written into each chart (non-finite numbers become null, as inline).
    return alt.Chart(frame).to_dict(validate=False)["datasets"].popitem()[1]


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
    shared: bool = False,
    highlight_slots: bool = False,
) -> alt.LayerChart:
    """Interactive funnel plot of one indicator in one year (default: the latest).

    ``rows``: ``trust_indicators`` rows of the indicator; ``limits``: its
    ``trust_funnel_limits`` rows; ``fit``: its ``trust_funnel_fits`` row for the year (for the
    target and the overdispersion words). Points are organisations (tooltip: name, code,
    region, type, value, its confidence interval, position against the 95% and 99.8% limits, the counts of
    each group and the organisation's size); lines are the pooled value (target) and the 95%
    (dashed) and 99.8% (dotted) limits. ``highlight``: an organisation code drawn with a ring,
    labelled with its code and named in the legend. ``profile_link``: the URL pattern of the
    profile pages relative to the page showing the chart (``{org_code}`` is replaced by the
    URL-quoted code); each point then links to its organisation's profile. ``lean``: the
    other organisations' points carry only position, place, name, code and link (for a
    profile page, which shows one funnel per indicator); default: lean when ``highlight``
    is given. ``shared`` (lean charts only): the other organisations' points and the limits
    are the named datasets of :func:`funnel_shared_data`, which the page loads once per
    indicator (the chart's ``usermeta.wresShared`` names the file). ``highlight_slots``: the
    template of every profile's funnel (:mod:`wres.report.profile_parts`): the ring and the
    label draw the dataset :data:`PAGE_HIGHLIGHT`, and the legend's name and the label's side
    are the slots ``who``, ``align`` and ``dx``, which each page fills.
    """
    kind = kind_of(ind, registry)
    lean = bool(highlight) if lean is None else lean
    if year is None:
        year = int(rows["year"].max())
    r = rows[(rows["year"] == year)].copy()
    lim = limits[limits["year"] == year].copy() if len(limits) else limits
    placed = placed_rows(r, profile_link)
    n_not = len(r) - len(placed)
    is_hl = (placed["org_code"] == highlight) if highlight else pd.Series(False, index=placed.index)
    # A lean chart shows no other organisation's details: only the highlighted one's are
    # worked out (on a profile, that is most of the chart's cost saved).
    detail, count_fields_ = detail_rows(placed[is_hl].copy() if lean else placed, kind)
    count_tips = [alt.Tooltip(f"{f}:N", title=t) for f, t in count_fields_]
    full = detail_fields([f for f, _ in count_fields_])
    shared_name = shared_funnel_name(ind) if shared and lean else None
    if lean:
        points_chart = _lean_points(placed, profile_link, shared_name)
    else:
        points_chart = alt.Chart(detail[full] if profile_link else detail[full].drop(columns="href"))

    y_title = kind.value_axis_title()
    x_title = kind.size_axis_title(survey_deff)
    target = funnel_target(fit, lim)

    values = list(placed["value"]) + ([target] if target is not None else [])
    y_dom, y_scale = value_scale(kind, values, 1.15, 3.0)
    # A statistical precision means nothing to a reader: its axis shows no numbers, the
    # tooltip gives the counts. A size axis is marked at 100, 1,000, 10,000…: a reader finds
    # their organisation's size at a glance, and the log scale's own ticks crowd.
    if kind.size_axis_numbers:
        sizes = [*placed["funnel_precision"].astype(float), *(lim["precision"].astype(float) if len(lim) else [])]
        ticks = power_ticks(sizes)
        x_scale = alt.Scale(type="log", zero=False, domain=[ticks[0], ticks[-1]] if ticks else alt.Undefined)
        x_axis = alt.Axis(values=ticks, format=",.0f", grid=True) if ticks else alt.Axis()
    else:
        x_scale = alt.Scale(type="log", zero=False)
        x_axis = alt.Axis(labels=False, ticks=False)

    def xy(x_field: str, y_field: str) -> dict:
        return {
            "x": alt.X(x_field, scale=x_scale, title=x_title, axis=x_axis),
            "y": alt.Y(y_field, scale=y_scale, title=y_title),
        }

    layers = band_layers(kind, y_dom, y=alt.Y("lo:Q", scale=y_scale, title=y_title), y2="hi:Q")
    if len(lim):
        # One row per precision, folded into the four curves in the browser: a quarter of
        # the data of one row per point and curve, and most of a funnel's size is its limits.
        wide = _lean_limits(lim) if lean else lim[["precision", *_LIMIT_NAMES]].astype(float)
        if shared_name:
            wide = alt.NamedData(f"{shared_name}-limits")
        drawable = "isValid(datum.y) && isFinite(datum.y)" + (" && datum.y > 0" if kind.log_scale else "")
        layers.append(
            alt.Chart(wide)
            .transform_fold(list(_LIMIT_NAMES), as_=["side", "y"])
            .transform_filter(drawable)
            .transform_calculate(limit="indexof(datum.side, '998') >= 0 ? '99.8% limits' : '95% limits'")
            .mark_line(color=palette.FUNNEL_LIMITS, strokeWidth=1.2, clip=True)
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
        pooled = f"Pooled value, all organisations: {kind.fmt(target)}"
        layers.append(
            alt.Chart(pd.DataFrame({"target": [target], "what": [pooled]}))
            .mark_rule(strokeWidth=1.5)
            .encode(
                y=alt.Y("target:Q", scale=y_scale, title=y_title),
                # Named in the legend, by its own stroke scale (resolved independently below).
                stroke=alt.Stroke(
                    "what:N",
                    title=None,
                    scale=alt.Scale(domain=[pooled], range=[palette.FUNNEL_TARGET]),
                    legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2),
                ),
                tooltip=alt.Tooltip("what:N", title="Target line"),
            )
        )
    tooltip = [
        alt.Tooltip("name:N", title="Organisation"),
        alt.Tooltip("code:N", title="Code"),
        alt.Tooltip("region_t:N", title="Region"),
        alt.Tooltip("type_t:N", title="Type"),
        alt.Tooltip("value_t:N", title="Value"),
        alt.Tooltip("ci_t:N", title=f"{settings_words.confidence(registry)} confidence interval"),
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
    hl = None
    if highlight_slots:
        hl, who, side = alt.NamedData(PAGE_HIGHLIGHT), slot("who"), {"align": slot("align"), "dx": slot("dx")}
    elif highlight and is_hl.any():
        hl, who = highlight_frame(detail, highlight, full, profile_link)
        side = label_side(
            float(hl["funnel_precision"].iloc[0]), [*placed["funnel_precision"], *lim.get("precision", [])]
        )
    if hl is not None:
        ring = one_entry_legend(
            alt.Stroke,
            "who:N",
            who,
            palette.THIS_ORGANISATION_RING,
            symbolType="circle",
            symbolStrokeWidth=2.5,
            symbolSize=200,
        )
        # A ring on top of the organisation's own point: it stands out whatever the colour.
        layers.append(
            alt.Chart(hl)
            .mark_point(filled=False, size=260, strokeWidth=2.5, opacity=1)
            .encode(**xy("funnel_precision:Q", "value:Q"), stroke=ring, tooltip=tooltip, **link)
        )
        layers.append(
            alt.Chart(hl)
            .mark_text(baseline="middle", fontWeight="bold", fontSize=12, **side)
            .encode(x=alt.X("funnel_precision:Q", scale=x_scale), y=alt.Y("value:Q", scale=y_scale), text="code:N")
        )

    # The model's words (the spread between organisations, tau2, the estimator) are in the
    # text alternative and the notes beside the chart (the indicator chapter's introduction
    # to the plot), not in its subtitle.
    heading = title(*funnel_heading(ind, kind, year))
    desc = describe_funnel(r, kind, year, target, funnel_model_words_of(fit, registry), n_not)
    if highlight and is_hl.any():
        desc += ringed_words(detail[detail["org_code"] == highlight].iloc[0])
    chart = alt.layer(*layers).resolve_scale(
        color="independent", shape="independent", strokeDash="independent", stroke="independent", fill="independent"
    )
    chart = finish(chart, heading, desc, height=360)
    if shared_name:
        chart.usermeta = {"wresShared": shared_name}
    return chart


def detail_rows(placed: pd.DataFrame, kind: Kind) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """``placed`` (of :func:`placed_rows`) with what a point's full tooltip says (region,
    type, value, interval, positions, counts), and the count fields as (field, heading)."""
    detail = placed.copy()
    detail["region_t"] = detail["region"].map(clean_text)
    detail["type_t"] = detail["org_type"].map(clean_text)
    detail["value_t"] = detail["value"].map(kind.fmt)
    detail["ci_t"] = [interval(a, b, kind.fmt) for a, b in zip(detail["ci_low"], detail["ci_high"], strict=True)]
    detail["pos95"] = detail["funnel_position_95"].map(_position)
    detail["pos998"] = detail["funnel_position_998"].map(_position)
    counts, fields = count_fields(detail, kind)
    return detail.join(counts), fields


def detail_fields(count_columns: list[str]) -> list[str]:
    """The fields of a point with its full tooltip, in the chart's order."""
    full = ["funnel_precision", "value", "name", "code", "region_t", "type_t", "value_t", "ci_t", "pos95", "pos998"]
    return [*full, "where", "href", *count_columns]


def highlight_frame(
    detail: pd.DataFrame, highlight: str, full: list[str], profile_link: str | None
) -> tuple[pd.DataFrame, str]:
    """The highlighted organisation's row as its ring and label draw it, and its legend entry."""
    hl = detail[detail["org_code"] == highlight]
    hl = hl[[c for c in full if c in hl and (profile_link or c != "href")]].copy()
    who = f"This organisation: {hl['name'].iloc[0]} ({hl['code'].iloc[0]})"
    hl["who"] = who
    return hl, who


def funnel_target(fit: pd.Series | dict | None, lim: pd.DataFrame) -> float | None:
    """The pooled value the funnel is drawn around: the fit's target, else the limits'."""
    if fit is not None and pd.notna(fit.get("target", np.nan)):
        return float(fit["target"])
    if len(lim):
        return float(lim["target"].iloc[0])
    return None


def funnel_model_words_of(fit: pd.Series | dict | None, registry: Registry) -> str:
    """What the fitted funnel says in words ("" without a fit)."""
    # The model's words (the spread between organisations, tau2, the estimator) are in the
    # text alternative and the notes beside the chart (the indicator chapter's introduction
    # to the plot), not in its subtitle.
    return funnel_model_words(fit, registry.standard.label(registry.standard.minority_group)) if fit is not None else ""


def funnel_heading(ind: Indicator, kind: Kind, year: int) -> tuple[str, list[str]]:
    """The funnel's title and subtitle."""
    return (
        f"{ind.name}: {kind.value_label()}, organisations compared",
        [ind.year_phrase(int(year)) + "; each point is one organisation."],
    )


def ringed_words(h: pd.Series) -> str:
    """The sentence the description adds for the ringed organisation (a row of :func:`detail_rows`)."""
    return (
        f" The ringed point is {h['name']} ({h['code']}): {h['value_t']}, {h['pos95']} at 95% "
        f"and {h['pos998']} at 99.8%."
    )


def describe_funnel(rows: pd.DataFrame, kind: Kind, year: int, target: float | None, od: str, n_not: int) -> str:
    """The funnel plot's text alternative: what it shows, how many lie outside each limit,
    and which organisations lie outside the 99.8% limits."""
    p95, p998 = rows["funnel_position_95"], rows["funnel_position_998"]
    n = int((p95 != "not estimable").sum())
    parts = [f"Funnel plot of {kind.value_label()} for {n} organisations, {kind.ind.year_phrase(int(year))}."]
    if target is not None:
        parts.append(
            f"The solid line is the pooled value of all organisations, {kind.fmt(target)}; "
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
            f"{clean_text(o.org_name)} ({clean_text(o.org_code, 40)}) {kind.fmt(o.value)} {o.funnel_position_998}"
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
