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

from .chapter import BREAKDOWNS_CSV, FIGURES_CSV, FITS_CSV, SERIES_CSV, TRENDS_CSV, md_escape
from .config import Paths
from .load import load_breakdowns, load_national
from .national import national_trends, round_for_csv
from .registry import Registry, load_registry
from .series import all_series
from . import quality
from .changes import national_changes, org_changes
from .synthetic import SYNTHETIC_NOTE
from .trust_analysis import (TRUST_READS, analyse_trusts, load_trust_results, remove_trust_results,
                             write_trust_results)
from .trusts import load_trust_folder

HASHES_FILE = ".wres-hashes.json"
CHANGES_CSV = "national_changes.csv"
ORG_CHANGES_CSV = "trust_changes.csv"
# Templates run many times (one page per organisation): executed in a reused kernel.
BATCHED_TEMPLATES = {"organisation.ipynb"}
QUALITY_READS = ("quality_accounts.csv", "quality_reasons.csv", "quality_churn.csv", "quality_unknown_ethnicity.csv")


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
    trusts = load_trust_folder(paths.trusts, registry)
    results_dir.mkdir(parents=True, exist_ok=True)
    out = {
        FIGURES_CSV: figures.drop(columns=["quality_flags"]),
        SERIES_CSV: series,
        TRENDS_CSV: trends,
        FITS_CSV: fits_df,
        BREAKDOWNS_CSV: breakdowns,
        CHANGES_CSV: national_changes(figures, registry, trends),
    }
    written = {}
    for name, df in out.items():
        written[name] = _write_if_changed(results_dir / name, round_for_csv(df).to_csv(index=False, lineterminator="\n"))
    if len(trusts):
        tables = analyse_trusts(trusts, registry)
        source = "synthetic demonstration panel (wres demo)" if paths.demo else f"{paths.trusts.relative_to(paths.root)}"
        written.update(write_trust_results(tables, results_dir, synthetic=paths.demo, source=source,
                                           note=SYNTHETIC_NOTE if paths.demo else ""))
        org_change = org_changes(tables["trust_indicators"], registry)
    else:
        # Tables from an earlier build with organisation files must not linger on the pages.
        remove_trust_results(results_dir)
        org_change = pd.DataFrame()
    written[ORG_CHANGES_CSV] = _write_if_changed(results_dir / ORG_CHANGES_CSV,
                                                 round_for_csv(org_change).to_csv(index=False, lineterminator="\n"))
    written.update(write_quality(figures, breakdowns, trusts, registry, results_dir))
    return written


def write_quality(figures: pd.DataFrame, breakdowns: pd.DataFrame, trusts: pd.DataFrame, registry: Registry,
                  results_dir: Path) -> dict[str, Path]:
    """The data quality tables: every row of every input, used or excluded with a reason."""
    status = pd.concat([quality.national_row_status(figures, registry), quality.breakdown_row_status(breakdowns),
                        quality.trust_row_status(trusts, registry)], ignore_index=True)
    tables = {
        "quality_accounts.csv": quality.account(status),
        "quality_reasons.csv": quality.exclusion_reasons(status),
        "quality_churn.csv": quality.organisation_churn(trusts),
        "quality_unknown_ethnicity.csv": quality.unknown_ethnicity(trusts),
    }
    return {name: _write_if_changed(results_dir / name, df.to_csv(index=False, lineterminator="\n"))
            for name, df in tables.items()}


def _write_if_changed_parent(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return _write_if_changed(path, text)


def _write_if_changed(path: Path, text: str) -> Path:
    # Write only on change so an unchanged input leaves results (and chapters) untouched.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def organisations(results_dir: Path) -> pd.DataFrame:
    """Organisations in the trust results (empty when there are no organisation files)."""
    orgs = load_trust_results(results_dir)["trust_orgs"]
    return orgs[["org_code", "org_name"]] if len(orgs) else pd.DataFrame(columns=["org_code", "org_name"])


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


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


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


def _execute_batch(jobs: list[tuple[nbformat.NotebookNode, str, dict, str]]) -> list[tuple[bool, float, str]]:
    """Execute many small notebooks from one template in ONE kernel (runs in a worker process).

    Papermill starts and stops a kernel per notebook (about 2.5 s each here), which for two
    hundred organisation profiles would dominate the build. Papermill's own parameterisation
    is reused so the executed notebooks look the same; the namespace is reset between
    notebooks, so no page sees another's variables.
    """
    from jupyter_client.manager import start_new_kernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    log = Path(jobs[0][1]).parent / f".batch-{os.getpid()}.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 2)
    os.close(fd)
    out: list[tuple[bool, float, str]] = []
    km, kc = start_new_kernel(kernel_name="python3", cwd=jobs[0][3])
    try:
        for template_nb, output, parameters, cwd in jobs:
            start = time.perf_counter()
            nb = _inject_parameters(nbformat.from_dict(template_nb), parameters)
            client = NotebookClient(nb, km=km, timeout=600, kernel_name="python3", resources={"metadata": {"path": cwd}})
            client.kc = kc
            client.reset_execution_trackers()
            # Straight to the kernel, not through the client: it must leave no trace in the notebook.
            kc.execute_interactive(f"%reset -f\nimport os as _os\n_os.chdir({cwd!r})\ndel _os",
                                   store_history=False, silent=True, timeout=60)
            ok, err = True, ""
            try:
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            except CellExecutionError as exc:
                ok, err = False, "\n".join(str(exc).strip().splitlines()[-12:])
            if ok:
                _tidy_executed(nb, Path(output))
            else:
                nbformat.write(nb, output)
            out.append((ok, time.perf_counter() - start, err))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return out


def _inject_parameters(nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """Insert the parameters after the template's ``parameters`` cell, as papermill does."""
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters", "remove-cell"]})
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
    nb.cells.insert(index + 1, cell)
    return nb


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
            with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
                futures = {}
                batched: list[tuple[Chapter, tuple]] = []
                for ch, template, out in todo:
                    nb = render_template(template, ch.context, registry)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    # Relative, so executed notebooks do not depend on where the repository is.
                    params = {**ch.parameters, "results_dir": os.path.relpath(results_dir, out.parent)}
                    job = (nb, str(out), params, str(out.parent))
                    if ch.template in BATCHED_TEMPLATES:
                        batched.append((ch, job))
                    else:
                        futures[pool.submit(_execute_one, *job)] = [ch]
                # One kernel per worker for the many small pages; chunks stay in plan order.
                n_chunks = max(1, min(workers, len(batched)))
                for i in range(n_chunks):
                    chunk = batched[i::n_chunks]
                    if chunk:
                        futures[pool.submit(_execute_batch, [job for _, job in chunk])] = [ch for ch, _ in chunk]
                for fut in as_completed(futures):
                    chapters = futures[fut]
                    outcome = fut.result()
                    outcomes = outcome if isinstance(outcome, list) else [outcome]
                    for ch, (ok, secs, err) in zip(chapters, outcomes, strict=True):
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
    _write_if_changed_parent(dest / "_config.yml", "# Written by wres from _config.yml.\n" + yaml.safe_dump(config, sort_keys=False))
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
    _write_if_changed(out, "# Written by wres build from _toc.yml; edit that file instead.\n" + yaml.safe_dump(toc, sort_keys=False))
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
    analyse(paths, registry, paths.results)
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
