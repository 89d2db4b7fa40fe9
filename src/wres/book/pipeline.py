"""The build: inputs -> analysis -> plan -> execute -> toc -> Sphinx -> publish.

Order matters for safety: inputs are validated before anything is written, the book is
built into a staging folder, and the published site is replaced only when every chapter
ran and Sphinx finished without a warning. Otherwise the previous site stays as it was.
Each step is skipped when its digest says its inputs are unchanged, so a rebuild with
nothing changed starts no kernel and no Sphinx.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from wres.book import publish
from wres.book.safety_scan import secure_site
from wres.book.execute import ChapterResult, execute_chapters, remove_stale_chapters
from wres.book.hashing import INPUTS_DIGEST, book_digest, inputs_digest
from wres.book.plan import Layout, Organisation, layout, organisations
from wres.book.spec import SPEC_FILE, SiteSpec, load_spec
from wres.book.sphinx_build import (
    DEMO_ANNOUNCEMENT,
    build_html,
    mirror_source,
    warnings_tail,
)
from wres.book.toc import TOC_FILE, toc_text, write_toc
from wres.config import Paths
from wres.registry import Registry, load_registry

# The analysis stack (statsmodels, pandera, altair) is imported only when it is needed, so a
# rebuild with nothing changed starts quickly.


class BuildError(RuntimeError):
    """The build failed; the previously published site was kept."""


@dataclass
class BuildReport:
    chapters: list[ChapterResult]
    timings: dict[str, float]
    book_built: bool
    site: Path


def site_spec(root: Path) -> SiteSpec:
    try:
        return load_spec(root / SPEC_FILE)
    except (OSError, ValueError) as err:
        raise BuildError(str(err)) from err


def site_layout(spec: SiteSpec, registry: Registry, orgs: list[Organisation]) -> Layout:
    """The spec expanded; with no organisations, the book the committed ``_toc.yml`` lists."""
    try:
        return layout(spec, registry, orgs)
    except ValueError as err:  # e.g. a page module's READS that cannot be worked out
        raise BuildError(str(err)) from err


def analyse_if_changed(paths: Paths, registry: Registry, force: bool = False) -> None:
    """Validate and analyse, unless the inputs are those the results were computed from."""
    digest = inputs_digest(paths)
    stamp = paths.results / INPUTS_DIGEST
    if force or not stamp.exists() or stamp.read_text() != digest:
        from wres.analysis.run import analyse

        # The stamp is written only after a successful analysis; a failure leaves results as they were.
        analyse(paths, registry, paths.results)
        stamp.write_text(digest)


def toc_for(site: Layout, paths: Paths) -> Path:
    """The toc to build with: the source's own when the layout is the national one, else
    one written into the generated folder (an Organisations part with nothing in it would
    make Sphinx warn, so the committed toc has none)."""
    toc = paths.source / TOC_FILE
    if toc.exists() and toc.read_text(encoding="utf-8") == toc_text(site):
        return toc
    return write_toc(site, paths.chapters / TOC_FILE)


def build(paths: Paths, registry: Registry | None = None, *, workers: int = 2, force: bool = False,
          console=None) -> BuildReport:
    """``wres build``: validate, analyse, execute chapters, build and publish the book."""
    registry = registry or load_registry()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    spec = site_spec(paths.root)
    analyse_if_changed(paths, registry, force)
    # The committed toc is generated: keeping it in step here means it cannot fall behind the spec.
    write_toc(site_layout(spec, registry, []), paths.root / TOC_FILE)
    if paths.source != paths.root:
        mirror_source(paths.root, paths.source, DEMO_ANNOUNCEMENT if paths.demo else None)
    timings["load, validate and analyse"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    site = site_layout(spec, registry, organisations(paths.results))
    plan = site.chapters()
    remove_stale_chapters(plan, paths.chapters)
    results = execute_chapters(plan, paths.notebooks, registry, paths.chapters, paths.results,
                               workers=workers, force=force, console=console)
    timings["execute chapters"] = time.perf_counter() - t1
    _raise_for_failures(results)

    toc = toc_for(site, paths)
    digest = book_digest(paths.source)
    built = False
    if force or not publish.is_current(paths.site, digest):
        run = build_html(paths.source, paths.site, toc=toc)
        timings["build book (Sphinx)"] = run.seconds
        if not run.ok:
            raise BuildError("the book did not build cleanly (warnings are errors); the published site was not "
                             f"changed.\n{warnings_tail(run.log)}")
        # Before publishing: every page gets its Content-Security-Policy, and a page holding a
        # script, handler or foreign resource the book did not put there stops the build.
        findings = secure_site(run.html)
        if findings:
            raise BuildError(f"{len(findings)} page element(s) the book did not put there; the published site "
                             "was not changed:\n" + "\n".join(f"  - {f}" for f in findings[:40]))
        publish.publish(run.html, paths.site)
        publish.record(paths.site, digest)
        built = True
    timings["total"] = time.perf_counter() - t0
    return BuildReport(results, timings, built, paths.site)


def _raise_for_failures(results: list[ChapterResult]) -> None:
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [f"  - {r.name}: executed notebook with the traceback at {r.output}\n"
                 f"      {r.error.splitlines()[-1] if r.error else ''}" for r in failed]
        raise BuildError(f"{len(failed)} chapter(s) failed; the published site was not changed:\n" + "\n".join(lines))
