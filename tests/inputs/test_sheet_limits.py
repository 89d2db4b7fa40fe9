"""Spreadsheet limits (wres.inputs.sheet_limits): hostile and oversized workbooks are refused
before they are read, quickly, in little memory, with one line naming the file, the limit and
the value. The hostile files are written at test time by tests/inputs/hostile_sheets.py."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import hostile_sheets
import openpyxl
import pytest

from wres.errors import DataError
from wres.inputs import sheet_limits
from wres.inputs.grid import read_grid
from wres.inputs.organisations import load_trust_file

HELPER = str(Path(hostile_sheets.__file__))
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "trusts"

# (writer, the words the one-line refusal must hold). Limits written out, not imported.
HOSTILE = {
    "dimension_lie": (
        hostile_sheets.dimension_lie,
        ["[sheet 'Sheet']", "'1,048,576 rows x 16,384 columns'", "17,179,869,184 cells", "the limit is 5,000,000"],
    ),
    "zip_bomb": (
        hostile_sheets.zip_bomb,
        ["xl/worksheets/sheet1.xml would inflate to 1,073,741,", "the limit is 104,857,600 bytes"],
    ),
    "shared_strings": (
        hostile_sheets.many_shared_strings,
        ["value 2000000", "2,000,000 shared strings", "the limit is 1,000,000"],
    ),
    "shared_strings_undeclared": (
        lambda p: hostile_sheets.many_shared_strings(p, 1_000_001, declare=False),
        ["value 1000001", "1,000,001 shared strings", "the limit is 1,000,000"],
    ),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: writer(folder / f"{name}.xlsx") for name, (writer, _) in HOSTILE.items()}


def run_helper(*args: str) -> dict:
    """The helper's JSON, plus ``wall``: the seconds from starting the process to its end."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, HELPER, *args], capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout.splitlines()[-1]), "wall": wall}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_loader_refuses_hostile_workbook_fast_and_small(hostile, name):
    path = hostile[name]
    assert path.stat().st_size < 6 * 2**20  # the test's own files stay small on disk
    got = run_helper("load", str(path))
    assert got["exit"] == 2
    # One problem, one line, naming the file, the limit and the value.
    (line,) = [ln for ln in got["message"].splitlines() if ln.startswith("  - ")]
    assert line.startswith(f"  - {path.name}")
    for words in HOSTILE[name][1]:
        assert words in line
    # The refusal's own work: CPU time, since the machine running the tests is shared and its
    # wall clock also counts other processes (the wall time is bounded by the next line).
    assert got["refusal_cpu_seconds"] < 1.0
    # The whole process (start, imports, refusal, exit) within 5 s of CPU; the wall clock of a
    # machine shared with other work is only bounded loosely, to catch a hang.
    assert got["cpu_seconds"] < 5.0
    assert got["wall"] < 30.0
    assert got["peak_mb"] < 300
    assert got["peak_mb"] - got["peak_mb_before"] < 200


@pytest.mark.parametrize("name", list(HOSTILE))
def test_wres_import_refuses_hostile_workbook_with_exit_2_and_no_traceback(hostile, tmp_path, name):
    out = tmp_path / "long.csv"
    got = run_helper("cli", str(hostile[name]), str(out), "--sheet", "Sheet")
    assert got["exit"] == 2
    assert "Traceback" not in got["message"]
    assert hostile[name].name in got["message"] and "the limit is" in got["message"]
    assert got["cpu_seconds"] < 5.0  # the `wres import` child, start to exit (see above)
    assert got["seconds"] < 30.0
    assert got["peak_mb"] < 300
    assert not out.exists()


def test_compression_ratio_over_limit_is_refused(tmp_path):
    # 2 MiB of spaces deflate to about 2 KB: under the size limit, far over 100 to 1.
    path = hostile_sheets.zip_bomb(tmp_path / "dense.xlsx", gib=2 / 1024)
    with pytest.raises(DataError) as err:
        read_grid(path)
    (problem,) = err.value.problems
    assert problem.file == "dense.xlsx"
    assert (
        "member xl/worksheets/sheet1.xml is compressed" in problem.reason and "the limit is 100 to 1" in problem.reason
    )
    assert problem.value > 100


def test_too_many_zip_members_is_refused_before_zipfile_reads_them(tmp_path):
    path = tmp_path / "members.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"m{i}", b"")
    with pytest.raises(
        DataError, match=r"members\.xlsx: value 10001: the zip holds 10,001 members; the limit is 10,000"
    ):
        read_grid(path)


def test_file_too_large_on_disk_is_refused_unread(tmp_path):
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:  # sparse: no disk space used, nothing to read
        fh.truncate(50 * 2**20 + 1)
    with pytest.raises(
        DataError, match=r"big\.xlsx: value 52428801: the file is 52,428,801 bytes; the limit .* 52,428,800"
    ):
        read_grid(big)
    old = tmp_path / "big.xls"
    with open(old, "wb") as fh:
        fh.truncate(20 * 2**20 + 1)
    with pytest.raises(
        DataError, match=r"big\.xls: value 20971521: the file is 20,971,521 bytes; the limit .* 20,971,520"
    ):
        read_grid(old)


def test_xls_with_a_cell_at_the_last_row_and_column_is_refused():
    with pytest.raises(DataError) as err:
        load_trust_file(FIXTURES / "xls_far_cell.xls")
    (problem,) = err.value.problems
    # 65,536 rows x 256 columns, the whole of an .xls sheet.
    assert problem.file == "xls_far_cell.xls [sheet 'Far']"
    assert "16,777,216 cells; the limit is 5,000,000" in problem.reason


def test_rows_past_an_understated_dimension_are_read_not_lost(tmp_path):
    # A writer that declares A1:A1 for a 3 x 4 table: openpyxl alone would stop at row 1.
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    for row in (["a", "b", "c"], [1, 2, 3], [4, 5, 6], [7, 8, 9]):
        wb.active.append(row)
    wb.save(src)
    path = tmp_path / "understated.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:C4"' in data
                data = data.replace(b'<dimension ref="A1:C4"', b'<dimension ref="A1:A1"')
            zout.writestr(info, data)
    _, rows, _ = read_grid(path)
    assert rows == [(1, ["a", "b", "c"]), (2, ["1", "2", "3"]), (3, ["4", "5", "6"]), (4, ["7", "8", "9"])]


def test_cell_budget_stops_a_sheet_over_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_limits, "MAX_SHEET_CELLS", 50)
    path = tmp_path / "long.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 20)
    # 3 cells a line: the 17th line makes 51 cells.
    with pytest.raises(DataError, match=r"long\.csv: value 'more than 51 cells by row 17': .* limit of 50"):
        read_grid(path)


def test_cells_of_a_sheet_without_dimension_are_counted_before_openpyxl_opens_it(tmp_path, monkeypatch):
    # openpyxl sizes a sheet without <dimension> by parsing all of it when it opens the file;
    # the count must come first. (Limit lowered so the file stays tiny: 3 x 400 cells.)
    monkeypatch.setattr(sheet_limits, "MAX_SHEET_CELLS", 1_000)
    base = tmp_path / "base.xlsx"
    openpyxl.Workbook().save(base)
    rows = "".join(f"<row><c><v>{i}</v></c><c><v>{i + 1}</v></c><c><v>{i + 2}</v></c></row>" for i in range(400))

    def sheet(fh) -> None:
        fh.write(hostile_sheets._SHEET_HEAD + f"<sheetData>{rows}</sheetData></worksheet>".encode())

    path = tmp_path / "nodim.xlsx"
    hostile_sheets._rewrite(base, path, {"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(DataError) as err:
        read_grid(path)
    (problem,) = err.value.problems
    assert problem.file == "nodim.xlsx" and problem.value > 1_000
    assert problem.reason.startswith("member xl/worksheets/sheet1.xml holds")
    assert problem.reason.endswith("cells or more; the limit is 1,000")
    # Under the limit the same sheet reads in full: 400 rows of three numbers.
    monkeypatch.setattr(sheet_limits, "MAX_SHEET_CELLS", 2_000)
    _, got, _ = read_grid(path)
    assert len(got) == 400 and got[-1] == (400, ["399", "400", "401"])


def test_shared_strings_are_counted_whatever_the_part_is_called(tmp_path, monkeypatch):
    # openpyxl finds the table through [Content_Types].xml, so its name proves nothing.
    monkeypatch.setattr(sheet_limits, "MAX_SHARED_STRINGS", 1_000)
    base = tmp_path / "base.xlsx"
    openpyxl.Workbook().save(base)
    entries = "".join(f"<si><t>s{i}</t></si>" for i in range(1_001))

    def table(fh) -> None:
        fh.write(f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{entries}</sst>'.encode())

    path = tmp_path / "renamed.xlsx"
    hostile_sheets._rewrite(base, path, {"xl/texts.xml": table})
    with pytest.raises(DataError, match=r"renamed\.xlsx: value 1001: the workbook holds 1,001 shared strings or more"):
        read_grid(path)
