"""The build: load and validate, analyse, execute chapter templates, build the book, publish.

Order matters for safety: inputs are validated before anything is written, the book is
built into a staging folder, and the published site is replaced only when every chapter
ran and Sphinx finished without a warning. Otherwise the previous site stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import nbformat
import pandas as pd

from .chapter import BREAKDOWNS_CSV, FIGURES_CSV, FITS_CSV, SERIES_CSV, TRENDS_CSV
from .config import Paths
from .load import load_breakdowns, load_national
from .national import national_trends, round_for_csv
from .registry import Registry, load_registry
from .series import all_series

HASHES_FILE = ".wres-hashes.json"


@dataclass(frozen=True)
class Chapter:
    """One executed notebook: ``name`` is its file name (no suffix) in the generated folder."""

    name: str
    template: str
    parameters: dict
    context: dict = field(default_factory=dict, compare=False, hash=False)
    reads: tuple[str, ...] = ()


@dataclass
class ChapterResult:
    name: str
    ok: bool
    seconds: float
    skipped: bool = False
    error: str = ""
    output: str = ""


class BuildError(RuntimeError):
    """The build failed; the previously published site was kept."""


# ---------------------------------------------------------------- analysis


def analyse(paths: Paths, registry: Registry, results_dir: Path) -> dict[str, Path]:
    """Validate the inputs and write every results table. Raises DataError before writing
    anything if an input is malformed."""
    figures = load_national(paths.national_csv, registry)
    breakdowns = load_breakdowns(paths.breakdowns_csv, registry) if paths.breakdowns_csv.exists() else pd.DataFrame()
    series = all_series(figures, registry)
    trends, fits = national_trends(figures, registry)
    fit_rows = [f.assign(indicator=i, series=k) for (i, k), f in sorted(fits.items())]
    fits_df = pd.concat(fit_rows, ignore_index=True)[["indicator", "series", "year", "fitted", "ci_low", "ci_high"]] if fit_rows else pd.DataFrame()
    results_dir.mkdir(parents=True, exist_ok=True)
    out = {
        FIGURES_CSV: figures.drop(columns=["quality_flags"]),
        SERIES_CSV: series,
        TRENDS_CSV: trends,
        FITS_CSV: fits_df,
        BREAKDOWNS_CSV: breakdowns,
    }
    written = {}
    for name, df in out.items():
        p = results_dir / name
        text = round_for_csv(df).to_csv(index=False, lineterminator="\n")
        # Write only on change so an unchanged input leaves results (and chapters) untouched.
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
        written[name] = p
    return written


# ---------------------------------------------------------------- chapters


def chapter_plan(registry: Registry) -> list[Chapter]:
    """The chapters every build executes: overview, one per indicator, data provenance."""
    reads = (FIGURES_CSV, SERIES_CSV, TRENDS_CSV, FITS_CSV, BREAKDOWNS_CSV)
    plan = [Chapter("overview", "overview.ipynb", {}, {}, reads)]
    for ind in registry.indicators:
        plan.append(Chapter(ind.slug, "indicator.ipynb", {"indicator_id": ind.id}, {"ind": ind}, reads))
    plan.append(Chapter("data", "data.ipynb", {}, {}, (FIGURES_CSV,)))
    return plan


def render_template(template: Path, context: dict, registry: Registry) -> nbformat.NotebookNode:
    """Fill ``{{ … }}`` placeholders in a template's Markdown cells from the registry.

    Titles and wording have to be in Markdown cells (not outputs) so that Sphinx uses them
    as page titles; papermill does not touch Markdown, so we render them here.
    """
    nb = nbformat.read(template, as_version=4)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and ("{{" in cell.source or "{%" in cell.source):
            cell.source = env.from_string(cell.source).render(registry=registry, std=registry.standard, **context)
    return nb


def package_digest() -> str:
    """Hash of the installed package's code and registry: a change re-runs every chapter."""
    h = hashlib.sha256()
    root = resources.files("wres")
    for p in sorted(Path(str(root)).rglob("*")):
        if p.suffix in {".py", ".yml"} and "__pycache__" not in p.parts:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def chapter_digest(ch: Chapter, template: Path, results_dir: Path, pkg: str) -> str:
    h = hashlib.sha256()
    h.update(template.read_bytes())
    h.update(json.dumps(ch.parameters, sort_keys=True).encode())
    h.update(pkg.encode())
    for name in ch.reads:
        p = results_dir / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def _execute_one(template_nb: nbformat.NotebookNode, output: str, parameters: dict, cwd: str) -> tuple[bool, float, str]:
    # Runs in a worker process: papermill starts a fresh kernel for each notebook.
    import papermill as pm

    # Kernels inherit this process's stderr and chatter on it; keep that in a log beside the
    # executed notebook instead of burying the progress display.
    log = Path(output).with_suffix(".log")
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    start = time.perf_counter()
    try:
        nb = pm.execute_notebook(template_nb, output, parameters=parameters, cwd=cwd, kernel_name="python3",
                                 progress_bar=False, log_output=False, request_save_on_cell_execute=False)
    except Exception as err:  # noqa: BLE001 - any failure is reported per chapter, never fatal here
        msg = str(err).strip().splitlines()
        return False, time.perf_counter() - start, "\n".join(msg[-12:])
    _tidy_executed(nb, Path(output))
    return True, time.perf_counter() - start, ""


def _tidy_executed(nb: nbformat.NotebookNode, output: Path) -> None:
    """Hide papermill's injected-parameters cell from readers and drop per-run timestamps,
    so two builds from the same inputs give the same notebook."""
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nb.metadata.get("papermill", {}).pop("start_time", None)
    nb.metadata.get("papermill", {}).pop("end_time", None)
    nb.metadata.get("papermill", {}).pop("duration", None)
    nbformat.write(nb, output)


def execute_chapters(plan: list[Chapter], paths: Paths, registry: Registry, generated: Path, results_dir: Path,
                     workers: int = 2, force: bool = False, console=None) -> list[ChapterResult]:
    """Execute each chapter template with papermill in parallel worker processes.

    A chapter whose template, parameters, input tables and package are unchanged since its
    last successful run is skipped (no kernel starts). Failures are collected, not fatal.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    generated.mkdir(parents=True, exist_ok=True)
    hash_file = generated / HASHES_FILE
    old = json.loads(hash_file.read_text()) if hash_file.exists() else {}
    pkg = package_digest()
    rel_results = os.path.relpath(results_dir, generated)
    todo, results, new_hashes = [], [], {}
    for ch in plan:
        template = paths.notebooks / ch.template
        digest = chapter_digest(ch, template, results_dir, pkg)
        out = generated / f"{ch.name}.ipynb"
        new_hashes[ch.name] = digest
        if not force and old.get(ch.name) == digest and out.exists():
            results.append(ChapterResult(ch.name, True, 0.0, skipped=True, output=str(out)))
        else:
            todo.append((ch, template, out))
    failed: set[str] = set()
    if todo:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=False) as progress:
            task = progress.add_task("Executing chapters", total=len(todo))
            with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
                futures = {}
                for ch, template, out in todo:
                    nb = render_template(template, ch.context, registry)
                    params = {**ch.parameters, "results_dir": rel_results}
                    futures[pool.submit(_execute_one, nb, str(out), params, str(generated))] = ch
                for fut in as_completed(futures):
                    ch = futures[fut]
                    ok, secs, err = fut.result()
                    results.append(ChapterResult(ch.name, ok, secs, error=err, output=str(generated / f"{ch.name}.ipynb")))
                    if not ok:
                        failed.add(ch.name)
                    progress.update(task, advance=1, description=f"Executed {ch.name}")
    # Record hashes only for chapters that succeeded, so a failed one is retried next time.
    keep = {k: v for k, v in new_hashes.items() if k not in failed}
    hash_file.write_text(json.dumps(keep, indent=1, sort_keys=True))
    order = {ch.name: i for i, ch in enumerate(plan)}
    return sorted(results, key=lambda r: order[r.name])


# ---------------------------------------------------------------- book


def book_digest(source_root: Path, generated: Path) -> str:
    """Hash of everything Sphinx reads, to skip an unchanged book build."""
    h = hashlib.sha256()
    files = [source_root / "_config.yml", source_root / "_toc.yml"]
    files += sorted((source_root / "book").rglob("*"))
    for p in files:
        if p.is_file() and p.name != HASHES_FILE:
            h.update(str(p.relative_to(source_root)).encode())
            h.update(p.read_bytes())
    h.update(package_digest().encode())
    return h.hexdigest()


def build_book(source_root: Path, site: Path, console=None) -> tuple[bool, str, float]:
    """Build with Jupyter Book into a staging folder; publish to ``site`` only on success.

    Warnings are errors (-W -n); on failure the previous ``site`` is untouched and the
    Sphinx log is returned.
    """
    start = time.perf_counter()
    work = site.parent / f".{site.name}-work"
    staging_html = work / "_build" / "html"
    if staging_html.exists():
        shutil.rmtree(staging_html)
    # The console script sits beside the interpreter in the virtual environment.
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(source_root), "--path-output", str(work), "--builder", "html", "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=source_root)
    log = proc.stdout + proc.stderr
    (work / "build.log").write_text(log)
    if proc.returncode != 0 or not (staging_html / "index.html").exists():
        return False, log, time.perf_counter() - start
    # Copy first, then swap by renames, so a failure part-way never leaves a half site.
    fresh, old = site.parent / f".{site.name}-new", site.parent / f".{site.name}-old"
    for p in (fresh, old):
        if p.exists():
            shutil.rmtree(p)
    site.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(staging_html, fresh)
    if site.exists():
        site.rename(old)
    fresh.rename(site)
    if old.exists():
        shutil.rmtree(old)
    return True, log, time.perf_counter() - start


# ---------------------------------------------------------------- whole build


@dataclass
class BuildReport:
    chapters: list[ChapterResult]
    timings: dict[str, float]
    book_built: bool
    site: Path


def build(paths: Paths, registry: Registry | None = None, *, workers: int = 2, force: bool = False,
          console=None) -> BuildReport:
    """``wres build``: validate, analyse, execute chapters, build and publish the book."""
    registry = registry or load_registry()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    analyse(paths, registry, paths.results)
    timings["load, validate and analyse"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    results = execute_chapters(chapter_plan(registry), paths, registry, paths.chapters, paths.results,
                               workers=workers, force=force, console=console)
    timings["execute chapters"] = time.perf_counter() - t1
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [f"  - {r.name}: executed notebook with the traceback at {r.output}\n      {r.error.splitlines()[-1] if r.error else ''}"
                 for r in failed]
        raise BuildError(f"{len(failed)} chapter(s) failed; the published site was not changed:\n" + "\n".join(lines))
    digest_file = paths.build / ".wres-book-digest"
    digest = book_digest(paths.root, paths.chapters)
    built = False
    if force or not paths.site.exists() or not digest_file.exists() or digest_file.read_text() != digest:
        ok, log, secs = build_book(paths.root, paths.site, console=console)
        timings["build book (Sphinx)"] = secs
        if not ok:
            tail = "\n".join(line for line in log.splitlines() if "WARNING" in line or "ERROR" in line)[-4000:]
            raise BuildError(f"the book did not build cleanly (warnings are errors); the published site was not changed.\n{tail}")
        digest_file.write_text(digest)
        built = True
    timings["total"] = time.perf_counter() - t0
    return BuildReport(results, timings, built, paths.site)
