"""`wres report` writes a board-ready PDF from the demo build's results (run as a user would).

Needs the demo build (`wres demo --orgs 20`) in this repository's _build/demo, and poppler's
pdftotext/pdfinfo to read the PDF back independently of WeasyPrint; skips with a reason if
either is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from wres import results
from wres.kinds import kind_of
from wres.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
WRES = str(Path(sys.executable).with_name("wres"))
DEMO_RESULTS = ROOT / "_build" / "demo" / "results"
REPORTS = ROOT / "_build" / "demo" / "reports"
ORG = "ZZ001"

pytestmark = [
    # Reads the demo build that `make test` makes, and renders PDFs through WeasyPrint.
    pytest.mark.slow,
    # Its PDFs are written into the demo build's reports/ folder: one worker writes them all.
    pytest.mark.xdist_group("demo_reports"),
    pytest.mark.skipif(
        results.read(DEMO_RESULTS, "organisation_indicators").empty,
        reason=f"no demo build in {DEMO_RESULTS}: run `wres demo --orgs 20` first",
    ),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
        reason="poppler-utils (pdftotext, pdfinfo) not installed: apt-get install poppler-utils",
    ),
]


def wres_report(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WRES_ROOT": str(ROOT)}
    return subprocess.run([WRES, "report", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_text(pdf: Path, page: int | None = None) -> str:
    where = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", *where, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # line breaks inside a title are only layout


@pytest.fixture(scope="module")
def organisation_pdf() -> Path:
    proc = wres_report("--demo", ORG)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return REPORTS / f"{ORG}.pdf"


def test_organisation_report_fits_six_a4_pages(organisation_pdf):
    assert organisation_pdf.is_file()
    assert 1 <= pages(organisation_pdf) <= 6
    info = subprocess.run(["pdfinfo", str(organisation_pdf)], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 = 210 x 297 mm in points


def test_organisation_report_names_the_organisation_and_every_indicator(organisation_pdf):
    text = page_text(organisation_pdf)
    orgs = results.read(DEMO_RESULTS, "organisations")
    name = orgs.loc[orgs["org_code"] == ORG, "org_name"].iloc[0]
    assert name in text and ORG in text
    for ind in load_registry().indicators:
        assert ind.title in text, ind.title
    assert "95% CI" in text and "Page 1 of" in text


def test_every_page_says_the_data_are_synthetic(organisation_pdf):
    assert results.read_meta(DEMO_RESULTS)["synthetic"] is True
    for page in range(1, pages(organisation_pdf) + 1):
        assert "Synthetic demonstration data" in page_text(organisation_pdf, page), page
        assert f"Page {page} of {pages(organisation_pdf)}" in page_text(organisation_pdf, page)


def test_latest_value_is_the_one_in_the_results(organisation_pdf):
    """The first indicator's latest value, formatted by hand from the results CSV."""
    ti = results.read(DEMO_RESULTS, "organisation_indicators")
    ind = load_registry().indicators[0]
    rows = ti[(ti["org_code"] == ORG) & (ti["indicator"] == ind.id) & ti["value"].notna()].sort_values("year")
    value = rows["value"].iloc[-1]
    shown = f"{value:.1f}%" if kind_of(ind, load_registry()).unit == "percent" else f"{value:.2f}"
    assert shown in page_text(organisation_pdf, 1)


def test_national_report(tmp_path):
    proc = wres_report("--demo", "--national")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = REPORTS / "national.pdf"
    assert pdf.is_file() and 1 <= pages(pdf) <= 6
    text = page_text(pdf)
    for ind in load_registry().indicators:
        assert ind.title in text, ind.title


def test_unknown_code_is_one_clear_line_and_exit_2():
    proc = wres_report("--demo", "NOPE<1>")
    assert proc.returncode == 2
    assert "NOPE<1>" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_no_results_is_exit_2(tmp_path):
    """A project with no build: the command says so instead of failing with a traceback."""
    for name in ("_toc.yml", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    env = {**os.environ, "WRES_ROOT": str(tmp_path)}
    proc = subprocess.run([WRES, "report", ORG], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "no results" in proc.stderr and "Traceback" not in proc.stderr


def test_report_fetches_nothing_from_a_network():
    from wres.book.pdf import OfflineError, _fetcher

    with pytest.raises(OfflineError):
        _fetcher()("https://example.org/logo.png")


def test_names_from_data_are_escaped(tmp_path):
    """An organisation called like markup reaches the HTML as text, never as elements."""
    from wres.report.pdf_report import ORGANISATION_READS, Stamp, organisation_report_html

    for key in ORGANISATION_READS:
        shutil.copy(results.path(DEMO_RESULTS, key), tmp_path)
    shutil.copy(DEMO_RESULTS / results.ORGANISATION_META, tmp_path)
    ti = pd.read_csv(results.path(tmp_path, "organisation_indicators"), dtype=str, keep_default_na=False)
    ti.loc[ti["org_code"] == ORG, "org_name"] = '<img src="https://example.org/x.png">&Co'
    ti.to_csv(results.path(tmp_path, "organisation_indicators"), index=False)
    html = organisation_report_html(tmp_path, ORG, Stamp("2024-01-01", "test"))
    assert "<img" not in html
    assert "&lt;img src=&quot;https://example.org/x.png&quot;&gt;&amp;Co" in html


def test_national_figures_of_another_year_are_context_not_comparisons(organisation_pdf):
    # The demo's organisations have 2024 figures while several national series end earlier:
    # those national figures are labelled as another year's, never as a comparison.
    text = page_text(organisation_pdf)
    ti = results.read(DEMO_RESULTS, "organisation_indicators")
    series = results.read(DEMO_RESULTS, "national_series")
    latest_org = int(ti.loc[ti["org_code"] == ORG, "year"].max())
    if (series.groupby(["indicator", "series"])["report_year"].max() < latest_org).any():
        assert "another year: context, not compared" in text


def test_national_report_in_a_demo_only_checkout_names_the_command(tmp_path):
    """Only `wres demo` has run: `wres report --national` names the command that works instead
    of saying "build them first" (the demonstration build has the national results)."""
    for name in ("_toc.yml", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    demo = tmp_path / "_build" / "demo" / "results"
    demo.mkdir(parents=True)
    shutil.copy(DEMO_RESULTS / "national_summary.csv", demo / "national_summary.csv")
    env = {**os.environ, "WRES_ROOT": str(tmp_path)}
    proc = subprocess.run(
        [WRES, "report", "--national"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    said = " ".join(proc.stderr.split())
    assert "wres report --national --demo" in said and "build them first" not in said
    assert "Traceback" not in proc.stderr
