"""The build: inputs -> analysis -> plan -> execute -> toc -> Sphinx -> publish.

Order matters for safety: inputs are validated before anything is written, the results
are computed into a staging folder, the book is built into a staging folder, and the
published site is switched only when every chapter ran and Sphinx finished without a
warning. Otherwise the previous site and results stay as they were. Each step is skipped
when its digest says its inputs are unchanged, so a rebuild with nothing changed starts no
kernel and no Sphinx.

Interruptions (see :mod:`wres.book.guard` and :mod:`wres.book.children`): the whole build
holds the checkout's lock, records the step it is in, and its children die with it. Every
skip stamp is removed before the thing it vouches for changes and written (atomically)
after, so a build killed at any moment leaves stamps that are either true or absent; the
step it died in is redone from scratch by the next build.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from wres.book import children, editions, publish
from wres.book.execute import ChapterResult, execute_chapters, remove_stale_chapters
from wres.book.guard import BuildProgress, build_lock, fault
from wres.book.hashing import INPUTS_DIGEST, book_digest, inputs_digest
from wres.book.plan import Layout, Organisation, layout, organisations
from wres.book.safety_scan import secure_site
from wres.book.shared_data import write_profile_data
from wres.book.spec import SPEC_FILE, SiteSpec, load_spec
from wres.book.sphinx_build import (
    DEMO_ANNOUNCEMENT,
    build_html,
    mirror_source,
    warnings_tail,
)
from wres.book.sphinx_page_meta import write_findings
from wres.book.standard_source import make_own
from wres.book.toc import TOC_FILE, toc_text, write_toc
from wres.config import Paths
from wres.errors import DataError
from wres.inputs.load import load_inputs
from wres.io import TEMP_SUFFIX, atomic_write_text
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
    #: ``(file, md5 in its sidecar, md5 now)`` of raw files changed without their sidecar.
    md5_mismatches: list[tuple[str, str, str]] = field(default_factory=list)

    def timings_record(self) -> dict:
        """The numbers of the timing table the build prints, unrounded, as plain data for
        ``wres build --timings-json`` (so benchmarks read them instead of parsing a table).
        A chapter left as it was has no time, as the table says "skipped (unchanged)"."""
        return {
            "unit": "wall-clock seconds",
            "steps": dict(self.timings),
            "chapters": [
                {
                    "name": ch.name,
                    "for_each": ch.for_each,
                    "skipped": ch.skipped,
                    "seconds": None if ch.skipped else ch.seconds,
                }
                for ch in self.chapters
            ],
            "book_built": self.book_built,
            "site": str(self.site),
        }


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


def analyse_if_changed(paths: Paths, registry: Registry, force: bool = False) -> bool:
    """Validate and analyse, unless the inputs are those the results were computed from.
    Returns whether the analysis ran.

    The tables are computed into a staging folder inside ``results/`` and moved in only when
    the whole analysis succeeded, so a failure (bad input, full disk, a bug) leaves
    ``results/`` as it was. The moves are atomic file by file, not as a whole: the inputs
    stamp is removed before the first and written after the last, so a build killed
    between them leaves no stamp and the next build analyses again.
    """
    digest = inputs_digest(paths)
    stamp = paths.results / INPUTS_DIGEST
    if not force and stamp.exists() and stamp.read_text() == digest:
        return False
    # Validated before the analysis is imported (its statistics take about a second to
    # load), so a malformed file is named at once.
    inputs = load_inputs(paths, registry)
    from wres.analysis.run import analyse

    staging = children.remove_on_interrupt(paths.results / STAGING)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        analyse(paths, registry, staging, inputs=inputs)
        stamp.unlink(missing_ok=True)
        _move_in(staging, paths.results)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    atomic_write_text(stamp, digest)
    return True


#: Where the analysis writes before its tables are moved into ``results/``.
STAGING = ".wres-staging"


def _move_in(staging: Path, results: Path) -> None:
    """Make the visible files of ``results`` those of ``staging``: changed ones replaced,
    new ones added, ones the analysis no longer writes (e.g. organisation tables when
    there are no organisation files) removed, unchanged ones left alone."""
    fresh = sorted(p.name for p in staging.iterdir() if p.is_file())
    for i, name in enumerate(fresh):
        target = results / name
        if not target.exists() or target.read_bytes() != (staging / name).read_bytes():
            (staging / name).replace(target)
        if i == len(fresh) // 2:
            fault("analysis")
    for p in results.iterdir():
        if p.is_file() and not p.name.startswith(".") and p.name not in fresh:
            p.unlink()


def clear_leftovers(paths: Paths) -> None:
    """Remove what a killed build may have left: temporary files and staging folders."""
    shutil.rmtree(paths.results / STAGING, ignore_errors=True)
    for folder in (paths.results, paths.chapters, paths.site.parent):
        for p in folder.glob(f".*{TEMP_SUFFIX}") if folder.exists() else []:
            p.unlink(missing_ok=True)
    for p in paths.site.parent.glob(f".{paths.site.name}-link-*") if paths.site.parent.exists() else []:
        p.unlink(missing_ok=True)


def toc_for(site: Layout, paths: Paths) -> Path:
    """The toc to build with: the source's own when the layout is the national one, else
    one written into the generated folder (an Organisations part with nothing in it would
    make Sphinx warn, so the committed toc has none)."""
    toc = paths.source / TOC_FILE
    if toc.exists() and toc.read_text(encoding="utf-8") == toc_text(site):
        return toc
    return write_toc(site, paths.chapters / TOC_FILE)


def build(
    paths: Paths,
    registry: Registry | None = None,
    *,
    workers: int = 2,
    force: bool = False,
    console=None,
    wait: bool = False,
    on_notice=None,
) -> BuildReport:
    """``wres build``: validate, analyse, execute chapters, build and publish the book.

    Holds the checkout's build lock throughout (:class:`wres.book.guard.BuildBusy` if another
    build has it, unless ``wait``). ``on_notice(text)`` receives warnings for the reader: an
    unfinished earlier build, raw files whose md5 differs from their sidecar."""
    notice = on_notice or (lambda _text: None)
    with build_lock(paths.build, wait), children.interruptible():
        progress = BuildProgress(paths.standard_root or (paths.demo_root if paths.demo else paths.build))
        if progress.interrupted:
            notice(progress.describe_previous())
        clear_leftovers(paths)
        mismatches = _md5_warnings(paths, notice)
        try:
            report = _build(paths, registry or load_registry(), workers, force, console, progress)
        except (BuildError, DataError):
            # Reported failures leave every stamp true: nothing to redo but what failed.
            progress.finish()
            raise
        progress.finish()
        report.md5_mismatches = mismatches
        return report


def _md5_warnings(paths: Paths, notice) -> list[tuple[str, str, str]]:
    import csv

    from wres.inputs.sidecars import md5_mismatches

    try:
        found = md5_mismatches(paths.raw, paths.root)
    except (ValueError, csv.Error):  # DataError, undecodable file: the validation names it properly
        return []
    for file, recorded, actual in found:
        now = actual or "(file missing)"
        notice(
            f"{file} differs from its sidecar (md5 recorded {recorded or '(none)'}, now {now}); "
            f"it is built as it is. If the change is intended, run: wres accept {file}"
        )
    return found


def _build(
    paths: Paths, registry: Registry, workers: int, force: bool, console, progress: BuildProgress
) -> BuildReport:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    spec = site_spec(paths.root)
    progress.begin("analysis")
    analyse_if_changed(paths, registry, force or progress.distrusts("analysis"))
    progress.done("analysis")
    # The committed toc is generated: keeping it in step here means it cannot fall behind the
    # spec. A second standard's build never writes it (its toc goes into its own folder).
    if paths.standard is None:
        write_toc(site_layout(spec, registry, []), paths.root / TOC_FILE)
    if paths.source != paths.root:
        mirror_source(paths.root, paths.source, DEMO_ANNOUNCEMENT if paths.demo else None)
    if paths.standard is not None:
        make_own(paths, registry)
    timings["load, validate and analyse"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    site = site_layout(spec, registry, organisations(paths.results))
    plan = site.chapters()
    remove_stale_chapters(plan, paths.chapters)
    write_profile_data(spec, registry, paths.results, paths.chapters)
    progress.begin("chapters")
    results = execute_chapters(
        plan,
        paths.notebooks,
        registry,
        paths.chapters,
        paths.results,
        workers=workers,
        force=force or progress.distrusts("chapters"),
        console=console,
    )
    timings["execute chapters"] = time.perf_counter() - t1
    _raise_for_failures(results)
    progress.done("chapters")

    toc = toc_for(site, paths)
    # The landing page's findings come from the results: written before the book is hashed and
    # before Sphinx looks for pages, so every build sees (and excludes) the same files.
    write_findings(paths.source)
    # A newer report year keeps the published edition (wres.book.editions) before anything changes.
    edition = editions.prepare(paths.source, paths.site)
    digest = book_digest(paths.source)
    built = False
    progress.begin("site")
    redo_site = progress.distrusts("site")
    if force or redo_site or not publish.is_current(paths.site, digest):
        run = build_html(paths.source, paths.site, toc=toc, fresh=redo_site)
        timings["build book (Sphinx)"] = run.seconds
        if not run.ok:
            raise BuildError(
                "the book did not build cleanly (warnings are errors); the published site was not "
                f"changed.\n{warnings_tail(run.log)}"
            )
        # Before publishing: every page gets its Content-Security-Policy, and a page holding a
        # script, handler or foreign resource the book did not put there stops the build.
        findings = secure_site(run.html)
        if findings:
            raise BuildError(
                f"{len(findings)} page element(s) the book did not put there; the published site "
                "was not changed:\n" + "\n".join(f"  - {f}" for f in findings[:40])
            )
        publish.forget(paths.site)
        publish.publish(run.html, paths.site, add=lambda site: editions.attach(site, paths.source, edition))
        publish.record(paths.site, digest)
        built = True
    progress.done("site")
    timings["total"] = time.perf_counter() - t0
    return BuildReport(results, timings, built, paths.site)


def _raise_for_failures(results: list[ChapterResult]) -> None:
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [
            f"  - {r.name}: executed notebook with the traceback at {r.output}\n"
            f"      {r.error.splitlines()[-1] if r.error else ''}"
            for r in failed
        ]
        raise BuildError(f"{len(failed)} chapter(s) failed; the published site was not changed:\n" + "\n".join(lines))


def analyse_only(paths: Paths, registry: Registry | None = None, *, force: bool = False, wait: bool = False) -> bool:
    """``wres analyse``: validate the inputs and write ``results/`` (no chapters, no Sphinx),
    under the same lock and with the same staging as a build, so a build and an analysis never
    write the results at once. Returns whether the tables were recomputed (False: the inputs
    are those the results were computed from)."""
    with build_lock(paths.build, wait), children.interruptible():
        shutil.rmtree(paths.results / STAGING, ignore_errors=True)
        return analyse_if_changed(paths, registry or load_registry(), force)
