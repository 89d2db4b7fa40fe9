"""``wres preview``: the national book served on this machine, rebuilt on every save.

Everything the preview writes is under ``_build/preview/`` (:class:`PreviewPaths`): its own
copy of the book's sources (as the demonstration build has under ``_build/demo``), its own
executed chapters and its own Sphinx output, which is what it serves. The published site
``_build/html``, the build's executed chapters ``book/generated`` and the results are never
written (the results only by the analysis a build would run, under the build's lock, at
start).

It reuses the build's steps: the site spec and plan (:mod:`wres.book.plan`), the chapter
digests and warm-kernel execution (:mod:`wres.book.execute`), the safety pass over written
pages (:mod:`wres.book.safety_scan`). What differs is what a change re-runs
(:mod:`wres.book.preview_changes`: only the chapters the changed file reaches), that one
kernel stays warm between edits, that Sphinx stays alive between builds
(:mod:`wres.book.preview_sphinx`), and that a template edit touching only Markdown cells
needs no kernel at all: papermill never changes Markdown, so the executed notebooks get
the template's new Markdown cells (rendered as the build renders them) in place.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from wres.book import execute, preview_changes
from wres.book.execute import chapter_digests, render_template
from wres.book.hashing import HASHES_FILE, read_hashes, write_hashes
from wres.book.plan import Chapter
from wres.book.toc import TOC_FILE, toc_text, write_toc
from wres.config import Paths
from wres.io import write_if_changed

#: How often the watched files are looked at (seconds). Polling file times needs no new
#: dependency and a few thousand stat calls take milliseconds.
POLL_S = 0.25


@dataclass(frozen=True)
class PreviewPaths:
    """Where the preview of the book at ``paths.root`` reads and writes."""

    paths: Paths

    @property
    def folder(self) -> Path:
        return self.paths.build / "preview"

    @property
    def source(self) -> Path:
        return self.folder / "src"

    @property
    def chapters(self) -> Path:
        return self.source / "book" / "generated"

    @property
    def html(self) -> Path:
        return self.folder / "html"


def watched_files(paths: Paths) -> dict[Path, int]:
    """Every file whose change the preview acts on, with its modification time (ns)."""
    root = paths.root
    found = [root / "_config.yml", root / "data" / "README.md"]
    found += [p for p in (root / "book").rglob("*") if "generated" not in p.relative_to(root).parts]
    found += list(paths.notebooks.glob("*.ipynb"))
    found += list(paths.results.glob("*")) if paths.results.exists() else []
    pkg = preview_changes.package_root()
    found += [p for p in pkg.rglob("*") if p.suffix in {".py", ".yml"} and "__pycache__" not in p.parts]
    stamps = {}
    for p in found:
        try:
            if p.is_file() and not p.name.startswith("."):
                stamps[p] = p.stat().st_mtime_ns
        except OSError:  # removed between the listing and the look
            continue
    return stamps


def changed_files(before: dict[Path, int], after: dict[Path, int]) -> set[Path]:
    """Files added, removed or saved between two looks."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def markdown_only(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> bool:
    """Whether two versions of a template differ in Markdown cells' text alone: the same
    cells (ids, kinds, order) and the same code, tags and parameters."""
    if len(old.cells) != len(new.cells) or len({c.get("id") for c in new.cells} - {None}) != len(new.cells):
        return False  # cells without ids (nbformat before 4.5), or repeated ones, cannot be matched
    for a, b in zip(old.cells, new.cells, strict=True):
        if a.get("id") != b.get("id") or a.cell_type != b.cell_type or a.metadata != b.metadata:
            return False
        if a.cell_type != "markdown" and a.source != b.source:
            return False
    return True


def patch_markdown(chapter: Chapter, template: Path, executed: Path, registry) -> bool:
    """Give the executed notebook of ``chapter`` the Markdown cells of ``template`` (rendered
    with the chapter's context, as the build renders them), matched by cell id; returns
    whether the notebook changed. Only for a template whose code is unchanged
    (:func:`markdown_only`): its outputs stay those the same code produced."""
    rendered = render_template(template, chapter.context, registry)
    markdown = {c.get("id"): c.source for c in rendered.cells if c.cell_type == "markdown"}
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.get("id") in markdown:
            cell.source = markdown[cell.get("id")]
    text = nbformat.writes(nb)
    text = text if text.endswith("\n") else text + "\n"
    if executed.read_text(encoding="utf-8") == text:
        return False
    write_if_changed(executed, text)
    return True


def seed_chapters(build_chapters: Path, preview_chapters: Path) -> None:
    """Start from the build's executed chapters (copied, with their digests, into the
    preview's folder) so that a preview of a built book executes nothing to start."""
    if (preview_chapters / HASHES_FILE).exists() or not (build_chapters / HASHES_FILE).exists():
        return
    preview_chapters.mkdir(parents=True, exist_ok=True)
    for src in build_chapters.rglob("*"):
        if src.is_file() and src.suffix in {".ipynb", ".js"}:
            dest = preview_chapters / src.relative_to(build_chapters)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
    # Last: the digests vouch for the notebooks only once they are all there.
    shutil.copy2(build_chapters / HASHES_FILE, preview_chapters / HASHES_FILE)


def toc_for_preview(layout, pp: PreviewPaths) -> Path:
    """The toc Sphinx builds with: the mirrored committed one when the layout is the
    national one, else one written into the preview's generated folder."""
    toc = pp.source / TOC_FILE
    if toc.exists() and toc.read_text(encoding="utf-8") == toc_text(layout):
        return toc
    return write_toc(layout, pp.chapters / TOC_FILE)


def record_digests(plan: list[Chapter], names: set[str], pp: PreviewPaths, paths: Paths) -> None:
    """Record the build's digests of the chapters ``names`` just brought up to date, so a
    later start of the preview does not run them again."""
    if not names:
        return
    hashes = read_hashes(pp.chapters)
    now = chapter_digests([ch for ch in plan if ch.name in names], paths.notebooks, paths.results)
    write_hashes(pp.chapters, {**hashes, **now})


def run_chapters(km, chapters: list[Chapter], registry, pp: PreviewPaths, paths: Paths) -> list[str]:
    """Execute ``chapters`` in the warm kernel ``km``; the names of those that failed."""
    jobs = [execute._job(ch, paths.notebooks, registry, pp.chapters, paths.results) for ch in chapters]
    results = execute.run_in_kernel(km, jobs)
    return [ch.name for ch, (ok, _s, _e) in zip(chapters, results, strict=True) if not ok]


def elapsed(start: float) -> str:
    return f"{time.perf_counter() - start:.1f} s"
