"""Accessibility of every page of both built sites (national and synthetic demonstration).

* axe-core (bundled by ``axe-playwright-python``, no network) finds no critical and no
  serious violation at 1280×900 or 390×844.
* Every element that the Tab key reaches shows a focus ring: an outline or box-shadow
  that focus brings, on the element, a first child or a near ancestor.  Keyboard users
  must see where they are.
"""

from __future__ import annotations

import pytest

from .conftest import open_offline

pytestmark = pytest.mark.browser

VIEWPORTS = {"1280 px": {"width": 1280, "height": 900}, "390 px": {"width": 390, "height": 844}}
BLOCKING = ("critical", "serious")
MAX_TAB_STOPS = 600  # a page with more stops than this is a problem of its own

# A ring is a change that focus brings: for the focused element, one of its first
# children or one of its two nearest ancestors (the theme draws some rings on a child
# icon or on the search form around an input), an outline or box-shadow that is drawn
# while focused and differs from the same element's unfocused style.  Styles are read at
# focusin and again at focusout.  Transitions are switched off first: a ring that fades
# in is judged by where it ends.
_FOCUS_RECORDER_JS = r"""() => {
  const style = document.createElement('style');
  style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.appendChild(style);
  const transparent = (c) => c === 'transparent' || /rgba\(.*,\s*0\)$/.test(c);
  const ring = (e) => {
    const cs = getComputedStyle(e);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !transparent(cs.outlineColor);
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    return {drawn: !!(outline || shadow),
            style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; box-shadow: ${cs.boxShadow}`};
  };
  const candidates = (e) => [e, ...Array.from(e.children).slice(0, 3), e.parentElement,
                             e.parentElement && e.parentElement.parentElement].filter(Boolean);
  window.__wres_focus = [];
  let focused = null;
  document.addEventListener('focusin', (ev) => {
    focused = {el: ev.target, styles: candidates(ev.target).map(ring)};
  }, true);
  document.addEventListener('focusout', (ev) => {
    if (!focused || focused.el !== ev.target) return;
    const e = ev.target;
    const after = candidates(e).map(ring);
    const shown = focused.styles.some((s, i) => s.drawn && (!after[i] || after[i].style !== s.style));
    const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
               + (e.classList.length ? '.' + Array.from(e.classList).slice(0, 3).join('.') : '');
    const label = (e.getAttribute('aria-label') || e.getAttribute('title') || e.innerText || '')
      .replace(/\s+/g, ' ').trim().slice(0, 50);
    window.__wres_focus.push({name, label, ring: shown, style: focused.styles[0].style});
    focused = null;
  }, true);
  return document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]').length;
}"""


class A11yAudit:
    def __init__(self, browser, base_url: str, rel: str):
        from axe_playwright_python.sync_playwright import Axe

        self.rel = rel
        self.violations: dict[str, list[dict]] = {}
        self.focus: list[dict] = []
        for name, viewport in VIEWPORTS.items():
            context, page = open_offline(browser, base_url, rel, viewport=viewport)
            try:
                self.violations[name] = Axe().run(page).response["violations"]
                if name == "1280 px":
                    self.focus = self._tab_through(page)
            finally:
                context.close()

    @staticmethod
    def _tab_through(page) -> list[dict]:
        stops = min(page.evaluate(_FOCUS_RECORDER_JS) + 2, MAX_TAB_STOPS)
        page.locator("body").focus()
        for _ in range(stops):
            page.keyboard.press("Tab")
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        seen, out = set(), []
        for f in page.evaluate("() => window.__wres_focus"):
            key = (f["name"], f["label"])
            if key not in seen:
                seen.add(key)
                out.append(f)
        return out


_AUDITS: dict[tuple[str, str], A11yAudit | Exception] = {}


@pytest.fixture
def a11y(reader_page, reader_browser, site_servers) -> A11yAudit:
    site, rel = reader_page
    if rel == "<site-missing>":
        site_servers.base_url(site)  # fails with the reason
    key = (site, rel)
    if key not in _AUDITS:
        try:
            _AUDITS[key] = A11yAudit(reader_browser, site_servers.base_url(site), rel)
        except Exception as exc:  # noqa: BLE001 - one broken visit, not one per test
            _AUDITS[key] = exc
    if isinstance(_AUDITS[key], Exception):
        pytest.fail(f"{rel}: could not audit the page: {_AUDITS[key]}", pytrace=False)
    return _AUDITS[key]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
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
