"""Kept editions: a new report year never takes the previous edition off the site.

An edition is the book as published for one data year, named by the book's version and that
year (``edition.json`` at the top of every published site says which). When a build brings a
newer report year than the published site's, the published site is first frozen, as it is,
into ``editions/<year>/`` beside the book's sources (committed with the repository, so a fresh
clone and the Pages workflow publish it too). Every published site then carries each frozen
edition under its own address, ``editions/<year>/``, and its landing and corrections pages
list them (``book/generated/editions.txt``, included by both). A frozen edition is never
rebuilt or overwritten: its pages keep their own version and data year in every footer, and
a board paper that cited one of its pages can point to the same page under
``editions/<year>/``.

Also a Sphinx extension, so that a plain ``jupyter-book build`` writes the list as well.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

#: At the top of every published site: which edition it is.
EDITION_FILE = "edition.json"
#: The kept editions: beside the book's sources, and inside every published site.
ARCHIVE = "editions"
#: The landing and corrections pages include this file (not a .md: never a page of its own).
LIST_FILE = Path("book") / "generated" / "editions.txt"
#: Both pages that list the editions are in the book's ``book/`` folder, one below the site's top.
FROM_PAGES = "../"


@dataclass(frozen=True)
class Edition:
    year: int
    version: str

    def label(self) -> str:
        return f"report year {self.year} (version {self.version})"


def package_version() -> str:
    try:
        return version("wres")
    except PackageNotFoundError:
        return "unknown"


def current(source_root: Path) -> Edition | None:
    """The edition a build of ``source_root`` makes: the book's version and the newest report
    year in its results (None before there are national results)."""
    from wres.book.sphinx_page_meta import latest_data_year

    year = latest_data_year(source_root)
    return Edition(year, package_version()) if year else None


# A site published before edition.json existed says its year and version in every page's footer.
_FOOTER_YEAR = re.compile(r"Latest data: [^<·]*?(\d{4})")
_FOOTER_VERSION = re.compile(r"Version ([^\s<·(]+)")


def published(site: Path) -> Edition | None:
    """Which edition the site at ``site`` is (None when there is no site)."""
    record = site / EDITION_FILE
    if record.is_file():
        data = json.loads(record.read_text(encoding="utf-8"))
        return Edition(int(data["year"]), str(data["version"]))
    for page in sorted(site.glob("*/*.html")) if site.is_dir() else []:
        text = page.read_text(encoding="utf-8", errors="replace")
        year, number = _FOOTER_YEAR.search(text), _FOOTER_VERSION.search(text)
        if year and number:
            return Edition(int(year.group(1)), number.group(1))
    return None


def kept(source_root: Path) -> list[Edition]:
    """The frozen editions beside ``source_root``, newest first."""
    folder = source_root / ARCHIVE
    found = [published(p) for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
    return sorted((e for e in found if e), key=lambda e: e.year, reverse=True)


# A link from a page to a kept edition (``../editions/2023/index.html``): inside a frozen copy,
# which sits in ``editions/<year>/`` itself, the other editions are its siblings.
_EDITION_LINK = re.compile(rf'href="((?:\.\./)*){ARCHIVE}/(\d{{4}})/')


def freeze(site: Path, source_root: Path, now: Edition) -> Edition | None:
    """Keep the published site as an edition when ``now`` brings a newer report year.
    Returns the edition frozen (None when there was nothing to keep)."""
    before = published(site)
    if before is None or before.year >= now.year:
        return None
    dest = source_root / ARCHIVE / str(before.year)
    if dest.exists():  # frozen once, never overwritten
        return None
    work = dest.with_name(f".{dest.name}-freezing")
    shutil.rmtree(work, ignore_errors=True)
    # The site's own kept editions are in the archive already, each once.
    shutil.copytree(site, work, ignore=lambda folder, _names: [ARCHIVE] if Path(folder) == site else [])
    for page in work.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        moved = _EDITION_LINK.sub(lambda m: f'href="{m.group(1)}../{m.group(2)}/', text)
        if moved != text:
            page.write_text(moved, encoding="utf-8")
    atomic_record(work, before)
    work.rename(dest)  # a half-copied edition is never taken for a kept one
    return before


def atomic_record(site: Path, edition: Edition) -> None:
    from wres.io import atomic_write_text

    atomic_write_text(site / EDITION_FILE, json.dumps(asdict(edition), sort_keys=True) + "\n")


def attach(target: Path, source_root: Path, now: Edition | None) -> None:
    """Put the kept editions into a site about to be published, and say which edition it is."""
    for edition in kept(source_root):
        shutil.copytree(source_root / ARCHIVE / str(edition.year), target / ARCHIVE / str(edition.year))
    if now is not None:
        atomic_record(target, now)


def list_html(now: Edition | None, earlier: list[Edition]) -> str:
    """What the landing and corrections pages say about editions (links from ``book/``)."""
    esc = html.escape
    this = f"<p><strong>This edition:</strong> {esc(now.label())}.</p>" if now else ""
    if earlier:
        links = ", ".join(f'<a href="{FROM_PAGES}{ARCHIVE}/{e.year}/index.html">{esc(e.label())}</a>' for e in earlier)
        kept_line = f"<p><strong>Earlier editions</strong>, kept as they were published: {links}.</p>"
    else:
        kept_line = (
            "<p>When a new report year is published, this edition stays readable, unchanged, "
            f"at its own address: <code>{ARCHIVE}/&lt;year&gt;/</code> in this site.</p>"
        )
    return f'<div class="wres-editions">{this}{kept_line}</div>\n'


def write_list(source_root: Path) -> None:
    from wres.io import write_if_changed

    write_if_changed(source_root / LIST_FILE, list_html(current(source_root), kept(source_root)))


def prepare(source_root: Path, site: Path) -> Edition | None:
    """Before the book is hashed and built: freeze the published edition if the report year
    moved on, and write the list of editions. Returns the edition being built."""
    now = current(source_root)
    if now is not None:
        freeze(site, source_root, now)
    write_list(source_root)
    return now


def _on_builder_inited(app) -> None:
    # `wres build` wrote the list already (before hashing the book); a plain build gets it here.
    write_list(Path(app.srcdir))


def setup(app) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
