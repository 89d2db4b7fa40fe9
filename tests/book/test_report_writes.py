"""`wres report` writes like the site (issue 17): through a temporary file renamed into place,
never through a symbolic link and never outside the repository; a bad organisation code or
an unwritable folder is one line, not a traceback.

Runs on a throwaway project holding a copy of the demo build's results (`wres demo --orgs 20`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import WRES
from wres import results

ROOT = Path(__file__).resolve().parents[2]
DEMO_RESULTS = ROOT / "_build" / "demo" / "results"
ORG = "ZZ001"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        results.read(DEMO_RESULTS, "organisation_indicators").empty,
        reason=f"no demo build in {DEMO_RESULTS}: run `wres demo --orgs 20` first",
    ),
]


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "_build" / "demo").mkdir(parents=True)
    for name in ("_toc.yml", "_config.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(DEMO_RESULTS, root / "_build" / "demo" / "results")
    return root


def report(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WRES_ROOT": str(root)}
    env.pop("WRES_REGISTRY", None)
    return subprocess.run([WRES, "report", *args], cwd=root, env=env, capture_output=True, text=True, timeout=600)


def test_a_link_at_the_report_path_is_replaced_not_written_through(project, tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"not yours")
    reports = project / "_build" / "demo" / "reports"
    reports.mkdir()
    (reports / f"{ORG}.pdf").symlink_to(outside)
    proc = report(project, "--demo", ORG)
    assert proc.returncode == 0, proc.stderr
    assert outside.read_bytes() == b"not yours"
    written = reports / f"{ORG}.pdf"
    assert not written.is_symlink() and written.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in reports.iterdir()) == [f"{ORG}.pdf"]  # no temporary file left


def test_a_report_folder_linked_outside_the_repository_is_refused(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "_build" / "demo" / "reports").symlink_to(elsewhere, target_is_directory=True)
    proc = report(project, "--demo", ORG)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "outside" in proc.stderr and "nothing was written" in proc.stderr
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("code", ["../../escape", "zz001", "A" * 40])
def test_an_organisation_code_that_is_not_one_is_refused(project, code):
    proc = report(project, "--demo", code)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "is not an organisation code" in proc.stderr
    assert not (project / "_build" / "demo" / "reports").exists()


def test_an_unwritable_report_folder_is_one_line(project):
    # A file where the folder should be: the same error as a read-only or missing folder,
    # and one that holds when the tests run as root (root writes into read-only folders).
    reports = project / "_build" / "demo" / "reports"
    reports.write_text("a file, not a folder")
    proc = report(project, "--demo", ORG)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cannot write" in proc.stderr and str(reports) in proc.stderr
    assert reports.read_text() == "a file, not a folder"


def test_a_six_thousand_character_name_keeps_the_summary_on_page_one(project):
    # The name reaches the report from the results tables: lengthen it there.
    from wres.io import write_csv

    results_dir = project / "_build" / "demo" / "results"
    ti = results.read(results_dir, "organisation_indicators")
    long_name = ("Northfield " * 600)[:6000]
    ti.loc[ti["org_code"] == ORG, "org_name"] = long_name
    write_csv(ti, results_dir / results.table("organisation_indicators").file)
    proc = report(project, "--demo", ORG)
    assert proc.returncode == 0, proc.stderr
    pdf = project / "_build" / "demo" / "reports" / f"{ORG}.pdf"
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= 6
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Summary" in first and "Full name:" in first
