"""One semantic palette (wres.report.palette): charts name roles, the print stylesheet
repeats the colours it shares with the charts and says which role each is."""

from __future__ import annotations

import re
from pathlib import Path

from wres.report import palette

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "src" / "wres" / "report"
CSS = ROOT / "src" / "wres" / "book" / "pdf_report.css"
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")
#: A colour in the stylesheet that repeats a role: ``#0072B2; /* palette: ROLE */``.
MARKED = re.compile(r"(#[0-9a-fA-F]{3,6})\b[^;{}]*;\s*/\* palette: ([A-Z_0-9]+) \*/")


def _hue_colours() -> set[str]:
    return {c.lower() for c in palette.CATEGORICAL}


def test_hex_codes_live_in_the_palette_only():
    """Every other report module names a role; a hex code elsewhere is a colour no role owns."""
    stray = {p.name: HEX.findall(p.read_text(encoding="utf-8")) for p in REPORT.glob("*.py") if p.name != "palette.py"}
    assert not {name: codes for name, codes in stray.items() if codes}


def test_stylesheet_colours_shared_with_charts_match_their_roles():
    css = CSS.read_text(encoding="utf-8")
    marked = MARKED.findall(css)
    assert marked, "the stylesheet marks the palette colours it uses"
    for colour, role in marked:
        assert hasattr(palette, role), f"pdf_report.css names an unknown palette role {role}"
        assert colour.lower() == getattr(palette, role).lower(), (
            f"{role}: css {colour}, palette {getattr(palette, role)}"
        )
    # A chart hue in the stylesheet without its role could drift from the charts unnoticed.
    marked_colours = {c.lower() for c, _ in marked}
    unmarked = {c.lower() for c in HEX.findall(css)} & _hue_colours() - marked_colours
    assert not unmarked, f"chart colours in pdf_report.css without a /* palette: ROLE */ mark: {unmarked}"


def test_series_take_their_group_s_role():
    assert palette.series_colours(["bme", "white"], "bme", "white") == [palette.MINORITY, palette.MAJORITY]
    assert palette.series_colours(["white", "bme"], "bme", "white") == [palette.MAJORITY, palette.MINORITY]
    # Two series of one group (a representation indicator) or ratios: the categorical order.
    assert palette.series_colours(["bme", "bme"], "bme", "white") == list(palette.CATEGORICAL[:2])
    assert palette.series_colours(["ratio"] * 3, "bme", "white") == list(palette.CATEGORICAL[:3])
