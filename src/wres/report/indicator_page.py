"""What a chapter notebook shows, assembled from the results tables the pipeline wrote.

Notebooks stay thin: they call these functions and display what comes back. Text that
comes from data files is escaped before it reaches HTML or Markdown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wres.report import charts

from wres.report import words as headline
from wres.config import BREAKDOWNS_CSV, FIGURES_CSV, FITS_CSV, SERIES_CSV, TRENDS_CSV
from wres.registry import Indicator, Registry, load_registry
from wres.report.html import md_escape


def read_results(results_dir: str | Path) -> dict[str, pd.DataFrame]:
    d = Path(results_dir)
    out = {}
    for name in (FIGURES_CSV, SERIES_CSV, TRENDS_CSV, FITS_CSV, BREAKDOWNS_CSV):
        p = d / name
        out[name] = pd.read_csv(p, keep_default_na=True) if p.exists() else pd.DataFrame()
    return out


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}" rel="noopener">{html.escape(text)}</a>'


def figures_table_html(df: pd.DataFrame, ind: Indicator) -> str:
    """The figures behind a chapter, with quality flags and sources, as an HTML table."""
    show = df.sort_values(["series", "report_year"]).copy()
    rows = []
    for r in show.itertuples():
        year = f"{int(r.report_year)}"
        if ind.is_survey and pd.notna(r.survey_year):
            year += f" (survey {int(r.survey_year)})"
        sources = [
            _link(u.strip(), o.strip())
            for u, o in zip(str(r.source).split(" ; "), str(r.source_outlet).split(" ; "), strict=False)
        ]
        rows.append(
            "<tr>" + "".join([
                f"<td>{html.escape(str(r.label))}</td>",
                f"<td>{year}</td>",
                f"<td class='text-right'>{headline.fmt_value(float(r.value), str(r.unit))}</td>",
                f"<td>{html.escape(str(r.quality).replace(';', ', '))}</td>",
                f"<td>{'yes' if r.testable else 'no (excluded)'}</td>",
                f"<td>{'; '.join(sources)}</td>",
                f"<td>{html.escape(str(r.source_file))} {html.escape(str(r.source_line))}</td>",
            ]) + "</tr>"
        )
    head = ("<thead><tr><th>Series</th><th>WRES report year</th><th>Value</th><th>Quality</th>"
            "<th>Used in trend test</th><th>Source</th><th>Input row</th></tr></thead>")
    return f"<table class='table wres-figures'>{head}<tbody>{''.join(rows)}</tbody></table>"


def context_table_html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p>No other national figures for this indicator are in the data.</p>"
    rows = []
    for r in df.sort_values(["measure", "report_year"]).itertuples():
        rows.append(
            "<tr>" + "".join([
                f"<td>{html.escape(str(r.measure))}</td>",
                f"<td>{html.escape(str(r.group))}</td>",
                f"<td>{int(r.report_year)}</td>",
                f"<td class='text-right'>{r.value:g}</td>",
                f"<td>{html.escape(str(r.unit))}</td>",
                f"<td>{html.escape(str(r.quality).replace(';', ', '))}</td>",
                f"<td>{_link(str(r.source), str(r.source_outlet))}</td>",
                f"<td>{html.escape(str(r.source_file))} line {int(r.source_line)}</td>",
            ]) + "</tr>"
        )
    head = ("<thead><tr><th>Figure</th><th>Group</th><th>WRES report year</th><th>Value</th><th>Unit</th>"
            "<th>Quality</th><th>Source</th><th>Input row</th></tr></thead>")
    return f"<table class='table wres-context'>{head}<tbody>{''.join(rows)}</tbody></table>"


def trend_table_html(trends: pd.DataFrame) -> str:
    rows = []
    for r in trends.itertuples():
        def num(v, fmt="{:.3g}"):
            return "—" if pd.isna(v) else fmt.format(v)
        rows.append("<tr>" + "".join([
            f"<td>{html.escape(str(r.label))}</td>",
            f"<td>{html.escape(str(r.years_used))}</td>",
            f"<td>{num(r.slope, '{:+.3g}')} {html.escape(str(r.slope_unit))}</td>",
            f"<td>{num(r.slope_ci_low, '{:+.3g}')} to {num(r.slope_ci_high, '{:+.3g}')}</td>",
            f"<td>{num(r.p_value)}</td><td>{num(r.q_value)}</td>",
            f"<td>{num(r.mk_s, '{:.0f}')} (p = {num(r.mk_p)})</td>",
            f"<td>{num(r.sen_slope, '{:+.3g}')}</td>",
            f"<td>{num(r.min_detectable_slope)}</td>",
            f"<td>{html.escape(headline.VERDICT_ICON.get(r.verdict, r.verdict))}</td>",
        ]) + "</tr>")
    head = ("<thead><tr><th>Series</th><th>Years tested</th><th>Trend (regression)</th><th>95% CI</th>"
            "<th>p</th><th>q (BH)</th><th>Mann–Kendall S (exact p)</th><th>Theil–Sen slope</th>"
            "<th>Smallest detectable trend</th><th>Verdict</th></tr></thead>")
    return f"<table class='table wres-trends'>{head}<tbody>{''.join(rows)}</tbody></table>"


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

    @classmethod
    def load(cls, indicator_id: int, results_dir: str | Path, registry: Registry | None = None) -> "IndicatorChapter":
        registry = registry or load_registry()
        res = read_results(results_dir)
        ind = registry.indicator(indicator_id)

        def mine(df: pd.DataFrame) -> pd.DataFrame:
            return df[df["indicator"] == ind.id].copy() if not df.empty else df

        series = mine(res[SERIES_CSV])
        figures = mine(res[FIGURES_CSV])
        in_series = set(zip(*(
            [s.measure for s in ind.series if (s.from_indicator or ind.id) == ind.id],
            [s.group for s in ind.series if (s.from_indicator or ind.id) == ind.id]), strict=True))
        context = figures[[(m, g) not in in_series for m, g in zip(figures["measure"], figures["group"], strict=True)]] if len(figures) else figures
        return cls(ind, registry, series, mine(res[TRENDS_CSV]), mine(res[FITS_CSV]), context, mine(res[BREAKDOWNS_CSV]))

    def trend_row(self, key: str) -> pd.Series | None:
        t = self.trends[self.trends["series"] == key]
        return None if t.empty else t.iloc[0]

    def headline(self) -> str:
        return headline.headline(self.ind, self.series, self.trend_row(self.ind.headline_series), self.registry)

    def _fits_for(self, keys: list[str]) -> dict[str, pd.DataFrame]:
        return {k: g[["year", "fitted", "ci_low", "ci_high"]] for k, g in self.fits.groupby("series") if k in keys} if len(self.fits) else {}

    def main_chart(self):
        """The chart under the headline: the indicator's published series with fitted trends."""
        ind = self.ind
        keys = [s.key for s in ind.series]
        df = self.series[self.series["series"].isin(keys)]
        if df.empty:
            return None
        if ind.is_relative_likelihood:
            title = f"Indicator {ind.id}: {ind.series[0].label}, England"
        elif ind.comparison is not None:
            title = f"Indicator {ind.id}: BME % of {ind.comparison.senior_label} vs BME % of the workforce, England"
            title = title.replace("BME", self.registry.standard.label(self.registry.standard.minority_group))
        else:
            title = f"Indicator {ind.id}: {ind.title} (% of staff), England"
        return charts.series_chart(df, ind, title, fits=self._fits_for(keys))

    def derived_charts(self) -> list:
        out = []
        for d in self.ind.derived:
            df = self.series[self.series["series"] == d.key]
            if len(df) < 2:
                continue
            out.append(charts.series_chart(df, self.ind, f"Indicator {self.ind.id}: {d.label}",
                                           fits=self._fits_for([d.key]), unit=d.unit))
        return out

    def region_chart(self):
        b = self.breakdowns
        if b.empty:
            return None
        b = b[(b["dimension"] == "region") & (b["unit"] == "ratio") & b["report_year"].notna()]
        if b["category"].nunique() < 3:
            return None
        desc = "Bar chart of the relative likelihood by NHS England region and report year. " + "; ".join(
            f"{r.category} {int(r.report_year)}: {r.value:.2f}" for r in b.itertuples())
        return charts.bar_breakdown(b, "category", f"Indicator {self.ind.id}: relative likelihood by NHS England region",
                                    "Relative likelihood (ratio; 1 = parity)", desc, self.ind.non_adverse)

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
            if missing:
                notes.append(f"**{md_escape(s.label)}**: no published national figure for report year(s) "
                             f"{', '.join(map(str, missing))}.")
        excluded = self.series[~self.series["testable"].astype(bool) & (self.series["kind"] == "published")]
        for r in excluded.itertuples():
            notes.append(f"**{md_escape(r.label)}**, report year {int(r.report_year)}: shown but excluded from the trend "
                         f"test because its quality flag is *{md_escape(str(r.quality).replace(';', ', '))}*.")
        return notes

    def write_download(self, folder: str | Path = "downloads") -> str:
        """Write the chapter's figures as CSV; return the MyST link to it."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.ind.slug}-figures.csv"
        cols = ["indicator", "series", "label", "report_year", "survey_year", "value", "unit", "quality",
                "testable", "source", "source_outlet", "source_file", "source_line"]
        self.series[cols].sort_values(["series", "report_year"]).to_csv(folder / name, index=False)
        return f"{{download}}`Download these figures as CSV ({name}) <{folder.as_posix()}/{name}>`"
