"""The registry's ``site:`` block: a standard's words, data files and build folder. The
defaults are the WRES book's own words; the WDES example registry names its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wres.config import Paths
from wres.registry import RegistryError, load_registry, parse_registry

ROOT = Path(__file__).resolve().parents[1]
WDES = ROOT / "examples" / "wdes.yml"


def test_defaults_are_the_wres_books_words():
    reg = load_registry()
    ind = reg.indicator(3)
    # The words the WRES pages printed before the registry named them (written out by hand).
    assert ind.name == "Indicator 3"
    assert reg.site.year_words == "WRES report year"
    assert ind.year_phrase(2024) == "WRES report 2024"
    assert reg.indicator(5).year_phrase(2024) == "2023 NHS Staff Survey (WRES report 2024)"
    assert reg.site.short_name == "WRES"
    assert reg.site.output is None and reg.site.title is None and reg.site.landing is None
    paths = Paths(ROOT).for_registry(reg)
    assert paths.national_csv == ROOT / "data" / "raw" / "published" / "wres_national_published.csv"
    assert paths.sources_csv == ROOT / "data" / "raw" / "published" / "wres_sources.csv"
    assert paths.site == ROOT / "_build" / "html" and paths.results == ROOT / "results"
    assert paths.source == ROOT


def test_wdes_example_names_its_words_files_and_folder():
    reg = load_registry(WDES)
    assert reg.standard.short_name == "WDES"
    # The WDES numbering, as NHS England writes it; 9a and 9b are left out (see the file).
    codes = [i.code for i in reg.indicators]
    assert codes == ["1", "2", "3", "4a(i)", "4a(ii)", "4a(iii)", "4b", "5", "6", "7", "8", "10"]
    assert reg.indicator(4).name == "Metric 4a(i)"
    assert reg.indicator(4).year_phrase(2024) == "2023 NHS Staff Survey (WDES report 2024)"
    assert reg.site.year_words == "WDES report year"
    assert reg.site.plural == "metrics"
    paths = Paths(ROOT).for_registry(reg, ROOT / "tests" / "fixtures" / "wdes")
    assert paths.national_csv == ROOT / "tests" / "fixtures" / "wdes" / "wdes_national_published.csv"
    own = ROOT / "_build" / "wdes"
    assert (paths.site, paths.results, paths.source, paths.trusts) == (
        own / "html",
        own / "results",
        own / "src",
        own / "trusts",
    )
    assert paths.chapters == own / "src" / "book" / "generated"
    for page in reg.site.pages.values():
        assert (WDES.parent / page).is_file(), page


def test_replacing_pages_needs_a_build_of_its_own():
    data = yaml.safe_load(WDES.read_text(encoding="utf-8"))
    del data["site"]["output"]
    with pytest.raises(RegistryError, match="site.output"):
        parse_registry(yaml.safe_dump(data), "wdes.yml")


def test_an_indicator_code_must_look_like_one():
    data = yaml.safe_load(WDES.read_text(encoding="utf-8"))
    data["indicators"][0]["code"] = "1<b>"
    with pytest.raises(RegistryError, match="code"):
        parse_registry(yaml.safe_dump(data), "wdes.yml")


def test_wres_toc_refuses_a_registry_with_a_build_of_its_own(tmp_path):
    toc = (ROOT / "_toc.yml").read_bytes()
    wres = str(Path(sys.executable).with_name("wres"))
    proc = subprocess.run(
        [wres, "toc", "--root", str(ROOT)],
        env={**os.environ, "WRES_REGISTRY": str(WDES)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "_build/wdes/" in proc.stderr
    assert (ROOT / "_toc.yml").read_bytes() == toc
