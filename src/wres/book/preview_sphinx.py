"""Sphinx kept alive between edits, for ``wres preview``.

``wres build`` runs ``jupyter-book build`` in a child process: a clean start every time, a
few seconds of imports and set-up, and every page written afresh. Between two saves that is
most of the time the preview has, so the preview makes the Sphinx application once, with
the configuration Jupyter Book gives it (:func:`jupyter_book.config.get_final_config`, as
``jupyter_book.sphinx.build_sphinx`` does), and asks it to build again after each change:
Sphinx re-reads only the sources newer than what it read last, and writes only their pages
and those whose navigation they change.

Warnings are reported, not fatal: a preview is for looking at a page while writing it, and
``wres build`` still refuses to publish a book that warns.
"""

from __future__ import annotations

import io
import time
from contextlib import ExitStack
from pathlib import Path


class LiveSphinx:
    """One Sphinx application building ``source`` into ``html``; call :meth:`build` after a change.

    Sphinx changes docutils' global directive and role tables while the application lives,
    so an instance must be built and closed from one thread (the preview's main thread)."""

    def __init__(self, source: Path, html: Path, toc: Path) -> None:
        from jupyter_book.config import get_final_config
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        overrides = {"external_toc_path": str(toc), "nitpicky": True, "latex_individualpages": False}
        config, _meta = get_final_config(
            user_yaml=source / "_config.yml", cli_config=overrides, sourcedir=source, use_external_toc=True
        )
        self._stack = ExitStack()
        self._stack.enter_context(patch_docutils(None))
        self._stack.enter_context(docutils_namespace())
        self._warnings = io.StringIO()
        self.html = html
        self.app = Sphinx(
            srcdir=str(source),
            confdir=None,
            outdir=str(html),
            doctreedir=str(html.parent / ".doctrees"),
            buildername="html",
            confoverrides=config,
            status=None,
            warning=self._warnings,
            freshenv=False,
            keep_going=True,
        )
        # The scripts and styles every page starts from, as the extensions left them at
        # start-up. Sphinx assumes one build per application: a page's own additions (the
        # theme's `pagename` script, made through app.add_js_file) stay in its registry and
        # are added to every page of the next build, and the builder's lists end a build as
        # the last page left them (wres.book.sphinx_weight edits them in place per page).
        builder, registry = self.app.builder, self.app.registry
        self._assets = (
            list(builder._js_files),
            list(builder._css_files),
            list(registry.js_files),
            list(registry.css_files),
        )

    def build(self) -> tuple[float, list[str]]:
        """Bring the pages up to date; returns the seconds taken and the warnings of this build."""
        start = time.perf_counter()
        mark = self._warnings.tell()
        builder, registry = self.app.builder, self.app.registry
        for current, initial in zip(
            (builder._js_files, builder._css_files, registry.js_files, registry.css_files), self._assets, strict=True
        ):
            current[:] = initial
        self.app.build(force_all=False)
        self._warnings.seek(mark)
        warnings = [line for line in self._warnings.read().splitlines() if line.strip()]
        return time.perf_counter() - start, warnings

    def close(self) -> None:
        self._stack.close()
