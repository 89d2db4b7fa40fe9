"""Malformed inputs, end to end (issue: bad input). Each case is either handled by a
documented rule or stops the build with a message naming file, row/line and column; in
every case the previously published site is left exactly as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import edit_national, fresh_copy, replace_line, tree_digest
from wres.book.pipeline import build
from wres.config import Paths
from wres.inputs.validate import DataError

NATIONAL = Path("data/raw/published/wres_national_published.csv")
TRUSTS = Path("data/raw/trusts")
LONG_HEADER = "year,org_code,org_name,region,org_type,indicator,band,group,numerator,denominator,percent\n"


def org_row(year="2024", code="ZX001", name="Demo Trust", ind="3", group="bme", num="5", den="100", pct=""):
    return f"{year},{code},{name},London,acute,{ind},,{group},{num},{den},{pct}\n"


def good_orgs(extra: str = "") -> str:
    return LONG_HEADER + org_row(group="bme") + org_row(group="white", num="9", den="400") + extra


def write_trusts(text: str | bytes, name: str = "orgs.csv"):
    def apply(repo: Path):
        (repo / TRUSTS).mkdir(parents=True, exist_ok=True)
        target = repo / TRUSTS / name
        target.write_bytes(text if isinstance(text, bytes) else text.encode())

    return apply


# (case id, how to break the input, expected message parts: file, line/row, column)
STOPS = [
    ("empty national file", edit_national(lambda b: b""), ["wres_national_published.csv", "empty"]),
    (
        "wrong delimiter",
        edit_national(lambda b: b.replace(b",", b";")),
        ["wres_national_published.csv", "line 1", "other than commas"],
    ),
    (
        "missing column",
        edit_national(lambda b: b.replace(b",quality", b",qualty", 1)),
        ["wres_national_published.csv", "line 1", "column 'quality'"],
    ),
    ("unknown indicator", edit_national(replace_line(3, "1,", "10,")), ["line 3", "column 'indicator'", "10"]),
    (
        "non-numeric text",
        edit_national(replace_line(2, ",17.7,", ",seventeen,")),
        ["line 2", "column 'value'", "seventeen"],
    ),
    ("percentage above 100", edit_national(replace_line(2, ",17.7,", ",177,")), ["line 2", "column 'value'", "177"]),
    (
        "year as 2022/23",
        edit_national(replace_line(8, ",2022,2022,", ",2022,2022/23,")),
        ["line 8", "column 'report_year'", "2022/23"],
    ),
    (
        "year as FY2023",
        edit_national(replace_line(14, ",2023,2023,", ",2023,FY2023,")),
        ["line 14", "column 'report_year'", "FY2023"],
    ),
    (
        "unknown quality flag",
        edit_national(replace_line(2, "as_published", "as_publshed")),
        ["line 2", "column 'quality'", "as_publshed"],
    ),
    (
        "duplicate key, different value",
        edit_national(lambda b: b + b.decode().splitlines(keepends=True)[1].replace(",17.7,", ",18.7,").encode()),
        ["column 'value'", "duplicate figure"],
    ),
    (
        "negative count",
        write_trusts(
            good_orgs(org_row(code="ZX002", num="-3")),
        ),
        ["orgs.csv", "line 4", "numerator", "-3"],
    ),
    (
        "numerator above denominator",
        write_trusts(good_orgs(org_row(code="ZX002", num="300", den="100"))),
        ["orgs.csv", "line 4", "numerator"],
    ),
    (
        "trust percentage above 100",
        write_trusts(good_orgs(org_row(code="ZX002", ind="5", num="", den="80", pct="140"))),
        ["orgs.csv", "line 4", "percent", "140"],
    ),
    (
        "trust year as FY2023",
        write_trusts(good_orgs(org_row(year="FY2023", code="ZX002"))),
        ["orgs.csv", "line 4", "year", "FY2023"],
    ),
    (
        "trust unknown indicator",
        write_trusts(good_orgs(org_row(code="ZX002", ind="12"))),
        ["orgs.csv", "line 4", "indicator", "12"],
    ),
    ("corrupt XLSX", write_trusts(b"PK\x03\x04 this is not really a spreadsheet", "broken.xlsx"), ["broken.xlsx"]),
    ("empty trust file", write_trusts(b"", "empty.csv"), ["empty.csv"]),
]


@pytest.fixture(scope="module")
def repo_with_site(built_repo, tmp_path_factory) -> Path:
    return fresh_copy(built_repo, tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize(("case", "breaker", "expected"), STOPS, ids=[c[0] for c in STOPS])
def test_malformed_input_stops_and_keeps_site(repo_with_site, tmp_path, case, breaker, expected):
    repo = tmp_path / "repo"
    shutil.copytree(repo_with_site, repo, symlinks=True)
    site_before = tree_digest(repo / "_build" / "html")
    results_before = tree_digest(repo / "results")
    inputs_before_break = tree_digest(repo / "data")
    breaker(repo)
    inputs_after_break = tree_digest(repo / "data")
    assert inputs_after_break != inputs_before_break, f"{case}: the breaker changed nothing"
    with pytest.raises(DataError) as err:
        build(Paths(repo), workers=1)
    message = str(err.value)
    for part in expected:
        assert part in message, f"{case}: {part!r} not in {message}"
    assert tree_digest(repo / "_build" / "html") == site_before, case
    assert tree_digest(repo / "results") == results_before, case
    assert tree_digest(repo / "data") == inputs_after_break, "inputs must never be modified"


def test_handled_by_rule_byte_order_mark_and_suppressed_cells(repo_with_site, tmp_path):
    """Documented rules: a UTF-8 byte-order mark is accepted; suppressed cells (*, -, ..,
    blank) become missing with a recorded reason."""
    from wres.inputs.national import load_national
    from wres.inputs.organisations import load_trust_file

    repo = tmp_path / "repo"
    shutil.copytree(repo_with_site, repo, symlinks=True)
    p = repo / NATIONAL
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert len(load_national(p)) > 100
    f = tmp_path / "supp.csv"
    f.write_text(good_orgs(org_row(code="ZX002", num="*")) + org_row(code="ZX003", num=".."))
    df = load_trust_file(f)
    reasons = df.loc[df["org_code"].isin(["ZX002", "ZX003"]), "missing_reason"].tolist()
    assert reasons == ["suppressed (*)", "not available (..)"]


def test_mapping_naming_a_missing_column(fixtures, tmp_path):
    from wres.inputs.importer import import_wide, shipped_mapping

    bad = tmp_path / "bad.yml"
    bad.write_text(shipped_mapping().read_text().replace("Organisation name", "Organisation nom", 1))
    with pytest.raises(DataError) as err:
        import_wide(fixtures / "trusts" / "org_level_fixture.xlsx", bad)
    assert "bad.yml" in str(err.value) and "Organisation nom" in str(err.value)


def test_a_year_with_no_usable_data_is_reported_not_fatal():
    """Documented rule: a year whose every figure is suppressed stays in the data with its
    reasons; its estimates are missing and pages say so, nothing crashes."""
    import pandas as pd

    from wres.analysis.organisations import analyse_trusts

    rows = []
    for year, num in ((2023, "5"), (2024, None)):
        for group, den in (("bme", 100), ("white", 400)):
            rows.append(
                {
                    "year": year,
                    "org_code": "ZX001",
                    "org_name": "Demo",
                    "region": "London",
                    "org_type": "acute",
                    "indicator": 3,
                    "band": "",
                    "group": group,
                    "numerator": None if num is None else int(num),
                    "denominator": den,
                    "percent": None,
                    "missing_reason": "" if num else "suppressed (*)",
                }
            )
    df = pd.DataFrame(rows).astype({"numerator": "Int64", "denominator": "Int64", "percent": "Float64"})
    out = analyse_trusts(df)
    ti = out["trust_indicators"]
    latest = ti[(ti["year"] == 2024) & (ti["indicator"] == 3)]
    assert len(latest) == 1 and pd.isna(latest["value"].iloc[0])
