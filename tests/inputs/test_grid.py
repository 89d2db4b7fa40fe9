"""Reading a workbook as rows of text (wres.inputs.grid): sheets that are not tables, and
damage that shows only when a sheet is read, end in a DataError naming the file, never a
traceback."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from wres.errors import DataError
from wres.inputs.grid import read_grid


def _with_chart_sheet(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Figures"
    for row in (["code", "count"], ["RAA", 12]):
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    wb.create_chartsheet("Chart").add_chart(chart)
    wb.save(path)
    return path


def test_a_chart_sheet_is_not_a_second_sheet_of_data(tmp_path):
    label, rows, is_sheet = read_grid(_with_chart_sheet(tmp_path / "chart.xlsx"))
    assert (label, rows, is_sheet) == (
        "chart.xlsx [sheet 'Figures']",
        [(1, ["code", "count"]), (2, ["RAA", "12"])],
        True,
    )


def test_a_sheet_damaged_inside_is_named_not_a_traceback(tmp_path):
    good = _with_chart_sheet(tmp_path / "good.xlsx")
    bad = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row><c><v>1</v></sheetData>")  # an unclosed <c>
            zout.writestr(info, data)
    with pytest.raises(DataError) as err:
        read_grid(bad)
    (problem,) = err.value.problems
    assert problem.file == "damaged.xlsx [sheet 'Figures']"
    assert problem.reason.startswith("cannot be read (ParseError: mismatched tag")


def test_an_xlsx_named_xls_is_named_and_a_non_workbook_xls_is_refused(tmp_path):
    renamed = tmp_path / "renamed.xls"
    _with_chart_sheet(tmp_path / "real.xlsx").rename(renamed)
    with pytest.raises(DataError, match=r"renamed\.xls: is an \.xlsx workbook named \.xls; rename it to \.xlsx"):
        read_grid(renamed)
    text = tmp_path / "text.xls"
    text.write_text("code,count\nRAA,12\n")
    with pytest.raises(DataError, match=r"text\.xls: cannot be opened as an Excel \.xls workbook \(XLRDError"):
        read_grid(text)
