"""Sphinx extension: each page loads only the scripts it uses.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions`` as
``wres.book.sphinx_weight``.

Readers open the book on phones on NHS Wi-Fi. As the themes ship it, every page loads about
4–6 MB of scripts whatever it shows. What this removes, and why each is safe:

* **The theme extensions' assets** a page does not use: sphinx-design (no cards or tabs),
  the copy button (no code block), the toggle button (no hidden cell), Thebe's stylesheet
  (live code is off), MyST-NB's stylesheet (a hand-written page has no notebook cell).
* **The Vega bundle and the chart loader** (0.9 MB) on pages with no chart: they only draw
  chart containers (``data-wres-chart``), and a page without one has nothing for them to do.
* **The Vega-Lite compiler and vega-embed** (0.3 MB of that bundle) on a page whose charts are
  compiled to Vega as the page is written (:mod:`wres.book.chart_compile`; not the profiles,
  whose charts are completed in the browser and whose HTML must stay small): such a page loads
  the Vega runtime alone (:mod:`wres.book.vega_runtime`) instead of the full bundle.
* **MathJax** (1.2 MB) on pages with no mathematics: MyST-NB asks Sphinx to load it on every
  page ("always", since a notebook output might hold TeX); a page whose body has no maths
  element and no TeX delimiter has nothing to typeset.
* **Font Awesome's script** (1.5 MB) on every page: pydata-sphinx-theme's stylesheet already
  carries Font Awesome's CSS and ``@font-face`` rules, and the theme's icons are ``<i class=
  "fa-…">`` elements, which the CSS draws from the theme's own web fonts (a few tens of KB,
  fetched only for the icons a page shows). The script only swapped those for inline SVG.
* **The search index and Sphinx's search tools** (the index grows with every organisation) on
  every page but the search page: the theme's search box submits to the search page, which
  loads them itself (``search_as_you_type`` is off).
* **The notebook copies of generated organisation profiles** (``_sources``) and the download
  menu's link to them: a profile's notebook is display code around the results tables, which
  the page offers as CSV; hundreds of copies were about half of a large site on disk.

* **The icons the site does not show** from the theme's icon fonts (about 300 KB of Font
  Awesome): :mod:`wres.book.icon_fonts` cuts them down to the icons of the written pages.

* **The themes' files no page loads** (Font Awesome's script, source maps, the book theme's
  message catalogues, about 5 MB): removed from the written site by
  :mod:`wres.book.unused_static`.

* **The organisations on every profile's funnels**: one data file per indicator, written by
  :mod:`wres.book.shared_data` into the generated folder and copied here to
  ``_static/wres-data/``, loaded by the chart loader when a chart names it.

The first two are decided per page from the rendered body (``html-page-context``); the
others are template text of the themes, edited in the written pages (``build-finished``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from wres.book import chart_compile, icon_fonts, page_edits, unused_static

#: Script files (by the end of their path) that draw charts: needed only where a chart is.
CHART_SCRIPTS = ("wres-vendor/vega-bundle.js", "wres-vendor/vega-runtime.js", "wres-vendor/wres-charts.js")
FULL_BUNDLE = "wres-vendor/vega-bundle.js"
VEGA_RUNTIME = "wres-vendor/vega-runtime.js"
CHART_MARKER = "data-wres-chart"
#: Where the shared chart data goes in ``_static`` (the chart loader looks beside its own folder).
SHARED_STATIC = "wres-data"
MATH_SCRIPT = "mathjax/tex-mml-chtml.js"
# Sphinx writes TeX as span.math / div.math; MyST-NB outputs may carry raw delimiters.
_MATH_MARKERS = ('class="math', "\\(", "\\[", "$$")

_FONTAWESOME = re.compile(r'[ \t]*<script [^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>\n?')
_SEARCH_SCRIPTS = re.compile(
    r'[ \t]*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*">'
    r"</script>\n?"
)
_SOURCES_ITEM = re.compile(r'<li><a href="[^"]*_sources/[^"]*\.ipynb"[^>]*>.*?</a>\s*</li>', re.S)


def _filename(script: Any) -> str:
    return str(getattr(script, "filename", script) or "").split("?", 1)[0]


def needs_charts(body: str) -> bool:
    return CHART_MARKER in body


def needs_math(body: str) -> bool:
    return any(m in body for m in _MATH_MARKERS)


#: Assets of the theme's extensions (file names, by their start) and what in a page's body
#: uses them: a page with none of those marks does not load them.
EXTENSION_ASSETS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("sphinx-design.min.css", "design-tabs.js"), ("sd-",)),  # cards, tabs, grids
    (("copybutton.css", "copybutton.js", "clipboard.min.js"), ('class="highlight',)),  # code blocks
    (("togglebutton.css", "togglebutton.js"), ("toggle", "tag_hide", "dropdown")),  # hidden cells
    (("sphinx-thebe.css",), ("thebe",)),  # live code, never switched on
    (("mystnb.",), ("cell_output", 'class="cell')),  # notebook cells and outputs
)


def page_scripts(scripts: list, body: str) -> list:
    """``scripts`` (Sphinx's ``script_files``, or ``css_files``, of one page) without the
    chart scripts when ``body`` has no chart, with one of the two Vega files when it has (the
    runtime alone when every chart is Vega, else the full bundle), without MathJax when it
    has no maths, and without each extension's assets (:data:`EXTENSION_ASSETS`) when nothing
    uses them."""
    drop: tuple[str, ...] = ()
    if not needs_charts(body):
        drop += CHART_SCRIPTS
    else:
        drop += (FULL_BUNDLE,) if chart_compile.all_vega(body) else (VEGA_RUNTIME,)
    if not needs_math(body):
        drop += (MATH_SCRIPT,)
    unused = tuple(name for names, marks in EXTENSION_ASSETS if not any(m in body for m in marks) for name in names)
    return [
        s for s in scripts if not _filename(s).endswith(drop) and not _filename(s).rsplit("/", 1)[-1].startswith(unused)
    ]


def light_page(text: str, pagename: str, profile_prefix: str | None) -> str:
    """One written page without Font Awesome's script, without the search scripts (but on
    the search page) and, on a profile page, without the link to its notebook copy."""
    text = _FONTAWESOME.sub("", text)
    if pagename != "search":
        text = _SEARCH_SCRIPTS.sub("", text)
    if profile_prefix and pagename.startswith(profile_prefix):
        text = _SOURCES_ITEM.sub("", text)
    return text


def _on_html_page_context(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "") or ""
    prefix = getattr(app, _PROFILE_PREFIX, None)
    if needs_charts(body) and not (prefix and pagename.startswith(prefix)):
        body = context["body"] = chart_compile.compile_page(body)
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files is None:
            continue
        kept = page_scripts(list(files), body)
        # In place: the list is the builder's own (see wres.book.sphinx_offline).
        if isinstance(files, list):
            files[:] = kept
        else:
            context[key] = kept


#: Where the profiles' folder of this build is kept on the Sphinx application.
_PROFILE_PREFIX = "wres_weight_profile_prefix"


def _edit_written_page(app):
    """The written-page edit of :func:`light_page`, with the profiles' folder of this build
    (kept on ``app`` for the page-context handler too)."""
    from wres.book.sphinx_nav import collapsed_prefix

    prefix = collapsed_prefix(Path(app.srcdir))
    setattr(app, _PROFILE_PREFIX, prefix)
    return lambda text, pagename: light_page(text, pagename, prefix)


def _on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    prefix = getattr(app, _PROFILE_PREFIX, None)  # read from the site spec at builder-inited
    if prefix:
        shutil.rmtree(out / "_sources" / prefix, ignore_errors=True)
    copy_shared_data(Path(app.srcdir), out)


def copy_shared_data(srcdir: Path, outdir: Path) -> list[Path]:
    """Copy the shared chart data files of the generated folder into ``_static/wres-data/``
    (replacing what an earlier build put there)."""
    from wres.book.plan import GENERATED_DIR
    from wres.book.shared_data import SHARED_SUBDIR

    dest = outdir / "_static" / SHARED_STATIC
    shutil.rmtree(dest, ignore_errors=True)
    copied = []
    for src in sorted((srcdir / GENERATED_DIR / SHARED_SUBDIR).glob("*.js")):
        dest.mkdir(parents=True, exist_ok=True)
        copied.append(Path(shutil.copyfile(src, dest / src.name)))
    return copied


#: Where the icon class names of the written pages are collected on the Sphinx application.
_ICONS = "wres_weight_icons"


def _on_builder_inited(app) -> None:
    page_edits.register(app, _edit_written_page(app))
    collector = icon_fonts.IconCollector()
    setattr(app, _ICONS, collector)
    page_edits.register(app, collector)


def _lighten_static(app, exception) -> None:
    """The themes' files no page loads removed, then the icon fonts cut: in that order, since
    the icons a removed script names are not the site's."""
    if exception is not None or app.builder.format != "html":
        return
    unused_static.remove_unloaded(Path(app.outdir) / "_static")
    collector = getattr(app, _ICONS, None)
    if collector is not None:
        icon_fonts.subset_site(Path(app.outdir), collector.names)


def setup(app) -> dict[str, Any]:
    # After sphinx.ext.mathjax (500) and wres.book.sphinx_offline (900) have added theirs.
    app.connect("html-page-context", _on_html_page_context, priority=950)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("build-finished", _on_build_finished)
    # After the one pass over the written pages (wres.book.page_edits, priority 500), whose
    # collector has noted every icon the pages show; the theme's fonts are in place by then.
    app.connect("build-finished", _lighten_static, priority=800)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
