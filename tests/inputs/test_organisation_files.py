"""The long trust-level format: schema, file and folder loading, successor organisations."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres.errors import DataError
from wres.inputs.cells import parse_count, parse_year
from wres.inputs.organisations import load_trust_file, load_trust_folder
from wres.inputs.schema import SOURCE_COLUMNS, TRUST_COLUMNS, check_trusts
from wres.inputs.successors import apply_successors
from wres.registry import load_registry

HEADER = "year,org_code,org_name,region,org_type,indicator,band,group,numerator,denominator,percent,missing_reason"
GOOD_ROWS = [
    "2023,RAA,Alpha Demo Trust,London,acute,1,5,bme,120,400,,",
    "2023,RAA,Alpha Demo Trust,London,acute,1,5,white,250,400,,",
    "2023,RAA,Alpha Demo Trust,London,acute,1,VSM,bme,*,12,,",
    "2023,RAA,Alpha Demo Trust,London,acute,1,all,bme,-,3000,,",
    "2023,RAA,Alpha Demo Trust,London,acute,3,,bme,..,900,,",
    "2023,RAA,Alpha Demo Trust,London,acute,3,,white,,2000,,",
    "2023,RAA,Alpha Demo Trust,London,acute,5,,bme,,300,31.5,",
    "2023,RAA,Alpha Demo Trust,London,acute,5,,white,,*,,",
    "2023,RAA,Alpha Demo Trust,London,acute,9,board,bme,2,12,,",
]


def write(folder: Path, name: str, rows: list[str], header: str = HEADER, bom: bool = False) -> Path:
    path = folder / name
    text = "\n".join([header, *rows]) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def write_xlsx(path: Path, header: str, rows: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header.split(","))
    for r in rows:
        cells = []
        for c in r.split(","):
            try:
                cells.append(int(c))
            except ValueError:
                try:
                    cells.append(float(c))
                except ValueError:
                    cells.append(c or None)
        ws.append(cells)
    wb.save(path)
    return path


def test_good_file_loads_with_types_and_sources(tmp_path):
    df = load_trust_file(write(tmp_path, "good.csv", GOOD_ROWS))
    assert list(df.columns) == [*TRUST_COLUMNS, *SOURCE_COLUMNS]
    for col, dtype in {**TRUST_COLUMNS, **SOURCE_COLUMNS}.items():
        assert str(df[col].dtype) == dtype, col
    assert df["source_file"].eq("good.csv").all()
    assert df["source_line"].tolist() == list(range(2, 2 + len(GOOD_ROWS)))
    assert df.loc[0, "numerator"] == 120 and df.loc[0, "denominator"] == 400
    pct = df[(df["indicator"] == 5) & (df["group"] == "bme")].iloc[0]
    assert pct["percent"] == 31.5 and pd.isna(pct["numerator"]) and pct["missing_reason"] == ""


def test_suppressed_cells_become_missing_with_reason(tmp_path):
    df = load_trust_file(write(tmp_path, "good.csv", GOOD_ROWS)).set_index("source_line")
    assert pd.isna(df.at[4, "numerator"]) and df.at[4, "missing_reason"] == "suppressed (*)"
    assert pd.isna(df.at[5, "numerator"]) and df.at[5, "missing_reason"] == "suppressed (-)"
    assert pd.isna(df.at[6, "numerator"]) and df.at[6, "missing_reason"] == "not available (..)"
    assert pd.isna(df.at[7, "numerator"]) and df.at[7, "missing_reason"] == "not reported (blank)"
    # Survey row with neither percent nor denominator: both reasons are recorded.
    assert pd.isna(df.at[9, "denominator"]) and pd.isna(df.at[9, "percent"])
    assert "suppressed (*)" in df.at[9, "missing_reason"] and "not reported (blank)" in df.at[9, "missing_reason"]
    # Present values carry no reason.
    assert df.at[2, "missing_reason"] == "" and df.at[10, "missing_reason"] == ""


def test_file_reason_is_kept(tmp_path):
    rows = ["2023,RAA,Alpha,London,acute,3,,bme,*,900,,fewer than 5 cases"]
    df = load_trust_file(write(tmp_path, "r.csv", rows))
    assert df.loc[0, "missing_reason"] == "fewer than 5 cases"


BASE = "2023,RAA,Alpha Demo Trust,London,acute"


@pytest.mark.parametrize(
    "row, column, fragment",
    [
        (f"{BASE},3,,bme,-4,900,,", "numerator", "cannot be negative"),
        (f"{BASE},3,,bme,4,-900,,", "denominator", "cannot be negative"),
        (f"{BASE},3,,bme,40,9,,", "numerator", "larger than the denominator"),
        (f"{BASE},5,,bme,,300,101.5,", "percent", "between 0 and 100"),
        (f"{BASE},12,,bme,1,9,,", "indicator", "unknown indicator"),
        (f"{BASE},1,10,bme,1,9,,", "band", "band not allowed"),
        (f"{BASE},3,VSM,bme,1,9,,", "band", "band not allowed"),
        (f"{BASE},3,,asian,1,9,,", "group", "unknown group"),
        (f"{BASE},3,,bme,12a,900,,", "numerator", "not a number"),
        (f"{BASE},3,,bme,2.5,900,,", "numerator", "whole number"),
        (f"{BASE},5,,bme,,300,lots,", "percent", "not a number"),
        (f"{BASE},3,,bme,4,900,2.5,", "percent", "only allowed for indicators"),
        (f"{BASE},5,,bme,40,300,20,", "percent", "not both"),
        ("2022/23,RAA,Alpha Demo Trust,London,acute,3,,bme,4,900,,", "year", "report year 2023"),
        ("FY2023,RAA,Alpha Demo Trust,London,acute,3,,bme,4,900,,", "year", "ambiguous"),
        ("23,RAA,Alpha Demo Trust,London,acute,3,,bme,4,900,,", "year", "four digits"),
        ("1999,RAA,Alpha Demo Trust,London,acute,3,,bme,4,900,,", "year", "report year must lie"),
        ("2023,,Alpha Demo Trust,London,acute,3,,bme,4,900,,", "org_code", "required"),
        (f"{BASE},Ind 3,,bme,4,900,,", "indicator", "not an indicator number"),
    ],
)
def test_malformed_cell_names_file_line_column(tmp_path, row, column, fragment):
    path = write(tmp_path, "bad.csv", [GOOD_ROWS[0], row])
    with pytest.raises(DataError) as err:
        load_trust_file(path)
    problems = [p for p in err.value.problems if p.column == column and fragment in str(p)]
    assert problems, str(err.value)
    msg = str(problems[0])
    assert "bad.csv" in msg and "line 3" in msg and f"column '{column}'" in msg and msg in str(err.value)
    assert problems[0].line == 3


def test_year_is_never_parsed_silently(tmp_path):
    with pytest.raises(DataError) as err:
        load_trust_file(write(tmp_path, "fy.csv", ["2022/23,RAA,A,L,acute,3,,bme,4,900,,"]))
    assert "'2022/23'" in str(err.value) and "not converted automatically" in str(err.value)


def test_all_problems_reported_together(tmp_path):
    rows = [f"{BASE},3,,bme,-4,900,,", f"{BASE},3,,white,12a,900,,", "2022/23,RAA,A,L,acute,4,,bme,1,9,,"]
    with pytest.raises(DataError) as err:
        load_trust_file(write(tmp_path, "many.csv", rows))
    assert sorted(p.line for p in err.value.problems) == [2, 3, 4]


def test_duplicate_key_with_different_values_is_an_error(tmp_path):
    rows = [f"{BASE},3,,bme,4,900,,", f"{BASE},3,,white,4,900,,", f"{BASE},3,,bme,5,900,,"]
    with pytest.raises(DataError) as err:
        load_trust_file(write(tmp_path, "dup.csv", rows))
    msg = str(err.value)
    assert "dup.csv, line 4, column 'numerator'" in msg and "line 2" in msg and "duplicate" in msg


def test_identical_repeated_rows_are_kept_once(tmp_path):
    rows = [f"{BASE},3,,bme,4,900,,", f"{BASE},3,,bme,4,900,,"]
    df = load_trust_file(write(tmp_path, "rep.csv", rows))
    assert len(df) == 1 and df.loc[0, "source_line"] == 2


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv, line 1: the file is empty"):
        load_trust_file(empty)
    with pytest.raises(DataError, match=r"hdr\.csv, line 2: the file has a header but no data rows"):
        load_trust_file(write(tmp_path, "hdr.csv", []))


def test_missing_column_names_header_and_near_match(tmp_path):
    header = HEADER.replace("denominator", "denominater")
    with pytest.raises(DataError) as err:
        load_trust_file(write(tmp_path, "cols.csv", GOOD_ROWS[:1], header=header))
    msg = str(err.value)
    assert "cols.csv, line 1, column 'denominator'" in msg and "'denominater'" in msg


def test_corrupt_xlsx_names_the_file(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(DataError, match=r"broken\.xlsx: cannot be opened as an Excel \.xlsx workbook"):
        load_trust_file(bad)


def test_bom_and_case_insensitive_header_and_labels(tmp_path):
    rows = [
        "2023,raa,Alpha,London,acute,1,vsm,BME,3,12,,",
        "2023,RAA,Alpha,London,acute,1,5.0,White,3,12,,",
        "2023,RAA,Alpha,London,acute,1,5,not stated,1,12,,",
    ]
    df = load_trust_file(write(tmp_path, "bom.csv", rows, header=HEADER.upper(), bom=True))
    assert df["org_code"].tolist() == ["RAA"] * 3
    assert df["band"].tolist() == ["VSM", "5", "5"]
    assert df["group"].tolist() == ["bme", "white", "unknown"]


def test_optional_columns_may_be_left_out(tmp_path):
    header = "year,org_code,indicator,group,numerator,denominator"
    df = load_trust_file(write(tmp_path, "min.csv", ["2023,RAA,3,bme,4,900", "2023,RAA,3,white,5,1900"], header=header))
    assert df["band"].eq("").all() and df["org_name"].eq("").all() and df["percent"].isna().all()


def test_xlsx_matches_csv_and_errors_name_rows(tmp_path):
    csv_df = load_trust_file(write(tmp_path, "same.csv", GOOD_ROWS))
    xlsx_df = load_trust_file(write_xlsx(tmp_path / "same.xlsx", HEADER, GOOD_ROWS))
    cols = list(TRUST_COLUMNS)
    pd.testing.assert_frame_equal(csv_df[cols], xlsx_df[cols])
    assert xlsx_df["source_file"].iloc[0].startswith("same.xlsx")
    write_xlsx(tmp_path / "bad.xlsx", HEADER, [GOOD_ROWS[0], f"{BASE},3,,bme,12a,900,,"])
    with pytest.raises(DataError) as err:
        load_trust_file(tmp_path / "bad.xlsx")
    msg = str(err.value)
    assert "bad.xlsx" in msg and "row 3" in msg and "column 'numerator'" in msg and "'12a'" in msg


def test_single_organisation_folder(tmp_path):
    write(tmp_path, "our_trust.csv", GOOD_ROWS)
    df = load_trust_folder(tmp_path)
    assert df["org_code"].unique().tolist() == ["RAA"]
    assert "reported_code" in df.columns and df["reported_code"].eq("RAA").all()


def test_missing_or_empty_folder_gives_empty_frame(tmp_path):
    for folder in (tmp_path / "nope", tmp_path):
        df = load_trust_folder(folder)
        assert df.empty
        assert list(df.columns)[: len(TRUST_COLUMNS)] == list(TRUST_COLUMNS)
        assert str(df["numerator"].dtype) == "Int64"


def test_folder_concatenates_and_ignores_readme_and_successors(tmp_path):
    write(tmp_path, "a.csv", GOOD_ROWS[:2])
    write(tmp_path, "b.csv", [r.replace("RAA", "RBB") for r in GOOD_ROWS[:2]])
    (tmp_path / "README.md").write_text("# notes\n")
    (tmp_path / "README.csv").write_text("not,data\n")
    (tmp_path / "successors.csv").write_text("old_code,new_code,effective_year\n")
    df = load_trust_folder(tmp_path)
    assert sorted(df["source_file"].unique()) == ["a.csv", "b.csv"]
    assert len(df) == 4


def test_folder_reports_problems_of_all_files(tmp_path):
    write(tmp_path, "a.csv", [f"{BASE},3,,bme,-1,9,,"])
    write(tmp_path, "b.csv", [f"{BASE},3,,bme,y,9,,"])
    with pytest.raises(DataError) as err:
        load_trust_folder(tmp_path)
    assert {p.file for p in err.value.problems} == {"a.csv", "b.csv"}


def test_conflicting_figures_across_files(tmp_path):
    write(tmp_path, "a.csv", [f"{BASE},3,,bme,4,900,,"])
    write(tmp_path, "b.csv", [f"{BASE},3,,bme,5,900,,"])
    with pytest.raises(DataError) as err:
        load_trust_folder(tmp_path)
    msg = str(err.value)
    assert "b.csv, line 2, column 'numerator'" in msg and "a.csv line 2" in msg
    # The same figure given twice identically is fine.
    write(tmp_path, "b.csv", [f"{BASE},3,,bme,4,900,,"])
    assert len(load_trust_folder(tmp_path)) == 1


SUCC_ROWS = [
    # Old organisations OLD1 and OLD2 merged into NEW from report year 2022.
    "2020,OLD1,Old One,North West,acute,3,,bme,2,100,,",
    "2020,OLD2,Old Two,North West,acute,3,,bme,3,200,,",
    "2021,OLD1,Old One,North West,acute,3,,bme,*,110,,",
    "2021,OLD2,Old Two,North West,acute,3,,bme,4,210,,",
    "2021,OLD1,Old One,North West,acute,5,,bme,,100,20,",
    "2021,OLD2,Old Two,North West,acute,5,,bme,,300,40,",
    "2022,NEW,New Merged Trust,North West,acute,3,,bme,6,330,,",
    # A simple rename: REN1 -> REN2 from 2021.
    "2020,REN1,Renamed Before,London,community,3,,bme,1,50,,",
    "2021,REN2,Renamed After,London,community,3,,bme,1,55,,",
]


def test_successors_link_renames_and_sum_mergers(tmp_path):
    write(tmp_path, "data.csv", SUCC_ROWS)
    (tmp_path / "successors.csv").write_text(
        "old_code,new_code,effective_year\nOLD1,NEW,2022\nOLD2,NEW,2022\nREN1,REN2,2021\n"
    )
    df = load_trust_folder(tmp_path).set_index(["org_code", "year", "indicator"])
    assert set(df.index.get_level_values(0)) == {"NEW", "REN2"}
    merged = df.loc[("NEW", 2020, 3)]
    assert merged["numerator"] == 5 and merged["denominator"] == 300
    assert merged["reported_code"] == "OLD1; OLD2"
    assert merged["org_name"] == "New Merged Trust"
    # A suppressed part makes the merged count missing, with the reason per old code.
    part = df.loc[("NEW", 2021, 3)]
    assert pd.isna(part["numerator"]) and "OLD1: suppressed (*)" in part["missing_reason"]
    # Survey percents combine weighted by respondents: (20*100 + 40*300) / 400 = 35.
    assert df.loc[("NEW", 2021, 5), "percent"] == pytest.approx(35.0)
    assert df.loc[("NEW", 2021, 5), "denominator"] == 400
    renamed = df.loc[("REN2", 2020, 3)]
    assert renamed["numerator"] == 1 and renamed["org_name"] == "Renamed After"
    assert renamed["reported_code"] == "REN1" and renamed["source_line"] == 9


def test_successor_chains_are_followed(tmp_path):
    rows = ["2019,AAA,A,L,acute,3,,bme,1,10,,", "2020,BBB,B,L,acute,3,,bme,1,10,,", "2021,CCC,C,L,acute,3,,bme,1,10,,"]
    write(tmp_path, "d.csv", rows)
    succ = pd.DataFrame({"old_code": ["AAA", "BBB"], "new_code": ["BBB", "CCC"], "effective_year": [2020, 2021]})
    df = load_trust_folder(tmp_path, successors=succ)
    assert df["org_code"].tolist() == ["CCC"] * 3
    assert df["reported_code"].tolist() == ["AAA", "BBB", "CCC"]


def test_successor_table_errors(tmp_path):
    df = load_trust_file(write(tmp_path, "d.csv", SUCC_ROWS))
    late = tmp_path / "late.csv"
    late.write_text("old_code,new_code,effective_year\nOLD1,NEW,2021\n")
    with pytest.raises(
        DataError, match=r"late\.csv, line 2, column 'effective_year'.*OLD1 has figures for report year 2021"
    ):
        apply_successors(df, late)
    split = tmp_path / "split.csv"
    split.write_text("old_code,new_code,effective_year\nOLD1,NEW,2022\nOLD1,OTHER,2022\n")
    with pytest.raises(DataError, match="splits are not supported"):
        apply_successors(df, split)
    fy = tmp_path / "fy.csv"
    fy.write_text("old_code,new_code,effective_year\nOLD1,NEW,2021/22\n")
    with pytest.raises(DataError, match=r"fy\.csv, line 2, column 'effective_year'"):
        apply_successors(df, fy)
    loop = pd.DataFrame({"old_code": ["X1", "X2"], "new_code": ["X2", "X1"], "effective_year": [2020, 2021]})
    with pytest.raises(DataError, match="loops back"):
        apply_successors(df, loop)


def test_check_trusts_accepts_loaded_data_and_rejects_bad_frames(tmp_path):
    df = load_trust_file(write(tmp_path, "good.csv", GOOD_ROWS))
    check_trusts(df)
    bad = df.copy()
    bad.loc[0, "numerator"] = 999
    with pytest.raises(DataError, match=r"good\.csv, line 2, column 'numerator'"):
        check_trusts(bad)
    assert load_registry().standard.minority_group in set(df["group"])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10_000_000))
def test_parse_count_round_trips_whole_numbers(n):
    assert parse_count(str(n)) == (n, None, None)
    assert parse_count(f"{n:,}") == (n, None, None)
    assert parse_count(f"{n}.0") == (n, None, None)


@pytest.mark.parametrize("text", ["10000001", "99999999999999999999", "1e3", "1_0", "\u0663", "inf", "0x10", "2.5"])
def test_parse_count_refuses_what_is_not_a_plain_count(text):
    # Above ten million, exponent forms, underscores, non-ASCII digits, infinity, hex, fractions.
    value, reason, error = parse_count(text)
    assert value is None and reason is None and error


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcxyz#!?", min_size=1, max_size=6).filter(lambda t: t.strip() not in {"*", "-", ".."}))
def test_parse_count_rejects_text(t):
    value, reason, error = parse_count("1" + t)
    assert value is None and reason is None and error


@given(st.integers(min_value=2000, max_value=2099))
def test_financial_years_are_rejected_with_the_report_year_hint(y):
    value, err = parse_year(f"{y}/{(y + 1) % 100:02d}")
    assert value is None and f"report year {y + 1}" in err


def test_unquoted_comma_is_reported(tmp_path):
    rows = ["2023,RAA,Alpha, Beta Demo Trust,London,acute,3,,bme,4,900,,"]
    with pytest.raises(DataError, match=r"comma\.csv, line 2: .*a comma inside a name must be quoted"):
        load_trust_file(write(tmp_path, "comma.csv", rows))


@pytest.mark.parametrize(
    "cell, reason",
    [
        ("[c]", "suppressed ([c]: confidential)"),
        ("[C]", "suppressed ([c]: confidential)"),
        ("[x]", "not available ([x])"),
        ("[z]", "not applicable ([z])"),
        ("[w]", "no data ([w])"),
        ("[low]", "suppressed ([low]: rounds to zero)"),
        (" x ", "suppressed (x)"),
        ("X", "suppressed (x)"),
        ("<5", "suppressed (<5)"),
        ("< 10", "suppressed (< 10)"),
        ("n/a", "not applicable (n/a)"),
        ("N/A", "not applicable (n/a)"),
    ],
)
def test_publishers_suppression_markers_are_missing_never_zero(tmp_path, cell, reason):
    assert parse_count(cell) == (None, reason, None)
    # Through the loader: the figure is missing (not 0) and the reason is the marker's.
    path = write(tmp_path, "marks.csv", [f'{BASE},3,,bme,"{cell}",900,,'])
    row = load_trust_file(path).iloc[0]
    assert pd.isna(row["numerator"]) and row["denominator"] == 900 and row["missing_reason"] == reason


@pytest.mark.parametrize("cell", ["x1", "<5a", "[q]", "n/a/"])
def test_near_markers_are_errors(cell):
    value, reason, error = parse_count(cell)
    assert value is None and reason is None and error.startswith("not a number in plain digits")


def test_old_style_xls_matches_csv(tmp_path):
    # tests/fixtures/trusts/long_format.xls holds GOOD_ROWS, numbers stored as numbers.
    xls = Path(__file__).resolve().parents[1] / "fixtures" / "trusts" / "long_format.xls"
    csv_df = load_trust_file(write(tmp_path, "same.csv", GOOD_ROWS))
    xls_df = load_trust_file(xls)
    cols = list(TRUST_COLUMNS)
    pd.testing.assert_frame_equal(csv_df[cols], xls_df[cols])
    assert xls_df["source_file"].iloc[0] == "long_format.xls [sheet 'Figures']"
    assert xls_df["source_line"].tolist() == list(range(2, 11))
    # A folder takes .xls files too.
    folder = tmp_path / "trusts"
    folder.mkdir()
    shutil.copy(xls, folder / "old.xls")
    assert len(load_trust_folder(folder)) == len(GOOD_ROWS)
