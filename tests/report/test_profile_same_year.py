"""No profile or board-report sentence tests an organisation figure against a national figure
of another year (issue 16): the first paragraph counts only each indicator's latest figure
against England's figure of the same year and names the indicators it cannot compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from wres import results
from wres.report.organisation_page import OrgProfile

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "_build" / "demo" / "results"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        results.read(DEMO, "organisation_indicators").empty, reason="needs the demo build (wres demo --orgs 20)"
    ),
]


def test_first_paragraph_counts_only_same_year_comparisons():
    ti = results.read(DEMO, "organisation_indicators")
    vs = results.read(DEMO, "organisation_versus_national")
    for code in sorted(set(ti["org_code"]))[:5]:
        prof = OrgProfile.load(code, DEMO)
        own = ti[(ti["org_code"] == code) & ti["value"].notna()].groupby("indicator")["year"].max()
        mine = vs[vs["org_code"] == code]
        same = {int(i) for i, y in own.items() if ((mine["indicator"] == i) & (mine["year"] == y)).any()}
        older = sorted(int(i) for i in set(mine["indicator"].astype(int)) - same)
        head = prof.headline()
        # Worked out here from the two tables: how many are compared, and which are not.
        n_same = len(
            mine[
                [int(i) in same and int(y) == int(own[i]) for i, y in zip(mine["indicator"], mine["year"], strict=True)]
            ]
        )
        assert f"of its {n_same} compared indicator" in head
        if older:
            # Named, not numbered; "not yet transcribed" because the demo's sources cite the
            # WRES report of the organisations' latest year (issue 18).
            from wres.report.html import md_escape

            names = "; ".join(md_escape(prof.registry.indicator(i).title) for i in older)
            assert "England's figure for the latest year is not yet transcribed (see note) for: " in head
            assert f"for: {names}; so" in head
            assert "the comparison is of the latest year with both" in prof.versus_national_markdown()
            # The report is named once, in the note, not in every row (issue 18).
            assert head.count("WRES 2024 data analysis report") == 1
