"""Executing chapters: papermill runs each template in warm kernels, in parallel workers.

A chapter whose hash (:func:`wres.book.hashing.chapter_digest`) is unchanged since its last
successful run is skipped without starting a kernel; a failed chapter is reported, never
fatal here, and retried on the next build.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2
import nbformat

from wres.book import children, standalone
from wres.book.guard import fault
from wres.book.hashing import (
    chapter_digest,
    file_digests,
    package_digest,
    read_hashes,
    write_hashes,
)
from wres.book.plan import Chapter
from wres.io import inside, write_if_changed
from wres.registry import Registry

#: Papermill writes a chapter here first; only a finished notebook is moved to its real name,
#: and the suffix keeps a leftover out of Sphinx's sources (a build removes leftovers).
PARTIAL_SUFFIX = ".ipynb.part"


@dataclass
class ChapterResult:
    name: str
    ok: bool
    seconds: float
    skipped: bool = False
    error: str = ""
    output: str = ""
    for_each: str | None = None


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


#: In a worker process: where it announces each finished chapter (set by :func:`_init_worker`).
_done_queue = None


def _init_worker(parent_pid: int, done_queue) -> None:
    """Worker start-up: die with the build (see wres.book.children) and keep the queue the
    build's progress listens on (a multiprocessing queue can only be handed over here)."""
    global _done_queue
    children.worker_init(parent_pid)
    _done_queue = done_queue


def _execute_chunk(
    jobs: list[tuple[nbformat.NotebookNode, str, dict, str]], log_dir: str
) -> list[tuple[bool, float, str]]:
    """Execute chapters one after another with papermill in ONE warm kernel (a worker process).

    Papermill normally starts and stops a kernel per notebook, and each chapter then spends
    longer importing pandas and Altair than doing its own work; for two hundred organisation
    profiles that would dominate the build. Papermill still parameterises, executes and
    records every notebook (and writes failures with their traceback); it is just handed a
    running kernel, which it does not own and so does not shut down. The namespace is reset
    and the working folder set before each chapter, so no chapter sees another's variables.
    The worker's queue hears each chapter's output path as it finishes, for the build's progress.
    """
    km = start_kernel(log_dir)
    try:
        return run_in_kernel(km, jobs, _done_queue)
    finally:
        km.shutdown_kernel(now=True)


def start_kernel(log_dir: str, redirect_stderr: bool = True):
    """A Jupyter kernel for the book's chapters, started by this process (returns its manager).

    Kernels chatter on stderr; it goes to ``log_dir/.kernel-<pid>.log``. A chapter worker
    (``redirect_stderr``) sends its own stderr there, which the kernel inherits; ``wres
    preview`` keeps its terminal and hands the kernel the log file alone. BOOK_ENV tells the
    chapters they are pages of the book (wres.book.standalone): charts for the site's own
    loader, MyST roles left for Sphinx."""
    from jupyter_client.manager import start_new_kernel

    log = Path(log_dir) / f".kernel-{os.getpid()}.log"
    extra = {}
    if redirect_stderr:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 2)
        os.close(fd)
    else:
        extra["stderr"] = open(log, "w", encoding="utf-8")  # noqa: SIM115 - the kernel holds it open
    # The kernel dies with this process even when it is SIGKILLed (see wres.book.children).
    km, kc = start_new_kernel(
        kernel_name="python3",
        preexec_fn=children.kernel_preexec,
        env={**os.environ, standalone.BOOK_ENV: "1"},
        **extra,
    )
    children.own_kernel(km.provisioner.pgid)
    # Papermill opens its own client for each notebook; ours would miss its replies after that.
    kc.stop_channels()
    return km


@contextmanager
def _clients_closed(km):
    """Close the kernel clients opened on ``km`` inside the ``with`` block when it ends.

    Papermill (through nbclient) opens a client on the kernel for each notebook and, when it
    does not own the kernel, never closes it: each left five sockets and a thread open, so a
    worker of a 2,000-organisation demonstration held 5,160 open files and 1,532 threads
    after 1,000 chapters, and its memory grew by about 0.6 MB a chapter (a machine allowing
    1,024 open files would have stopped the build after about 200 chapters a worker).
    Closing a client (``stop_channels``) closes its sockets and the context it made."""
    made = []
    make = km.client

    def client(**kwargs):
        kc = make(**kwargs)
        made.append(kc)
        return kc

    km.client = client
    try:
        yield
    finally:
        del km.client  # the manager's own method again
        for kc in made:
            kc.stop_channels()


def run_in_kernel(km, jobs: list[tuple], done_queue=None) -> list[tuple[bool, float, str]]:
    """Execute ``jobs`` (see :func:`_job`) one after another in the running kernel ``km``,
    which is left running (``wres preview`` keeps one between edits). ``done_queue`` hears
    each chapter's output path as it finishes."""
    import papermill as pm

    out: list[tuple[bool, float, str]] = []
    for template_nb, output, parameters, cwd in jobs:
        start = time.perf_counter()
        if not km.is_alive():  # a chapter killed the kernel: start a fresh one for the rest
            km.restart_kernel(now=True)
            children.own_kernel(km.provisioner.pgid)
        # The reset runs as a first, transient cell (removed again below): cheaper than a
        # separate kernel client per chapter.
        template_nb = nbformat.from_dict(template_nb)
        template_nb.cells.insert(
            0, nbformat.v4.new_code_cell(_RESET.format(cwd=cwd), metadata={"tags": [RESET_TAG, "remove-cell"]})
        )
        partial = Path(output).with_suffix(PARTIAL_SUFFIX)
        try:
            with _clients_closed(km):
                nb = pm.execute_notebook(
                    template_nb,
                    str(partial),
                    parameters=parameters,
                    kernel_name="python3",
                    km=km,
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                )
        except Exception as err:  # noqa: BLE001 - any failure is reported per chapter, never fatal here
            msg = str(err).strip().splitlines()
            if partial.exists():  # papermill saved the failed notebook, traceback included
                os.replace(partial, output)
            out.append((False, time.perf_counter() - start, "\n".join(msg[-12:])))
            if done_queue is not None:
                done_queue.put(output)
            continue
        partial.unlink(missing_ok=True)
        _tidy_executed(nb, Path(output), template_ids=[c.get("id") for c in template_nb.cells[1:]])
        out.append((True, time.perf_counter() - start, ""))
        if done_queue is not None:
            done_queue.put(output)
    return out


def _promote_headings(nb: nbformat.NotebookNode) -> None:
    """Replace each code cell tagged ``page-heading`` by a Markdown cell of its Markdown output.

    MyST-NB renders a heading in a cell output as a rubric, never as the page title; the
    template computes the heading in code so that it reads as real text in Jupyter too."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "page-heading" in cell.metadata.get("tags", []):
            text = "".join(o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", []))
            nb.cells[i] = nbformat.v4.new_markdown_cell(text, id=cell.get("id"))


def _tidy_executed(nb: nbformat.NotebookNode, output: Path, template_ids: list | None = None) -> None:
    """Hide papermill's injected-parameters cell from readers and drop per-run content
    (timestamps, random cell ids, execution counts that depend on the chapters run before
    in the same kernel), so two builds from the same inputs give the same notebook, byte for
    byte. Written atomically, and only when it changed (Sphinx then has nothing to redo)."""
    nb.cells = [c for c in nb.cells if RESET_TAG not in c.metadata.get("tags", [])]
    _promote_headings(nb)
    _stable_ids(nb, set(template_ids or []))
    _renumber_executions(nb)
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
    text = nbformat.writes(nb)
    write_if_changed(output, text if text.endswith("\n") else text + "\n")


def _stable_ids(nb: nbformat.NotebookNode, template_ids: set[str]) -> None:
    """Keep the template's own cell ids; give every other cell (papermill's parameters cell
    gets a random one) an id from its position, so ids never change between runs."""
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if cid not in template_ids or cid in seen:
            cid = f"wres-cell-{i}"
        cell["id"] = cid
        seen.add(cid)


def _renumber_executions(nb: nbformat.NotebookNode) -> None:
    """Execution counts from 1 in each notebook: in a warm kernel they would continue from
    the chapters run before, which depends on how chapters were dealt to workers."""
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        n += 1
        cell["execution_count"] = n
        for o in cell.get("outputs", []):
            if "execution_count" in o:
                o["execution_count"] = n


def chapter_digests(plan: list[Chapter], templates: Path, results_dir: Path) -> dict[str, str]:
    """Each chapter's current hash. Every results file and template is hashed once, not once
    per chapter (profile pages share large tables)."""
    pkg = package_digest()
    reads = file_digests(results_dir, {n for ch in plan for n in ch.reads})
    tpl = file_digests(templates, {ch.template for ch in plan})
    return {ch.name: chapter_digest(tpl[ch.template], ch.parameters, ch.context, ch.reads, reads, pkg) for ch in plan}


def execute_chapters(
    plan: list[Chapter],
    templates: Path,
    registry: Registry,
    generated: Path,
    results_dir: Path,
    workers: int = 2,
    force: bool = False,
    console=None,
) -> list[ChapterResult]:
    """Execute each chapter template (in ``templates``) with papermill in parallel workers.

    A chapter whose template, parameters, input tables and package are unchanged since its
    last successful run is skipped (no kernel starts). Failures are collected, not fatal.
    """
    generated.mkdir(parents=True, exist_ok=True)
    old = read_hashes(generated)
    new = chapter_digests(plan, templates, results_dir)
    results, todo = [], []
    for ch in plan:
        out = generated / f"{ch.name}.ipynb"
        if not force and old.get(ch.name) == new[ch.name] and out.exists():
            results.append(ChapterResult(ch.name, True, 0.0, skipped=True, output=str(out), for_each=ch.for_each))
        else:
            todo.append(ch)
    if todo:
        # Written ahead: the chapters about to be rewritten lose their hash first, so a build
        # killed half-way never leaves a hash vouching for a notebook it was rewriting.
        write_hashes(generated, {k: v for k, v in old.items() if k not in {ch.name for ch in todo}})
        jobs = [_job(ch, templates, registry, generated, results_dir) for ch in todo]
        results += _run_jobs(todo, jobs, generated, workers, console)
    failed = {r.name for r in results if not r.ok}
    # Record hashes only for chapters that succeeded, so a failed one is retried next time.
    write_hashes(generated, {k: v for k, v in new.items() if k not in failed})
    order = {ch.name: i for i, ch in enumerate(plan)}
    return sorted(results, key=lambda r: order[r.name])


def _job(ch: Chapter, templates: Path, registry: Registry, generated: Path, results_dir: Path) -> tuple:
    """What a worker needs to run ``ch``: rendered notebook, output path, parameters, folder."""
    # A chapter's name may hold an organisation code: its notebook must stay in the folder.
    out = inside(generated / f"{ch.name}.ipynb", generated)
    nb = render_template(templates / ch.template, ch.context, registry)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Relative, so executed notebooks do not depend on where the repository is.
    params = {**ch.parameters, "results_dir": os.path.relpath(results_dir, out.parent)}
    return nb, str(out), params, str(out.parent)


#: Seconds between progress lines when the output is not a terminal (a CI log, a file).
PROGRESS_EVERY_S = 5.0


def progress_line(done: int, total: int, elapsed: float) -> str:
    """One line of progress for a log: chapters done, time taken and, once one is done, the
    time left at the pace so far (``elapsed`` in seconds)."""

    def clock(seconds: float) -> str:
        m, s = divmod(round(seconds), 60)
        return f"{m}:{s:02d}"

    line = f"Executed {done} of {total} chapters in {clock(elapsed)}"
    if 0 < done < total:
        line += f"; about {clock(elapsed / done * (total - done))} left"
    return line


def _run_jobs(
    chapters: list[Chapter], jobs: list[tuple], generated: Path, workers: int, console
) -> list[ChapterResult]:
    import multiprocessing
    from queue import Empty

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    # Dealt round-robin in plan order: each worker gets a mix of long and short chapters,
    # and the same plan always gives the same chunks.
    for old_log in generated.glob(".kernel-*.log"):  # kernel logs of an earlier run, named by PID
        old_log.unlink(missing_ok=True)
    n_chunks = max(1, min(workers, len(jobs)))
    chunks = [list(range(i, len(jobs), n_chunks)) for i in range(n_chunks)]
    by_output = {job[1]: ch for job, ch in zip(jobs, chapters, strict=True)}
    console = console or Console()
    # A log (not a terminal) gets a line every few seconds: Rich draws its bar only on a terminal.
    to_log = not console.is_terminal
    results = []
    # Chapter names come from data (organisation codes): shown literally, never as Rich markup.
    with Progress(
        TextColumn("{task.description}", markup=False, style="bold"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}", markup=False),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
        disable=to_log,
    ) as progress:
        task = progress.add_task("Executing chapters", total=len(jobs))
        done_queue = multiprocessing.Queue()
        start = last_line = time.perf_counter()
        n_done = printed = 0
        with ProcessPoolExecutor(
            max_workers=n_chunks, initializer=_init_worker, initargs=(os.getpid(), done_queue)
        ) as pool:
            futures = {pool.submit(_execute_chunk, [jobs[i] for i in chunk], str(generated)): chunk for chunk in chunks}
            pending = set(futures)
            while pending:
                try:
                    output = done_queue.get(timeout=0.5)
                except Empty:
                    output = None
                if output is not None:
                    n_done += 1
                    progress.update(task, advance=1, description=f"Executed {by_output[output].name}")
                now = time.perf_counter()
                if to_log and output is not None and now - last_line >= PROGRESS_EVERY_S:
                    console.print(progress_line(n_done, len(jobs), now - start), markup=False, highlight=False)
                    last_line, printed = now, n_done
                for fut in [f for f in pending if f.done()]:
                    pending.discard(fut)
                    done = [chapters[i] for i in futures[fut]]
                    for ch, (ok, secs, err) in zip(done, fut.result(), strict=True):
                        results.append(
                            ChapterResult(
                                ch.name,
                                ok,
                                secs,
                                error=err,
                                for_each=ch.for_each,
                                output=str(generated / f"{ch.name}.ipynb"),
                            )
                        )
                    fault("chapters")
        progress.update(task, completed=len(jobs))
    if to_log and printed != len(jobs):
        console.print(progress_line(len(jobs), len(jobs), time.perf_counter() - start), markup=False, highlight=False)
    return results


def remove_stale_chapters(plan: list[Chapter], generated: Path) -> None:
    """Drop executed notebooks that are no longer in the plan (e.g. an organisation that left)."""
    keep = {generated / f"{ch.name}.ipynb" for ch in plan}
    for part in generated.rglob("*" + PARTIAL_SUFFIX):  # left by a killed build
        part.unlink()
    for nb in generated.rglob("*.ipynb"):
        if nb not in keep:
            nb.unlink()
            nb.with_suffix(".log").unlink(missing_ok=True)
