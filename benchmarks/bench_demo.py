"""Time the synthetic demonstration build (about 200 organisations) and the organisation
statistics on their own, on a fresh copy of the repository.

    .venv/bin/python benchmarks/bench_demo.py [--orgs 200] [--workers 2]

Prints wall-clock seconds (time.perf_counter around each step), the machine, and the
commands. A report, not a test: it exits non-zero only if the build fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(
    ".venv", "_build", "results", "generated", ".git", ".pytest_cache", ".hypothesis", "__pycache__"
)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    wres = str(Path(sys.executable).with_name("wres"))
    print(
        f"machine: {os.cpu_count()} CPU(s), {cpu_model()}, Python {platform.python_version()}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory(prefix="wres-bench-demo-") as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(ROOT, repo, ignore=IGNORE)
        env = {**os.environ, "WRES_ROOT": str(repo), "PYTHONPATH": str(repo / "src")}
        cmd = [wres, "demo", "--orgs", str(args.orgs), "--workers", str(args.workers)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
        demo_s = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            return 1
        steps = [
            line
            for line in proc.stdout.splitlines()
            if any(
                k in line
                for k in ("organisation profiles", "load, validate", "execute chapters", "build book", "total")
            )
        ]
        # The organisation statistics alone, in this process, on the panel the demo wrote.
        sys.path.insert(0, str(repo / "src"))
        from wres.analysis.organisations import analyse_trusts
        from wres.inputs.organisations import load_trust_folder
        from wres.registry import load_registry

        t0 = time.perf_counter()
        panel = load_trust_folder(repo / "_build" / "demo" / "trusts")
        t1 = time.perf_counter()
        analyse_trusts(panel, load_registry())
        t2 = time.perf_counter()
        pages = len(list((repo / "_build" / "demo" / "html").rglob("*.html")))
    print(
        f"\nwres demo --orgs {args.orgs} --workers {args.workers} (fresh copy, cold): {demo_s:.1f} s wall, {pages} HTML pages"
        f"  [target < 300 s: {'PASS' if demo_s < 300 else 'MISS'}]"
    )
    print("  wres timing table:")
    for line in steps:
        print("   ", line.strip("│ ").replace("│", " "))
    print(
        f"organisation statistics alone: load {len(panel)} rows {t1 - t0:.1f} s; "
        f"analyse_trusts (rates, Katz/Wilson CIs, funnels, GLM trends, aggregates) {t2 - t1:.1f} s "
        f"for {panel['org_code'].nunique()} organisations"
    )
    print(f"command: cd <fresh copy> && WRES_ROOT=<copy> {' '.join(cmd)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
