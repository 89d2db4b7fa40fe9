"""Browser tests of the synthetic demonstration build (_build/demo/html): the funnel plot's
tooltip, an organisation profile, the index search and the synthetic-data banner.

The demo site is built by `make test` (`wres demo --orgs 20`) before pytest runs; set
WRES_DEMO_SITE_DIR to test another build."""

from __future__ import annotations

import functools
import os
import re
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import CHART_SELECTOR, REPO_ROOT, SiteVisitor, _QuietHandler

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_dir() -> Path:
    site = Path(os.environ.get("WRES_DEMO_SITE_DIR", REPO_ROOT / "_build" / "demo" / "html"))
    if not (site / "index.html").exists():
        pytest.fail(f"no demo site at {site}: run `wres demo` first (make test does)", pytrace=False)
    return site


@pytest.fixture(scope="module")
def demo_server(demo_dir):
    handler = functools.partial(_QuietHandler, directory=str(demo_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def demo_visitor(offline_browser, demo_server) -> SiteVisitor:
    return SiteVisitor(offline_browser, *demo_server)


def profile_pages(demo_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(demo_dir)) for p in (demo_dir / "book" / "generated" / "orgs").glob("*.html"))


def test_every_synthetic_organisation_has_a_profile(demo_dir):
    orgs = profile_pages(demo_dir)
    assert len(orgs) >= 10
    index = (demo_dir / "book" / "generated" / "organisations.html").read_text()
    for rel in orgs:
        assert Path(rel).name in index, f"{rel} not linked from the index"


@pytest.mark.parametrize(
    "rel",
    [
        "book/generated/indicator-3.html",
        "book/generated/indicator-6.html",
        "book/generated/organisations.html",
        "book/generated/what-changed.html",
    ],
)
def test_pages_carry_the_synthetic_banner(demo_dir, rel):
    text = (demo_dir / rel).read_text()
    assert "wres-synthetic-banner" in text and "Synthetic demonstration data" in text


def test_profile_page_offline_with_charts_and_banner(demo_dir, demo_visitor, offline_browser, demo_server):
    rel = profile_pages(demo_dir)[0]
    report = demo_visitor.visit(rel)
    assert report.outside_requests == []
    assert report.console_errors == []
    assert report.chart_count >= 3 and report.charts_undrawn == []
    context = offline_browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(demo_server[0]) else r.abort())
    page.goto(demo_server[0] + rel)
    banner = page.locator(".wres-synthetic-banner").first
    assert banner.is_visible()
    assert "fictitious" in banner.inner_text()
    # The site-wide announcement says the same on every page of the demo build.
    assert "synthetic" in page.locator(".bd-header-announcement").inner_text().lower()
    context.close()


def test_funnel_tooltip_names_organisation_value_ci_and_position(demo_server, offline_browser):
    context = offline_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(demo_server[0]) else r.abort())
    page.goto(demo_server[0] + "book/generated/indicator-3.html")
    funnel = page.locator(CHART_SELECTOR).filter(has_text=re.compile("funnel", re.I)).first
    if funnel.count() == 0:  # the title is drawn in SVG text; fall back to the aria label
        funnel = page.locator('[aria-label*="unnel"]').first
    funnel.scroll_into_view_if_needed()
    page.wait_for_function("(el) => !!el.querySelector('svg')", arg=funnel.element_handle(), timeout=20_000)
    points = funnel.locator("path[role='graphics-symbol'], path.mark-symbol, g.mark-symbol path")
    assert points.count() > 5
    seen = ""
    for i in range(min(points.count(), 40)):
        points.nth(i).hover(force=True)
        tip = page.locator("#vg-tooltip-element")
        if tip.count() and tip.is_visible() and "ZZ" in tip.inner_text():
            seen = tip.inner_text()
            break
    context.close()
    assert seen, "no tooltip naming an organisation appeared"
    assert re.search(r"95%", seen), seen
    assert re.search(r"inside|above|below|within", seen, re.I), seen


def test_index_search_filters_rows(demo_server, offline_browser):
    context = offline_browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(demo_server[0]) else r.abort())
    page.goto(demo_server[0] + "book/generated/organisations.html")
    rows = page.locator("table tbody tr")
    before = sum(1 for i in range(rows.count()) if rows.nth(i).is_visible())
    box = page.locator("#wres-org-search")
    box.fill("ZZ001")
    page.wait_for_timeout(300)
    after = sum(1 for i in range(rows.count()) if rows.nth(i).is_visible())
    context.close()
    assert before > 1 and after == 1
