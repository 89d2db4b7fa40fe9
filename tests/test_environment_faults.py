"""Environment faults are one line naming the path and what to do (issue 17): a folder the
build must write that is not a folder (the same error path as a read-only or missing one,
and one that holds when tests run as root, who may write into read-only folders)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import IGNORE, run_build

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("folder", ["results", "_build"])
def test_a_blocked_output_folder_is_one_line(tmp_path, folder):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    blocker = repo / folder
    blocker.write_text("a file where a folder should be\n")
    proc = run_build(repo)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: cannot use ") and str(blocker) in " ".join(lines)
    assert "you may write to it" in proc.stderr
    assert blocker.read_text() == "a file where a folder should be\n"
