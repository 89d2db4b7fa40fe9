"""Pages declare what they read (wres.book.reads): READS found in a module's source
without importing it, turned into results file names, with the old lists as a fallback."""

from __future__ import annotations

import sys
import textwrap

import pytest

from wres.book import reads
from wres.book.reads import (
    ReadsError,
    chapter_files,
    keys_to_files,
    page_files,
)


@pytest.fixture
def toy_package(tmp_path, monkeypatch):
    """A package ``toyreport`` whose modules import something that does not exist: reading
    READS must not import them."""
    pkg = tmp_path / "toyreport"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    modules = {
        "plain": 'import no_such_heavy_module\nREADS: tuple[str, ...] = ("national_trends", "national_fits")\n',
        "starred": (
            'import no_such_heavy_module\n_OWN = ("breakdowns",)\n'
            'READS = (*_OWN, "national_series") + ("quality_churn",)\n'
        ),
        "borrowing": (
            "import no_such_heavy_module\nfrom toyreport.plain import READS as PLAIN\n"
            'from toyreport import starred\nREADS = (*PLAIN, *starred.READS, "organisations")\n'
        ),
        "silent": "import no_such_heavy_module\nX = 1\n",
        "computed": 'import no_such_heavy_module\nREADS = tuple(sorted(["national_trends"]))\n',
        "typo": 'READS = ("national_trend",)\n',
    }
    for name, text in modules.items():
        (pkg / f"{name}.py").write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "toyreport"
    for name in [m for m in sys.modules if m.startswith("toyreport")]:
        del sys.modules[name]


def test_literal_reads_become_file_names(toy_package):
    assert page_files("plain", toy_package) == ("national_trends.csv", "national_fits.csv")
    assert "toyreport.plain" not in sys.modules


def test_starred_and_added_parts(toy_package):
    assert page_files("starred", toy_package) == ("breakdowns.csv", "national_series.csv", "quality_churn.csv")


def test_reads_borrowed_from_other_modules_and_organisation_meta(toy_package):
    assert page_files("borrowing", toy_package) == (
        "national_trends.csv",
        "national_fits.csv",
        "breakdowns.csv",
        "national_series.csv",
        "quality_churn.csv",
        "trust_orgs.csv",
        "trust_meta.json",
    )


def test_union_over_pages_keeps_first_seen_order(toy_package):
    assert chapter_files(("starred", "plain", "starred"), toy_package) == (
        "breakdowns.csv",
        "national_series.csv",
        "quality_churn.csv",
        "national_trends.csv",
        "national_fits.csv",
    )


def test_absent_reads_is_an_error(toy_package):
    with pytest.raises(ReadsError, match="declares no READS"):
        page_files("silent", toy_package)


def test_reads_that_need_importing_are_refused(toy_package):
    with pytest.raises(ReadsError, match="cannot work out"):
        page_files("computed", toy_package)


def test_unknown_key_is_named(toy_package):
    with pytest.raises(ReadsError, match="'national_trend'"):
        page_files("typo", toy_package)


def test_keys_to_files_by_hand():
    assert keys_to_files(("national_changes", "organisation_changes")) == (
        "national_changes.csv",
        "trust_changes.csv",
        "trust_meta.json",
    )
    assert keys_to_files(("quality_accounts",)) == ("quality_accounts.csv",)


def test_every_page_named_in_the_spec_resolves(root):
    from wres.book.spec import SPEC_FILE, load_spec

    spec = load_spec(root / SPEC_FILE)
    for page in {p for e in spec.entries() for p in e.reads_from}:
        files = page_files(page)
        assert files and all(not f.startswith("/") for f in files), page
        assert reads.module_file(f"wres.report.{page}").exists()


def test_data_page_hash_follows_results_only(root):
    # The data page shows provenance from the results; raw inputs reach it only through them.
    assert all("/" not in f for f in page_files("data_page"))
