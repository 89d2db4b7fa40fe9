"""The book's layout: the site spec expanded over the registry and the organisations.

One expansion feeds both the execution plan (:meth:`Layout.chapters`, the chapters to
execute) and the table of contents (:mod:`wres.book.toc`), so they cannot disagree.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from wres.book.reads import chapter_files
from wres.book.spec import EXPANSION_PARAMETER, Entry, Link, SiteSpec
from wres.registry import Registry
from wres.report.html import md_escape
from wres.report.words import count_words

#: Where pages and executed chapters sit, relative to the folder Sphinx builds from.
PAGES_DIR = "book"
GENERATED_DIR = "book/generated"


@dataclass(frozen=True)
class Chapter:
    """One executed notebook: ``name`` is its file name (no suffix) in the generated folder,
    ``reads`` the results files (names in ``results/``) its hash follows, ``for_each`` the
    expansion it comes from (None for a single chapter), ``reads_from`` the report modules
    of its spec entry (``wres preview`` re-runs it when their code changes)."""

    name: str
    template: str
    parameters: dict
    context: dict = field(default_factory=dict, compare=False, hash=False)
    reads: tuple[str, ...] = ()
    for_each: str | None = None
    reads_from: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Item:
    """One navigation entry: ``doc`` is its path from the Sphinx source folder, no suffix."""

    doc: str
    chapter: Chapter | None = None
    sections: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Layout:
    root: str
    parts: tuple[tuple[str, tuple[Item, ...]], ...]

    def chapters(self) -> list[Chapter]:
        """The chapters to execute, in reading order."""
        out: list[Chapter] = []

        def walk(items: tuple[Item, ...]) -> None:
            for item in items:
                if item.chapter is not None:
                    out.append(item.chapter)
                walk(item.sections)

        for _, items in self.parts:
            walk(items)
        return out


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str


def organisations(results_dir: Path) -> list[Organisation]:
    """Organisations in the results (empty without organisation results)."""
    from wres import results

    df = results.read(results_dir, "organisations")
    if df.empty:
        return []
    return [Organisation(code, name) for code, name in zip(df["org_code"], df["org_name"], strict=True)]


def layout(spec: SiteSpec, registry: Registry, orgs: list[Organisation]) -> Layout:
    """The spec's parts and chapters for this registry and these organisations. A part
    conditional on organisation results is left out when there are none."""
    parts = []
    for part in spec.parts:
        if part.when == "organisation_results" and not orgs:
            continue
        caption = part.caption.format(
            indicator_count=count_words(len(registry.indicators)), indicators=f"{registry.site.indicator_word.lower()}s"
        )
        items = tuple(item for e in part.chapters for item in _items(e, spec, registry, orgs))
        parts.append((caption, items))
    return Layout(f"{PAGES_DIR}/{spec.root}", tuple(parts))


def _items(e: Entry, spec: SiteSpec, registry: Registry, orgs: list[Organisation]) -> list[Item]:
    if e.is_page:
        return [Item(f"{PAGES_DIR}/{e.page}")]
    reads = chapter_files(e.reads_from)
    fixed = {k: _resolve(v, e, spec) for k, v in e.parameters.items()}
    if e.for_each == "indicator":
        instances = [({"slug": ind.slug, "id": ind.id}, ind.id, {"ind": ind}) for ind in registry.indicators]
    elif e.for_each == "organisation":
        instances = [
            ({"org_code": o.code}, o.code, {"org_code": md_escape(o.code), "org_name": md_escape(o.name)})
            for o in sorted(orgs, key=lambda o: o.code)
        ]  # code order, as the navigation lists them
    else:
        chapter = Chapter(e.output, e.template, fixed, {}, reads, reads_from=e.reads_from)
        sections = tuple(item for s in e.sections for item in _items(s, spec, registry, orgs))
        return [Item(f"{GENERATED_DIR}/{e.output}", chapter, sections)]
    out = []
    for fields, value, context in instances:
        name = e.output.format(**fields)
        params = {**fixed, EXPANSION_PARAMETER[e.for_each]: value}
        out.append(
            Item(f"{GENERATED_DIR}/{name}", Chapter(name, e.template, params, context, reads, e.for_each, e.reads_from))
        )
    return out


def _resolve(value, e: Entry, spec: SiteSpec):
    """A parameter's value; a link becomes the target pages' URL pattern relative to ``e``."""
    if not isinstance(value, Link):
        return value
    return link_pattern(value.link_to, e.output, spec)


def link_pattern(kind: str, from_output: str, spec: SiteSpec | None = None) -> str:
    """The URL pattern of the ``for_each: kind`` pages (e.g. ``orgs/{org_code}.html``) as seen
    from the chapter ``from_output``. The spec is the one place the pattern is written; a
    template run by hand in Jupyter asks here for its default (``spec`` None: this
    repository's ``book/site.yml``)."""
    if spec is None:
        from wres.book.spec import SPEC_FILE, load_spec
        from wres.config import Paths

        spec = load_spec(Paths.discover().root / SPEC_FILE)
    target = spec.expansion(kind).output
    return posixpath.relpath(f"{target}.html", posixpath.dirname(from_output) or ".")


def index_link(kind: str, from_output: str, spec: SiteSpec | None = None) -> str | None:
    """The URL of the chapter the ``for_each: kind`` pages are nested under (the index of
    organisations for the profiles) as seen from the chapter ``from_output``; None when they
    are not nested under a chapter."""
    if spec is None:
        from wres.book.spec import SPEC_FILE, load_spec
        from wres.config import Paths

        spec = load_spec(Paths.discover().root / SPEC_FILE)
    parent = next((e for e in spec.entries() if any(s.for_each == kind for s in e.sections)), None)
    if parent is None or not parent.output:
        return None
    return posixpath.relpath(f"{parent.output}.html", posixpath.dirname(from_output) or ".")
