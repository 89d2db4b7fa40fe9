"""The notebook templates outside the book: charts Jupyter draws itself, MyST roles as text.

The book executes its templates in kernels that :mod:`wres.book.execute` starts with
``WRES_BOOK_KERNEL=1``; there :func:`wres.book.altair_offline.enable` writes each chart as a
container for the site's own loader, and Markdown keeps its MyST roles for Sphinx, so the
site is unchanged. Anywhere else (JupyterLab, ``papermill`` then ``jupyter nbconvert``) that
call lands here (:func:`enable`; a template without charts calls :func:`outside_book`):

* every Altair chart is a Vega-Lite mime bundle JupyterLab draws itself (its built-in Vega
  renderer reads Vega-Lite 5, so the spec is offered under that version) plus an SVG drawn
  now by vl-convert, offline, which nbconvert's HTML shows (it has no Vega renderer);
* every Markdown output has its MyST roles as readable text or Markdown links
  (``{ref}`the methods <methods-trend-tests>``` -> ``the methods``; ``{download}`` -> a
  link to the file), and the "Hover over a point" hint, which only the book's interactive
  charts honour, is left out.
"""

from __future__ import annotations

import os
import re
from typing import Any

import altair as alt

#: Set (to "1") in the kernels the book runs its chapters in.
BOOK_ENV = "WRES_BOOK_KERNEL"
RENDERER_NAME = "wres-standalone"
#: The Vega-Lite mime type JupyterLab 4's built-in renderer draws (it knows versions 3 to 5).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: The Vega-Lite version vl-convert compiles the SVG with: the one JupyterLab's renderer has,
#: so a spec that draws here draws there.
SVG_VEGALITE_VERSION = "5.20"

ROLE = re.compile(r"\{(ref|doc|download|numref)\}`([^`]*)`")
TITLED = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
HOVER_HINT = re.compile(r'\s*<span class="wres-hover-hint">.*?</span>', re.S)


def in_book() -> bool:
    """True in a kernel the book started (:data:`BOOK_ENV`)."""
    return os.environ.get(BOOK_ENV) == "1"


def _role(match: re.Match) -> str:
    role, body = match.group(1), match.group(2).strip()
    titled = TITLED.match(body)
    title, target = (titled["title"], titled["target"]) if titled else ("", body)
    if role == "download":
        return f"[{title or target}]({target})"
    if title:
        return title
    # A bare target: a label (methods-trend-tests) or a page path (/book/generated/data).
    name = target.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
    return f"the “{name}” section of the book" if role != "doc" else f"the “{name}” page of the book"


def plain_markdown(text: str) -> str:
    """``text`` with its MyST roles as readable text or links and without the hover hint."""
    return HOVER_HINT.sub("", ROLE.sub(_role, text))


def chart_svg(spec: dict) -> str:
    """The chart drawn as SVG, offline (vl-convert bundles Vega and Vega-Lite)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, vl_version=SVG_VEGALITE_VERSION)


def renderer(spec: dict, **_metadata: Any) -> dict[str, Any]:
    """Altair renderer outside the book: Vega-Lite for JupyterLab, SVG for nbconvert."""
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    bundle: dict[str, Any] = {
        VEGALITE_MIME: {**spec, "$schema": VEGALITE_SCHEMA},
        "text/plain": f"<chart: {' '.join(text) if isinstance(text, list) else text or 'untitled'}>",
    }
    bundle["image/svg+xml"] = chart_svg(spec)
    return bundle


def enable() -> None:
    """Draw charts with :func:`renderer` and show Markdown through :func:`plain_markdown`."""
    from IPython import get_ipython
    from IPython.display import Markdown

    alt.renderers.register(RENDERER_NAME, renderer)
    alt.renderers.enable(RENDERER_NAME)
    shell = get_ipython()
    if shell is not None:
        # A type printer comes before the object's own _repr_markdown_ (IPython formatters).
        shell.display_formatter.formatters["text/markdown"].for_type(Markdown, lambda md: plain_markdown(md.data))


def outside_book() -> None:
    """:func:`enable` when the notebook runs outside the book's kernels; in the book, nothing.
    For the templates without charts (charts call it through ``altair_offline.enable()``)."""
    if not in_book():
        enable()
