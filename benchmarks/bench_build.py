#!/usr/bin/env python
"""Benchmark `wres build` on this machine: cold, no-change and add-a-year rebuilds, the
floor (papermill on empty notebooks + Sphinx on trivial pages), serial versus parallel
execution, and Jupyter Book executing the notebooks itself.

Every build runs on a fresh copy of the repository in a temporary folder, through the
`wres` console script beside this interpreter, so the working tree is never touched.
Times are wall-clock seconds (time.perf_counter around each subprocess); where the time
goes inside a build comes from the build itself (`wres build --timings-json`). The script
is a report: it exits 0 when a target is missed and non-zero only when a build fails.

    .venv/bin/python benchmarks/bench_build.py            # everything (several minutes)
    .venv/bin/python benchmarks/bench_build.py --quick    # skip serial and naive runs
    .venv/bin/python benchmarks/bench_build.py --json benchmarks/output/bench.json

The measurements are listed in measurements.py; the harness (copies, timing, the report)
is harness.py. See benchmarks/README.md for what each measurement means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from books import empty_papermill_main
from harness import JUPYTER_BOOK, WRES, BuildFailed, Runner, log, machine, print_rows, working_tree_digest
from measurements import MEASUREMENTS, Bench


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the serial build and the naive Jupyter Book run")
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    ap.add_argument("--workers", type=int, default=2, help="worker processes for the parallel runs (default 2)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (copies and logs)")
    ap.add_argument(
        "--no-pin",
        action="store_true",
        help="run the package from the editable install (live working tree) instead of the "
        "snapshot taken at start; concurrent edits then invalidate the run",
    )
    ap.add_argument("--empty-papermill", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.empty_papermill:  # the floor's child process (measurements.floor)
        return empty_papermill_main(args.empty_papermill, args.workers)
    for exe in (WRES, JUPYTER_BOOK):
        if not exe.exists():
            log(f"error: {exe} not found; run with the project's virtual environment (make bench)")
            return 2

    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="wres-bench-"))
    runner = Runner(tmp, pin=not args.no_pin)
    package, digest = runner.package_digest()
    tree = working_tree_digest()
    bench = Bench(runner, args.workers, {"package_digest": digest, "nproc": info["nproc"]})
    log(f"WRES build benchmark - temporary folder {tmp}")
    log(
        f"machine: {info['nproc']} CPU(s), {info['cpu_model']}, Python {info['python']}, load average "
        f"{' '.join(f'{x:.2f}' for x in info['load_average_start'])}"
    )
    how = "snapshot taken at start, pinned with PYTHONPATH" if runner.env else "editable install, live"
    log(f"package code that runs: {package} ({how})\n")

    chosen = [m for m in MEASUREMENTS if not (args.quick and m.slow)]
    results, failed = {}, None
    start = time.perf_counter()
    for i, m in enumerate(chosen, start=1):
        log(f"[{i}/{len(chosen)}] {m.key} ...")
        try:
            results[m.key] = m.run(bench)
        except BuildFailed as err:
            failed = str(err)
            break
        log("      " + "; ".join(f"{r.name.strip()} {r.seconds:.1f}s" for r in results[m.key].rows[:1]))
    elapsed = time.perf_counter() - start

    code_changed = runner.package_digest()[1] != digest
    tree_changed = working_tree_digest() != tree
    report(info, results, runner, elapsed, code_changed, tree_changed, failed, skipped=len(MEASUREMENTS) - len(chosen))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        out = {
            "machine": info,
            "workers": args.workers,
            "quick": args.quick,
            "pinned": bool(runner.env),
            "package_code": package,
            "package_code_changed_during_run": code_changed,
            "working_tree_changed_during_run": tree_changed,
            "measurements": {k: r.data for k, r in results.items()},
            "usage": runner.usage,
            "commands": runner.commands,
            "elapsed": elapsed,
            "load_average_end": os.getloadavg(),
            "failed": failed,
        }
        args.json.write_text(json.dumps(out, indent=1, default=str))
        log(f"\nJSON written to {args.json}")
    if args.keep or failed:
        log(f"\nTemporary folder kept: {tmp} (build logs in {runner.logs})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def report(info, results, runner, elapsed, code_changed, tree_changed, failed, skipped) -> None:
    log("\n" + "=" * 100)
    log("WRES build benchmark")
    log("=" * 100)
    log(f"machine : nproc={info['nproc']}  CPU: {info['cpu_model']}  memory: {info['memory']}")
    log(f"python  : {info['python']} ({info['python_executable']})  on {info['platform']}")
    log("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    log(
        f"load avg: start {' '.join(f'{x:.2f}' for x in info['load_average_start'])}, "
        f"end {' '.join(f'{x:.2f}' for x in os.getloadavg())}  (other work on the machine skews timings)"
    )
    if code_changed:
        log("WARNING : the wres package code that ran changed during the run; results are not comparable - rerun.")
    if runner.env:
        state = "changed during the run (not used)" if tree_changed else "did not change"
        log(f"code    : every build ran the snapshot taken at start; the working tree {state}")
    log("")
    print_rows([row for r in results.values() for row in r.rows])
    if skipped:
        log(f"({skipped} measurement(s) skipped: --quick)")
    for r in results.values():
        if r.notes:
            log("")
            for note in r.notes:
                log(note)
    if "cold" in results:
        log("\ncold build, wres's own timings (--timings-json):")
        record = results["cold"].data["timings"]
        for ch in record["chapters"]:
            log(f"  chapter {ch['name']:<32} {'skipped' if ch['skipped'] else format(ch['seconds'], '.1f'):>20}")
        for step, secs in record["steps"].items():
            log(f"  {step:<40} {secs:>20.1f}")
    log(
        f"\nper command: wall seconds, CPU seconds (user+sys of it and every process it started), "
        f"CPU/wall (effective parallelism; at most {info['nproc']}), 1-minute load average just before it"
    )
    for k, u in runner.usage.items():
        log(
            f"  {k:<40} wall {u['wall']:6.1f}  cpu {u['cpu']:6.1f}  cpu/wall {u['cpu'] / u['wall']:4.2f}  "
            f"load {u['load_before']:.2f}"
        )
    log(f"\nbenchmark wall time {elapsed:.0f}s; temporary folder {runner.tmp}")
    log("\ncommands (each timed with time.perf_counter around the subprocess):")
    for c in runner.commands:
        log(f"  {c}")
    if failed:
        log("\nBUILD FAILED - the benchmark is incomplete:\n" + failed)


if __name__ == "__main__":
    sys.exit(main())
