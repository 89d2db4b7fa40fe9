"""The data page: input files with their sidecars, sources and quality flags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wres import results
from wres.registry import Registry, load_registry
from wres.report.html import md_escape
from wres.report.quality_page import flag_words
from wres.report.tables import Column, html_table
from wres.report.words import quality_words

#: The results this page reads (the book hashes them to know when to re-run it).
READS: tuple[str, ...] = ("national_figures", "provenance_files", "sources", "quality_accounts", "quality_reasons")


#: How directly a kind of source speaks for the figures, most direct first: the publisher's
#: own pages, official statistics, NHS bodies, faithful copies of official releases, then
#: secondary reporting. An editorial order (kinds come from wres_sources.csv); a kind not
#: listed sorts last.
KIND_ORDER = (
    "official",
    "official statistics",
    "NHS body",
    "copy of an official release",
    "copy of a publication",
    "professional body",
    "think tank",
    "journal news",
    "news",
    "consultancy",
    "blog",
    "mirror of a personal article",
)


def kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


@dataclass
class Provenance:
    registry: Registry
    figures: pd.DataFrame
    files: pd.DataFrame
    sources: pd.DataFrame
    accounts: pd.DataFrame
    reasons: pd.DataFrame

    @classmethod
    def load(cls, results_dir: str | Path, registry: Registry | None = None) -> Provenance:
        return cls(registry or load_registry(), *(results.read(results_dir, k) for k in READS))

    def headline(self) -> str:
        f = self.figures
        n_sources = f["source"].nunique()
        years = f"{int(f['report_year'].min())}–{int(f['report_year'].max())}"
        return (
            f"**The book is built from {len(f)} national figures ({self.registry.site.report_name} years {years}) taken from "
            f"{n_sources} public web pages, each figure traceable to one row of an input file.** "
            "They are secondary quotations of NHS England's reports, transcribed by hand; where a source "
            "rounded or approximated a figure, or two sources disagree, the row's quality flag says so."
            + self.use_sentence()
        )

    def use_sentence(self) -> str:
        """How many of the national figures enter a trend test and why the others do not: the
        same counts as the Data quality page (both read the analysis' row accounts), so the two
        pages cannot disagree."""
        files = set(self.figures["source_file"])
        acc = self.accounts[self.accounts["file"].isin(files)]
        if acc.empty:
            return ""
        used, excluded = int(acc["rows_used"].sum()), int(acc["rows_excluded"].sum())
        why = self.reasons[self.reasons["file"].isin(files)].sort_values("rows", ascending=False)
        lines = "".join(
            f"\n- {int(r.rows):,}: {md_escape(flag_words(r.reason, self.registry))}" for r in why.itertuples()
        )
        return (
            f"\n\nOf these, **{used:,} {'enters' if used == 1 else 'enter'} the trend tests** and {excluded:,} "
            f"{'is' if excluded == 1 else 'are'} shown but not tested"
            + (f":\n{lines}\n\n" if lines else ". ")
            + "The Data quality page accounts for every row."
        )

    def files_html(self) -> str:
        show = self.files.copy()
        # A file changed without its sidecar is said loudly, with both checksums (the build
        # warns too; `wres accept FILE` records the new one).
        show["check"] = [
            "(matches the file)"
            if (ok is not pd.NA and bool(ok))
            else f"(DOES NOT MATCH: the file's MD5 is now {actual or 'missing'})"
            for ok, actual in zip(show["md5_ok"], show["md5_actual"], strict=True)
        ]
        return html_table(
            show,
            [
                Column("file", "File", wrap="code"),
                Column("title", "What it is", note="description", missing=""),
                Column("compiled", "Compiled", missing=""),
                Column("rows", "Rows", fmt="{:.0f}", missing=""),
                Column("licence", "Licence", missing=""),
                Column("md5_recorded", "MD5 recorded in the sidecar", wrap="code", after="check"),
            ],
            caption="Input files under data/ with their sidecars and checked MD5 checksums",
            css="wres-files",
        )

    def sources_html(self) -> str:
        show = self.sources.assign(rank=self.sources["kind"].map(kind_rank))
        show = show.sort_values(["rank", "kind", "publisher", "source"])
        return html_table(
            show,
            [
                Column("kind", "Kind of source"),
                Column("publisher", "Publisher", note="description"),
                Column("source_outlet", "Page", link="source"),
                Column("n_figures", "Figures"),
                Column("figures_for_report_years", "Report years"),
            ],
            caption="Every cited source page by kind, primary and official publications first, with who "
            "published it and how many national figures come from it",
            css="wres-sources",
        )

    def sources_intro(self) -> str:
        counts = self.sources.assign(rank=self.sources["kind"].map(kind_rank)).groupby(["rank", "kind"]).size()
        parts = [f"{n} {kind}" for (_, kind), n in counts.items()]
        return (
            "Every national figure names the page that printed it. By kind, the pages are: "
            + "; ".join(parts)
            + ". A copy (for example a press release reposted by another site) is "
            "named with the publisher of the original and the site that carried it."
        )

    def quality_html(self) -> str:
        flags = self.figures["quality"].str.split(";").explode().str.strip().value_counts()
        excluded = set(self.registry.quality.excluded_from_tests)
        rows = pd.DataFrame(
            [
                {
                    # The flag as the figure tables write it ("definition differs"), not its code.
                    "flag": quality_words(flag),
                    "meaning": desc,
                    "n": int(flags.get(flag, 0)),
                    "use": "kept out of trend tests" if flag in excluded else "may enter a trend test",
                }
                for flag, desc in self.registry.quality.descriptions.items()
            ]
        )
        return html_table(
            rows,
            [
                Column("flag", "Flag", wrap="strong"),
                Column("meaning", "Meaning"),
                Column("n", "Figures with this flag"),
                Column("use", "Trend tests"),
            ],
            caption="Quality flags of the national figures and how the trend tests use them",
            css="wres-quality",
        )
