"""Benchmark the demonstration build at the scale of every NHS trust (about 220
organisations): the cold build against its floor measured in the same run, page weights and
the site's size on disk. Issue 19's targets are printed beside each number.

    .venv/bin/python benchmarks/bench_demo.py [--orgs 220] [--workers 2] [--json FILE]

Runs on a fresh copy of the repository in a temporary folder (the harness's pinned snapshot:
benchmarks/README.md), so the working tree is never touched. Times are wall-clock seconds
around each subprocess; where the time goes inside the build comes from the build itself
(`wres demo --timings-json`). A report, not a test: exits non-zero only if a build fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from books import make_trivial_book, write_empty_notebooks
from harness import WRES, BuildFailed, BuildRun, Row, Runner, log, machine, print_rows
from measurements import ANALYSE, EXECUTE, SPHINX, jupyter_book

KB, MB = 1000, 1000**2
# Issue 19's targets.
TARGET_SECONDS = 60
TARGET_FLOOR_RATIO = 2.0
TARGET_PROFILE_HTML = 120 * KB
TARGET_LANDING = 900 * KB
TARGET_INDICATOR = 1500 * KB
TARGET_SITE = 40 * MB

_ASSET = re.compile(r"<(?:script|link)\b[^>]*?(?:src|href)=\"([^\"#?]+)[^\"]*\"[^>]*>")


def page_bytes(page: Path) -> tuple[int, int]:
    """The page's HTML and every local script, stylesheet and preloaded font it names, in
    bytes on disk. Close to, but not the same as, what a browser loads
    (tests/browser/test_page_weight.py counts that in Chromium): a stylesheet's own fonts and
    images are not followed, and the neighbour pages named by prev/next links are left out."""
    html = page.read_text(encoding="utf-8")
    total, seen = page.stat().st_size, set()
    for tag in _ASSET.finditer(html):
        text = tag.group(0)
        if 'rel="prev"' in text or 'rel="next"' in text or tag.group(1).endswith(".html"):
            continue
        target = (page.parent / tag.group(1)).resolve()
        if target not in seen and target.is_file():
            seen.add(target)
            total += target.stat().st_size
    return page.stat().st_size, total


def site_bytes(site: Path) -> int:
    return sum(p.stat().st_size for p in site.resolve().rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orgs", type=int, default=220, help="fictitious organisations (default 220)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (copies and logs)")
    args = ap.parse_args(argv)
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="wres-bench-demo-"))
    runner = Runner(tmp)
    try:
        rows, data = _measure(runner, args.orgs, args.workers)
    except BuildFailed as err:
        log(f"error: {err}\nlogs kept in {tmp}")
        return 1
    log(f"machine: {info}")
    print_rows(rows)
    log("\ncommands:")
    for line in runner.commands:
        log(f"  {line}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, **data}, indent=2) + "\n", encoding="utf-8")
    if args.keep:
        log(f"kept: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _measure(runner: Runner, orgs: int, workers: int) -> tuple[list[Row], dict]:
    repo = runner.fresh_copy("demo")
    record = runner.tmp / "demo.timings.json"
    cmd = [str(WRES), "demo", "--orgs", str(orgs), "--workers", str(workers), "--timings-json", str(record)]
    secs, _, _ = runner.run(f"wres demo --orgs {orgs}", cmd, repo, {"WRES_ROOT": str(repo)})
    cold = BuildRun(secs, json.loads(record.read_text(encoding="utf-8")))
    profiles = [ch for ch in cold.chapters if ch["for_each"] == "organisation"]

    # The floor, in the same run: as many empty notebooks as the build had chapters, through
    # papermill in the same number of worker processes, plus Jupyter Book on a trivial book
    # with the demo's own _config.yml and table of contents (so the same pages and theme).
    empty = runner.tmp / "floor-papermill"
    write_empty_notebooks(empty, len(cold.chapters))
    script = Path(__file__).with_name("bench_build.py")
    pm_secs, _, _ = runner.run(
        "empty papermill",
        [sys.executable, str(script), "--empty-papermill", str(empty), "--workers", str(workers)],
        runner.tmp,
    )
    trivial = runner.tmp / "floor-book"
    source = repo / "_build" / "demo" / "src"
    demo_toc = source / "book" / "generated" / "_toc.yml"  # lists the profiles (wres.book.pipeline.toc_for)
    pages = make_trivial_book(source, trivial, demo_toc if demo_toc.is_file() else None)
    jb_secs, _, _ = runner.run("trivial book", jupyter_book(trivial), trivial)
    floor = pm_secs + jb_secs

    site = repo / "_build" / "demo" / "html"
    generated = site / "book" / "generated"
    profile_html, profile_all = page_bytes(sorted((generated / "orgs").glob("*.html"))[0])
    # index.html only redirects to the landing page.
    redirect = re.search(r'url=([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    _, landing = page_bytes(site / (redirect.group(1) if redirect else "index.html"))
    # The heaviest indicator page (all draw charts).
    sys.path.insert(0, str(repo / "src"))
    from wres.registry import load_registry

    slugs = [ind.slug for ind in load_registry().indicators]
    indicator_page = max((generated / f"{slug}.html" for slug in slugs), key=lambda p: page_bytes(p)[1])
    _, indicator = page_bytes(indicator_page)
    size = site_bytes(site)

    run = cold.record["steps"]
    rows = [
        Row(
            f"1. wres demo --orgs {orgs}, cold ({len(cold.chapters)} chapters)",
            cold.seconds,
            "",
            f"<= {TARGET_SECONDS} s",
            (cold.seconds <= TARGET_SECONDS),
        ),
        Row("     load, validate and analyse", run.get(ANALYSE)),
        Row("     execute chapters", run.get(EXECUTE)),
        Row(
            f"     {len(profiles)} profiles, kernel time summed",
            sum(ch["seconds"] or 0 for ch in profiles),
            f"{sum(ch['seconds'] or 0 for ch in profiles) / max(len(profiles), 1):.2f} s each",
        ),
        Row("     build book (Sphinx)", run.get(SPHINX)),
        Row(
            "2. floor = empty papermill + trivial book",
            floor,
            f"cold {cold.seconds / floor:.2f} x",
            f"<= {TARGET_FLOOR_RATIO:.0f} x",
            (cold.seconds / floor <= TARGET_FLOOR_RATIO),
        ),
        Row(f"     papermill, {len(cold.chapters)} empty notebooks, {workers} processes", pm_secs),
        Row(f"     jupyter-book -W -n, {pages} trivial pages, same _config", jb_secs),
        Row(
            "3. a profile's HTML (KB)",
            profile_html / KB,
            f"with assets {profile_all / KB:.0f} KB",
            "<= 120 KB",
            (profile_html <= TARGET_PROFILE_HTML),
        ),
        Row("   landing page with assets (KB, on disk)", landing / KB, "", "<= 900 KB", (landing <= TARGET_LANDING)),
        Row(
            f"   {indicator_page.name} with assets (KB, on disk)",
            indicator / KB,
            "",
            "<= 1500 KB",
            (indicator <= TARGET_INDICATOR),
        ),
        Row("4. the site on disk (MB)", size / MB, "", "<= 40 MB", (size <= TARGET_SITE)),
    ]
    data = {
        "orgs": orgs,
        "workers": workers,
        "cold": {"seconds": cold.seconds, "timings": cold.record},
        "floor": {"seconds": floor, "empty_papermill": pm_secs, "trivial_book": jb_secs, "trivial_pages": pages},
        "bytes": {
            "profile_html": profile_html,
            "profile_with_assets": profile_all,
            "landing_with_assets": landing,
            "indicator_with_assets": indicator,
            "indicator_page": indicator_page.name,
            "site": size,
        },
        "usage": runner.usage,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    return rows, data


if __name__ == "__main__":
    sys.exit(main())
