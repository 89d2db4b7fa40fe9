"""`wres accept` validates before it records (issue 17): a changed input that the build would
refuse keeps its old md5 and the command names file, line, column and value; a valid change
is recorded."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from conftest import IGNORE, NATIONAL_CSV, WRES, replace_line

ROOT = Path(__file__).resolve().parents[1]
SIDECAR = NATIONAL_CSV.with_name(NATIONAL_CSV.name + ".meta.yml")


def _copy(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    return dest


def _accept(repo: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WRES_ROOT": str(repo)}
    env.pop("WRES_REGISTRY", None)
    return subprocess.run([WRES, "accept", str(NATIONAL_CSV)], cwd=repo, env=env, capture_output=True, text=True)


def test_a_file_the_build_would_refuse_is_not_accepted(tmp_path):
    repo = _copy(tmp_path)
    csv = repo / NATIONAL_CSV
    csv.write_bytes(replace_line(2, ",17.7,percent,", ",seventeen,percent,")(csv.read_bytes()))
    before = (repo / SIDECAR).read_bytes()
    proc = _accept(repo)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "line 2" in proc.stderr and "'value'" in proc.stderr and "seventeen" in proc.stderr
    assert "The sidecar was not changed." in proc.stderr
    assert (repo / SIDECAR).read_bytes() == before


def test_a_valid_change_is_recorded(tmp_path):
    repo = _copy(tmp_path)
    csv = repo / NATIONAL_CSV
    csv.write_bytes(replace_line(2, "quoting an NHS England", "quoting NHS England's")(csv.read_bytes()))
    proc = _accept(repo)
    assert proc.returncode == 0, proc.stderr
    assert f"md5: {hashlib.md5(csv.read_bytes()).hexdigest()}" in (repo / SIDECAR).read_text()
