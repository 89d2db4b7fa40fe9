"""Publishing: switch the site to a finished staging build, never leaving half a site.

The site path (``_build/html``, ``_build/demo/html``) is a symbolic link to a version folder
beside it (``.html-v<n>``). A new build is copied into a new version folder, then the link
is switched by renaming a new link over it (``os.replace``, atomic on POSIX): at every moment
the site path shows one complete build, the old or the new. Old versions are deleted after
the switch. A digest stamp beside the site records what it was built from, so an unchanged
book is not rebuilt; it is removed before the switch and written after it, so it never
vouches for a site it does not describe.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from wres.book.guard import fault
from wres.io import atomic_write_text, named_oserror


def _versions(site: Path) -> dict[int, Path]:
    pattern = re.compile(rf"^\.{re.escape(site.name)}-v(\d+)$")
    found = {}
    for p in site.parent.iterdir() if site.parent.exists() else []:
        m = pattern.match(p.name)
        if m:
            found[int(m.group(1))] = p
    return found


def publish(staging_html: Path, site: Path, add: Callable[[Path], None] | None = None) -> Path:
    """Make ``site`` show a copy of ``staging_html``; returns the new version folder.
    ``add(folder)`` puts more into the copy before it is shown (the kept editions)."""
    site.parent.mkdir(parents=True, exist_ok=True)
    versions = _versions(site)
    target = site.parent / f".{site.name}-v{max(versions, default=0) + 1}"
    failures: list[OSError] = []
    try:
        shutil.copytree(staging_html, target, copy_function=lambda src, dst: _copy(src, dst, failures))
        if add is not None:
            add(target)
    except BaseException as err:
        shutil.rmtree(target, ignore_errors=True)
        # copytree gathers every file's error into one message; the first one says what went wrong.
        if isinstance(err, shutil.Error) and failures:
            raise failures[0] from None
        raise
    # GitHub Pages runs Jekyll on a branch-deployed site unless this file is there, and Jekyll
    # drops every folder whose name starts with "_" (Sphinx's _static, _images): the site would
    # lose its styles, scripts and charts. Harmless on any other static host.
    (target / ".nojekyll").touch()
    fault("publish")
    _switch(site, target)
    fault("published")
    for old in (*_versions(site).values(), site.parent / f".{site.name}-new", site.parent / f".{site.name}-old"):
        if old != target and old.exists():
            shutil.rmtree(old, ignore_errors=True)
    return target


def _copy(src: str, dst: str, failures: list[OSError]) -> str:
    try:
        fault("publish-copy", Path(dst))
        return shutil.copy2(src, dst)
    except OSError as err:
        failures.append(named_oserror(err, Path(dst)))
        raise


def _switch(site: Path, target: Path) -> None:
    link = site.parent / f".{site.name}-link-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(target.name, link)  # relative: a copied or moved checkout keeps working
    try:
        if site.exists() and not site.is_symlink():
            # A site published before versions existed is a real folder, which a link cannot
            # replace atomically: it becomes a version first (a moment without a site, once).
            legacy = site.parent / f".{site.name}-v0"
            shutil.rmtree(legacy, ignore_errors=True)
            site.rename(legacy)
        os.replace(link, site)
    finally:
        link.unlink(missing_ok=True)


def _stamp(site: Path) -> Path:
    return site.parent / f".{site.name}-digest"


def is_current(site: Path, digest: str) -> bool:
    """Whether ``site`` exists and was published from sources with this digest."""
    stamp = _stamp(site)
    return (site / "index.html").exists() and stamp.exists() and stamp.read_text() == digest


def forget(site: Path) -> None:
    """Remove the stamp before the site changes (see the module docstring)."""
    _stamp(site).unlink(missing_ok=True)


def record(site: Path, digest: str) -> None:
    atomic_write_text(_stamp(site), digest)
