"""The theme's icon fonts cut down to the icons the site shows (wres.book.icon_fonts):
hand-written stylesheets and pages, and the theme's real Font Awesome font read back with
fontTools."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pydata_sphinx_theme
from fontTools.ttLib import TTFont

from wres.book.icon_fonts import WEBFONTS, drop_unused_icon_rules, page_icon_names, stylesheet_icons, subset_site

THEME_FONTS = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "vendor"
CSS = (
    '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}'
    '.fa-moon:before{content:"\\f186"}.fa-github:before{content:"\\f09b"}'
    'html{--pst-icon-info-circle:"\\f05a";--pst-color-primary:#0a5ca8}'
    '.fa-solid{font-weight:900}.onthispage:after{content:"\uf107"}'
)


def test_icon_rules_and_the_icons_a_stylesheet_always_uses_are_told_apart():
    by_name, always = stylesheet_icons(CSS)
    assert by_name == {
        "fa-magnifying-glass": {0xF002},
        "fa-search": {0xF002},
        "fa-moon": {0xF186},
        "fa-github": {0xF09B},
    }
    assert always == {0xF05A, 0xF107}


def test_icon_names_come_from_class_attributes_only():
    page = '<i class="fa-solid fa-magnifying-glass fa-lg"></i><p>fa-moon in words</p><span id="x-fa-bars"></span>'
    assert page_icon_names(page) == {"fa-solid", "fa-magnifying-glass", "fa-lg"}


def test_the_fonts_keep_exactly_the_icons_shown_and_their_copyright_notice(tmp_path: Path):
    out = tmp_path / "html"
    shutil.copytree(THEME_FONTS, out / "_static" / "vendor")
    (out / "_static" / "theme.css").write_text(CSS, encoding="utf-8")
    original = TTFont(out / WEBFONTS / "fa-solid-900.woff2")
    names = sorted((r.nameID, r.platformID, str(r)) for r in original["name"].names)
    sizes = subset_site(out, {"fa-solid", "fa-magnifying-glass"})
    solid = TTFont(out / WEBFONTS / "fa-solid-900.woff2")
    # f002 named on the page; f05a and f107 used by the stylesheet itself; not the moon.
    assert set(solid.getBestCmap()) == {0xF002, 0xF05A, 0xF107}
    # Every name record (copyright notice, version, vendor) stays as the theme ships it.
    assert solid.flavor == "woff2" and sorted((r.nameID, r.platformID, str(r)) for r in solid["name"].names) == names
    assert (0, 3, "Copyright (c) Font Awesome") in names
    # No brand icon is shown: that font is never fetched and stays whole (an empty font is
    # one a browser may refuse).
    brands = "fontawesome/webfonts/fa-brands-400.woff2"
    assert sizes["fa-brands-400.woff2"] == (THEME_FONTS / brands).stat().st_size
    assert set(TTFont(out / WEBFONTS / "fa-solid-900.ttf").getBestCmap()) == {0xF002, 0xF05A, 0xF107}
    assert (
        sizes["fa-solid-900.woff2"] < 5_000 < (THEME_FONTS / "fontawesome/webfonts/fa-solid-900.woff2").stat().st_size
    )


def test_cutting_the_fonts_again_gives_the_same_bytes_and_keeps_the_fonts_own_date(tmp_path: Path):
    # Two builds from the same pages must publish the same files: the font's header keeps the
    # date the theme's font carries instead of the time of the build.
    made = []
    for run in ("one", "two"):
        out = tmp_path / run
        shutil.copytree(THEME_FONTS, out / "_static" / "vendor")
        (out / "_static" / "theme.css").write_text(CSS, encoding="utf-8")
        subset_site(out, {"fa-solid", "fa-magnifying-glass"})
        made.append({p.name: p.read_bytes() for p in sorted((out / WEBFONTS).iterdir())})
    assert made[0] == made[1]
    shipped = TTFont(THEME_FONTS / "fontawesome/webfonts/fa-solid-900.ttf")["head"].modified
    assert TTFont(tmp_path / "one" / WEBFONTS / "fa-solid-900.ttf")["head"].modified == shipped


def test_the_stylesheets_lose_only_the_rules_of_icons_no_page_shows():
    css = (
        '/*! Font Awesome Free License */.fa-moon:before{content:"\\f186"}'
        '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}'
        '.fa-github:before{content:"\\f09b"}.fa-solid{font-weight:900}'
        '@media print{.fa-print:before{content:"\\f02f"}.x{color:red}}'
        '.note .fa-github:before{content:"\\f09b"}'
    )
    out = drop_unused_icon_rules(css, {"fa-search", "fa-solid"})
    # Kept: a rule one of whose names is used (fa-search), rules without an icon character,
    # a rule with a selector other than an icon class, and the licence comment with the first rule.
    assert out == (
        '/*! Font Awesome Free License */.fa-moon:before{content:"\\f186"}'
        '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}'
        ".fa-solid{font-weight:900}"
        "@media print{.x{color:red}}"
        '.note .fa-github:before{content:"\\f09b"}'
    )


def test_the_themes_stylesheet_keeps_every_used_icon_and_is_much_lighter(tmp_path: Path):
    css_file = THEME_FONTS.parent / "styles" / "pydata-sphinx-theme.css"
    css = css_file.read_text(encoding="utf-8")
    used = {"fa-magnifying-glass", "fa-bars", "fa-moon", "fa-sun", "fa-download", "fa-list"}
    out = drop_unused_icon_rules(css, used)
    before, _ = stylesheet_icons(css)
    after, always = stylesheet_icons(out)
    assert {n: after[n] for n in used} == {n: before[n] for n in used}
    assert set(after) < set(before) and "fa-address-book" not in after
    assert stylesheet_icons(out)[1] == stylesheet_icons(css)[1] == always
    assert len(css) - len(out) > 60_000, (len(css), len(out))


def test_cutting_the_fonts_logs_no_information_lines(tmp_path: Path, caplog):
    # Sphinx's process lets INFO through; fontTools would log each table it cuts.
    out = tmp_path / "html"
    shutil.copytree(THEME_FONTS, out / "_static" / "vendor")
    (out / "_static" / "theme.css").write_text(CSS, encoding="utf-8")
    with caplog.at_level(logging.INFO):
        subset_site(out, {"fa-solid", "fa-magnifying-glass"})
    assert [r.getMessage() for r in caplog.records if r.name.startswith("fontTools")] == []
