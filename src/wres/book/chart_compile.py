"""A page's charts compiled from Vega-Lite to Vega when the site is built.

A chart reaches a page as a Vega-Lite specification in a JSON data block
(:mod:`wres.book.altair_offline`), which the browser compiles to Vega before drawing: that
needs the Vega-Lite compiler and vega-embed, a third of the 0.9 MB chart bundle. Compiled
here, with the same compiler (vl-convert-python's Vega-Lite, the version the full bundle
carries), the page needs only Vega (:mod:`wres.book.vega_runtime`).

All or nothing, per page: a page's blocks are compiled only when every chart on it is a
whole Vega-Lite specification that the browser does not change before drawing (no
``usermeta`` key starting with ``wres``: such a chart, e.g. one naming shared data, is
completed in the browser) and every chart container has its block. Otherwise the page is
left as it is and loads the full bundle, so a chart assembled in the browser is still drawn
from Vega-Lite. The ``opt`` part of each block (vega-embed's options) is kept.
"""

from __future__ import annotations

import functools
import json
import re

from wres.book.altair_offline import SPEC_CLASS, _script_json

CONTAINER_MARK = "data-wres-chart="
_BLOCK = re.compile(r'(<script type="application/json" class="' + SPEC_CLASS + r'">)(.*?)(</script>)', re.S)
VEGA_SCHEMA = "/schema/vega/"
VEGA_LITE_SCHEMA = "/schema/vega-lite/"


def _schema(spec: object) -> str:
    return str(spec.get("$schema", "")) if isinstance(spec, dict) else ""


def _completed_in_browser(spec: dict) -> bool:
    usermeta = spec.get("usermeta")
    return isinstance(usermeta, dict) and any(str(k).startswith("wres") for k in usermeta)


def _blocks(body: str) -> list[dict] | None:
    """Every chart data block of ``body``, parsed; None if one is not ``{"spec": …}``."""
    out = []
    for match in _BLOCK.finditer(body):
        try:
            data = json.loads(match.group(2))
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
            return None
        out.append(data)
    return out


def compilable(body: str) -> bool:
    """Whether every chart of ``body`` is a Vega-Lite specification drawn as it stands."""
    blocks = _blocks(body)
    if not blocks or blocks is None or len(blocks) != body.count(CONTAINER_MARK):
        return False
    return all(VEGA_LITE_SCHEMA in _schema(b["spec"]) and not _completed_in_browser(b["spec"]) for b in blocks)


def all_vega(body: str) -> bool:
    """Whether every chart container of ``body`` holds a Vega specification (the page needs
    only the Vega runtime)."""
    blocks = _blocks(body)
    if not blocks or len(blocks) != body.count(CONTAINER_MARK):
        return False
    return all(VEGA_SCHEMA in _schema(b["spec"]) for b in blocks)


@functools.lru_cache(maxsize=4096)
def _compiled(spec_json: str) -> str:
    """The Vega form of one Vega-Lite specification, as canonical JSON (cached: a page
    rebuilt by ``wres preview`` compiles only what changed)."""
    import vl_convert as vlc

    from wres.book.sphinx_offline import _vl_version

    vl = _vl_version()
    spec = json.loads(spec_json)
    vega = vlc.vegalite_to_vega(spec, vl_version=vl) if vl else vlc.vegalite_to_vega(spec)
    return json.dumps(vega, sort_keys=False, ensure_ascii=False)


def compile_page(body: str) -> str:
    """``body`` with every chart specification in Vega, if :func:`compilable`; else as it is."""
    if not compilable(body):
        return body

    def one(match: re.Match) -> str:
        data = json.loads(match.group(2))
        spec = json.loads(_compiled(json.dumps(data["spec"], sort_keys=True, ensure_ascii=False)))
        return match.group(1) + _script_json({**data, "spec": spec}) + match.group(3)

    return _BLOCK.sub(one, body)
