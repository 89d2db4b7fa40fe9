"""The searchable index of organisations (``notebooks/organisations.ipynb``).

Text from data (names, codes, regions, types) is escaped before it reaches HTML or
Markdown; links to profile pages are built from a pattern with the URL-quoted code.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pandas as pd

from wres import results
from wres.kinds import kind_of
from wres.registry import Registry, load_registry
from wres.report.formats import OUTSIDE
from wres.report.html import md_escape
from wres.report.organisation_section import BANNER_READS
from wres.report.profile_words import position_words
from wres.report.tables import Column, html_table

#: The results this page reads ("organisation_meta": ``trust_meta.json``, for the banner).
READS: tuple[str, ...] = ("organisations", "organisation_indicators", *BANNER_READS)


def profile_href(org_code: str, profile_link: str) -> str:
    """The link to an organisation's page: ``profile_link`` with the URL-quoted code."""
    return profile_link.format(org_code=quote(str(org_code), safe=""))


def _latest_outside(ti: pd.DataFrame, registry: Registry | None = None) -> pd.DataFrame:
    """Per organisation: how many indicators lie outside the 95% limits in their latest year
    (``outside``), and of them how many on the worse side (``worse``) and the better side
    (``better``), judged as the profile judges them (:func:`wres.report.profile_words.position_words`:
    by the kind's direction; an adverse figure is never better)."""
    if ti.empty:
        return pd.DataFrame(columns=["outside", "worse", "better"], dtype=int)
    registry = registry or load_registry()
    kinds = {ind.id: kind_of(ind, registry) for ind in registry.indicators}
    last = ti.sort_values("year").drop_duplicates(["org_code", "indicator"], keep="last")
    words = [
        position_words(kinds[int(i)], p, v) if int(i) in kinds else ""
        for i, p, v in zip(last["indicator"], last["funnel_position_95"], last["value"], strict=True)
    ]
    flags = pd.DataFrame(
        {
            "outside": last["funnel_position_95"].isin(OUTSIDE).to_numpy(),
            "worse": [w.endswith("(worse)") for w in words],
            "better": [w.endswith("(better)") for w in words],
        },
        index=last.index,
    )
    return flags.groupby(last["org_code"]).sum().astype(int)


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
        f"The data hold **{len(orgs)} organisations** with figures for {load_registry().site.report_name} years {years}. "
        f"By region: {by_region}. By type: {by_type}. Type in the box to filter the list; select a name to see "
        "that organisation's indicators, its position against its peers and its trends. Select a column's heading "
        "to sort by it. The last three columns count the organisation's indicators outside the 95% funnel limits "
        "in their latest year, and of them how many lie on the worse side and on the better side (with no real "
        "differences between organisations, about 1 in 20 would be outside by chance: the limits allow for the "
        "spread between organisations)."
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
    for col in ("outside", "worse", "better"):
        orgs[col] = orgs["code"].map(lambda c, col=col: int(outside[col].get(c, 0)))
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
            Column("worse", "Of them worse than other organisations", css="text-right"),
            Column("better", "Of them better than other organisations", css="text-right"),
        ],
        caption="Organisations by region and type, with links to their pages",
        css="wres-org-table wres-sortable",
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
