"""One organisation's page (``notebooks/organisation.ipynb``), built from the organisation
results tables in :data:`READS` (the index of organisations is :mod:`wres.report.organisations_page`).

Text from data (organisation names, regions, types, notes) is escaped before it reaches
HTML or Markdown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wres import results
from wres.io import inside
from wres.registry import Indicator, Registry, load_registry
from wres.report import organisation_charts as trust_charts
from wres.report.csv_safety import to_safe_csv
from wres.report.html import md_escape
from wres.report.organisation_section import funnel_placed, funnel_table, limit_words, synthetic_banner_html
from wres.report.tables import DASH, Column, chart_table, chart_title, html_table, number
from wres.report.words import VERDICT_ICON, plural, survey_ids
from wres.report.words import organisation_value_label as value_label

#: The results this page reads ("organisation_meta" is ``trust_meta.json``).
READS: tuple[str, ...] = (
    "organisation_indicators",
    "organisation_trends",
    "organisation_aggregates",
    "organisation_funnel_fits",
    "organisation_funnel_limits",
    "organisation_versus_national",
    results.ORGANISATION_META_KEY,
)
#: What a 95% confidence interval is, in words, where a profile first names one.
CI_WORDS = "95% CI: the range that would hold the true figure 95 times in 100"
#: The funnel plots' 95% limits in words, for the profile's first screen.
CHANCE_RANGE = "within the range that chance alone would give an organisation of its size"
VERDICTS = {**VERDICT_ICON, "not estimable": "○ not estimable", "crossed parity": "⇄ crossed parity"}
#: How the published national figures are named on the page.
NATIONAL_NAME = "England"
#: ``comparison`` codes of ``trust_versus_national`` in words.
VERSUS_WORDS = {
    "higher": "significantly higher",
    "lower": "significantly lower",
    "not_significant": "not significantly different",
    "not_estimable": "not compared (no estimate)",
}
_POSITION = {
    "above": "higher than peers",
    "below": "lower than peers",
    "inside": "within the limits",
    "not estimable": "not placed",
}


def _value_direction(ind: Indicator) -> str:
    """Which way the indicator's value counts as better: up, down or none (registry)."""
    if ind.trust.improvement:  # the organisation side's own direction, when the registry gives one
        return ind.trust.improvement
    if ind.trust.kind == "relative_likelihood":
        return ind.series[0].improvement
    if ind.trust.kind == "percentage":
        return ind.trust.improvement or ind.series_by_key(ind.headline_series).improvement
    d = next((d for d in ind.derived if d.op == "ratio"), None)
    return d.improvement if d else "none"


def position_words(ind: Indicator, position: str, value: float | None = None) -> str:
    """'higher than peers (worse)' and the like, judged by the registry's direction.

    A relative likelihood below the non-adverse range is never called better: it is adverse
    the other way."""
    words = _POSITION.get(position, position)
    if position not in ("above", "below"):
        return words
    direction = _value_direction(ind)
    if direction == "none":
        return words
    better = (position == "above") == (direction == "up")
    if (
        better
        and ind.non_adverse
        and value is not None
        and pd.notna(value)
        and not (ind.non_adverse[0] <= value <= ind.non_adverse[1])
        and ind.trust.kind == "relative_likelihood"
    ):
        return words
    return f"{words} ({'better' if better else 'worse'})"


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-") or "organisation"


def _pct_change(log_ratio: float) -> str:
    """A log odds-ratio slope as % change per year; near-separation gives astronomically wide
    intervals, shown as beyond ±1000% rather than overflowing."""
    if log_ratio > math.log(11):
        return "> +1000%"
    return f"{100 * math.expm1(log_ratio):+.1f}%"


def _rows_of(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[frame["org_code"] == code].copy() if len(frame) else frame


def versus_words(r, unit: str) -> str:
    """'1.50, 95% CI 1.31–1.71; England 1.59: not significantly different' for one
    ``trust_versus_national`` row."""
    fmt = trust_charts.fmt
    return (
        f"{fmt(r.value, unit)}, 95% CI {trust_charts.fmt_ci(r.ci_low, r.ci_high, unit)}; "
        f"{NATIONAL_NAME} {fmt(r.national_value, unit)}: {VERSUS_WORDS.get(r.comparison, r.comparison)}"
    )


@dataclass
class OrgProfile:
    """Everything one organisation's page shows."""

    org_code: str
    registry: Registry
    rows: pd.DataFrame
    trends: pd.DataFrame
    national: pd.DataFrame
    fits: pd.DataFrame
    results_dir: Path
    meta: dict = field(default_factory=dict)
    n_orgs_total: int = 0
    versus: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Every organisation's rows and the funnel limits, for the funnels the page shows.
    all_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    limits: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def load(cls, org_code: str, results_dir: str | Path, registry: Registry | None = None) -> OrgProfile:
        registry = registry or load_registry()
        ti = results.read(results_dir, "organisation_indicators")
        code = str(org_code)
        rows = ti[ti["org_code"] == code] if len(ti) else ti
        if rows.empty:
            raise KeyError(f"no organisation with code {code!r} in the trust results in {results_dir}")
        tr = results.read(results_dir, "organisation_trends")
        agg = results.read(results_dir, "organisation_aggregates")
        return cls(
            org_code=code,
            registry=registry,
            rows=rows.copy(),
            trends=tr[tr["org_code"] == code].copy() if len(tr) else tr,
            national=agg[agg["level"] == "national"].copy() if len(agg) else agg,
            fits=results.read(results_dir, "organisation_funnel_fits"),
            results_dir=Path(results_dir),
            meta=results.read_meta(results_dir),
            n_orgs_total=int(ti["org_code"].nunique()),
            versus=_rows_of(results.read(results_dir, "organisation_versus_national"), code),
            all_rows=ti,
            limits=results.read(results_dir, "organisation_funnel_limits"),
        )

    # ------------------------------------------------------------------ facts

    @property
    def info(self) -> pd.Series:
        return self.rows.sort_values("year").iloc[-1][["org_code", "org_name", "region", "org_type"]]

    @property
    def name(self) -> str:
        return str(self.info["org_name"]) or self.org_code

    @property
    def min_orgs(self) -> int:
        return int(self.meta["min_orgs_for_funnel"])

    def indicators(self) -> list[Indicator]:
        present = set(self.rows["indicator"].astype(int))
        return [ind for ind in self.registry.indicators if ind.id in present]

    def latest(self) -> pd.DataFrame:
        """One row per indicator: its latest year with a value, the value and CI, the value of
        all organisations that year, the funnel positions and the trend verdict."""
        out = []
        for ind in self.indicators():
            r = self.rows[(self.rows["indicator"] == ind.id)].sort_values("year")
            has = r[r["value"].notna()]
            last = has.iloc[-1] if len(has) else r.iloc[-1]
            year = int(last["year"])
            nat = self.national[(self.national["indicator"] == ind.id) & (self.national["year"] == year)]
            fit = (
                self.fits[(self.fits["indicator"] == ind.id) & (self.fits["year"] == year)]
                if len(self.fits)
                else self.fits
            )
            n_peers = int(fit["n_orgs"].iloc[0]) if len(fit) else 0
            t = self.trends[self.trends["indicator"] == ind.id] if len(self.trends) else self.trends
            out.append(
                {
                    "indicator": ind.id,
                    "title": ind.title,
                    "year": year,
                    "year_phrase": ind.year_phrase(year),
                    "unit": "percent" if ind.trust.kind == "percentage" else "ratio",
                    "value": last["value"],
                    "ci_low": last["ci_low"],
                    "ci_high": last["ci_high"],
                    "national": nat["value"].iloc[0] if len(nat) else float("nan"),
                    "position_95": last["funnel_position_95"],
                    "position_998": last["funnel_position_998"],
                    "funnel_orgs": n_peers,
                    "in_non_adverse_range": last.get("in_non_adverse_range", pd.NA),
                    "verdict": t["verdict"].iloc[0] if len(t) else "",
                    "q_value": t["q_value"].iloc[0] if len(t) else float("nan"),
                    "note": last["note"],
                    "versus": self._versus(ind, year),
                }
            )
        return pd.DataFrame(out)

    def _versus(self, ind: Indicator, year: int) -> str:
        """The latest figure against the published national figure of the same year, in words
        ("" when there is no national figure for that year)."""
        v = self.versus
        if v is None or v.empty:
            return ""
        row = v[(v["indicator"] == ind.id) & (v["year"] == year)]
        if row.empty:
            return ""
        return versus_words(row.iloc[0], "percent" if ind.trust.kind == "percentage" else "ratio")

    # ------------------------------------------------------------------ page parts

    def versus_national_markdown(self) -> str:
        """Each indicator against the published national figure of the same year: the latest
        year in words, and how many of its years differed significantly."""
        v = self.versus
        if v is None or v.empty:
            return (
                f"No published national figure of the same year and measure is in the data for this "
                f"organisation's indicators, so none is compared with {NATIONAL_NAME}."
            )
        items = []
        for ind in self.indicators():
            r = v[v["indicator"] == ind.id].sort_values("year")
            if r.empty:
                continue
            last = r.iloc[-1]
            unit = "percent" if ind.trust.kind == "percentage" else "ratio"
            years = r[r["comparison"] != "not_estimable"]
            hi, lo = int((years["comparison"] == "higher").sum()), int((years["comparison"] == "lower").sum())
            span = (
                f" In {len(years)} years with a national figure it was significantly higher in {hi} and lower in {lo}."
                if len(years) > 1
                else ""
            )
            items.append(
                f"- **Indicator {ind.id}** ({md_escape(ind.title)}), {ind.year_phrase(int(last['year']))}: "
                f"{versus_words(last, unit)}.{span}"
            )
        intro = (
            f"Each figure is compared with the published national figure for {NATIONAL_NAME} of the same year "
            "and indicator, treated as fixed (relative likelihoods: a z-test on the log scale; staff-survey "
            "percentages: a score test allowing for the design effect; representation ratios: an exact "
            "binomial test of the senior group's members). This comparison needs no other organisations."
        )
        return intro + "\n\n" + "\n".join(items)

    def title(self) -> str:
        """The page's heading (Markdown); the book turns it into the page title."""
        return f"# {md_escape(self.name)}"

    def indicators_intro(self) -> str:
        return (
            f"Each indicator's latest figure with its 95% confidence interval ({CI_WORDS}), the pooled figure "
            "of all organisations in the same year, and whether the figure stands out from the range chance alone "
            "would give an organisation of its size. The year "
            f"column says which year a figure means: the staff-survey indicators ({survey_ids(self.registry)}) "
            "come from the NHS Staff Survey of the year before the WRES report."
        )

    def banner_html(self) -> str:
        return synthetic_banner_html(self.results_dir, scope="page")

    def summary_markdown(self) -> str:
        i = self.info
        years = sorted(set(self.rows["year"].astype(int)))
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"
        return (
            f"**Organisation code:** {md_escape(i['org_code'])} · **Region:** {md_escape(i['region'] or 'not given')} · "
            f"**Type:** {md_escape(i['org_type'] or 'not given')} · **WRES report years:** {span}"
        )

    def headline(self) -> str:
        """Plain-English first paragraph: funnel positions in the latest year, significant trends."""
        lat = self.latest()
        parts = []
        placed = lat[lat["position_95"] != "not estimable"]
        if placed.empty:
            most = int(lat["funnel_orgs"].max()) if len(lat) else 0
            parts.append(
                f"Comparing organisations needs at least {self.min_orgs} with an estimate; the data hold "
                f"{plural(self.n_orgs_total, 'organisation')} ({most} with an estimate at most for any indicator), so this "
                "organisation has no peers to be compared with and no funnel position is shown."
                + (
                    " It is compared instead with the published national figures below."
                    if self.versus is not None and len(self.versus)
                    else ""
                )
            )
        else:
            out95 = placed[placed["position_95"].isin(["above", "below"])]
            out998 = placed[placed["position_998"].isin(["above", "below"])]
            yr = sorted(set(placed["year"]))
            when = f"WRES report {yr[-1]}" if len(yr) == 1 else "its latest figures"
            if self._has_survey(placed):
                when += " (the staff-survey indicators come from the previous year's NHS Staff Survey)"
            if out95.empty:
                parts.append(
                    f"In {when}, **none of its {len(placed)} indicators** compared with other organisations "
                    f"stands out: each lies {CHANCE_RANGE}."
                )
            else:
                items = "; ".join(
                    f"indicator {int(r.indicator)} ({md_escape(r.title)}) "
                    f"{position_words(self.registry.indicator(int(r.indicator)), r.position_95, r.value)}"
                    for r in out95.itertuples()
                )
                verb = "lies" if len(out95) == 1 else "lie"
                parts.append(
                    f"In {when}, **{len(out95)} of its {len(placed)} indicators** compared with other organisations "
                    f"{verb} outside {CHANCE_RANGE.removeprefix('within ')}: {items}."
                )
                if len(out998):
                    parts.append(
                        f"{len(out998)} of them {'is' if len(out998) == 1 else 'are'} far outside it, a strong signal."
                    )
                else:
                    parts.append("None is far outside it. " + self._chance_words(placed))
        vs = self.versus
        if vs is not None and len(vs):
            # Each indicator's latest year with a published national figure.
            cur = vs.sort_values("year").drop_duplicates("indicator", keep="last")
            cur = cur[cur["comparison"] != "not_estimable"]
            diff = cur[cur["comparison"].isin(["higher", "lower"])]
            what = f"{len(cur)} compared indicator{'s' if len(cur) != 1 else ''}"
            if diff.empty:
                parts.append(
                    f"Against the published national figures (each indicator's latest year with one), "
                    f"**none of its {what}** differs significantly from {NATIONAL_NAME}."
                )
            else:
                which = "; ".join(
                    f"indicator {int(r.indicator)} {VERSUS_WORDS[r.comparison]}" for r in diff.itertuples()
                )
                parts.append(
                    f"Against the published national figures (each indicator's latest year with one), "
                    f"**{len(diff)} of its {what}** differ{'s' if len(diff) == 1 else ''} significantly "
                    f"from {NATIONAL_NAME}: {which}."
                )
        tr = self.trends
        if tr is None or tr.empty:
            parts.append("No trend could be tested.")
        else:
            sig = tr[tr["verdict"].isin(["improving", "worsening", "crossed parity", "increasing", "decreasing"])]
            n_tests = int(tr["q_value"].notna().sum())
            corrected = (
                f"After allowing for testing all {self.n_orgs_total} organisations at once, "
                if self.n_orgs_total > 1
                else "With a single organisation in the data there is nothing to correct across organisations: "
            )
            if sig.empty:
                parts.append(
                    f"{corrected}**none of its {n_tests} tested trends** (in the gap between the groups each "
                    "indicator compares) is statistically significant. That is not evidence of no change: a single "
                    "organisation's counts can detect only large changes."
                )
            else:
                items = "; ".join(f"indicator {int(r.indicator)} {r.verdict}" for r in sig.itertuples())
                parts.append(
                    f"{corrected}"
                    f"**{len(sig)} of its {n_tests} tested trends** {'is' if len(sig) == 1 else 'are'} "
                    f"statistically significant: {items}."
                )
        return " ".join(parts)

    def _chance_words(self, placed: pd.DataFrame) -> str:
        """What chance alone would put outside the 95% limits, from the fitted funnels' methods."""
        f = self.fits
        if f is None or f.empty or "method" not in f.columns:
            return ""
        used = f.merge(placed[["indicator", "year"]], on=["indicator", "year"])["method"].astype(str)
        if used.empty or not used.isin(["additive", "exact_binomial"]).all():
            return ""
        at_most = "at most " if used.eq("exact_binomial").any() else ""
        return (
            f"Even with no real differences between organisations, {at_most}about 1 figure in 20 would lie outside "
            "that range by chance."
        )

    def _has_survey(self, df: pd.DataFrame) -> bool:
        return any(self.registry.indicator(int(i)).is_survey for i in df["indicator"])

    def peers_note(self) -> str:
        """Why peer comparisons are missing, or "" when they are there."""
        lat = self.latest()
        if len(lat) and (lat["position_95"] != "not estimable").any():
            return ""
        return (
            f"**No peer comparison.** Funnel positions need at least {self.min_orgs} organisations with an "
            f"estimate in the same year; the data hold {self.n_orgs_total}."
        )

    def peer_words(self, ind: Indicator, r) -> str:
        """Where one latest figure lies against its peers, in words."""
        if r.position_95 == "not estimable":
            return "not compared: " + ("no peers to compare with" if r.funnel_orgs < self.min_orgs else "no estimate")
        if r.position_95 == "inside":
            return "within the range expected by chance"
        far = "far " if r.position_998 in ("above", "below") else ""
        return f"{position_words(ind, r.position_95, r.value)}: {far}outside the range expected by chance"

    def table_html(self) -> str:
        """The indicators against all organisations: latest value with its CI (and, for
        relative likelihoods, whether it is in the non-adverse range), pooled value of all
        organisations, funnel position, trend verdict."""
        rows = []
        for r in self.latest().itertuples():
            ind = self.registry.indicator(int(r.indicator))
            lines = [f"95% CI {trust_charts.fmt_ci(r.ci_low, r.ci_high, r.unit)}"]
            if ind.non_adverse and ind.trust.kind == "relative_likelihood" and pd.notna(r.in_non_adverse_range):
                lines.append(
                    "in the non-adverse range" if bool(r.in_non_adverse_range) else "outside the non-adverse range"
                )
            rows.append(
                {
                    "indicator": f"{int(r.indicator)}. {ind.title}",
                    "meaning": value_label(ind, self.registry),
                    "year": ind.year_phrase(int(r.year)),
                    "value": trust_charts.fmt(r.value, r.unit),
                    "ci": "\n".join(lines),
                    "national": (
                        trust_charts.fmt(r.national, r.unit) if self.n_orgs_total > 1 else "only this organisation"
                    ),
                    "england": r.versus or "no national figure for this year",
                    "peers": self.peer_words(ind, r),
                    "verdict": VERDICTS.get(r.verdict, r.verdict) or "—",
                }
            )
        return html_table(
            pd.DataFrame(rows),
            [
                Column("indicator", "Indicator", note="meaning"),
                Column("year", "Year"),
                Column("value", "Value", wrap="strong", note="ci"),
                Column("national", "All organisations"),
                Column("england", f"Against {NATIONAL_NAME} (published, same year)"),
                Column("peers", "Against other organisations"),
                Column("verdict", "Trend (allowing for testing every organisation)"),
            ],
            caption=f"{self.name}: latest figure of each indicator against all organisations",
            css="wres-org-profile",
        )

    def charts(self) -> list:
        """One small chart per indicator: its value over time against all organisations."""
        return [chart for chart, _ in self._charts(with_tables=False)]

    def charts_with_tables(self) -> list[tuple[object, str]]:
        """Each chart of :meth:`charts` with its "Show as table" view: one row per year with
        the organisation's value, its 95% confidence interval and the value of all organisations."""
        return self._charts(with_tables=True)

    def _charts(self, with_tables: bool) -> list[tuple[object, str]]:
        out = []
        for ind in self.indicators():
            r = self.rows[self.rows["indicator"] == ind.id]
            nat = self.national[self.national["indicator"] == ind.id] if len(self.national) else self.national
            c = trust_charts.profile_chart(r, nat, ind, self.registry, org_label=self.name, peers=self.n_orgs_total > 1)
            if c is not None:
                out.append((c, self._over_time_table(c, ind, r, nat) if with_tables else ""))
        return out

    def _over_time_table(self, chart: object, ind: Indicator, r: pd.DataFrame, nat: pd.DataFrame) -> str:
        unit = "percent" if ind.trust.kind == "percentage" else "ratio"
        o = r[pd.to_numeric(r["value"], errors="coerce").notna()].sort_values("year").copy()
        all_orgs = nat.set_index(nat["year"].astype(int))["value"] if len(nat) else pd.Series(dtype=float)
        o["year_t"] = o["year"].astype(int).map(ind.year_phrase)
        o["value_t"] = o["value"].map(lambda v: trust_charts.fmt(v, unit))
        o["ci_t"] = [trust_charts.fmt_ci(a, b, unit) for a, b in zip(o["ci_low"], o["ci_high"], strict=True)]
        o["all_t"] = [
            trust_charts.fmt(all_orgs[y], unit) if y in all_orgs.index else DASH for y in o["year"].astype(int)
        ]
        o["where"] = [limit_words(a, b) for a, b in zip(o["funnel_position_95"], o["funnel_position_998"], strict=True)]
        cols = [
            Column("year_t", "Year"),
            Column("value_t", self.name, css="text-right"),
            Column("ci_t", "95% confidence interval"),
        ]
        if self.n_orgs_total > 1:
            cols += [
                Column("all_t", "All organisations", css="text-right"),
                Column("where", "Against the funnel limits"),
            ]
        return chart_table(chart_title(chart), o, cols, row_header=True)

    def funnels(self, profile_link: str | None = None) -> list[tuple[str, object, str]]:
        """Where the organisation sits on each indicator's funnel plot of the latest year (the
        one its indicator chapter shows), highlighted: (sentence in Markdown, chart, "Show as
        table" view) for every funnel it is placed on. ``profile_link``: the URL pattern of
        the profile pages relative to this page (with ``{org_code}``)."""
        out = []
        deff = float(self.meta.get("survey_deff", 1.0))
        for ind in self.indicators():
            rows = self.all_rows[self.all_rows["indicator"] == ind.id]
            year = int(rows["year"].max())
            fit = self._fit(ind.id, year)
            placed = funnel_placed(rows, year)
            if fit is None or int(fit["n_orgs"]) < self.min_orgs or self.org_code not in set(placed["org_code"]):
                continue
            limits = self.limits[self.limits["indicator"] == ind.id] if len(self.limits) else self.limits
            chart = trust_charts.funnel_chart(
                rows,
                limits,
                ind,
                self.registry,
                year=year,
                fit=fit,
                survey_deff=deff,
                highlight=self.org_code,
                profile_link=profile_link,
            )
            me = placed[placed["org_code"] == self.org_code].iloc[0]
            table = funnel_table(chart, rows, ind, year, profile_link=profile_link, highlight=self.org_code)
            out.append((self._funnel_sentence(ind, year, me, fit, len(placed)), chart, table))
        return out

    def funnels_intro(self, n_funnels: int) -> str:
        """What the funnel plots below show, in words (or why there are none)."""
        if not n_funnels:
            return (
                f"No funnel plot places this organisation: a plot needs at least {self.min_orgs} organisations "
                "with a figure in the same year, and this organisation needs a figure of its own."
            )
        return (
            f"Each plot shows every organisation as a point, by its figure (up) and its size (across); "
            f"{md_escape(self.name)} is the large labelled point. The curves mark how far from the pooled figure "
            "of all organisations chance alone would take an organisation of that size: about 1 organisation in "
            "20 lies outside the inner (dashed) curves by chance, the 95% limits, and about 1 in 500 outside "
            "the outer (dotted) curves, the 99.8% limits. Smaller organisations scatter more, so the curves "
            "narrow to the right. Select a point to open that organisation's page."
        )

    def _fit(self, indicator: int, year: int) -> pd.Series | None:
        f = self.fits
        if f is None or f.empty:
            return None
        f = f[(f["indicator"] == indicator) & (f["year"] == year)]
        return f.iloc[0] if len(f) and pd.notna(f["target"].iloc[0]) else None

    def _funnel_sentence(self, ind: Indicator, year: int, me: pd.Series, fit: pd.Series, n: int) -> str:
        """One plain sentence: where the organisation's figure lies among all organisations."""
        unit = "percent" if ind.trust.kind == "percentage" else "ratio"
        pos95, pos998 = me["funnel_position_95"], me["funnel_position_998"]
        if pos95 == "inside":
            where = "within the range that chance alone would give an organisation of its size"
        else:
            side = "higher" if pos95 == "above" else "lower"
            judged = position_words(ind, pos95, me["value"])
            judgement = judged[judged.index("(") :] if "(" in judged else ""
            where = (
                f"far {side} than chance alone would give an organisation of its size, a strong signal"
                if pos998 in ("above", "below")
                else f"{side} than chance alone would usually give an organisation of its size "
                "(about 1 organisation in 20 lies this far out by chance)"
            ) + (f" {judgement}" if judgement else "")
        return (
            f"**Indicator {ind.id}: {md_escape(ind.title)}**, {ind.year_phrase(year)}. "
            f"The figure of {md_escape(self.name)}, {trust_charts.fmt(me['value'], unit)}, lies {where}; "
            f"the pooled figure of the {n:,} organisations on the plot is {trust_charts.fmt(float(fit['target']), unit)}."
        )

    def trends_html(self) -> str:
        """Trend tests of the gap between the groups, per indicator, with BH q-values."""
        tr = self.trends
        if tr is None or tr.empty:
            return "<p>No trend could be tested for this organisation.</p>"
        show = tr.sort_values("indicator").copy()
        show["title"] = [f"{int(i)}. {self.registry.indicator(int(i)).title}" for i in show["indicator"]]
        show["ci"] = [
            "—" if pd.isna(lo) else f"{_pct_change(lo)} to {_pct_change(hi)}"
            for lo, hi in zip(show["slope_ci_low"], show["slope_ci_high"], strict=True)
        ]
        show["verdict_words"] = show["verdict"].map(lambda v: VERDICTS.get(v, v))
        plain = number("{:.3g}")
        return html_table(
            show,
            [
                Column("title", "Indicator"),
                Column("tested", "What is tested"),
                Column("n_years", "Years", fmt=number("{:.0f}"), css="text-right"),
                Column("or_change_pct_per_year", "Change per year (odds ratio)", fmt=number("{:+.1f}%")),
                Column("ci", "95% CI"),
                Column("p_value", "p", fmt=plain),
                Column("q_value", "q (BH across organisations)", fmt=plain),
                Column("verdict_words", "Verdict"),
                Column("note", "Note", wrap="small", missing=""),
            ],
            caption=f"{self.name}: is the gap between the groups changing? Trend tests per indicator",
            css="wres-org-trends",
        )

    def write_download(self, folder: str | Path = "downloads") -> str:
        """Write this organisation's figures (every indicator and year, with the value of all
        organisations) as CSV; return the MyST download link."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{_safe_filename(self.org_code)}-wres-figures.csv"
        r = self.rows.copy()
        nat = (
            self.national[["indicator", "year", "value"]].rename(columns={"value": "all_organisations_value"})
            if len(self.national)
            else pd.DataFrame(columns=["indicator", "year", "all_organisations_value"])
        )
        r = r.merge(nat, on=["indicator", "year"], how="left")
        r["indicator_title"] = r["indicator"].map(lambda i: self.registry.indicator(int(i)).title)
        r["value_meaning"] = r["indicator"].map(lambda i: value_label(self.registry.indicator(int(i)), self.registry))
        r["year_meaning"] = [
            self.registry.indicator(int(i)).year_phrase(int(y)) for i, y in zip(r["indicator"], r["year"], strict=True)
        ]
        cols = [
            "org_code",
            "org_name",
            "region",
            "org_type",
            "indicator",
            "indicator_title",
            "year",
            "year_meaning",
            "value_meaning",
            "unit",
            *results.VALUE_COLUMNS,
            "all_organisations_value",
            "funnel_z",
            "funnel_position_95",
            "funnel_position_998",
            "in_non_adverse_range",
            "note",
        ]
        to_safe_csv(
            r[[c for c in cols if c in r.columns]].sort_values(["indicator", "year"]), inside(folder / name, folder)
        )
        return f"{{download}}`Download this organisation's figures as CSV ({name}) <{folder.as_posix()}/{name}>`"

    def methods_markdown(self) -> str:
        deff = float(self.meta["survey_deff"])
        return (
            "- **Funnel limits.** An organisation is compared with the pooled value of all organisations in the same "
            "year. The 95% and 99.8% limits show where an organisation of its size would fall by chance alone, with "
            "the spread computed as if it were on target; they are widened when organisations differ more than "
            f"chance explains (additive between-organisation variance τ², DerSimonian–Laird). No funnel is drawn "
            f"with fewer than {self.min_orgs} organisations. Representation indicators use exact binomial limits on "
            "the senior group's members.\n"
            f"- **Against {NATIONAL_NAME}** compares each figure with the published national figure of the same "
            "year, which needs no other organisations.\n"
            "- **Higher or lower than peers** says which side of the limits a figure lies; *better* or *worse* follows the "
            "direction the indicator registry counts as improvement. A relative likelihood below the non-adverse range "
            "is not called better: it is adverse the other way.\n"
            f"- **Staff-survey indicators** are weighted estimates; their intervals assume a design effect of {deff:g}.\n"
            "- **Trends** test whether the gap between the two groups changed, with a quasi-binomial model of the "
            "yearly counts; the q-value corrects for testing every organisation (Benjamini–Hochberg). *Improving* "
            "means the gap closing towards parity (an odds ratio of 1), *worsening* the gap widening, whichever "
            "group is ahead; a gap that changed sides is *crossed parity*."
        )
