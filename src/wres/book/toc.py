"""The table of contents (Jupyter Book's ``_toc.yml``), written from the site spec.

The committed ``_toc.yml`` at the top of the repository is the national book's (no
organisation results) and is generated too; a test checks it equals what the spec gives.
A build with organisation results writes its own toc into the generated folder.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from wres.book.plan import Item, Layout
from wres.book.spec import SPEC_FILE
from wres.io import write_if_changed

TOC_FILE = "_toc.yml"
HEADER = (
    f"# Table of contents, generated from {SPEC_FILE.as_posix()} by `wres toc` (and `wres build`):\n"
    f"# edit that file, not this one. Hand-written pages live in book/; chapters executed\n"
    f"# from the templates in notebooks/ are written to book/generated/ by `wres build`.\n"
)


def toc_data(layout: Layout) -> dict:
    """The toc as Jupyter Book reads it (format jb-book)."""
    return {
        "format": "jb-book",
        "root": layout.root,
        "parts": [{"caption": caption, "chapters": [_entry(i) for i in items]} for caption, items in layout.parts],
    }


def _entry(item: Item) -> dict:
    out: dict = {"file": item.doc}
    if item.sections:
        out["sections"] = [_entry(s) for s in item.sections]
    return out


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, as a person writes a toc."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def toc_text(layout: Layout) -> str:
    return HEADER + yaml.dump(toc_data(layout), Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def write_toc(layout: Layout, path: Path) -> Path:
    """Write the toc to ``path`` (only when it changed, so Sphinx can stay incremental)."""
    return write_if_changed(path, toc_text(layout))
