"""The Vega runtime for pages whose charts are already Vega: ``wres-vendor/vega-runtime.js``.

The full bundle (:func:`wres.book.sphinx_offline.build_vega_bundle`, 0.9 MB) carries Vega,
the Vega-Lite compiler and vega-embed. A page whose chart specifications were compiled to Vega
when the site was built (:mod:`wres.book.chart_compile`) needs neither of the last two, only
Vega itself, the CSP-safe expression interpreter and the tooltip handler (about 0.59 MB).
This file is those three and a small ``window.vegaEmbed`` of its own (:data:`EMBED_JS`), so
the chart loader (:data:`wres.book.altair_offline.LOADER_JS`) calls ``window.vegaEmbed`` on
either file unchanged:

* A Vega specification is drawn as vega-embed 7 draws one compiled from Vega-Lite: parsed
  with ``ast: true`` and evaluated by vega-interpreter (the page's policy has no
  ``'unsafe-eval'``), SVG renderer, vega-tooltip's handler with the loader's options, no
  hover processing (vega-embed leaves it off for Vega-Lite, whose charts do not use it), and
  the options' ``patch`` applied to a copy, so a redraw starts from the page's specification.
* A Vega-Lite specification (a chart assembled in the browser, or one the build left as it
  was) loads the full bundle from beside this file, once, and hands the chart to its
  vega-embed: such a chart is drawn as before, at the full bundle's weight.

Every module comes from vl-convert-python's vendored copies (the same files that make the
full bundle), through :func:`vl_convert.javascript_bundle` with an import of each by its
vendored address: nothing is fetched, and the versions are those vega-embed itself uses.
"""

from __future__ import annotations

import hashlib

RUNTIME_NAME = "vega-runtime.js"
#: The full bundle this file loads for a Vega-Lite chart (written beside it).
FULL_BUNDLE_NAME = "vega-bundle.js"
#: vega-embed's own dependencies as vl-convert-python vendors them (vega-embed 7.0.2 in
#: vl-convert-python 1.9): a new vl-convert-python may vendor other versions, and then
#: :func:`build_runtime` stops with the name of the module to update here.
INTERPRETER = ("vega-interpreter", "2.0.0")
TOOLTIP = ("vega-tooltip", "1.0.0")

#: The drawing function (an ES module snippet for :func:`vl_convert.javascript_bundle`). It
#: imports Vega itself (as ``vg``: the snippet's own ``vega`` name is the module's default
#: export, which Vega does not have, so in the full bundle ``window.vega`` is null).
EMBED_JS = r"""
import * as vg from "@VEGA@";
import { expressionInterpreter } from "@INTERPRETER@";
import { Handler } from "@TOOLTIP@";
const here = document.currentScript && document.currentScript.src;
const folder = here ? here.replace(/[?#].*$/, "").replace(/[^/]*$/, "") : "";
const VEGA_LITE_KEYS = ["mark", "encoding", "layer", "hconcat", "vconcat", "concat", "facet", "repeat"];
let full = null;
function isVegaLite(spec) {
  const schema = String((spec && spec.$schema) || "");
  if (schema) { return schema.indexOf("/vega-lite/") >= 0; }
  return VEGA_LITE_KEYS.some(function (k) { return spec && k in spec; });
}
function fullBundle() {
  full = full || new Promise(function (resolve, reject) {
    const s = document.createElement("script");
    s.src = folder + "@FULL@";
    s.onload = function () { resolve(window.vegaEmbed); };
    s.onerror = function () { reject(new Error("the Vega-Lite bundle (@FULL@) could not be loaded")); };
    document.head.appendChild(s);
  });
  return full;
}
async function embed(el, spec, opt) {
  opt = opt || {};
  if (typeof el === "string") { el = document.querySelector(el); }
  if (isVegaLite(spec)) {
    const real = await fullBundle();
    if (typeof real !== "function" || real === embed) { throw new Error("no vega-embed in @FULL@"); }
    return real(el, spec, opt);
  }
  let compiled = JSON.parse(JSON.stringify(spec));
  if (typeof opt.patch === "function") { compiled = opt.patch(compiled) || compiled; }
  const view = new vg.View(vg.parse(compiled, opt.config || {}, { ast: !!opt.ast }), Object.assign(
    { loader: opt.loader, logLevel: opt.logLevel == null ? vg.Warn : opt.logLevel, renderer: opt.renderer || "svg" },
    opt.ast ? { expr: expressionInterpreter } : {}
  ));
  if (opt.tooltip !== false) {
    view.tooltip(typeof opt.tooltip === "function" ? opt.tooltip
      : new Handler(opt.tooltip === true || !opt.tooltip ? {} : opt.tooltip).call);
  }
  if (opt.hover) { view.hover(); }
  if (opt.width != null) { view.width(opt.width); }
  if (opt.height != null) { view.height(opt.height); }
  if (opt.padding != null) { view.padding(opt.padding); }
  el.classList.add("vega-embed");
  el.innerHTML = "";
  await view.initialize(el, opt.bind).runAsync();
  return { view: view, spec: spec, vgSpec: compiled, embedOptions: opt, finalize: function () { view.finalize(); } };
}
window.vega = vg;
window.vegaEmbed = embed;
"""


def _module_url(name_version: tuple[str, str]) -> str:
    # vl-convert-python's module loader keys its vendored files by their CDN address; the
    # address only names the file inside the package, nothing is fetched.
    name, version = name_version
    return f"https://cdn.jsdelivr.net/npm/{name}@{version}/+esm"


def embed_snippet() -> str:
    import vl_convert as vlc

    return (
        EMBED_JS.replace("@VEGA@", _module_url(("vega", vlc.get_vega_version())))
        .replace("@INTERPRETER@", _module_url(INTERPRETER))
        .replace("@TOOLTIP@", _module_url(TOOLTIP))
        .replace("@FULL@", FULL_BUNDLE_NAME)
    )


def runtime_header() -> str:
    """First line of the file: what is inside it (also the cache key of its 3 s generation)."""
    import vl_convert as vlc

    digest = hashlib.sha256(EMBED_JS.encode("utf-8")).hexdigest()[:12]
    return (
        f"/*! wres offline Vega runtime: vl-convert-python {vlc.__version__}, vega {vlc.get_vega_version()}, "
        f"{INTERPRETER[0]} {INTERPRETER[1]}, {TOOLTIP[0]} {TOOLTIP[1]}, drawing function {digest}. "
        "Contains Vega, vega-interpreter and vega-tooltip (BSD-3-Clause, (c) University of Washington "
        "Interactive Data Lab) and their npm dependencies (e.g. d3 modules, ISC), each under its own "
        "licence, from vl-convert-python's vendored modules; and the drawing function of "
        "wres.book.vega_runtime (the project's licence). Generated by wres.book.vega_runtime from "
        "vl_convert.javascript_bundle(). */"
    )


def build_runtime() -> str:
    """The whole file: header + the IIFE-wrapped bundle (its top-level names, notably ``_``,
    stay out of the page's global scope, as in the full bundle)."""
    import vl_convert as vlc

    try:
        js = vlc.javascript_bundle(embed_snippet())
    except BaseException as err:  # a Rust panic is no Exception; vl-convert names the module it could not resolve
        raise RuntimeError(
            f"wres.book.vega_runtime: vl-convert-python {vlc.__version__} could not bundle "
            f"{INTERPRETER[0]} {INTERPRETER[1]} and {TOOLTIP[0]} {TOOLTIP[1]}: set INTERPRETER and "
            f"TOOLTIP to the versions its vega-embed {vlc.get_vega_embed_version()} uses ({err})"
        ) from err
    return f"{runtime_header()}\n(function(){{\n{js}\n}})();\n"
