"""Sphinx, through Jupyter Book: prepare the source folder and build HTML into staging.

Nothing here touches the published site: :mod:`wres.book.publish` swaps a finished staging
build in. Warnings are errors (``-W -n``), so a build that would publish a broken
reference or a missing page fails instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from wres.book import children
from wres.book.guard import fault
from wres.io import atomic_write_bytes, atomic_write_text, write_if_changed

DEMO_ANNOUNCEMENT = (
    "Demonstration build: the organisations and their figures are synthetic (fictitious). "
    "National figures are the real published ones."
)


@dataclass
class SphinxRun:
    ok: bool
    log: str
    seconds: float
    html: Path


def mirror_source(root: Path, dest: Path, announcement: str | None = None) -> None:
    """Copy the book's hand-written sources into ``dest`` (for a build that must not touch
    the national book), adding a site-wide announcement banner to its configuration.
    Files are copied only when changed, so Sphinx can stay incremental."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    if announcement:
        config.setdefault("html", {})["announcement"] = announcement
        config["title"] = f"{config.get('title', '')} (demonstration)"
    write_if_changed(
        dest / "_config.yml", "# Written by wres from _config.yml.\n" + yaml.safe_dump(config, sort_keys=False)
    )
    # data/README.md is published as the data dictionary page (book/data-dictionary.md includes it).
    wanted = [root / "_toc.yml", root / "data" / "README.md"]
    wanted += [p for p in (root / "book").rglob("*") if p.is_file() and "generated" not in p.relative_to(root).parts]
    for src in wanted:
        target = dest / src.relative_to(root)
        if target.exists() and target.read_bytes() == src.read_bytes():
            continue
        atomic_write_bytes(target, src.read_bytes())


def staging_folder(site: Path) -> Path:
    """Where Jupyter Book writes before publishing: beside the site, never inside it."""
    return site.parent / f".{site.name}-work"


def build_html(source_root: Path, site: Path, toc: Path | None = None, fresh: bool = False) -> SphinxRun:
    """``jupyter-book build`` of ``source_root`` into the staging folder of ``site``.
    ``fresh`` discards Sphinx's saved environment too (after an interrupted build, whose
    half-written environment Sphinx would otherwise trust)."""
    start = time.perf_counter()
    work = staging_folder(site)
    html = work / "_build" / "html"
    if fresh and work.exists():
        shutil.rmtree(work)
    if html.exists():
        shutil.rmtree(html)
    # Jupyter Book's command line, run by this interpreter with wres imported first, so that
    # Sphinx does not load jsonschema's IRI grammars (about a second; see wres/__init__.py).
    cmd = [
        sys.executable,
        "-c",
        "import sys, wres; from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; main()",
        "build",
        str(source_root),
        "--path-output",
        str(work),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    # Sphinx dies with the build, even a SIGKILLed one (see wres.book.children).
    proc = children.track(
        subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=source_root,
            preexec_fn=children.die_with_parent,
        )
    )
    fault("sphinx")
    try:
        log, _ = proc.communicate()
    finally:
        children.untrack(proc)
    work.mkdir(parents=True, exist_ok=True)
    atomic_write_text(work / "build.log", log)
    ok = proc.returncode == 0 and (html / "index.html").exists()
    return SphinxRun(ok, log, time.perf_counter() - start, html)


def warnings_tail(log: str, limit: int = 4000) -> str:
    """The warning and error lines of a Sphinx log (the end of them, at most ``limit`` characters)."""
    return "\n".join(line for line in log.splitlines() if "WARNING" in line or "ERROR" in line)[-limit:]
