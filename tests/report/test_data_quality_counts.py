"""The Data page and the Data quality page give the same account of the national figures,
and both agree with counts made here from the input file and the charted series.

Read from the built national site (``make test`` builds it first), as a reader reads them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from wres.config import Paths

# Reads the pages and results/ of the national build that `make test` makes first.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "_build" / "html" / "book" / "generated"


def _text(name: str) -> str:
    page = PAGES / name
    if not page.exists():
        pytest.fail(f"{page} is missing: build the book first (make book)", pytrace=False)
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article")
    return re.sub(r"\s+", " ", article.get_text(" "))


@pytest.fixture(scope="module")
def independent() -> dict[str, int]:
    """Rows of the national input file (csv module), and the distinct input rows inside a
    charted series, testable or not, from results/national_series.csv."""
    paths = Paths(ROOT)
    with paths.national_csv.open(newline="", encoding="utf-8") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    series = pd.read_csv(paths.results / "national_series.csv")
    published = series[series["kind"] == "published"].drop_duplicates(["source_file", "source_line"])
    tested = int(published["testable"].sum())
    return {"rows": rows, "tested": tested, "not_tested": rows - tested, "charted_untested": len(published) - tested}


def _int(s: str) -> int:
    return int(s.replace(",", ""))


def test_data_page_counts_match_the_input_and_the_series(independent):
    text = _text("data.html")
    built = re.search(r"built from ([\d,]+) national figures", text)
    split = re.search(r"Of these, ([\d,]+) enters? the trend tests and ([\d,]+) (?:is|are) shown but not tested", text)
    assert built and split, text[:600]
    assert _int(built.group(1)) == independent["rows"]
    assert (_int(split.group(1)), _int(split.group(2))) == (independent["tested"], independent["not_tested"])
    flagged = re.search(r"([\d,]+): charted but excluded from trend tests", text)
    assert flagged and _int(flagged.group(1)) == independent["charted_untested"]


def test_data_quality_page_gives_the_same_counts(independent):
    text = _text("data-quality.html")
    name = Paths(ROOT).national_csv.name
    # The accounts table row of the national file: file, rows read, rows used, rows excluded.
    row = re.search(re.escape(name) + r" ([\d,]+) ([\d,]+) ([\d,]+)", text)
    assert row, text[:600]
    assert tuple(_int(g) for g in row.groups()) == (
        independent["rows"],
        independent["tested"],
        independent["not_tested"],
    )
