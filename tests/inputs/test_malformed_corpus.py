"""A corpus of malformed inputs, fed to `wres build` as a user would: every one stops with
exit code 2 and a message naming the file, the line or row, the column and the value, printed
literally (no terminal markup, no emoji codes), and no traceback ever reaches the user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import hostile_sheets
import pytest

from conftest import edit_national, replace_line

ROOT = Path(__file__).resolve().parents[2]
WRES = str(Path(sys.executable).with_name("wres"))

# One `wres build` process per case (start-up, imports, validation): minutes in all, so it
# runs in `make test` and not in `make test-fast`; the readers' own tests cover the rules fast.
pytestmark = pytest.mark.slow

ORGS = "data/raw/trusts"
HEADER = "year,org_code,org_name,region,org_type,indicator,band,group,numerator,denominator,percent\n"


def org(
    year="2024", code="ZX001", name="Demo Trust", ind="3", group="bme", num="5", den="100", pct="", region="London"
) -> str:
    return f"{year},{code},{name},{region},acute,{ind},,{group},{num},{den},{pct}\n"


def orgs_file(*rows: str, name: str = "orgs.csv", raw: bytes | None = None):
    def apply(repo: Path) -> None:
        (repo / ORGS).mkdir(parents=True, exist_ok=True)
        text = HEADER + org(group="bme") + org(group="white", num="9", den="400") + "".join(rows)
        (repo / ORGS / name).write_bytes(raw if raw is not None else text.encode())

    return apply


def xlsx(build_book):
    def apply(repo: Path) -> None:
        (repo / ORGS).mkdir(parents=True, exist_ok=True)
        build_book(repo / ORGS / "orgs.xlsx")

    return apply


def _formula_without_cached_value(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append([2024, "ZX001", "Demo", "London", "acute", 3, None, "bme", "=2+3", 100, None])
    wb.save(path)  # openpyxl writes formulas without a cached value, as a spreadsheet never opened would


def _second_sheet(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    for row in (HEADER + org(group="bme") + org(group="white", num="9", den="400")).splitlines():
        first.append(row.split(","))
    other = wb.create_sheet("More figures")
    for row in (HEADER + org(code="ZX002")).splitlines():
        other.append(row.split(","))
    wb.save(path)


def _outside_symlink(repo: Path) -> None:
    outside = repo.parent / "outside.csv"
    outside.write_text(HEADER + org(code="ZX009"))
    (repo / ORGS).mkdir(parents=True, exist_ok=True)
    (repo / ORGS / "linked.csv").symlink_to(outside)


BIG = "99999999999999999999"

# (case, breaker, parts the message must contain)
CASES = [
    ("national: empty file", edit_national(lambda b: b""), ["wres_national_published.csv", "empty"]),
    (
        "national: header only",
        edit_national(lambda b: b.splitlines(keepends=True)[0]),
        ["wres_national_published.csv", "no data rows"],
    ),
    ("national: semicolons", edit_national(lambda b: b.replace(b",", b";")), ["wres_national_published.csv", "line 1"]),
    (
        "national: missing column",
        edit_national(lambda b: b.replace(b",quality", b",qualty", 1)),
        ["line 1", "'quality'"],
    ),
    ("national: unknown indicator", edit_national(replace_line(3, "1,", "10,")), ["line 3", "'indicator'", "10"]),
    (
        "national: text value",
        edit_national(replace_line(2, ",17.7,", ",seventeen,")),
        ["line 2", "'value'", "seventeen"],
    ),
    ("national: percent above 100", edit_national(replace_line(2, ",17.7,", ",177,")), ["line 2", "'value'", "177"]),
    ("national: infinite value", edit_national(replace_line(2, ",17.7,", ",1e400,")), ["line 2", "'value'", "1e400"]),
    ("national: NaN value", edit_national(replace_line(2, ",17.7,", ",NaN,")), ["line 2", "'value'", "NaN"]),
    ("national: negative ratio", edit_national(replace_line(35, ",1.57,", ",-1.57,")), ["line 35", "'value'", "-1.57"]),
    (
        "national: year 2022/23",
        edit_national(replace_line(8, ",2022,2022,", ",2022,2022/23,")),
        ["line 8", "'report_year'", "2022/23"],
    ),
    (
        "national: huge year",
        edit_national(replace_line(8, ",2022,2022,", f",2022,{BIG},")),
        ["line 8", "'report_year'", BIG],
    ),
    (
        "national: far future year",
        edit_national(replace_line(8, ",2022,2022,", ",2022,2999,")),
        ["line 8", "'report_year'", "2999"],
    ),
    (
        "national: unknown quality flag",
        edit_national(replace_line(2, "as_published", "as_publshed")),
        ["line 2", "'quality'", "as_publshed"],
    ),
    (
        "national: markup in a value",
        edit_national(replace_line(2, ",17.7,", ",[/]17.7[bold],")),
        ["line 2", "'value'", "[/]17.7[bold]"],
    ),
    (
        "national: emoji code in a value",
        edit_national(replace_line(2, ",17.7,", ",:x:,")),
        ["line 2", "'value'", ":x:"],
    ),
    (
        "national: not UTF-8",
        edit_national(lambda b: b.replace(b"England", "Engl\u00e4nd".encode("latin-1"), 1)),
        ["wres_national_published.csv", "UTF-8"],
    ),
    (
        "national: NUL byte",
        edit_national(lambda b: b.replace(b"England", b"Eng\x00land", 1)),
        ["wres_national_published.csv", "line 2"],
    ),
    ("national: too many fields", edit_national(replace_line(2, "as_published", "as_published,extra")), ["line 2"]),
    (
        "organisations: negative count",
        orgs_file(org(code="ZX002", num="-3")),
        ["orgs.csv", "line 4", "'numerator'", "-3"],
    ),
    (
        "organisations: numerator above denominator",
        orgs_file(org(code="ZX002", num="300")),
        ["orgs.csv", "line 4", "'numerator'", "300"],
    ),
    (
        "organisations: percent above 100",
        orgs_file(org(code="ZX002", ind="5", num="", den="80", pct="140")),
        ["orgs.csv", "line 4", "'percent'", "140"],
    ),
    ("organisations: FY year", orgs_file(org(year="FY2023", code="ZX002")), ["orgs.csv", "line 4", "'year'", "FY2023"]),
    ("organisations: huge year", orgs_file(org(year=BIG, code="ZX002")), ["orgs.csv", "line 4", "'year'", BIG]),
    (
        "organisations: unknown indicator",
        orgs_file(org(code="ZX002", ind="12")),
        ["orgs.csv", "line 4", "'indicator'", "12"],
    ),
    ("organisations: huge count", orgs_file(org(code="ZX002", num=BIG, den=BIG)), ["orgs.csv", "line 4", BIG]),
    (
        "organisations: count in exponent form",
        orgs_file(org(code="ZX002", num="1e3", den="2000")),
        ["orgs.csv", "line 4", "'numerator'", "1e3"],
    ),
    (
        "organisations: count with underscore",
        orgs_file(org(code="ZX002", num="1_0")),
        ["orgs.csv", "line 4", "'numerator'", "1_0"],
    ),
    (
        "organisations: non-ASCII digits",
        orgs_file(org(code="ZX002", num="\u0663")),
        ["orgs.csv", "line 4", "'numerator'", "\u0663"],
    ),
    (
        "organisations: code is a path",
        orgs_file(org(code="../../../../X")),
        ["orgs.csv", "line 4", "'org_code'", "../../../../X"],
    ),
    ("organisations: code with a slash", orgs_file(org(code="AB/12")), ["orgs.csv", "line 4", "'org_code'", "AB/12"]),
    ("organisations: code too long", orgs_file(org(code="Z" * 300)), ["orgs.csv", "line 4", "'org_code'"]),
    ("organisations: code with a space", orgs_file(org(code="ZX 01")), ["orgs.csv", "line 4", "'org_code'", "ZX 01"]),
    (
        "organisations: one code, two names",
        orgs_file(org(name="Another Name", group="unknown", num="1", den="3")),
        ["orgs.csv", "line 4", "'org_name'", "Another Name"],
    ),
    (
        "organisations: one code, two regions",
        orgs_file(org(region="Midlands", group="unknown", num="1", den="3")),
        ["orgs.csv", "line 4", "'region'", "Midlands"],
    ),
    (
        "organisations: markup in a name",
        orgs_file(org(code="ZX002", name="[/] [bold]x", num="-1")),
        ["orgs.csv", "line 4", "-1"],
    ),
    (
        "organisations: corrupt XLSX",
        orgs_file(name="broken.xlsx", raw=b"PK\x03\x04 not a spreadsheet"),
        ["broken.xlsx"],
    ),
    ("organisations: empty CSV", orgs_file(name="empty.csv", raw=b""), ["empty.csv"]),
    ("organisations: unsupported .ods", orgs_file(name="figures.ods", raw=b"PK\x03\x04"), ["figures.ods"]),
    ("organisations: compressed CSV", orgs_file(name="figures.csv.gz", raw=b"\x1f\x8b\x08\x00"), ["figures.csv.gz"]),
    (
        "organisations: formula without a cached value",
        xlsx(_formula_without_cached_value),
        ["orgs.xlsx", "row 2", "'numerator'", "=2+3"],
    ),
    ("organisations: data on a second sheet", xlsx(_second_sheet), ["orgs.xlsx", "More figures"]),
    (
        "organisations: a sheet declaring 17 billion cells",
        xlsx(hostile_sheets.dimension_lie),
        ["orgs.xlsx [sheet 'Sheet']", "17,179,869,184 cells", "the limit is 5,000,000"],
    ),
    ("organisations: symlink outside the repository", _outside_symlink, ["linked.csv", "outside"]),
]


@pytest.fixture(scope="module")
def minimal_repo(tmp_path_factory) -> Path:
    """Just what validation reads: the book's two config files and the raw inputs."""
    dest = tmp_path_factory.mktemp("corpus") / "repo"
    dest.mkdir()
    for name in ("_toc.yml", "_config.yml", "book/site.yml"):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "data" / "raw" / "published", dest / "data" / "raw" / "published")
    return dest


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize(("case", "breaker", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input_is_named_without_traceback(minimal_repo, tmp_path, case, breaker, expected):
    repo = tmp_path / "repo"
    shutil.copytree(minimal_repo, repo)
    breaker(repo)
    inputs = _tree(repo / "data")
    env = {**os.environ, "WRES_ROOT": str(repo), "COLUMNS": "400"}
    proc = subprocess.run(
        [WRES, "build", "--workers", "1"], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, f"{case}: a traceback reached the user:\n{out[-3000:]}"
    assert proc.returncode == 2, f"{case}: exit {proc.returncode}\n{out[-3000:]}"
    for part in expected:
        assert part in out, f"{case}: {part!r} not in the message:\n{out[-3000:]}"
    assert not (repo / "results").exists() or not any((repo / "results").iterdir()), f"{case}: results were written"
    assert _tree(repo / "data") == inputs, f"{case}: inputs were modified"


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
