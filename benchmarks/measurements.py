"""The build benchmark's measurements, in the order they run (benchmarks/README.md says what
each means). Each is a function of the run's :class:`Bench` returning a :class:`Result`:
rows for the summary table, data for --json, notes for under the table. Later ones read
what earlier ones left in ``bench.state`` (the cold copy, the parallel build)."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from books import add_one_year, make_naive_book, make_trivial_book, preview_edits, write_empty_notebooks
from harness import JUPYTER_BOOK, BuildFailed, BuildRun, Result, Row, Runner

from wres.book.standalone import BOOK_ENV

# Targets (see README): no-change rebuild as a share of cold, cold over floor, parallel speed-up.
TARGET_NOOP_SHARE = 0.10
TARGET_FLOOR_RATIO = 1.5
TARGET_SPEEDUP = 1.7
TARGET_PREVIEW = 10.0

ANALYSE, EXECUTE, SPHINX, TOTAL = "load, validate and analyse", "execute chapters", "build book (Sphinx)", "total"


@dataclass
class Bench:
    runner: Runner
    workers: int
    state: dict = field(default_factory=dict)


@dataclass
class Measurement:
    key: str
    run: Callable[[Bench], Result]
    #: Skipped by --quick (the two slowest).
    slow: bool = False


def ratio(a: float | None, b: float | None, fmt: str) -> str:
    return fmt.format(a / b) if a and b else "-"


def cold(b: Bench) -> Result:
    root = b.runner.fresh_copy("cold")
    run = b.runner.build("cold build", root, b.workers)
    b.state.update(cold_root=root, cold=run)
    b.state["mtimes"] = {p: p.stat().st_mtime_ns for p in (root / "book" / "generated").rglob("*.ipynb")}
    rows = [
        Row(f"1. cold build (--workers {b.workers}, {len(run.chapters)} chapters)", run.seconds, "1.00 x cold"),
        Row("     execute chapters (from wres's timings)", run.step(EXECUTE)),
        Row("     build book (Sphinx)", run.step(SPHINX)),
        Row("     load, validate and analyse", run.step(ANALYSE)),
        Row("     outside wres's own total (start-up, exit)", run.seconds - run.step(TOTAL)),
    ]
    return Result(rows, {"seconds": run.seconds, "timings": run.record})


def noop(b: Bench) -> Result:
    root, first = b.state["cold_root"], b.state["cold"]
    code_before = b.state["package_digest"]
    run = b.runner.build("no-change rebuild", root, b.workers)
    # Three signs that no kernel started: every chapter skipped, no executed notebook
    # rewritten, and the site left as it was.
    gen = root / "book" / "generated"
    rewritten = sorted(
        str(p.relative_to(gen)) for p, t in b.state["mtimes"].items() if not p.exists() or p.stat().st_mtime_ns != t
    )
    ok = not run.executed and not rewritten and len(run.chapters) == len(first.chapters)
    share = run.seconds / first.seconds
    rows = [
        Row(
            "2. rebuild, nothing changed",
            run.seconds,
            f"{share * 100:.1f}% of cold",
            f"<= {TARGET_NOOP_SHARE * 100:.0f}%",
            share <= TARGET_NOOP_SHARE,
        ),
        Row("     wres's own total (hashing, analysis)", run.step(TOTAL)),
        Row("     outside it (interpreter + imports, exit)", run.seconds - run.step(TOTAL)),
    ]
    skipped = len(run.chapters) - len(run.executed)
    notes = [
        f"no-change rebuild: no chapter executed: {'yes' if ok else 'NO'} - {skipped}/{len(run.chapters)} "
        f"skipped (unchanged), notebooks rewritten: {len(rewritten)}, "
        f"site left unchanged: {'yes' if not run.record['book_built'] else 'no'}"
        + (f"; executed: {', '.join(run.executed)}" if run.executed else "")
    ]
    changed = b.runner.package_digest()[1] != code_before
    if changed:
        notes.append("WARNING: the package code changed between the cold build and this one; rerun.")
    data = {
        "seconds": run.seconds,
        "share_of_cold": share,
        "timings": run.record,
        "no_chapter_executed": ok,
        "executed": run.executed,
        "notebooks_rewritten": rewritten,
        "package_code_changed_since_cold": changed,
    }
    return Result(rows, data, notes)


def add_year(b: Bench) -> Result:
    root, first = b.state["cold_root"], b.state["cold"]
    added = add_one_year(root)
    run = b.runner.build("add-a-year rebuild", root, b.workers)
    rows = [
        Row(
            f"3. rebuild after adding report year {added['new_year']}",
            run.seconds,
            f"{run.seconds / first.seconds:.2f} x cold",
            "(report)",
        ),
        Row(f"     execute chapters ({len(run.executed)}/{len(run.chapters)} re-executed)", run.step(EXECUTE)),
        Row("     build book (Sphinx)", run.step(SPHINX)),
    ]
    notes = [f"added year {added['new_year']}: {added['rows_added']} rows (new md5 {added['md5']}) for series:"]
    notes += [f"  - {s}" for s in added["series"]]
    return Result(rows, {"seconds": run.seconds, "timings": run.record, **added}, notes)


def floor(b: Bench) -> Result:
    """The least any build of this shape costs, with the same parallelism: papermill on as
    many empty notebooks as the cold build had chapters, plus Jupyter Book on a trivial book
    with the same _config.yml and pages."""
    first, tmp, w = b.state["cold"], b.runner.tmp, b.workers
    empty = tmp / "floor-papermill"
    write_empty_notebooks(empty, len(first.chapters))
    # A child process, as the pipeline's workers are: bench_build.py --empty-papermill.
    script = Path(__file__).with_name("bench_build.py")
    cmd = [sys.executable, str(script), "--empty-papermill", str(empty), "--workers", str(w)]
    pm_secs, pm_out, _ = b.runner.run("empty papermill", cmd, tmp)
    per = next((json.loads(line) for line in reversed(pm_out.splitlines()) if line.startswith("{")), {})
    trivial = tmp / "floor-book"
    pages = make_trivial_book(b.state["cold_root"], trivial)
    jb_secs, _, _ = b.runner.run("trivial book", jupyter_book(trivial), trivial)
    total = pm_secs + jb_secs
    over = first.seconds / total
    rows = [
        Row(
            "4. floor = empty papermill + trivial book",
            total,
            f"cold {over:.2f} x",
            f"<= {TARGET_FLOOR_RATIO:.1f} x",
            over <= TARGET_FLOOR_RATIO,
        ),
        Row(f"     papermill, {len(first.chapters)} empty notebooks, {w} processes", pm_secs),
        Row(f"     jupyter-book -W -n, {pages} trivial pages, same _config", jb_secs),
        Row("     cold execute chapters / empty papermill", None, ratio(first.step(EXECUTE), pm_secs, "{:.2f} x")),
        Row("     cold Sphinx / trivial book", None, ratio(first.step(SPHINX), jb_secs, "{:.2f} x")),
    ]
    times = per.get("per_notebook") or []
    notes = (
        [
            f"empty notebook through papermill (kernel start + one cell): {min(times):.2f}-{max(times):.2f}s each, "
            f"{sum(times) / len(times):.2f}s mean"
        ]
        if times
        else []
    )
    data = {"seconds": total, "empty_papermill": pm_secs, "per_notebook": times, "trivial_book": jb_secs}
    return Result(rows, {**data, "trivial_pages": pages, "cold_over_floor": over}, notes)


def serial_parallel(b: Bench) -> Result:
    w = b.workers
    serial = b.runner.build("cold build, serial", b.runner.fresh_copy("serial"), 1)
    root = b.runner.fresh_copy("parallel")
    parallel = b.runner.build("cold build, parallel", root, w)
    b.state["parallel_root"] = root
    s_ex, p_ex = serial.step(EXECUTE), parallel.step(EXECUTE)
    speedup = s_ex / p_ex if s_ex and p_ex else None
    rows = [
        Row("5. cold build --workers 1 (fresh copy)", serial.seconds, "1.00 x"),
        Row(
            f"   cold build --workers {w} (fresh copy)",
            parallel.seconds,
            f"{serial.seconds / parallel.seconds:.2f} x faster",
            "(report)",
        ),
        Row("     execute chapters, --workers 1", serial.step(EXECUTE)),
        Row(
            f"     execute chapters, --workers {w}",
            parallel.step(EXECUTE),
            "-" if speedup is None else f"{speedup:.2f} x faster",
            f">= {TARGET_SPEEDUP:.1f} x",
            None if speedup is None else speedup >= TARGET_SPEEDUP,
        ),
        # If the sum grows under parallelism, the workers compete for CPU or disk.
        Row("     sum of chapter times, --workers 1", serial.chapter_seconds),
        Row(
            f"     sum of chapter times, --workers {w}",
            parallel.chapter_seconds,
            ratio(parallel.chapter_seconds, serial.chapter_seconds, "{:.2f} x serial"),
        ),
    ]
    nproc = b.state["nproc"]
    notes = [f"only {nproc} CPU(s): a {w}-worker speed-up is not expected"] if nproc < w else []
    data = {"serial": _data(serial), "parallel": _data(parallel), "execute_speedup": speedup}
    return Result(rows, data, notes)


def naive(b: Bench) -> Result:
    """Jupyter Book executing the parallel build's notebooks itself, inside Sphinx."""
    first = b.state["cold"]
    root = b.runner.fresh_copy("naive")
    n = make_naive_book(b.state["parallel_root"], root)
    # The kernels Jupyter Book starts are told they are the book's, as the pipeline's are:
    # otherwise the charts are drawn for Jupyter (wres.book.standalone), in a form Sphinx
    # does not show, and -W fails the build.
    env = {"WRES_ROOT": str(root), BOOK_ENV: "1"}
    secs, out, rc = b.runner.run("naive jupyter-book (execute force)", jupyter_book(root), root, env, check=False)
    if rc != 0:
        raise BuildFailed("naive jupyter-book build failed:\n" + "\n".join(out.splitlines()[-40:]))
    faster = secs >= first.seconds
    rows = [
        Row(f"6. naive: jupyter-book executes {n} notebooks", secs, f"{secs / first.seconds:.2f} x cold", "(report)"),
        Row(
            "     pipeline cold build vs naive",
            first.seconds,
            f"{secs / first.seconds:.2f} x faster" if faster else f"{first.seconds / secs:.2f} x slower",
        ),
    ]
    return Result(rows, {"seconds": secs, "notebooks": n, "naive_over_cold": secs / first.seconds})


def preview(b: Bench) -> Result:
    """``wres preview`` on a copy of the cold build: seconds from saving the indicator
    template with one sentence of a Markdown cell changed to the new sentence being served,
    over three edits (issue 19: at most 10 s). A copy, so the edits and ``_build/preview``
    never reach the copies the other measurements use."""
    root = b.runner.tmp / "preview"
    shutil.copytree(b.state["cold_root"], root, symlinks=True)
    served = preview_edits(root, edits=3)
    median = sorted(served)[len(served) // 2]
    rows = [
        Row(
            "7. preview: indicator template sentence, save to served",
            median,
            f"median of {len(served)}",
            f"<= {TARGET_PREVIEW:.0f} s",
            median <= TARGET_PREVIEW,
        )
    ]
    notes = ["preview, each edit: " + ", ".join(f"{s:.2f}s" for s in served)]
    return Result(rows, {"served_seconds": served, "median": median}, notes)


def jupyter_book(book: Path) -> list[str]:
    work = book / "_build" / ".html-work"
    return [
        str(JUPYTER_BOOK),
        "build",
        str(book),
        "--path-output",
        str(work),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]


def _data(run: BuildRun) -> dict:
    return {"seconds": run.seconds, "timings": run.record, "chapter_seconds": run.chapter_seconds}


MEASUREMENTS = [
    Measurement("cold", cold),
    Measurement("noop", noop),
    Measurement("add_year", add_year),
    Measurement("floor", floor),
    Measurement("serial_parallel", serial_parallel, slow=True),
    Measurement("naive", naive, slow=True),
    Measurement("preview", preview),
]
