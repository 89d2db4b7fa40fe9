"""Two builds on one checkout: the second stops at once, naming the first (wres.book.guard)."""

from __future__ import annotations

import json
import os
import subprocess
import time

from conftest import WRES, fresh_copy, run_build


def test_a_second_build_refuses_with_the_first_ones_pid_and_the_first_completes(built_repo, tmp_path):
    repo = fresh_copy(built_repo, tmp_path)
    page = repo / "book" / "methods.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA change, so that Sphinx has work.\n", encoding="utf-8")
    env = {**os.environ, "WRES_ROOT": str(repo)}
    first = subprocess.Popen(
        [WRES, "build"], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lock = repo / "_build" / ".wres-build.lock"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if json.loads(lock.read_text() or "{}").get("pid") == first.pid:
                break
        except ValueError:
            pass
        time.sleep(0.05)
    second = run_build(repo)
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert "Site built" in out
    assert second.returncode == 3, second.stdout + second.stderr
    assert "another build is running on this checkout" in second.stderr
    assert f"PID {first.pid}" in second.stderr and "started 20" in second.stderr
    assert "Traceback" not in second.stderr
