"""The registry drives the book: a fictional second standard (three indicators, other group
codes and words) builds a whole book, national and demonstration, with no code change."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, IGNORE, ROOT, run_build

# Runs `wres demo` on a second standard: a whole national and demonstration build.
pytestmark = pytest.mark.slow

SECOND = FIXTURES / "second_registry"


def _sidecar(data: Path, title: str) -> None:
    meta = {
        "title": title,
        "description": "Fictional figures for a test of the registry.",
        "compiled": "2026-12",
        "method": "Written by hand for the test.",
        "licence": "CC0",
        "producer": "the test suite",
        "date_accessed": "2026-12",
        "md5": hashlib.md5(data.read_bytes()).hexdigest(),
    }
    data.with_name(data.name + ".meta.yml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def second_book(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("second") / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    published = repo / "data" / "raw" / "published"
    shutil.rmtree(published)
    published.mkdir()
    # The loader's file names are the book's; their content is the fictional standard's.
    for src, name in (("national.csv", "wres_national_published.csv"), ("sources.csv", "wres_sources.csv")):
        shutil.copy(SECOND / src, published / name)
        _sidecar(published / name, f"Fictional {name}")
    shutil.copy(SECOND / "registry.yml", repo / "registry.yml")
    proc = run_build(repo, "--registry", "registry.yml", "--orgs", "6", command="demo")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return repo


def _text(html_file: Path) -> str:
    return re.sub(r"<[^>]+>", " ", html_file.read_text(encoding="utf-8"))


def test_one_chapter_per_registry_indicator(second_book):
    registry = yaml.safe_load((SECOND / "registry.yml").read_text())
    site = second_book / "_build" / "demo" / "html"
    generated = site / "book" / "generated"
    slugs = sorted(p.stem for p in generated.glob("measure-*.html"))
    assert slugs == ["measure-one", "measure-three", "measure-two"]
    assert not list(generated.glob("indicator-*.html"))
    for ind in registry["indicators"]:
        page = _text(generated / f"{ind['slug']}.html")
        assert ind["title"] in page


def test_pages_speak_the_second_standards_words(second_book):
    site = second_book / "_build" / "demo" / "html" / "book" / "generated"
    overview = _text(site / "overview.html")
    assert "three" in overview.lower() or "3 " in overview
    for page in ["overview", "measure-one", "measure-two", "measure-three", "organisations"]:
        text = _text(site / f"{page}.html")
        # The race standard's words and count never leak into the fictional book's pages.
        assert not re.search(r"\b(BME|White|nine)\b", text), page
    assert "Group A" in _text(site / "measure-three.html")


def test_organisation_profiles_are_built(second_book):
    profiles = sorted((second_book / "_build" / "demo" / "html" / "book" / "generated" / "orgs").glob("*.html"))
    assert len(profiles) == 6
    assert "Group A" in _text(profiles[0])
