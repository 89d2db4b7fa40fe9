"""The data quality page, assembled from the quality tables the pipeline wrote."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown

from wres import results
from wres.registry import Registry, load_registry
from wres.report.organisation_section import BANNER_READS, synthetic_banner_html
from wres.report.tables import Column, html_table
from wres.report.words import plural

#: The results this page reads ("organisation_meta": ``trust_meta.json``, for the banner).
READS: tuple[str, ...] = (
    "quality_accounts",
    "quality_reasons",
    "quality_churn",
    "quality_unknown_ethnicity",
    *BANNER_READS,
)


def flag_words(text: str, registry: Registry | None = None) -> str:
    """A reason naming quality flags by their codes, with each code in words ("quality flag
    definition_differs" -> "quality flag "definition differs""); the data page's key says what
    each one means."""
    flags = (registry or load_registry()).quality_flags
    return re.sub(
        r"\b[a-z]+(?:_[a-z]+)+\b",
        lambda m: f"“{m.group(0).replace('_', ' ')}”" if m.group(0) in flags else m.group(0),
        str(text),
    )


def _table(df: pd.DataFrame, titles: dict[str, str], caption: str) -> str:
    """A quality table: ``titles`` maps each frame column shown to its heading."""
    return html_table(
        df, [Column(k, t, missing="") for k, t in titles.items()], caption=caption, css="wres-quality-table"
    )


@dataclass
class QualityView:
    accounts: pd.DataFrame
    reasons: pd.DataFrame
    churn: pd.DataFrame
    unknown: pd.DataFrame
    results_dir: Path

    @classmethod
    def load(cls, results_dir: str | Path) -> QualityView:
        return cls(*(results.read(results_dir, k) for k in READS[:4]), Path(results_dir))

    def headline(self) -> str:
        a = self.accounts
        return (
            f"**{plural(len(a), 'input file')}, {plural(int(a['rows_read'].sum()), 'row')} read: "
            f"{int(a['rows_used'].sum()):,} used and {int(a['rows_excluded'].sum()):,} excluded, each with a reason "
            "below.** Rows are excluded when a figure "
            "is suppressed or missing, when ethnicity was not stated, or when a quality flag keeps a figure out of "
            "the trend tests (it is still shown)."
        )

    def accounts_html(self) -> str:
        return _table(
            self.accounts,
            {"file": "File", "rows_read": "Rows read", "rows_used": "Rows used", "rows_excluded": "Rows excluded"},
            "Rows read, used and excluded, by input file",
        )

    def reasons_html(self) -> str:
        reasons = (
            self.reasons.assign(reason=self.reasons["reason"].map(flag_words)) if len(self.reasons) else self.reasons
        )
        return _table(
            reasons, {"file": "File", "reason": "Reason", "rows": "Rows"}, "Excluded rows by input file and reason"
        )

    def organisation_parts(self) -> list:
        if self.churn.empty:
            return [Markdown("No organisation-level data are in this build.")]
        out = []
        banner = synthetic_banner_html(self.results_dir, scope="section")
        if banner:
            out.append(HTML(banner))
        out.append(
            Markdown(
                "Suppressed cells (`*`, `-`, `..`) and blank cells are counted among the excluded rows "
                "above, with the reason recorded in the file. Organisations joining or leaving between "
                "report years:"
            )
        )
        churn_titles = {
            "year": "Report year",
            "organisations": "Organisations",
            "appeared": "Appeared",
            "disappeared": "Disappeared",
        }
        out.append(
            HTML(
                _table(
                    self.churn,
                    churn_titles,
                    "Organisations in the data each report year, and those joining and leaving",
                )
            )
        )
        out.append(
            Markdown(
                "Staff whose ethnicity is not stated are left out of both groups. Their numbers, as given "
                "in the files (summed over organisations):"
            )
        )
        unknown_titles = {
            "year": "Report year",
            "indicator": "Indicator",
            "band": "Band",
            "not_stated": "Ethnicity not stated",
            "all_in_denominator": "All in the denominators",
        }
        out.append(
            HTML(
                _table(
                    self.unknown, unknown_titles, "Staff whose ethnicity is not stated, by report year and indicator"
                )
            )
        )
        return out
