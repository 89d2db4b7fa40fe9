"""Accessibility of every page of both built sites (national and synthetic demonstration).

* axe-core (bundled by ``axe-playwright-python``, no network) finds no critical and no
  serious violation at 1280×900 in the light theme or at 390×844 in the dark theme, with the
  rule that a control's name holds the words it shows switched on.
* In the dark theme the synthetic-data warning, captions, "Show as table" summaries and
  admonitions read at 4.5:1 or better against what is drawn behind them (WCAG 1.4.3).
* Every element that the Tab key reaches shows a focus ring: an outline or box-shadow
  that focus brings, on the element, a first child or a near ancestor.  Keyboard users
  must see where they are.
"""

from __future__ import annotations

import pytest

from .page_audit import AXE_VISITS, PageAudit, audit_of

pytestmark = pytest.mark.browser

BLOCKING = ("critical", "serious")


@pytest.fixture
def a11y(reader_page, reader_browser, site_servers) -> PageAudit:
    return audit_of(*reader_page, reader_browser, site_servers)


@pytest.mark.parametrize("viewport", list(AXE_VISITS))
def test_axe_finds_no_serious_violation(a11y, viewport):
    lines = []
    for v in a11y.violations[viewport]:
        if v.get("impact") not in BLOCKING:
            continue
        targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])]
        shown = "; ".join(targets[:6]) + (f"; … {len(targets) - 6} more" if len(targets) > 6 else "")
        lines.append(f"{v['id']} ({v['impact']}, {len(targets)} node(s)): {v.get('help', '')}\n      {shown}")
    assert not lines, f"{a11y.rel} at {viewport}:\n  " + "\n  ".join(lines)


def test_every_tab_stop_shows_a_focus_ring(a11y):
    assert a11y.focus, f"{a11y.rel}: the Tab key reached nothing"
    bare = [f"{f['name']} “{f['label']}” ({f['style']})" for f in a11y.focus if not f["ring"]]
    assert not bare, f"{a11y.rel}: {len(bare)} tab stop(s) without a focus ring:\n  " + "\n  ".join(bare)


#: WCAG 1.4.3: normal text at 4.5:1 or better.
LEAST_CONTRAST = 4.5


def test_dark_theme_text_is_readable(a11y):
    assert a11y.dark_theme == "dark", f"{a11y.rel}: the phone visit did not open in the dark theme"
    low = [
        f"{sel}: {c['ratio']:.2f}:1 (“{c['text']}”, {c['fg']} on {c['bg']})"
        for sel, c in a11y.dark_contrast.items()
        if c["ratio"] < LEAST_CONTRAST
    ]
    assert not low, f"{a11y.rel}, dark theme: text under {LEAST_CONTRAST}:1\n  " + "\n  ".join(low)
