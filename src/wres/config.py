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


#: The published input files of the WRES book, by role; a registry's ``site.data`` names
#: another standard's (``wres.registry.DataFiles`` defaults to these).
DATA_FILES = {
    "national": "wres_national_published.csv",
    "breakdowns": "wres_breakdowns_published.csv",
    "sources": "wres_sources.csv",
}


def _path(base: str, *parts: str, doc: str | None = None) -> property:
    """A path property: ``parts`` below the path attribute ``base`` of the same object."""
    return property(lambda self: getattr(self, base).joinpath(*parts), doc=doc)


def _per_build(demo: tuple[str, ...], national: tuple[str, ...], doc: str) -> property:
    """A path property that differs between the demonstration and the national build; each
    location is a path attribute of the same object followed by parts below it. A second
    standard's build keeps it under its own folder (:attr:`Paths.standard_root`), named as
    the demonstration's is under ``_build/demo``."""

    def get(self: Paths) -> Path:
        if self.standard is not None:
            return self.standard_root.joinpath(*demo[1:])
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
    #: A second standard's build (its registry's ``site.output``): results, executed
    #: chapters, the book's source and its site all under ``_build/<standard>``, so the
    #: WRES book, its results and the committed ``_toc.yml`` are never touched.
    standard: str | None = None
    #: The folder holding the published files (None: ``data/raw/published``).
    published_dir: Path | None = None
    #: The published files' names, by role (a registry's ``site.data``).
    national_name: str = DATA_FILES["national"]
    breakdowns_name: str = DATA_FILES["breakdowns"]
    sources_name: str = DATA_FILES["sources"]

    @classmethod
    def discover(cls, start: Path | None = None) -> Paths:
        return cls(find_root(start))

    def for_registry(self, registry, published: Path | None = None) -> Paths:
        """These paths for the standard ``registry`` describes (a ``wres.registry.Registry``):
        its data files, read from ``published`` if given, and its own build folder."""
        site = registry.site
        return Paths(
            self.root,
            demo=self.demo,
            standard=site.output,
            published_dir=Path(published).resolve() if published is not None else self.published_dir,
            national_name=site.data.national,
            breakdowns_name=site.data.breakdowns,
            sources_name=site.data.sources,
        )

    raw = _path("root", "data", "raw")

    @property
    def published(self) -> Path:
        """National figures as published: read-only inputs."""
        return self.published_dir or self.raw / "published"

    @property
    def national_csv(self) -> Path:
        return self.published / self.national_name

    @property
    def breakdowns_csv(self) -> Path:
        return self.published / self.breakdowns_name

    @property
    def sources_csv(self) -> Path:
        """What kind of page each cited source is, and who published it."""
        return self.published / self.sources_name

    @property
    def standard_root(self) -> Path | None:
        """A second standard's own folder (``_build/<standard>``, its demonstration build
        in ``demo/`` below it), or None for the WRES book."""
        if self.standard is None:
            return None
        own = self.build / self.standard
        return own / "demo" if self.demo else own

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
