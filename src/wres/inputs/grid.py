"""Grid reading: one job, a CSV, XLSX or XLS file as rows of cell text with their line or row
numbers, refusing what cannot be read faithfully (non-UTF-8 text, a corrupt workbook, data
on two sheets, formulas without saved values, a file over a limit of
:mod:`wres.inputs.sheet_limits`)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from wres.inputs.sheet_limits import MAX_XLS_BYTES, CellBudget, check_dimension, check_file_size, check_xlsx
from wres.inputs.validate import DataError, Problem


class SheetProblem(Problem):
    """A problem in a spreadsheet: printed with its *row* number rather than a line."""

    position_word = "row"


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees (whole floats lose their ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if np.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_grid(path: str | Path, sheet: str | None = None) -> tuple[str, list[tuple[int, list[str]]], bool]:
    """Every non-blank row of a CSV, XLSX or XLS file as text, with its line/row number.

    Returns ``(label, rows, is_sheet)``: the label names the file (and sheet) in messages;
    row numbers are CSV line numbers or spreadsheet row numbers, counting from 1. A BOM is
    accepted. A corrupt workbook, a non-UTF-8 CSV, or a file over one of the limits of
    :mod:`wres.inputs.sheet_limits` raises DataError naming the file (and the limit).
    A sheet row ends at its last non-blank cell.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        return _read_xls(path, sheet)
    return path.name, _read_csv(path), False


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    budget = CellBudget(path.name)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            start = 1
            for row in reader:
                budget.spend(len(row), start)
                # line_num is the line the record *ends* on; a record starts after the last one.
                if any(cell.strip() for cell in row):
                    rows.append((start, [cell.strip() for cell in row]))
                start = reader.line_num + 1
    except UnicodeDecodeError as err:
        raise DataError(
            [Problem(path.name, None, None, None, f"is not UTF-8 text ({err}); save it as 'CSV UTF-8'")]
        ) from None
    except csv.Error as err:
        raise DataError([Problem(path.name, None, None, None, f"cannot be read as CSV: {err}")]) from None
    return rows


def _trimmed(cells: list[str]) -> list[str]:
    """A sheet row without its trailing blank cells (a styled but empty cell is not data)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _choose_sheet(path: Path, names: list[str], sheet: str | None, has_data) -> str:
    """The sheet to read: the one named, or the first, refusing a workbook with data on more
    than one sheet (figures on a second sheet would be skipped without a word)."""
    if sheet is not None:
        if sheet not in names:
            raise DataError(
                [
                    Problem(
                        path.name,
                        None,
                        None,
                        sheet,
                        f"no sheet of that name; the workbook has {', '.join(map(repr, names))}",
                    )
                ]
            )
        return sheet
    with_data = [name for name in names if has_data(name)]
    if len(with_data) > 1:
        raise DataError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    ", ".join(with_data),
                    "the workbook has data on more than one sheet; keep one sheet per "
                    "file (or import one sheet with `wres import --sheet`)",
                )
            ]
        )
    return names[0]


def _sheet_values(ws, label: str):
    """(row number, raw values) of an openpyxl read-only sheet, streamed within the cells the
    file holds. The declared ``<dimension>`` is checked against the limit, then dropped:
    openpyxl would otherwise pad every row to it (17 billion cells for a lying ``XFD1048576``)
    or stop at it (losing rows when it understates the sheet)."""
    check_dimension(label, ws.max_row, ws.max_column)
    ws.reset_dimensions()
    budget = CellBudget(label)
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        budget.spend(len(values), number)
        yield number, values


def _unopenable(path: Path, kind: str, err: Exception) -> DataError:
    """A workbook the reading library could not open, with the library's own reason."""
    reason = f"cannot be opened as an Excel {kind} workbook ({type(err).__name__}: {err})"
    return DataError([Problem(path.name, None, None, None, reason)])


def _read_xlsx(path: Path, sheet: str | None) -> tuple[str, list[tuple[int, list[str]]], bool]:
    import openpyxl  # imported here: only spreadsheet users pay for it

    check_xlsx(path)  # before openpyxl reads the shared strings or any sheet
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged zip/xml
        raise _unopenable(path, ".xlsx", err) from None
    label = path.name
    try:

        def has_data(name: str) -> bool:
            nonlocal label
            label = f"{path.name} [sheet '{name}']"
            return any(any(_cell_text(v) for v in values) for _, values in _sheet_values(wb[name], label))

        # Worksheets only: a chart sheet has no cells.
        title = _choose_sheet(path, [ws.title for ws in wb.worksheets], sheet, has_data)
        label = f"{path.name} [sheet '{title}']"
        rows: list[tuple[int, list[str]]] = []
        for number, values in _sheet_values(wb[title], label):
            cells = _trimmed([_cell_text(v) for v in values])
            if cells:
                rows.append((number, cells))
    except DataError:
        raise
    except Exception as err:  # damaged XML inside a sheet surfaces only when it is read
        raise DataError([Problem(label, None, None, None, f"cannot be read ({type(err).__name__}: {err})")]) from None
    finally:
        wb.close()
    problems = _formulas_without_values(path, title, rows, label)
    DataError.raise_any(problems)
    return label, rows, True


def _formulas_without_values(path: Path, title: str, rows: list[tuple[int, list[str]]], label: str) -> list[Problem]:
    """Formula cells with no saved result. openpyxl reads a formula's *cached* value, which a
    file written by a program (not saved from a spreadsheet application) does not have; such a
    cell would silently read as blank. Reading the formulas a second time finds them."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        texts = dict(rows)
        header = rows[0][1] if rows else []
        problems: list[Problem] = []
        for number, values in _sheet_values(wb[title], label):
            for j, v in enumerate(values):
                seen = texts.get(number, [])
                if isinstance(v, str) and v.startswith("=") and (j >= len(seen) or not seen[j]):
                    column = header[j] if j < len(header) and header[j] else None
                    problems.append(
                        SheetProblem(
                            label,
                            number,
                            column,
                            v,
                            "a formula with no saved value: open the file in a spreadsheet "
                            "program and save it, or paste the values in",
                        )
                    )
        return problems
    finally:
        wb.close()


def _read_xls(path: Path, sheet: str | None) -> tuple[str, list[tuple[int, list[str]]], bool]:
    """An old Excel 97-2003 ``.xls`` workbook, read with xlrd under the same limits. A formula's
    saved result is read; xlrd cannot tell a formula that never had one, so that check is
    only made for ``.xlsx``."""
    import xlrd  # imported here: only .xls users pay for it

    check_file_size(path, MAX_XLS_BYTES)  # xlrd holds the whole file and all its cells in memory
    if zipfile.is_zipfile(path):
        raise DataError([Problem(path.name, None, None, None, "is an .xlsx workbook named .xls; rename it to .xlsx")])
    try:
        # ragged_rows: rows are not padded to the widest row (a cell at IV65536 would make
        # 16.7 million padding cells). logfile: xlrd prints its warnings to standard output,
        # which would mix them into the command line's own.
        book = xlrd.open_workbook(path, on_demand=True, ragged_rows=True, logfile=io.StringIO())
    except Exception as err:  # xlrd raises many types for a damaged file
        raise _unopenable(path, ".xls", err) from None
    label = path.name
    try:

        def sheet_rows(name: str) -> list[tuple[int, list[str]]]:
            nonlocal label
            label = f"{path.name} [sheet '{name}']"
            ws = book.sheet_by_name(name)
            check_dimension(label, ws.nrows, ws.ncols)
            out = []
            for i in range(ws.nrows):
                cells = _trimmed(
                    [_xls_text(t, v, book.datemode) for t, v in zip(ws.row_types(i), ws.row_values(i), strict=True)]
                )
                if cells:
                    out.append((i + 1, cells))
            return out

        title = _choose_sheet(path, book.sheet_names(), sheet, lambda name: bool(sheet_rows(name)))
        return f"{path.name} [sheet '{title}']", sheet_rows(title), True
    except DataError:
        raise
    except Exception as err:  # a damaged sheet surfaces only when it is loaded
        raise DataError([Problem(label, None, None, None, f"cannot be read ({type(err).__name__}: {err})")]) from None
    finally:
        book.release_resources()


def _xls_text(kind: int, value: object, datemode: int) -> str:
    """An xlrd cell as the text a person sees, like :func:`_cell_text` for openpyxl."""
    import xlrd

    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode).isoformat()
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return _cell_text(value)
    return _cell_text(value)
