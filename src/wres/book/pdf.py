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


def render_pdf(html: str, out: str | Path) -> int:
    """Write ``html`` as a PDF to ``out`` (its folder is made); return the number of pages."""
    # WeasyPrint loads Pango and fonts on import: only when a report is asked for.
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = HTML(string=html, base_url=str(out.parent), url_fetcher=fetcher).render(
        stylesheets=[CSS(string=stylesheet_text(), url_fetcher=fetcher)]
    )
    doc.write_pdf(out)
    return len(doc.pages)
