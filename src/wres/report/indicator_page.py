"""What a chapter notebook shows, assembled from the results tables the pipeline wrote.

Notebooks stay thin: they call these functions and display what comes back. Text that
comes from data files is escaped before it reaches HTML or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from wres import results
from wres.kinds import Kind, kind_of
from wres.registry import Indicator, Registry, load_registry
from wres.report import charts, organisation_section, settings_words
from wres.report import words as headline
from wres.report.csv_safety import to_safe_csv
from wres.report.figure_tables import context_table_html, figures_table_html, with_sources
from wres.report.html import md_escape
from wres.report.landing_page import figure_flags
from wres.report.source_words import report_for_year
from wres.report.standing import national_level, share_and_gap_sentence
from wres.report.tables import DASH, Column, chart_table, chart_title, html_table, is_missing, number

#: The results this page reads (the book hashes them to know when to re-run it), with those
#: of its "Organisations" part.
READS: tuple[str, ...] = (
    "national_summary",
    "national_series",
    "national_trends",
    "national_fits",
    "national_context",
    "breakdowns",
    "sources",
    *organisation_section.READS,
)


def series_chart_table(chart: object, df: pd.DataFrame, ind: Indicator, unit: str | None = None) -> str:
    """The "Show as table" view of a series chart (:func:`wres.report.charts.series_chart`):
    one row per year the chart shows, one column per series, each value as the chart prints
    it; a figure drawn hollow (kept out of the trend test by its quality flag) says so."""
    title = chart_title(chart)
    df = df.sort_values("report_year")
    labels = list(dict.fromkeys(df["label"]))
    years = sorted(set(df["report_year"].astype(int)))
    wide = pd.DataFrame({"year": [ind.year_phrase(y) for y in years]})
    for i, label in enumerate(labels):
        s = df[df["label"] == label].set_index(df.loc[df["label"] == label, "report_year"].astype(int))
        wide[f"s{i}"] = [
            DASH
            if y not in s.index
            else headline.fmt_value(float(s.at[y, "value"]), unit or str(s.at[y, "unit"]))
            + ("%" if (unit or str(s.at[y, "unit"])) == "percent" else "")
            + ("" if bool(s.at[y, "testable"]) else " (not in the trend test)")
            for y in years
        ]
    return chart_table(
        title,
        wide,
        [Column("year", "Year"), *(Column(f"s{i}", label) for i, label in enumerate(labels))],
        row_header=True,
    )


def trend_table_html(trends: pd.DataFrame, ind: Indicator, registry: Registry | None = None) -> str:
    show = trends.copy()
    # One format for every slope (words.slope_value): the regression's, its interval, the
    # Theil–Sen slope and the detectable trends all carry their unit and the same rounding.
    show["trend"] = [headline.slope_value(v, u) for v, u in zip(show["slope"], show["slope_unit"], strict=True)]
    show["ci"] = [
        headline.slope_range(lo, hi, u)
        for lo, hi, u in zip(show["slope_ci_low"], show["slope_ci_high"], show["slope_unit"], strict=True)
    ]
    show["sen"] = [headline.slope_value(v, u) for v, u in zip(show["sen_slope"], show["slope_unit"], strict=True)]
    show["mk"] = [
        _mk_cell(s, p, agree, m)
        for s, p, agree, m in zip(show["mk_s"], show["mk_p"], show["tests_agree"], show["method"], strict=True)
    ]
    show["test"] = show["method"].map(lambda m: METHOD_WORDS.get(m, m))
    show["mdt"] = [
        headline.slope_value(v, u, signed=False)
        for v, u in zip(show["min_detectable_slope"], show["slope_unit"], strict=True)
    ]
    show["mdt_family"] = [
        headline.slope_value(v, u, signed=False)
        for v, u in zip(show["min_detectable_slope_family"], show["slope_unit"], strict=True)
    ]
    show["if_correlated"] = [
        DASH if is_missing(q) else f"{headline.fmt_p(q, 'q')}: {headline.VERDICT_ICON.get(v, v)}"
        for q, v in zip(show["q_value_ar1_05"], show["verdict_if_correlated"], strict=True)
    ]
    show["family_words"] = show["family"].map(lambda f: FAMILY_WORDS.get(f, f))
    show["verdict_words"] = show["verdict"].map(lambda v: headline.VERDICT_ICON.get(v, v))
    # Two tables, so that each fits the page: the verdict with its effect size first, then how
    # each series was tested (a reader who wants the test details scrolls to the second).
    years = show["years_used"].map(_year_span)
    show["years"] = years
    main = html_table(
        show,
        [
            Column("label", "Series"),
            Column("years", "Years tested"),
            Column("trend", "Trend (regression)"),
            Column("ci", f"{settings_words.ci(registry)} (not adjusted for multiple comparisons)"),
            Column(
                "q_value",
                f"q ({settings_words.adjustment(registry)}, within family)",
                fmt=lambda v: headline.fmt_p(v, "q"),
            ),
            Column("verdict_words", "Verdict"),
        ],
        caption=f"Trend verdicts of the national series of {ind.name.lower()}",
        css="wres-trends",
    )
    detail = html_table(
        show,
        [
            Column("label", "Series"),
            Column("family_words", "Family"),
            Column("test", "Test"),
            Column("p_value", "p", fmt=headline.fmt_p),
            Column("mk", "Mann–Kendall check: S (exact p, not adjusted)"),
            Column("sen", "Theil–Sen slope"),
            Column("mdt", "Smallest trend detectable with 80% power (this test alone)"),
            Column("mdt_family", f"…by the rule that decides the verdict ({settings_words.controls(registry)})"),
            Column("if_correlated", "If neighbouring years correlate 0.5: q and verdict"),
        ],
        caption=f"How each national series of {ind.name.lower()} was tested",
        css="wres-trends wres-trend-detail",
    )
    return main + detail


def _year_span(years_used: object) -> str:
    """``"2016 2017 2019 2020"`` -> ``"2016–2020 (4 years)"``: the years a test used, briefly."""
    ys = [int(y) for y in str(years_used).split()] if str(years_used).strip() else []
    if not ys:
        return DASH
    return f"{ys[0]}–{ys[-1]} ({len(ys)} years)" if len(ys) > 1 else str(ys[0])


#: The ``method`` codes of national_trends.csv in words.
METHOD_WORDS = {
    "ols": "ordinary least squares",
    "gls_rolling_2": "generalised least squares for two-year rolling averages",
}
#: The ``family`` codes in words: which false-discovery-rate family a series' q is from.
FAMILY_WORDS = {"headline": "headline (the verdict family)", "context": "context (not in the headline family)"}


def _mk_cell(s: float, p: float, agree: object, method: str) -> str:
    """The Mann–Kendall cross-check: its statistic, its exact p and whether it agrees with the
    regression. No q-value: the verdict beside it is decided by the regression's q alone (one
    q-value per verdict), and the check only says whether it agrees."""
    if method != "ols":
        return "not used (assumes independent years)"
    if is_missing(s):
        return DASH
    said = "" if is_missing(agree) else ("; agrees" if str(agree) == "True" else "; does not agree")
    return f"{number('{:.0f}')(s)} ({headline.fmt_p(p)}){said}"


@dataclass
class IndicatorChapter:
    """Everything one indicator chapter shows."""

    ind: Indicator
    registry: Registry
    series: pd.DataFrame
    trends: pd.DataFrame
    fits: pd.DataFrame
    context: pd.DataFrame
    breakdowns: pd.DataFrame
    summary: pd.Series | None = None
    sources: pd.DataFrame | None = None

    @classmethod
    def load(cls, indicator_id: int, results_dir: str | Path, registry: Registry | None = None) -> IndicatorChapter:
        registry = registry or load_registry()
        ind = registry.indicator(indicator_id)

        def mine(key: str) -> pd.DataFrame:
            df = results.read(results_dir, key)
            return df[df["indicator"] == ind.id].copy() if not df.empty else df

        summary = mine("national_summary")
        return cls(
            ind,
            registry,
            mine("national_series"),
            mine("national_trends"),
            mine("national_fits"),
            mine("national_context"),
            mine("breakdowns"),
            summary.iloc[0] if len(summary) else None,
            results.read(results_dir, "sources"),
        )

    @property
    def kind(self) -> Kind:
        """The indicator's kind: what its organisation figure is, and how it is drawn."""
        return kind_of(self.ind, self.registry)

    def trend_row(self, key: str) -> pd.Series | None:
        t = self.trends[self.trends["series"] == key]
        return None if t.empty else t.iloc[0]

    def headline(self) -> str:
        level = national_level(self.ind, self.series, self.registry)
        flags = ""
        if self.summary is not None and int(self.summary["n_years"]) > 0:
            flags = figure_flags(self.series, self.sources, self.ind, self.summary, self.registry)
        return headline.headline(
            self.ind,
            self.summary,
            self.trend_row(self.ind.headline_series),
            self.registry,
            level=level.phrase() if level else "",
            flags=flags,
            share_gap=share_and_gap_sentence(self.ind, self.series[self.series["testable"].astype(bool)]),
        )

    def title(self) -> str:
        """The page's heading (Markdown); the book turns it into the page title."""
        return f"# {self.ind.name}: {self.ind.title}"

    def figures_html(self) -> str:
        return figures_table_html(self.series, self.ind, self.sources)

    def context_html(self) -> str:
        return context_table_html(self.context, self.ind, self.sources, self.registry)

    def trends_html(self) -> str | None:
        """The trend-test table, or None when no series of the indicator was tested."""
        return trend_table_html(self.trends, self.ind, self.registry) if len(self.trends) else None

    def chart_note(self) -> str:
        """What the marks of the main chart mean (Markdown)."""
        band = ""
        if self.kind.non_adverse:
            lo, hi = self.kind.non_adverse
            band = (
                f"The shaded band is NHS England's non-adverse range ({lo:.2f}–{hi:.2f}); "
                "the dotted line is parity (1.0). "
            )
        return (
            f"{band}Dashed lines and shaded bands are the fitted trend and its pointwise "
            f"{settings_words.confidence(self.registry)} confidence band "
            "(not adjusted for multiple comparisons), drawn only where there are enough years to test. Hollow diamonds are figures shown but excluded from the test "
            "because of their quality flag. "
            # A hint for the screen only: paper has nothing to hover (hidden by the print styles).
            '<span class="wres-hover-hint">Hover over a point for its year, value, quality flag and source.</span>'
        )

    def notes_markdown(self) -> str:
        """The "Things you need to know" list, from the registry."""
        ind, std = self.ind, self.registry.standard
        items = [
            f"- **Definition.** {ind.wording}",
            f"- **Source.** {ind.source}.",
            f"- **Groups.** {std.group_definition}",
        ]
        if ind.is_survey:
            items += [
                "- **Which year?** These figures come from the NHS Staff Survey and are weighted survey estimates. "
                f"The {ind.words.report_name} of year *Y* uses the staff survey run in autumn of year *Y* − "
                f"{ind.survey_lag}. Charts are labelled by {ind.words.year_words}; tables and tooltips also give the "
                "survey year.",
                "- **Survey uncertainty.** Each figure is a weighted estimate from a very large national sample. A "
                "simple binomial interval would be too narrow because of the weighting, and no respondent counts are "
                "published with these national figures, so no sampling interval is shown. The trend test uses "
                "year-to-year variation instead (see {ref}`the methods <methods-trend-tests>`).",
            ]
        else:
            items.append(
                f"- **Which year?** The {ind.words.report_name} of year *Y* describes the position at, or the year "
                f"to, 31 March of year *Y*. Charts and tables are labelled by {ind.words.year_words}."
            )
        if self.kind.non_adverse:
            lo, hi = self.kind.non_adverse
            items.append(
                f"- **Reading a relative likelihood.** It is the rate for {std.label(ind.numerator_group)} staff "
                f"divided by the rate for {std.label(ind.comparison_group)} staff ({ind.rate_words}). 1.0 means both "
                f"groups are equally likely; a figure above 1 means {std.label(std.minority_group)} staff are at a "
                f'disadvantage. NHS England treats {lo:.2f}–{hi:.2f} as the non-adverse range (the "four-fifths '
                'rule").'
            )
        if ind.comparison:
            group, senior = std.label(std.minority_group), ind.comparison.senior_label
            items.append(
                f"- **Representation ratio.** The {group} share of {senior} divided by the {group} share of the "
                f"whole workforce: 1.0 would mean {group} staff are represented among {senior} in proportion to "
                "their share of all staff."
            )
        items.append(
            "- **Secondary sources.** The national figures were transcribed from public pages that quote "
            f"{std.publisher}'s {std.short_name} reports; some are rounded. See {{doc}}`/book/generated/data`."
        )
        return "\n".join(items)

    def method_markdown(self) -> str:
        """The "How we tested this" paragraph, with the registry's thresholds and this
        indicator's test."""
        tt = self.registry.trend_tests
        scale = "logarithm of the ratio" if self.kind.likelihood else "transformed value"
        rolling = [s.label for s in self.ind.series if s.rolling_years > 1]
        if rolling:
            fit = (
                f"Each figure is a two-year rolling average, so neighbouring years share a year of data and are not "
                f"independent. For each series with at least {tt.min_years} comparable years we fitted a straight "
                f"line to the {scale} against year by generalised least squares, with the correlation that the "
                "averaging implies (0.5 between neighbouring years), instead of ordinary least squares, which "
                "would call too many chance wobbles significant. The Mann–Kendall test and Sen's interval assume "
                "independent years, so they are not used here; the Theil–Sen slope is shown as a robust estimate "
                "only."
            )
        else:
            fit = (
                f"For each series with at least {tt.min_years} comparable years we fitted a straight line to the "
                f"{scale} against year, with the year-to-year scatter as the noise, and checked it with an exact "
                "Mann–Kendall test, which does not assume a straight line or normal errors but does assume "
                "independent years, and a Theil–Sen slope, a robust estimate of the straight-line slope."
            )
        parity = ""
        if any(self.ind.series_by_key(k).improvement == "parity" for k in self.trends.get("series", [])):
            parity = (
                " For a ratio or a gap between groups, improving means moving towards parity (a ratio of 1, "
                "a gap of 0); a trend whose fitted line ends on the other side of parity is reported as "
                "having crossed parity."
            )
        return (
            f"{fit} The headline series of every indicator form one family: a trend is called significant only if "
            f"its {settings_words.adjustment(self.registry)} q-value within that family (which controls the "
            f"{settings_words.controls(self.registry)}) is below {tt.alpha:g}. The "
            "other series are a second family with their own adjustment, shown for context. Confidence intervals "
            f"are plain {settings_words.confidence(self.registry)} intervals, "
            f"not adjusted for multiple comparisons.{parity} The full method, its assumptions and its limits are "
            "in {ref}`the methods chapter <methods-trend-tests>`."
        )

    def _fits_for(self, keys: list[str]) -> dict[str, pd.DataFrame]:
        return (
            {k: g[["year", "fitted", "ci_low", "ci_high"]] for k, g in self.fits.groupby("series") if k in keys}
            if len(self.fits)
            else {}
        )

    def main_chart_parts(self) -> list:
        """The main chart and its "Show as table" view (nothing without figures)."""
        chart = self.main_chart()
        if chart is None:
            return []
        df = self.series[self.series["series"].isin([s.key for s in self.ind.series])]
        return [chart, HTML(series_chart_table(chart, df, self.ind))]

    def derived_chart_parts(self) -> list:
        """Each derived series' chart, each followed by its "Show as table" view."""
        out = []
        for d, chart in zip(self._derived_shown(), self.derived_charts(), strict=True):
            df = self.series[self.series["series"] == d.key]
            out += [chart, HTML(series_chart_table(chart, df, self.ind, unit=d.unit))]
        return out

    def region_chart_parts(self) -> list:
        """The regional chart and its "Show as table" view: one row per region, one column
        per report year (nothing when the chart is not drawn)."""
        chart = self.region_chart()
        if chart is None:
            return []
        b = self._region_rows()
        years = sorted(set(b["report_year"].astype(int)))
        wide = b.assign(y=b["report_year"].astype(int)).pivot_table(
            index="category", columns="y", values="value", aggfunc="first", sort=False
        )
        wide = wide.reset_index()
        table = chart_table(
            chart_title(chart),
            wide,
            [
                Column("category", "NHS England region"),
                *(Column(y, self.ind.year_phrase(y), fmt=number("{:.2f}"), css="text-right") for y in years),
            ],
            row_header=True,
        )
        return [chart, HTML(table)]

    def main_chart(self):
        """The chart under the headline: the indicator's published series with fitted trends."""
        ind = self.ind
        keys = [s.key for s in ind.series]
        df = self.series[self.series["series"].isin(keys)]
        if df.empty:
            return None
        if self.kind.likelihood:
            title = f"{ind.name}: {ind.series[0].label}, England"
        elif ind.comparison is not None:
            group = self.registry.standard.label(self.registry.standard.minority_group)
            title = f"{ind.name}: {group} % of {ind.comparison.senior_label} vs {group} % of the workforce, England"
        else:
            title = f"{ind.name}: {ind.title} (% of staff), England"
        return charts.series_chart(df, self.kind, title, fits=self._fits_for(keys))

    def _derived_shown(self) -> list:
        """The derived series with a chart: those with at least two figures."""
        return [d for d in self.ind.derived if (self.series["series"] == d.key).sum() >= 2]

    def derived_charts(self) -> list:
        out = []
        for d in self._derived_shown():
            df = self.series[self.series["series"] == d.key]
            out.append(
                charts.series_chart(
                    df, self.kind, f"{self.ind.name}: {d.label}", fits=self._fits_for([d.key]), unit=d.unit
                )
            )
        return out

    def _region_rows(self) -> pd.DataFrame:
        b = self.breakdowns
        if b.empty:
            return b
        return b[(b["dimension"] == "region") & (b["unit"] == "ratio") & b["report_year"].notna()]

    def region_chart(self):
        b = self._region_rows()
        if b.empty or b["category"].nunique() < 3:
            return None
        desc = "Bar chart of the relative likelihood by NHS England region and report year. " + "; ".join(
            f"{r.category} {int(r.report_year)}: {r.value:.2f}" for r in b.itertuples()
        )
        return charts.bar_breakdown(
            b,
            "category",
            f"{self.ind.name}: relative likelihood by NHS England region",
            "Relative likelihood (ratio; 1 = parity)",
            desc,
            self.ind.non_adverse,
        )

    def gaps(self) -> list[str]:
        """Plain statements of what the data lack, so nothing missing is hidden."""
        notes = []
        all_years = sorted(set(self.series["report_year"].astype(int))) if len(self.series) else []
        for s in self.ind.series:
            got = set(self.series.loc[self.series["series"] == s.key, "report_year"].astype(int))
            if not got:
                notes.append(f"No national figure for **{md_escape(s.label)}** is in the published data.")
                continue
            span = range(min(all_years), max(all_years) + 1)
            missing = [y for y in span if y not in got]
            cited = {y: report_for_year(self.sources, y) for y in missing}
            absent = [y for y in missing if not cited[y]]
            if absent:
                notes.append(
                    f"**{md_escape(s.label)}**: no national figure in the data for report "
                    f"{'year' if len(absent) == 1 else 'years'} {', '.join(map(str, absent))}."
                )
            for y in (y for y in missing if cited[y]):
                # The book cites that year's report: the figure exists, it is not yet transcribed.
                notes.append(
                    f"**{md_escape(s.label)}**, report year {y}: not yet transcribed from {md_escape(cited[y])}."
                )
        excluded = self.series[~self.series["testable"].astype(bool) & (self.series["kind"] == "published")]
        for r in excluded.itertuples():
            notes.append(
                f"**{md_escape(r.label)}**, report year {int(r.report_year)}: shown but excluded from the trend "
                f"test because its quality flag is *{md_escape(headline.quality_words(r.quality))}*."
            )
        return notes

    def write_download(self, folder: str | Path = "downloads") -> str:
        """Write the chapter's figures as CSV; return the MyST link to it."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.ind.slug}-figures.csv"
        # The series table as the results have it, less the two columns that only steer the chart.
        # Each figure's source standing travels with it: a mirror is flagged in the CSV too.
        cols = [c for c in results.table("national_series").columns if c not in ("group", "kind")]
        shown = with_sources(self.series, self.sources if self.sources is not None else pd.DataFrame())
        to_safe_csv(shown[[*cols, "source_standing"]].sort_values(["series", "report_year"]), folder / name)
        return f"{{download}}`Download these figures as CSV ({name}) <{folder.as_posix()}/{name}>`"
