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

from wres.config import (BREAKDOWNS_CSV, CHANGES_CSV, FIGURES_CSV, FITS_CSV, ORG_CHANGES_CSV, QUALITY_CSVS,
                     SERIES_CSV, TRENDS_CSV, Paths)
from wres.io import file_digest, write_if_changed
from wres.registry import Registry, load_registry
from wres.report.html import md_escape
from wres.analysis.organisations import TRUST_READS

# The analysis stack (statsmodels, pandera, altair) is imported only when it is needed, so a
# rebuild with nothing changed starts quickly.

HASHES_FILE = ".wres-hashes.json"
INPUTS_DIGEST = ".wres-inputs-digest"
QUALITY_READS = QUALITY_CSVS


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


def organisations(results_dir: Path) -> pd.DataFrame:
    """Organisations in the trust results (empty when there are no organisation files)."""
    from wres.analysis.organisations import load_trust_results

    orgs = load_trust_results(results_dir)["trust_orgs"]
    return orgs[["org_code", "org_name"]] if len(orgs) else pd.DataFrame(columns=["org_code", "org_name"])


def inputs_digest(paths: Paths) -> str:
    """Hash of every input the analysis reads (raw files, package code, build kind)."""
    h = hashlib.sha256(package_digest().encode())
    h.update(b"demo" if paths.demo else b"national")
    for folder in (paths.published, paths.trusts):
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            if p.is_file():
                h.update(str(p.relative_to(folder)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------- chapters


def chapter_plan(registry: Registry, orgs: pd.DataFrame | None = None) -> list[Chapter]:
    """The chapters a build executes: overview, one per indicator, data provenance and, when
    organisation data are present, an index and one profile per organisation."""
    reads = (FIGURES_CSV, SERIES_CSV, TRENDS_CSV, FITS_CSV, BREAKDOWNS_CSV, *TRUST_READS)
    plan = [Chapter("overview", "overview.ipynb", {}, {}, reads),
            Chapter("what-changed", "changes.ipynb", {}, {}, (CHANGES_CSV, ORG_CHANGES_CSV, *TRUST_READS))]
    for ind in registry.indicators:
        plan.append(Chapter(ind.slug, "indicator.ipynb", {"indicator_id": ind.id}, {"ind": ind}, reads))
    plan.append(Chapter("data", "data.ipynb", {}, {}, (FIGURES_CSV,)))
    plan.append(Chapter("data-quality", "quality.ipynb", {}, {}, (*QUALITY_READS, *TRUST_READS)))
    if orgs is not None and len(orgs):
        plan.append(Chapter("organisations", "organisations.ipynb", {"profile_link": "orgs/{org_code}.html"}, {},
                            TRUST_READS))
        for code, name in zip(orgs["org_code"], orgs["org_name"], strict=True):
            plan.append(Chapter(f"orgs/{code}", "organisation.ipynb", {"org_code": code},
                                {"org_code": md_escape(code), "org_name": md_escape(name)}, TRUST_READS))
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




def chapter_digest(ch: Chapter, template_digest: str, read_digests: dict[str, str], pkg: str) -> str:
    """What a chapter's output depends on: its template, parameters, Markdown context, the
    results files it reads and the package code."""
    h = hashlib.sha256()
    h.update(template_digest.encode())
    h.update(json.dumps(ch.parameters, sort_keys=True).encode())
    h.update(json.dumps({k: str(v) for k, v in ch.context.items()}, sort_keys=True).encode())
    h.update(pkg.encode())
    for name in ch.reads:
        h.update(name.encode())
        h.update(read_digests[name].encode())
    return h.hexdigest()


# Run in the kernel before each chapter: a fresh namespace and the chapter's own folder, and
# chart ids numbered from scratch so a page's output does not depend on the pages before it.
RESET_TAG = "wres-kernel-reset"
# Deleting the previous chapter's names directly: `%reset -f` also runs a full garbage
# collection and clears history, which cost a quarter of a second per profile page.
_RESET = (
    "_ip = get_ipython()\n"
    "for _k in [k for k in _ip.user_ns if not k.startswith('_') and k not in _ip.user_ns_hidden]:\n"
    "    del _ip.user_ns[_k]\n"
    "_ip.user_ns.pop('_k', None)\n"
    "del _ip\n"
    "import os as _os, sys as _sys\n"
    "_os.chdir({cwd!r})\n"
    "_m = _sys.modules.get('wres.book.altair_offline')\n"
    "_m and _m.reset_ids()\n"
    "del _os, _sys, _m\n"
)


def _execute_chunk(jobs: list[tuple[nbformat.NotebookNode, str, dict, str]], log_dir: str) -> list[tuple[bool, float, str]]:
    """Execute chapters one after another with papermill in ONE warm kernel (a worker process).

    Papermill normally starts and stops a kernel per notebook, and each chapter then spends
    longer importing pandas and Altair than doing its own work; for two hundred organisation
    profiles that would dominate the build. Papermill still parameterises, executes and
    records every notebook (and writes failures with their traceback); it is just handed a
    running kernel, which it does not own and so does not shut down. The namespace is reset
    and the working folder set before each chapter, so no chapter sees another's variables.
    """
    import papermill as pm
    from jupyter_client.manager import start_new_kernel

    # Kernels inherit this process's stderr and chatter on it; keep that in a log file.
    log = Path(log_dir) / f".kernel-{os.getpid()}.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    km, kc = start_new_kernel(kernel_name="python3")
    # Papermill opens its own client for each notebook; ours would miss its replies after that.
    kc.stop_channels()
    out: list[tuple[bool, float, str]] = []
    try:
        for template_nb, output, parameters, cwd in jobs:
            start = time.perf_counter()
            if not km.is_alive():  # a chapter killed the kernel: start a fresh one for the rest
                km.restart_kernel(now=True)
            # The reset runs as a first, transient cell (removed again below): cheaper than a
            # separate kernel client per chapter.
            template_nb = nbformat.from_dict(template_nb)
            template_nb.cells.insert(0, nbformat.v4.new_code_cell(
                _RESET.format(cwd=cwd), metadata={"tags": [RESET_TAG, "remove-cell"]}))
            try:
                nb = pm.execute_notebook(template_nb, output, parameters=parameters, kernel_name="python3", km=km,
                                         progress_bar=False, log_output=False, request_save_on_cell_execute=False)
            except Exception as err:  # noqa: BLE001 - any failure is reported per chapter, never fatal here
                msg = str(err).strip().splitlines()
                out.append((False, time.perf_counter() - start, "\n".join(msg[-12:])))
                continue
            _tidy_executed(nb, Path(output))
            out.append((True, time.perf_counter() - start, ""))
    finally:
        km.shutdown_kernel(now=True)
    return out


def _promote_headings(nb: nbformat.NotebookNode) -> None:
    """Replace each code cell tagged ``page-heading`` by a Markdown cell of its Markdown output.

    MyST-NB renders a heading in a cell output as a rubric, never as the page title; the
    template computes the heading in code so that it reads as real text in Jupyter too."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "page-heading" in cell.metadata.get("tags", []):
            text = "".join(o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", []))
            nb.cells[i] = nbformat.v4.new_markdown_cell(text, id=cell.get("id"))


def _tidy_executed(nb: nbformat.NotebookNode, output: Path) -> None:
    """Hide papermill's injected-parameters cell from readers and drop per-run timestamps,
    so two builds from the same inputs give the same notebook."""
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
    _promote_headings(nb)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    for key in ("input_path", "output_path", "start_time"):
        nb.metadata.get("papermill", {}).pop(key, None)
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
    todo, results, new_hashes = [], [], {}
    # Each input is hashed once, not once per chapter (profile pages share large tables).
    read_digests = {name: file_digest(results_dir / name) for name in {n for ch in plan for n in ch.reads}}
    template_digests = {t: file_digest(paths.notebooks / t) for t in {ch.template for ch in plan}}
    for ch in plan:
        template = paths.notebooks / ch.template
        digest = chapter_digest(ch, template_digests[ch.template], read_digests, pkg)
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
            jobs = []
            for ch, template, out in todo:
                nb = render_template(template, ch.context, registry)
                out.parent.mkdir(parents=True, exist_ok=True)
                # Relative, so executed notebooks do not depend on where the repository is.
                params = {**ch.parameters, "results_dir": os.path.relpath(results_dir, out.parent)}
                jobs.append((ch, (nb, str(out), params, str(out.parent))))
            # Dealt round-robin in plan order: each worker gets a mix of long and short chapters,
            # and the same plan always gives the same chunks.
            n_chunks = max(1, min(workers, len(jobs)))
            chunks = [jobs[i::n_chunks] for i in range(n_chunks)]
            with ProcessPoolExecutor(max_workers=n_chunks) as pool:
                futures = {pool.submit(_execute_chunk, [job for _, job in chunk], str(generated)): [ch for ch, _ in chunk]
                           for chunk in chunks}
                for fut in as_completed(futures):
                    chapters = futures[fut]
                    for ch, (ok, secs, err) in zip(chapters, fut.result(), strict=True):
                        results.append(ChapterResult(ch.name, ok, secs, error=err, output=str(generated / f"{ch.name}.ipynb")))
                        if not ok:
                            failed.add(ch.name)
                    progress.update(task, advance=len(chapters), description=f"Executed {chapters[-1].name}")
    # Record hashes only for chapters that succeeded, so a failed one is retried next time.
    keep = {k: v for k, v in new_hashes.items() if k not in failed}
    hash_file.write_text(json.dumps(keep, indent=1, sort_keys=True))
    order = {ch.name: i for i, ch in enumerate(plan)}
    return sorted(results, key=lambda r: order[r.name])


# ---------------------------------------------------------------- book


DEMO_ANNOUNCEMENT = ("Demonstration build: the organisations and their figures are synthetic (fictitious). "
                     "National figures are the real published ones.")


def mirror_source(root: Path, dest: Path, announcement: str | None = None) -> None:
    """Copy the book's hand-written sources into ``dest`` (for a build that must not touch
    the national book), adding a site-wide announcement banner to its configuration.
    Files are copied only when changed, so Sphinx can stay incremental."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    if announcement:
        config.setdefault("html", {})["announcement"] = announcement
        config["title"] = f"{config.get('title', '')} (demonstration)"
    write_if_changed(dest / "_config.yml", "# Written by wres from _config.yml.\n" + yaml.safe_dump(config, sort_keys=False))
    wanted = [root / "_toc.yml"]
    wanted += [p for p in (root / "book").rglob("*") if p.is_file() and "generated" not in p.relative_to(root).parts]
    for src in wanted:
        target = dest / src.relative_to(root)
        if target.exists() and target.read_bytes() == src.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


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


def remove_stale_chapters(plan: list[Chapter], generated: Path) -> None:
    """Drop executed notebooks that are no longer in the plan (e.g. an organisation that left)."""
    keep = {generated / f"{ch.name}.ipynb" for ch in plan}
    for nb in generated.rglob("*.ipynb"):
        if nb not in keep:
            nb.unlink()
            nb.with_suffix(".log").unlink(missing_ok=True)


def write_toc(source_root: Path, generated: Path, with_organisations: bool) -> Path:
    """The table of contents to build with: the hand-written ``_toc.yml``, plus an
    Organisations part when organisation data are present (an empty glob would warn)."""
    toc_path = source_root / "_toc.yml"
    if not with_organisations:
        return toc_path
    import yaml

    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    rel = generated.relative_to(source_root).as_posix()
    toc["parts"].append({"caption": "Organisations", "chapters": [
        {"file": f"{rel}/organisations", "sections": [{"glob": f"{rel}/orgs/*"}]}]})
    out = generated / "_toc.yml"
    write_if_changed(out, "# Written by wres build from _toc.yml; edit that file instead.\n" + yaml.safe_dump(toc, sort_keys=False))
    return out


def build_book(source_root: Path, site: Path, toc: Path | None = None, console=None) -> tuple[bool, str, float]:
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
    if toc is not None:
        cmd += ["--toc", str(toc)]
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
    digest_in = inputs_digest(paths)
    stamp = paths.results / INPUTS_DIGEST
    if force or not stamp.exists() or stamp.read_text() != digest_in:
        from wres.analysis.run import analyse

        # The stamp is written only after a successful analysis; a failure leaves results as they were.
        analyse(paths, registry, paths.results)
        stamp.write_text(digest_in)
    if paths.source != paths.root:
        mirror_source(paths.root, paths.source, DEMO_ANNOUNCEMENT if paths.demo else None)
    timings["load, validate and analyse"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    plan = chapter_plan(registry, organisations(paths.results))
    remove_stale_chapters(plan, paths.chapters)
    results = execute_chapters(plan, paths, registry, paths.chapters, paths.results,
                               workers=workers, force=force, console=console)
    timings["execute chapters"] = time.perf_counter() - t1
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [f"  - {r.name}: executed notebook with the traceback at {r.output}\n      {r.error.splitlines()[-1] if r.error else ''}"
                 for r in failed]
        raise BuildError(f"{len(failed)} chapter(s) failed; the published site was not changed:\n" + "\n".join(lines))
    toc = write_toc(paths.source, paths.chapters, any(ch.name == "organisations" for ch in plan))
    digest_file = paths.site.parent / f".{paths.site.name}-digest"
    digest = book_digest(paths.source, paths.chapters)
    built = False
    if force or not paths.site.exists() or not digest_file.exists() or digest_file.read_text() != digest:
        ok, log, secs = build_book(paths.source, paths.site, toc=toc, console=console)
        timings["build book (Sphinx)"] = secs
        if not ok:
            tail = "\n".join(line for line in log.splitlines() if "WARNING" in line or "ERROR" in line)[-4000:]
            raise BuildError(f"the book did not build cleanly (warnings are errors); the published site was not changed.\n{tail}")
        digest_file.write_text(digest)
        built = True
    timings["total"] = time.perf_counter() - t0
    return BuildReport(results, timings, built, paths.site)
