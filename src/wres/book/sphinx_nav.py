"""Sphinx extension: the organisation profiles are one entry in the navigation, not hundreds.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions`` as
``wres.book.sphinx_nav``.

A build with organisation results has one profile page per organisation (the site spec's
``for_each: organisation`` chapter, nested under the organisations index). The theme's
sidebar would list every profile on every page: 200 links to Tab through before the page,
and a sidebar no one can scan. Readers find an organisation with the find box, the index's
filter or search; the sidebar shows the index only, and on a profile page the profile itself
under it (so the reader sees where they are). Page URLs and the table of contents (and so the
previous/next links) are unchanged: only the sidebar's HTML is pruned, as the theme writes it.

How: pydata-sphinx-theme puts ``generate_toctree_html`` into each page's template context
(``html-page-context``, default priority); :func:`_wrap_toctree` replaces it, at a later
priority, with a function that prunes the theme's result (a BeautifulSoup tree) before the
template prints it. The profiles' folder is read from the site spec (``book/site.yml``: the
``for_each: organisation`` entry's ``output``), the one place it is written.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

#: The expansion whose pages the sidebar leaves out (but for the page being read).
COLLAPSED_KIND = "organisation"


def collapsed_prefix(srcdir: Path) -> str | None:
    """The docname prefix of the profile pages (``book/generated/orgs/``), or None when the
    site spec has no organisation expansion."""
    from wres.book.plan import GENERATED_DIR
    from wres.book.spec import SPEC_FILE, load_spec

    spec_file = srcdir / SPEC_FILE
    if not spec_file.is_file():
        return None
    try:
        output = load_spec(spec_file).expansion(COLLAPSED_KIND).output
    except (KeyError, LookupError, StopIteration, ValueError):
        return None
    folder = posixpath.dirname(output)
    return f"{GENERATED_DIR}/{folder}/" if folder else None


def _target_doc(pagename: str, href: str) -> str | None:
    """The docname a sidebar link points at (None for an outside or in-page link)."""
    if not href or href.startswith(("#", "http:", "https:", "mailto:")):
        return None
    path = href.split("#", 1)[0]
    if not path.endswith(".html"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(pagename), path)).removesuffix(".html")


def prune_sidebar(soup: Any, pagename: str, prefix: str) -> Any:
    """Remove from the sidebar tree every entry of a page under ``prefix`` except the current
    page's; a toggle left with nothing to open is removed with its list."""
    for li in list(soup.find_all("li")):
        link = li.find("a", recursive=False)
        if link is None or "current" in (li.get("class") or []):
            continue
        doc = _target_doc(pagename, link.get("href", ""))
        if doc is not None and doc.startswith(prefix):
            li.decompose()
    for details in list(soup.find_all("details")):
        lists = details.find_all("ul", recursive=False)
        if all(not ul.find("li") for ul in lists):
            parent = details.parent
            details.decompose()
            if parent is not None and parent.get("class"):
                parent["class"] = [c for c in parent["class"] if c != "has-children"]
    return soup


def _wrap_toctree(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    prefix = getattr(app.env, "wres_nav_prefix", None)
    original = context.get("generate_toctree_html")
    if not prefix or original is None or getattr(original, "wres_pruned", False):
        return

    def generate_toctree_html(kind: str, *args, **kwargs):
        out = original(kind, *args, **kwargs)
        # "raw" callers get the theme's tree untouched; the sidebar gets it pruned.
        return prune_sidebar(out, pagename, prefix) if kind == "sidebar" and not isinstance(out, str) else out

    generate_toctree_html.wres_pruned = True
    context["generate_toctree_html"] = generate_toctree_html


def _on_builder_inited(app) -> None:
    app.env.wres_nav_prefix = collapsed_prefix(Path(app.srcdir))


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    # After pydata-sphinx-theme's add_toctree_functions (default priority 500).
    app.connect("html-page-context", _wrap_toctree, priority=800)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
