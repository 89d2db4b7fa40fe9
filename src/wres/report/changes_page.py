"""The "What changed this year" page, assembled from the results tables."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown

from wres.registry import Registry, load_registry
from wres.report.organisation_section import BANNER_READS, synthetic_banner_html
from wres.report.organisations_page import profile_href
from wres.report.page_view import PageView
from wres.report.source_words import report_for_year
from wres.report.standing import national_level, national_standings, worst_and_improving
from wres.report.tables import Column, html_table, number
from wres.report.words import survey_ids

#: The results this page reads ("organisation_meta": ``trust_meta.json``, for the banner).
READS: tuple[str, ...] = ("national_changes", "organisation_changes", "national_series", "sources", *BANNER_READS)


def missing_note(note: object, latest_year: int, sources: pd.DataFrame | None) -> str:
    """The analysis' note for a series without a figure in the latest year, said as what it
    is: where the book cites that year's report, the figure is not yet transcribed from it."""
    text = str(note or "")
    if text.startswith("no published figure for report year"):
        report = report_for_year(sources, latest_year)
        if report:
            return f"not yet transcribed from {report}"
        return f"no figure in the data for report year {latest_year}"
    return text


def headline_text(
    changes: pd.DataFrame,
    registry: Registry | None = None,
    sources: pd.DataFrame | None = None,
    series: pd.DataFrame | None = None,
) -> str:
    """The page's first sentences: what is worst and what is improving (``series`` given),
    what the newest year changed, and which indicators have no figure for it (with the year
    of their last one, and the report it is not yet transcribed from, when the book cites it)."""
    registry = registry or load_registry()
    if changes.empty:
        return "No national figures are in the data."
    latest = int(changes["latest_year"].iloc[0])
    have = changes["latest_value"].notna().sum()
    flipped = changes[changes["verdict_changed"].astype(bool)]
    changed = (
        "Adding it changed these verdicts: "
        + "; ".join(
            f"{r.label} ({registry.indicator(int(r.indicator)).title}): {r.verdict_before} → {r.verdict_now}"
            for r in flipped.itertuples()
        )
        if len(flipped)
        else "Adding it changed no trend verdict"
    )
    missing = changes[changes["latest_value"].isna() & changes["previous_year"].notna()]
    since = (
        missing.groupby("indicator")["previous_year"].max().astype(int).sort_values(kind="stable")
        if len(missing)
        else pd.Series(dtype=int)
    )
    report = report_for_year(sources, latest)
    stale = (
        (f" Not yet transcribed from {report}: " if report else " No figure for it in the data yet: ")
        + "; ".join(
            f"{registry.indicator(int(i)).title} (none since the {registry.indicator(int(i)).year_phrase(y)})"
            for i, y in since.items()
        )
        + "."
        if len(since)
        else ""
    )
    first = ""
    if series is not None and len(series):
        heads = {ind.id: ind.headline_series for ind in registry.indicators}
        summary = changes[
            [heads.get(int(i)) == k for i, k in zip(changes["indicator"], changes["series"], strict=True)]
        ]
        summary = summary.assign(verdict=summary["verdict_now"])
        first = worst_and_improving(national_standings(registry, summary, series), registry) + "\n\n"
    return (
        f"{first}**The latest report year in the data is {latest}: {have} of {len(changes)} national series have a "
        f"figure for it. {changed}.**{stale}"
    )


#: The national changes table's columns.
_CHANGES_COLUMNS = [
    Column("indicator", "#"),
    Column("label", "Series"),
    Column("previous", "Previous figure", note="previous_when"),
    Column("latest", "Latest", note="latest_when"),
    Column("change_words", "Change"),
    Column("stands", "Where it stands (the indicator's headline series)", missing=""),
    Column("verdict_before", "Verdict without latest year"),
    Column("now", "Verdict now"),
    Column("note", "Note", missing=""),
]


def changes_table_html(changes: pd.DataFrame, registry: Registry, sources: pd.DataFrame, series: pd.DataFrame) -> str:
    """Each national series' latest figure against its previous one, where the indicator
    stands (on its headline series' row), then both verdicts; each figure's year in its
    indicator's year language (:meth:`Indicator.year_phrase`)."""
    show = changes.copy()
    levels = {}
    for ind in registry.indicators:
        lv = national_level(ind, series, registry) if series is not None and len(series) else None
        levels[(ind.id, ind.headline_series)] = lv.phrase() if lv else ""
    show["stands"] = [levels.get((int(i), k), "") for i, k in zip(show["indicator"], show["series"], strict=True)]
    show["note"] = [missing_note(n, int(y), sources) for n, y in zip(show["note"], show["latest_year"], strict=True)]
    phrase = [registry.indicator(int(i)).year_phrase for i in show["indicator"]]
    fmts = ["{:.1f}" if u in ("percent", "percentage points") else "{:.2f}" for u in show["unit"]]
    show["previous"] = [number(f)(v) for f, v in zip(fmts, show["previous_value"], strict=True)]
    show["previous_when"] = [
        "" if pd.isna(y) else p(int(y)) for p, y in zip(phrase, show["previous_year"], strict=True)
    ]
    show["latest"] = [
        number(f)(v) if pd.notna(v) else "no figure" for f, v in zip(fmts, show["latest_value"], strict=True)
    ]
    # A missing latest figure: the previous column already gives the year of the last one.
    show["latest_when"] = [
        p(int(y)) if pd.notna(v) else f"for the {p(int(y))}"
        for p, v, y in zip(phrase, show["latest_value"], show["latest_year"], strict=True)
    ]
    show["change_words"] = [
        "—" if pd.isna(c) else f"{c:+.1f}{'' if u == '%' else ' '}{u}"
        for c, u in zip(show["change"], show["change_unit"], strict=True)
    ]
    show["now"] = [
        f"{v} ⚑ changed" if changed else str(v)
        for v, changed in zip(show["verdict_now"], show["verdict_changed"].astype(bool), strict=True)
    ]
    return html_table(
        show,
        _CHANGES_COLUMNS,
        caption="Each national series: latest figure against the previous one, and its trend verdict with and "
        "without the latest year",
        css="wres-changes",
    )


class ChangesView(PageView):
    TABLES = {
        "national": "national_changes",
        "orgs": "organisation_changes",
        "series": "national_series",
        "sources": "sources",
    }
    national: pd.DataFrame
    orgs: pd.DataFrame
    series: pd.DataFrame
    sources: pd.DataFrame

    def headline(self) -> str:
        return headline_text(self.national, self.registry, self.sources, self.series)

    def national_intro(self) -> str:
        return (
            "Each series' latest figure against its previous published figure, and its trend verdict with and "
            "without the latest year. National figures come without counts, so a single year's change is not "
            "itself tested: the trend verdict, which uses every year, is the test (see "
            "{ref}`methods-trend-tests`). "
            f"Staff-survey indicators ({survey_ids(self.registry)}) name both years: the NHS Staff Survey "
            f"and the {self.registry.site.report_name} that published it a year later."
        )

    def national_html(self) -> str:
        return changes_table_html(self.national, self.registry, self.sources, self.series)

    def _counts(self) -> pd.DataFrame:
        o = self.orgs
        rows = []
        for ind in self.registry.indicators:
            sub = o[o["indicator"] == ind.id]
            sig = sub[sub["significant"].astype(str) == "True"]
            rows.append(
                {
                    "id": ind.code or ind.id,
                    "title": ind.title,
                    "n": len(sub),
                    "tested": int(sub["p_value"].notna().sum()),
                    "rises": int((sig["change"] > 0).sum()),
                    "falls": int((sig["change"] < 0).sum()),
                }
            )
        return pd.DataFrame(rows)

    def organisations(self, profile_link: str) -> list:
        """``profile_link``: the profile pages' URL pattern, from the site spec."""
        if self.orgs.empty:
            return [
                Markdown(
                    "No organisation-level data are in this build, so there is nothing to compare "
                    "organisation by organisation; {doc}`the reuse chapter </book/reuse>` says how to add them."
                )
            ]
        out = []
        banner = synthetic_banner_html(self.results_dir, scope="section")
        if banner:
            out.append(HTML(banner))
        o = self.orgs
        latest, prev = int(o["latest_year"].iloc[0]), int(o["previous_year"].iloc[0])
        out.append(
            Markdown(
                f"Each organisation's figure for report year {latest} against {prev}, tested where counts allow, on the "
                "figure's own scale: relative likelihoods and representation ratios as the difference of their logs (a "
                "change shown as the % change in the ratio), with the variance widened by the spread of the changes across "
                "organisations (Pearson dispersion); staff-survey percentages in percentage points, allowing for the "
                "survey's design effect. Benjamini–Hochberg control across organisations within each indicator. "
                "Up and down are raw directions; whether that is better or worse depends on the indicator."
            )
        )
        out.append(
            HTML(
                html_table(
                    self._counts(),
                    [
                        Column("id", "#"),
                        Column("title", self.registry.site.indicator_word),
                        Column("n", "Organisations"),
                        Column("tested", "Tested"),
                        Column("rises", "Significant rises"),
                        Column("falls", "Significant falls"),
                    ],
                    caption=f"Organisations whose figure changed significantly between report years {prev} and {latest}, "
                    "by indicator",
                    css="wres-org-changes",
                )
            )
        )
        sig = o[o["significant"].astype(str) == "True"].sort_values(["indicator", "q_value"]).copy()
        if len(sig):
            sig["href"] = sig["org_code"].map(lambda c: profile_href(c, profile_link))
            sig["change_words"] = [
                f"{c:+.1f} {u}" if pd.notna(c) else "—" for c, u in zip(sig["change"], sig["change_unit"], strict=True)
            ]
            out.append(
                HTML(
                    html_table(
                        sig,
                        [
                            Column("indicator", "#"),
                            Column("org_name", "Organisation", link="href"),
                            Column("value_prev", str(prev), fmt="{:.2f}"),
                            Column("value", str(latest), fmt="{:.2f}"),
                            Column("change_words", "Change"),
                            Column("q_value", "q", fmt="{:.3g}"),
                        ],
                        caption="Organisations with a statistically significant change after the correction",
                        css="wres-org-changes-sig",
                    )
                )
            )
        else:
            out.append(Markdown("No organisation's change is statistically significant after the correction."))
        return out
