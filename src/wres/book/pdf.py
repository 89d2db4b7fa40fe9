"""Render the board report (HTML from :mod:`wres.report.pdf_report`) to an A4 PDF.

WeasyPrint, not Chromium's print through Playwright: it is a library (no browser process to
start, find or time out), it implements CSS paged media (``@page`` size and margins, running
header and footer elements, ``counter(pages)`` for "Page X of Y"), which Chromium's print does
only in part, and it draws inline SVG as vector graphics. It needs the system Pango library,
which Debian ships (and brings along with chromium).

Nothing is fetched from a network: the stylesheet is read from this package, the charts are
inline SVG, and the URL fetcher refuses every URL that is not a ``file:`` one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from wres.io import atomic_write_bytes, inside

STYLESHEET = "pdf_report.css"


class OfflineError(ValueError):
    """A resource the report asked for is not a local file."""


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        """WeasyPrint's fetcher, allowed ``file:`` URLs only (raises for any other)."""

        def fetch(self, url, headers=None):
            if not url.lower().startswith("file:"):
                raise OfflineError(f"refused to fetch {url!r}: the report uses local files only")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file"})


def stylesheet_text() -> str:
    return resources.files("wres.book").joinpath(STYLESHEET).read_text(encoding="utf-8")


def render_pdf(html: str, out: str | Path, within: str | Path | None = None) -> int:
    """Write ``html`` as a PDF to ``out`` (its folder is made); return the number of pages.

    Written like the site: to a temporary file in the output folder, renamed into place, so
    an interrupted report leaves the old one and a symbolic link at ``out`` is replaced, never
    written through. ``within``: the folder the output must lie in after resolving links (the
    repository); a report folder linked to somewhere else is refused (ValueError)."""
    # WeasyPrint loads Pango and fonts on import: only when a report is asked for.
    from weasyprint import CSS, HTML

    out = Path(out)
    if within is not None:
        inside(out.parent, Path(within))
    fetcher = _fetcher()
    doc = HTML(string=html, base_url=str(out.parent), url_fetcher=fetcher).render(
        stylesheets=[CSS(string=stylesheet_text(), url_fetcher=fetcher)]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    if within is not None:
        inside(out.parent, Path(within))  # made now: check what it resolves to once it exists
    atomic_write_bytes(out, doc.write_pdf())
    return len(doc.pages)
