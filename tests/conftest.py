import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


BROWSER = Path(__file__).resolve().parent / "browser"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark as ``slow`` every test that needs a whole build: those that use the shared
    ``built_repo`` (its first use builds the national book), and every browser test (they
    drive the sites ``make test`` builds). Done here rather than file by file so that a new
    test using ``built_repo`` cannot slip into ``make test-fast``; tests that build or read
    a build some other way carry ``pytest.mark.slow`` themselves.

    ``make test`` runs the tests on two workers (pytest-xdist, ``--dist loadgroup``). The
    ``built_repo`` users are not grouped: each worker builds the national book once (about
    30 s) and the many builds those tests run on copies of it share both workers (grouped,
    they queued on one worker while the other ran out of work: the whole run at 3f7fe12 used
    132% of the two cores). Every browser test of one page shares a group, because a page's audit (axe at two widths, the tab walk, the tables) is measured once per
    worker and cached (tests/browser/page_audit.py). ``tryfirst``: the groups must be set
    before xdist reads them."""
    slow = pytest.mark.slow
    for item in items:
        built = "built_repo" in getattr(item, "fixturenames", ())
        if built or BROWSER in item.path.parents:
            item.add_marker(slow)
        page = _page_of(item)
        if page:
            item.add_marker(pytest.mark.xdist_group(page))
        elif _uses_module_fixture(item) and item.get_closest_marker("xdist_group") is None:
            # A module-scoped fixture (a module's own site, a results folder) is made once per
            # worker: the module's tests on one worker make it once, not once on each.
            item.add_marker(pytest.mark.xdist_group(f"module:{item.path.name}"))
    items[:] = longest_first(items)


def _unit(item) -> str:
    """The xdist work unit of a test: its group, or the test alone."""
    marker = item.get_closest_marker("xdist_group")
    return f"group:{marker.args[0]}" if marker and marker.args else item.nodeid


def _tier(item) -> int:
    """How long a test's unit is expected to take, coarsely: 0 a module's own site or results
    folder (a build in its set-up, 20–50 s, then its tests), 1 another whole build, 2 a
    browser page, 3 the rest (most under a second)."""
    marker = item.get_closest_marker("xdist_group")
    if marker and marker.args and str(marker.args[0]).startswith("module:"):
        return 0
    browser = BROWSER in item.path.parents
    if item.get_closest_marker("slow") and not browser:
        return 1
    return 2 if browser else 3


def longest_first(items: list) -> list:
    """Order the tests so the longest work units start first (``make test`` passes
    ``--no-loadscope-reorder``, so xdist hands out units in this order).

    xdist's own order puts the units with the most tests first, which leaves the long
    single builds for the end of the run: one worker finished a 30–50 s build while the other
    had nothing left (the whole run at 63b9a6f kept the two cores 128% busy of 200%). With the
    long units first and the many short tests last, the short ones fill in whichever worker
    comes free (longest processing time first, the classic greedy schedule). Stable: within a
    tier, and within a unit, collection order is kept."""
    tier: dict[str, int] = {}
    for item in items:
        unit = _unit(item)
        tier[unit] = min(tier.get(unit, 3), _tier(item))
    return sorted(items, key=lambda item: tier[_unit(item)])


def _uses_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    defs = getattr(info, "name2fixturedefs", {}) or {}
    return any(d.scope == "module" for fixturedefs in defs.values() for d in fixturedefs)


#: Parameters naming the page a browser test visits, with the site of a bare page path
#: (``reader_page`` is already a (site, page) pair).
PAGE_PARAMS = {
    "reader_page": None,
    "html_page": "national",
    "chart_page": "national",
    "math_page": "national",
    "profile_page": "demo",
    "series_page": None,
    "demo_page": "demo",
}


def _page_of(item) -> str | None:
    params = getattr(getattr(item, "callspec", None), "params", {})
    for name, default_site in PAGE_PARAMS.items():
        if name in params:
            value = params[name]
            site, rel = value if isinstance(value, tuple) else (default_site, value)
            return f"page:{site}:{rel}"
    return None


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


IGNORE = shutil.ignore_patterns(
    ".venv", "_build", "results", "generated", ".git", ".pytest_cache", ".hypothesis", "__pycache__", "benchmarks"
)
WRES = str(Path(sys.executable).with_name("wres"))


def run_build(root: Path, *args: str, command: str = "build") -> subprocess.CompletedProcess:
    """``wres build`` on a copy of the repository, as a user would run it."""
    env = {**os.environ, "WRES_ROOT": str(root)}
    return subprocess.run([WRES, command, *args], cwd=root, env=env, capture_output=True, text=True, timeout=1200)


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fresh_copy(built: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(built, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def built_repo(tmp_path_factory) -> Path:
    """A copy of the repository with the national book built once (shared by whole-build tests)."""
    dest = tmp_path_factory.mktemp("book") / "repo"
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    proc = run_build(dest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dest


NATIONAL_CSV = Path("data/raw/published/wres_national_published.csv")


def edit_national(fn):
    """A breaker for a repository copy: rewrite its national input file's bytes with ``fn``."""

    def apply(repo: Path) -> None:
        p = repo / NATIONAL_CSV
        p.write_bytes(fn(p.read_bytes()))

    return apply


def replace_line(n: int, old: str, new: str):
    """Bytes -> bytes: replace ``old`` by ``new`` once in line ``n`` (header = line 1), which must hold it."""

    def fn(data: bytes) -> bytes:
        lines = data.decode().splitlines(keepends=True)
        assert old in lines[n - 1], (old, lines[n - 1])
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
        return "".join(lines).encode()

    return fn
