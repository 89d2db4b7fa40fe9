"""The overview page: one row per indicator, the latest figure, the change, the verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import altair as alt
import pandas as pd

from wres import results
from wres.report import charts, words
from wres.report.page_view import PageView
from wres.report.tables import Column, html_table

#: The results this page reads (the book hashes them to know when to re-run it).
READS: tuple[str, ...] = ("national_summary", "national_series", "national_trends")


class Overview(PageView):
    TABLES = {"summary": "national_summary", "series": "national_series"}
    summary: pd.DataFrame
    series: pd.DataFrame

    def title(self) -> str:
        return f"# Overview: the {words.count_words(len(self.registry.indicators))} indicators at a glance"

    def headline(self) -> str:
        counts = self.summary["verdict"].value_counts()
        parts = [f"{n} {v}" for v, n in counts.items()]
        n = words.count_words(len(self.registry.indicators))
        return (
            f"**Of the {n} {self.registry.standard.short_name} indicators' headline series, {'; '.join(parts)}.** "
            "A trend is called real only when it passes a significance test with the false discovery rate "
            "controlled across this family of headline series, one for each indicator; for ratios and gaps "
            'between groups, improving means moving towards parity. "Too few years" means fewer comparable '
            "published figures than the test needs, not that nothing changed."
        )

    def _table_frame(self) -> pd.DataFrame:
        rows = []
        for r in self.summary.itertuples():
            ind = self.registry.indicator(int(r.indicator))
            pct = "%" if r.unit == "percent" else ""
            if int(r.n_years) == 0:
                latest, change = "no figure", "—"
            else:
                latest = f"{words.fmt_value(r.latest_value, r.unit)}{pct} ({ind.year_phrase(int(r.latest_year))})"
                unit = "points" if r.unit in ("percent", "percentage points") else ""
                change = (
                    f"{r.change:+.2f} {unit} since {ind.year_phrase(int(r.first_year))} "
                    f"({words.fmt_value(r.first_value, r.unit)}{pct})"
                ).replace("  ", " ")
            rows.append(
                {
                    "id": ind.id,
                    "title": ind.title,
                    "href": f"{ind.slug}.html",
                    "series": r.label,
                    "latest": latest,
                    "change": change,
                    "verdict": words.VERDICT_ICON.get(r.verdict, r.verdict),
                    "row_class": f"verdict-{r.verdict.replace(' ', '-')}",
                }
            )
        return pd.DataFrame(rows)

    def table_html(self) -> str:
        return html_table(
            self._table_frame(),
            [
                Column("id", "#"),
                Column("title", "Indicator", link="href", note="series"),
                Column("latest", "Latest"),
                Column("change", "Change"),
                Column("verdict", "Trend verdict", wrap="strong"),
            ],
            caption="Every indicator's headline series: latest national figure, change since the first "
            "comparable year (the first that entered the trend test), and trend verdict",
            css="wres-overview",
            row_class="row_class",
        )

    def relative_likelihood_chart(self) -> alt.LayerChart:
        rl = [i for i in self.registry.indicators if i.is_relative_likelihood]
        df = self.series[
            self.series["indicator"].isin([i.id for i in rl])
            & self.series["series"].isin([i.headline_series for i in rl])
        ].copy()
        df["label"] = df["indicator"].map({i.id: f"Indicator {i.id}: {i.title}" for i in rl})
        ids = words.id_list([i.id for i in rl])
        return charts.series_chart(df, rl[0], f"Relative likelihoods for indicators {ids}, England", unit="ratio")

    def write_download(self, folder: str | Path = "downloads") -> str:
        """Copy the trend results file, byte for byte, next to the page; return the MyST link."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        name = results.table("national_trends").file
        shutil.copyfile(results.path(self.results_dir, "national_trends"), folder / name)
        return (
            f"{{download}}`Download the trend results for every series ({name}) <{folder.as_posix()}/{name}>` "
            "— column meanings are in the {doc}`data and results dictionary </book/data-dictionary>`."
        )
