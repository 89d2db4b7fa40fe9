"""One number, one format, one verdict (issue 18), read from the built sites and the board
reports as a reader reads them: no code a reader sees unsaid in words, one q-value beside each
verdict, one verdict per series on every page, the organisation downloads as the page shows
them with their full-precision twin, England's missing figure said once.

Needs `make test`'s two builds (national and the 20-organisation demonstration)."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SITES = {"national": ROOT / "_build" / "html", "demo": ROOT / "_build" / "demo" / "html"}
PUBLISHED = ROOT / "data" / "raw" / "published"
ORG = "ZZ001"

#: snake_case tokens (``percent_of_trusts``, ``funnel_position_95``) and module paths
#: (``wres.inputs.synthetic.make_panel``).
SNAKE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/])")
MODULE = re.compile(r"\bwres(?:\.[a-z_][a-z0-9_]*)+")
#: File names and addresses are shown as they are (a reader types or clicks them).
NAMES = re.compile(r"\S+://\S+|[\w./-]+\.(?:csv|json|ya?ml|py|html|pdf|xlsx|ipynb|md)\b")
#: Pages whose job is to name the codes: the data dictionary is data/README.md published as it
#: is (every column of every file, by its name), and "Rebuild, add a year, fork" gives the
#: columns a fork writes into its own files.
ALLOWED_PAGES = {"book/data-dictionary.html", "book/reuse.html"}


def _visible_text(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "pre", "template"]):
        tag.decompose()
    # Code blocks and mathematics (TeX subscripts such as y_t) are not words for a reader.
    for tag in soup.select("div.highlight, div.cell_input, .math, span.math, div.math"):
        tag.decompose()
    return NAMES.sub(" ", re.sub(r"\s+", " ", soup.get_text(" ")))


def _codes(text: str) -> set[str]:
    return {m.group(0) for m in SNAKE.finditer(text)} | {m.group(0) for m in MODULE.finditer(text)}


def _pages(site: Path) -> list[Path]:
    if not (site / "index.html").exists():
        pytest.fail(f"{site} is missing: build the books first (make test)", pytrace=False)
    return [
        p
        for p in sorted(site.rglob("*.html"))
        if not {"_static", "_sources", "_downloads"} & set(p.relative_to(site).parts)
        and p.name not in ("search.html", "genindex.html")
    ]


def _article(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return re.sub(r"\s+", " ", (soup.select_one("article") or soup).get_text(" "))


def _pdf_text(*args: str) -> str:
    env = {**os.environ, "WRES_ROOT": str(ROOT)}
    wres = str(Path(sys.executable).with_name("wres"))
    proc = subprocess.run([wres, "report", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = Path(proc.stdout.strip().splitlines()[-1].split("Wrote ", 1)[1].split(" (", 1)[0])
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdfs() -> dict[str, str]:
    return {"national": _pdf_text("--national"), "demo": _pdf_text("--demo", ORG)}


@pytest.mark.parametrize("name", sorted(SITES))
def test_no_code_on_any_page_of_the_site(name):
    """Every page of both sites (text, tables, notes; not scripts, code blocks, mathematics,
    addresses or file names): no snake_case code or module path, except on the two pages
    that exist to name the files' columns."""
    site = SITES[name]
    found = {}
    for page in _pages(site):
        rel = page.relative_to(site).as_posix()
        if rel in ALLOWED_PAGES:
            continue
        codes = _codes(_visible_text(page))
        if codes:
            found[rel] = sorted(codes)
    assert not found, found
    # The allowed pages exist and do name codes (else the allow-list should shrink).
    assert all(_codes(_visible_text(site / p)) for p in ALLOWED_PAGES)


def test_scanner_finds_what_it_must():
    """The scanner itself, on a page made here: codes in text and table cells are found;
    scripts, code blocks, mathematics, addresses and file names are not."""
    html = (
        "<p>percent_of_trusts and wres.inputs.synthetic.make_panel</p><table><tr><td>as_published</td></tr></table>"
        "<script>var funnel_z = 1</script><div class='highlight'>org_code</div><span class='math'>y_t</span>"
        "<p>https://x.example/a_b results/trust_indicators.csv</p>"
    )
    page = Path(os.environ.get("TMPDIR", "/tmp")) / f"wres-scan-{os.getpid()}.html"
    page.write_text(html, encoding="utf-8")
    try:
        assert _codes(_visible_text(page)) == {"percent_of_trusts", "as_published", "wres.inputs.synthetic.make_panel"}
    finally:
        page.unlink()


@pytest.mark.parametrize("name", ["national", "demo"])
def test_no_code_in_the_board_reports(pdfs, name):
    text = NAMES.sub(" ", pdfs[name])
    assert not _codes(text), sorted(_codes(text))
    if name == "demo":
        assert "synthetic panel generator" in " ".join(pdfs[name].split())


def test_one_q_value_beside_each_verdict():
    """Each chapter's trend tables: one q-value in each verdict's row of the first table; the
    Mann–Kendall check gives its statistic, exact p and whether it agrees, never a second q."""
    ind_pages = sorted((SITES["national"] / "book" / "generated").glob("indicator-*.html"))
    assert len(ind_pages) >= 2
    checked = 0
    for page in ind_pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        main, detail = soup.select("table.wres-trends")[:2]
        heads = [th.get_text(" ", strip=True) for th in detail.select("thead th")]
        mk = next(i for i, h in enumerate(heads) if h.startswith("Mann–Kendall"))
        for tr in detail.select("tbody tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            assert not re.search(r"\bq [=<]", cells[mk]), cells
        for tr in main.select("tbody tr"):
            row = tr.get_text(" ", strip=True)
            assert len(re.findall(r"\bq [=<]", row)) <= 1, row
            checked += 1
    assert checked >= 9
    # Appointment's headline by hand from the chapter: regression q = 0.77, no significant change.
    text = _article(SITES["national"] / "book" / "generated" / "indicator-2.html")
    assert "q = 0.77 ● no significant change" in text


def test_one_q_value_in_each_note_of_the_national_report(pdfs):
    notes = [line for line in pdfs["national"].splitlines() if "Mann–Kendall" in line]
    assert notes, "the national report has no trend note"
    assert not any("Mann–Kendall test (q" in n or "Mann–Kendall test (p" in n for n in notes), notes


def _verdicts_by_series(page: Path) -> dict[str, set[str]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    out: dict[str, set[str]] = {}
    for table in soup.select("article table"):
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        if "Series" not in heads or not any(h.startswith("Verdict") for h in heads):
            continue
        s, v = heads.index("Series"), next(i for i, h in enumerate(heads) if h.startswith("Verdict"))
        for tr in table.select("tbody tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            if len(cells) == len(heads):
                verdict = re.sub(r"^\W+\s*", "", cells[v])  # without its symbol
                out.setdefault(cells[s], set()).add(verdict)
    return out


def test_one_verdict_per_series_on_every_page():
    """The whole workforce's share is charted under two indicators and tested once: every
    page gives it the same verdict. By hand from the input file: it rose in every published
    year, a series with no good direction, so "increasing"."""
    label = "BME % of the whole workforce"
    with (PUBLISHED / "wres_national_published.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["measure"] == "BME staff as % of all staff in NHS trusts (England)"]
    values = [float(r["value"]) for r in sorted(rows, key=lambda r: int(r["report_year"]))]
    assert len(values) >= 5 and all(b > a for a, b in zip(values, values[1:], strict=False))
    seen: dict[str, set[str]] = {}
    generated = SITES["national"] / "book" / "generated"
    for page in [*generated.glob("indicator-*.html"), generated / "what-changed.html"]:
        for series, verdicts in _verdicts_by_series(page).items():
            seen.setdefault(series, set()).update(verdicts)
    assert seen[label] == {"increasing"}, seen[label]
    changes = _article(generated / "what-changed.html")
    assert "not tested" not in changes
    assert "tested with Representation by pay band" in changes


def test_organisation_downloads_as_shown_and_at_full_precision():
    """The profile offers its figures twice: as the page shows them and at full precision;
    the counts in the first make its values (appointment: White rate ÷ BME rate)."""
    page = SITES["demo"] / "book" / "generated" / "orgs" / f"{ORG}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.select("a[href]") if a["href"].endswith(".csv")]
    shown = next(h for h in hrefs if h.endswith(f"{ORG}-wres-figures.csv"))
    full = next(h for h in hrefs if h.endswith(f"{ORG}-wres-figures-full-precision.csv"))
    with (page.parent / shown).resolve().open(newline="", encoding="utf-8") as fh:
        display = list(csv.DictReader(fh))
    with (page.parent / full).resolve().open(newline="", encoding="utf-8") as fh:
        precise = list(csv.DictReader(fh))
    assert [(r["indicator"], r["year"]) for r in display] == [(r["indicator"], r["year"]) for r in precise]
    text = _article(page)
    ratio = [r for r in display if r["value_meaning"].startswith("Relative likelihood (White") and r["value"]]
    assert ratio
    for r in ratio:
        assert re.fullmatch(r"\d+\.\d\d", r["value"]), r["value"]
        white = float(r["numerator_white"]) / float(r["denominator_white"])
        bme = float(r["numerator_bme"]) / float(r["denominator_bme"])
        if min(white, bme) > 0:
            assert abs(float(r["value"]) - white / bme) <= 0.005 + 1e-9, r
    # The latest appointment figure is the one the page shows.
    latest = max(ratio, key=lambda r: int(r["year"]))
    assert f"{latest['value']} (95% CI {latest['ci_low']} to {latest['ci_high']})" in text
    assert any(len(r["value"].split(".")[-1]) > 2 for r in precise if r["value"])


def test_england_missing_figure_is_said_once(pdfs):
    """The demo's latest year has no England figure for most indicators, whose report the book
    cites: each row carries the short marker, the report is named in one note per view."""
    report = "WRES 2024 data analysis report for NHS trusts"
    text = _article(SITES["demo"] / "book" / "generated" / "orgs" / f"{ORG}.html")
    markers = text.count("England's figure not yet transcribed (see note)")
    assert markers >= 4
    # The first screen's note and the table's note; never once per row.
    assert text.count(report) == 2, text.count(report)
    pdf = " ".join(pdfs["demo"].split())
    # (pdftotext reads a table's narrow cells line by line across the row: count a fragment.)
    assert pdf.count("transcribed (see") >= 4
    assert pdf.count(report) == 1
