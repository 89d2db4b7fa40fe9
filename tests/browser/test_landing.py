"""The landing page's first screen (1280 x 900) lists every indicator's verdict in words."""

from __future__ import annotations

import pytest

from browser.conftest import open_offline
from conftest import ROOT
from wres import results
from wres.registry import load_registry
from wres.report.words import VERDICT_ICON


@pytest.mark.parametrize("site", ["national", "demo"])
def test_first_screen_names_every_indicator_and_its_verdict(site, reader_browser, site_servers):
    base = site_servers.base_url(site)
    context, page = open_offline(reader_browser, base, "book/intro.html", viewport={"width": 1280, "height": 900})
    try:
        items = page.locator("main tr").all()
        registry = load_registry()
        results_dir = ROOT / "results" if site == "national" else ROOT / "_build" / "demo" / "results"
        verdicts = results.read(results_dir, "national_summary").set_index("indicator")["verdict"]
        for ind in registry.indicators:
            item = next((i for i in items if i.inner_text().startswith(ind.title)), None)
            assert item is not None, f"{ind.title}: not listed on the landing page"
            words = VERDICT_ICON.get(verdicts[ind.id], verdicts[ind.id])
            text = item.inner_text()
            assert words in text, (ind.title, text)
        # The first screen (issue 18: level before trend, adverse first) holds the two opening
        # sentences, which name every adverse indicator and every improving one, and the start
        # of the table; nine rows of where each stands, its figure and its trend do not fit
        # 900 px, so the rows below the fold are reached by scrolling.
        for words in ("What is worst:", "What is improving:"):
            box = page.get_by_text(words, exact=True).first.bounding_box()
            assert box is not None and box["y"] + 30 <= 900, (words, box)
        first_row = page.locator("main table tbody tr").first.bounding_box()
        assert first_row is not None and first_row["y"] + 30 <= 900, first_row
        opening = page.locator("main p", has_text="What is worst:").first.inner_text()
        for ind in registry.indicators:
            if verdicts[ind.id] == "improving":
                assert ind.title in opening.split("What is improving:")[1], (ind.title, opening)
    finally:
        context.close()
