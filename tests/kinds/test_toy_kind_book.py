"""A fifth indicator kind is one module plus a registry entry: the toy score-difference kind
(``toy_kind/toy_score_gap.py``), copied into a folder outside the repository and put on the
build's import path, builds a 20-organisation demonstration book of the fictional second
standard with one more indicator, with no file of the package changed."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml
from toy_kinds import SECOND, TOY_ID, toy_national_csv, write_toy_kind, write_toy_registry

from conftest import IGNORE, ROOT, WRES

# It builds a whole demonstration book (about 40 s): not for the fast lane.
pytestmark = pytest.mark.slow


def _published(published: Path, name: str, text: str) -> None:
    (published / name).write_text(text, encoding="utf-8")
    meta = {
        "title": f"Fictional {name}",
        "description": "Fictional figures for a test of a new indicator kind.",
        "compiled": "2026-12",
        "method": "Written by the test.",
        "licence": "CC0",
        "producer": "the test suite",
        "date_accessed": "2026-12",
        "md5": hashlib.md5((published / name).read_bytes()).hexdigest(),
    }
    (published / f"{name}.meta.yml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def toy_book(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("toy")
    repo = base / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    published = repo / "data" / "raw" / "published"
    shutil.rmtree(published)
    published.mkdir()
    _published(published, "wres_national_published.csv", toy_national_csv())
    _published(published, "wres_sources.csv", (SECOND / "sources.csv").read_text(encoding="utf-8"))
    write_toy_registry(repo / "registry.yml")
    kinds = write_toy_kind(base / "kinds").parent
    env = {**os.environ, "WRES_ROOT": str(repo), "PYTHONPATH": str(kinds)}
    proc = subprocess.run(
        [WRES, "demo", "--orgs", "20", "--registry", "registry.yml"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    # The kind came from outside the repository: the package has no module of that name.
    assert not list((repo / "src").rglob("toy_score_gap.py"))
    return repo


def _text(html_file: Path) -> str:
    """What a reader sees: the page without its markup, scripts (chart data) and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html_file.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_new_kind_has_organisation_results(toy_book):
    results = toy_book / "_build" / "demo" / "results"
    ti = pd.read_csv(results / "trust_indicators.csv")
    toy = ti[ti["indicator"] == TOY_ID]
    assert toy["org_code"].nunique() == 20
    assert set(toy["unit"]) == {"score points"} and set(toy["measure"]) == {"score_gap"}
    # The panel draws group A about 0.4 points below group B (toy_score_gap.synthetic_rows).
    assert toy["value"].between(-1.5, 0.5).all()
    assert (toy["ci_low"] < toy["value"]).all() and (toy["value"] < toy["ci_high"]).all()
    assert set(toy["funnel_position_95"]) <= {"inside", "above", "below"}
    # The other indicators' figures are drawn as before: the toy's rows come from their own stream.
    assert set(ti["indicator"]) == {1, 2, 3, TOY_ID}


def test_the_new_kind_has_a_chapter_without_raw_codes(toy_book):
    site = toy_book / "_build" / "demo" / "html" / "book" / "generated"
    page = _text(site / "measure-four.html")
    assert "Engagement score" in page
    assert "toy_score_gap" not in page and "grp_a" not in page and "score_gap" not in page


def test_pages_describe_the_new_kinds_value_in_its_words(toy_book):
    # The organisation section of the chapter and each organisation's page say what the value
    # is as the kind words it, not as another kind's ("Representation ratio").
    site = toy_book / "_build" / "demo" / "html" / "book" / "generated"
    label = "Mean engagement score (0-10), Group A minus Group B"
    for page in (site / "measure-four.html", site / "orgs" / "ZZ001.html"):
        text = _text(page)
        assert label in text, page.name
    assert "Representation ratio" not in _text(site / "measure-four.html")
