"""The one HTML table renderer of the book: a data frame in, an accessible table out.

Every table has a ``<caption>``, column headers with ``scope="col"`` (and, if asked, a
row-header column with ``scope="row"``), and every value taken from data is escaped. Cells
are formatted by :class:`Column`: a format spec or function, an optional link, an optional
second line in small type, an optional ``<strong>``/``<code>`` wrapper. The classes are the
book stylesheet's (``book/assets/css/wres.css``): ``table`` plus a ``wres-…`` class.

Why not Great Tables (``great_tables`` 1.1 on PyPI)? It makes no network request by default
(a Google-font ``@import`` appears only if ``opt_table_font(google_font=…)`` is used), but:
it renders the title as a ``<td>`` row inside ``<thead>`` instead of a ``<caption>``; each
table carries its own inline ``<style>`` block compiled from ~13 kB of SCSS that overrides the
book theme instead of using ``table.table``; links and small second lines need raw HTML
passed through its escaping; and it adds six dependencies (Babel, htmltools, faicons,
multimark, nokap, importlib-resources) for what is ~100 lines here.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

DASH = "—"

#: Tables whose deciding columns (a verdict, the comparison with England and with other
#: organisations, the counts of outlying indicators) come last: on a phone each row becomes
#: a card, every value under its column's name (``data-label``; ``book/assets/css/wres.css``,
#: class ``wres-cards``), so no verdict starts off the screen. By ``css`` class, the first
#: class of the table's ``css``.
CARD_TABLES = frozenset(
    {
        "wres-overview",
        "wres-changes",
        "wres-org-profile",
        "wres-org-trends",
        "wres-trends",
        "wres-org-table",
        "wres-findings",
    }
)
CARDS_CLASS = "wres-cards"


def is_missing(v: object) -> bool:
    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and math.isnan(v)


def number(spec: str, missing: str = DASH) -> Callable[[object], str]:
    """A formatter: ``number("{:+.2f}")(1.234) == "+1.23"``; a missing value gives ``missing``."""
    return lambda v: missing if is_missing(v) else spec.format(v)


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``key``: the frame's column. ``fmt``: a ``str.format`` spec or a function of the value
    (default ``str``; a missing value shows as ``missing``). ``link``: the frame column with
    the cell's URL. A cell may hold a list (with a list of URLs in ``link``): its items are
    joined with ``"; "``. ``note``: the frame column with small text under the value (each
    line of it on its own line). ``wrap``: ``"strong"`` or ``"code"``. ``after``: a frame
    column of plain text after the (wrapped) value. ``css``: the cells' class.
    """

    key: str
    title: str
    fmt: str | Callable[[object], str] | None = None
    link: str | None = None
    note: str | None = None
    wrap: str | None = None
    after: str | None = None
    css: str | None = None
    missing: str = DASH

    def text(self, v: object) -> str:
        if is_missing(v):
            return self.missing
        if self.fmt is None:
            return str(v)
        if isinstance(self.fmt, str):
            return self.fmt.format(v)
        return self.fmt(v)


def _esc(s: object) -> str:
    return html.escape(str(s), quote=True)


def _anchor(text: str, href: object) -> str:
    if is_missing(href) or str(href) == "":
        return _esc(text)
    rel = ' rel="noopener"' if "://" in str(href) else ""
    return f'<a href="{_esc(href)}"{rel}>{_esc(text)}</a>'


def _cell(col: Column, row: dict) -> str:
    v = row[col.key]
    if isinstance(v, (list, tuple)):
        hrefs = row[col.link] if col.link else [None] * len(v)
        inner = "; ".join(_anchor(col.text(x), h) for x, h in zip(v, hrefs, strict=False))
    else:
        inner = _anchor(col.text(v), row[col.link]) if col.link else _esc(col.text(v))
    if col.wrap:
        inner = f"<{col.wrap}>{inner}</{col.wrap}>"
    if col.after and not is_missing(row[col.after]) and str(row[col.after]):
        inner += " " + _esc(row[col.after])
    if col.note and not is_missing(row[col.note]):
        inner += "".join(f"<br><small>{_esc(line)}</small>" for line in str(row[col.note]).split("\n") if line)
    return inner


def html_table(
    df: pd.DataFrame,
    columns: Sequence[Column],
    *,
    caption: str,
    css: str,
    row_header: bool = False,
    row_class: str | None = None,
    row_attrs: dict[str, str] | None = None,
    table_id: str | None = None,
    empty: str = "<p>None.</p>",
    label_region: bool = False,
) -> str:
    """``df`` as an HTML table of ``columns`` (``empty`` when it has no rows).

    ``caption``: what the table shows (plain text, escaped). ``css``: the ``wres-…`` class.
    ``row_header``: the first column heads its row. ``row_class``: frame column with a class
    for each ``<tr>``; ``row_attrs``: ``<tr>`` attribute name -> frame column (e.g.
    ``{"data-search": "search"}``). ``table_id``: the table's ``id``. ``label_region``: also
    name the scroll region with ``aria-label`` (the caption), for a table inside a closed
    ``<details>``, whose caption is not rendered and so names nothing until it opens."""
    if df.empty:
        return empty
    # Cells and rows apart by whitespace, which a table's layout ignores: Sphinx's search
    # makes its result snippets from the page's textContent, which would run "a</td><td>b"
    # together as "ab".
    head = " ".join(f'<th scope="col">{_esc(c.title)}</th>' for c in columns)
    cards = css.split()[0] in CARD_TABLES if css.split() else False
    labels = [f' data-label="{_esc(c.title)}"' if cards else "" for c in columns]
    body = []
    # Plain dicts, not iterrows' Series: a profile's tables hold thousands of cells.
    for row in df.to_dict("records"):
        attrs = ""
        if row_class and str(row[row_class]):
            attrs += f' class="{_esc(row[row_class])}"'
        for name, key in (row_attrs or {}).items():
            attrs += f' {name}="{_esc(row[key])}"'
        cells = []
        for i, c in enumerate(columns):
            tag = "th" if row_header and i == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cls = f' class="{_esc(c.css)}"' if c.css else ""
            cells.append(f"<{tag}{scope}{cls}{labels[i]}>{_cell(c, row)}</{tag}>")
        body.append(f"<tr{attrs}>{' '.join(cells)}</tr>")
    ident = f' id="{_esc(table_id)}"' if table_id else ""
    # A table wider than a phone scrolls inside a region a keyboard can reach and a screen
    # reader can name (WCAG 2.1.1; axe scrollable-region-focusable): the region is labelled by
    # the caption, whose id is derived from the table so that a page is the same every build.
    cap_id = "wres-cap-" + hashlib.sha1(f"{css}|{caption}|{head}|{len(df)}".encode()).hexdigest()[:12]
    label = f' aria-label="{_esc(caption)}"' if label_region else ""
    return (
        f'<div class="wres-table-scroll" role="region" tabindex="0"{label} aria-labelledby="{cap_id}">'
        f'<table class="table {_esc(css)}{" " + CARDS_CLASS if cards else ""}"{ident}><caption id="{cap_id}">{_esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{chr(10).join(body)}</tbody></table></div>"
    )


#: The class of the "Show as table" toggle after every chart (``book/assets/css/wres.css``).
CHART_TABLE_CLASS = "wres-chart-table"


def chart_title(chart: object) -> str:
    """A chart's title as plain text ("" if it has none): an Altair chart's ``title`` is a
    string, a ``Title`` (whose ``text`` may be a list of lines) or undefined."""
    title = getattr(chart, "title", None)
    text = getattr(title, "text", title)
    if isinstance(text, (list, tuple)):
        text = " ".join(str(t) for t in text)
    return text if isinstance(text, str) else ""


def chart_table(title: str, df: pd.DataFrame, columns: Sequence[Column], note: str = "", **table_args) -> str:
    """The text view of one chart: a native ``<details>`` toggle ("Show as table: <title>")
    holding ``df`` as a table of ``columns`` and an optional ``note`` under it (plain text).
    No script: the browser opens and closes it, by mouse or keyboard (Enter or Space on the
    summary). ``table_args`` go to :func:`html_table` (``caption`` defaults to the chart title)."""
    table_args.setdefault("caption", f"The figures of the chart: {title}")
    table_args.setdefault("css", "wres-chart-data")
    table_args.setdefault("empty", "<p>The chart has no figures.</p>")
    table_args.setdefault("label_region", True)
    return (
        f'<details class="{CHART_TABLE_CLASS}"><summary>Show as table: {_esc(title)}</summary>'
        f"{html_table(df, columns, **table_args)}"
        + (f'<p class="wres-table-note"><small>{_esc(note)}</small></p>' if note else "")
        + "</details>"
    )
