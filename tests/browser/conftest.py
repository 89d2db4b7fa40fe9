"""Fixtures for browser tests of the BUILT WRES book (offline behaviour).

The site folder comes from ``WRES_SITE_DIR`` (absolute, or relative to the
repository root); default ``_build/html`` under the repository root.  It is
served by a threaded ``http.server`` on 127.0.0.1 and opened in Debian's
Chromium (``/usr/bin/chromium``) through Playwright.  Every request that is
not for that server is aborted and recorded.

Each page is visited once per session; the tests in ``test_offline_site.py``
assert on the recorded :class:`PageReport`.
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SITE = "_build/html"
CHROMIUM = os.environ.get("WRES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Elements that hold a chart: the wres-offline renderer's container, and the
#: container Altair's default (CDN) html renderer writes, so a notebook that
#: forgot ``wres.altair_offline.enable()`` shows up as an undrawn chart.
CHART_SELECTOR = '.wres-chart, div[id^="altair-viz-"]'
#: Sphinx writes TeX maths into span.math / div.math elements.
MATH_SELECTOR = "span.math, div.math"

NAV_TIMEOUT_MS = 30_000
CHART_TIMEOUT_MS = 20_000
MATH_TIMEOUT_MS = 20_000
SEARCH_TIMEOUT_MS = 15_000
SETTLE_MS = 300  # extra quiet time after everything is drawn, for late errors


# --------------------------------------------------------------------------
# Site discovery (used at collection time too)
# --------------------------------------------------------------------------
def site_dir_path() -> Path:
    raw = os.environ.get("WRES_SITE_DIR", DEFAULT_SITE)
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path.resolve()


def site_problem(site: Path) -> str | None:
    """Why ``site`` cannot be tested, or None if it looks like a built site."""
    if not site.is_dir():
        hint = ""
        found = [p for p in (REPO_ROOT / "book/_build/html",) if (p / "index.html").is_file()]
        if found and "WRES_SITE_DIR" not in os.environ:
            hint = f" A built site exists at {found[0]}: run with WRES_SITE_DIR={found[0]}."
        return (
            f"Built site not found at {site}. Build the book first "
            "(e.g. `jupyter-book build -W -n --keep-going book`) and point "
            "WRES_SITE_DIR at its HTML folder (e.g. WRES_SITE_DIR=book/_build/html)." + hint
        )
    if not any(site.glob("*.html")):
        return f"{site} exists but holds no .html page; is WRES_SITE_DIR the HTML output folder?"
    return None


@functools.cache
def discover_pages(site: Path) -> tuple[str, ...]:
    """Every .html page, as a POSIX path relative to ``site``.

    Top-level folders starting with ``_`` (``_static``, ``_sources``,
    ``_images``...) hold assets, not pages, and are left out.
    """
    if site_problem(site):
        return ()
    pages = []
    for path in site.rglob("*.html"):
        rel = path.relative_to(site)
        if rel.parts[0].startswith("_") and len(rel.parts) > 1:
            continue
        pages.append(rel.as_posix())
    return tuple(sorted(pages))


_SCRIPT_OR_PRE = re.compile(r"<(script|pre|style)\b.*?</\1>", re.S | re.I)


def _visible_source(site: Path, rel: str) -> str:
    text = (site / rel).read_text(encoding="utf-8", errors="replace")
    return _SCRIPT_OR_PRE.sub("", text)


@functools.cache
def chart_pages(site: Path) -> tuple[str, ...]:
    out = []
    for rel in discover_pages(site):
        text = (site / rel).read_text(encoding="utf-8", errors="replace")
        if 'class="wres-chart"' in text or 'id="altair-viz-' in text:
            out.append(rel)
    return tuple(out)


@functools.cache
def math_pages(site: Path) -> tuple[str, ...]:
    """Pages with TeX maths outside code/scripts: ``\\(``, ``\\[`` or ``$$``."""
    out = []
    for rel in discover_pages(site):
        text = _visible_source(site, rel)
        if "\\(" in text or "\\[" in text or "$$" in text:
            out.append(rel)
    return tuple(out)


def search_word(site: Path) -> str:
    """A word that Sphinx search must find: taken from a page title."""
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    stop = {"with", "from", "that", "this", "what", "which", "about", "index", "page"}
    for title in data.get("titles", []):
        for word in re.findall(r"[A-Za-z]{5,}", html_lib.unescape(title)):
            if word.lower() not in stop:
                return word
    raise AssertionError(f"no usable title word in {site / 'searchindex.js'}")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: opens the built site in headless Chromium (needs a built site)")


class SiteIndex:
    """What the tests need to know about the site's files (no browser)."""

    def __init__(self, site: Path):
        self.site = site

    def pages(self) -> tuple[str, ...]:
        return discover_pages(self.site)

    def chart_pages(self) -> tuple[str, ...]:
        return chart_pages(self.site)

    def math_pages(self) -> tuple[str, ...]:
        return math_pages(self.site)

    def search_word(self) -> str:
        return search_word(self.site)


@pytest.fixture(scope="session")
def site_index(site_dir) -> SiteIndex:
    return SiteIndex(site_dir)


def pytest_generate_tests(metafunc):
    if "reader_page" in metafunc.fixturenames:
        pages = reader_pages()
        metafunc.parametrize("reader_page", pages, ids=[f"{s}:{p}" for s, p in pages])
    site = site_dir_path()
    missing = site_problem(site)
    for name, finder in (
        ("html_page", discover_pages),
        ("chart_page", chart_pages),
        ("math_page", math_pages),
    ):
        if name in metafunc.fixturenames:
            if missing:
                # One test that fails with the clear message from `site_dir`.
                metafunc.parametrize(name, ["<site-missing>"])
            else:
                pages = list(finder(site))
                metafunc.parametrize(name, pages or ["<none>"])


# --------------------------------------------------------------------------
# Server and browser
# --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def site_dir() -> Path:
    site = site_dir_path()
    problem = site_problem(site)
    if problem:
        pytest.fail(problem, pytrace=False)
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_server(site_dir):
    """(base_url, port) of a threaded HTTP server for the site on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="wres-site", daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield f"http://127.0.0.1:{port}/", port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def sync_pw():
    """The session's one Playwright driver: the sync API allows only one per thread,
    so every browser fixture launches from this one."""
    if not Path(CHROMIUM).is_file() and not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; install Debian's package "
            "(`apt-get install -y chromium`). Do not use `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def offline_browser(sync_pw):
    browser = sync_pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


# --------------------------------------------------------------------------
# Visiting pages
# --------------------------------------------------------------------------
@dataclass
class PageReport:
    url: str
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    broken_local: list[str] = field(default_factory=list)
    chart_count: int = 0
    charts_undrawn: list[str] = field(default_factory=list)
    math_count: int = 0
    math_unrendered: int = 0
    mjx_containers: int = 0
    math_errors: list[str] = field(default_factory=list)
    search_results: int = 0
    notes: list[str] = field(default_factory=list)


_CHARTS_DRAWN_JS = """(sel) => {
  const boxes = Array.from(document.querySelectorAll(sel));
  return boxes.every(b => b.querySelector('svg, canvas') || b.querySelector('[data-wres-error]'));
}"""

_UNDRAWN_JS = """(sel) => Array.from(document.querySelectorAll(sel))
  .filter(b => !b.querySelector('svg, canvas') || b.querySelector('[data-wres-error]'))
  .map(b => (b.id || b.className) + (b.querySelector('[data-wres-error]')
      ? ': ' + b.querySelector('[data-wres-error]').getAttribute('data-wres-error') : ''))"""

_MATH_READY_JS = """() => !!(window.MathJax && MathJax.startup && MathJax.startup.promise
  && MathJax.startup.document)"""

_MATH_STATE_JS = """async (sel) => {
  await MathJax.startup.promise;
  const els = Array.from(document.querySelectorAll(sel));
  return {
    count: els.length,
    unrendered: els.filter(e => !e.querySelector('mjx-container')).length,
    containers: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror'))
      .map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 10),
  };
}"""


class SiteVisitor:
    """Opens pages in a fresh browser context with outside traffic blocked."""

    def __init__(self, browser, base_url: str, port: int):
        self.browser = browser
        self.base_url = base_url
        self.port = port
        self._cache: dict[str, PageReport] = {}

    def _is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "javascript"):
            return True
        return parts.hostname == "127.0.0.1" and parts.port == self.port

    def visit(self, rel: str, *, search: bool = False) -> PageReport:
        if rel in self._cache:
            return self._cache[rel]
        url = self.base_url + quote(rel, safe="/?=&%")
        report = PageReport(url=url)
        context = self.browser.new_context(service_workers="block")
        try:
            self._run(context, report, search=search)
        finally:
            context.close()
        self._cache[rel] = report
        return report

    def _run(self, context, report: PageReport, *, search: bool) -> None:
        def record_outside(entry: str) -> None:
            # The same request is seen by the route and the request event.
            if entry not in report.outside_requests:
                report.outside_requests.append(entry)

        def route(r):
            if self._is_local(r.request.url):
                r.continue_()
            else:
                record_outside(f"{r.request.method} {r.request.url}")
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()

        def on_request(req):
            if not self._is_local(req.url):
                record_outside(f"{req.method} {req.url}")

        def on_response(resp):
            if self._is_local(resp.url) and resp.status >= 400:
                report.broken_local.append(f"{resp.status} {resp.url}")

        def on_failed(req):
            if self._is_local(req.url):
                report.broken_local.append(f"failed ({req.failure}) {req.url}")

        def on_console(msg):
            if msg.type == "error":
                loc = msg.location or {}
                where = f" [{loc.get('url', '')}:{loc.get('lineNumber', '')}]" if loc else ""
                report.console_errors.append(f"console.error: {msg.text}{where}")

        def on_pageerror(exc):
            report.console_errors.append(f"pageerror: {exc}")

        page.on("request", on_request)
        page.on("websocket", lambda ws: record_outside(f"WS {ws.url}"))
        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        page.on("console", on_console)
        page.on("pageerror", on_pageerror)

        page.goto(report.url, wait_until="load", timeout=NAV_TIMEOUT_MS)
        try:
            page.wait_for_load_state("networkidle", timeout=NAV_TIMEOUT_MS)
        except Exception as exc:  # noqa: BLE001 - record, keep checking
            report.notes.append(f"network never went idle: {exc}")

        # Charts
        report.chart_count = page.locator(CHART_SELECTOR).count()
        if report.chart_count:
            try:
                page.wait_for_function(_CHARTS_DRAWN_JS, arg=CHART_SELECTOR, timeout=CHART_TIMEOUT_MS)
            except Exception:  # noqa: BLE001 - reported below
                pass
            report.charts_undrawn = page.evaluate(_UNDRAWN_JS, CHART_SELECTOR)

        # Maths
        report.math_count = page.locator(MATH_SELECTOR).count()
        if report.math_count:
            try:
                page.wait_for_function(_MATH_READY_JS, timeout=MATH_TIMEOUT_MS)
                state = page.evaluate(_MATH_STATE_JS, MATH_SELECTOR)
                report.math_unrendered = state["unrendered"]
                report.mjx_containers = state["containers"]
                report.math_errors = state["errors"]
            except Exception as exc:  # noqa: BLE001
                report.math_unrendered = report.math_count
                report.notes.append(f"MathJax never started: {exc}")

        # Search results
        if search:
            try:
                page.wait_for_selector("ul.search li", timeout=SEARCH_TIMEOUT_MS)
            except Exception as exc:  # noqa: BLE001
                report.notes.append(f"no search result appeared: {exc}")
            report.search_results = page.locator("ul.search li").count()

        # Let late work (fonts, lazy MathJax parts) finish and surface errors.
        try:
            page.wait_for_load_state("networkidle", timeout=NAV_TIMEOUT_MS)
        except Exception:  # noqa: BLE001
            pass
        page.wait_for_timeout(SETTLE_MS)


@pytest.fixture(scope="session")
def site_visitor(offline_browser, site_server) -> SiteVisitor:
    base_url, port = site_server
    return SiteVisitor(offline_browser, base_url, port)


# --------------------------------------------------------------------------
# Reader audit: every page of BOTH sites (test_reader.py, test_accessibility.py)
# --------------------------------------------------------------------------
DEMO_SITE = "_build/demo/html"


def demo_site_path() -> Path:
    path = Path(os.environ.get("WRES_DEMO_SITE_DIR", DEMO_SITE)).expanduser()
    return (path if path.is_absolute() else REPO_ROOT / path).resolve()


#: Site name -> where its HTML folder is; the national site first.
READER_SITES = {"national": site_dir_path, "demo": demo_site_path}


#: Where the demo's organisation profiles are, under the site.
PROFILES = "book/generated/orgs/"


def profile_sample(pages: tuple[str, ...]) -> tuple[str, ...]:
    """Every page but the organisation profiles, and of those the first, middle and last by
    code; all of them when ``WRES_AUDIT_ALL_PROFILES=1``.

    Why a sample: the profiles are one template filled with each organisation's rows, and a
    profile's audit (axe in two themes, about 600 tab stops, every chart table) costs about
    four times an indicator page's, so auditing all 20 took a third of ``make test``. The
    sample keeps the first screen, the tables and the charts of the template under test on
    three organisations (issue 18 asks for 20 demo pages: the sample gives 24); odd names and
    tiny organisations have their own tests (test_hostile_names.py, test_three_row_file.py).
    Set the variable when changing the profile template."""
    profiles = [p for p in pages if p.startswith(PROFILES)]
    if os.environ.get("WRES_AUDIT_ALL_PROFILES") == "1" or len(profiles) <= 3:
        return pages
    keep = {profiles[0], profiles[len(profiles) // 2], profiles[-1]}
    return tuple(p for p in pages if not p.startswith(PROFILES) or p in keep)


def reader_pages() -> list[tuple[str, str]]:
    """(site name, page) for every page of every site (the demo's profiles sampled, see
    :func:`profile_sample`); a missing site gives one ``<site-missing>`` entry so that its
    tests fail with the reason."""
    out = []
    for name, where in READER_SITES.items():
        site = where()
        if site_problem(site):
            out.append((name, "<site-missing>"))
        else:
            out.extend((name, rel) for rel in profile_sample(discover_pages(site)))
    return out


class SiteServers:
    """One 127.0.0.1 server per site, started when a test first asks for it."""

    def __init__(self):
        self._servers: dict[str, tuple[ThreadingHTTPServer, threading.Thread]] = {}

    def base_url(self, name: str) -> str:
        if name not in self._servers:
            site = READER_SITES[name]()
            problem = site_problem(site)
            if problem:
                pytest.fail(f"{name} site: {problem}", pytrace=False)
            handler = functools.partial(_QuietHandler, directory=str(site))
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, name=f"wres-{name}", daemon=True)
            thread.start()
            self._servers[name] = (server, thread)
        return f"http://127.0.0.1:{self._servers[name][0].server_address[1]}/"

    def close(self) -> None:
        for server, thread in self._servers.values():
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_servers():
    servers = SiteServers()
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture(scope="session")
def reader_browser(sync_pw):
    """Chromium as a reader sees it: Playwright's headless default hides scrollbars,
    and whether a scrollable table shows its scrollbar is one of the checks."""
    browser = sync_pw.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--hide-scrollbars"],
    )
    try:
        yield browser
    finally:
        browser.close()


#: What pydata-sphinx-theme's first inline script reads to choose the theme before the page
#: is drawn (the theme switch writes the same keys).
DARK_THEME_JS = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"


def open_offline(browser, base_url: str, rel: str, *, dark: bool = False, **context_args):
    """A page at ``rel`` of the site at ``base_url``, outside requests aborted,
    charts drawn, in the dark theme when ``dark``; returns (context, page)."""
    context = browser.new_context(service_workers="block", **context_args)
    if dark:
        context.add_init_script(DARK_THEME_JS)
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(base_url) or r.request.url.startswith(("data:", "blob:"))
            else r.abort("blockedbyclient")
        ),
    )
    page = context.new_page()
    page.goto(base_url + quote(rel, safe="/?=&%"), wait_until="load", timeout=NAV_TIMEOUT_MS)
    try:
        page.wait_for_load_state("networkidle", timeout=NAV_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - the offline tests report it
        pass
    if page.locator(CHART_SELECTOR).count():
        try:
            page.wait_for_function(_CHARTS_DRAWN_JS, arg=CHART_SELECTOR, timeout=CHART_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - the offline tests report undrawn charts
            pass
    return context, page
