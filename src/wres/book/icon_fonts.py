"""The theme's icon fonts cut down to the icons the site shows.

pydata-sphinx-theme draws its icons (search, menu, light and dark mode, downloads, the
repository link, admonitions…) from Font Awesome's web fonts: ``fa-solid-900`` (156 KB),
``fa-brands-400`` (118 KB) and ``fa-regular-400`` (25 KB), about two thousand icons of which a
page shows a dozen or two. A browser fetches a font whole, so a chart page spent more on icon
fonts than on its own HTML. At the end of the build each font is cut down to the icons the
site can show, as the same file name (the stylesheets' ``@font-face`` rules are not touched),
and the stylesheets lose the class rules of the icons no page shows:

* every icon named by a ``fa-…`` class on any written page or in any script of ``_static``
  (a script may add an icon to a page), looked up in the stylesheets' Font Awesome rules
  (``.fa-magnifying-glass:before{content:"\\f002"}``), and
* every icon character a stylesheet uses outside those rules (the theme's admonition and
  header icons are custom properties such as ``--pst-icon-info-circle``).

Font Awesome Free's fonts are under the SIL Open Font License 1.1, which allows a modified
(subset) copy distributed with the software; the subset keeps every name record of the font
(its copyright notice, version and vendor address), and the theme's stylesheet, which loses
only icon class rules, keeps Font Awesome's licence notice.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

#: Where pydata-sphinx-theme's Font Awesome web fonts are written in the output folder.
WEBFONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
FONT_SUFFIXES = (".woff2", ".ttf")

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_ICON_SELECTOR = re.compile(r"\.(fa-[a-z0-9-]+)(?:::?(?:before|after))?")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
_CLASS_ATTR = re.compile(r'class="([^"]*)"')
_FA_NAME = re.compile(r"\bfa-[a-z0-9-]+")


def _is_icon_char(cp: int) -> bool:
    # Font Awesome's icons sit in the Private Use Areas.
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000


def _chars(declarations: str) -> set[int]:
    found = {int(m.group(1), 16) for m in _ESCAPE.finditer(declarations)}
    found |= {ord(ch) for ch in declarations}
    return {cp for cp in found if _is_icon_char(cp)}


def stylesheet_icons(css: str) -> tuple[dict[str, set[int]], set[int]]:
    """From one stylesheet: each Font Awesome class name and its icon characters, and the
    icon characters the stylesheet uses outside such class rules (always shown when used)."""
    by_name: dict[str, set[int]] = {}
    always: set[int] = set()
    for selectors, declarations in _RULE.findall(css):
        chars = _chars(declarations)
        if not chars:
            continue
        parts = [s.strip() for s in selectors.split(",")]
        if all(_ICON_SELECTOR.fullmatch(p) for p in parts):
            for p in parts:
                by_name.setdefault(_ICON_SELECTOR.fullmatch(p).group(1), set()).update(chars)
        else:
            always |= chars
    return by_name, always


def page_icon_names(html: str) -> set[str]:
    """The ``fa-…`` class names on a written page (its elements' class attributes)."""
    return {name for attr in _CLASS_ATTR.findall(html) for name in _FA_NAME.findall(attr)}


def script_icon_names(js: str) -> set[str]:
    return set(_FA_NAME.findall(js))


def used_icon_names(static: Path, names: set[str]) -> set[str]:
    """``names`` (the pages' icon class names) and every ``fa-…`` name in a script under
    ``static`` (a script may add an icon to a page)."""
    used = set(names)
    for js in static.rglob("*.js"):
        used |= script_icon_names(js.read_text(encoding="utf-8", errors="replace"))
    return used


def drop_unused_icon_rules(css: str, used: set[str]) -> str:
    """``css`` without the Font Awesome class rules of icons no page or script names (about
    1,900 rules, 90 KB of the theme's stylesheet, which every page loads). A rule stays unless
    every one of its selectors is an icon class (``.fa-x:before``) and none is in ``used``;
    other rules, with other selectors beside an icon class, or without an icon character, are
    left as they are, and so are the characters the fonts keep for them."""

    def keep_or_drop(rule: re.Match) -> str:
        selectors, declarations = rule.group(1), rule.group(2)
        if not _chars(declarations):
            return rule.group(0)
        parts = [_ICON_SELECTOR.fullmatch(p.strip()) for p in selectors.split(",")]
        if all(parts) and not {m.group(1) for m in parts} & used:
            return ""
        return rule.group(0)

    return _RULE.sub(keep_or_drop, css)


def icons_to_keep(static: Path, used: set[str]) -> set[int]:
    """The icon characters to keep: those of ``used`` (class names the pages and scripts
    use: :func:`used_icon_names`) and every one the stylesheets under ``static`` use outside
    icon class rules."""
    keep: set[int] = set()
    for css in static.rglob("*.css"):
        by_name, always = stylesheet_icons(css.read_text(encoding="utf-8", errors="replace"))
        keep |= always
        for name in used & by_name.keys():
            keep |= by_name[name]
    return keep


def subset_font(path: Path, codepoints: set[int]) -> int:
    """Cut the font at ``path`` down to ``codepoints`` (those it has), in place, in its own
    format; its new size in bytes. A font with none of them is left whole."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports every table it cuts at INFO (about 150 lines a build in Sphinx's
    # log, where the root logger lets INFO through); the build log wants its warnings only.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = TTFont(path)
    # Saving would stamp the time into the font's header (head.modified): every build would
    # then publish different bytes, and an unchanged rebuild would not leave the site alone.
    font.recalcTimestamp = False
    kept = codepoints & set(font.getBestCmap() or {})
    if not kept:
        # A font with no character map at all is one a browser may refuse (a console error);
        # a font none of whose icons is shown is never fetched, so it stays as it is.
        return path.stat().st_size
    flavor = font.flavor  # "woff2" for .woff2, None for .ttf
    options = subset.Options()
    options.flavor = flavor
    options.name_IDs = ["*"]  # the copyright notice and every other name record stay
    options.name_languages = ["*"]
    options.name_legacy = True  # the Macintosh-platform copies of the same records too
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(kept))
    subsetter.subset(font)
    tmp = path.with_name(path.name + ".tmp")
    font.save(tmp)
    tmp.replace(path)
    return path.stat().st_size


def subset_site(outdir: Path, names: set[str]) -> dict[str, int]:
    """Cut every Font Awesome web font of the site at ``outdir`` down to the icons it shows
    (``names``: the ``fa-…`` class names of its pages); file name → new size."""
    folder = outdir / WEBFONTS
    if not folder.is_dir():
        return {}
    static = outdir / "_static"
    used = used_icon_names(static, names)
    keep = icons_to_keep(static, used)
    sizes = {font.name: subset_font(font, keep) for font in sorted(folder.iterdir()) if font.suffix in FONT_SUFFIXES}
    # After the fonts: the characters to keep are read from the rules as the theme wrote them.
    for css in sorted(static.rglob("*.css")):
        text = css.read_text(encoding="utf-8")
        lighter = drop_unused_icon_rules(text, used)
        if lighter != text:
            css.write_text(lighter, encoding="utf-8")
    return sizes


class IconCollector:
    """A page edit (:mod:`wres.book.page_edits`) that changes nothing and notes the icon
    class names of every page, so the fonts are cut in the same one pass over the pages."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def __call__(self, text: str, pagename: str) -> str:
        self.names |= page_icon_names(text)
        return text
