"""Each indicator page with a significant national verdict says whether it survives
correlated years (issue 16: indicator 3's "improving" in particular)."""

from __future__ import annotations

import html
import re

from wres import results
from wres.registry import load_registry

REG = load_registry()


def _text(path) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))).split())


def test_significant_verdicts_say_whether_they_hold_if_years_correlate(built_repo):
    trends = results.read(built_repo / "results", "national_trends")
    head = trends[
        (trends["family"] == "headline") & trends["verdict"].isin(["improving", "worsening", "crossed parity"])
    ]
    assert len(head), "the national data have no significant headline verdict to check"
    for r in head.itertuples():
        page = _text(built_repo / "_build" / "html" / "book" / "generated" / f"{REG.indicator(r.indicator).slug}.html")
        want = "holds even if neighbouring years" if r.verdict_if_correlated == r.verdict else "holds only if the years"
        assert want in page, REG.indicator(r.indicator).slug
