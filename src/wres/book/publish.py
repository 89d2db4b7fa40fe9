"""Publishing: replace the site with a finished staging build, never leaving half a site.

The new site is copied beside the old one first and then swapped in by renames, so a
failure part-way leaves the previous site as it was. A digest stamp beside the site records
what it was built from, so an unchanged book is not rebuilt.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def publish(staging_html: Path, site: Path) -> None:
    """Make ``site`` a copy of ``staging_html``."""
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


def _stamp(site: Path) -> Path:
    return site.parent / f".{site.name}-digest"


def is_current(site: Path, digest: str) -> bool:
    """Whether ``site`` exists and was published from sources with this digest."""
    stamp = _stamp(site)
    return site.exists() and stamp.exists() and stamp.read_text() == digest


def record(site: Path, digest: str) -> None:
    _stamp(site).write_text(digest)
