"""The running preview: start-up, the server, the watch loop and one rebuild per change.

See :mod:`wres.book.preview` for what the preview writes and why it is quick.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat

from wres.book import children, preview_changes
from wres.book.preview import (
    POLL_S,
    PreviewPaths,
    changed_files,
    elapsed,
    markdown_only,
    patch_markdown,
    record_digests,
    run_chapters,
    seed_chapters,
    toc_for_preview,
    watched_files,
)
from wres.config import Paths

#: Modules the kernel imports as it starts, so the first chapter an edit re-runs does not
#: wait for pandas and Altair.
WARM_IMPORTS = "import pandas, altair, IPython.display\n"


#: A file changed less than this many seconds ago may be half written: it is read once quiet.
QUIET_S = 0.1
#: The longest a request waits for a file that keeps changing; then it is served as it is.
SETTLE_WAIT_S = 3.0


def settled_bytes(path: Path) -> bytes:
    """The whole of ``path`` as it stands between two writes.

    The preview rebuilds pages in the folder it serves, and Sphinx rewrites a page in place
    (truncate, then write): a request in between got a cut page, or a length that no longer
    matched its body. So the file is read only once it has been quiet for :data:`QUIET_S`
    (an empty file: once it stayed empty that long), and read again if it changed while being
    read (at most :data:`SETTLE_WAIT_S` in all)."""
    deadline = time.monotonic() + SETTLE_WAIT_S
    while True:
        before = path.stat()
        quiet_for = time.time() - before.st_mtime
        if 0 <= quiet_for < QUIET_S and time.monotonic() < deadline:
            time.sleep(QUIET_S - quiet_for)
            continue
        if before.st_size == 0 and time.monotonic() < deadline:
            # Truncated and not yet written, or really empty: some file systems do not move
            # the time of a file truncated as it is opened, so its emptiness must last.
            time.sleep(QUIET_S)
            if path.stat().st_size != 0:
                continue
        data = path.read_bytes()
        after = path.stat()
        same = before.st_mtime_ns == after.st_mtime_ns and before.st_size == after.st_size == len(data)
        if same or time.monotonic() >= deadline:
            return data


class _Handler(SimpleHTTPRequestHandler):
    """Static files, never cached (a reload shows the page as rebuilt), each sent whole as it
    stood between two writes (:func:`settled_bytes`), no request log."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if not path.is_file() or self.path.endswith("/"):
            return super().send_head()  # folders (index.html, listings) and errors
        try:
            body = settled_bytes(path)
        except OSError:
            return super().send_head()  # removed meanwhile: the library's 404
        self.send_response(200)
        self.send_header("Content-type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002 - the standard library's name
        pass


def serve(folder: Path, port: int) -> ThreadingHTTPServer:
    """Serve ``folder`` at http://127.0.0.1:``port`` (this machine only) from a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="wres-preview-server", daemon=True).start()
    return server


class Preview:
    """One preview of the book at ``paths.root``; ``say`` prints a line for the author."""

    def __init__(self, paths: Paths, say: Callable[[str], None]) -> None:
        self.paths = paths
        self.pp = PreviewPaths(paths)
        self.say = say
        self.km = None
        self.sphinx = None
        self._stack = ExitStack()

    # --- start ---------------------------------------------------------------------------
    def start(self, workers: int = 2, console=None) -> None:
        """Analyse if the inputs changed, bring the preview's chapters up to date (from the
        build's own when it has them) and build every page once."""
        from wres.book.guard import build_lock
        from wres.book.pipeline import analyse_only
        from wres.book.sphinx_build import mirror_source
        from wres.registry import load_registry

        start = time.perf_counter()
        self.registry = load_registry()
        if analyse_only(self.paths):
            self.say(f"Analysed the inputs into {self.paths.results} ({elapsed(start)})")
        # One preview per checkout: a second one would write the same folder.
        self._stack.enter_context(build_lock(self.pp.folder))
        mirror_source(self.paths.root, self.pp.source)
        results_link = self.pp.folder / "results"  # where the landing page's findings look
        if not results_link.is_symlink():
            results_link.symlink_to(os.path.relpath(self.paths.results, self.pp.folder))
        seed_chapters(self.paths.chapters, self.pp.chapters)
        self._plan()
        self._bring_up_to_date(workers, console)
        self._new_sphinx()
        secs, warnings = self.sphinx.build()
        self._secure()
        self.say(f"Built every page into {self.pp.html} ({secs:.1f} s){self._warned(warnings)}")
        self.templates = {p.name: nbformat.read(p, as_version=4) for p in self.paths.notebooks.glob("*.ipynb")}
        self.stamps = watched_files(self.paths)
        self._start_kernel()
        self.say(f"Ready in {elapsed(start)}")

    def _plan(self) -> None:
        from wres.book.pipeline import site_layout, site_spec
        from wres.book.plan import organisations

        self.spec = site_spec(self.paths.root)
        self.layout = site_layout(self.spec, self.registry, organisations(self.paths.results))
        self.plan = self.layout.chapters()

    def _bring_up_to_date(self, workers: int, console) -> None:
        """The build's own step: every chapter whose digest changed is executed."""
        from wres.book.execute import execute_chapters, remove_stale_chapters
        from wres.book.shared_data import write_profile_data
        from wres.book.sphinx_page_meta import write_findings

        remove_stale_chapters(self.plan, self.pp.chapters)
        write_profile_data(self.spec, self.registry, self.paths.results, self.pp.chapters)
        done = execute_chapters(
            self.plan,
            self.paths.notebooks,
            self.registry,
            self.pp.chapters,
            self.paths.results,
            workers=workers,
            console=console,
        )
        ran = [r.name for r in done if not r.skipped]
        failed = [r.name for r in done if not r.ok]
        if ran:
            self.say(f"Executed {len(ran)} chapter(s) the build had not run for these inputs")
        if failed:
            self.say(f"These chapters failed (their pages show the traceback): {', '.join(failed)}")
        write_findings(self.pp.source)

    def _new_sphinx(self) -> None:
        from wres.book.preview_sphinx import LiveSphinx

        if self.sphinx is not None:
            self.sphinx.close()
        self.toc = toc_for_preview(self.layout, self.pp)
        self.sphinx = LiveSphinx(self.pp.source, self.pp.html, self.toc)

    def _secure(self) -> None:
        from wres.book.safety_scan import secure_site

        # As the build does before publishing: each page gets the site's security policy,
        # so the preview behaves as the published pages will.
        findings = secure_site(self.pp.html)
        for finding in findings[:10]:
            self.say(f"  safety: {finding}")

    def _start_kernel(self) -> None:
        from wres.book.execute import start_kernel

        self.km = start_kernel(str(self.pp.folder), redirect_stderr=False)
        self._warm()

    def _warm(self) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            modules = sorted({f"wres.report.{m}" for ch in self.plan for m in ch.reads_from})
            kc.execute_interactive(WARM_IMPORTS + "".join(f"import {m}\n" for m in modules), timeout=120)
        finally:
            kc.stop_channels()

    # --- each change ---------------------------------------------------------------------
    def rebuild(self, changed: set[Path]) -> str:
        """Bring the served pages up to date with ``changed`` files; returns the line to print."""
        from wres.book.sphinx_build import mirror_source

        start = time.perf_counter()
        root = self.paths.root
        rel = sorted(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in changed)
        mirror_source(root, self.pp.source)
        results_changed = any(p.parent == self.paths.results for p in changed)
        spec_changed = any(p.suffix == ".yml" for p in changed)
        if root / "_config.yml" in changed:  # Sphinx reads its configuration once, at start
            self._new_sphinx()
        if spec_changed or results_changed:  # the site spec, the registry or the organisations
            old_toc = toc_for_preview(self.layout, self.pp).read_text(encoding="utf-8")
            self._plan()
            if toc_for_preview(self.layout, self.pp).read_text(encoding="utf-8") != old_toc:
                self._new_sphinx()
        hit = preview_changes.affected(changed, self.plan, self.paths.notebooks, self.paths.results)
        patched = self._patch_templates(hit, changed)
        to_run = [ch for ch in self.plan if ch.name in hit.chapters and ch.name not in patched]
        if hit.code and self.km is not None:
            # The kernel has the old code imported: a fresh one imports the saved files.
            self.km.restart_kernel(now=True)
            children.own_kernel(self.km.provisioner.pgid)
        failed = run_chapters(self.km, to_run, self.registry, self.pp, self.paths) if to_run else []
        record_digests(self.plan, (set(patched) | {ch.name for ch in to_run}) - set(failed), self.pp, self.paths)
        if results_changed:
            from wres.book.shared_data import write_profile_data
            from wres.book.sphinx_page_meta import write_findings

            write_profile_data(self.spec, self.registry, self.paths.results, self.pp.chapters)
            write_findings(self.pp.source)
        secs, warnings = self.sphinx.build()
        self._secure()
        what = []
        if patched:
            what.append(f"new Markdown in {_names(patched)}")
        what.append(f"re-ran {_names([ch.name for ch in to_run])}" if to_run else "re-ran no chapter")
        if failed:
            what.append(f"FAILED {_names(failed)} (the page shows the traceback)")
        if hit.code and not hit.chapters:
            what.append("no chapter imports the changed code (a Sphinx extension needs a restart)")
        return (
            f"{time.strftime('%H:%M:%S')} changed {', '.join(rel)}: {'; '.join(what)}; "
            f"Sphinx {secs:.1f} s{self._warned(warnings)}; served after {elapsed(start)}"
        )

    def _patch_templates(self, hit: preview_changes.Affected, changed: set[Path]) -> list[str]:
        """Chapters of templates whose Markdown alone changed: their new Markdown written in
        (see :func:`wres.book.preview.patch_markdown`); the names of the chapters so done."""
        patched: list[str] = []
        changed_results = {p.name for p in changed if p.parent == self.paths.results}
        for name in hit.templates:
            path = self.paths.notebooks / name
            new = nbformat.read(path, as_version=4) if path.exists() else None
            old = self.templates.get(name)
            if new is not None:
                self.templates[name] = new
            if hit.code or new is None or old is None or not markdown_only(old, new):
                continue
            for ch in self.plan:
                executed = self.pp.chapters / f"{ch.name}.ipynb"
                if ch.template == name and executed.exists() and not changed_results & set(ch.reads):
                    patch_markdown(ch, path, executed, self.registry)
                    patched.append(ch.name)
        return patched

    @staticmethod
    def _warned(warnings: list[str]) -> str:
        if not warnings:
            return ""
        return f"; {len(warnings)} Sphinx warning(s), the last: {warnings[-1]}"

    # --- the loop ------------------------------------------------------------------------
    def watch(self, stop: threading.Event | None = None) -> None:
        """Rebuild after each change until ``stop`` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        while not stop.wait(POLL_S):
            now = watched_files(self.paths)
            changed = changed_files(self.stamps, now)
            if not changed:
                continue
            # An editor may save in steps (a temporary file, then a rename): settle first.
            time.sleep(0.1)
            now = watched_files(self.paths)
            changed = changed_files(self.stamps, now)
            self.stamps = now
            try:
                self.say(self.rebuild(changed))
            except Exception as err:  # noqa: BLE001 - a bad edit must not end the preview
                self.say(f"{time.strftime('%H:%M:%S')} rebuild failed: {type(err).__name__}: {err}")

    def close(self) -> None:
        """Shut the kernel down and let go of Sphinx and the lock."""
        if self.km is not None:
            self.km.shutdown_kernel(now=True)
            self.km = None
        if self.sphinx is not None:
            self.sphinx.close()
            self.sphinx = None
        self._stack.close()


def _names(names: list[str], shown: int = 4) -> str:
    head = ", ".join(names[:shown])
    return head + (f" and {len(names) - shown} more" if len(names) > shown else "")


def stop_on_term() -> None:
    """SIGTERM ends the preview as Ctrl-C does (cleanly: kernel shut down, no traceback).
    Ctrl-C's own handler is set too: a shell starting the preview in the background leaves
    SIGINT ignored, and Python then keeps it so."""

    def handler(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # jupyter_client warns, harmlessly, that it "could not destroy zmq context" of the clients
    # papermill drops after each chapter; a build sends kernel chatter to a log file, the
    # preview keeps its terminal for one line per rebuild.
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    # Papermill writes each chapter to `<name>.ipynb.part` first (wres.book.execute) and warns.
    warnings.filterwarnings("ignore", message="The specified file .* does not end in one of")
