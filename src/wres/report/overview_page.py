"""The overview page: one row per indicator, the latest figure, the change, the verdict."""

from __future__ import annotations

import shutil
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML

from wres import results
from wres.kinds import kind_of
from wres.report import charts, settings_words, words
from wres.report.indicator_page import series_chart_table
from wres.report.landing_page import STALE_AFTER_YEARS, figure_flags
from wres.report.page_view import PageView
from wres.report.standing import national_standings, worst_and_improving
from wres.report.tables import Column, html_table

#: The results this page reads (the book hashes them to know when to re-run it).
READS: tuple[str, ...] = ("national_summary", "national_series", "national_trends", "sources")


#: The verdicts that name no change, listed after the significant ones.
_QUIET = ("no significant change", "too few years")
#: Each verdict as the verb of a sentence: (one indicator, several).
_VERDICT_VERBS = {
    "improving": ("is improving", "are improving"),
    "worsening": ("is worsening", "are worsening"),
    "increasing": ("is increasing", "are increasing"),
    "decreasing": ("is decreasing", "are decreasing"),
    "crossed parity": ("has crossed parity", "have crossed parity"),
    "no significant change": ("shows no significant change", "show no significant change"),
    "too few years": ("has too few years to test", "have too few years to test"),
}


class Overview(PageView):
    TABLES = {"summary": "national_summary", "series": "national_series", "sources": "sources"}
    summary: pd.DataFrame
    series: pd.DataFrame
    sources: pd.DataFrame

    def standings(self) -> list:
        """Every indicator's level, then its trend, adverse first (:mod:`wres.report.standing`)."""
        return national_standings(self.registry, self.summary, self.series)

    def title(self) -> str:
        return f"# Overview: the {words.count_words(len(self.registry.indicators))} {self.registry.site.plural} at a glance"

    def newest_year(self) -> int | None:
        """The newest report year with a national figure of any indicator."""
        years = self.summary.loc[self.summary["n_years"] > 0, "latest_year"]
        return int(years.max()) if len(years) else None

    def _which(self, ids: list[int], titles: bool) -> str:
        """Indicator numbers as :func:`words.id_list` writes them, with their titles if ``titles``."""
        if titles:
            # Semicolons between names: the names themselves hold commas.
            named = [self.registry.indicator(i).title for i in ids]
            return named[0] if len(named) == 1 else "; ".join(named[:-1]) + "; and " + named[-1]
        word = self.registry.site.indicator_word.lower()
        return f"{word}{'s' if len(ids) > 1 else ''} {words.indicator_numbers(self.registry, ids)}"

    def verdict_sentences(self) -> str:
        """Each verdict with the indicators that have it: a significant verdict first, with the
        indicators' titles; then no significant change; then too few years."""
        order = [v for v in self.summary["verdict"].unique() if v not in _QUIET] + [
            v for v in _QUIET if v in set(self.summary["verdict"])
        ]
        out = []
        for verdict in order:
            ids = [int(i) for i in self.summary.loc[self.summary["verdict"] == verdict, "indicator"]]
            one, many = _VERDICT_VERBS.get(verdict, (f"is {verdict}", f"are {verdict}"))
            which = self._which(ids, titles=True)
            verb = f"{words.count_words(len(ids))} {one if len(ids) == 1 else many}"
            out.append(f"{verb}: {which}")
        return ". ".join(o[0].upper() + o[1:] for o in out)

    def stale_sentence(self) -> str:
        """The indicators whose latest national figure is :data:`STALE_AFTER_YEARS` or more
        report years older than the newest data ("" if none), as the landing page calls them
        out: a year's lag is how the WRES publishes."""
        newest = self.newest_year()
        s = self.summary[
            (self.summary["n_years"] > 0) & (self.summary["latest_year"] <= (newest or 0) - STALE_AFTER_YEARS)
        ]
        if s.empty:
            return ""
        items = [
            f"{self.registry.indicator(int(r.indicator)).title} since the "
            f"{self.registry.indicator(int(r.indicator)).year_phrase(int(r.latest_year))}"
            for r in s.sort_values(["latest_year", "indicator"]).itertuples()
        ]
        return (
            f"Some figures are old: the newest data are for {self.registry.site.report_name} {newest}, but there is no national figure for "
            + ", ".join(items[:-1])
            + (" or " if len(items) > 1 else "")
            + items[-1]
            + "."
        )

    def headline(self) -> str:
        n = words.count_words(len(self.registry.indicators))
        stale = self.stale_sentence()
        return (
            f"{worst_and_improving(self.standings(), self.registry)}\n\n"
            f"**Trends** (the {n} {self.registry.standard.short_name} {self.registry.site.plural}' headline series): "
            f"{self.verdict_sentences()}. {stale + ' ' if stale else ''}"
            "A trend is called real only when it passes a significance test with the "
            f"{settings_words.controls(self.registry)} controlled ({settings_words.adjustment(self.registry)}) "
            "across this family of headline series, one for each indicator; for ratios and gaps "
            'between groups, improving means moving towards parity. "Too few years" means fewer comparable '
            "published figures than the test needs, not that nothing changed."
        )

    def _table_frame(self) -> pd.DataFrame:
        rows = []
        by_id = {int(r.indicator): r for r in self.summary.itertuples()}
        for st in self.standings():
            ind = st.ind
            r = by_id.get(ind.id)
            if r is None:
                continue
            pct = "%" if r.unit == "percent" else ""
            if int(r.n_years) == 0:
                latest, change, when = "no figure", "—", ""
            else:
                latest = f"{words.fmt_value(r.latest_value, r.unit)}{pct}"
                when = self.age_words(ind, int(r.latest_year))
                unit = "percentage points" if r.unit in ("percent", "percentage points") else ""
                # The same rounding as the figures themselves (one decimal for percentages).
                step = f"{r.change:+.1f}" if unit else f"{r.change:+.2f}"
                flags = figure_flags(self.series, self.sources, ind, pd.Series(r._asdict()), self.registry)
                when += f" ({flags})" if flags else ""
                change = (
                    f"{step} {unit} since {ind.year_phrase(int(r.first_year))} "
                    f"({words.fmt_value(r.first_value, r.unit)}{pct})"
                ).replace("  ", " ")
            rows.append(
                {
                    "id": ind.code or ind.id,
                    "title": ind.title,
                    "href": f"{ind.slug}.html",
                    "series": r.label,
                    "latest": latest,
                    "when": when,
                    "stands": st.level_phrase(),
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
                Column("title", self.registry.site.indicator_word, link="href", note="series"),
                Column("latest", "Latest", note="when"),
                Column("stands", "Where it stands", wrap="strong"),
                Column("change", "Change"),
                Column("verdict", "Trend verdict", wrap="strong"),
            ],
            caption="Every indicator, adverse first: latest national figure, where it stands (against parity "
            "or the non-adverse range, and for how long), change since the first comparable year (the first "
            "that entered the trend test), and trend verdict",
            css="wres-overview",
            row_class="row_class",
        )

    def age_words(self, ind, year: int) -> str:
        """Which year a latest figure is, and how old against the newest data."""
        newest = self.newest_year() or year
        if year >= newest:
            return f"{ind.year_phrase(year)}, the newest data"
        gap = newest - year
        return f"{ind.year_phrase(year)}: no figure since, {gap} report {'year' if gap == 1 else 'years'} old"

    def relative_likelihood_chart_parts(self) -> list:
        """The relative-likelihood chart and its "Show as table" view."""
        chart = self.relative_likelihood_chart()
        rl = self._likelihoods()
        df = self._rl_series(rl)
        return [chart, HTML(series_chart_table(chart, df, rl[0], unit="ratio"))]

    def _likelihoods(self) -> list:
        """The indicators whose kind is a likelihood (drawn together on one chart)."""
        return [i for i in self.registry.indicators if kind_of(i, self.registry).likelihood]

    def _rl_series(self, rl: list) -> pd.DataFrame:
        df = self.series[
            self.series["indicator"].isin([i.id for i in rl])
            & self.series["series"].isin([i.headline_series for i in rl])
        ].copy()
        df["label"] = df["indicator"].map({i.id: f"{i.name}: {i.title}" for i in rl})
        return df

    def relative_likelihood_chart(self) -> alt.LayerChart:
        rl = self._likelihoods()
        df = self._rl_series(rl)
        ids = words.indicator_numbers(self.registry, [i.id for i in rl])
        plural = self.registry.site.plural
        return charts.series_chart(
            df, kind_of(rl[0], self.registry), f"Relative likelihoods for {plural} {ids}, England", unit="ratio"
        )

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
