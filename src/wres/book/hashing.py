"""Digests that decide what a build may skip: the analysis, each chapter, and Sphinx.

Each digest covers everything its step reads, so an unchanged digest means the step would
produce the same output and can be skipped (all SHA-256, hex).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from wres.config import Paths
from wres.io import atomic_write_text, file_digest
from wres.registry import registry_file

#: Per-chapter digests of the last successful run, in the generated folder.
HASHES_FILE = ".wres-hashes.json"
#: Digest of the inputs the results in ``results/`` were computed from.
INPUTS_DIGEST = ".wres-inputs-digest"


#: The package's files a digest covers: its code, its registry and mappings, and the scripts
#: and style sheets it ships (the chart loader, the reader's script, the PDF's style), which
#: the pages carry as they are.
PACKAGE_SUFFIXES = frozenset({".py", ".yml", ".js", ".css"})


def package_digest() -> str:
    """Hash of the installed package's code, registry and shipped scripts and styles: a change
    re-runs every chapter."""
    root = Path(str(resources.files("wres")))
    files = [p for p in sorted(root.rglob("*")) if p.suffix in PACKAGE_SUFFIXES and "__pycache__" not in p.parts]
    # A registry chosen with --registry is read by every step, like the shipped one.
    chosen = registry_file()
    files += [chosen] if chosen is not None else []
    return _package_digest(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@lru_cache(maxsize=4)
def _package_digest(stamps: tuple[tuple[str, int, int], ...]) -> str:
    # Keyed on paths, times and sizes so one build hashes the code once, not once per step.
    h = hashlib.sha256()
    for path, _, _ in stamps:
        h.update(Path(path).name.encode())
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def inputs_digest(paths: Paths) -> str:
    """Hash of every input the analysis reads (raw files, package code, build kind)."""
    h = hashlib.sha256(package_digest().encode())
    h.update(b"demo" if paths.demo else b"national")
    for folder in (paths.published, paths.trusts, paths.calibration_csv.parent):
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            if p.is_file():
                h.update(str(p.relative_to(folder)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def chapter_digest(
    template_digest: str,
    parameters: dict,
    context: dict,
    reads: tuple[str, ...],
    read_digests: dict[str, str],
    pkg: str,
) -> str:
    """What a chapter's output depends on: its template, parameters, Markdown context, the
    results files it reads and the package code."""
    h = hashlib.sha256()
    h.update(template_digest.encode())
    h.update(json.dumps(parameters, sort_keys=True).encode())
    h.update(json.dumps({k: str(v) for k, v in context.items()}, sort_keys=True).encode())
    h.update(pkg.encode())
    for name in reads:
        h.update(name.encode())
        h.update(read_digests[name].encode())
    return h.hexdigest()


def file_digests(folder: Path, names: set[str]) -> dict[str, str]:
    """Each named file in ``folder`` hashed once ("absent" when missing)."""
    return {name: file_digest(folder / name) for name in names}


def book_digest(source_root: Path) -> str:
    """Hash of everything Sphinx reads, to skip an unchanged book build."""
    h = hashlib.sha256()
    # data/README.md is included in the data dictionary page.
    files = [source_root / "_config.yml", source_root / "_toc.yml", source_root / "data" / "README.md"]
    files += sorted((source_root / "book").rglob("*"))
    for p in files:
        # Hidden files are the build's own records and kernel logs (named by PID), and
        # Sphinx builds only the files the toc lists: hashing them would rebuild for nothing.
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(".part"):
            h.update(str(p.relative_to(source_root)).encode())
            h.update(p.read_bytes())
    h.update(package_digest().encode())
    return h.hexdigest()


def read_hashes(generated: Path) -> dict[str, str]:
    path = generated / HASHES_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def write_hashes(generated: Path, hashes: dict[str, str]) -> None:
    atomic_write_text(generated / HASHES_FILE, json.dumps(hashes, indent=1, sort_keys=True))
