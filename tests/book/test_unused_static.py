"""wres.book.unused_static: the themes' files no page loads, removed from a written site."""

from __future__ import annotations

from pathlib import Path

from wres.book.unused_static import remove_unloaded

BOOTSTRAP = "!function(){var a=1}();\n//# sourceMappingURL=bootstrap.js.map\n"
THEME_CSS = ".bd-header{color:red}\n/*# sourceMappingURL=theme.css.map*/\n"
OTHER_JS = "console.log(1);\n//# sourceMappingURL=https://example.org/other.js.map\n"


def _static(tmp_path: Path) -> Path:
    static = tmp_path / "_static"
    files = {
        "scripts/fontawesome.js": "x" * 1000,
        "scripts/fontawesome.js.LICENSE.txt": "licence",
        "scripts/bootstrap.js": BOOTSTRAP,
        "scripts/bootstrap.js.map": "m" * 300,
        "styles/theme.css": THEME_CSS,
        "styles/theme.css.map": "n" * 200,
        "scripts/other.js": OTHER_JS,
        "locales/pl/LC_MESSAGES/booktheme.po": "p" * 50,
        "locales/pl/LC_MESSAGES/booktheme.mo": "q" * 40,
        "wres-vendor/vega-bundle.js": "vega",
    }
    for rel, text in files.items():
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_text(text, encoding="utf-8")
    return static


def test_removes_the_script_the_maps_and_the_catalogues_and_counts_their_bytes(tmp_path):
    static = _static(tmp_path)
    # 1,000 (script) + 300 + 200 (maps) + 50 + 40 (catalogues), counted by hand.
    assert remove_unloaded(static) == 1590
    left = sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())
    assert left == [
        "scripts/bootstrap.js",
        "scripts/fontawesome.js.LICENSE.txt",
        "scripts/other.js",
        "styles/theme.css",
        "wres-vendor/vega-bundle.js",
    ]


def test_the_comments_naming_a_removed_map_go_and_nothing_else(tmp_path):
    static = _static(tmp_path)
    remove_unloaded(static)
    assert (static / "scripts/bootstrap.js").read_text() == "!function(){var a=1}();\n"
    assert (static / "styles/theme.css").read_text() == ".bd-header{color:red}\n"
    # A map that was not removed (here: elsewhere) keeps its comment.
    assert (static / "scripts/other.js").read_text() == OTHER_JS


def test_a_second_run_finds_nothing_to_remove(tmp_path):
    static = _static(tmp_path)
    remove_unloaded(static)
    assert remove_unloaded(static) == 0
