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


def _path(base: str, *parts: str, doc: str | None = None) -> property:
    """A path property: ``parts`` below the path attribute ``base`` of the same object."""
    return property(lambda self: getattr(self, base).joinpath(*parts), doc=doc)


def _per_build(demo: tuple[str, ...], national: tuple[str, ...], doc: str) -> property:
    """A path property that differs between the demonstration and the national build; each
    location is a path attribute of the same object followed by parts below it."""

    def get(self: Paths) -> Path:
        base, *parts = demo if self.demo else national
        return getattr(self, base).joinpath(*parts)

    return property(get, doc=doc)


@dataclass(frozen=True)
class Paths:
    """Locations for one build. The national book builds in place; the synthetic
    demonstration (``demo=True``) builds from a mirror under ``_build/demo`` so that it never
    touches the national book, its results or its executed chapters."""

    root: Path
    demo: bool = False

    @classmethod
    def discover(cls, start: Path | None = None) -> Paths:
        return cls(find_root(start))

    raw = _path("root", "data", "raw")
    published = _path("raw", "published", doc="National figures as published: read-only inputs.")
    national_csv = _path("published", "wres_national_published.csv")
    breakdowns_csv = _path("published", "wres_breakdowns_published.csv")
    sources_csv = _path(
        "published", "wres_sources.csv", doc="What kind of page each cited source is, and who published it."
    )
    data = _path("root", "data", doc="Everything the analysis reads: raw inputs and the recorded calibration run.")
    calibration_csv = _path(
        "data", "calibration", "calibration.csv", doc="The recorded full calibration run (`wres calibrate`)."
    )
    demo_root = _path("root", "_build", "demo")
    notebooks = _path("root", "notebooks", doc="Parameterised chapter templates.")
    book = _path("root", "book")
    build = _path("root", "_build")
    trusts = _per_build(
        ("demo_root", "trusts"), ("raw", "trusts"), "Organisation-level files in the long format (CSV or XLSX)."
    )
    source = _per_build(
        ("demo_root", "src"), ("root",), "The folder Jupyter Book builds from (holds _config.yml, _toc.yml and book/)."
    )
    chapters = _path("source", "book", "generated", doc="Executed notebooks (generated, git-ignored).")
    results = _per_build(("demo_root", "results"), ("root", "results"), "Generated tables (git-ignored).")
    site = _per_build(("demo_root", "html"), ("build", "html"), "The built HTML site.")
