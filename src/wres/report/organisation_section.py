"""The "Organisations" part at the bottom of an indicator chapter.

An indicator template shows it with one cell::

    from wres.report.organisation_section import section
    for x in section(indicator_id, results_dir):
        display(x)

It reads the organisation tables in :data:`READS` from ``results_dir``. Without organisation data (files absent or empty) it returns a single
Markdown note. When ``trust_meta.json`` says ``"synthetic": true`` every part built from
the data starts with a visible warning banner (:func:`synthetic_banner_html`).
Text from data is escaped before it reaches HTML or Markdown.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from IPython.display import HTML, Markdown

from wres import results
from wres.kinds import kind_of
from wres.registry import Indicator, Registry, load_registry
from wres.report import settings_words
from wres.report.breakdown_chart import LEVEL_WORDS, breakdown_chart
from wres.report.downloads import count_columns, links, write_pair
from wres.report.formats import interval, limit_words
from wres.report.html import md_escape
from wres.report.organisation_charts import funnel_chart
from wres.report.share_chart import share_in_range_chart
from wres.report.tables import Column, chart_table, chart_title, number
from wres.results import ALL_ORGANISATIONS
from wres.stats.funnels import describe as funnel_model_words

#: The results this part reads ("organisation_meta" is ``trust_meta.json``, read with
#: :func:`wres.results.read_meta`).
READS: tuple[str, ...] = (
    "organisation_indicators",
    "organisation_funnel_fits",
    "organisation_funnel_limits",
    "organisation_aggregates",
    "organisation_share_in_range",
    results.ORGANISATION_META_KEY,
)
#: What the synthetic banner reads.
BANNER_READS: tuple[str, ...] = (results.ORGANISATION_META_KEY,)

BANNER_CLASS = "admonition warning wres-synthetic-banner"
NO_DATA = (
    "## Organisations\n\nNo organisation-level figures are in this build, so this chapter shows "
    "national figures only. How an analyst adds an organisation's own figures is described in "
    "{doc}`the reuse chapter </book/reuse>`."
)


def synthetic_banner_html(results_dir: str | Path, scope: str = "section") -> str:
    """The warning shown on every part built from synthetic organisations ("" otherwise).

    Synthetic means ``trust_meta.json`` in ``results_dir`` has ``"synthetic": true``.
    ``scope`` is the word the banner uses for what it covers: ``"section"`` or ``"page"``."""
    meta = results.read_meta(results_dir)
    if meta.get("synthetic") is not True:
        return ""
    source = meta.get("source") or "a seeded random generator"
    return (
        f'<div class="{BANNER_CLASS}" role="note">'
        '<p class="admonition-title">Synthetic demonstration data</p>'
        f"<p>The organisations and figures {'on this page' if scope == 'page' else 'in this section'} are fictitious. They were generated "
        f"({html.escape(str(source))}) so that their national totals match the published "
        f"{html.escape(load_registry().standard.short_name)} "
        "series, to show how organisation-level results will look. They describe no real NHS "
        "organisation and must not be quoted as findings.</p></div>"
    )


def _fmt_pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{100 * x:.0f}%"


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-") or "figures"


def _parity_words(rows: pd.DataFrame) -> str:
    """The parity view of a representation funnel: each senior group against its own workforce."""
    if "parity_position_95" not in rows.columns:
        return ""
    p = rows["parity_position_95"].fillna("")
    n = int(p.isin(["above", "below", "inside"]).sum())
    if not n:
        return ""
    return (
        f"**Parity view:** against its own workforce share (a senior group mirroring the workforce), "
        # A fixed 95% control limit (exact binomial), not the registry's confidence level.
        f"{int((p == 'below').sum())} of {n} organisations lie below the 95% limit and "
        f"{int((p == 'above').sum())} above it (exact binomial); the funnel plot shows the "
        "national-ratio view, in which each is compared with its workforce share times the ratio of all "
        "organisations."
    )


def _intro(
    ind: Indicator,
    registry: Registry,
    rows: pd.DataFrame,
    fit: pd.Series | None,
    year: int,
    deff: float,
    min_orgs: int,
    n_estimates: int,
) -> str:
    kind = kind_of(ind, registry)
    n = rows["org_code"].nunique()
    p95, p998 = rows["funnel_position_95"], rows["funnel_position_998"]
    label = md_escape(kind.value_label())
    orgs = "organisation" if n == 1 else "organisations"
    parts = [f"How the {n} {orgs} in the data compare on **{label}** in the {ind.year_phrase(year)}."]
    if fit is None or n_estimates < min_orgs:
        parts.append(
            f"A funnel plot needs at least {min_orgs} organisations with an estimate (below that the "
            "spread between organisations cannot be estimated well enough for the limits to keep their "
            f"stated error rate); this year has {n_estimates}, so there are no peers to compare with and "
            "no funnel is drawn."
        )
        if kind.parity_words:
            parts.append(_parity_words(rows))
        return " ".join(parts)
    target = kind.fmt(float(fit["target"]))
    parts.append(
        f"In the funnel plot each point is one organisation; the solid line is the pooled value of all "
        f"organisations ({target}) and the curves are the 95% and 99.8% limits, within which an organisation "
        "of that size would fall by chance alone if it were no different from the pooled value. "
        f"**{int(((p998 == 'above') | (p998 == 'below')).sum())}** organisations lie outside the "
        f"99.8% limits ({int((p998 == 'above').sum())} above, {int((p998 == 'below').sum())} below) and "
        f"**{int(((p95 == 'above') | (p95 == 'below')).sum())}** outside the 95% limits "
        f"({int((p95 == 'above').sum())} above, {int((p95 == 'below').sum())} below)."
    )
    parts.append(
        funnel_model_words(fit, registry.standard.label(registry.standard.minority_group))
        + " The 99.8% limits are the stronger signal."
    )
    if str(fit.get("note", "")):
        parts.append(f"Note: {md_escape(fit['note'])}.")
    if kind.parity_words:
        parts.append(_parity_words(rows))
    parts += kind.funnel_caveats(deff)
    return " ".join(parts)


def funnel_placed(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """The organisations a funnel plot of ``year`` draws: those with a finite value and a
    positive finite precision (the rest have no estimate and are not shown)."""
    r = rows[rows["year"] == year]
    v, prec = pd.to_numeric(r["value"], errors="coerce"), pd.to_numeric(r["funnel_precision"], errors="coerce")
    ok = v.notna() & prec.notna() & (prec > 0) & (v.abs() != float("inf")) & (prec != float("inf"))
    return r[ok]


def funnel_table(
    chart: object,
    rows: pd.DataFrame,
    ind: Indicator,
    registry: Registry,
    year: int,
    *,
    profile_link: str | None = None,
    highlight: str | None = None,
    only_notable: bool = False,
) -> str:
    """The "Show as table" view of a funnel plot: one row per organisation placed on it, with
    its value, confidence interval, position against the limits and a link to its profile
    (``profile_link``: the URL pattern with ``{org_code}``). ``only_notable`` (a profile in
    the book, whose chart draws the others from shared data): only the highlighted
    organisation, with a note that the indicator's page tabulates every organisation."""
    kind = kind_of(ind, registry)
    placed = funnel_placed(rows, year)
    p = placed.sort_values(["org_name", "org_code"]).copy()
    if only_notable:
        p = p[p["org_code"] == highlight]
    p["who"] = [
        f"{n} (this organisation)" if highlight and c == highlight else str(n)
        for n, c in zip(p["org_name"], p["org_code"], strict=True)
    ]
    p["href"] = [profile_link.format(org_code=quote(str(c), safe="")) if profile_link else "" for c in p["org_code"]]
    p["mine"] = ["wres-this-organisation" if highlight and c == highlight else "" for c in p["org_code"]]
    p["value_t"] = p["value"].map(kind.fmt)
    p["ci_t"] = [interval(a, b, kind.fmt) for a, b in zip(p["ci_low"], p["ci_high"], strict=True)]
    p["where"] = [limit_words(a, b) for a, b in zip(p["funnel_position_95"], p["funnel_position_998"], strict=True)]
    return chart_table(
        chart_title(chart),
        p,
        [
            Column("who", "Organisation", link="href"),
            Column("org_code", "Code"),
            Column("value_t", "Value", css="text-right"),
            Column("ci_t", f"{settings_words.confidence(registry)} confidence interval"),
            Column("where", "Against the funnel limits"),
        ],
        row_header=True,
        row_class="mine",
        note=(
            f"This organisation only, of the {len(placed)} drawn (those outside the 99.8% limits are named in "
            f"the chart's description). Every organisation is in the table under the funnel plot on the page "
            f"of {ind.title}."
        )
        if only_notable
        else "",
    )


def breakdown_table(
    chart: object, aggregates: pd.DataFrame, ind: Indicator, registry: Registry, level: str, year: int
) -> str:
    """The "Show as table" view of a breakdown chart: each region (or type of organisation)
    of ``year`` with its pooled value, confidence interval and number of organisations, then all
    organisations (the chart's dashed line)."""
    kind = kind_of(ind, registry)
    a = aggregates[(aggregates["indicator"] == ind.id) & (aggregates["year"] == year)]
    sub = a[a["level"] == level].sort_values("value", ascending=False)
    nat = a[a["level"] == "national"].assign(category=ALL_ORGANISATIONS)
    show = pd.concat([sub, nat], ignore_index=True)
    show["value_t"] = show["value"].map(kind.fmt)
    show["ci_t"] = [interval(x, y, kind.fmt) for x, y in zip(show["ci_low"], show["ci_high"], strict=True)]
    words = LEVEL_WORDS.get(level, level)
    return chart_table(
        chart_title(chart),
        show,
        [
            Column("category", words[0].upper() + words[1:]),
            Column("value_t", "Pooled value", css="text-right"),
            Column("ci_t", f"{settings_words.confidence(registry)} confidence interval"),
            Column("n_orgs", "Organisations", fmt=number("{:,.0f}"), css="text-right"),
        ],
        row_header=True,
    )


def share_table(chart: object, share: pd.DataFrame, ind: Indicator) -> str:
    """The "Show as table" view of the share-in-range chart: one row per report year."""
    s = share[share["indicator"] == ind.id].sort_values("year").copy()
    s["year_t"] = s["year"].astype(int).map(ind.year_phrase)
    s["counts"] = [f"{int(a):,} of {int(b):,}" for a, b in zip(s["n_in_range"], s["n_orgs"], strict=True)]
    return chart_table(
        chart_title(chart),
        s,
        [
            Column("year_t", "Year"),
            Column("counts", "Organisations in the non-adverse range"),
            Column("share", "Share", fmt=lambda v: _fmt_pct(v), css="text-right"),
            Column("n_not_estimable", "Without an estimate", fmt=number("{:,.0f}"), css="text-right"),
        ],
        row_header=True,
    )


def section(
    indicator_id: int,
    results_dir: str | Path,
    registry: Registry | None = None,
    *,
    heading: bool = True,
    download_folder: str | Path = "downloads",
    index_link: str | None = None,
    profile_link: str | None = None,
) -> list:
    """Displayable parts (Markdown, HTML, charts) for the "Organisations" part of a chapter.

    Funnel plot for the latest year, breakdowns by region and type of organisation with
    confidence intervals, the share of organisations in the non-adverse range over time (relative
    likelihoods), and a CSV download of the organisations' figures (written to
    ``download_folder`` relative to the working directory). ``index_link``: a relative URL
    of the organisations index page (e.g. ``"organisations.html"``), linked if given.
    ``profile_link``: the URL pattern of the profile pages relative to this page (with
    ``{org_code}``); the funnel's points and its table then link to each organisation's profile.
    Every chart is followed by its "Show as table" view.
    One Markdown note if there are no organisation data for this indicator.

    ``heading``: start with a ``## Organisations`` Markdown output. myst-nb renders a
    heading in a cell *output* as a rubric (styled like a heading, with an anchor, but not
    in the page's table of contents); for a real section put ``## Organisations`` in a
    Markdown cell of the template and pass ``heading=False``.
    """
    registry = registry or load_registry()
    ind = registry.indicator(indicator_id)
    ti = results.read(results_dir, "organisation_indicators")
    rows = ti[ti["indicator"] == ind.id] if len(ti) else ti
    if rows.empty:
        return [Markdown(NO_DATA if heading else NO_DATA.split("\n\n", 1)[1])]
    meta = results.read_meta(results_dir)
    # The analysis records the settings it used; the page only repeats them.
    deff = float(meta["survey_deff"])
    min_orgs = int(meta["min_orgs_for_funnel"])
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year]
    fits = results.read(results_dir, "organisation_funnel_fits")
    fit_rows = fits[(fits["indicator"] == ind.id) & (fits["year"] == year)] if len(fits) else fits
    fit_row = fit_rows.iloc[0] if len(fit_rows) else None
    fit = fit_row if fit_row is not None and pd.notna(fit_row["target"]) else None
    n_estimates = int(fit_row["n_orgs"]) if fit_row is not None else int(latest["value"].notna().sum())
    limits = results.read(results_dir, "organisation_funnel_limits")
    limits = limits[limits["indicator"] == ind.id] if len(limits) else limits

    out: list = [Markdown("## Organisations")] if heading else []
    banner = synthetic_banner_html(results_dir)
    if banner:
        out.append(HTML(banner))
    intro = _intro(ind, registry, latest, fit, year, deff, min_orgs, n_estimates)
    if fit is not None and profile_link:
        intro += " Select a point, or an organisation in the table under the plot, to open its page."
    out.append(Markdown(intro))
    if fit is not None:
        funnel = funnel_chart(
            rows, limits, ind, registry, year=year, fit=fit, survey_deff=deff, profile_link=profile_link
        )
        out += [funnel, HTML(funnel_table(funnel, rows, ind, registry, year, profile_link=profile_link))]

    agg = results.read(results_dir, "organisation_aggregates")
    agg = agg[agg["indicator"] == ind.id] if len(agg) else agg
    breakdowns = []
    for lv in ("region", "org_type") if len(agg) else ():
        chart = breakdown_chart(agg, ind, registry, level=lv, year=year)
        if chart is not None:
            breakdowns += [chart, HTML(breakdown_table(chart, agg, ind, registry, lv, year))]
    if breakdowns:
        out.append(
            Markdown(
                "### By region and type of organisation\n\n"
                "Counts are added up over the organisations in each group before the rate is taken, "
                f"so larger organisations weigh more. The bars are {settings_words.confidence(registry)} "
                "confidence intervals; where two intervals overlap a lot, the groups cannot be told apart."
            )
        )
        out.extend(breakdowns)

    share = results.read(results_dir, "organisation_share_in_range")
    if kind_of(ind, registry).non_adverse and len(share):
        s = share[share["indicator"] == ind.id].sort_values("year")
        chart = share_in_range_chart(s, ind, registry)
        if chart is not None:
            lo, hi = ind.non_adverse
            last = s.iloc[-1]
            out.append(
                Markdown(
                    f"### Organisations in the non-adverse range\n\n"
                    f"NHS England counts an organisation as within the non-adverse range when its relative likelihood "
                    f"lies between {lo:.2f} and {hi:.2f}. In the {ind.year_phrase(int(last['year']))}, "
                    f"**{int(last['n_in_range'])} of {int(last['n_orgs'])}** organisations ({_fmt_pct(last['share'])}) "
                    "were inside it. Being inside the range is not the same as being statistically indistinguishable "
                    "from parity: for a small organisation the interval around its figure is wide."
                )
            )
            out += [chart, HTML(share_table(chart, s, ind))]

    out.append(Markdown(_download(rows, ind, registry, download_folder)))
    if index_link:
        out.append(
            HTML(
                f"<p>Every organisation has its own page: see the "
                f'<a href="{html.escape(index_link, quote=True)}">list of organisations</a>.</p>'
            )
        )
    return out


#: The organisation table's columns a reader needs, in its order: who, where, what, the counts
#: and rates of each group the value is made of, the value with its interval and the funnel
#: position (the counts let a reader check or pool the figures).
_ORGANISATION_COLUMNS = results.table("organisation_indicators").columns
_DOWNLOAD_COLUMNS = [
    c
    for c in _ORGANISATION_COLUMNS
    if c in _ORGANISATION_COLUMNS[: _ORGANISATION_COLUMNS.index("measure")]  # who, where, which indicator
    or c in ("unit", *count_columns(_ORGANISATION_COLUMNS), *results.VALUE_COLUMNS)
    or c in ("funnel_z", "funnel_position_95", "funnel_position_998")
    or c in ("in_non_adverse_range", "note")
]


def _download(rows: pd.DataFrame, ind: Indicator, registry: Registry, folder: str | Path) -> str:
    cols = [c for c in _DOWNLOAD_COLUMNS if c in rows.columns]
    shown, full = write_pair(
        rows[cols].sort_values(["year", "org_code"]),
        folder,
        f"{_safe_filename(ind.slug)}-organisations",
        {ind.id: kind_of(ind, registry)},
    )
    return links("every organisation's figures for this indicator", folder, shown, full)
