"""Grid reading: one job, a CSV or XLSX file as rows of cell text with their line or row
numbers, refusing what cannot be read faithfully (non-UTF-8 text, a corrupt workbook, data
on two sheets, formulas without saved values)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

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
    """Every non-blank row of a CSV or XLSX file as text, with its line/row number.

    Returns ``(label, rows, is_sheet)``: the label names the file (and sheet) in messages;
    row numbers are CSV line numbers or spreadsheet row numbers, counting from 1. A BOM is
    accepted. A corrupt workbook or a non-UTF-8 CSV raises DataError naming the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    if suffix == ".xls":
        raise DataError(
            [
                Problem(
                    path.name, None, None, None, "old-style .xls workbooks are not read; save it as .xlsx or CSV UTF-8"
                )
            ]
        )
    return path.name, _read_csv(path), False


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            start = 1
            for row in reader:
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


def _read_xlsx(path: Path, sheet: str | None) -> tuple[str, list[tuple[int, list[str]]], bool]:
    import openpyxl  # imported here: only spreadsheet users pay for it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged zip/xml
        raise DataError(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    None,
                    f"cannot be opened as an Excel .xlsx workbook ({type(err).__name__}: {err})",
                )
            ]
        ) from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise DataError(
                [
                    Problem(
                        path.name,
                        None,
                        None,
                        sheet,
                        f"no sheet of that name; the workbook has {', '.join(map(repr, wb.sheetnames))}",
                    )
                ]
            )
        if sheet is None:
            # Figures on a second sheet would be skipped without a word: refuse instead.
            with_data = [ws.title for ws in wb.worksheets if _has_data(ws)]
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
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        label = f"{path.name} [sheet '{ws.title}']"
        rows: list[tuple[int, list[str]]] = []
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if any(cells):
                    rows.append((number, cells))
        except Exception as err:
            raise DataError(
                [Problem(label, None, None, None, f"cannot be read ({type(err).__name__}: {err})")]
            ) from None
    finally:
        wb.close()
    problems = _formulas_without_values(path, ws.title, rows, label)
    if problems:
        raise DataError(problems)
    return label, rows, True


def _has_data(ws) -> bool:
    return any(any(_cell_text(v) for v in values) for values in ws.iter_rows(values_only=True))


def _formulas_without_values(path: Path, title: str, rows: list[tuple[int, list[str]]], label: str) -> list[Problem]:
    """Formula cells with no saved result. openpyxl reads a formula's *cached* value, which a
    file written by a program (not saved from a spreadsheet application) does not have; such a
    cell would silently read as blank. Reading the formulas a second time finds them."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        blank = {n: {j for j, c in enumerate(cells) if not c} for n, cells in rows}
        header = rows[0][1] if rows else []
        problems: list[Problem] = []
        for number, values in enumerate(wb[title].iter_rows(values_only=True), start=1):
            for j, v in enumerate(values):
                if isinstance(v, str) and v.startswith("=") and (number not in blank or j in blank[number]):
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
