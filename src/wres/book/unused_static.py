"""The themes' files that no page of the site loads, removed from the written site.

The themes copy their whole asset folders into ``_static``; a site is published as it is on
disk (GitHub Pages allows 1 GB, and a fork's maintainers download it), so what no reader's
browser ever asks for is weight without use. Removed, once the pages are written:

* **Font Awesome's script** (``scripts/fontawesome.js``, 1.5 MB): every page's tag for it is
  taken out (:mod:`wres.book.sphinx_weight`); the icons come from the subset fonts.
* **Source maps** (``*.map``, 3.5 MB for the themes' scripts and stylesheets): a browser
  fetches one only when its developer tools are open, and the stylesheet's map no longer
  matched the stylesheet once its unused icon rules were cut (:mod:`wres.book.icon_fonts`).
  The ``sourceMappingURL`` comment naming a removed map is taken out of its file too, so that
  developer tools ask for nothing missing.
* **The book theme's message catalogues** (``locales/``, 0.7 MB of ``.po``/``.mo`` files in
  46 languages): Sphinx translates the theme's words from the installed package while it
  writes the pages; no page loads them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

#: Under the site's ``_static``: files and folders no page loads (see the module's docstring).
UNLOADED = (Path("scripts") / "fontawesome.js", Path("locales"))
MAP_SUFFIX = ".map"
_MAP_COMMENT = re.compile(r"^[ \t]*(?://# sourceMappingURL=(\S+)|/\*# sourceMappingURL=(\S+?) ?\*/)[ \t]*\n?", re.M)


def _without_map_comments(text: str, removed: set[str]) -> str:
    return _MAP_COMMENT.sub(lambda m: "" if (m.group(1) or m.group(2)) in removed else m.group(0), text)


def remove_unloaded(static: Path) -> int:
    """Remove from the site's ``_static`` folder what no page loads; returns the bytes removed."""
    removed_bytes = 0
    for rel in UNLOADED:
        path = static / rel
        if path.is_dir():
            removed_bytes += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
            shutil.rmtree(path)
        elif path.is_file():
            removed_bytes += path.stat().st_size
            path.unlink()
    maps = sorted(static.rglob(f"*{MAP_SUFFIX}"))
    by_folder: dict[Path, set[str]] = {}
    for m in maps:
        removed_bytes += m.stat().st_size
        m.unlink()
        by_folder.setdefault(m.parent, set()).add(m.name)
    for folder, names in by_folder.items():
        for source in folder.iterdir():
            if source.suffix in (".js", ".css") and source.is_file():
                text = source.read_text(encoding="utf-8")
                kept = _without_map_comments(text, names)
                if kept != text:
                    source.write_text(kept, encoding="utf-8")
    return removed_bytes
