"""Where things live. Every input and build path comes from here; the results files' names
are in the results catalogue, ``wres.results``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def find_root(start: Path | None = None) -> Path:
    """The project root: ``$WRES_ROOT`` if set, else the nearest folder holding ``_toc.yml``."""
    if os.environ.get("WRES_ROOT"):
        return Path(os.environ["WRES_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file() and (folder / "_config.yml").is_file():
            return folder
    raise FileNotFoundError(
        f"no WRES book found at or above {here}: expected _toc.yml and _config.yml "
        "(run from the repository, or set WRES_ROOT)"
    )


@dataclass(frozen=True)
class Paths:
    """Locations for one build. The national book builds in place; the synthetic
    demonstration (``demo=True``) builds from a mirror under ``_build/demo`` so that it never
    touches the national book, its results or its executed chapters."""

    root: Path
    demo: bool = False

    @classmethod
    def discover(cls, start: Path | None = None) -> "Paths":
        return cls(find_root(start))

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def published(self) -> Path:
        """National figures as published: read-only inputs."""
        return self.raw / "published"

    @property
    def national_csv(self) -> Path:
        return self.published / "wres_national_published.csv"

    @property
    def breakdowns_csv(self) -> Path:
        return self.published / "wres_breakdowns_published.csv"

    @property
    def sources_csv(self) -> Path:
        """What kind of page each cited source is, and who published it."""
        return self.published / "wres_sources.csv"

    @property
    def trusts(self) -> Path:
        """Organisation-level files in the long format (CSV or XLSX)."""
        return self.demo_root / "trusts" if self.demo else self.raw / "trusts"

    @property
    def demo_root(self) -> Path:
        return self.root / "_build" / "demo"

    @property
    def source(self) -> Path:
        """The folder Jupyter Book builds from (holds _config.yml, _toc.yml and book/)."""
        return self.demo_root / "src" if self.demo else self.root

    @property
    def notebooks(self) -> Path:
        """Parameterised chapter templates."""
        return self.root / "notebooks"

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def chapters(self) -> Path:
        """Executed notebooks (generated, git-ignored)."""
        return self.source / "book" / "generated"

    @property
    def results(self) -> Path:
        """Generated tables (git-ignored)."""
        return self.demo_root / "results" if self.demo else self.root / "results"

    @property
    def build(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.demo_root / "html" if self.demo else self.build / "html"
