"""The site spec: ``book/site.yml`` read into typed models.

The spec is the one list of the book's parts and chapters. The execution plan
(:mod:`wres.book.plan`) and the table of contents (:mod:`wres.book.toc`) are both derived
from it, so adding a chapter is one entry here plus one template in ``notebooks/``. The
field meanings are documented at the top of ``book/site.yml``.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

#: Where the spec lives, relative to the project root: beside the pages it lists. Jupyter Book
#: builds only the files named in the table of contents, so Sphinx never reads it.
SPEC_FILE = Path("book") / "site.yml"

Expansion = Literal["indicator", "organisation"]
Condition = Literal["organisation_results"]

#: The fields an expanded chapter's ``output`` pattern may use.
EXPANSION_FIELDS: dict[str, frozenset[str]] = {
    "indicator": frozenset({"slug", "id"}),
    "organisation": frozenset({"org_code"}),
}
#: The papermill parameter each expansion passes (besides ``results_dir``).
EXPANSION_PARAMETER: dict[str, str] = {"indicator": "indicator_id", "organisation": "org_code"}


class _Model(BaseModel):
    # A typo in the spec should fail loudly, not silently drop a chapter.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Model):
    """A parameter whose value is the URL pattern of the ``for_each: link_to`` chapters,
    relative to the chapter receiving it (e.g. ``orgs/{org_code}.html``)."""

    link_to: Expansion


Parameter = str | int | float | bool | Link


class Entry(_Model):
    """One item of the navigation: a hand-written ``page`` or an executed chapter
    (``output`` from ``template``), optionally one per indicator or organisation."""

    page: str | None = None
    output: str | None = None
    template: str | None = None
    reads_from: tuple[str, ...] = ()
    parameters: dict[str, Parameter] = {}
    for_each: Expansion | None = None
    sections: tuple[Entry, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> Entry:
        if self.page is not None:
            if self.output or self.template or self.reads_from or self.parameters or self.for_each:
                raise ValueError(
                    f"page {self.page!r}: a hand-written page takes no output, template, "
                    "reads_from, parameters or for_each"
                )
            return self
        if not (self.output and self.template):
            raise ValueError("an entry needs either `page` or both `output` and `template`")
        used = {name for _, name, _, _ in string.Formatter().parse(self.output) if name is not None}
        allowed = EXPANSION_FIELDS[self.for_each] if self.for_each else frozenset()
        if used - allowed or (self.for_each and not used):
            raise ValueError(
                f"output {self.output!r}: fields {sorted(used)} do not fit for_each "
                f"{self.for_each!r} (allowed: {sorted(allowed)}; an expansion must use one)"
            )
        if self.for_each and self.sections:
            raise ValueError(f"{self.output}: an expanded entry cannot have sections")
        if "results_dir" in self.parameters:
            raise ValueError(f"{self.output}: results_dir is passed by the build, not the spec")
        return self

    @property
    def is_page(self) -> bool:
        return self.page is not None


class Part(_Model):
    caption: str
    when: Condition | None = None
    chapters: tuple[Entry, ...]


class SiteSpec(_Model):
    root: str
    parts: tuple[Part, ...]

    @model_validator(mode="after")
    def _links_resolve(self) -> SiteSpec:
        kinds = [e.for_each for e in self.entries() if e.for_each]
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                raise ValueError(f"more than one `for_each: {kind}` entry: a link to it would be ambiguous")
        for e in self.entries():
            for name, value in e.parameters.items():
                if isinstance(value, Link) and value.link_to not in kinds:
                    raise ValueError(
                        f"{e.output}: parameter {name} links to {value.link_to!r}, but no entry has that for_each"
                    )
        outputs = [e.output for e in self.entries() if e.output]
        if len(outputs) != len(set(outputs)):
            raise ValueError(f"two entries share an output name: {sorted(outputs)}")
        return self

    def entries(self) -> list[Entry]:
        """Every entry, sections included, in reading order."""
        out: list[Entry] = []

        def walk(items: tuple[Entry, ...]) -> None:
            for e in items:
                out.append(e)
                walk(e.sections)

        for part in self.parts:
            walk(part.chapters)
        return out

    def expansion(self, kind: Expansion) -> Entry:
        return next(e for e in self.entries() if e.for_each == kind)


def load_spec(path: Path) -> SiteSpec:
    """The spec in ``path``; an invalid one raises ``ValueError`` naming the file."""
    return _load(path.resolve(), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: int) -> SiteSpec:
    try:
        return SiteSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except Exception as err:  # pydantic and YAML errors alike: name the file
        raise ValueError(f"{path}: invalid site spec:\n{err}") from err
