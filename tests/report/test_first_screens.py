"""Every first screen says where each indicator stands before its trend (issue 18), read from
the built sites and the board reports as a reader reads them, against values worked out here
from the input files (the csv module, not the package).

Needs `make test`'s two builds (national and the 20-organisation demonstration)."""

from __future__ import annotations

import csv
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from wres.registry import load_registry

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "_build" / "html" / "book"
DEMO = ROOT / "_build" / "demo" / "html" / "book"
PUBLISHED = ROOT / "data" / "raw" / "published"
REG = load_registry()
ORG = "ZZ001"


def _text(page: Path) -> str:
    if not page.exists():
        pytest.fail(f"{page} is missing: build the books first (make test)", pytrace=False)
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article")
    text = re.sub(r"\s+", " ", article.get_text(" "))
    # Links and bold split a sentence into pieces joined by spaces: rejoin the punctuation.
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([:),.;])", r"\1", text))


def _pdf_page_one(*args: str, layout: bool = False) -> str:
    env = {**os.environ, "WRES_ROOT": str(ROOT)}
    wres = str(Path(sys.executable).with_name("wres"))
    proc = subprocess.run([wres, "report", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = Path(proc.stdout.strip().splitlines()[-1].split("Wrote ", 1)[1].split(" (", 1)[0])
    opts = ["-layout"] if layout else []
    text = subprocess.run(
        ["pdftotext", *opts, "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    return text if layout else " ".join(text.split())


@pytest.fixture(scope="module")
def likelihood():
    """The first likelihood indicator's published national figures, its latest figure's source
    page and that page's kind, from the input files."""
    ind = next(i for i in REG.indicators if i.non_adverse)
    measure = ind.series_by_key(ind.headline_series).measure
    with (PUBLISHED / "wres_national_published.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["indicator"]) == ind.id and r["measure"] == measure]
    with (PUBLISHED / "wres_sources.csv").open(newline="", encoding="utf-8") as fh:
        kinds = {r["source"]: (r["kind"], r["source_outlet"]) for r in csv.DictReader(fh)}
    latest = max(rows, key=lambda r: int(r["report_year"]))
    return ind, rows, latest, kinds[latest["source"]]


def test_landing_page_opens_with_worst_and_improving_then_level_before_trend(likelihood):
    ind, rows, latest, (kind, outlet) = likelihood
    text = _text(NATIONAL / "intro.html")
    assert text.index("What is worst:") < text.index("What is improving:") < text.index("Where it stands")
    assert text.index("Where it stands") < text.index("Trend")
    # Every published figure of this likelihood lies above 1.25 (1.45 to 1.61 in the input),
    # so it has been outside the range in every published year since the first.
    lo, hi = ind.non_adverse
    assert all(float(r["value"]) > hi for r in rows)
    first = min(int(r["report_year"]) for r in rows)
    row = text[text.index(ind.title, text.index("Where it stands")) :][:400]
    assert f"above the non-adverse range ({lo:.2f}–{hi:.2f}) in every published year since {first}" in row
    # Its latest figure comes from a mirror copy (wres_sources.csv says so): the page says it.
    assert kind == "mirror of a personal article"
    assert f"{float(latest['value']):.2f} in the WRES report {latest['report_year']}" in row
    assert f"mirror copy on an unrelated site ({outlet})" in row


def test_overview_and_chapter_say_where_it_stands_before_the_trend(likelihood):
    ind, rows, latest, (_, outlet) = likelihood
    overview = _text(NATIONAL / "generated" / "overview.html")
    assert overview.index("What is worst:") < overview.index("Trends")
    chapter = _text(NATIONAL / "generated" / f"{ind.slug}.html")
    head = chapter[chapter.index(f"{float(latest['value']):.2f} times as likely") :][:900]
    assert head.index("above the non-adverse range") < head.index("statistically significant")
    assert f"mirror copy on an unrelated site ({outlet})" in head


def test_board_membership_reconciles_the_share_and_the_gap():
    ind = next(i for i in REG.indicators if i.comparison is not None and i.headline_series.endswith("gap"))
    senior = ind.series_by_key(ind.comparison.senior).measure
    workforce = ind.series_by_key(ind.comparison.workforce).measure
    with (PUBLISHED / "wres_national_published.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    board = {int(r["report_year"]): float(r["value"]) for r in rows if r["measure"] == senior}
    staff = {int(r["report_year"]): float(r["value"]) for r in rows if r["measure"] == workforce}
    both = sorted(set(board) & set(staff))
    a, b = both[0], both[-1]
    gap_a, gap_b = board[a] - staff[a], board[b] - staff[b]  # -10.6 and -12.1 from the input
    text = _text(NATIONAL / "generated" / f"{ind.slug}.html")
    assert (
        f"rose from {board[a]:.1f}% to {board[b]:.1f}% ({a}–{b}), but the gap to the whole workforce widened "
        f"from {abs(gap_a):.1f} to {abs(gap_b):.1f} percentage points"
    ) in text


def test_no_reader_page_says_no_published_figure():
    for book in (NATIONAL, DEMO):
        for page in book.rglob("*.html"):
            assert "no published" not in page.read_text(encoding="utf-8").lower(), page


def _katz(k1: float, n1: float, k2: float, n2: float) -> tuple[float, float, float]:
    rl = (k1 / n1) / (k2 / n2)
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    return rl, rl * math.exp(-1.959964 * se), rl * math.exp(1.959964 * se)


@pytest.fixture(scope="module")
def org_likelihood():
    """ZZ001's latest figure of the first likelihood indicator from the demo's input panel,
    and where its interval puts it against the non-adverse range (worked out here)."""
    ind = next(i for i in REG.indicators if i.non_adverse)
    with (ROOT / "_build" / "demo" / "trusts" / "synthetic_panel.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["org_code"] == ORG and int(r["indicator"]) == ind.id]
    year = max(int(r["year"]) for r in rows)
    counts = {r["group"]: (float(r["numerator"]), float(r["denominator"])) for r in rows if int(r["year"]) == year}
    top, bottom = ind.numerator_group, ind.comparison_group
    rl, lo, hi = _katz(*counts[top], *counts[bottom])
    a, b = ind.non_adverse
    if lo <= a and hi >= b:
        words = "too uncertain to place"
    elif lo > b:
        words = "above the non-adverse range"
    elif hi < a:
        words = "below the non-adverse range"
    elif a <= lo and hi <= b:
        words = "within the non-adverse range"
    else:
        side = "above" if rl > b else "below" if rl < a else "within"
        words = f"probably {side} the non-adverse range"
    return ind, rl, words


def test_profile_opens_with_each_indicator_level_england_peers_then_trend(org_likelihood):
    ind, rl, words = org_likelihood
    text = _text(DEMO / "generated" / "orgs" / f"{ORG}.html")
    assert text.index("What is worst:") < text.index("What is improving:")
    line = text[text.index(f"{ind.title}:", text.index("What is improving:")) :][:500]
    assert line.startswith(f"{ind.title}: {rl:.2f}")
    assert words in line
    assert line.index(words) < line.index("England") < line.index("other organisations") < line.index("trend:")


def test_board_report_page_one_has_the_level_england_peers_trend_table(org_likelihood):
    ind, rl, words = org_likelihood
    page = _pdf_page_one("--demo", ORG)
    for head in ("Level", "Against England", "Against peers", "Trend"):
        assert head in page
    for each in REG.indicators:
        # A name longer than its cell wraps, and pdftotext reads a row's cells line by line
        # across the row: the name's words in order, other cells' lines between them.
        words_in_order = r".{0,160}?".join(re.escape(w) for w in each.title.split())
        assert re.search(words_in_order, page), each.title
    assert "no published" not in page.lower()
    # In the laid-out text a row's first line holds the start of each cell: the indicator's
    # name, its figure and its level, side by side.
    layout = _pdf_page_one("--demo", ORG, layout=True)
    first_word = ind.title.split()[0]
    line = next(x for x in layout.splitlines() if x.strip().startswith(first_word) and f"{rl:.2f}" in x)
    assert words.split(" the ")[0] in line


def test_national_board_report_names_its_sources_and_the_mirror(likelihood):
    ind, rows, latest, (_, outlet) = likelihood
    page = _pdf_page_one("--national")
    assert "Figures published by NHS England, as transcribed from" in page
    assert "mirror copy on an unrelated site" in page
    row = page[page.index(ind.title, page.index("Level")) :][:500]
    assert f"({outlet})" in row and "above the non-adverse range" in row
