"""The overview page: one row per indicator, the latest figure, the change, the verdict."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from wres.report import charts

from wres.report import words as headline
from wres.report.indicator_page import SERIES_CSV, TRENDS_CSV, read_results
from wres.registry import Registry, load_registry


@dataclass
class Overview:
    registry: Registry
    series: pd.DataFrame
    trends: pd.DataFrame
    results_dir: Path

    @classmethod
    def load(cls, results_dir: str | Path, registry: Registry | None = None) -> "Overview":
        res = read_results(results_dir)
        return cls(registry or load_registry(), res[SERIES_CSV], res[TRENDS_CSV], Path(results_dir))

    def rows(self) -> pd.DataFrame:
        out = []
        for ind in self.registry.indicators:
            s = self.series[(self.series["indicator"] == ind.id) & (self.series["series"] == ind.headline_series)]
            s = s.sort_values("report_year").drop_duplicates("report_year")
            t = self.trends[(self.trends["indicator"] == ind.id) & (self.trends["series"] == ind.headline_series)]
            verdict = t["verdict"].iloc[0] if len(t) else "too few years"
            row = {"indicator": ind.id, "slug": ind.slug, "title": ind.title,
                   "series": ind.series_by_key(ind.headline_series).label, "verdict": verdict,
                   "n_years": len(s)}
            if len(s):
                unit = s["unit"].iloc[0]
                first, last = s.iloc[0], s.iloc[-1]
                row.update(latest=headline.fmt_value(last["value"], unit) + ("%" if unit == "percent" else ""),
                           latest_year=ind.year_phrase(int(last["report_year"])),
                           first=headline.fmt_value(first["value"], unit) + ("%" if unit == "percent" else ""),
                           first_year=int(first["report_year"]),
                           change=last["value"] - first["value"], unit=unit)
            out.append(row)
        return pd.DataFrame(out)

    def headline(self) -> str:
        rows = self.rows()
        counts = rows["verdict"].value_counts()
        parts = [f"{n} {v}" for v, n in counts.items()]
        return (f"**Of the nine WRES indicators' headline series, {'; '.join(parts)}.** "
                "A trend is called real only when it passes a significance test with the false discovery rate "
                "controlled across every series in the book; \"too few years\" means fewer comparable published "
                "figures than the test needs, not that nothing changed.")

    def table_html(self) -> str:
        body = []
        for r in self.rows().itertuples():
            if pd.isna(getattr(r, "latest", float("nan"))):
                latest, change = "no figure", "—"
            else:
                latest = f"{r.latest} ({html.escape(r.latest_year)})"
                unit = "points" if r.unit == "percent" else ""
                change = f"{r.change:+.2f} {unit} since {r.first_year} ({r.first})".replace("  ", " ")
            verdict = headline.VERDICT_ICON.get(r.verdict, r.verdict)
            body.append(
                f"<tr class='verdict-{r.verdict.replace(' ', '-')}'><td>{r.indicator}</td>"
                f"<td><a href='{html.escape(r.slug)}.html'>{html.escape(r.title)}</a><br><small>{html.escape(r.series)}</small></td>"
                f"<td>{latest}</td><td>{html.escape(change)}</td><td><strong>{html.escape(verdict)}</strong></td></tr>"
            )
        head = "<thead><tr><th>#</th><th>Indicator</th><th>Latest</th><th>Change</th><th>Trend verdict</th></tr></thead>"
        return f"<table class='table wres-overview'>{head}<tbody>{''.join(body)}</tbody></table>"

    def relative_likelihood_chart(self) -> alt.LayerChart:
        rl = [i for i in self.registry.indicators if i.is_relative_likelihood]
        df = self.series[self.series["indicator"].isin([i.id for i in rl]) & self.series["series"].isin([i.headline_series for i in rl])].copy()
        df["label"] = df["indicator"].map({i.id: f"Indicator {i.id}: {i.title}" for i in rl})
        return charts.series_chart(df, rl[0], "Relative likelihoods for indicators 2–4, England", unit="ratio")

    def write_download(self, folder: str | Path = "downloads") -> str:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        text = (self.results_dir / TRENDS_CSV).read_text(encoding="utf-8")
        (folder / TRENDS_CSV).write_text(text, encoding="utf-8")
        return (f"{{download}}`Download the trend results for every series ({TRENDS_CSV}) <{folder.as_posix()}/{TRENDS_CSV}>` "
                "— column meanings are in the data dictionary (`data/README.md`).")
