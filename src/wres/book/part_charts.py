"""A profile chart drawn from a template, as the page writes it and the shared file holds it.

One job: the HTML of a page's :class:`wres.report.chart_template.ChartPart` and the form of
a template in the indicator's shared data file (:mod:`wres.book.shared_data`). The chart
loader of :mod:`wres.book.altair_offline` fills the template with the part in the browser.
"""

from __future__ import annotations

import html
from typing import Any

from wres.book.altair_offline import (
    CONTAINER_CLASS,
    DEFAULT_EMBED_OPTIONS,
    SPEC_CLASS,
    _script_json,
    _text,
    chart_id,
    site_form,
)


def template_entry(spec: dict) -> dict:
    """One chart template as the shared data file holds it: its site form and the embed
    options, which the page's part (:func:`render_part_html`) does not repeat."""
    return {"spec": site_form(spec), "opt": dict(DEFAULT_EMBED_OPTIONS)}


def render_part_html(part: Any) -> str:
    """The HTML fragment of a chart drawn from a template (``part``: a
    :class:`wres.report.chart_template.ChartPart`): the same container, name and text
    alternative as :func:`wres.book.altair_offline.render_html`, but a JSON block of the page's part only, and the
    description written once: visually hidden beside the drawing (named by
    ``aria-describedby``) and shown where scripts do not run (``@media (scripting: none)``
    in the site's stylesheet), not again in a ``<noscript>`` and in the specification."""
    body = part.to_dict()
    cid = chart_id(body)
    # Named by its title alone: the subtitle's words (the value, the year) open its description.
    label = f"Chart: {_text(part.heading['text'])}"
    return "\n".join(
        [
            f'<div class="{CONTAINER_CLASS}" id="{cid}" data-wres-chart="1">',
            f'<script type="application/json" class="{SPEC_CLASS}">{_script_json({"part": body})}</script>',
            f'<div class="wres-chart-figure" role="img" aria-label="{html.escape(label, quote=True)}" '
            f'aria-describedby="{cid}-desc">',
            f'<div id="{cid}-vis" class="wres-chart-vis"></div>',
            "</div>",
            f'<p id="{cid}-desc" class="wres-chart-desc wres-chart-about">{html.escape(part.description, quote=False)}</p>',
            "</div>",
        ]
    )
