"""What a reader sees on every page of both built sites (national ``_build/html`` and the
synthetic demonstration ``_build/demo/html``), on a laptop (1280×900), a phone (390×844)
and on A4 paper (print media at 720 CSS px, A4's 210 mm less about 12 mm margins a side).

Each page is opened once per viewport; the measurements are cached and each test below
asserts one promise on them, so a failure names the page, the element and the numbers.

Widths are CSS pixels.  "Article column" is the content box of ``.bd-article`` (its
clientWidth less its horizontal padding), the column the theme gives the text.
"""

from __future__ import annotations

import re

import pytest

from wres.registry import load_registry

from .conftest import CHART_SELECTOR, open_offline

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: A4 is 210 mm = 794 CSS px wide; less the print stylesheet's margins, about 720 px remain.
PRINT_WIDTH = 720
SLACK = 1  # sub-pixel rounding

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

# The page's own controls a reader meets once: search, and the page title.
_CHROME_JS = r"""() => {
  const shown = (e) => { const r = e.getBoundingClientRect(); const cs = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden'; };
  const name = (e) => window.__wres_describe(e) + ' "' + e.innerText.replace(/\s+/g, ' ').trim().slice(0, 40) + '"';
  return {
    search: Array.from(document.querySelectorAll('.search-button-field, .search-button, input[type="search"]'))
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

# Quality-flag codes that must never reach a reader as raw snake_case: the registry's
# own list, keeping only the codes that are not also plain English words.
FLAG_CODES = sorted(c for c in load_registry().quality_flags if "_" in c)
RAW_TEXT = [
    (re.compile(r"\bnan\b", re.I), "a missing value printed as nan"),
    (re.compile(r"\b(" + "|".join(map(re.escape, FLAG_CODES)) + r")\b"), "a raw quality-flag code"),
    (re.compile(r"—\s*to\s*—"), 'an empty year range "— to —"'),
]


class Audit:
    """All measurements of one page."""

    def __init__(self, browser, base_url: str, rel: str):
        self.rel = rel
        context, page = open_offline(browser, base_url, rel, viewport=DESKTOP)
        try:
            page.evaluate(_COMMON_JS)
            self.desktop_tables = page.evaluate(_TABLES_JS)
            self.desktop_verdicts = page.evaluate(_VERDICT_JS)
            self.desktop_chrome = page.evaluate(_CHROME_JS)
            self.text = page.evaluate(_PROSE_TEXT_JS)
            page.emulate_media(media="print")
            page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
            page.wait_for_timeout(100)
            self.print = page.evaluate(_PRINT_JS, CHART_SELECTOR)
        finally:
            context.close()
        context, page = open_offline(browser, base_url, rel, viewport=PHONE)
        try:
            page.evaluate(_COMMON_JS)
            self.phone_tables = page.evaluate(_TABLES_JS)
            self.phone_charts = page.evaluate(_CHARTS_JS, CHART_SELECTOR)
            self.phone_page = page.evaluate(_PAGE_WIDTH_JS)
            self.phone_verdicts = page.evaluate(_VERDICT_JS)
            self.phone_chrome = page.evaluate(_CHROME_JS)
        finally:
            context.close()


_AUDITS: dict[tuple[str, str], Audit | Exception] = {}


@pytest.fixture
def audit(reader_page, reader_browser, site_servers) -> Audit:
    site, rel = reader_page
    if rel == "<site-missing>":
        site_servers.base_url(site)  # fails with the reason
    key = (site, rel)
    if key not in _AUDITS:
        try:
            _AUDITS[key] = Audit(reader_browser, site_servers.base_url(site), rel)
        except Exception as exc:  # noqa: BLE001 - one broken visit, not one per test
            _AUDITS[key] = exc
    if isinstance(_AUDITS[key], Exception):
        pytest.fail(f"{rel}: could not measure the page: {_AUDITS[key]}", pytrace=False)
    return _AUDITS[key]


def _report(audit: Audit, problems: list[str]) -> str:
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
    """A reader sees one search control and one page title (h1), not two of either."""
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
