"""One pass over the written pages for every extension that edits them.

Some of what the book changes on its pages is the themes' template text, which exists only
once a page is written (the download menu, header controls, the theme's script tags). Each
such change is an edit, a function of a page's text and its name (``book/intro``) returning
the new text. Extensions register their edits here; at ``build-finished`` every page is read
and written once, whatever the number of edits (one pass per extension read and rewrote every
page of a large site once each).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Edit = Callable[[str, str], str]

#: Where the registered edits are kept on the Sphinx application.
_EDITS = "wres_page_edits"


def register(app, edit: Edit) -> None:
    """Apply ``edit`` to every written HTML page at the end of the build (in the order the
    edits were registered). The first registration connects the one pass."""
    edits = getattr(app, _EDITS, None)
    if edits is None:
        edits = []
        setattr(app, _EDITS, edits)
        app.connect("build-finished", _on_build_finished)
    edits.append(edit)


def edit_pages(outdir: Path, edits: list[Edit]) -> int:
    """Apply ``edits`` to every page under ``outdir`` (not ``_static``); the number rewritten."""
    rewritten = 0
    for path in outdir.rglob("*.html"):
        rel = path.relative_to(outdir)
        if "_static" in rel.parts:
            continue
        pagename = rel.with_suffix("").as_posix()
        text = path.read_text(encoding="utf-8")
        edited = text
        for edit in edits:
            edited = edit(edited, pagename)
        if edited != text:
            path.write_text(edited, encoding="utf-8")
            rewritten += 1
    return rewritten


def _on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    edit_pages(Path(app.outdir), getattr(app, _EDITS))
