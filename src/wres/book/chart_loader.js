/* wres offline charts: draws every chart container written by
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
