"""Wide spreadsheet -> long format through a mapping file."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from wres.errors import DataError
from wres.inputs import sheet_limits
from wres.inputs.grid import read_grid
from wres.inputs.importer import import_wide, move_parts_in, shipped_mapping, write_long, write_long_parts
from wres.inputs.mapping import load_mapping
from wres.inputs.organisations import load_trust_file, load_trust_folder
from wres.inputs.schema import KEY, TRUST_COLUMNS
from wres.inputs.wide_table import is_benchmark
from wres.registry import load_registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "trusts"
SHEET = FIXTURES / "org_level_fixture.xlsx"
EXPECTED = FIXTURES / "org_level_expected.csv"

# Dtypes of the long format, written out here rather than taken from the code under test.
DTYPES = {"year": "Int64", "indicator": "Int64", "numerator": "Int64", "denominator": "Int64", "percent": "Float64"}


def read_expected(path: Path = EXPECTED) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = pd.DataFrame(index=raw.index)
    for col in raw.columns:
        if col in DTYPES:
            out[col] = pd.to_numeric(raw[col].replace("", None)).astype(DTYPES[col])
        else:
            out[col] = raw[col].astype("str")
    return out


def sort(df: pd.DataFrame) -> pd.DataFrame:
    return df[list(TRUST_COLUMNS)].sort_values(KEY).reset_index(drop=True)


def test_fixture_reproduces_hand_written_expected_table():
    got = import_wide(SHEET, shipped_mapping())
    expected = read_expected()
    assert list(expected.columns) == list(TRUST_COLUMNS)
    pd.testing.assert_frame_equal(sort(got), sort(expected))


def test_rows_trace_back_to_spreadsheet_rows_and_notes_are_skipped():
    got = import_wide(SHEET, shipped_mapping())
    rows = got.groupby("org_code")["source_line"].unique().map(list).to_dict()
    assert rows == {"ZX101": [4], "ZX202": [5], "ZX303": [6]}  # title rows 1-2, header row 3
    assert got["source_file"].iloc[0] == "org_level_fixture.xlsx [sheet 'WRES data']"


def test_suppressed_and_blank_cells():
    got = import_wide(SHEET, shipped_mapping()).set_index(["org_code", "indicator", "group"])
    star = got.loc[("ZX303", 3, "bme")]
    assert pd.isna(star["numerator"]) and star["denominator"] == 178 and star["missing_reason"] == "suppressed (*)"
    blank = got.loc[("ZX202", 7, "white")]
    assert (
        pd.isna(blank["percent"]) and blank["denominator"] == 520 and blank["missing_reason"] == "not reported (blank)"
    )


def test_write_long_round_trips_through_the_loader(tmp_path):
    got = import_wide(SHEET, shipped_mapping())
    out = write_long(got, tmp_path / "long" / "wres_2024.csv")
    back = load_trust_file(out)
    pd.testing.assert_frame_equal(sort(back), sort(got))
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(TRUST_COLUMNS)


def test_a_table_over_the_cell_limit_is_written_in_parts_that_read_back_whole(tmp_path, monkeypatch):
    got = import_wide(SHEET, shipped_mapping())
    columns = len(TRUST_COLUMNS)
    per_org = got["org_code"].value_counts()
    # A limit that holds the header and the two largest organisations' rows, not three.
    largest = sorted(per_org, reverse=True)
    limit = (1 + largest[0] + largest[1]) * columns
    assert len(per_org) >= 3 and (1 + sum(largest[:3])) * columns > limit
    parts = write_long_parts(got, tmp_path / "long" / "panel.csv", max_cells=limit)
    assert [p.name for p in parts][:2] == ["panel.csv", "panel-2.csv"]
    codes = []
    for part in parts:
        lines = part.read_text(encoding="utf-8").splitlines()
        assert len(lines) * columns <= limit, part.name
        codes.append(set(load_trust_file(part)["org_code"]))
    # Each organisation is in exactly one part, and the parts together are the table.
    assert sum(len(c) for c in codes) == len(per_org) == len(set().union(*codes))
    # Read with the readers' limit set to the same figure, the folder gives the same figures.
    monkeypatch.setattr(sheet_limits, "MAX_SHEET_CELLS", limit)
    pd.testing.assert_frame_equal(sort(load_trust_folder(tmp_path / "long")), sort(got))


def test_a_table_within_the_limit_is_one_file_named_as_asked(tmp_path):
    got = import_wide(SHEET, shipped_mapping())
    parts = write_long_parts(got, tmp_path / "panel.csv")
    assert parts == [tmp_path / "panel.csv"]
    assert parts[0].read_bytes() == write_long(got, tmp_path / "one" / "panel.csv").read_bytes()


def test_parts_move_in_leaving_unchanged_ones_and_removing_those_of_a_longer_set(tmp_path):
    dest, scratch = tmp_path / "trusts", tmp_path / "scratch"
    dest.mkdir()
    scratch.mkdir()
    for name, text in {"panel.csv": "same", "panel-2.csv": "old", "panel-3.csv": "old", "other.csv": "x"}.items():
        (dest / name).write_text(text)
    (dest / "panel-x.csv").write_text("not a part")
    kept_time = (dest / "panel.csv").stat().st_mtime_ns
    written = [scratch / "panel.csv", scratch / "panel-2.csv"]
    written[0].write_text("same")
    written[1].write_text("new")
    move_parts_in(written, dest / "panel.csv")
    assert sorted(p.name for p in dest.iterdir()) == ["other.csv", "panel-2.csv", "panel-x.csv", "panel.csv"]
    assert (dest / "panel-2.csv").read_text() == "new"
    assert (dest / "panel.csv").stat().st_mtime_ns == kept_time


def renamed_mapping(tmp_path: Path, old: str, new: str) -> Path:
    text = shipped_mapping().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "next_year.yml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_header_missing_from_spreadsheet_names_mapping_key_and_near_matches(tmp_path):
    mapping = renamed_mapping(tmp_path, '"Number of BME staff shortlisted"', '"Number of BME applicants shortlisted"')
    with pytest.raises(DataError) as err:
        import_wide(SHEET, mapping)
    msg = str(err.value)
    assert "next_year.yml, line" in msg
    assert "figures[34].denominator" in msg and "indicator 2, group bme" in msg
    assert "'Number of BME applicants shortlisted'" in msg
    assert "near matches: 'Number of BME staff shortlisted'" in msg
    line = err.value.problems[0].line
    assert "Number of BME applicants shortlisted" in mapping.read_text().splitlines()[line - 1]


def test_every_missing_header_is_listed_at_once(tmp_path):
    mapping = renamed_mapping(tmp_path, "Ind 5: ", "Indicator 5: ")
    with pytest.raises(DataError) as err:
        import_wide(SHEET, mapping)
    assert len(err.value.problems) == 4


def test_header_matching_ignores_case_and_spacing(tmp_path):
    mapping = renamed_mapping(tmp_path, '"Number of BME staff shortlisted"', '"number of  BME staff SHORTLISTED "')
    pd.testing.assert_frame_equal(sort(import_wide(SHEET, mapping)), sort(read_expected()))


def modified_fixture(tmp_path: Path, header: str, org_row: int, value) -> Path:
    path = tmp_path / "edited.xlsx"
    shutil.copy(SHEET, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["WRES data"]
    col = [c.value for c in ws[3]].index(header) + 1
    ws.cell(row=org_row, column=col, value=value)
    wb.save(path)
    return path


def test_malformed_cell_names_spreadsheet_row_header_and_value(tmp_path):
    path = modified_fixture(tmp_path, "Number of BME staff shortlisted", 5, "12a")
    with pytest.raises(DataError) as err:
        import_wide(path, shipped_mapping())
    (problem,) = err.value.problems
    msg = str(problem)
    assert problem.line == 5 and problem.column == "Number of BME staff shortlisted" and problem.value == "12a"
    assert msg.startswith("edited.xlsx [sheet 'WRES data'], row 5, column 'Number of BME staff shortlisted'")
    assert "cell" in msg and "indicator 2, group bme, denominator" in msg


def test_schema_violation_points_at_spreadsheet_cell(tmp_path):
    path = modified_fixture(tmp_path, "Number of White staff appointed from shortlisting", 4, 5000)
    with pytest.raises(DataError) as err:
        import_wide(path, shipped_mapping())
    msg = str(err.value)
    assert "row 4, column 'Number of White staff appointed from shortlisting'" in msg
    assert "larger than the denominator 1200" in msg


def test_negative_percent_out_of_range(tmp_path):
    path = modified_fixture(tmp_path, "Ind 6: % BME staff experiencing harassment from staff", 6, 130)
    with pytest.raises(DataError, match=r"row 6, column 'Ind 6: % BME staff experiencing harassment from staff'"):
        import_wide(path, shipped_mapping())


def test_sheet_argument_and_unknown_sheet(tmp_path):
    with pytest.raises(DataError, match=r"no sheet of that name; the workbook has 'WRES data', 'Notes'"):
        import_wide(SHEET, shipped_mapping(), sheet="Data 2024")


def test_corrupt_spreadsheet(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("nonsense")
    with pytest.raises(DataError, match=r"bad\.xlsx: cannot be opened"):
        import_wide(bad, shipped_mapping())


MINI_MAPPING = """
year_column: Report year
organisation: {org_code: Code, org_name: Name}
fixed: {region: London, org_type: acute}
figures:
  - {indicator: 1, band: 5, group: BME, numerator: "B5 BME", denominator: ["B5 White", "B5 BME", "B5 unknown"]}
  - {indicator: 1, band: 5, group: white, numerator: "B5 White", denominator: ["B5 White", "B5 BME", "B5 unknown"]}
  - {indicator: 5, group: bme, percent: "Ind 5 BME %"}
"""


def test_csv_spreadsheet_with_year_column_summed_denominator_and_fixed_values(tmp_path):
    mapping = tmp_path / "mini.yml"
    mapping.write_text(MINI_MAPPING)
    sheet = tmp_path / "mini.csv"
    sheet.write_text(
        "Code,Name,Report year,B5 White,B5 BME,B5 unknown,Ind 5 BME %\n"
        "zq1,Quay Demo,2023,10,5,1,30.5\nZQ2,Pier Demo,2024,8,*,0,\n"
    )
    got = import_wide(sheet, mapping).set_index(["org_code", "indicator", "group"])
    assert got.loc[("ZQ1", 1, "bme"), "denominator"] == 16 and got.loc[("ZQ1", 1, "bme"), "year"] == 2023
    assert got.loc[("ZQ1", 1, "bme"), "region"] == "London"
    # A suppressed part of a summed denominator makes it missing.
    assert pd.isna(got.loc[("ZQ2", 1, "white"), "denominator"])
    assert got.loc[("ZQ2", 1, "white"), "missing_reason"] == "denominator suppressed (*)"
    # No respondent column is mapped: the denominator is missing and says so.
    assert got.loc[("ZQ1", 5, "bme"), "percent"] == 30.5
    assert got.loc[("ZQ1", 5, "bme"), "missing_reason"] == "denominator not in the source spreadsheet"

    sheet.write_text("Code,Name,Report year,B5 White,B5 BME,B5 unknown,Ind 5 BME %\nZQ1,Quay,2023/24,10,5,1,30.5\n")
    with pytest.raises(DataError) as err:
        import_wide(sheet, mapping)
    msg = str(err.value)
    assert "mini.csv, line 2, column 'Report year'" in msg and "'2023/24'" in msg and "report year 2024" in msg
    # year= overrides the mapping
    assert import_wide(sheet, mapping, year=2024)["year"].eq(2024).all()


@pytest.mark.parametrize(
    "text, fragment",
    [
        (
            "year: 2024\norganisation: {org_code: C}\nfigures:\n  - {indicator: 2, group: bme, numerater: X, denominator: Y}\n",
            "figures[0].numerater",
        ),
        (
            "year: 2024\norganisation: {org_code: C}\nfigures:\n  - {indicator: 12, group: bme, numerator: X, denominator: Y}\n",
            "unknown indicator",
        ),
        (
            "year: 2024\norganisation: {org_code: C}\nfigures:\n  - {indicator: 2, group: asian, numerator: X, denominator: Y}\n",
            "unknown group",
        ),
        (
            "year: 2024\norganisation: {org_code: C}\nfigures:\n  - {indicator: 1, band: 10, group: bme, numerator: X, denominator: Y}\n",
            "not a band of indicator 1",
        ),
        (
            "year: 2024\norganisation: {org_code: C}\nfigures:\n  - {indicator: 3, group: bme, percent: X, denominator: Y}\n",
            "a percent is only allowed",
        ),
        (
            "year: 2024\norganisation: {org_code: C}\nfigures:\n  - {indicator: 3, group: bme, numerator: X}\n"
            "  - {indicator: 3, group: BME, numerator: Z}\n",
            "already mapped",
        ),
        ("organisation: {org_code: C}\nfigures: []\n", "exactly one of `year:`"),
        ("year: 2024\nfigures: []\n", "'organisation'"),
        ("year: [2024\n", "not valid YAML"),
    ],
)
def test_bad_mapping_file_names_file_line_and_key(tmp_path, text, fragment):
    path = tmp_path / "bad_mapping.yml"
    path.write_text(text)
    with pytest.raises(DataError) as err:
        load_mapping(path)
    msg = str(err.value)
    assert "bad_mapping.yml" in msg and fragment in msg
    assert all(p.line is not None for p in err.value.problems)


def test_shipped_mapping_is_valid_and_documented():
    mapping, _ = load_mapping(shipped_mapping())
    text = shipped_mapping().read_text(encoding="utf-8")
    assert "HOW TO ADAPT IT WHEN NEXT YEAR'S HEADERS ARE RENAMED" in text
    keys = {(f.indicator, f.band, f.group) for f in mapping.figures}
    # Every entry of the file is kept, once: counted from the raw YAML, not from the loader.
    assert len(keys) == len(mapping.figures) == len(yaml.safe_load(text)["figures"])
    # The shipped mapping covers every indicator of the registry, whatever their number.
    assert {k[0] for k in keys} == set(load_registry().ids)


def test_unfound_code_header_is_reported_alone(tmp_path):
    # The mapping names an unusual header (so only it is searched) that the sheet lacks:
    # only this is reported, with the nearest header.
    sheet = tmp_path / "provider.csv"
    sheet.write_text("Title line\n\nProvider ref,Name,B5 BME,B5 all\nZQ1,Quay Demo,3,10\n")
    mapping = tmp_path / "provider.yml"
    mapping.write_text(
        "year: 2024\norganisation: {org_code: Provider code, org_name: Name}\n"
        "figures:\n  - {indicator: 1, band: 5, group: bme, numerator: B5 BME, denominator: B5 all}\n"
        "  - {indicator: 1, band: 5, group: white, numerator: B5 White, denominator: B5 all}\n"
    )
    with pytest.raises(DataError) as err:
        import_wide(sheet, mapping)
    (problem,) = err.value.problems
    assert problem.file == "provider.yml" and problem.line == 2
    assert "organisation.org_code" in problem.reason and "'Provider ref' (row 3)" in problem.reason
    assert "'ODS code'" not in problem.reason


def test_unfound_usual_code_header_lists_every_synonym(tmp_path):
    sheet = tmp_path / "provider.csv"
    sheet.write_text("Provider ref,Name,B5 BME,B5 all\nZQ1,Quay Demo,3,10\n")
    mapping = tmp_path / "usual.yml"
    mapping.write_text(
        "year: 2024\norganisation: {org_name: Name}\n"
        "figures:\n  - {indicator: 1, band: 5, group: bme, numerator: B5 BME, denominator: B5 all}\n"
    )
    with pytest.raises(DataError) as err:
        import_wide(sheet, mapping)
    (problem,) = err.value.problems
    for name in ("'ODS code'", "'Organisation code'", "'Org code'", "'Trust code'"):
        assert name in problem.reason


def test_code_header_synonym_is_used_when_the_mapping_names_another(tmp_path):
    # The shipped mapping says "Organisation code"; a sheet saying "ODS code" still imports.
    mapping = renamed_mapping(tmp_path, "org_code: Organisation code", "org_code: Org code")
    assert import_wide(SHEET, mapping)["org_code"].unique().tolist() == ["ZX101", "ZX202", "ZX303"]


# --- Files as they come: one year from two files (tests/fixtures/trusts/survey_2024) -------

SURVEY = FIXTURES / "survey_2024"
SURVEY_SHEET = "staff_survey_2024_orgs.xlsx [sheet 'Organisation results']"
WORKFORCE_SHEET = "wres_2024_workforce.xls [sheet 'Workforce']"

# Worked out by hand from the two files (see make_fixtures.py): indicator 2 from the .xls,
# 5 and 6 from the survey file; "Ind 5 BME base" is in both and agrees (ZS303 is blank in
# the .xls, which makes no claim). Suppressed cells are missing, never zero, with their reason.
SURVEY_EXPECTED = """\
org_code,indicator,group,numerator,denominator,percent,missing_reason,source_file,source_line
ZS101,2,bme,40,400,,,W,4
ZS101,2,white,120,800,,,W,4
ZS101,5,bme,,212,28.4,,S,6
ZS101,5,white,,1650,24.1,,S,6
ZS101,6,bme,,212,30.2,,S,6
ZS202,2,bme,,31,,suppressed (<5),W,5
ZS202,2,white,25,150,,,W,5
ZS202,5,bme,,9,,suppressed ([c]: confidential),S,7
ZS202,5,white,,480,22.0,,S,7
ZS202,6,bme,,9,,suppressed (x),S,7
ZS303,2,bme,,,,not applicable (n/a),W,6
ZS303,2,white,,,,not applicable ([z]),W,6
ZS303,5,bme,,64,19.5,,S,8
ZS303,5,white,,,,suppressed ([c]: confidential),S,8
ZS303,6,bme,,64,21.0,,S,8
"""


def import_survey(mapping: Path = SURVEY / "survey_2024.yml", sheet: Path = SURVEY / "staff_survey_2024_orgs.xlsx"):
    with pytest.warns(UserWarning, match="are not organisations") as caught:
        df = import_wide(sheet, mapping)
    return df, caught


def test_two_files_for_one_year_import_through_one_mapping():
    got, _ = import_survey()
    want = pd.read_csv(io.StringIO(SURVEY_EXPECTED), dtype=str, keep_default_na=False)
    want["source_file"] = want["source_file"].map({"W": WORKFORCE_SHEET, "S": SURVEY_SHEET})
    names = {
        "ZS101": "Harbour Demo NHS Trust",
        "ZS202": "Moor Demo NHS Foundation Trust",
        "ZS303": "Valley Demo Community Trust",
    }
    assert got["year"].eq(2024).all() and got["band"].eq("").all()
    assert got["org_name"].tolist() == [names[c] for c in got["org_code"]]
    cols = list(want.columns)
    shown = got[cols].astype(object).where(got[cols].notna(), "").astype(str)
    # Percents print as written in the expected table (one decimal).
    shown["percent"] = [f"{float(v):.1f}" if v else "" for v in shown["percent"]]
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), want)


def test_benchmark_rows_are_skipped_and_listed():
    got, caught = import_survey()
    assert got.attrs["notes"] == [
        f"{SURVEY_SHEET} row 9: skipped 'Acute Trusts': a benchmark group or total, not an organisation",
        f"{SURVEY_SHEET} row 10: skipped 'National average': a benchmark group or total, not an organisation",
        f"{WORKFORCE_SHEET} row 7: skipped 'All trusts': a benchmark group or total, not an organisation",
    ]
    (warning,) = caught
    assert str(warning.message).startswith("3 row(s) are not organisations and were skipped:")
    # "Acute Trusts" in the benchmark-group column of a real organisation's row is not a skip.
    assert "ENG" not in set(got["org_code"]) and "ZS101" in set(got["org_code"])


def test_files_that_disagree_name_both_files_the_organisation_and_the_column(tmp_path):
    for name in ("staff_survey_2024_orgs.xlsx", "survey_2024.yml"):
        shutil.copy(SURVEY / name, tmp_path / name)
    (tmp_path / "survey_2024.yml").write_text(
        (SURVEY / "survey_2024.yml").read_text().replace("wres_2024_workforce.xls", "workforce.csv")
    )
    (tmp_path / "workforce.csv").write_text(
        "WRES 2024 workforce counts\n\n"
        "Org code,Name,Ind 5 BME base,Ind 2 BME appointed,Ind 2 BME shortlisted,"
        "Ind 2 White appointed,Ind 2 White shortlisted\n"
        "ZS101,Harbour Demo NHS Trust,213,40,400,120,800\n"
        "ZS202,Moor Demo NHS Foundation Trust,9,<5,31,25,150\n"
        "ZS303,Valley Demo Community Trust,,n/a,n/a,[z],[z]\n"
    )
    with pytest.raises(DataError) as err:
        import_wide(tmp_path / "staff_survey_2024_orgs.xlsx", tmp_path / "survey_2024.yml")
    (problem,) = err.value.problems  # one cell, although two figures use the header
    assert (problem.file, problem.line, problem.column, problem.value) == ("workforce.csv", 4, "Ind 5 BME base", "213")
    assert problem.reason.startswith(f"organisation ZS101: {SURVEY_SHEET} row 6 has '212' in column 'Ind 5 BME base'")
    assert "the files disagree" in str(problem)


def test_a_name_given_differently_in_two_files_is_a_disagreement(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "year: 2024\nalso_read: [{file: b.csv}]\norganisation: {org_name: Organisation name}\n"
        "figures:\n  - {indicator: 2, group: bme, numerator: Appointed, denominator: Shortlisted}\n"
    )
    (tmp_path / "a.csv").write_text("Trust code,Organisation name,Appointed\nZQ1,Quay Demo NHS Trust,4\n")
    (tmp_path / "b.csv").write_text("ODS code,Name,Shortlisted\nZQ1,Pier Demo NHS Trust,40\n")
    with pytest.raises(DataError) as err:
        import_wide(tmp_path / "a.csv", mapping)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.column, problem.value) == ("b.csv", 2, "Name", "Pier Demo NHS Trust")
    assert "organisation ZQ1: a.csv line 2 has 'Quay Demo NHS Trust' in column 'Organisation name'" in problem.reason
    # Agreeing files merge: the numerator from one, the denominator from the other.
    (tmp_path / "b.csv").write_text("ODS code,Name,Shortlisted\nzq1,Quay Demo NHS Trust,40\n")
    got = import_wide(tmp_path / "a.csv", mapping)
    assert got[["org_code", "numerator", "denominator"]].values.tolist() == [["ZQ1", 4, 40]]


def test_also_read_file_that_does_not_exist_names_the_mapping_line(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "year: 2024\nalso_read:\n  - {file: missing.xls}\norganisation: {org_code: ODS code}\n"
        "figures:\n  - {indicator: 2, group: bme, numerator: Appointed, denominator: Shortlisted}\n"
    )
    (tmp_path / "a.csv").write_text("ODS code,Appointed,Shortlisted\nZQ1,4,40\n")
    with pytest.raises(DataError) as err:
        import_wide(tmp_path / "a.csv", mapping)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.value) == ("m.yml", 3, "missing.xls")
    assert "also_read[0].file" in problem.reason and "no such file" in problem.reason


def test_a_code_that_is_not_an_organisation_code_is_an_error(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(
        "year: 2024\norganisation: {org_name: Name}\n"
        "figures:\n  - {indicator: 2, group: bme, numerator: Appointed, denominator: Shortlisted}\n"
    )
    (tmp_path / "a.csv").write_text("Org code,Name,Appointed,Shortlisted\nZQ1,Quay Demo NHS Trust,4,40\nR-1,Odd,1,2\n")
    with pytest.raises(DataError) as err:
        import_wide(tmp_path / "a.csv", mapping)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.column, problem.value) == ("a.csv", 3, "Org code", "R-1")
    assert problem.reason.startswith("not an organisation code")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Acute Trusts", True),
        ("Acute and Acute & Community Trusts", True),
        ("All trusts", True),
        ("england", True),
        ("National average", True),
        ("Sector median", True),
        ("Total", True),
        ("Grand total", True),
        ("London region totals", True),
        ("Harbour Demo NHS Trust", False),
        ("Royal National Orthopaedic Hospital NHS Trust", False),
        ("NHS England", False),
        ("Totalcare Demo NHS Trust", False),
    ],
)
def test_benchmark_rule(text, expected):
    assert is_benchmark(text) is expected


def test_xls_cells_read_as_the_text_a_person_sees():
    label, rows, is_sheet = read_grid(SURVEY / "wres_2024_workforce.xls")
    assert label == WORKFORCE_SHEET and is_sheet
    # Row 2 is blank and left out; whole numbers lose Excel's ".0"; text stays text.
    assert [n for n, _ in rows] == [1, 3, 4, 5, 6, 7]
    assert rows[2] == (4, ["ZS101", "Harbour Demo NHS Trust", "212", "40", "400", "120", "800"])
    assert rows[4] == (6, ["ZS303", "Valley Demo Community Trust", "", "n/a", "n/a", "[z]", "[z]"])
