"""An Altair renderer for the offline WRES book: ``wres-offline``.

Usage, in the first code cell of a notebook::

    import wres.book.altair_offline
    wres.altair_offline.enable()

Every chart then displays as a ``text/html`` output only: a ``<div>`` (with a
deterministic id derived from a hash of the spec) holding the spec and the
vega-embed options in a ``<script type="application/json">`` data block, which
browsers never execute.  One static file, ``wres-charts.js`` (:data:`LOADER_JS`,
written and loaded with ``defer`` by :mod:`wres.book.sphinx_offline` after the
vendored Vega bundle), finds every container and calls ``window.vegaEmbed``, so
nothing is fetched from a CDN and the page needs no inline script: its
Content-Security-Policy can forbid inline script (see :mod:`wres.book.safety_scan`).

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


#: The static loader.  Deferred scripts run in document order before DOMContentLoaded, and
#: it is loaded after the (deferred) bundle, so window.vegaEmbed exists when it runs.
LOADER_JS = r"""/* wres offline charts: draws every chart container written by
   wres.book.altair_offline from its JSON data block (no inline script needed). */
(function () {
  "use strict";
  var ctx = null;
  function fail(el, msg) {
    el.setAttribute("data-wres-error", msg);
    el.textContent = "Chart could not be drawn: " + msg;
    console.error("wres-offline chart " + el.id + ": " + msg);
  }
  function measure(text, size, weight) {
    ctx = ctx || document.createElement("canvas").getContext("2d");
    ctx.font = (weight || "normal") + " " + size + "px sans-serif";
    return ctx.measureText(String(text)).width;
  }
  // Vega draws every string on one line and never wraps it, so at phone width a long
  // title, axis title or legend entry runs off the drawing and is cut at its edge. An
  // array of strings Vega draws as lines, so each long text is broken at spaces into lines
  // that fit `limit` px, measured in the font Vega will draw it in.
  function lines(text, limit, size, weight) {
    if (Array.isArray(text)) {
      return text.reduce(function (all, t) { return all.concat(lines(t, limit, size, weight)); }, []);
    }
    if (typeof text !== "string" || measure(text, size, weight) <= limit) { return [text]; }
    var out = [], line = "";
    text.split(" ").forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && measure(next, size, weight) > limit) { out.push(line); line = word; } else { line = next; }
    });
    if (line) { out.push(line); }
    return out;
  }
  function wrapped(text, limit, size, weight) {
    var l = lines(text, limit, size, weight);
    return l.length === 1 ? l[0] : l;
  }
  function setting(vg, group, key, fallback) {
    var c = (vg.config || {})[group] || {};
    return c[key] != null ? c[key] : fallback;
  }
  // The strings a legend or axis will show: its scale's literal domain, else every value of
  // the domain's field in the chart's inline data.
  function domainStrings(vg, scaleName) {
    var scale = (vg.scales || []).filter(function (s) { return s.name === scaleName; })[0];
    if (!scale) { return []; }
    if (Array.isArray(scale.domain)) { return scale.domain.filter(function (v) { return typeof v === "string"; }); }
    var d = scale.domain || {}, fields = d.fields || [d.field], seen = {};
    (vg.data || []).forEach(function (set) {
      (set.values || []).forEach(function (row) {
        fields.forEach(function (f) { if (typeof row[f] === "string") { seen[row[f]] = 1; } });
      });
    });
    return Object.keys(seen);
  }
  // Labels drawn from data (legend entries, category names) are wrapped through a lookup
  // in the label's text expression: label -> its lines.
  function wrapLabels(item, part, texts, limit, size) {
    var table = {}, any = false;
    texts.forEach(function (t) {
      var l = lines(t, limit, size, "normal");
      if (l.length > 1) { table[t] = l; any = true; }
    });
    if (!any) { return 1; }
    item.encode = item.encode || {};
    item.encode[part] = item.encode[part] || {};
    item.encode[part].update = item.encode[part].update || {};
    item.encode[part].update.text = { signal: "(" + JSON.stringify(table) + ")[datum.label] || datum.label" };
    return Object.keys(table).reduce(function (m, k) { return Math.max(m, table[k].length); }, 1);
  }
  function isYearList(values) {
    return Array.isArray(values) && values.length > 1 && values.every(function (v) {
      return typeof v === "number" && Math.round(v) === v && v > 1900 && v < 2200;
    });
  }
  // Fewer year labels when they do not fit, counted back from the latest year so that the
  // latest year is always labelled (Vega's own overlap removal may drop the last one).
  function thinYears(ax, plotWidth, size) {
    var room = measure("2024", size) + 12, most = Math.max(2, Math.floor(plotWidth / room));
    var n = ax.values.length, step = Math.ceil(n / most);
    if (step > 1) { ax.values = ax.values.filter(function (v, i) { return (n - 1 - i) % step === 0; }); }
    ax.labelOverlap = false;
  }
  function fitText(vg, width) {
    var titleSize = setting(vg, "title", "fontSize", ((vg.config || {}).style || {})["group-title"] ?
      vg.config.style["group-title"].fontSize || 13 : 13);
    var axisTitle = setting(vg, "axis", "titleFontSize", 12), axisLabel = setting(vg, "axis", "labelFontSize", 12);
    var left = (vg.axes || []).filter(function (a) { return a.orient === "left" && a.labels !== false; })[0];
    var leftLimit = Math.min(setting(vg, "axis", "labelLimit", 180), Math.round(0.45 * width));
    var leftScale = left && (vg.scales || []).filter(function (s) { return s.name === left.scale; })[0];
    var categories = leftScale && (leftScale.type === "band" || leftScale.type === "point");
    // Room left of the plot: the y labels (measured for categories, about 45 px for numbers)
    // and the rotated y title.
    var labelRoom = categories ? Math.min(leftLimit, domainStrings(vg, left.scale).reduce(function (m, t) {
      return Math.max(m, measure(t, axisLabel));
    }, 0)) : 45;
    var plotWidth = width - labelRoom - (left && left.title ? 2 * axisTitle + 16 : 16);
    var plotHeight = typeof vg.height === "number" ? vg.height : 200;
    if (vg.title) {
      // A title anchored at the start begins at the drawing's left edge; a centred one is
      // centred on the plot, so it must fit the plot's width.
      var t = typeof vg.title === "object" && !Array.isArray(vg.title) ? vg.title : { text: vg.title };
      var room = t.anchor === "start" ? width - 8 : plotWidth;
      t.text = wrapped(t.text, room, t.fontSize || titleSize, "bold");
      if (t.subtitle) { t.subtitle = lines(t.subtitle, room, setting(vg, "title", "subtitleFontSize", 12), "normal"); }
      vg.title = t;
    }
    (vg.axes || []).forEach(function (ax) {
      var across = ax.orient === "bottom" || ax.orient === "top";
      if (ax.title) { ax.title = wrapped(ax.title, across ? plotWidth : plotHeight, axisTitle, "bold"); }
      if (across && isYearList(ax.values)) { thinYears(ax, plotWidth, axisLabel); }
      if (ax === left && categories) {
        ax.labelLimit = leftLimit;
        var most = wrapLabels(ax, "labels", domainStrings(vg, ax.scale), leftLimit - 4, axisLabel);
        // Wrapped category labels need taller rows, or they run into each other.
        (vg.signals || []).forEach(function (sig) {
          if (most > 1 && sig.name === ax.scale + "_step" && typeof sig.value === "number") {
            sig.value = Math.max(sig.value, Math.ceil(most * axisLabel * 1.3 + 6));
          }
        });
      }
    });
    var legendTitle = setting(vg, "legend", "titleFontSize", 12), legendLabel = setting(vg, "legend", "labelFontSize", 12);
    (vg.legends || []).forEach(function (lg) {
      // A legend under the chart starts where the plot starts, right of the y axis.
      if (lg.title) { lg.title = wrapped(lg.title, plotWidth - 4, legendTitle, "bold"); }
      var limit = plotWidth - 28;
      lg.labelLimit = limit;
      ["fill", "stroke", "shape", "strokeDash", "size", "opacity"].some(function (ch) {
        if (!lg[ch]) { return false; }
        var texts = domainStrings(vg, lg[ch]);
        wrapLabels(lg, "labels", texts, limit - 4, legendLabel);
        // Entries side by side that are wider than the plot go one under the other.
        var across = texts.reduce(function (sum, t) { return sum + measure(t, legendLabel) + 30; }, 0);
        if (lg.direction !== "vertical" && across > plotWidth) { lg.direction = "vertical"; }
        return true;
      });
    });
    // Legends under the chart one above the other: side by side, two or three of them
    // are wider than a phone.
    vg.config = vg.config || {};
    vg.config.legend = Object.assign({}, vg.config.legend, { layout: { bottom: { anchor: "start", direction: "vertical" } } });
    return vg;
  }
  // Data many pages share (a funnel's organisations, one file per indicator) sits in
  // _static/wres-data/<name>.js beside this script's folder; a chart whose usermeta names it
  // gets its datasets from there. Loaded by a script element: works from file:// and under
  // the page's Content-Security-Policy (script-src 'self'), where fetch() would not.
  var here = document.currentScript && document.currentScript.src;
  var dataBase = here ? here.replace(/[?#].*$/, "").replace(/[^\/]*$/, "") + "../wres-data/" : "";
  var loading = {};
  function sharedData(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = dataBase + encodeURIComponent(name) + ".js";
        s.onload = function () { resolve(window.wresData || {}); };
        s.onerror = function () { reject(new Error("the chart data " + name + " could not be loaded")); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }
  function withShared(spec) {
    var name = spec.usermeta && spec.usermeta.wresShared;
    if (!name) { return Promise.resolve(spec); }
    return sharedData(name).then(function (all) {
      spec.datasets = spec.datasets || {};
      Object.keys(all).forEach(function (k) {
        if (k.indexOf(name + "-") === 0) { spec.datasets[k] = all[k]; }
      });
      return spec;
    });
  }
  // A profile's chart is a template its indicator's shared file holds (window.wresTemplates)
  // and the part the page holds: a string "{{name}}" of the template (outside its datasets)
  // becomes the part's fill[name], the part's datasets (rows, or columns) join the
  // template's, and the description is the page's own paragraph (wres.report.chart_template;
  // the Python twin is its fill()).
  function assemble(data, box) {
    var part = data.part;
    if (!part) { return Promise.resolve(data); }
    return sharedData(part.shared).then(function () {
      var tpl = (window.wresTemplates || {})[part.template];
      if (!tpl) { throw new Error("the chart template " + part.template + " is missing"); }
      var spec = JSON.parse(JSON.stringify(tpl.spec)), fill = part.fill || {};
      var filled = function (node) {
        if (typeof node === "string") {
          var m = /^\{\{([A-Za-z0-9_]+)\}\}$/.exec(node);
          return m && Object.prototype.hasOwnProperty.call(fill, m[1]) ? fill[m[1]] : node;
        }
        if (Array.isArray(node)) { return node.map(filled); }
        if (node && typeof node === "object") {
          Object.keys(node).forEach(function (k) { node[k] = filled(node[k]); });
        }
        return node;
      };
      Object.keys(spec).forEach(function (k) { if (k !== "datasets") { spec[k] = filled(spec[k]); } });
      spec.datasets = spec.datasets || {};
      Object.keys(part.datasets || {}).forEach(function (k) {
        var d = part.datasets[k], cols = d.columns || {}, rows = [];
        // Rows, or {rows: n, columns: {field: values, or one value for every row}}.
        for (var i = 0; !Array.isArray(d) && i < d.rows; i++) {
          rows.push(Object.keys(cols).reduce(function (row, f) {
            row[f] = Array.isArray(cols[f]) ? cols[f][i] : cols[f];
            return row;
          }, {}));
        }
        spec.datasets[k] = Array.isArray(d) ? d : rows;
      });
      var about = box.querySelector(".wres-chart-desc");
      if (about) { spec.description = about.textContent; }
      return { spec: spec, opt: tpl.opt };
    });
  }
  function drawOne(box) {
    var vis = box.querySelector(".wres-chart-vis");
    var block = box.querySelector('script[type="application/json"].@SPEC@');
    if (!vis || !block || box.getAttribute("data-wres-drawn")) { return; }
    box.setAttribute("data-wres-drawn", "1");
    var data;
    try { data = JSON.parse(block.textContent); } catch (err) { fail(vis, "bad chart data: " + err); return; }
    if (typeof window.vegaEmbed !== "function") {
      fail(vis, "the Vega bundle (window.vegaEmbed) was not loaded on this page");
      return;
    }
    var drawn = null, width = 0, timer = null;
    function draw() {
      width = vis.clientWidth || box.clientWidth || 560;
      if (drawn) { drawn.finalize(); drawn = null; }
      // ast: true makes vega-embed evaluate expressions with its interpreter, not new Function.
      var opt = Object.assign({}, data.opt || {}, {
        ast: true,
        patch: function (vg) { return fitText(vg, width); }
      });
      window.vegaEmbed(vis, data.spec, opt).then(function (res) {
        drawn = res;
        box.setAttribute("data-wres-width", String(width));
      }).catch(function (err) { fail(vis, String(err)); });
    }
    var ready = false;
    assemble(data, box).then(function (whole) {
      data = whole;
      return withShared(data.spec);
    }).then(function () { ready = true; draw(); }, function (err) { fail(vis, String(err)); });
    // The spec's width is the container's, so Vega follows a resize on its own; the text
    // was wrapped for the old width, so a real change of width redraws the chart.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          // Not before the chart's parts are together (a template is filled after its file loads).
          if (ready && Math.abs((vis.clientWidth || 0) - width) > 16) { draw(); }
        }, 200);
      }).observe(box);
    }
  }
  function drawAll() {
    var boxes = document.querySelectorAll(".@CONTAINER@[data-wres-chart]");
    for (var i = 0; i < boxes.length; i++) { drawOne(boxes[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
""".replace("@SPEC@", SPEC_CLASS).replace("@CONTAINER@", CONTAINER_CLASS)

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
