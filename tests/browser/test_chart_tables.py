"""Every chart on every page of both built sites has a text view: right after it, a native
``<details class="wres-chart-table">`` toggle ("Show as table: <chart title>") that a keyboard
opens, holding a table whose figures agree with the results CSVs, read here with the csv
module (not through the package).

Also: a funnel point and its table row link to a profile page that exists, and a profile's
first screen (1280×900 and 390×844) uses no statistical term it does not explain.
"""

from __future__ import annotations

import csv
import posixpath
import re
from collections import defaultdict
from pathlib import Path

import pytest

from wres.kinds import kind_of
from wres.registry import load_registry

from .conftest import PROFILES, READER_SITES, REPO_ROOT, open_offline, profile_sample
from .page_audit import PHONE, VIEWPORTS, audit_of, open_chart_tables

pytestmark = pytest.mark.browser

REG = load_registry()


def _results_dir(site: str) -> Path:
    return REPO_ROOT / "results" if site == "national" else REPO_ROOT / "_build" / "demo" / "results"


def _csv(site: str, name: str) -> list[dict[str, str]]:
    path = _results_dir(site) / name
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _shown(value: float, unit: str) -> str:
    """A series value as the chart's table prints it (worked out here, not by the package)."""
    return f"{value:.1f}%" if unit == "percent" else (f"{value:.1f}" if unit == "percentage points" else f"{value:.2f}")


def test_every_chart_is_followed_by_a_keyboard_table_toggle(reader_page, reader_browser, site_servers):
    site, rel = reader_page
    if rel == "<site-missing>":
        pytest.fail(f"{site} site not built: {READER_SITES[site]()}", pytrace=False)
    audit = audit_of(site, rel, reader_browser, site_servers)
    seq = audit.chart_sequence
    for i, item in enumerate(seq):
        if item["kind"] != "chart":
            continue
        nxt = seq[i + 1] if i + 1 < len(seq) else None
        assert nxt and nxt["kind"] == "table", f"{site}:{rel}: chart {item['label'][:80]!r} has no table toggle"
        assert nxt["summary"].startswith("Show as table: "), nxt["summary"]
        title = nxt["summary"].removeprefix("Show as table: ")
        assert title and title in item["label"], (title, item["label"][:160])
        assert nxt["tabindex"] >= 0  # the summary is in the tab order
    assert sum(s["kind"] == "table" for s in seq) == sum(s["kind"] == "chart" for s in seq), seq
    for t in audit.chart_tables:
        assert t["open"], f"{site}:{rel}: Enter on the summary did not open {t['summary']!r}"
        assert t["height"] > 0 and t["rows"], f"{site}:{rel}: {t['summary']!r} shows no rows"


def _page_tables(browser, servers, site: str, rel: str) -> list[dict]:
    """The page's chart tables, opened by keyboard (measured once per page, see page_audit)."""
    return audit_of(site, rel, browser, servers).chart_tables


def _series_pages() -> list[tuple[str, str]]:
    pages = ["book/generated/overview.html", *(f"book/generated/{ind.slug}.html" for ind in REG.indicators)]
    return [(site, rel) for site in ("national", "demo") for rel in pages]


# One test per page (not one per site looping over ten pages): each then runs on the worker
# that measured its page (tests/conftest.py groups browser tests by page).
@pytest.mark.parametrize("series_page", _series_pages(), ids=lambda p: f"{p[0]}:{p[1]}")
def test_series_tables_hold_the_published_figures(series_page, reader_browser, site_servers):
    """The overview's chart and each indicator's main chart: one row per year of the chart's
    series, each value as in national_series.csv."""
    site, rel = series_page
    series = _csv(site, "national_series.csv")
    assert series, f"no national_series.csv for the {site} site"
    ind = next((i for i in REG.indicators if rel.endswith(f"/{i.slug}.html")), None)
    rl = [i for i in REG.indicators if kind_of(i, REG).likelihood]
    table = _page_tables(reader_browser, site_servers, site, rel)[0]
    if ind is None:
        keep = {(str(i.id), i.headline_series): f"Indicator {i.id}: {i.title}" for i in rl}
    else:
        keep = {(str(ind.id), s.key): s.label for s in ind.series}
    rows = [r for r in series if (r["indicator"], r["series"]) in keep]
    years = sorted({int(r["report_year"]) for r in rows})
    assert len(table["rows"]) == len(years), (rel, table["summary"])
    for r in rows:
        line = table["rows"][years.index(int(r["report_year"]))]
        assert re.search(rf"\b{r['report_year']}\b", line[0]["text"]), (rel, line[0])
        col = table["head"].index(keep[(r["indicator"], r["series"])])
        assert line[col]["text"].startswith(_shown(float(r["value"]), r["unit"])), (rel, r, line[col])


def _placed(rows: list[dict[str, str]], indicator: int) -> tuple[int, list[dict[str, str]]]:
    """The latest year of an indicator and the organisations a funnel of it places: a value
    and a positive precision."""
    mine = [r for r in rows if int(r["indicator"]) == indicator]
    year = max(int(r["year"]) for r in mine)

    def num(s: str) -> float | None:
        try:
            v = float(s)
        except ValueError:
            return None
        return v if v == v and abs(v) != float("inf") else None

    placed = [
        r
        for r in mine
        if int(r["year"]) == year
        and num(r["value"]) is not None
        and num(r["funnel_precision"]) is not None
        and num(r["funnel_precision"]) > 0
    ]
    return year, placed


def _sampled_profiles() -> list[str]:
    site_dir = READER_SITES["demo"]()
    profiles = tuple(sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / PROFILES).glob("*.html")))
    # The profiles the reader audit measures (conftest.profile_sample), one test each so that
    # each runs on the worker that measured its page.
    return list(profile_sample(profiles)) or ["<no profiles>"]


@pytest.mark.parametrize("demo_page", [f"book/generated/{ind.slug}.html" for ind in REG.indicators])
def test_demo_funnel_tables_place_every_organisation_and_link_to_real_profiles(demo_page, reader_browser, site_servers):
    site = "demo"
    site_dir = READER_SITES[site]()
    rows = _csv(site, "trust_indicators.csv") or _csv(site, "organisation_indicators.csv")
    assert rows, "no organisation results in the demo build"
    for ind in [i for i in REG.indicators if demo_page.endswith(f"/{i.slug}.html")]:
        rel = demo_page
        tables = [
            t for t in _page_tables(reader_browser, site_servers, site, rel) if "organisations compared" in t["summary"]
        ]
        _, placed = _placed(rows, ind.id)
        assert len(tables) == 1, (rel, [t["summary"] for t in tables])
        t = tables[0]
        assert len(t["rows"]) == len(placed), (rel, len(t["rows"]), len(placed))
        codes = {r["org_code"] for r in placed}
        assert {line[1]["text"] for line in t["rows"]} == codes
        for line in t["rows"]:
            href = line[0]["href"]
            assert href, line
            target = site_dir / posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
            assert target.is_file(), (rel, href, target)
            assert line[1]["text"] in target.read_text(encoding="utf-8")
        # The chart's points link to the same pages: the spec carries the same addresses.
        html = (site_dir / rel).read_text(encoding="utf-8")
        for line in t["rows"]:
            assert f'"href":"{line[0]["href"]}"' in html, line[0]["href"]


@pytest.mark.parametrize("profile_page", _sampled_profiles())
def test_demo_profiles_show_their_organisation_on_every_funnel(profile_page, reader_browser, site_servers):
    site = "demo"
    rows = _csv(site, "trust_indicators.csv") or _csv(site, "organisation_indicators.csv")
    fits = _csv(site, "trust_funnel_fits.csv") or _csv(site, "organisation_funnel_fits.csv")
    n_fit = {(int(f["indicator"]), int(f["year"])): f for f in fits if f["target"] not in ("", "nan")}
    by_org: dict[str, list[int]] = defaultdict(list)
    for ind in REG.indicators:
        year, placed = _placed(rows, ind.id)
        if (ind.id, year) not in n_fit:
            continue
        for r in placed:
            by_org[r["org_code"]].append(ind.id)
    assert by_org
    code = profile_page.removeprefix(PROFILES).removesuffix(".html")
    # The sampled profiles are of organisations that some funnel places.
    assert code in by_org, (code, sorted(by_org))
    for rel in [profile_page]:
        tables = [
            t for t in _page_tables(reader_browser, site_servers, site, rel) if "organisations compared" in t["summary"]
        ]
        assert [int(re.match(r"Show as table: Indicator (\d+)", t["summary"]).group(1)) for t in tables] == by_org[code]
        for t in tables:
            mine = [line for line in t["rows"] if line[1]["text"] == code]
            assert len(mine) == 1 and mine[0][0]["text"].endswith("(this organisation)"), t["summary"]


#: Statistical terms a profile's first screen may use only with the plain words that explain
#: them on the same screen (term pattern -> a phrase of the explanation); every other term in
#: TERMS must not be there at all.
EXPLAINED = {r"confidence interval|\bCI\b": "95 times in 100"}
TERMS = (
    r"funnel limit",
    r"99\.8%",
    r"95% limit",
    r"Benjamini",
    r"\bBH\b",
    r"overdispersion|over-dispersion",
    r"\bq-value|\bq =",
    r"\bp-value|\bp =",
    r"DerSimonian|τ²",
    *EXPLAINED,
)


@pytest.mark.parametrize("profile_page", _sampled_profiles())
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_profile_first_screens_explain_every_statistical_term(profile_page, viewport, reader_browser, site_servers):
    assert profile_page != "<no profiles>", "the demo site has no organisation profiles"
    rel = profile_page
    text = re.sub(r"\s+", " ", audit_of("demo", rel, reader_browser, site_servers).first_screen[viewport])
    for term in TERMS:
        if not re.search(term, text):
            continue
        plain = EXPLAINED.get(term)
        assert plain and plain in text, f"{rel} at {viewport}: {term!r} unexplained in {text[:600]!r}"


#: Pages whose toggles are audited open: one of each kind of chart table.
OPEN_AUDIT = [
    ("national", "book/generated/overview.html"),
    ("national", "book/generated/calibration.html"),
    ("demo", f"book/generated/{REG.indicators[1].slug}.html"),
    ("demo", "book/generated/orgs/ZZ001.html"),
]


@pytest.mark.parametrize(("site", "rel"), OPEN_AUDIT, ids=[f"{s}:{r}" for s, r in OPEN_AUDIT])
def test_axe_finds_no_serious_violation_with_every_table_open(site, rel, reader_browser, site_servers):
    from axe_playwright_python.sync_playwright import Axe

    context, page = open_offline(reader_browser, site_servers.base_url(site), rel, viewport=PHONE)
    try:
        assert open_chart_tables(page)
        found = Axe().run(page).response["violations"]
    finally:
        context.close()
    bad = [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)"
        for v in found
        if v.get("impact") in ("critical", "serious")
    ]
    assert not bad, f"{site}:{rel}: {bad}"
