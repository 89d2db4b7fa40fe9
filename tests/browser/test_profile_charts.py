"""A profile's charts, each filled in the browser from its indicator's template and the
page's own part (wres.report.chart_template, the loader in wres.book.altair_offline), drawn
on the demonstration build under the page's Content-Security-Policy and from ``file://``:
the drawn marks carry this organisation's figures as the results CSV gives them (read here
with the csv module), its ring sits on its own point among every organisation's, and its
charts' text alternative is shown where scripts do not run.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import pytest

from .conftest import PROFILES, REPO_ROOT, demo_site_path, open_offline

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("profile-charts")]

CODE = "ZZ001"
PAGE = f"{PROFILES}{CODE}.html"

# Per chart: its name, and the data rows of its drawn marks (Vega binds each drawn SVG
# element to its scene item, whose datum is the row it draws), by kind of mark.
_DRAWN_JS = r"""() => Array.from(document.querySelectorAll('.wres-chart')).map(box => {
  const rows = (sel) => Array.from(box.querySelectorAll(sel)).map(g =>
    Array.from(g.querySelectorAll('path, text')).filter(e => e.__data__ && e.__data__.datum)
      .map(e => { const r = e.getBoundingClientRect(); return {datum: e.__data__.datum, x: r.left + r.width / 2, y: r.top + r.height / 2}; }));
  return {
    name: box.querySelector('[role="img"]').getAttribute('aria-label'),
    error: box.querySelector('.wres-chart-vis').getAttribute('data-wres-error'),
    symbols: rows('g.mark-symbol.role-mark'),
    labels: rows('g.mark-text.role-mark').flat(),
    legend: Array.from(box.querySelectorAll('.role-legend text')).map(t => t.textContent).join(' | '),
  };
})"""


def _rows() -> dict[int, list[dict]]:
    """The results' rows of every organisation, by indicator."""
    res = REPO_ROOT / "_build" / "demo" / "results"
    path = (
        res / "trust_indicators.csv" if (res / "trust_indicators.csv").exists() else res / "organisation_indicators.csv"
    )
    with path.open(newline="", encoding="utf-8") as fh:
        out = defaultdict(list)
        for r in csv.DictReader(fh):
            out[int(r["indicator"])].append(r)
    return out


def _number(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        return math.nan
    return v if math.isfinite(v) else math.nan


@pytest.fixture(scope="module")
def drawn(reader_browser, site_servers):
    if not (demo_site_path() / PAGE).exists():
        pytest.fail(f"no demo profile {PAGE}: run `wres demo --orgs 20`", pytrace=False)
    context, page = open_offline(reader_browser, site_servers.base_url("demo"), PAGE)
    try:
        assert "Content-Security-Policy" in page.content()
        yield page.evaluate(_DRAWN_JS)
    finally:
        context.close()


def test_each_funnel_rings_this_organisation_on_its_own_point_among_every_organisation(drawn):
    rows = _rows()
    funnels = [c for c in drawn if "organisations compared" in c["name"]]
    assert funnels and not [c["error"] for c in drawn if c["error"]]
    for chart in funnels:
        ind = int(chart["name"].split("Indicator ", 1)[1].split(":", 1)[0])
        latest = max(int(r["year"]) for r in rows[ind])
        placed = {
            r["org_code"]: r
            for r in rows[ind]
            if int(r["year"]) == latest and math.isfinite(_number(r["value"])) and _number(r["funnel_precision"]) > 0
        }
        points, ring = chart["symbols"]
        # Every organisation the CSV places is a point (from the indicator's shared file)...
        assert sorted(p["datum"]["code"] for p in points) == sorted(placed)
        # ...and the page's own part draws the ring and the label: this organisation, at its figure.
        (hl,) = ring
        (label,) = chart["labels"]
        assert hl["datum"]["code"] == label["datum"]["code"] == CODE
        assert hl["datum"]["value"] == pytest.approx(float(placed[CODE]["value"]), rel=1e-9)
        assert f"({CODE})" in chart["legend"] and placed[CODE]["org_name"] in chart["legend"]
        mine = next(p for p in points if p["datum"]["code"] == CODE)
        assert abs(mine["x"] - hl["x"]) < 1 and abs(mine["y"] - hl["y"]) < 1, (chart["name"], mine, hl)


def test_each_over_time_chart_draws_this_organisations_figures_of_every_year(drawn):
    rows = _rows()
    over_time = [c for c in drawn if "organisations compared" not in c["name"]]
    assert len(over_time) == len(rows)
    for chart in over_time:
        ind = int(chart["name"].split("Indicator ", 1)[1].split(":", 1)[0])
        mine = {
            int(r["year"]): _number(r["value"])
            for r in rows[ind]
            if r["org_code"] == CODE and math.isfinite(_number(r["value"]))
        }
        (points,) = chart["symbols"]
        got = {p["datum"]["year"]: p["datum"]["value"] for p in points}
        # Positions are written to 4 significant figures.
        assert got.keys() == mine.keys() and all(got[y] == pytest.approx(v, rel=5e-4) for y, v in mine.items())
        assert _name(rows, ind) in chart["legend"]


def _name(rows: dict[int, list[dict]], ind: int) -> str:
    return next(r["org_name"] for r in rows[ind] if r["org_code"] == CODE)


def test_from_file_the_charts_are_drawn_and_without_scripts_their_words_are_shown(reader_browser):
    url = (demo_site_path() / PAGE).resolve().as_uri()
    context = reader_browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.wres-chart')).every(b => b.querySelector('svg'))",
            timeout=30_000,
        )
        hidden = page.evaluate(
            "() => Array.from(document.querySelectorAll('.wres-chart-about')).map(p => p.getBoundingClientRect().width)"
        )
        assert len(hidden) == 18 and max(hidden) <= 1  # beside a drawing, for a screen reader only
    finally:
        context.close()
    context = reader_browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        shown = page.evaluate(
            """() => Array.from(document.querySelectorAll('.wres-chart')).map(b => {
              const p = b.querySelector('.wres-chart-about'); const r = p.getBoundingClientRect();
              return {width: r.width, text: p.innerText, svg: !!b.querySelector('svg')}; })"""
        )
        assert len(shown) == 18 and not any(s["svg"] for s in shown)
        assert all(s["width"] > 200 and _name(_rows(), 1) in s["text"] for s in shown), shown[0]
    finally:
        context.close()
