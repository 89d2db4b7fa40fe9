"""Sphinx extension: text from data files never becomes markup in the theme's chrome.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions`` as
``wres.book.sphinx_safety``.

Sphinx templates are not auto-escaped; Sphinx itself passes titles to them as rendered
(escaped) HTML, but two sources of raw text reach the page unescaped:

* sphinx-book-theme 1.3 sets ``pagetitle``, ``root_title`` and ``page_description`` from
  ``node.astext()`` (plain text) and prints ``{{ pagetitle }}`` inside ``<h1>`` in its
  print header (``layout.html``) and ``{{ root_title }}`` in the sidebar.  An organisation
  named ``</script><script>alert(1)</script>`` (organisation names are profile page titles)
  would run script.  :func:`escape_theme_context` HTML-escapes these values after the
  theme's handler has set them (priority 900 > the theme's 500).
* Sphinx 7.4's search index keeps every section title as plain text (``alltitles``), and
  ``searchtools.js`` writes a matching title into the results list with ``innerHTML``.
  :func:`escape_search_titles` escapes each page's section titles as the page is written,
  so the index holds HTML like its ``titles`` list does (a title shows as the same text).

It also ships ``_static/wres-vendor/wres-page.js`` (:data:`PAGE_JS`), loaded with ``defer``
on every page, holding the book's page behaviour that would otherwise be inline script, which
the page's Content-Security-Policy forbids:

* the theme's print and full-screen buttons use inline ``onclick`` attributes; the
  post-build step (:func:`wres.book.safety_scan.apply_csp`) turns them into
  ``data-wres-action`` attributes and this file handles the clicks;
* the organisations index's search box (``#wres-org-search`` filtering the rows of
  ``#wres-org-table`` by their ``data-search`` text and updating ``#wres-org-count``,
  written by :func:`wres.report.organisation_page.org_index_html`).

Everything else the templates print (``title``, ``toc``, ``prev``/``next``, breadcrumbs,
``<title>``) is HTML that Sphinx rendered from the document tree, so it is already escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

#: Theme context values that hold plain text but are printed without ``|e``.
PLAIN_TEXT_KEYS = ("pagetitle", "root_title", "page_description")

_ESCAPED_PAGES = "_wres_safety_escaped_pages"

PAGE_JS_PATH = "wres-vendor/wres-page.js"  # inside <outdir>/_static
PAGE_JS = r"""/* wres page behaviour without inline script (see wres.book.sphinx_safety). */
(function () {
  "use strict";
  var actions = {
    print: function () { window.print(); },
    fullscreen: function () { if (typeof window.toggleFullScreen === "function") { window.toggleFullScreen(); } }
  };
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-wres-action]") : null;
    var act = el ? actions[el.getAttribute("data-wres-action")] : null;
    if (act) { act(); }
  });

  function organisationSearch() {
    var box = document.getElementById("wres-org-search");
    var count = document.getElementById("wres-org-count");
    var rows = document.querySelectorAll("#wres-org-table tbody tr");
    if (!box || !count || box.getAttribute("data-wres-bound")) { return; }
    box.setAttribute("data-wres-bound", "1");
    box.addEventListener("input", function () {
      var terms = box.value.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var text = rows[i].getAttribute("data-search") || "";
        var ok = terms.every(function (t) { return text.indexOf(t) !== -1; });
        rows[i].hidden = !ok;
        if (ok) { shown++; }
      }
      count.textContent = terms.length ? ("Showing " + shown + " of " + rows.length + " organisations.")
                                       : ("Showing all " + rows.length + " organisations.");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", organisationSearch);
  } else {
    organisationSearch();
  }
})();
"""


def escape_theme_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """HTML-escape the theme's plain-text context values (``&``, ``<``, ``>``, quotes)."""
    for key in PLAIN_TEXT_KEYS:
        value = context.get(key)
        if isinstance(value, str):
            context[key] = html.escape(value, quote=True)


def escape_search_titles(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Escape ``pagename``'s section titles in the search index being built.

    The builder feeds the indexer before it renders the page, so the titles are there when
    this runs.  Titles of pages not rewritten in an incremental build come from the previous
    index, already escaped, so each page is escaped once per build only.
    """
    indexer = getattr(app.builder, "indexer", None)
    all_titles = getattr(indexer, "_all_titles", None)
    if not isinstance(all_titles, dict) or pagename not in all_titles:
        return
    done = getattr(app, _ESCAPED_PAGES, None)
    if done is None:
        done = set()
        setattr(app, _ESCAPED_PAGES, done)
    if pagename in done:
        return
    done.add(pagename)
    all_titles[pagename] = [(html.escape(title, quote=False), anchor) for title, anchor in all_titles[pagename]]


def add_static_script(app, path: str, text: str) -> None:
    """Write ``text`` to ``<outdir>/_static/<path>`` (only when it changed, so an unchanged
    build leaves the file's time alone) and load it on every page with ``defer``. Called
    before any page is written, so Sphinx adds its ``?v=`` cache-busting query."""
    if getattr(app.builder, "format", None) != "html":
        return
    target = Path(app.outdir) / "_static" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    app.add_js_file(path, defer="defer")


def write_page_script(app) -> None:
    """Write :data:`PAGE_JS` before any page is written (so Sphinx adds its ``?v=`` query)."""
    add_static_script(app, PAGE_JS_PATH, PAGE_JS)


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", write_page_script)
    # The theme's handler runs at the default priority 500; later ones see its values.
    app.connect("html-page-context", escape_theme_context, priority=900)
    app.connect("html-page-context", escape_search_titles, priority=900)
    # Not parallel-write safe: pages are rendered in worker processes there, so the
    # search-index edit would be lost.
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": False}
