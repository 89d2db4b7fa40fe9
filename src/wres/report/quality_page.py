"""The data quality page, assembled from the quality tables the pipeline wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown

from wres.analysis.quality import table_html
from wres.report.organisation_section import synthetic_banner_html


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, dtype=str) if path.exists() and path.stat().st_size > 1 else pd.DataFrame()


@dataclass
class QualityView:
    accounts: pd.DataFrame
    reasons: pd.DataFrame
    churn: pd.DataFrame
    unknown: pd.DataFrame
    results_dir: Path

    @classmethod
    def load(cls, results_dir: str | Path) -> "QualityView":
        d = Path(results_dir)
        return cls(*(_read(d / f"quality_{n}.csv") for n in ("accounts", "reasons", "churn", "unknown_ethnicity")), d)

    def headline(self) -> str:
        a = self.accounts.astype({c: int for c in ("rows_read", "rows_used", "rows_excluded")})
        return (f"**{len(a)} input file(s), {a['rows_read'].sum()} rows read: {a['rows_used'].sum()} used and "
                f"{a['rows_excluded'].sum()} excluded, each with a reason below.** Rows are excluded when a figure "
                "is suppressed or missing, when ethnicity was not stated, or when a quality flag keeps a figure out of "
                "the trend tests (it is still shown).")

    def accounts_html(self) -> str:
        return table_html(self.accounts, {"file": "File", "rows_read": "Rows read", "rows_used": "Rows used",
                                          "rows_excluded": "Rows excluded"})

    def reasons_html(self) -> str:
        return table_html(self.reasons, {"file": "File", "reason": "Reason", "rows": "Rows"})

    def organisation_parts(self) -> list:
        if self.churn.empty:
            return [Markdown("No organisation-level data are in this build.")]
        out = []
        banner = synthetic_banner_html(self.results_dir, scope="section")
        if banner:
            out.append(HTML(banner))
        out.append(Markdown("Suppressed cells (`*`, `-`, `..`) and blank cells are counted among the excluded rows "
                            "above, with the reason recorded in the file. Organisations joining or leaving between "
                            "report years:"))
        out.append(HTML(table_html(self.churn, {"year": "Report year", "organisations": "Organisations",
                                                "appeared": "Appeared", "disappeared": "Disappeared"})))
        out.append(Markdown("Staff whose ethnicity is not stated are left out of both groups. Their numbers, as given "
                            "in the files (summed over organisations):"))
        out.append(HTML(table_html(self.unknown, {"year": "Report year", "indicator": "Indicator", "band": "Band",
                                                  "not_stated": "Ethnicity not stated",
                                                  "all_in_denominator": "All in the denominators"})))
        return out
