"""Finding an organisation in one step, in the demonstration build (``wres demo --orgs 20``):
site search puts an organisation's own page first for its code, the find box on the landing
page and the overview goes to the profile, the navigation lists the profiles collapsed, every
profile links back to the index, the index sorts; and on paper every "Show as table" opens.

Codes and names are read from the build's ``trust_orgs.csv``, never from the pages."""

from __future__ import annotations

import csv
import re

import pytest

from .conftest import REPO_ROOT, demo_site_path, open_offline
from .page_audit import _CONTRAST_JS

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PROFILES = "book/generated/orgs"


@pytest.fixture(scope="module")
def orgs() -> list[dict]:
    path = REPO_ROOT / "_build" / "demo" / "results" / "trust_orgs.csv"
    if not path.is_file():
        pytest.fail(f"no demo build ({path}): run `wres demo --orgs 20` first", pytrace=False)
    with open(path, newline="", encoding="utf-8") as fh:
        return sorted(csv.DictReader(fh), key=lambda r: r["org_name"])


@pytest.fixture(scope="module")
def middle(orgs) -> dict:
    """An organisation whose name sorts in the middle: alphabetical order alone would not put
    its page first."""
    return orgs[len(orgs) // 2]


@pytest.fixture
def demo(reader_browser, site_servers):
    opened = []

    def open_page(rel: str, **kw):
        context, page = open_offline(reader_browser, site_servers.base_url("demo"), rel, viewport=DESKTOP, **kw)
        opened.append(context)
        return page

    yield open_page
    for context in opened:
        context.close()


def test_a_code_search_lists_its_own_page_first(demo, middle):
    code = middle["org_code"]
    page = demo(f"search.html?q={code.lower()}")  # as typed, in any case
    page.wait_for_selector("ul.search li", timeout=15_000)
    # Results are added one by one; the summary line is written when all are in.
    page.wait_for_function(
        "() => /found|did not match/.test(document.querySelector('#search-results p')?.textContent || '')"
    )
    first = page.locator("ul.search li a").first
    assert first.get_attribute("href").split("?")[0].endswith(f"orgs/{code}.html"), first.get_attribute("href")
    assert first.inner_text().strip() == middle["org_name"]


@pytest.mark.parametrize(
    ("where", "by"), [("book/intro.html", "org_name"), ("book/generated/overview.html", "org_code")]
)
def test_the_find_box_goes_to_the_profile(demo, middle, where, by):
    """By the whole name on one page, by the code typed in lower case on the other."""
    typed = middle["org_name"] if by == "org_name" else middle["org_code"].lower()
    page = demo(where)
    page.fill("#wres-find-org", typed)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.press("#wres-find-org", "Enter")
    assert page.url.endswith(f"{PROFILES}/{middle['org_code']}.html"), (typed, page.url)
    assert page.locator("h1").first.inner_text().strip().startswith(middle["org_name"])


def test_a_text_that_matches_several_opens_the_index_filtered(demo, orgs):
    typed = orgs[0]["org_name"][: len(orgs[0]["org_name"]) // 2]  # half a name: several match
    matching = [o for o in orgs if typed.lower() in f"{o['org_name']} {o['org_code']}".lower()]
    assert len(matching) > 1
    page = demo("book/intro.html")
    page.fill("#wres-find-org", typed)
    with page.expect_navigation():
        page.press("#wres-find-org", "Enter")
    assert "organisations.html?q=" in page.url
    page.wait_for_function("() => /Showing \\d+ of/.test(document.getElementById('wres-org-count').textContent)")
    assert page.locator("#wres-org-count").inner_text() == f"Showing {len(matching)} of {len(orgs)} organisations."
    assert page.locator("#wres-org-table tbody tr:not([hidden])").count() == len(matching)


def _sidebar(rel: str) -> str:
    text = (demo_site_path() / rel).read_text(encoding="utf-8")
    return re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', text, re.S).group(0)


def test_the_navigation_lists_the_profiles_collapsed(orgs, middle):
    for rel in ("book/generated/overview.html", "book/generated/indicator-2.html", "book/intro.html"):
        nav = _sidebar(rel)
        assert not re.search(r'href="[^"]*orgs/', nav), f"{rel}: the sidebar links to profiles"
        assert re.search(r'href="[^"]*organisations\.html"', nav), f"{rel}: no link to the index"
    # A profile shows itself under the index, and no other profile.
    nav = _sidebar(f"{PROFILES}/{middle['org_code']}.html")
    entries = re.findall(r'<li class="toctree-l2[^"]*">(.*?)</li>', nav, re.S)
    assert len(entries) == 1 and middle["org_name"] in entries[0], entries
    assert len(orgs) >= 20  # the collapse is what keeps 20 (or 200) links out


def test_every_profile_links_back_to_all_organisations(orgs):
    for org in orgs:
        text = (demo_site_path() / PROFILES / f"{org['org_code']}.html").read_text(encoding="utf-8")
        assert '<p class="wres-back-link"><a href="../organisations.html">← All organisations</a></p>' in text
    assert (demo_site_path() / "book/generated/organisations.html").is_file()


def test_the_index_sorts_by_the_count_of_worse_indicators(demo):
    page = demo("book/generated/organisations.html")
    heads = page.locator("#wres-org-table thead th")
    col = next(i for i in range(heads.count()) if heads.nth(i).inner_text().startswith("Of them worse"))
    button = heads.nth(col).locator("button")
    button.click()
    button.click()  # second click: descending
    assert heads.nth(col).get_attribute("aria-sort") == "descending"
    values = [int(v) for v in page.locator(f"#wres-org-table tbody tr td:nth-child({col + 1})").all_inner_texts()]
    assert values == sorted(values, reverse=True) and len(values) >= 20


def test_the_synthetic_warning_reads_in_the_dark_theme(demo):
    page = demo("book/generated/organisations.html", dark=True)
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    found = page.evaluate(_CONTRAST_JS, [".wres-synthetic-banner p"])
    assert ".wres-synthetic-banner p" in found, "no synthetic-data warning on the demo's index"
    assert found[".wres-synthetic-banner p"]["ratio"] >= 4.5, found


def test_paper_shows_every_chart_table_and_no_hover_hint(reader_browser, site_servers):
    context, page = open_offline(
        reader_browser, site_servers.base_url("national"), "book/generated/indicator-2.html", viewport=DESKTOP
    )
    try:
        toggles = page.locator("details.wres-chart-table")
        assert toggles.count() >= 1 and page.locator("details.wres-chart-table[open]").count() == 0
        assert page.locator(".wres-hover-hint").first.is_visible()
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator("details.wres-chart-table:not([open])").count() == 0
        assert not page.locator(".wres-hover-hint").first.is_visible()
        page.emulate_media(media="screen")
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        assert page.locator("details.wres-chart-table[open]").count() == 0  # as the reader left them
    finally:
        context.close()
