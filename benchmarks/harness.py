"""The benchmark harness: fresh copies of a snapshot of the repository, timed commands, the
build's own step timings (read from ``wres build --timings-json``), and the report.

The measurements themselves are in ``measurements.py``; ``bench_build.py`` runs them.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WRES = BIN / "wres"
JUPYTER_BOOK = BIN / "jupyter-book"

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


class BuildFailed(RuntimeError):
    pass


def log(msg: str = "") -> None:
    print(msg, flush=True)


def copy_repo(source: Path, dest: Path) -> Path:
    """A copy of ``source`` (the repository or a snapshot of it) without .venv, build
    outputs, .git or caches."""
    source = source.resolve()

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


@dataclass
class BuildRun:
    """One timed ``wres build``: wall seconds around the command, and the build's own record
    (``steps``: step -> seconds; ``chapters``: name, skipped, seconds; ``book_built``)."""

    seconds: float
    record: dict

    def step(self, name: str) -> float | None:
        return self.record["steps"].get(name)

    @property
    def chapters(self) -> list[dict]:
        return self.record["chapters"]

    @property
    def executed(self) -> list[str]:
        return [ch["name"] for ch in self.chapters if not ch["skipped"]]

    @property
    def chapter_seconds(self) -> float:
        """Kernel time summed over the chapters that ran (more than the step's wall time
        when workers run in parallel)."""
        return sum(ch["seconds"] for ch in self.chapters if not ch["skipped"])


class Runner:
    """Runs commands, times them, and keeps their output and the exact command lines.

    Every copy is made from a snapshot of the repository taken when the run starts, and
    (unless ``pin`` is False) ``PYTHONPATH`` pins the package to the snapshot's ``src/`` for
    the CLI and every kernel it starts: all builds in one run then use the same code even
    while someone edits the working tree."""

    def __init__(self, tmp: Path, pin: bool = True):
        self.tmp = tmp
        self.logs = tmp / "logs"
        self.logs.mkdir(parents=True)
        self.snapshot = copy_repo(REPO, tmp / "snapshot")
        self.env: dict[str, str] = {}
        if pin and (self.snapshot / "src" / "wres" / "__init__.py").exists():
            self.env["PYTHONPATH"] = os.pathsep.join(
                [str(self.snapshot / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
            )
        self.commands: list[str] = []
        self.usage: dict[str, dict[str, float]] = {}

    def fresh_copy(self, name: str) -> Path:
        return copy_repo(self.snapshot, self.tmp / name)

    def run(
        self, label: str, cmd: list[str], cwd: Path, env_extra: dict[str, str] | None = None, check: bool = True
    ) -> tuple[float, str, int]:
        env_extra = {**self.env, **(env_extra or {})}
        env = {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", **env_extra}
        env.pop("FORCE_COLOR", None)
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env_extra.items())
        line = f"cd {shlex.quote(str(cwd))} && {prefix + ' ' if prefix else ''}{shlex.join(cmd)}"
        self.commands.append(f"[{label}] {line}")
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        secs = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.usage[label] = {"wall": secs, "cpu": cpu, "load_before": load}
        name = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")
        (self.logs / f"{len(self.usage):02d}-{name}.log").write_text(proc.stdout)
        if check and proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-40:])
            raise BuildFailed(f"{label} failed (exit {proc.returncode}) after {secs:.1f}s:\n  {line}\n{tail}")
        return secs, proc.stdout, proc.returncode

    def build(self, label: str, root: Path, workers: int) -> BuildRun:
        """``wres build`` on the copy ``root``, with the build's step timings as JSON."""
        record = self.logs / f"{re.sub(r'[^A-Za-z0-9]+', '-', label).strip('-')}.timings.json"
        cmd = [str(WRES), "build", "--workers", str(workers), "--timings-json", str(record)]
        secs, _, _ = self.run(label, cmd, root, {"WRES_ROOT": str(root)})
        return BuildRun(secs, json.loads(record.read_text(encoding="utf-8")))

    def package_digest(self) -> tuple[str, str]:
        """The folder and a digest of the package code `wres` actually runs (the snapshot when
        pinned, else the editable install)."""
        proc = subprocess.run(
            [sys.executable, "-c", "import wres, pathlib; print(pathlib.Path(wres.__file__).parent)"],
            capture_output=True,
            text=True,
            env={**os.environ, **self.env},
        )
        folder = Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else REPO / "src" / "wres"
        h = hashlib.sha256()
        for p in sorted(folder.rglob("*")):
            if p.suffix in {".py", ".yml"} and "__pycache__" not in p.parts:
                h.update(p.name.encode())
                h.update(p.read_bytes())
        return str(folder), h.hexdigest()[:16]


def working_tree_digest() -> str:
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
    from importlib import metadata

    def first(path: str, prefix: str) -> str:
        try:
            line = next(ln for ln in Path(path).read_text().splitlines() if ln.lower().startswith(prefix))
            return line.split(":", 1)[1].strip()
        except (OSError, StopIteration):
            return "?"

    versions = {}
    for dist in ("jupyter-book", "sphinx", "myst-nb", "papermill", "nbclient", "ipykernel", "wres"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return {
        "nproc": int(nproc),
        "cpu_model": first("/proc/cpuinfo", "model name") or platform.processor(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "memory": first("/proc/meminfo", "memtotal"),
        "load_average_start": os.getloadavg(),
        "versions": versions,
    }


# ------------------------------------------------------------------ what a measurement returns


@dataclass
class Row:
    """One line of the summary table: a name, seconds, and optionally a ratio, a target and
    whether it was met (None: nothing to judge)."""

    name: str
    seconds: float | None = None
    ratio: str = ""
    target: str = ""
    ok: bool | None = None


@dataclass
class Result:
    rows: list[Row]
    #: Everything measured, for --json.
    data: dict
    #: Lines printed under the table (details that do not fit a row).
    notes: list[str] = field(default_factory=list)


def print_rows(rows: list[Row]) -> None:
    header = f"{'measurement':<58} {'seconds':>8}  {'ratio':>16}  {'target':>9}  verdict"
    log(header)
    log("-" * len(header))
    for r in rows:
        secs = "-" if r.seconds is None else f"{r.seconds:7.1f}"
        verdict = "" if r.ok is None else ("PASS" if r.ok else "MISS")
        log(f"{r.name:<58} {secs:>8}  {r.ratio:>16}  {r.target:>9}  {verdict}")
