"""The sidebar lists the organisation profiles collapsed (wres.book.sphinx_nav), and the
theme's header controls are named by what they show (wres.book.sphinx_page_meta)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from wres.book.sphinx_nav import collapsed_prefix, prune_sidebar
from wres.book.sphinx_page_meta import name_header_controls

SIDEBAR = """<ul class="nav bd-sidenav">
<li class="toctree-l1"><a class="reference internal" href="../overview.html">Overview</a></li>
<li class="toctree-l1 current active has-children"><a class="reference internal" href="../organisations.html">Organisations</a><details open="open"><summary><span class="toctree-toggle"></span></summary><ul class="current">
<li class="toctree-l2"><a class="reference internal" href="AB1.html">Ashford</a></li>
<li class="toctree-l2 current active"><a class="current reference internal" href="#">Bexley</a></li>
<li class="toctree-l2"><a class="reference internal" href="CD3.html">Croydon</a></li>
</ul></details></li></ul>"""


def _links(soup) -> list[str]:
    return [a.get_text() for a in soup.find_all("a")]


def test_a_profile_keeps_itself_and_drops_the_other_profiles(root):
    prefix = collapsed_prefix(root)
    assert prefix == "book/generated/orgs/"  # from book/site.yml's for_each: organisation entry
    soup = prune_sidebar(BeautifulSoup(SIDEBAR, "html.parser"), "book/generated/orgs/BX2", prefix)
    assert _links(soup) == ["Overview", "Organisations", "Bexley"]
    assert soup.find("details") is not None


def test_other_pages_list_no_profile_and_no_empty_toggle():
    page = SIDEBAR.replace(' current active"><a class="current reference internal" href="#">', '"><a href="BX2.html">')
    soup = prune_sidebar(BeautifulSoup(page, "html.parser"), "book/generated/orgs/x", "book/generated/orgs/")
    # As seen from the index (one folder up) the same links point at the same profiles.
    index = prune_sidebar(
        BeautifulSoup(page.replace('href="AB1', 'href="orgs/AB1'), "html.parser"),
        "book/generated/organisations",
        "book/generated/orgs/",
    )
    assert _links(soup) == ["Overview", "Organisations"]
    assert soup.find("details") is None
    assert "has-children" not in soup.find_all("li")[1]["class"]
    assert "AB1" not in str(index)


def test_header_controls_are_named_by_what_they_show():
    page = (
        '<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
        'aria-label="Search" data-bs-placement="bottom">'
        '<button class="theme-switch-button" aria-label="Color mode">'
        '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>'
        '<i class="theme-switch fa-solid fa-moon fa-lg" data-mode="dark"  title="Dark"></i></button>'
        # An icon-only search button keeps its name: it shows no words.
        '<button class="btn btn-sm pst-navbar-icon search-button search-button__button" aria-label="Search">'
    )
    out = name_header_controls(page)
    assert out.count('aria-label="Search"') == 1 and 'aria-label="Color mode"' in out
    assert 'title="Light"' not in out and 'title="Dark"' not in out
    assert name_header_controls(out) == out
