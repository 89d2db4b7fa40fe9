"""The "What changed this year" page, assembled from the results tables."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown

from wres.analysis import changes
from wres.registry import Registry, load_registry
from wres.report.organisation_section import synthetic_banner_html


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.exists() and path.stat().st_size > 1 else pd.DataFrame()


@dataclass
class ChangesView:
    registry: Registry
    national: pd.DataFrame
    orgs: pd.DataFrame
    results_dir: Path

    @classmethod
    def load(cls, results_dir: str | Path, registry: Registry | None = None) -> "ChangesView":
        d = Path(results_dir)
        return cls(registry or load_registry(), _read(d / "national_changes.csv"), _read(d / "trust_changes.csv"), d)

    def headline(self) -> str:
        return changes.headline_text(self.national)

    def national_html(self) -> str:
        return changes.changes_table_html(self.national)

    def organisations(self) -> list:
        if self.orgs.empty:
            return [Markdown("No organisation-level data are in this build, so there is nothing to compare "
                             "organisation by organisation. Add files to `data/raw/trusts/` (see the data dictionary).")]
        out = []
        banner = synthetic_banner_html(self.results_dir, scope="section")
        if banner:
            out.append(HTML(banner))
        o = self.orgs
        latest, prev = int(o["latest_year"].iloc[0]), int(o["previous_year"].iloc[0])
        rows = []
        for ind in self.registry.indicators:
            sub = o[o["indicator"] == ind.id]
            tested = sub["p_value"].notna().sum()
            sig = sub[sub["significant"] == True]  # noqa: E712 - a nullable column read from CSV
            rows.append(f"<tr><td>{ind.id}</td><td>{html.escape(ind.title)}</td><td>{len(sub)}</td><td>{tested}</td>"
                        f"<td>{int((sig['change'] > 0).sum())}</td><td>{int((sig['change'] < 0).sum())}</td></tr>")
        out.append(Markdown(
            f"Each organisation's figure for report year {latest} against {prev}, tested where counts allow (a z-test "
            "on the difference, with Benjamini–Hochberg control across organisations within each indicator). "
            "Up and down are raw directions; whether that is better or worse depends on the indicator."))
        out.append(HTML("<table class='table wres-org-changes'><thead><tr><th>#</th><th>Indicator</th>"
                        "<th>Organisations</th><th>Tested</th><th>Significant rises</th><th>Significant falls</th>"
                        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"))
        sig = o[o["significant"] == True].sort_values(["indicator", "q_value"])  # noqa: E712
        if len(sig):
            body = "".join(
                f"<tr><td>{r.indicator}</td><td><a href='orgs/{html.escape(str(r.org_code), quote=True)}.html'>"
                f"{html.escape(str(r.org_name))}</a></td><td>{r.value_prev:.2f}</td><td>{r.value:.2f}</td>"
                f"<td>{r.change:+.1f} {html.escape(str(r.change_unit))}</td><td>{r.q_value:.3g}</td></tr>"
                for r in sig.itertuples())
            out.append(HTML("<table class='table wres-org-changes-sig'><thead><tr><th>#</th><th>Organisation</th>"
                            f"<th>{prev}</th><th>{latest}</th><th>Change</th><th>q</th></tr></thead><tbody>{body}</tbody></table>"))
        else:
            out.append(Markdown("No organisation's change is statistically significant after the correction."))
        return out
