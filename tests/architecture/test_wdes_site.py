"""A second standard side by side: ``wres build --registry examples/wdes.yml`` with the
synthetic WDES fixture builds a site of its own, in the WDES words, and leaves the WRES book
(its site, results, executed chapters and the committed ``_toc.yml``) byte for byte as it was.

One build (national only: the fixture has no organisation files; five years), on a copy of the
repository whose WRES book is already built (``built_repo``), about half a minute."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, fresh_copy, run_build, tree_digest

FIXTURE = FIXTURES / "wdes"


def _wres_state(repo: Path) -> dict[str, dict[str, str]]:
    return {
        "site": tree_digest(repo / "_build" / "html"),
        "results": tree_digest(repo / "results"),
        "chapters": tree_digest(repo / "book" / "generated"),
        "toc": hashlib.sha256((repo / "_toc.yml").read_bytes()).hexdigest(),
    }


@pytest.fixture(scope="module")
def wdes(built_repo, tmp_path_factory) -> tuple[Path, dict, dict]:
    repo = fresh_copy(built_repo, tmp_path_factory.mktemp("wdes"))
    before = _wres_state(repo)
    proc = run_build(repo, "--registry", "examples/wdes.yml", "--published", "tests/fixtures/wdes")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return repo, before, _wres_state(repo)


def _pages(repo: Path) -> dict[str, str]:
    site = repo / "_build" / "wdes" / "html"
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def _text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_wres_book_and_its_toc_are_untouched(wdes):
    repo, before, after = wdes
    assert before["site"], "the WRES site should have been built before"
    assert after == before


def test_the_wdes_site_has_its_own_folder_and_toc(wdes):
    repo, _, _ = wdes
    own = repo / "_build" / "wdes"
    assert (own / "html" / "index.html").is_file()
    assert (own / "results" / "national_summary.csv").is_file()
    toc = (own / "src" / "book" / "generated" / "_toc.yml").read_text(encoding="utf-8")
    assert "book/generated/metric-4a-i" in toc and "indicator-1" not in toc


def test_no_wres_words_on_any_page(wdes):
    repo, _, _ = wdes
    pages = _pages(repo)
    # Every built page (the whole source, chart specifications included), not a sample.
    assert len(pages) >= 20
    for name, page in pages.items():
        found = re.findall(r"WRES|BME|Indicator \d", page)
        assert not found, (name, sorted(set(found)))


def test_pages_speak_the_wdes_words(wdes):
    repo, _, _ = wdes
    pages = _pages(repo)
    metric = _text(pages["book/generated/metric-4a-i.html"])
    # The registry's title for metric 4a(i), written out here by hand.
    assert "Metric 4a(i): Harassment, bullying or abuse from patients and the public" in metric
    assert "WDES report year" in pages["book/generated/metric-4a-i.html"]
    assert "The 12 metrics" in _text(pages["book/intro.html"])
    for name, page in pages.items():
        if name.startswith("book/"):  # index.html only redirects to book/intro.html
            assert "Synthetic figures: every number in this build was made up" in _text(page), name


def test_a_figure_from_the_fixture_is_on_its_page(wdes):
    repo, _, _ = wdes
    # Metric 8 (id 11): the latest synthetic figure, read from the fixture file itself.
    with (FIXTURE / "wdes_national_published.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["indicator"] == "11"]
    latest = max(rows, key=lambda r: int(r["report_year"]))
    page = _text(_pages(repo)["book/generated/metric-8.html"])
    expected = (
        f"{float(latest['value']):.1f}% of disabled staff said their employer had made adequate adjustments "
        f"to enable them to carry out their work in the {int(latest['survey_year'])} NHS Staff Survey "
        f"(WDES report {latest['report_year']})"
    )
    assert expected in page
