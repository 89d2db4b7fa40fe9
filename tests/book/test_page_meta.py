"""Every page of the built site says when it was published, how recent its data are and its
version, and links to the changes-and-corrections page, which exists."""

import re
from datetime import date, datetime
from importlib.metadata import version

import pytest

from wres import results
from wres.book.sphinx_page_meta import meta_html


def _pages(site):
    # Content pages: not the search and index pages, nor index.html, which only redirects.
    return [
        p
        for p in site.rglob("*.html")
        if p.name not in {"search.html", "genindex.html"}
        and "_static" not in p.parts
        and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")
    ]


@pytest.fixture(scope="module")
def site(built_repo):
    return built_repo / "_build" / "html"


def test_every_page_has_date_latest_year_version_and_the_corrections_link(site, built_repo):
    year = int(results.read(built_repo / "results", "national_figures")["report_year"].max())
    pages = _pages(site)
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        meta = re.search(r'<div class="wres-page-meta"><p>(.*?)</p></div>', text)
        assert meta, page
        assert f"Latest data: WRES report {year}" in meta.group(1), page
        assert f"Version {version('wres')}" in meta.group(1), page
        assert re.search(r"Published \d{1,2} [A-Z][a-z]+ \d{4}", meta.group(1)), page
        href = re.search(r'href="([^"]+)">Changes and corrections', meta.group(1)).group(1)
        assert (page.parent / href).resolve().is_file(), (page, href)
    corrections = (site / "book" / "corrections.html").read_text(encoding="utf-8")
    assert "Changes and corrections" in corrections
    # Entries under dated headings, newest first (a list reads on a phone; a table scrolled),
    # each date under the version it came in: the newest version is the book's own (issue 20).
    dates = [
        datetime.strptime(d, "%d %B %Y").date() for d in re.findall(r"<h3>(\d{1,2} [A-Z][a-z]+ \d{4})<a", corrections)
    ]
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True), dates
    versions = re.findall(r"<h2>Version ([^<]+)<a", corrections)
    assert versions and versions[0] == version("wres"), versions
    assert corrections.index(f"<h2>Version {versions[0]}<a") < corrections.index("<h3>")


def test_meta_line_escapes_what_it_prints():
    out = meta_html(
        {"date": date(2026, 12, 1), "version": "1 <b>", "year": 2024, "site": "A & B"}, "../c.html", "x<y>.html"
    )
    assert "Published 1 December 2026" in out and "1 &lt;b&gt;" in out and "A &amp; B" in out
    assert "x&lt;y&gt;.html" in out


def test_download_menu_offers_the_pages_csv_files_once(site):
    """The page's CSV downloads are in the theme's download menu, first, and resolve to files."""
    page = site / "book" / "generated" / "indicator-2.html"
    text = page.read_text(encoding="utf-8")
    menu = re.search(r'<div class="dropdown dropdown-download-buttons">.*?</ul>', text, re.S).group(0)
    hrefs = re.findall(r'<a class="btn btn-sm dropdown-item" href="([^"]+)" download="">', menu)
    assert [h.rsplit("/", 1)[-1] for h in hrefs] == ["indicator-2-figures.csv"]
    assert (page.parent / hrefs[0]).resolve().is_file()
    assert menu.index("indicator-2-figures.csv") < menu.index("Notebook (.ipynb)")


def test_download_menu_is_edited_once():
    from wres.book.sphinx_page_meta import download_menu

    page = (
        '<div class="dropdown dropdown-download-buttons"><button></button><ul class="dropdown-menu">'
        '<li><span class="btn__text-container">.ipynb</span></li></ul></div>'
        '<a class="reference download internal" download="" href="_downloads/a/x.csv">x</a>'
        '<a class="reference download internal" download="" href="_downloads/a/x.csv">again</a>'
    )
    once = download_menu(page)
    assert once.count('href="_downloads/a/x.csv" download="">') == 1
    assert "Notebook (.ipynb)" in once
    assert download_menu(once) == once
