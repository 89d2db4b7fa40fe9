"""The built WRES book works with no internet access.

Run (after building the book)::

    WRES_SITE_DIR=book/_build/html .venv/bin/python -m pytest tests/browser -p no:cacheprovider

Every page must open with no request leaving 127.0.0.1 and no console error;
every chart must be drawn; maths must be typeset by the vendored MathJax; and
Sphinx search must return results.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


def _fmt(items) -> str:
    return "\n  " + "\n  ".join(items) if items else ""


def _need(name: str) -> None:
    if name == "<none>":
        pytest.skip("no page in the built site is of this kind")


# --------------------------------------------------------------------------
# Site-level checks
# --------------------------------------------------------------------------
def test_site_has_pages(site_dir: Path, site_index):
    pages = site_index.pages()
    assert pages, f"no .html page found in {site_dir}"
    assert "search.html" in pages, "search.html missing: Sphinx search cannot work"
    assert (site_dir / "searchindex.js").is_file(), "searchindex.js missing"


_REMOTE_HTML = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b(?=[^>]*\brel\s*=\s*["']?(?:stylesheet|preload|modulepreload|icon|shortcut icon|manifest|prefetch|preconnect|dns-prefetch))[^>]*\bhref\s*=\s*["']?(?:https?:)?//""",
    re.I,
)
_REMOTE_CSS = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])(?:https?:)?//""", re.I)


def test_no_remote_assets_referenced(site_dir: Path, site_index):
    """No page loads a script, stylesheet, image or font from another host."""
    bad = []
    for rel in site_index.pages():
        text = (site_dir / rel).read_text(encoding="utf-8", errors="replace")
        for m in _REMOTE_HTML.finditer(text):
            bad.append(f"{rel}: {text[m.start() : m.start() + 160]!r}")
    for css in site_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for m in _REMOTE_CSS.finditer(text):
            bad.append(f"{css.relative_to(site_dir)}: {text[m.start() : m.start() + 160]!r}")
    assert not bad, "remote assets referenced:" + _fmt(bad)


# --------------------------------------------------------------------------
# Per-page checks (each page is opened once; see conftest.SiteVisitor)
# --------------------------------------------------------------------------
def test_page_makes_no_outside_requests(site_dir, site_visitor, html_page):
    report = site_visitor.visit(html_page)
    assert not report.outside_requests, f"{html_page} tried to reach the internet:" + _fmt(report.outside_requests)


def test_page_has_no_console_errors(site_dir, site_visitor, html_page):
    report = site_visitor.visit(html_page)
    assert not report.console_errors, f"{html_page} logged errors:" + _fmt(report.console_errors)


def test_page_has_no_broken_local_requests(site_dir, site_visitor, html_page):
    report = site_visitor.visit(html_page)
    assert not report.broken_local, f"{html_page} requested missing local files:" + _fmt(report.broken_local)


def test_charts_are_drawn(site_dir, site_visitor, chart_page):
    _need(chart_page)
    report = site_visitor.visit(chart_page)
    assert report.chart_count > 0, f"{chart_page}: no chart container in the DOM"
    assert not report.charts_undrawn, (
        f"{chart_page}: {len(report.charts_undrawn)} of {report.chart_count} charts "
        "not drawn (no svg/canvas):" + _fmt(report.charts_undrawn) + _fmt(report.notes)
    )


def test_maths_is_rendered(site_dir, site_visitor, math_page):
    _need(math_page)
    report = site_visitor.visit(math_page)
    assert report.mjx_containers > 0, f"{math_page}: maths in the source but no mjx-container was drawn" + _fmt(
        report.notes
    )
    assert report.math_unrendered == 0, (
        f"{math_page}: {report.math_unrendered} of {report.math_count} maths elements "
        "were not typeset" + _fmt(report.notes)
    )
    assert not report.math_errors, f"{math_page}: TeX errors:" + _fmt(report.math_errors)


# --------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------
def test_search_works_offline(site_dir, site_index, site_visitor):
    word = site_index.search_word()
    report = site_visitor.visit(f"search.html?q={quote(word)}", search=True)
    assert report.search_results >= 1, f"searching for {word!r} gave no result" + _fmt(report.notes)
    assert not report.outside_requests, "search page went online:" + _fmt(report.outside_requests)
    assert not report.console_errors, "search page logged errors:" + _fmt(report.console_errors)


def test_discovery_is_consistent(site_index):
    """Chart and maths pages are subsets of all pages (guards the helpers)."""
    pages = set(site_index.pages())
    assert set(site_index.chart_pages()) <= pages
    assert set(site_index.math_pages()) <= pages
