"""The searchable index of organisations (``notebooks/organisations.ipynb``).

Text from data (names, codes, regions, types) is escaped before it reaches HTML or
Markdown; links to profile pages are built from a pattern with the URL-quoted code.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pandas as pd

from wres import results
from wres.report.html import md_escape
from wres.report.organisation_section import BANNER_READS
from wres.report.tables import Column, html_table

#: The results this page reads ("organisation_meta": ``trust_meta.json``, for the banner).
READS: tuple[str, ...] = ("organisations", "organisation_indicators", *BANNER_READS)


def profile_href(org_code: str, profile_link: str) -> str:
    """The link to an organisation's page: ``profile_link`` with the URL-quoted code."""
    return profile_link.format(org_code=quote(str(org_code), safe=""))


def _latest_outside(ti: pd.DataFrame) -> pd.Series:
    """Per organisation: how many indicators lie outside the 95% limits in their latest year."""
    if ti.empty:
        return pd.Series(dtype=int)
    last = ti.sort_values("year").drop_duplicates(["org_code", "indicator"], keep="last")
    out = last["funnel_position_95"].isin(["above", "below"])
    return out.groupby(last["org_code"]).sum().astype(int)


def index_markdown(results_dir: str | Path) -> str:
    orgs = results.read(results_dir, "organisations")
    if orgs.empty:
        return "No organisation-level figures are in this build."
    years = f"{int(orgs['first_year'].min())}–{int(orgs['last_year'].max())}"
    regions = orgs["region"].replace("", "not given").value_counts().sort_index()
    types = orgs["org_type"].replace("", "not given").value_counts().sort_index()
    by_region = ", ".join(f"{md_escape(k)} {v}" for k, v in regions.items())
    by_type = ", ".join(f"{md_escape(k)} {v}" for k, v in types.items())
    return (
        f"The data hold **{len(orgs)} organisations** with figures for WRES report years {years}. "
        f"By region: {by_region}. By type: {by_type}. Type in the box to filter the list; select a name to see "
        "that organisation's indicators, its position against its peers and its trends. The last column counts "
        "its indicators outside the 95% funnel limits in their latest year (with no real differences between "
        "organisations, about 1 in 20 would be by chance: the limits allow for the spread between organisations)."
    )


def index_html(results_dir: str | Path, profile_link: str) -> str:
    """The list of organisations by region and type, with links to their pages and a small
    client-side search box (inline script, nothing loaded from elsewhere)."""
    orgs = results.read(results_dir, "organisations")
    if orgs.empty:
        return "<p>No organisation-level figures are in this build.</p>"
    outside = _latest_outside(results.read(results_dir, "organisation_indicators"))
    orgs = orgs.sort_values(["region", "org_type", "org_name", "org_code"], kind="stable").copy()
    orgs["code"] = orgs["org_code"].astype(str)
    orgs["name"] = [str(n) or c for n, c in zip(orgs["org_name"], orgs["code"], strict=True)]
    orgs["href"] = orgs["code"].map(lambda c: profile_href(c, profile_link))
    orgs["search"] = [
        " ".join([n, c, str(r), str(t)]).lower()
        for n, c, r, t in zip(orgs["name"], orgs["code"], orgs["region"], orgs["org_type"], strict=True)
    ]
    orgs["years"] = [f"{int(a)}–{int(b)}" for a, b in zip(orgs["first_year"], orgs["last_year"], strict=True)]
    orgs["outside"] = orgs["code"].map(lambda c: int(outside.get(c, 0)))
    n = len(orgs)
    table = html_table(
        orgs,
        [
            Column("name", "Organisation", link="href"),
            Column("code", "Code"),
            Column("region", "Region"),
            Column("org_type", "Type"),
            Column("years", "Report years", css="text-right"),
            Column("outside", "Indicators outside the 95% limits", css="text-right"),
        ],
        caption="Organisations by region and type, with links to their pages",
        css="wres-org-table",
        row_attrs={"data-search": "search"},
        table_id="wres-org-table",
    )
    return f"""<div class="wres-org-index">
<p><label for="wres-org-search"><strong>Search organisations</strong></label><br>
<input type="search" id="wres-org-search" placeholder="Name, code, region or type" autocomplete="off" style="width:100%;max-width:28em"></p>
<p id="wres-org-count" aria-live="polite">Showing all {n} organisations.</p>
{table}
</div>
"""
