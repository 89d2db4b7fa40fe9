"""Sphinx extension: ships the reader's page behaviour (``reader.js``) with every page.

Listed in the book's ``_config.yml`` under ``sphinx: extra_extensions`` as
``wres.book.sphinx_reader``. ``reader.js`` (beside this module) holds the find-your-
organisation box, sortable tables, the scroll cue of wide tables and the opening of "Show as
table" toggles for printing; see its header. It is written to
``<outdir>/_static/wres-vendor/wres-reader.js`` before any page is written, so Sphinx adds
its ``?v=`` cache-busting query, and loaded with ``defer`` after ``wres-page.js``
(:mod:`wres.book.sphinx_safety`), whose organisation filter it prefills.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wres.book.sphinx_safety import add_static_script

SCRIPT = Path(__file__).with_name("reader.js")
TARGET = "wres-vendor/wres-reader.js"  # inside <outdir>/_static


def write_reader_script(app) -> None:
    add_static_script(app, TARGET, SCRIPT.read_text(encoding="utf-8"))


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", write_reader_script)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
