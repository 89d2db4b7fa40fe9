"""A second standard's book source: the mirrored WRES sources made its own.

A registry with ``site.output`` builds from a mirror of the hand-written sources under
``_build/<output>/src`` (:func:`wres.book.sphinx_build.mirror_source`); this module then
gives the mirror the standard's title, its landing page (from the registry's landing text
and its indicators), the pages the registry replaces, and a banner when its data say they
are synthetic. Nothing here writes outside the mirror: the WRES book's own pages and the
committed ``_toc.yml`` are never touched.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from wres.config import Paths
from wres.inputs.sidecars import SIDECAR_SUFFIX
from wres.io import write_if_changed
from wres.registry import Registry, registry_file
from wres.report.words import count_words

#: The banner of a build whose national figures' sidecar says ``synthetic: true``.
SYNTHETIC_ANNOUNCEMENT = (
    "Synthetic figures: every number in this build was made up for a software test. "
    "None is a published figure; do not quote them."
)
#: The landing page, as the site spec names it (``root: intro``).
LANDING = "intro"


def is_synthetic(data_file: Path) -> bool:
    """Whether ``data_file``'s sidecar declares its figures synthetic (``synthetic: true``)."""
    meta = data_file.with_name(data_file.name + SIDECAR_SUFFIX)
    if not meta.is_file():
        return False
    info = yaml.load(meta.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    return isinstance(info, dict) and str(info.get("synthetic", "")).strip().lower() == "true"


def landing_markdown(registry: Registry, title: str) -> str:
    """The landing page: the title, the registry's landing text, and one line per indicator
    linking to its chapter. Registry text is plain text by construction (the registry refuses
    markup characters), so it is written as it is."""
    site, std = registry.site, registry.standard
    word = site.indicator_word.lower()
    lines = [f"# {title}", ""]
    lines += [p.strip() + "\n" for p in (site.landing or "").split("\n\n") if p.strip()]
    lines += [
        f"## The {count_words(len(registry.indicators))} {word}s",
        "",
        f"Each {word} of the {std.name} has a chapter: its published national figures, their "
        f"trend and whether the trend is real. Years are {site.year_words}s.",
        "",
    ]
    lines += [f"- {{doc}}`{ind.name}: {ind.title} <generated/{ind.slug}>`" for ind in registry.indicators]
    return "\n".join(lines) + "\n"


def make_own(paths: Paths, registry: Registry) -> None:
    """Turn the mirrored source at ``paths.source`` into the standard's book."""
    site = registry.site
    config_file = paths.source / "_config.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    title = site.title or f"{registry.standard.short_name}: is the trend real?"
    config["title"] = title
    if site.author is not None:
        config["author"] = site.author
    if is_synthetic(paths.national_csv):
        # Replaces the demonstration's banner too: it says the national figures are real.
        config.setdefault("html", {})["announcement"] = SYNTHETIC_ANNOUNCEMENT
    write_if_changed(config_file, "# Written by wres for the registry's own build.\n" + yaml.safe_dump(config))
    book = paths.source / "book"
    if site.landing is not None:
        write_if_changed(book / f"{LANDING}.md", landing_markdown(registry, title))
    chosen = registry_file()
    base = chosen.parent if chosen is not None else paths.root
    for page, file in site.pages.items():
        source = (base / file).resolve()
        write_if_changed(book / f"{page}.md", source.read_text(encoding="utf-8"))
