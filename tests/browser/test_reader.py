"""What a reader sees on every page of both built sites (national ``_build/html`` and the
synthetic demonstration ``_build/demo/html``), on a laptop (1280×900), a phone (390×844)
and on A4 paper (print media at 720 CSS px, A4's 210 mm less about 12 mm margins a side).

Each page is opened once per viewport (``page_audit.py``, shared with the accessibility
tests); each test below asserts one promise on the measurements, so a failure names the
page, the element and the numbers.
"""

from __future__ import annotations

import re

import pytest

from wres.registry import load_registry

from .page_audit import DECISIVE_SHOWN, PageAudit, audit_of

pytestmark = pytest.mark.browser

SLACK = 1  # sub-pixel rounding

# Quality-flag codes that must never reach a reader as raw snake_case: the registry's
# own list, keeping only the codes that are not also plain English words.
FLAG_CODES = sorted(c for c in load_registry().quality_flags if "_" in c)
RAW_TEXT = [
    (re.compile(r"\bnan\b", re.I), "a missing value printed as nan"),
    (re.compile(r"\b(" + "|".join(map(re.escape, FLAG_CODES)) + r")\b"), "a raw quality-flag code"),
    (re.compile(r"—\s*to\s*—"), 'an empty year range "— to —"'),
]


@pytest.fixture
def audit(reader_page, reader_browser, site_servers) -> PageAudit:
    return audit_of(*reader_page, reader_browser, site_servers)


def _report(audit: PageAudit, problems: list[str]) -> str:
    return f"{audit.rel}: {len(problems)} problem(s)\n  " + "\n  ".join(problems)


def _scroll_region_problems(tables: list[dict], where: str) -> list[str]:
    """A table wider than its box must scroll inside a region a keyboard can reach
    (tabindex 0), that has a name, and whose scrollbar is drawn."""
    out = []
    for t in tables:
        sc = t["scroller"]
        if sc is None:
            if t["content"] > t["article"] + SLACK or t["right"] > t["left"] + t["article"] + SLACK:
                out.append(
                    f"{where}: {t['name']} is {t['content']:.0f} px wide in a {t['article']:.0f} px "
                    "column and nothing scrolls it (spills or is cut)"
                )
            continue
        if sc["tabindex"] is None or sc["tabindex"] < 0:
            out.append(f'{where}: scroll region {sc["name"]} has no tabindex="0" (keyboard cannot scroll it)')
        if not sc["label"]:
            out.append(
                f"{where}: scroll region {sc['name']} has no accessible name (aria-label / aria-labelledby / caption)"
            )
        if sc["scrollbar"] <= 0 or sc["scrollbarWidth"] == "none":
            out.append(f"{where}: scroll region {sc['name']} shows no scrollbar")
    return out


def test_tables_fit_the_article_column_on_a_laptop(audit):
    """At 1280 px every table's full content width (max of scrollWidth and its box)
    fits the article column's content box."""
    problems = [
        f"{t['name']}: content {t['content']:.0f} px > article column {t['article']:.0f} px"
        for t in audit.desktop_tables
        if t["content"] > t["article"] + SLACK
    ]
    assert not problems, _report(audit, problems)


def test_wide_tables_scroll_in_labelled_focusable_regions(audit):
    problems = _scroll_region_problems(audit.desktop_tables, "1280 px") + _scroll_region_problems(
        audit.phone_tables, "390 px"
    )
    assert not problems, _report(audit, problems)


def test_charts_fit_a_phone(audit):
    problems = [
        f"{c['name']}: {c['width']:.0f} px wide, left {c['left']:.0f}, right {c['right']:.0f} "
        f"(viewport {c['viewport']} px)"
        for c in audit.phone_charts
        if c["width"] > c["viewport"] + SLACK or c["left"] < -SLACK or c["right"] > c["viewport"] + SLACK
    ]
    assert not problems, _report(audit, problems)


def test_page_does_not_scroll_sideways_on_a_phone(audit):
    p = audit.phone_page
    assert p["scroll"] <= p["viewport"] + SLACK, _report(
        audit, [f"page is {p['scroll']} px wide on a {p['viewport']} px phone; widest: {p['widest']}"]
    )


@pytest.mark.parametrize("viewport", ["1280 px", "390 px"])
def test_every_verdict_is_visible(audit, viewport):
    """A verdict cell scrolled into view lies inside the viewport and inside any scroll
    region around it, and its text is not clipped (scrollWidth <= clientWidth)."""
    cells = audit.desktop_verdicts if viewport == "1280 px" else audit.phone_verdicts
    problems = []
    for c in cells:
        if c["left"] < c["clipLeft"] - SLACK or c["right"] > c["clipRight"] + SLACK:
            problems.append(
                f'{viewport}: {c["name"]} "{c["text"]}" spans {c["left"]:.0f}–{c["right"]:.0f} px, '
                f"visible area {c['clipLeft']:.0f}–{c['clipRight']:.0f} px"
            )
        if c["scroll"] > c["client"] + SLACK:
            problems.append(
                f'{viewport}: {c["name"]} "{c["text"]}" text clipped ({c["scroll"]} px in {c["client"]} px)'
            )
    assert not problems, _report(audit, problems)


@pytest.mark.parametrize("viewport", ["1280 px", "390 px"])
def test_one_search_box_and_one_title(audit, viewport):
    """A reader sees one control for searching the site and one page title (h1), not two of
    either. (A box that filters a page's own table, as on the organisations index, is not one.)"""
    chrome = audit.desktop_chrome if viewport == "1280 px" else audit.phone_chrome
    problems = [
        f"{viewport}: {len(chrome[k])} visible {what}: {chrome[k]}"
        for k, what in (("search", "search controls"), ("h1", "page titles (h1)"))
        if len(chrome[k]) != 1
    ]
    assert not problems, _report(audit, problems)


def test_no_raw_values_in_the_text(audit):
    """No nan, raw snake_case quality-flag code or empty "— to —" range in the visible
    text outside <code>/<pre> (a data dictionary may show a code as code)."""
    problems = []
    for pattern, what in RAW_TEXT:
        for m in pattern.finditer(audit.text):
            around = audit.text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ⏎ ")
            problems.append(f"{what}: {m.group(0)!r} in “…{around}…”")
    assert not problems, _report(audit, problems[:20])


def test_print_cuts_no_table_or_chart(audit):
    assert not audit.print["cut"], _report(audit, [f"print: {c}" for c in audit.print["cut"]])


def test_print_hides_navigation_and_buttons(audit):
    assert not audit.print["chrome"], _report(audit, [f"print shows {c}" for c in audit.print["chrome"]])


def test_deciding_columns_start_on_a_phone_screen(audit):
    """At 390 px, before the reader scrolls anything, every deciding column (a verdict, the
    comparison with England or with other organisations, the counts outside the limits) of
    every shown table starts on the screen, with at least DECISIVE_SHOWN px of it showing."""
    problems = [
        f"{c['name']} (“{c['heading']}”) starts at {c['left']:.0f} px; the screen shows up to {c['shownRight']:.0f} px"
        for c in audit.phone_decisive
        if c["left"] + DECISIVE_SHOWN > c["shownRight"]
    ]
    assert not problems, _report(audit, problems)
