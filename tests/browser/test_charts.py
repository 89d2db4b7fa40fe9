"""Charts as a reader sees them in Chromium, on the built national and demonstration sites:
drawn at the width of their container on a phone (390 px) and a laptop (1280 px), no text
smaller than 12 px (titles 14) or outside the drawing, the latest year labelled, legend
swatches in the lines' colours, lines broken at years without a figure, and funnel points
that link to profiles under the page's Content-Security-Policy.

Expected values come from outside the chart: the container's measured width, the results
CSV (latest year), the colours of the drawn lines.
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
import shutil
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from wres import results
from wres.book import altair_offline
from wres.registry import load_registry
from wres.report import organisation_charts as oc

from .conftest import READER_SITES, SiteServers, _QuietHandler, open_offline

pytestmark = pytest.mark.browser

REG = load_registry()
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
PAGES = [
    ("national", "book/generated/overview.html"),
    ("national", "book/generated/indicator-1.html"),
    ("national", "book/generated/indicator-2.html"),
    ("national", "book/generated/indicator-5.html"),
    ("national", "book/generated/indicator-9.html"),
    ("national", "book/generated/calibration.html"),
    ("demo", "book/generated/indicator-2.html"),
    ("demo", "book/generated/indicator-6.html"),
    ("demo", "book/generated/indicator-9.html"),
    ("demo", "book/generated/orgs/ZZ001.html"),
]
SLACK = 1  # sub-pixel rounding

# Per chart: the drawing's and the container's widths, and every text element that is
# smaller than its minimum or reaches outside the drawing.
_CHARTS_JS = r"""() => Array.from(document.querySelectorAll('.wres-chart')).map(box => {
  const svg = box.querySelector('.wres-chart-vis svg');
  const vis = box.querySelector('.wres-chart-vis');
  if (!svg) return {id: box.id, missing: true};
  const s = svg.getBoundingClientRect();
  const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
  const bad = [];
  for (const t of texts) {
    const size = parseFloat(getComputedStyle(t).fontSize);
    const least = t.closest('.role-title-text') ? 14 : 12;
    const r = t.getBoundingClientRect();
    if (size < least) bad.push(`${size}px < ${least}px: "${t.textContent}"`);
    if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1)
      bad.push(`outside the drawing: "${t.textContent}" [${Math.round(r.left)}, ${Math.round(r.right)}] of [${Math.round(s.left)}, ${Math.round(s.right)}]`);
  }
  const cs = getComputedStyle(vis);
  const inner = vis.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  return {id: box.id, svg: s.width, container: inner, right: s.right, texts: texts.length, bad};
})"""


@pytest.fixture(scope="module")
def servers():
    s = SiteServers()
    try:
        yield s
    finally:
        s.close()


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
@pytest.mark.parametrize(("site", "rel"), PAGES, ids=[f"{s}:{p}" for s, p in PAGES])
def test_charts_fit_their_container_with_legible_text_inside(reader_browser, servers, site, rel, width):
    context, page = open_offline(reader_browser, servers.base_url(site), rel, viewport=WIDTHS[width])
    try:
        charts = page.evaluate(_CHARTS_JS)
    finally:
        context.close()
    assert charts, f"{site}:{rel} has no chart"
    for c in charts:
        assert not c.get("missing"), f"{c['id']} was not drawn"
        assert abs(c["svg"] - c["container"]) <= SLACK, f"{c['id']}: drawn {c['svg']} px in a {c['container']} px box"
        assert c["right"] <= WIDTHS[width]["width"] + SLACK, f"{c['id']} runs past the screen"
        assert c["texts"] > 3 and not c["bad"], f"{c['id']}: {c['bad']}"


def test_a_chart_follows_its_container_when_the_window_narrows(reader_browser, servers):
    context, page = open_offline(
        reader_browser, servers.base_url("national"), "book/generated/indicator-5.html", viewport=WIDTHS["laptop"]
    )
    try:
        wide = page.evaluate(_CHARTS_JS)
        page.set_viewport_size(WIDTHS["phone"])
        page.wait_for_function(
            # The loader notes the width it wrapped the text for when it has redrawn.
            """() => Array.from(document.querySelectorAll('.wres-chart')).every(b => {
              const v = b.querySelector('.wres-chart-vis'), s = v.querySelector('svg');
              return s && Number(b.getAttribute('data-wres-width')) === v.clientWidth
                && Math.abs(s.getBoundingClientRect().width - v.clientWidth) <= 1;
            })""",
            timeout=10_000,
        )
        narrow = page.evaluate(_CHARTS_JS)
    finally:
        context.close()
    assert all(w["svg"] > 600 for w in wide), [w["svg"] for w in wide]
    assert all(n["svg"] < 390 for n in narrow), [n["svg"] for n in narrow]
    assert not [n["bad"] for n in narrow if n["bad"]]


NATIONAL_RESULTS = Path(__file__).resolve().parents[2] / "results"


def _latest_year(ind_id: int) -> int:
    with open(results.path(NATIONAL_RESULTS, "national_series"), newline="", encoding="utf-8") as fh:
        keys = {s.key for s in REG.indicator(ind_id).series}
        return max(
            int(r["report_year"]) for r in csv.DictReader(fh) if r["indicator"] == str(ind_id) and r["series"] in keys
        )


# The first chart's x-axis labels (the axis whose labels all sit on one line, lowest on the
# drawing), left to right.
_X_LABELS_JS = r"""() => {
  const svg = document.querySelector('.wres-chart .wres-chart-vis svg');
  const axes = Array.from(svg.querySelectorAll('g.role-axis')).map(a =>
    Array.from(a.querySelectorAll('g.role-axis-label text')).map(t => ({t: t.textContent, r: t.getBoundingClientRect()})))
    .filter(ls => ls.length > 1 && ls.every(l => Math.abs(l.r.top - ls[0].r.top) < 1));
  const bottom = axes.sort((a, b) => b[0].r.top - a[0].r.top)[0] || [];
  return bottom.sort((a, b) => a.r.left - b.r.left).map(l => l.t);
}"""


@pytest.mark.parametrize("ind_id", REG.ids)
def test_the_latest_year_is_labelled_on_a_phone(reader_browser, servers, ind_id):
    context, page = open_offline(
        reader_browser,
        servers.base_url("national"),
        f"book/generated/indicator-{ind_id}.html",
        viewport=WIDTHS["phone"],
    )
    try:
        labels = page.evaluate(_X_LABELS_JS)
    finally:
        context.close()
    assert labels and labels[-1] == str(_latest_year(ind_id)), labels
    assert all(re.fullmatch(r"\d{4}", x) for x in labels), labels


# Colours of the legend swatches of the first chart, and of its solid lines (the published
# series; the fitted trends are dashed); each line's pieces in screen pixels.
_LEGEND_AND_LINES_JS = r"""() => {
  const svg = document.querySelector('.wres-chart .wres-chart-vis svg');
  const legend = svg.querySelector('g.role-legend');
  const swatches = Array.from(legend.querySelectorAll('g.role-legend-symbol path')).map(p => {
    const cs = getComputedStyle(p);
    return {fill: cs.fill, stroke: cs.stroke, opacity: parseFloat(cs.opacity) * parseFloat(cs.fillOpacity)};
  });
  const lines = Array.from(svg.querySelectorAll('g.mark-line path'))
    .filter(p => !getComputedStyle(p).strokeDasharray || getComputedStyle(p).strokeDasharray === 'none')
    .map(p => {
      const m = p.getScreenCTM();
      const pieces = p.getAttribute('d').replace(/Z/g, '').split('M').filter(Boolean).map(piece =>
        piece.split('L').map(xy => { const [x, y] = xy.split(',').map(Number); return x * m.a + y * m.c + m.e; }));
      return {stroke: getComputedStyle(p).stroke, pieces};
    });
  const year = Array.from(svg.querySelectorAll('g.role-axis-label text'))
    .filter(t => /^\d{4}$/.test(t.textContent))
    .map(t => { const r = t.getBoundingClientRect(); return [Number(t.textContent), (r.left + r.right) / 2]; });
  return {swatches, lines, year};
}"""


def test_legend_swatches_are_the_line_colours_and_lines_break_at_missing_years(reader_browser, servers):
    context, page = open_offline(
        reader_browser, servers.base_url("national"), "book/generated/indicator-5.html", viewport=WIDTHS["laptop"]
    )
    try:
        got = page.evaluate(_LEGEND_AND_LINES_JS)
    finally:
        context.close()
    line_colours = {ln["stroke"] for ln in got["lines"]}
    assert len(line_colours) == 2  # one line per series
    assert {s["fill"] for s in got["swatches"]} == line_colours
    assert all(s["opacity"] == 1 for s in got["swatches"])
    # Pixel -> year from two year labels; a piece of a line may only join consecutive years.
    (y0, x0), (y1, x1) = got["year"][0], got["year"][-1]
    to_year = lambda x: y0 + (x - x0) * (y1 - y0) / (x1 - x0)  # noqa: E731
    with open(results.path(NATIONAL_RESULTS, "national_series"), encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["indicator"] == "5" and r["series"] in ("bme_pct", "white_pct")]
    have = {(r["series"], int(r["report_year"])) for r in rows}
    assert any((s, y) not in have for s in ("bme_pct", "white_pct") for y in range(2016, 2024)), "no gap to test"
    for line in got["lines"]:
        for piece in line["pieces"]:
            years = [round(to_year(x)) for x in piece]
            assert all(b - a == 1 for a, b in itertools.pairwise(years)), f"a line crosses a missing year: {years}"


@pytest.fixture(scope="module")
def funnel_site(tmp_path_factory):
    """The demo site's indicator 2 page with its first funnel replaced by one whose points
    link to the profiles and which highlights the largest organisation (what a profile
    page shows); the page keeps its Content-Security-Policy. Other files are the site's own."""
    site = READER_SITES["demo"]()
    # The site folder is a versioned folder beside the build's results.
    res = site.parent / "results"
    if not res.is_dir():
        pytest.fail(f"no demo results next to {site}")
    root = tmp_path_factory.mktemp("funnel_site")
    (root / "book" / "generated").mkdir(parents=True)
    (root / "_static").symlink_to(site / "_static")
    (root / "book" / "generated" / "orgs").symlink_to(site / "book" / "generated" / "orgs")
    ti, lim = results.read(res, "organisation_indicators"), results.read(res, "organisation_funnel_limits")
    rows = ti[ti["indicator"] == 2]
    latest = rows[rows["year"] == rows["year"].max()].dropna(subset=["funnel_precision", "value"])
    biggest = latest.sort_values("funnel_precision")["org_code"].iloc[-1]
    chart = oc.funnel_chart(
        rows,
        lim[lim["indicator"] == 2],
        REG.indicator(2),
        REG,
        highlight=biggest,
        survey_deff=1.5,
        profile_link="orgs/{org_code}.html",
    )
    altair_offline.reset_ids()
    fragment = altair_offline.render_html(chart.to_dict())
    html = (site / "book" / "generated" / "indicator-2.html").read_text(encoding="utf-8")
    start = html.index('<div class="wres-chart"')
    end = html.index("</noscript>\n</div>", start) + len("</noscript>\n</div>")
    (root / "book" / "generated" / "indicator-2.html").write_text(
        html[:start] + fragment + html[end:], encoding="utf-8"
    )
    yield root, biggest
    shutil.rmtree(root, ignore_errors=True)


def _point_centre(page, which: str) -> dict:
    """Screen position of a point of the first chart's symbol marks: the first point of the
    first mark group (an organisation), or the ``last`` group's (the ringed organisation)."""
    return page.evaluate(
        """(which) => {
          const groups = document.querySelector('.wres-chart svg').querySelectorAll('g.mark-symbol.role-mark');
          const p = groups[which === 'last' ? groups.length - 1 : 0].querySelector('path');
          p.scrollIntoView({block: 'center'});
          const r = p.getBoundingClientRect();
          return {x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
        }""",
        which,
    )


def test_funnel_points_link_to_profiles_under_the_page_policy(reader_browser, funnel_site):
    root, biggest = funnel_site
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context, page = open_offline(reader_browser, base, "book/generated/indicator-2.html", viewport=WIDTHS["phone"])
    try:
        assert "Content-Security-Policy" in page.content()
        charts = page.evaluate(_CHARTS_JS)
        assert not charts[0]["bad"], charts[0]["bad"]
        # The highlighted organisation's code is drawn, inside the drawing (checked above).
        labels = page.evaluate(
            "() => Array.from(document.querySelector('.wres-chart svg').querySelectorAll('g.mark-text.role-mark text'))"
            ".map(t => t.textContent)"
        )
        assert labels == [biggest]
        target = _point_centre(page, "first")
        # Vega shows the pointer while the mouse is over a linked point.
        page.mouse.move(target["x"], target["y"])
        page.wait_for_timeout(200)
        cursor = page.evaluate(
            "([x, y]) => getComputedStyle(document.elementFromPoint(x, y)).cursor", [target["x"], target["y"]]
        )
        assert cursor == "pointer"
        # The ringed organisation's tooltip gives its counts, legibly and inside the screen.
        ring = _point_centre(page, "last")
        page.mouse.move(ring["x"], ring["y"])
        page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
        tip = page.evaluate(
            """() => { const t = document.querySelector('#vg-tooltip-element'); const r = t.getBoundingClientRect();
              return {text: t.innerText, size: parseFloat(getComputedStyle(t).fontSize), left: r.left, right: r.right}; }"""
        )
        assert biggest in tip["text"] and "Size" in tip["text"] and " of " in tip["text"], tip["text"]
        assert tip["size"] >= 12 and tip["left"] >= 0 and tip["right"] <= WIDTHS["phone"]["width"], tip
        target = _point_centre(page, "first")
        page.mouse.move(target["x"], target["y"])
        page.wait_for_timeout(200)
        with page.expect_navigation(timeout=10_000):
            page.mouse.click(target["x"], target["y"])
        assert re.search(r"/book/generated/orgs/ZZ\d{3}\.html$", page.url), page.url
    finally:
        context.close()
        server.shutdown()
        server.server_close()
