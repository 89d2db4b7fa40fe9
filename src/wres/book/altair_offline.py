"""An Altair renderer for the offline WRES book: ``wres-offline``.

Usage, in the first code cell of a notebook::

    import wres.book.altair_offline
    wres.book.altair_offline.enable()

Every chart then displays as a ``text/html`` output only: a ``<div>`` (with a
deterministic id derived from a hash of the spec) holding the spec and the
vega-embed options in a ``<script type="application/json">`` data block, which
browsers never execute.  One static file, ``wres-charts.js`` (:data:`LOADER_JS`, the
JavaScript of ``chart_loader.js`` beside this module, written and loaded with ``defer`` by
:mod:`wres.book.sphinx_offline` after the vendored Vega bundle), finds every container and
calls ``window.vegaEmbed``, so nothing is fetched from a CDN and the page needs no inline
script: its Content-Security-Policy can forbid inline script (see
:mod:`wres.book.safety_scan`).

Vega compiles expressions with ``new Function`` unless vega-embed is given
``ast: true``; then vega-embed 7 (inside the vl-convert bundle) evaluates the
parsed expressions with its bundled CSP-safe interpreter (vega-interpreter), so
the policy does not need ``'unsafe-eval'``.  The loader always sets ``ast: true``.

Why not Altair's own renderers (docs/design.md section 7): ``html``/``default``
load vega from a CDN; ``template="inline"`` adds 0.9 MB per chart and breaks
inside Sphinx pages; ``jupyter`` needs widgets from a CDN; ``mimetype`` fails
papermill's output validation.  A ``text/html`` string passes papermill and
myst-nb embeds it raw.

Accessibility: a wrapper around the drawing area has ``role="img"`` and an ``aria-label``
(the chart's ``description`` if given with ``alt.Chart(..., description=...)``,
otherwise "Chart: <title>", otherwise "Chart"; with both a title and a
description the label is the title and the description is visually-hidden
text referenced by ``aria-describedby``).  A given description is also
written inside ``<noscript>``.  Vega sets its own role/aria-label on the
element it draws into, so these attributes live on a wrapper div.

Outside the book (a kernel :mod:`wres.book.execute` did not start: JupyterLab, papermill
and nbconvert) :func:`enable` hands over to :mod:`wres.book.standalone`, whose charts
Jupyter draws itself (a Vega-Lite bundle and an offline SVG): the loader above exists only
in the book's pages.
"""

from __future__ import annotations

import hashlib
import html
import json
from importlib import resources
from typing import Any

import altair as alt

from wres.book import standalone

RENDERER_NAME = "wres-offline"
CONTAINER_CLASS = "wres-chart"
SPEC_CLASS = "wres-chart-spec"
LOADER_NAME = "wres-charts.js"

#: Default vega-embed options.  SVG output scales crisply and stays in the
#: DOM; the actions menu is off because it would sit inside role="img" (hidden
#: from assistive technology) and its "Open in Vega Editor" item goes online.
#: The tooltip sits beside the point it describes, on whichever side keeps it on the screen
#: (vega-tooltip tries the positions in turn): beside the cursor it ran off a phone's edge.
DEFAULT_EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": False,
    "tooltip": {
        "anchor": "mark",
        "position": ["top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right"],
    },
}

# Per-process count of how often each spec hash has been displayed, so the
# same chart shown twice on one page still gets two unique ids, while a
# notebook executed top to bottom always produces the same ids.
_seen: dict[str, int] = {}

_SR_ONLY_STYLE = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
    "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0;"
)


#: The static loader (``chart_loader.js`` beside this module, shipped as package data), with
#: the class names above filled in.  Deferred scripts run in document order before
#: DOMContentLoaded, and it is loaded after the (deferred) bundle, so window.vegaEmbed exists
#: when it runs.
LOADER_JS = (
    resources.files("wres.book")
    .joinpath("chart_loader.js")
    .read_text(encoding="utf-8")
    .replace("@SPEC@", SPEC_CLASS)
    .replace("@CONTAINER@", CONTAINER_CLASS)
)

#: The smallest text, in px as drawn, of any chart on the site (titles: TITLE_MIN_PX).
TEXT_MIN_PX = 12
TITLE_MIN_PX = 14
#: Config keys of text sizes and the least each may be.
_FONT_MINIMA = {
    "axis": {"labelFontSize": TEXT_MIN_PX, "titleFontSize": TEXT_MIN_PX},
    "legend": {"labelFontSize": TEXT_MIN_PX, "titleFontSize": TEXT_MIN_PX},
    "title": {"fontSize": TITLE_MIN_PX, "subtitleFontSize": TEXT_MIN_PX},
    "header": {"labelFontSize": TEXT_MIN_PX, "titleFontSize": TEXT_MIN_PX},
    "text": {"fontSize": TEXT_MIN_PX},
}


def _legible(config: dict) -> dict:
    """``config`` with every text size raised to at least its minimum (a chart's own larger
    sizes stay)."""
    out = dict(config)
    for group, minima in _FONT_MINIMA.items():
        given = dict(out.get(group) or {})
        for key, least in minima.items():
            given[key] = max(given.get(key) or 0, least)
        out[group] = given
    return out


def fit_to_container(spec: dict) -> dict:
    """The site's form of a chart: a fixed ``width`` becomes the width of the chart's container,
    and the drawing (axes, legends, title included) fits it, so a phone draws the chart at
    phone width with text at its real size, not a wide drawing shrunk by CSS. Vega lays it
    out again when the window is resized. ``fit-x``: the height stays the plot's height, or
    a wrapped title and legends would squeeze the plot. The PDF path keeps fixed widths."""
    if not isinstance(spec.get("width"), (int, float)):
        return spec
    return {**spec, "width": "container", "autosize": {"type": "fit-x", "contains": "padding"}}


def _canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _script_json(obj: Any) -> str:
    """JSON that cannot end or escape the ``<script>`` data block that holds it."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=str)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _text(value: Any) -> str:
    """Plain text from a Vega-Lite title/description value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (list, tuple)):  # multi-line title
        return " ".join(_text(v) for v in value if v is not None).strip()
    if isinstance(value, dict):  # TitleParams {"text": ..., "subtitle": ...}
        parts = [_text(value.get("text"))]
        if value.get("subtitle"):
            parts.append(_text(value.get("subtitle")))
        return ". ".join(p for p in parts if p)
    return str(value).strip()


def chart_id(spec: dict) -> str:
    """Deterministic, page-unique element id for ``spec``."""
    digest = hashlib.sha256(_canonical_json(spec).encode("utf-8")).hexdigest()[:16]
    n = _seen.get(digest, 0) + 1
    _seen[digest] = n
    return f"wres-chart-{digest}" if n == 1 else f"wres-chart-{digest}-{n}"


def reset_ids() -> None:
    """Forget the per-process id counter (for tests)."""
    _seen.clear()


def _without_mark_roles(node: Any) -> Any:
    """``aria: false`` on every mark of a (layered, concatenated, faceted) spec: the config
    switch alone leaves the mark groups of layers with an image role and no name. A text
    mark's own ``fontSize`` is raised to at least :data:`TEXT_MIN_PX` on the way."""
    if isinstance(node, dict):
        out = {k: _without_mark_roles(v) for k, v in node.items()}
        mark = out.get("mark")
        if isinstance(mark, str):
            out["mark"] = {"type": mark, "aria": False}
        elif isinstance(mark, dict):
            out["mark"] = {**mark, "aria": False}
            if isinstance(mark.get("fontSize"), (int, float)) and mark["fontSize"] < TEXT_MIN_PX:
                out["mark"]["fontSize"] = TEXT_MIN_PX
        return out
    if isinstance(node, list):
        return [_without_mark_roles(v) for v in node]
    return node


def site_form(spec: dict) -> dict:
    """``spec`` as the site draws it: the container's width, legible text, no ARIA roles on
    the marks (a template of :mod:`wres.report.chart_template` is written in this form too)."""
    # The marks carry no ARIA roles of their own: the chart's name and its data in words sit
    # on the wrapper below, and Vega's unnamed mark groups fail axe's svg-img-alt rule.
    return _without_mark_roles(
        {**fit_to_container(spec), "config": {**_legible(spec.get("config", {})), "aria": False}}
    )


def render_html(spec: dict, embed_options: dict | None = None, **_ignored: Any) -> str:
    """The HTML fragment (div + JSON data block) for one Vega-Lite ``spec``."""
    spec = site_form(spec)
    cid = chart_id(spec)
    vis_id = f"{cid}-vis"
    desc_id = f"{cid}-desc"

    description = _text(spec.get("description"))
    title = _text(spec.get("title"))
    if description:
        label = f"Chart: {title}" if title else description
    elif title:
        label = f"Chart: {title}"
    else:
        label = "Chart"
    describedby = bool(description) and label != description

    opts = dict(DEFAULT_EMBED_OPTIONS)
    opts.update(embed_options or {})

    # Vega overwrites role/aria-label on the element it draws into, so the
    # text alternative sits on a wrapper: role="img" makes the drawn SVG
    # presentational and the wrapper's label is what assistive tech reads.
    fig_attrs = [
        'class="wres-chart-figure"',
        'role="img"',
        f'aria-label="{html.escape(label, quote=True)}"',
    ]
    if describedby:
        fig_attrs.append(f'aria-describedby="{desc_id}"')
    parts = [
        f'<div class="{CONTAINER_CLASS}" id="{cid}" data-wres-chart="1">',
        f"<div {' '.join(fig_attrs)}>",
        f'<div id="{vis_id}" class="wres-chart-vis"></div>',
        "</div>",
    ]
    if description:
        esc = html.escape(description, quote=False)
        if describedby:
            parts.append(f'<p id="{desc_id}" class="wres-chart-desc" style="{_SR_ONLY_STYLE}">{esc}</p>')
        parts.append(f'<noscript><p class="wres-chart-noscript">{esc}</p></noscript>')
    else:
        parts.append(
            '<noscript><p class="wres-chart-noscript">'
            f"{html.escape(label, quote=False)} (needs JavaScript to display).</p></noscript>"
        )
    parts.append("</div>")

    # A JSON data block is never executed, so a page's Content-Security-Policy can forbid
    # inline script; the one static loader (LOADER_NAME) draws every chart.
    parts.insert(
        1, f'<script type="application/json" class="{SPEC_CLASS}">{_script_json({"spec": spec, "opt": opts})}</script>'
    )
    return "\n".join(parts)


def renderer(spec: dict, **metadata: Any) -> dict[str, str]:
    """Altair renderer: returns a ``text/html``-only mimebundle."""
    return {"text/html": render_html(spec, embed_options=metadata.get("embed_options"))}


def enable(**embed_options: Any) -> None:
    """Register the ``wres-offline`` renderer and make it the active one.

    Keyword arguments become vega-embed options (e.g. ``renderer="canvas"``
    or ``actions=True``). Outside the book's kernels it enables :mod:`wres.book.standalone`
    instead.
    """
    if not standalone.in_book():
        standalone.enable()
        return
    alt.renderers.register(RENDERER_NAME, renderer)
    if embed_options:
        alt.renderers.enable(RENDERER_NAME, embed_options=embed_options)
    else:
        alt.renderers.enable(RENDERER_NAME)


class Unvalidated:
    """Display a chart without re-validating its spec against the Vega-Lite JSON schema.

    Validation is most of the cost of drawing a small chart (about 0.1 s each), which adds
    up over two hundred organisation profiles of many charts each. The chart builders are tested
    with validation on (tests/report/test_organisation_charts.py), so pages can skip it.
    """

    def __init__(self, chart: alt.TopLevelMixin):
        self.chart = chart

    def _repr_mimebundle_(self, include=None, exclude=None):
        if hasattr(self.chart, "template"):  # a page's part of a template (the book only)
            from wres.book.part_charts import render_part_html

            return {"text/html": render_part_html(self.chart)}
        spec = self.chart.to_dict(validate=False, context={"pre_transform": False})
        if alt.renderers.active == standalone.RENDERER_NAME:
            return standalone.renderer(spec)
        return renderer(spec)
