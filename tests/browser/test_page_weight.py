"""What a browser loads for a page of the demonstration build (``wres demo --orgs 20``),
fresh cache, uncompressed: every response body counted as the browser receives it. Pages
load only the scripts they use (wres.book.sphinx_weight) and a profile holds only its own
part of each chart: the chart's template and the other organisations' points are in one
shared file per indicator (wres.report.chart_template, wres.book.shared_data).

Issue #19 asks for the landing page at most 900 KB, an indicator page with charts at most
1.5 MB and a profile's HTML at most 120 KB, all held here: an indicator page's charts are
compiled to Vega when it is written and it loads the Vega runtime alone
(wres.book.chart_compile, wres.book.vega_runtime), the theme's icon fonts carry only the icons
the site shows (wres.book.icon_fonts), and a profile holds about 118 KB with 20 organisations
(that it does not grow with more is tests/report/test_profile_shared.py's). The README gives
the figures and how they were measured."""

from __future__ import annotations

import pytest

from .conftest import demo_site_path

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("page-weight")]

KB = 1000


def _loaded(browser, base_url: str, rel: str) -> dict[str, int]:
    """Bytes of every response of one page load (URL → bytes), after its charts are drawn."""
    context = browser.new_context(service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort("blockedbyclient"))
    sizes: dict[str, int] = {}
    page = context.new_page()
    page.on("requestfinished", lambda req: sizes.__setitem__(req.url, len(req.response().body())))
    try:
        page.goto(base_url + rel, wait_until="load", timeout=30_000)
        page.wait_for_load_state("networkidle", timeout=30_000)
        page.wait_for_timeout(300)
    finally:
        context.close()
    return sizes


@pytest.fixture(scope="module")
def demo_url(site_servers) -> str:
    return site_servers.base_url("demo")


def test_the_landing_page_loads_at_most_900_kb_and_no_chart_or_maths_library(offline_browser, demo_url):
    sizes = _loaded(offline_browser, demo_url, "book/intro.html")
    total = sum(sizes.values())
    assert total <= 900 * KB, f"{total:,} bytes: " + ", ".join(
        f"{u.rsplit('/', 1)[-1]} {b:,}" for u, b in sizes.items()
    )
    names = " ".join(sizes)
    for heavy in ("vega-bundle.js", "tex-mml-chtml.js", "fontawesome.js", "searchindex.js"):
        assert heavy not in names


def test_an_indicator_page_with_charts_loads_at_most_1_5_mb(offline_browser, demo_url):
    sizes = _loaded(offline_browser, demo_url, "book/generated/indicator-2.html")
    files = [u.split("?")[0].rsplit("/", 1)[-1] for u in sizes]
    # It has charts and draws them with the Vega runtime alone (the Vega-Lite compiler and
    # vega-embed, 0.3 MB, are not fetched).
    assert "vega-runtime.js" in files and "vega-bundle.js" not in files
    total = sum(sizes.values())
    assert total <= 1500 * KB, f"{total:,} bytes: " + ", ".join(
        f"{u.rsplit('/', 1)[-1]} {b:,}" for u, b in sizes.items()
    )
    # The icon fonts hold only the icons the site shows: a few KB, not 156 KB and 118 KB.
    fonts = {u.rsplit("/", 1)[-1]: b for u, b in sizes.items() if u.endswith(".woff2")}
    assert fonts and all(b < 10 * KB for b in fonts.values()), fonts


def test_a_profile_loads_its_charts_shared_parts_once_per_indicator_and_its_html_is_small(offline_browser, demo_url):
    profiles = sorted((demo_site_path() / "book" / "generated" / "orgs").glob("*.html"))
    largest = max(profiles, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size <= 120 * KB, f"{largest.name}: {largest.stat().st_size:,} bytes"
    profile = profiles[0]
    sizes = _loaded(offline_browser, demo_url, f"book/generated/orgs/{profile.name}")
    data = sorted(u.rsplit("/", 1)[-1] for u in sizes if "/_static/wres-data/" in u)
    assert data and len(data) == len(set(data))
    assert all(d.startswith("funnel-") and d.endswith(".js") for d in data)


def test_every_icon_a_page_draws_is_in_the_cut_down_icon_fonts(offline_browser, demo_url):
    """The characters the browser draws for the icons of three kinds of page (read from
    each icon's computed ``::before`` content, dark-mode icons included) are all in the
    fonts the site serves, read back with fontTools."""
    from fontTools.ttLib import TTFont

    folder = demo_site_path() / "_static" / "vendor" / "fontawesome" / "webfonts"
    served = set()
    for font in folder.glob("*.woff2"):
        served |= set(TTFont(font).getBestCmap() or {})
    profile = sorted((demo_site_path() / "book" / "generated" / "orgs").glob("*.html"))[0].name
    context = offline_browser.new_context(service_workers="block")
    drawn: set[int] = set()
    try:
        page = context.new_page()
        for rel in ("book/intro.html", "book/generated/indicator-2.html", f"book/generated/orgs/{profile}"):
            page.goto(demo_url + rel, wait_until="load", timeout=30_000)
            contents = page.evaluate(
                """() => Array.from(document.querySelectorAll('[class*="fa-"]'))
                     .map(el => getComputedStyle(el, '::before').content)
                     .filter(c => c && c !== 'none' && c !== 'normal')"""
            )
            drawn |= {ord(ch) for c in contents for ch in c.strip('"') if 0xE000 <= ord(ch) <= 0xF8FF}
    finally:
        context.close()
    assert len(drawn) >= 8, sorted(map(hex, drawn))  # search, menu, light/dark, downloads, GitHub…
    assert drawn <= served, sorted(map(hex, drawn - served))


def test_a_vega_lite_chart_on_a_runtime_page_fetches_the_full_bundle_once_and_is_drawn(offline_browser, demo_url):
    """A chart still in Vega-Lite (e.g. one assembled in the browser) on a page that loaded
    the Vega runtime alone: the runtime's vegaEmbed fetches the full bundle and draws it."""
    context = offline_browser.new_context(service_workers="block")
    fetched: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: fetched.append(r.url.split("?")[0].rsplit("/", 1)[-1]))
        page.goto(demo_url + "book/generated/indicator-2.html", wait_until="load", timeout=30_000)
        points = page.evaluate(
            """async () => {
              const spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
                "data": {"values": [{"a": 1, "b": 2}, {"a": 2, "b": 3}, {"a": 3, "b": 1}]},
                "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"},
                                              "y": {"field": "b", "type": "quantitative"}}};
              const boxes = [document.createElement("div"), document.createElement("div")];
              boxes.forEach(b => document.body.appendChild(b));
              await Promise.all(boxes.map(b => window.vegaEmbed(b, spec, {ast: true, renderer: "svg"})));
              return boxes.map(b => b.querySelectorAll("g.mark-symbol path").length);
            }"""
        )
    finally:
        context.close()
    assert points == [3, 3]
    assert fetched.count("vega-runtime.js") == 1 and fetched.count("vega-bundle.js") == 1


def test_the_site_holds_none_of_the_files_no_page_loads():
    # wres.book.unused_static: Font Awesome's script, source maps, the theme's catalogues.
    static = demo_site_path() / "_static"
    assert (static / "scripts" / "bootstrap.js").is_file()  # the theme's kept script is there
    left = [p.relative_to(static).as_posix() for p in static.rglob("*") if p.suffix == ".map"]
    left += [rel for rel in ("scripts/fontawesome.js", "locales") if (static / rel).exists()]
    assert left == []
    named = [p.name for p in static.rglob("*") if p.suffix in (".js", ".css") and "sourceMappingURL=" in p.read_text()]
    assert named == []
