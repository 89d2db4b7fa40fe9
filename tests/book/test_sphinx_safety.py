"""wres.book.sphinx_safety: a page title that holds markup is printed as text by the theme
and in the search index (a tiny Sphinx project with sphinx-book-theme, built with and
without the extension)."""

from __future__ import annotations

import json

import pytest
from sphinx.application import Sphinx

HOSTILE = "</script><script>alert(1)</script> <img src=x onerror=alert(2)>"
ESCAPED = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;"


def build(tmp_path, extensions):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"extensions = {extensions!r}\nhtml_theme = 'sphinx_book_theme'\nhtml_context = {{'default_mode': 'light'}}\n"
    )
    underline = "=" * len(HOSTILE)
    (src / "index.rst").write_text(
        f"{HOSTILE}\n{underline}\n\nBody text.\n\nSection {HOSTILE}\n{'-' * (len(HOSTILE) + 8)}\n\nMore.\n"
    )
    out = tmp_path / "out"
    app = Sphinx(
        str(src), str(src), str(out), str(tmp_path / "doctrees"), "html", status=None, warning=None, freshenv=True
    )
    app.build()
    page = (out / "index.html").read_text()
    index = (out / "searchindex.js").read_text()
    return page, json.loads(index[index.index("(") + 1 : index.rindex(")")])


def print_header(page: str) -> str:
    start = page.index('<div id="jb-print-docs-body"')
    return page[start : page.index("</h1>", start)]


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    return build(tmp_path_factory.mktemp("plain"), [])


@pytest.fixture(scope="module")
def with_ext(tmp_path_factory):
    return build(tmp_path_factory.mktemp("safe"), ["wres.book.sphinx_safety"])


def test_the_theme_alone_prints_the_title_as_markup(without):
    # The reason for the extension: sphinx-book-theme 1.3 puts title.astext() in its print header.
    page, index = without
    assert "<h1></script><script>alert(1)</script>" in print_header(page)
    assert f"Section {HOSTILE}" in index["alltitles"]


def test_the_print_header_shows_the_title_as_text(with_ext):
    page, _ = with_ext
    assert print_header(page).endswith(f"<h1>{ESCAPED}")
    assert "<script>alert(1)" not in page and "<img src=x" not in page


def test_search_index_section_titles_are_html_like_page_titles(with_ext):
    _, index = with_ext
    assert f"Section {ESCAPED}" in index["alltitles"]
    assert not [t for t in index["alltitles"] if "<" in t]
    assert index["titles"] == [ESCAPED]


def test_the_page_script_file_is_loaded_with_defer(with_ext):
    page, _ = with_ext
    assert '<script defer="defer" src="_static/wres-vendor/wres-page.js' in page
