"""Interrupting a build at every step, then proving the next build is right (wres.book.guard,
wres.book.children, wres.book.publish, wres.book.pipeline).

Each test copies the built repository, changes an input so the step of interest has work to
do, and interrupts the build there: with ``WRES_FAULT=<point>`` (the build SIGKILLs itself
at that point, the hardest case: no handler, no cleanup runs) or with a real SIGTERM sent
from here once the chapter kernels are running. The input is then reverted and the next
build must give exactly the clean build's results and site: nothing wrongly skipped,
nothing stale published. Between the two, ``_build/html`` must be a complete site.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from conftest import WRES, fresh_copy, run_build, tree_digest

psutil = pytest.importorskip("psutil")

NATIONAL = ("data", "raw", "published", "wres_national_published.csv")
CHANGED_FIGURE = (",17.7,percent,", ",27.7,percent,")  # indicator 1, 2016


def _csvs(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _processes_of(repo):
    """Live processes started for a build of ``repo`` (they inherit its WRES_ROOT)."""
    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.pid != os.getpid() and p.environ().get("WRES_ROOT") == str(repo) and p.status() != "zombie":
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _assert_no_orphans(repo, within=6.0):
    deadline = time.monotonic() + within
    while _processes_of(repo) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [(p.pid, " ".join(p.cmdline()[:3])) for p in _processes_of(repo)]
    assert not left, f"processes outlived the build: {left}"


def _faulted(repo, point):
    env = {**os.environ, "WRES_ROOT": str(repo), "WRES_FAULT": point}
    return subprocess.run([WRES, "build"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def repo(built_repo, tmp_path):
    return fresh_copy(built_repo, tmp_path)


def test_killed_during_chapters_then_reverted_input_rebuilds_every_chapter(built_repo, repo):
    csv = repo.joinpath(*NATIONAL)
    original = csv.read_bytes()
    site_before = tree_digest(repo / "_build" / "html")
    _edit(csv, *CHANGED_FIGURE)
    proc = _faulted(repo, "chapters")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    _assert_no_orphans(repo)  # workers and their kernels died with the build
    assert tree_digest(repo / "_build" / "html") == site_before
    csv.write_bytes(original)
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stderr
    assert "did not finish" in proc.stderr and "chapters" in proc.stderr
    assert "skipped (unchanged)" not in proc.stdout
    assert _csvs(repo / "results") == _csvs(built_repo / "results")
    assert tree_digest(repo / "_build" / "html") == tree_digest(built_repo / "_build" / "html")


def test_killed_while_moving_results_in_leaves_no_stamp_and_the_next_build_analyses_again(built_repo, repo):
    csv = repo.joinpath(*NATIONAL)
    original = csv.read_bytes()
    site_before = tree_digest(repo / "_build" / "html")
    _edit(csv, *CHANGED_FIGURE)
    proc = _faulted(repo, "analysis")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not (repo / "results" / ".wres-inputs-digest").exists()
    assert tree_digest(repo / "_build" / "html") == site_before
    csv.write_bytes(original)
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stderr
    assert _csvs(repo / "results") == _csvs(built_repo / "results")
    assert not (repo / "results" / ".wres-staging").exists()
    assert tree_digest(repo / "_build" / "html") == tree_digest(built_repo / "_build" / "html")


def test_killed_during_sphinx_kills_sphinx_and_the_next_build_rebuilds_the_site(built_repo, repo):
    page = repo / "book" / "methods.md"
    original = page.read_bytes()
    site_before = tree_digest(repo / "_build" / "html")
    page.write_text(
        page.read_text(encoding="utf-8") + "\nA sentence only the interrupted build saw.\n", encoding="utf-8"
    )
    proc = _faulted(repo, "sphinx")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    _assert_no_orphans(repo)  # jupyter-book went with it
    assert tree_digest(repo / "_build" / "html") == site_before
    page.write_bytes(original)
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stderr
    assert "did not finish" in proc.stderr and "site" in proc.stderr
    assert tree_digest(repo / "_build" / "html") == tree_digest(built_repo / "_build" / "html")


def test_killed_around_the_site_switch_always_leaves_a_complete_site_and_never_a_stale_stamp(built_repo, repo):
    page = repo / "book" / "methods.md"
    original = page.read_bytes()
    site_before = tree_digest(repo / "_build" / "html")
    marker = "A sentence only the interrupted build saw."
    page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    # Before the switch: the old site, whole.
    assert _faulted(repo, "publish").returncode == -signal.SIGKILL
    assert tree_digest(repo / "_build" / "html") == site_before
    # After the switch, before the stamp: the new site, whole, and no stamp vouching for it.
    assert _faulted(repo, "published").returncode == -signal.SIGKILL
    assert marker in (repo / "_build" / "html" / "book" / "methods.html").read_text(encoding="utf-8")
    assert not (repo / "_build" / ".html-digest").exists()
    page.write_bytes(original)
    proc = run_build(repo)
    assert proc.returncode == 0, proc.stderr
    assert tree_digest(repo / "_build" / "html") == tree_digest(built_repo / "_build" / "html")
    versions = sorted(p.name for p in (repo / "_build").glob(".html-v*"))
    assert versions == [os.readlink(repo / "_build" / "html")]  # old versions deleted


def test_a_full_disk_is_one_line_and_leaves_site_results_and_no_temporary_files(repo):
    page = repo / "book" / "methods.md"
    site_before, results_before = tree_digest(repo / "_build" / "html"), _csvs(repo / "results")
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    proc = _faulted(repo, "publish-copy:enospc")
    assert proc.returncode == 1
    assert "no space left on device while writing" in proc.stderr and ".html-v" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_digest(repo / "_build" / "html") == site_before and _csvs(repo / "results") == results_before
    assert [p.name for p in (repo / "_build").glob(".html-v*")] == [os.readlink(repo / "_build" / "html")]
    assert not list(repo.rglob("*.wres-tmp")) and not list(repo.rglob("*.ipynb.part"))


def test_sigterm_stops_the_build_and_every_worker_and_kernel(repo):
    site_before = tree_digest(repo / "_build" / "html")
    env = {**os.environ, "WRES_ROOT": str(repo)}
    proc = subprocess.Popen(
        [WRES, "build", "--force"], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    build = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    kernels = []
    while not kernels and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            kernels = [c for c in build.children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        except psutil.NoSuchProcess:
            pass
    assert kernels, "no kernel started"
    family = build.children(recursive=True)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM
    assert "interrupted (SIGTERM)" in err
    gone, alive = psutil.wait_procs(family, timeout=6)
    assert not [p for p in alive if p.status() != "zombie"], [p.cmdline()[:3] for p in alive]
    _assert_no_orphans(repo)
    assert tree_digest(repo / "_build" / "html") == site_before
    assert (repo / "_build" / ".wres-build-in-progress").exists()
