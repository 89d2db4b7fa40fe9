"""Sphinx extension: every page says when it was published, how recent its data are, which
version of the book it is, and where its changes and corrections are listed.

A printed page carries the same line plus the site's name and the page's address (styled by
``.wres-page-meta`` and ``.wres-print-meta`` in ``book/assets/css/wres.css``).

The date is the date of the commit the book was built from (``git log -1``), so two builds of
the same commit are byte-identical; outside a git checkout it is ``SOURCE_DATE_EPOCH`` if set,
else today. The latest data year is the newest WRES report year in the build's
``national_figures`` results (``results/`` beside the book's sources; for the demonstration
build, ``_build/demo/results``).
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import subprocess
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from wres.book import page_edits, sphinx_settings
from wres.registry import load_registry

CORRECTIONS_PAGE = "book/corrections"


def _git(srcdir: Path, *args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=srcdir, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def published_date(srcdir: Path) -> date:
    committed = _git(srcdir, "log", "-1", "--format=%cs")
    if committed:
        return date.fromisoformat(committed)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC).date() if epoch else date.today()


def book_version(srcdir: Path) -> str:
    try:
        number = version("wres")
    except PackageNotFoundError:
        number = "unknown"
    commit = _git(srcdir, "rev-parse", "--short", "HEAD")
    return f"{number} ({commit})" if commit else number


def latest_data_year(srcdir: Path) -> int | None:
    from wres import results

    for folder in (srcdir / "results", srcdir.parent / "results"):
        figures = results.read(folder, "national_figures")
        if len(figures):
            return int(figures["report_year"].max())
    return None


#: The landing page includes this file (not a .md: Sphinx must never take it for a page of its
#: own, whichever build writes it first), written from the build's results before Sphinx reads
#: any page (Sphinx re-reads the landing page when the file changes).
FINDINGS_FILE = Path("book") / "generated" / "findings.txt"


#: The landing page's find-your-organisation box, likewise ("" in a build without organisations).
FINDER_FILE = Path("book") / "generated" / "find-organisation.txt"


def write_findings(srcdir: Path) -> None:
    from wres.io import write_if_changed
    from wres.report.landing_page import findings_markdown

    write_if_changed(srcdir / FINDER_FILE, finder_html(srcdir))
    for folder in (srcdir / "results", srcdir.parent / "results"):
        if (folder / "national_summary.csv").exists():
            write_if_changed(srcdir / FINDINGS_FILE, findings_markdown(folder))
            return
    write_if_changed(srcdir / FINDINGS_FILE, "No national results are in this build yet.\n")


def finder_html(srcdir: Path) -> str:
    """The landing page's find box, with links relative to the landing page."""
    from wres.book.plan import GENERATED_DIR, PAGES_DIR, index_link, link_pattern
    from wres.book.spec import SPEC_FILE, load_spec
    from wres.report.org_finder import find_box_html

    if not (srcdir / SPEC_FILE).is_file():
        return ""
    spec = load_spec(srcdir / SPEC_FILE)
    # Links are resolved as from a chapter at the top of the generated folder; the landing
    # page is in the pages folder, so they are prefixed with the way from there.
    up = posixpath.relpath(GENERATED_DIR, posixpath.dirname(f"{PAGES_DIR}/{spec.root}"))
    try:
        profiles, index = link_pattern("organisation", "index", spec), index_link("organisation", "index", spec)
    except StopIteration:  # a spec without organisation pages
        return ""
    if index is None:
        return ""
    profiles, index = posixpath.join(up, profiles), posixpath.join(up, index)
    for folder in (srcdir / "results", srcdir.parent / "results"):
        if (folder / "national_summary.csv").exists():
            box = find_box_html(folder, profiles, index)
            return box + "\n" if box else ""
    return ""


def _on_builder_inited(app) -> None:
    src = Path(app.srcdir)
    # `wres build` wrote the findings already (before hashing the book); a plain
    # `jupyter-book build` gets them here.
    write_findings(src)
    app.env.wres_page_meta = {
        "date": published_date(src),
        "version": book_version(src),
        "year": latest_data_year(src),
        "site": app.config.html_title or app.config.project,
    }


def meta_html(meta: dict, corrections_href: str, page_address: str) -> str:
    when = meta["date"]
    published = f"{when.day} {when:%B %Y}"
    # The registry the build chose (WRES_REGISTRY reaches the Sphinx process): its report's name.
    data = f"Latest data: {load_registry().site.report_name} {meta['year']}" if meta["year"] else "No national data"
    esc = html.escape
    line = (
        f"Published {esc(published)} · {esc(data)} · Version {esc(meta['version'])} · "
        f'<a href="{esc(corrections_href, quote=True)}">Changes and corrections</a>'
    )
    printed = f"{esc(str(meta['site']))} · {esc(page_address)} · published {esc(published)}"
    return f'<div class="wres-page-meta"><p>{line}</p></div><div class="wres-print-meta"><p>{printed}</p></div>'


def _on_html_page_context(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    if doctree is None or "body" not in context:
        return
    # On the corrections page itself the relative URI is empty: link to the page's own file.
    href = app.builder.get_relative_uri(pagename, CORRECTIONS_PAGE) or Path(app.builder.get_target_uri(pagename)).name
    address = app.builder.get_target_uri(pagename)
    # At the end of the article: a page opens with its plain sentence, not with metadata.
    context["body"] = context["body"] + meta_html(app.env.wres_page_meta, href, address)


# The theme's navigation writes a sidebar toggle (``<details><summary>``) holding only an icon,
# which screen readers announce with no name (axe: summary-name). The theme offers no option,
# so each toggle is named after the link it opens, in the written pages.
_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">)([^<]*)(</a><details(?: open="open")?>)<summary>'
)


def label_sidebar_toggles(page: str) -> str:
    return _TOGGLE.sub(
        lambda m: (
            f'{m.group(1)}{m.group(2)}{m.group(3)}<summary aria-label="Show or hide the pages under {m.group(2)}">'
        ),
        page,
    )


# The theme's download menu offers only the page's notebook and the browser's print. A reader
# wants the page's figures: every CSV the page links with ``{download}`` is offered there too,
# first. The theme has no hook for menu items, so the written pages are edited.
_DOWNLOAD_LINK = re.compile(r'<a class="reference download internal" download="" href="([^"]+\.csv)">')
_MENU = re.compile(r'(<div class="dropdown dropdown-download-buttons">.*?<ul class="dropdown-menu">)', re.S)
_MENU_WORDS = (
    ('<span class="btn__text-container">.ipynb</span>', '<span class="btn__text-container">Notebook (.ipynb)</span>'),
    ('<span class="btn__text-container">.pdf</span>', '<span class="btn__text-container">Print or save as PDF</span>'),
)


def download_menu(page: str) -> str:
    """``page`` with its CSV downloads (in page order, each once) at the top of the download menu."""
    # Sphinx leaves unchanged pages as written last time: never add the items twice.
    hrefs = [] if "fa-file-csv" in page else list(dict.fromkeys(_DOWNLOAD_LINK.findall(page)))
    items = "".join(
        f'<li><a class="btn btn-sm dropdown-item" href="{href}" download="">'
        '<span class="btn__icon-container"><i class="fas fa-file-csv"></i></span>'
        f'<span class="btn__text-container">{href.rsplit("/", 1)[-1]}</span></a></li>'
        for href in hrefs
    )
    if items:
        page = _MENU.sub(lambda m: m.group(1) + items, page, count=1)
    for old, new in _MENU_WORDS:
        page = page.replace(old, new)
    return page


# Two header controls whose name does not contain what they show (axe: label-content-name-
# mismatch, WCAG 2.5.3): the search field is labelled "Search" but reads "Search Ctrl+K", and
# Font Awesome turns each theme icon's title ("Light", "Dark", "System Settings") into text
# inside a button named "Color mode". The search field is named by what it shows; the icons
# lose their titles (the button's name and tooltip say what it does).
_SEARCH_FIELD = re.compile(
    r'(<button class="btn search-button-field search-button__button[^"]*"[^>]*?) aria-label="Search"'
)
_THEME_ICON = re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+") +title="[^"]*"')


def name_header_controls(page: str) -> str:
    return _THEME_ICON.sub(r"\1", _SEARCH_FIELD.sub(r"\1", page))


def edit_written_page(text: str, pagename: str) -> str:
    """The written page's sidebar toggles, download menu and header controls (above)."""
    return name_header_controls(download_menu(label_sidebar_toggles(text)))


def setup(app) -> dict[str, Any]:
    # The registry's settings in the hand-written pages: connected here so that the book's
    # list of extensions (_config.yml) need not change.
    sphinx_settings.connect(app)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _on_html_page_context)
    page_edits.register(app, edit_written_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
