"""`wres analyse`: the analysis alone (validate, analyse, write results/), no chapters and no
Sphinx (issue 16): the tables a build writes, in a fraction of its time."""

from __future__ import annotations

import shutil

import pytest

from conftest import IGNORE, ROOT, run_build

pytestmark = pytest.mark.slow


def test_analyse_writes_the_results_and_nothing_else(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    proc = run_build(repo, command="analyse")
    assert proc.returncode == 0, proc.stderr
    assert "Results written" in proc.stdout
    written = {p.name for p in (repo / "results").glob("*.csv")}
    assert {"national_trends.csv", "national_series.csv", "calibration.csv"} <= written
    assert not (repo / "_build" / "html").exists() and not (repo / "book" / "generated").exists()
    again = run_build(repo, command="analyse")
    assert again.returncode == 0 and "unchanged" in again.stdout


def test_analyse_demo_without_demo_data_says_what_to_run(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    proc = run_build(repo, "--demo", command="analyse")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "wres demo-data --orgs" in proc.stderr
