#!/usr/bin/env python
"""Benchmark `wres build` on this machine: cold, no-change and add-a-year rebuilds, the
floor (papermill on empty notebooks + Sphinx on trivial pages), serial versus parallel
execution, and Jupyter Book executing the notebooks itself.

Every build runs on a fresh copy of the repository in a temporary folder, through the
`wres` console script beside this interpreter, so the working tree is never touched.
Times are wall-clock seconds (time.perf_counter around each subprocess). The script is a
report: it exits 0 when a target is missed and non-zero only when a build fails.

    .venv/bin/python benchmarks/bench_build.py            # everything (several minutes)
    .venv/bin/python benchmarks/bench_build.py --quick    # skip serial and naive runs
    .venv/bin/python benchmarks/bench_build.py --json benchmarks/output/bench.json

See benchmarks/README.md for what each measurement means.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WRES = BIN / "wres"
JUPYTER_BOOK = BIN / "jupyter-book"
NATIONAL_CSV = Path("data/raw/published/wres_national_published.csv")

# What a fresh copy leaves out: the environment, everything the build writes, VCS and caches.
TOP_EXCLUDE = {
    ".venv",
    "_build",
    "results",
    ".git",
    ".hypothesis",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    ".cache",
    ".ipynb_checkpoints",
    "__pycache__",
}
ANY_EXCLUDE = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}

# Targets (see README): no-change rebuild as a share of cold, cold over floor, parallel speed-up.
TARGET_NOOP_SHARE = 0.10
TARGET_FLOOR_RATIO = 1.5
TARGET_SPEEDUP = 1.7


class BuildFailed(RuntimeError):
    pass


# ------------------------------------------------------------------ helpers


def log(msg: str = "") -> None:
    print(msg, flush=True)


def copy_repo(dest: Path, source: Path | None = None) -> Path:
    """A fresh copy of the repository (or of ``source``, a snapshot of it) without .venv,
    build outputs, .git or caches."""
    source = (source or SOURCE or REPO).resolve()

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).resolve()
        skip = {n for n in names if n in ANY_EXCLUDE or n.endswith(".egg-info")}
        if here == source:
            skip |= {n for n in names if n in TOP_EXCLUDE}
        if here == source / "book":
            skip |= {"generated"} & set(names)
        if here == source / "benchmarks":
            skip |= {"output"} & set(names)
        return skip

    shutil.copytree(source, dest, ignore=ignore, symlinks=True)
    return dest


# The tree fresh copies are made from: a snapshot of the repository taken when the run
# starts, so every build in one run sees the same templates, book pages and package code
# even while someone edits the working tree.
SOURCE: Path | None = None
# Extra environment for every timed command (PYTHONPATH pinning the package to the snapshot).
PIN_ENV: dict[str, str] = {}


class Runner:
    """Runs commands, times them and keeps their output and the exact command lines."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.commands: list[str] = []
        self.load: dict[str, float] = {}
        self.usage: dict[str, dict[str, float]] = {}
        self.n = 0

    def run(
        self, label: str, cmd: list[str], cwd: Path, env_extra: dict[str, str] | None = None, check: bool = True
    ) -> tuple[float, str, int]:
        env_extra = {**PIN_ENV, **(env_extra or {})}
        env = {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", **env_extra}
        env.pop("FORCE_COLOR", None)
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env_extra.items())
        line = f"cd {shlex.quote(str(cwd))} && {prefix + ' ' if prefix else ''}{shlex.join(cmd)}"
        self.commands.append(f"[{label}] {line}")
        self.load[label] = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        secs = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.usage[label] = {"wall": secs, "cpu": cpu, "load_before": self.load[label]}
        self.n += 1
        (self.logs / f"{self.n:02d}-{re.sub(r'[^A-Za-z0-9]+', '-', label).strip('-')}.log").write_text(proc.stdout)
        if check and proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-40:])
            raise BuildFailed(f"{label} failed (exit {proc.returncode}) after {secs:.1f}s:\n  {line}\n{tail}")
        return secs, proc.stdout, proc.returncode

    def wres_build(self, label: str, root: Path, workers: int) -> tuple[float, str]:
        secs, out, _ = self.run(label, [str(WRES), "build", "--workers", str(workers)], root, {"WRES_ROOT": str(root)})
        return secs, out


def timing_table(output: str) -> dict[str, str]:
    """Rows of the timing table `wres build` prints: step -> cell text."""
    rows: dict[str, str] = {}
    for line in output.splitlines():
        if "│" not in line and not line.startswith("|"):
            continue
        cells = [c.strip() for c in re.split(r"[│|]", line)]
        cells = [c for c in cells if c != ""]
        if len(cells) == 2 and cells[0] != "step":
            rows[cells[0]] = cells[1]
    return rows


def seconds_of(rows: dict[str, str], step: str) -> float | None:
    try:
        return float(rows[step])
    except (KeyError, ValueError):
        return None


def chapters_of(rows: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("chapter "): v for k, v in rows.items() if k.startswith("chapter ")}


def package_code_digest() -> tuple[str, str]:
    """Digest of the code `wres` actually runs (the snapshot when pinned, else the editable install)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import wres, pathlib; print(pathlib.Path(wres.__file__).parent)"],
        capture_output=True,
        text=True,
        env={**os.environ, **PIN_ENV},
    )
    folder = Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else REPO / "src" / "wres"
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.suffix in {".py", ".yml"} and "__pycache__" not in p.parts:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return str(folder), h.hexdigest()[:16]


def _tree_digest() -> str:
    """Digest of the working tree's package code, templates and book config (to notice edits)."""
    h = hashlib.sha256()
    for folder in (REPO / "src", REPO / "notebooks", REPO / "book"):
        for p in sorted(folder.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and "generated" not in p.parts and "assets" not in p.parts:
                h.update(str(p).encode())
                h.update(p.read_bytes())
    for p in (REPO / "_config.yml", REPO / "_toc.yml"):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    versions = {}
    from importlib import metadata

    for dist in ("jupyter-book", "sphinx", "myst-nb", "papermill", "nbclient", "ipykernel", "wres"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    try:
        mem = next(
            line.split(":")[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem = "?"
    return {
        "nproc": int(nproc),
        "cpu_model": model or platform.processor() or "?",
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "memory": mem,
        "load_average_start": os.getloadavg(),
        "versions": versions,
    }


# ------------------------------------------------------------------ add a year


def add_one_year(root: Path) -> dict:
    """Append one new report year (latest + 1) to the copy's national file and fix the md5.

    For every (indicator, measure, group) series with a row in the latest report year, and
    for every indicator's headline series, the series' latest row is copied with the year
    moved on and the value changed slightly. Staff-survey indicators get the survey year the
    registry's lag implies (report year - 1)."""
    import yaml

    path = root / NATIONAL_CSV
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    reader = csv.DictReader(io.StringIO(text))
    fields = list(reader.fieldnames or [])
    rows = list(reader)
    registry = yaml.safe_load((root / "src" / "wres" / "indicators.yml").read_text(encoding="utf-8"))
    lag = {int(i["id"]): int(i.get("survey_lag", 0)) for i in registry["indicators"] if i.get("year_basis") == "survey"}

    def key(r):
        return int(r["indicator"]), r["measure"], r["group"]

    latest_year = max(int(r["report_year"]) for r in rows)
    new_year = latest_year + 1
    latest_row: dict[tuple, dict] = {}
    for r in rows:
        k = key(r)
        if k not in latest_row or int(r["report_year"]) >= int(latest_row[k]["report_year"]):
            latest_row[k] = r
    wanted = [k for k, r in latest_row.items() if int(r["report_year"]) == latest_year]
    for ind in registry["indicators"]:
        series = {s["key"]: s for s in ind.get("series", [])}
        head = series.get(ind.get("headline_series"))
        if head is None:
            continue
        k = (int(head.get("from_indicator", ind["id"])), head["measure"], head["group"])
        if k in latest_row and k not in wanted:
            wanted.append(k)
    added = []
    for k in wanted:
        r = dict(latest_row[k])
        v = float(r["value"])
        unit = r["unit"]
        if unit in {"percent", "percent_of_trusts"}:
            v = v + 0.4 if v <= 99 else v - 0.4
            r["value"] = f"{v:.1f}"
        elif unit == "ratio":
            r["value"] = f"{v * 0.98:.2f}"
        else:  # counts
            r["value"] = str(int(round(v)) + 3)
        r["report_year"] = str(new_year)
        ind = k[0]
        if ind in lag:
            r["survey_year"] = str(new_year - lag[ind])
            r["period_label"] = f"{new_year} report ({new_year - lag[ind]} survey)"
        else:
            r["period_label"] = str(new_year)
        r["quality"] = "as_published"
        r["note"] = "benchmark: synthetic figure for an added year"
        added.append(r)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator=newline)
    for r in added:
        writer.writerow(r)
    body = text if text.endswith(("\n", "\r")) else text + newline
    path.write_bytes((body + out.getvalue()).encode("utf-8"))
    md5 = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - the sidecar's checksum
    sidecar = path.with_name(path.name + ".meta.yml")
    meta = sidecar.read_text(encoding="utf-8")
    if re.search(r"(?m)^md5:", meta):
        meta = re.sub(r"(?m)^md5:.*$", f"md5: {md5}", meta)
    else:
        meta = meta.rstrip("\n") + f"\nmd5: {md5}\n"
    sidecar.write_text(meta, encoding="utf-8")
    return {
        "new_year": new_year,
        "rows_added": len(added),
        "series": [f"{k[0]}: {k[1][:60]} [{k[2]}]" for k in wanted],
        "md5": md5,
    }


# ------------------------------------------------------------------ the floor


def toc_pages(toc: dict) -> list[dict]:
    """Every entry of a Jupyter Book table of contents that names a file or a glob."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node or "glob" in node:
                found.append(node)
            for v in node.values():
                if isinstance(v, (list, dict)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    found.append({"file": toc["root"]})
    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def trivial_notebook(title: str):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_code_cell("pass")]
    return nb


def make_trivial_book(built: Path, dest: Path) -> int:
    """A throwaway book with the built copy's _config.yml and _toc.yml (so the same
    extensions, theme and assets) in which every page is a trivial notebook."""
    import nbformat
    import yaml

    dest.mkdir(parents=True)
    shutil.copy2(built / "_config.yml", dest / "_config.yml")
    shutil.copy2(built / "_toc.yml", dest / "_toc.yml")
    if (built / "book" / "assets").exists():  # css and vendored MathJax named in _config.yml
        shutil.copytree(built / "book" / "assets", dest / "book" / "assets")
    toc = yaml.safe_load((built / "_toc.yml").read_text(encoding="utf-8"))
    pages: list[str] = []
    for entry in toc_pages(toc):
        if "file" in entry:
            pages.append(
                str(Path(entry["file"]).with_suffix(""))
                if Path(entry["file"]).suffix in {".md", ".ipynb"}
                else entry["file"]
            )
        else:
            for p in sorted(built.glob(entry["glob"])):
                if p.suffix in {".ipynb", ".md"} and "_build" not in p.parts:
                    pages.append(str(p.relative_to(built).with_suffix("")))
    for i, page in enumerate(dict.fromkeys(pages), start=1):
        target = dest / f"{page}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(trivial_notebook(f"Page {i}"), target)
    return len(dict.fromkeys(pages))


def _execute_empty(src: str, out: str) -> float:
    import papermill as pm

    start = time.perf_counter()
    pm.execute_notebook(src, out, kernel_name="python3", progress_bar=False, log_output=False)
    return time.perf_counter() - start


def empty_papermill_main(folder: Path, workers: int) -> int:
    """Child-process mode: execute every notebook in ``folder`` with papermill in
    ``workers`` processes (as the pipeline does), then exit."""
    from concurrent.futures import ProcessPoolExecutor

    notebooks = sorted(folder.glob("empty-*.ipynb"))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        secs = list(
            pool.map(
                _execute_empty, [str(p) for p in notebooks], [str(p.with_name("out-" + p.name)) for p in notebooks]
            )
        )
    print(json.dumps({"notebooks": len(notebooks), "per_notebook": secs}))
    return 0


# ------------------------------------------------------------------ naive alternative


def make_naive_book(built: Path, dest: Path) -> int:
    """A fresh copy whose generated notebooks are the built copy's executed chapters with
    their outputs cleared, and whose _config.yml asks Jupyter Book to execute them."""
    import nbformat
    import yaml

    copy_repo(dest)
    shutil.copytree(built / "results", dest / "results")
    n = 0
    gen_src, gen_dst = built / "book" / "generated", dest / "book" / "generated"
    for nb_path in sorted(gen_src.rglob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        target = gen_dst / nb_path.relative_to(gen_src)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        n += 1
    cfg_path = dest / "_config.yml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg.setdefault("execute", {})["execute_notebooks"] = "force"
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return n


# ------------------------------------------------------------------ report


def fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:7.1f}"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "MISS")


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
    if args.empty_papermill:
        return empty_papermill_main(args.empty_papermill, args.workers)

    for exe in (WRES, JUPYTER_BOOK):
        if not exe.exists():
            log(f"error: {exe} not found; run with the project's virtual environment (make bench)")
            return 2
    global SOURCE
    W = args.workers
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="wres-bench-"))
    SOURCE = copy_repo(tmp / "snapshot", REPO)
    if not args.no_pin and (SOURCE / "src" / "wres" / "__init__.py").exists():
        PIN_ENV["PYTHONPATH"] = os.pathsep.join([str(SOURCE / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    pkg_folder, pkg_before = package_code_digest()
    logs = tmp / "logs"
    logs.mkdir()
    run = Runner(logs)
    res: dict = {
        "machine": info,
        "workers": W,
        "quick": args.quick,
        "temp_dir": str(tmp),
        "package_code": pkg_folder,
        "pinned": bool(PIN_ENV),
        "working_tree_digest_start": _tree_digest(),
        "measurements": {},
        "checks": {},
    }
    m, checks = res["measurements"], res["checks"]
    failed: str | None = None
    log(f"WRES build benchmark - temporary folder {tmp}")
    log(
        f"machine: {info['nproc']} CPU(s), {info['cpu_model']}, Python {info['python']}, load average "
        f"{' '.join(f'{x:.2f}' for x in info['load_average_start'])}"
    )
    if PIN_ENV:
        log(
            f"package code that runs: {pkg_folder} (snapshot of {REPO} taken at start; PYTHONPATH pins it "
            "for the CLI and its kernels)\n"
        )
    else:
        log(f"package code that runs: {pkg_folder} (editable install, live; the copies' src/ is not imported)\n")
    t_all = time.perf_counter()
    try:
        # 1. cold build
        cold_root = copy_repo(tmp / "cold")
        log(f"[1/6] cold build (--workers {W}) ...")
        secs, out = run.wres_build("cold build", cold_root, W)
        rows = timing_table(out)
        cold_chapters = chapters_of(rows)
        m["cold"] = {
            "seconds": secs,
            "table": rows,
            "chapters": len(cold_chapters),
            "execute_chapters": seconds_of(rows, "execute chapters"),
            "sphinx": seconds_of(rows, "build book (Sphinx)"),
            "analyse": seconds_of(rows, "load, validate and analyse"),
            "internal_total": seconds_of(rows, "total"),
        }
        log(f"      {secs:.1f}s, {len(cold_chapters)} chapters")
        cold = secs
        gen = cold_root / "book" / "generated"
        mtimes = {p: p.stat().st_mtime_ns for p in gen.rglob("*.ipynb")}

        # 2. no-change rebuild
        log("[2/6] rebuild with no change ...")
        pkg_mid = package_code_digest()[1]
        secs, out = run.wres_build("no-change rebuild", cold_root, W)
        rows = timing_table(out)
        ch = chapters_of(rows)
        executed = sorted(k for k, v in ch.items() if v != "skipped (unchanged)")
        touched = sorted(
            str(p.relative_to(gen)) for p, t in mtimes.items() if not p.exists() or p.stat().st_mtime_ns != t
        )
        site_unchanged = "Site unchanged" in out
        m["noop"] = {
            "seconds": secs,
            "table": rows,
            "share_of_cold": secs / cold,
            "internal_total": seconds_of(rows, "total"),
            "analyse": seconds_of(rows, "load, validate and analyse"),
        }
        checks["noop_no_chapter_executed"] = {
            "ok": bool(ch) and not executed and not touched and len(ch) == len(cold_chapters),
            "chapters_listed": len(ch),
            "executed": executed,
            "notebooks_rewritten": touched,
            "site_unchanged": site_unchanged,
            "package_code_changed_since_cold": pkg_mid != pkg_before,
        }
        log(f"      {secs:.1f}s; chapters skipped: {len(ch) - len(executed)}/{len(ch)}")

        # 3. rebuild after adding one year
        log("[3/6] rebuild after adding one year ...")
        added = add_one_year(cold_root)
        secs, out = run.wres_build("add-a-year rebuild", cold_root, W)
        rows = timing_table(out)
        ch = chapters_of(rows)
        m["add_year"] = {
            "seconds": secs,
            "table": rows,
            **added,
            "chapters_executed": sum(v != "skipped (unchanged)" for v in ch.values()),
            "chapters": len(ch),
            "execute_chapters": seconds_of(rows, "execute chapters"),
            "sphinx": seconds_of(rows, "build book (Sphinx)"),
            "book_rebuilt": "Site built" in out,
        }
        log(
            f"      {secs:.1f}s; report year {added['new_year']} added ({added['rows_added']} rows); "
            f"{m['add_year']['chapters_executed']}/{len(ch)} chapters re-executed"
        )

        # 4. the floor: empty notebooks through papermill + a trivial book through Sphinx
        log(f"[4/6] floor: {len(cold_chapters)} empty notebooks via papermill ({W} processes) + trivial book ...")
        import nbformat

        empty_dir = tmp / "floor-papermill"
        empty_dir.mkdir()
        for i in range(len(cold_chapters)):
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nb.cells = [nbformat.v4.new_code_cell("pass")]
            nbformat.write(nb, empty_dir / f"empty-{i:02d}.ipynb")
        pm_secs, pm_out, _ = run.run(
            "empty papermill",
            [sys.executable, str(Path(__file__).resolve()), "--empty-papermill", str(empty_dir), "--workers", str(W)],
            tmp,
        )
        per = next((json.loads(line) for line in reversed(pm_out.splitlines()) if line.startswith("{")), {})
        trivial = tmp / "floor-book"
        n_pages = make_trivial_book(cold_root, trivial)
        jb_secs, _, _ = run.run(
            "trivial book",
            [
                str(JUPYTER_BOOK),
                "build",
                str(trivial),
                "--path-output",
                str(trivial / "_build" / ".html-work"),
                "--builder",
                "html",
                "-W",
                "-n",
                "--keep-going",
            ],
            trivial,
        )
        floor = pm_secs + jb_secs
        m["floor"] = {
            "seconds": floor,
            "empty_papermill": pm_secs,
            "empty_notebooks": len(cold_chapters),
            "empty_per_notebook": per.get("per_notebook"),
            "trivial_book": jb_secs,
            "trivial_pages": n_pages,
            "cold_over_floor": cold / floor,
        }
        log(f"      papermill {pm_secs:.1f}s + trivial book ({n_pages} pages) {jb_secs:.1f}s = {floor:.1f}s")

        # 5. serial versus parallel
        if not args.quick:
            log("[5/6] cold build --workers 1 (fresh copy) ...")
            s_root = copy_repo(tmp / "serial")
            s_secs, s_out = run.wres_build("cold build, serial", s_root, 1)
            log(f"      {s_secs:.1f}s")
            log(f"[5/6] cold build --workers {W} (fresh copy) ...")
            p_root = copy_repo(tmp / "parallel")
            p_secs, p_out = run.wres_build("cold build, parallel", p_root, W)
            log(f"      {p_secs:.1f}s")
            s_rows, p_rows = timing_table(s_out), timing_table(p_out)
            s_ex, p_ex = seconds_of(s_rows, "execute chapters"), seconds_of(p_rows, "execute chapters")
            m["serial_parallel"] = {
                "serial_seconds": s_secs,
                "parallel_seconds": p_secs,
                "serial_table": s_rows,
                "parallel_table": p_rows,
                "serial_execute": s_ex,
                "parallel_execute": p_ex,
                "execute_speedup": (s_ex / p_ex) if s_ex and p_ex else None,
                "total_speedup": s_secs / p_secs,
                "serial_chapter_sum": sum(float(v) for v in chapters_of(s_rows).values() if v[:1].isdigit()),
                "parallel_chapter_sum": sum(float(v) for v in chapters_of(p_rows).values() if v[:1].isdigit()),
            }
        else:
            log("[5/6] serial versus parallel: skipped (--quick)")

        # 6. naive: Jupyter Book executes the notebooks itself
        if not args.quick:
            log("[6/6] naive: jupyter-book build with execute_notebooks: force ...")
            n_root = tmp / "naive"
            n_nb = make_naive_book(p_root, n_root)
            n_secs, n_out, n_rc = run.run(
                "naive jupyter-book (execute force)",
                [
                    str(JUPYTER_BOOK),
                    "build",
                    str(n_root),
                    "--path-output",
                    str(n_root / "_build" / ".html-work"),
                    "--builder",
                    "html",
                    "-W",
                    "-n",
                    "--keep-going",
                ],
                n_root,
                {"WRES_ROOT": str(n_root)},
                check=False,
            )
            m["naive"] = {
                "seconds": n_secs,
                "notebooks": n_nb,
                "returncode": n_rc,
                "pipeline_cold": cold,
                "naive_over_cold": n_secs / cold,
                "warnings": [ln for ln in n_out.splitlines() if "WARNING" in ln or "ERROR" in ln][:20],
            }
            log(f"      {n_secs:.1f}s (exit {n_rc})")
            if n_rc != 0:
                raise BuildFailed("naive jupyter-book build failed:\n" + "\n".join(n_out.splitlines()[-40:]))
        else:
            log("[6/6] naive Jupyter Book run: skipped (--quick)")
    except BuildFailed as err:
        failed = str(err)
    res["elapsed"] = time.perf_counter() - t_all
    res["load_average_end"] = os.getloadavg()
    pkg_after = package_code_digest()[1]
    res["package_code_changed_during_run"] = pkg_after != pkg_before
    res["working_tree_changed_during_run"] = _tree_digest() != res["working_tree_digest_start"]

    res["load_before"] = run.load
    res["usage"] = run.usage
    report(res, run.commands, failed)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        res["commands"] = run.commands
        res["failed"] = failed
        args.json.write_text(json.dumps(res, indent=1, default=str))
        log(f"\nJSON written to {args.json}")
    if args.keep or failed:
        log(f"\nTemporary folder kept: {tmp} (build logs in {logs})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def report(res: dict, commands: list[str], failed: str | None) -> None:
    m, checks, info = res["measurements"], res["checks"], res["machine"]
    W = res["workers"]
    log("\n" + "=" * 100)
    log("WRES build benchmark")
    log("=" * 100)
    log(f"machine : nproc={info['nproc']}  CPU: {info['cpu_model']}  memory: {info['memory']}")
    log(f"python  : {info['python']} ({info['python_executable']})  on {info['platform']}")
    log("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    log(
        f"load avg: start {' '.join(f'{x:.2f}' for x in info['load_average_start'])}, "
        f"end {' '.join(f'{x:.2f}' for x in res['load_average_end'])}  (other work on the machine skews timings)"
    )
    if res["package_code_changed_during_run"] or checks.get("noop_no_chapter_executed", {}).get(
        "package_code_changed_since_cold"
    ):
        log(
            "WARNING : the wres package code that ran changed during the run (concurrent edits); "
            "results are not comparable - rerun (without --no-pin)."
        )
    if res["pinned"]:
        log(
            f"code    : every build ran the snapshot taken at start ({res['package_code']}); the working tree "
            + ("changed during the run (not used)" if res["working_tree_changed_during_run"] else "did not change")
        )
    log("")
    hdr = f"{'measurement':<58} {'seconds':>8}  {'ratio':>16}  {'target':>9}  verdict"
    log(hdr)
    log("-" * len(hdr))
    cold = m.get("cold", {}).get("seconds")

    def row(name, secs, ratio="", target="", ok=None):
        log(f"{name:<58} {fmt_s(secs):>8}  {ratio:>16}  {target:>9}  {verdict(ok)}")

    if "cold" in m:
        c = m["cold"]
        row(f"1. cold build (--workers {W}, {c['chapters']} chapters)", cold, "1.00 x cold")
        row("     execute chapters (from wres timing table)", c["execute_chapters"])
        row("     build book (Sphinx)", c["sphinx"])
        row("     load, validate and analyse", c["analyse"])
        if c["internal_total"] is not None:
            row("     outside wres's own total (start-up, exit)", cold - c["internal_total"])
    if "noop" in m:
        n = m["noop"]
        share = n["share_of_cold"]
        row(
            "2. rebuild, nothing changed",
            n["seconds"],
            f"{share * 100:.1f}% of cold",
            f"<= {TARGET_NOOP_SHARE * 100:.0f}%",
            share <= TARGET_NOOP_SHARE,
        )
        if n["internal_total"] is not None:
            row("     wres's own total (hashing, analysis)", n["internal_total"])
            row("     outside it (interpreter + imports, exit)", n["seconds"] - n["internal_total"])
        ck = checks["noop_no_chapter_executed"]
        state = "yes" if ck["ok"] else "NO"
        log(
            f"     no chapter executed: {state} - {ck['chapters_listed'] - len(ck['executed'])}/{ck['chapters_listed']} "
            f"'skipped (unchanged)', notebooks rewritten: {len(ck['notebooks_rewritten'])}, "
            f"site left unchanged: {'yes' if ck['site_unchanged'] else 'no'}"
            + (f"; executed: {', '.join(ck['executed'])}" if ck["executed"] else "")
        )
    if "add_year" in m:
        a = m["add_year"]
        row(
            f"3. rebuild after adding report year {a['new_year']}",
            a["seconds"],
            f"{a['seconds'] / cold:.2f} x cold",
            "(report)",
        )
        row(f"     execute chapters ({a['chapters_executed']}/{a['chapters']} re-executed)", a["execute_chapters"])
        row("     build book (Sphinx)", a["sphinx"])
    if "floor" in m:
        f = m["floor"]
        row(
            "4. floor = empty papermill + trivial book",
            f["seconds"],
            f"cold {f['cold_over_floor']:.2f} x",
            f"<= {TARGET_FLOOR_RATIO:.1f} x",
            f["cold_over_floor"] <= TARGET_FLOOR_RATIO,
        )
        row(f"     papermill, {f['empty_notebooks']} empty notebooks, {W} processes", f["empty_papermill"])
        row(f"     jupyter-book -W -n, {f['trivial_pages']} trivial pages, same _config", f["trivial_book"])
        if cold and "cold" in m and m["cold"]["execute_chapters"]:
            c = m["cold"]
            row(
                "     cold execute chapters / empty papermill",
                None,
                f"{c['execute_chapters'] / f['empty_papermill']:.2f} x",
            )
            if c["sphinx"]:
                row("     cold Sphinx / trivial book", None, f"{c['sphinx'] / f['trivial_book']:.2f} x")
    if "serial_parallel" in m:
        s = m["serial_parallel"]
        row("5. cold build --workers 1 (fresh copy)", s["serial_seconds"], "1.00 x")
        row(
            f"   cold build --workers {W} (fresh copy)",
            s["parallel_seconds"],
            f"{s['total_speedup']:.2f} x faster",
            "(report)",
        )
        row("     execute chapters, --workers 1", s["serial_execute"])
        ex = s["execute_speedup"]
        row(
            f"     execute chapters, --workers {W}",
            s["parallel_execute"],
            "-" if ex is None else f"{ex:.2f} x faster",
            f">= {TARGET_SPEEDUP:.1f} x",
            None if ex is None else ex >= TARGET_SPEEDUP,
        )
        row("     sum of chapter times, --workers 1", s["serial_chapter_sum"])
        row(
            f"     sum of chapter times, --workers {W}",
            s["parallel_chapter_sum"],
            f"{s['parallel_chapter_sum'] / s['serial_chapter_sum']:.2f} x serial" if s["serial_chapter_sum"] else "",
        )
        if info["nproc"] < W:
            log(f"     note: only {info['nproc']} CPU(s); a {W}-worker speed-up is not expected")
    elif res["quick"]:
        row("5. serial versus parallel", None, "skipped (--quick)")
    if "naive" in m:
        nv = m["naive"]
        row(
            f"6. naive: jupyter-book executes {nv['notebooks']} notebooks",
            nv["seconds"],
            f"{nv['naive_over_cold']:.2f} x cold",
            "(report)",
        )
        row(
            "     pipeline cold build vs naive",
            cold,
            f"{nv['seconds'] / cold:.2f} x faster" if cold <= nv["seconds"] else f"{cold / nv['seconds']:.2f} x slower",
        )
        if nv["returncode"] != 0:
            log(f"     naive build exit code {nv['returncode']}; first warnings: " + "; ".join(nv["warnings"][:5]))
    elif res["quick"]:
        row("6. naive Jupyter Book execution", None, "skipped (--quick)")
    if "add_year" in m:
        a = m["add_year"]
        log(f"\nadded year {a['new_year']}: {a['rows_added']} rows (new md5 {a['md5']}) for series:")
        for s in a["series"]:
            log(f"  - {s}")
    if "floor" in m and m["floor"].get("empty_per_notebook"):
        per = m["floor"]["empty_per_notebook"]
        log(
            f"\nempty notebook through papermill (kernel start + one cell): {min(per):.2f}-{max(per):.2f}s each, "
            f"{sum(per) / len(per):.2f}s mean"
        )
    if "cold" in m:
        log("\ncold build, wres timing table:")
        for k, v in m["cold"]["table"].items():
            log(f"  {k:<40} {v:>20}")
    if res.get("usage"):
        log(
            f"\nper command: wall seconds, CPU seconds (user+sys of it and every process it started), "
            f"CPU/wall (effective parallelism; at most {info['nproc']}), 1-minute load average just before it"
        )
        for k, u in res["usage"].items():
            log(
                f"  {k:<40} wall {u['wall']:6.1f}  cpu {u['cpu']:6.1f}  cpu/wall {u['cpu'] / u['wall']:4.2f}  "
                f"load {u['load_before']:.2f}"
            )
    log(f"\nbenchmark wall time {res['elapsed']:.0f}s; temporary folder {res['temp_dir']}")
    log("\ncommands (each timed with time.perf_counter around the subprocess):")
    for c in commands:
        log(f"  {c}")
    if failed:
        log("\nBUILD FAILED - the benchmark is incomplete:\n" + failed)


if __name__ == "__main__":
    sys.exit(main())
