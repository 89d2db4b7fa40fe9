"""`make test` runs on two workers with ``--dist loadgroup``: tests that share an
``xdist_group`` must run on one worker, or each worker builds the shared sites again (the
conftest groups them; tests/conftest.py). Checked by running a tiny suite of four grouped
tests and reading which worker ran each."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = """
import pytest
pytestmark = pytest.mark.xdist_group("one")
def test_a(): pass
def test_b(): pass
def test_c(): pass
def test_d(): pass
"""


@pytest.mark.slow
def test_a_group_runs_on_one_worker(tmp_path: Path):
    (tmp_path / "test_grouped.py").write_text(SUITE, encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-c",
            "/dev/null",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    workers = re.findall(r"\[(gw\d)\] .*PASSED \S*test_grouped\.py::test_\w", run.stdout)
    assert len(workers) == 4 and len(set(workers)) == 1, run.stdout[-2000:]
