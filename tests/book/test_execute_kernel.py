"""wres.book.execute: many chapters in one warm kernel leave no kernel client open."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from wres.book.execute import run_in_kernel, start_kernel

# A real kernel, started once: a few seconds.
pytestmark = pytest.mark.slow


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")
def test_chapters_run_one_after_another_leave_no_client_open(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 6 * 7\nx")])
    jobs = [(nb, str(tmp_path / f"c{i}.ipynb"), {}, str(tmp_path)) for i in range(12)]
    km = start_kernel(str(tmp_path), redirect_stderr=False)
    try:
        run_in_kernel(km, jobs[:2])  # the first chapters open what stays for the kernel's life
        files, threads = _open_files(), _threads()
        results = run_in_kernel(km, jobs[2:])
        grown_files, grown_threads = _open_files() - files, _threads() - threads
    finally:
        km.shutdown_kernel(now=True)
    assert [ok for ok, _, _ in results] == [True] * 10
    executed = nbformat.read(tmp_path / "c11.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["data"]["text/plain"] == "42"
    # Ten more chapters: before each client was closed, 124 more open files (measured).
    assert grown_files <= 2 and grown_threads <= 1, (grown_files, grown_threads)
