"""One visit per page and screen for the reader and accessibility tests.

Every page of both built sites is opened once on a laptop (1280×900, then printed at A4
width) and once on a phone (390×844); each visit takes every measurement that
``test_reader.py`` and ``test_accessibility.py`` assert on, and axe-core runs in the same
visit, so the two test files do not open each page twice each.

Widths are CSS pixels.  "Article column" is the content box of ``.bd-article`` (its
clientWidth less its horizontal padding), the column the theme gives the text.
"""

from __future__ import annotations

import pytest

from .conftest import CHART_SELECTOR, open_offline

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"1280 px": DESKTOP, "390 px": PHONE}
#: Every page is checked by axe once per visit: on the laptop in the light theme, on the
#: phone in the dark theme, so both themes are checked on every page at no extra visit (the
#: colours do not depend on the width; the layout rules are checked at both widths).
AXE_VISITS = {"1280 px, light theme": "1280 px", "390 px, dark theme": "390 px"}
#: axe-core's rules plus one it ships switched off (experimental): a control's name must hold
#: the words it shows (WCAG 2.5.3), which the theme's search field and theme switch broke.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}
#: Column headings that carry a table's decision: a verdict, the comparisons with England and
#: with other organisations, the counts of indicators outside the limits.
DECISIVE_HEADING = r"^(trend|against)\b|\bverdict\b|outside the|worse than|better than"
#: How much of a deciding column must show on the first screen of a phone, in px.
DECISIVE_SHOWN = 24
#: A4 is 210 mm = 794 CSS px wide; less the print stylesheet's margins, about 720 px remain.
PRINT_WIDTH = 720
MAX_TAB_STOPS = 600  # a page with more stops than this is a problem of its own

# Measurements taken inside the page.  `describe` names an element so that a reader of
# the failure can find it: tag, id/classes, and the first words of its header or caption.
_COMMON_JS = r"""() => {
window.__wres_describe = (el) => {
  let name = el.tagName.toLowerCase();
  if (el.id) name += '#' + el.id;
  if (el.classList.length) name += '.' + Array.from(el.classList).join('.');
  const table = el.closest('table');
  if (table) {
    const all = Array.from(document.querySelectorAll('article table'));
    const cap = table.caption ? table.caption.innerText : '';
    const head = table.tHead ? table.tHead.innerText : (table.rows[0] ? table.rows[0].innerText : '');
    name += ` [table ${all.indexOf(table) + 1} of ${all.length}: "${(cap || head).replace(/\s+/g, ' ').trim().slice(0, 70)}"]`;
  }
  const chart = el.closest('.wres-chart, div[id^="altair-viz-"]');
  if (chart && !table) {
    const fig = chart.querySelector('[aria-label]');
    name += ` [${chart.id || 'chart'}: "${(fig ? fig.getAttribute('aria-label') : '').slice(0, 70)}"]`;
  }
  return name;
};
window.__wres_article = () => {
  const a = document.querySelector('.bd-article') || document.querySelector('main') || document.body;
  const cs = getComputedStyle(a);
  return {el: a, width: a.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)};
};
// The nearest element, from `el` up, that scrolls sideways (overflow auto/scroll and
// wider content than box), or null.
window.__wres_scroller = (el, stop) => {
  for (let e = el; e && e !== stop.parentElement; e = e.parentElement) {
    const ox = getComputedStyle(e).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && e.scrollWidth > e.clientWidth + 1) return e;
  }
  return null;
};
window.__wres_name = (e) => {
  const label = (e.getAttribute('aria-label') || '').trim();
  if (label) return label;
  const ids = (e.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
  const text = ids.map(i => document.getElementById(i)).filter(Boolean).map(x => x.innerText).join(' ').trim();
  if (text) return text;
  if (e.tagName === 'TABLE' && e.caption) return e.caption.innerText.trim();
  return '';
};
}"""

_TABLES_JS = r"""() => {
  const art = window.__wres_article();
  return Array.from(art.el.querySelectorAll('table')).map(t => {
    const r = t.getBoundingClientRect();
    const sc = window.__wres_scroller(t, art.el);
    const out = {
      name: window.__wres_describe(t),
      content: Math.max(t.scrollWidth, r.width),
      box: r.width, left: r.left, right: r.right,
      article: art.width,
      overflow: getComputedStyle(t).overflowX,
      scroller: null,
    };
    if (sc) {
      const cs = getComputedStyle(sc);
      out.scroller = {
        name: window.__wres_describe(sc),
        tabindex: sc.hasAttribute('tabindex') ? sc.tabIndex : null,
        label: window.__wres_name(sc),
        scrollbar: sc.offsetHeight - sc.clientHeight - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth),
        scrollbarWidth: cs.scrollbarWidth,
      };
    }
    return out;
  });
}"""

_CHARTS_JS = r"""(sel) => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const box of document.querySelectorAll(sel)) {
    for (const el of [box, ...box.querySelectorAll('svg, canvas')]) {
      if (el.closest('[aria-hidden="true"]') && el !== box) continue;
      const r = el.getBoundingClientRect();
      if (!r.width) continue;
      out.push({name: window.__wres_describe(el), width: r.width, left: r.left, right: r.right, viewport: vw});
    }
  }
  return out;
}"""

_PAGE_WIDTH_JS = r"""() => ({scroll: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
  widest: Array.from(document.querySelectorAll('.bd-article *')).filter(e => e.getBoundingClientRect().right
     > document.documentElement.clientWidth + 1 && !e.closest('table, .wres-table-scroll'))
     .slice(0, 3).map(e => window.__wres_describe(e) + ` right=${Math.round(e.getBoundingClientRect().right)}`)})"""

# Column index of the header cell that reads "Verdict", counting colspans.
_VERDICT_JS = r"""() => {
  const vw = document.documentElement.clientWidth;
  const art = window.__wres_article();
  const out = [];
  for (const t of art.el.querySelectorAll('table')) {
    const head = t.tHead ? t.tHead.rows[t.tHead.rows.length - 1] : t.rows[0];
    if (!head) continue;
    let col = -1, at = 0;
    for (const c of head.cells) {
      if (/\bverdict\b/i.test(c.innerText)) { col = at; break; }
      at += c.colSpan;
    }
    if (col < 0) continue;
    for (const body of t.tBodies) for (const row of body.rows) {
      let cell = null, x = 0;
      for (const c of row.cells) { if (x === col) { cell = c; break; } x += c.colSpan; if (x > col) break; }
      if (!cell) continue;
      cell.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
      const r = cell.getBoundingClientRect();
      const sc = window.__wres_scroller(cell, art.el);
      const clip = sc ? sc.getBoundingClientRect() : {left: 0, right: vw};
      out.push({name: window.__wres_describe(cell), text: cell.innerText.trim().slice(0, 40),
        left: r.left, right: r.right, viewport: vw, clipLeft: Math.max(0, clip.left), clipRight: Math.min(vw, clip.right),
        scroll: cell.scrollWidth, client: cell.clientWidth});
    }
  }
  window.scrollTo(0, 0);
  return out;
}"""

# Where each deciding column (DECISIVE_HEADING) of every shown table starts, before anything
# is scrolled: the first body row's cell, and the right edge of what shows (the screen, or
# the table's scroll region).
_DECISIVE_JS = r"""(pattern) => {
  const vw = document.documentElement.clientWidth;
  const art = window.__wres_article();
  const rx = new RegExp(pattern, 'i');
  const out = [];
  for (const t of art.el.querySelectorAll('table')) {
    if (!t.getBoundingClientRect().width || t.closest('details:not([open])') || !t.tHead) continue;
    const head = t.tHead.rows[t.tHead.rows.length - 1];
    const row = t.tBodies[0] && t.tBodies[0].rows[0];
    if (!head || !row) continue;
    let at = 0;
    for (const h of head.cells) {
      const col = at; at += h.colSpan;
      const words = h.textContent.replace(/\s+/g, ' ').trim();
      if (!rx.test(words)) continue;
      let cell = null, x = 0;
      for (const c of row.cells) { if (x === col) { cell = c; break; } x += c.colSpan; }
      if (!cell) continue;
      const r = cell.getBoundingClientRect();
      const sc = window.__wres_scroller(cell, art.el);
      out.push({name: window.__wres_describe(cell), heading: words.slice(0, 60), left: r.left,
                shownRight: Math.min(vw, sc ? sc.getBoundingClientRect().right : vw)});
    }
  }
  return out;
}"""

# Contrast of text against what is drawn behind it (backgrounds composited up the tree, the
# page white when all are transparent), WCAG's formula, for every shown element of each
# selector: the least ratio per selector.
_CONTRAST_JS = r"""(selectors) => {
  const rgba = (c) => { const m = c.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => c[3] * c[i] + (1 - c[3]) * v);
    return out;
  };
  const result = {};
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || !el.textContent.trim()) continue;
      const fg = rgba(getComputedStyle(el).color), bg = behind(el);
      const text = fg.slice(0, 3).map((v, i) => fg[3] * v + (1 - fg[3]) * bg[i]);
      const [a, b] = [lum(text), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (!(sel in result) || ratio < result[sel].ratio)
        result[sel] = {ratio, text: el.textContent.trim().slice(0, 40), fg: getComputedStyle(el).color, bg: `rgb(${bg.map(Math.round)})`};
    }
  }
  return result;
}"""
#: Text the dark theme must keep readable: the synthetic-data warning, captions, the "Show as
#: table" summaries, admonitions.
CONTRAST_SELECTORS = [
    ".wres-synthetic-banner p",
    ".bd-article caption",
    ".bd-article details.wres-chart-table > summary",
    ".bd-article .admonition p",
]

# The page's own controls a reader meets once: search, and the page title.
_CHROME_JS = r"""() => {
  const shown = (e) => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden'; };
  const name = (e) => window.__wres_describe(e) + ' "' + e.innerText.replace(/\s+/g, ' ').trim().slice(0, 40) + '"';
  return {
    search: Array.from(document.querySelectorAll('.search-button-field, .search-button, form.bd-search input'))
      .filter(shown).map(name),
    h1: Array.from(document.querySelectorAll('h1')).filter(shown).map(name),
  };
}"""

# What print shows: tables and charts must fit the paper, since paper does not scroll.
_PRINT_JS = r"""(sel) => {
  const vw = document.documentElement.clientWidth;
  const art = window.__wres_article();
  const items = [...art.el.querySelectorAll('table'), ...document.querySelectorAll(sel)];
  const cut = [];
  for (const el of items) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    let hidden = 0;
    for (let e = el; e && e !== art.el.parentElement; e = e.parentElement)
      hidden = Math.max(hidden, e.scrollWidth - e.clientWidth);
    if (r.right > vw + 1 || r.left < -1 || hidden > 1)
      cut.push(`${window.__wres_describe(el)}: left ${Math.round(r.left)}, right ${Math.round(r.right)}, `
               + `${Math.round(hidden)} px hidden in a scroller (paper ${vw} px)`);
  }
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
      && getComputedStyle(e).visibility !== 'hidden'; };
  const chrome = Array.from(document.querySelectorAll(
      'button, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, nav.bd-docs-nav, .prev-next-area, .bd-search, #pst-back-to-top'))
    .filter(e => !e.closest('article') && shown(e)).map(e => window.__wres_describe(e));
  return {cut, chrome, blankTail: document.documentElement.scrollHeight};
}"""

# The text a reader reads as words: innerText leaves out what is not visible, so code
# (identifiers shown on purpose as identifiers, in monospace) is hidden while reading it.
_PROSE_TEXT_JS = r"""() => {
  const s = document.createElement('style');
  s.textContent = 'code, pre, kbd, samp { visibility: hidden !important; }';
  document.head.appendChild(s);
  const text = document.body.innerText;
  s.remove();
  return text;
}"""

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


# Charts and toggles in document order, with what the test needs of each.
_SEQUENCE_JS = r"""() => Array.from(document.querySelectorAll(
    '.bd-article .wres-chart, .bd-article details.wres-chart-table')).map(e => e.matches('details')
  ? {kind: 'table', summary: e.querySelector(':scope > summary').innerText.trim(),
     tabindex: e.querySelector(':scope > summary').tabIndex}
  : {kind: 'chart', label: (e.querySelector('[role="img"]') || e).getAttribute('aria-label') || ''})"""

# The open toggles' tables: rows of cell texts, with each cell's link.
_CHART_TABLES_JS = r"""() => Array.from(document.querySelectorAll('.bd-article details.wres-chart-table')).map(d => ({
  summary: d.querySelector(':scope > summary').innerText.trim(),
  open: d.open,
  height: d.querySelector('table') ? d.querySelector('table').getBoundingClientRect().height : 0,
  head: Array.from(d.querySelectorAll('thead th')).map(c => c.innerText.trim()),
  rows: Array.from(d.querySelectorAll('tbody tr')).map(r => Array.from(r.cells).map(c => ({
    text: c.innerText.trim(), href: c.querySelector('a') ? c.querySelector('a').getAttribute('href') : null})))
}))"""


# The text of the article that the first screen shows (not inside a closed toggle or a chart).
_FIRST_SCREEN_JS = r"""(h) => {
  const out = [];
  const walk = document.createTreeWalker(document.querySelector('.bd-article') || document.querySelector('main') || document.body,
      NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('details:not([open]), script, style, .wres-chart')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.height && r.top < h && r.bottom > 0 && getComputedStyle(el).visibility !== 'hidden') out.push(n.textContent);
  }
  return out.join(' ');
}"""


def open_chart_tables(page) -> list[dict]:
    """Open every toggle with the keyboard (focus its summary, press Enter); return the tables."""
    summaries = page.locator(".bd-article details.wres-chart-table > summary")
    for i in range(summaries.count()):
        s = summaries.nth(i)
        s.focus()
        page.keyboard.press("Enter")
    return page.evaluate(_CHART_TABLES_JS)


_UNSCROLL_JS = """() => { window.scrollTo(0, 0);
  for (const e of document.querySelectorAll('.wres-table-scroll')) e.scrollLeft = 0; }"""


class PageAudit:
    """All measurements of one page, on a laptop, on paper and on a phone."""

    def __init__(self, browser, base_url: str, rel: str):
        from axe_playwright_python.sync_playwright import Axe

        self.rel = rel
        self.violations: dict[str, list[dict]] = {}
        self.first_screen: dict[str, str] = {}
        context, page = open_offline(browser, base_url, rel, viewport=DESKTOP)
        try:
            self.first_screen["1280 px"] = page.evaluate(_FIRST_SCREEN_JS, DESKTOP["height"])
            page.evaluate(_COMMON_JS)
            self.desktop_tables = page.evaluate(_TABLES_JS)
            self.desktop_verdicts = page.evaluate(_VERDICT_JS)
            self.desktop_chrome = page.evaluate(_CHROME_JS)
            self.text = page.evaluate(_PROSE_TEXT_JS)
            self.violations["1280 px, light theme"] = Axe().run(page, options=AXE_OPTIONS).response["violations"]
            self.focus = _tab_through(page)
            # Tabbing scrolled the page and its table regions; paper starts from the top.
            page.evaluate(_UNSCROLL_JS)
            page.emulate_media(media="print")
            page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
            page.wait_for_timeout(100)
            self.print = page.evaluate(_PRINT_JS, CHART_SELECTOR)
            # Last, as they change the page: every chart's "Show as table" toggle, opened by keyboard.
            page.emulate_media(media="screen")
            page.set_viewport_size(DESKTOP)
            self.chart_sequence = page.evaluate(_SEQUENCE_JS)
            self.chart_tables = open_chart_tables(page)
        finally:
            context.close()
        context, page = open_offline(browser, base_url, rel, viewport=PHONE, dark=True)
        try:
            self.first_screen["390 px"] = page.evaluate(_FIRST_SCREEN_JS, PHONE["height"])
            page.evaluate(_COMMON_JS)
            # Before anything scrolls.
            self.phone_decisive = page.evaluate(_DECISIVE_JS, DECISIVE_HEADING)
            self.dark_theme = page.evaluate("() => document.documentElement.dataset.theme")
            self.dark_contrast = page.evaluate(_CONTRAST_JS, CONTRAST_SELECTORS)
            self.phone_tables = page.evaluate(_TABLES_JS)
            self.phone_charts = page.evaluate(_CHARTS_JS, CHART_SELECTOR)
            self.phone_page = page.evaluate(_PAGE_WIDTH_JS)
            self.phone_verdicts = page.evaluate(_VERDICT_JS)
            self.phone_chrome = page.evaluate(_CHROME_JS)
            self.violations["390 px, dark theme"] = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        finally:
            context.close()


_AUDITS: dict[tuple[str, str], PageAudit | Exception] = {}


def audit_of(site: str, rel: str, browser, site_servers) -> PageAudit:
    """The page's audit, measured on first use; a broken visit fails every test of the page
    with its reason, once measured."""
    if rel == "<site-missing>":
        site_servers.base_url(site)  # fails with the reason
    key = (site, rel)
    if key not in _AUDITS:
        try:
            _AUDITS[key] = PageAudit(browser, site_servers.base_url(site), rel)
        except Exception as exc:  # noqa: BLE001 - one broken visit, not one per test
            _AUDITS[key] = exc
    if isinstance(_AUDITS[key], Exception):
        pytest.fail(f"{rel}: could not measure the page: {_AUDITS[key]}", pytrace=False)
    return _AUDITS[key]
