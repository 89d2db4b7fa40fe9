"""Wide tables: one job, finding a publisher's table inside a sheet (its header row, below any
title block, and its organisation code column, by the mapping's header or a synonym) and
its organisation rows (benchmark groups, totals and notes left out, each skipped row named).

Used by :mod:`wres.inputs.importer`, which maps the table's headers to figures.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from wres.inputs.cells import ORG_CODE
from wres.inputs.grid import SheetProblem
from wres.inputs.mapping import key_text
from wres.inputs.validate import Problem

#: How far down a sheet to look for the header row when the mapping does not say.
HEADER_SEARCH_ROWS = 30

#: Rows that hold a benchmark group or a total rather than one organisation, recognised by
#: their name (or code) cell, ignoring case: the whole cell is "England", "National",
#: "Total", "Average", "Median" or "All"; or it begins with "All ", "National " or
#: "England " ("All trusts", "National average", "England median"); or it ends with
#: " trusts", " organisations", " average", " median" or " total(s)" ("Acute Trusts", "Acute
#: and Acute & Community Trusts", "Sector average", "Grand total"). An organisation's own
#: name ends in the singular ("... NHS Trust"), so none is taken for a group.
BENCHMARK = re.compile(
    r"(england|national|total|average|median|all)"
    r"|(all|national|england)\s.*"
    r"|.*\s(trusts|organisations|organizations|average|median|total|totals)",
    re.IGNORECASE,
)


def norm(header: str) -> str:
    """Headers match ignoring case and repeated/edge whitespace."""
    return " ".join(str(header).split()).casefold()


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_benchmark(text: str) -> bool:
    """Whether a name or code cell names a benchmark group or total (:data:`BENCHMARK`)."""
    return bool(BENCHMARK.fullmatch(" ".join(text.split())))


@dataclass
class WideTable:
    """One sheet's table: where its header is and, once read, its organisation rows."""

    label: str
    is_sheet: bool
    grid: list[tuple[int, list[str]]]
    header_no: int
    header: list[str]
    code_col: int
    index: dict[str, int] = field(default_factory=dict)
    #: organisation code -> (row number, cells), in the order of the file.
    rows: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for j, h in enumerate(self.header):
            if h.strip():
                self.index.setdefault(norm(h), j)

    def where(self, row: int) -> str:
        return f"{self.label} {'row' if self.is_sheet else 'line'} {row}"

    def problem(self, row: int, column: str | None, value: object, reason: str) -> Problem:
        return (SheetProblem if self.is_sheet else Problem)(self.label, row, column, value, reason)


def find_table(
    label: str,
    grid: list[tuple[int, list[str]]],
    is_sheet: bool,
    code_headers: list[str],
    header_row: int | None,
    map_label: str,
    lines: dict[tuple, int],
    header_key: tuple,
) -> WideTable | Problem:
    """The table of one sheet: its header row (``header_row``, or the first row among the
    first :data:`HEADER_SEARCH_ROWS` holding one of ``code_headers``) and code column.
    Returns a Problem against the mapping file when the header row cannot be found."""
    wanted = [norm(h) for h in code_headers]
    if header_row is not None:
        found = [(n, cells) for n, cells in grid if n == header_row]
        if not found:
            return Problem(
                map_label,
                lines.get(header_key),
                None,
                header_row,
                f"mapping key '{key_text(header_key)}': row {header_row} of {label} is empty",
            )
        candidates = found
    else:
        candidates = [(n, cells) for n, cells in grid[:HEADER_SEARCH_ROWS] if set(wanted) & {norm(c) for c in cells}]
    for n, cells in candidates:
        normed = [norm(c) for c in cells]
        # The mapping's own header first, then the synonyms in their order.
        code_col = next((normed.index(w) for w in wanted if w in normed), None)
        if code_col is not None:
            return WideTable(label, is_sheet, grid, n, cells, code_col)
    # Without the header row every other header would be "missing" too: report only this.
    cells = {c: n for n, row in reversed(grid[:HEADER_SEARCH_ROWS]) for c in row if c.strip()}
    near = difflib.get_close_matches(wanted[0], [norm(c) for c in cells], n=3, cutoff=0.5)
    near_orig = [f"{c!r} (row {cells[c]})" for c in cells if norm(c) in near]
    hint = f"; near matches: {', '.join(near_orig)}" if near_orig else ""
    where = (
        f"row {header_row} of {label} holds no"
        if header_row is not None
        else f"no row among the first {HEADER_SEARCH_ROWS} of {label} holds an"
    )
    return Problem(
        map_label,
        lines.get(("organisation", "org_code"), 1),
        None,
        code_headers[0],
        f"mapping key 'organisation.org_code': {where} organisation code header "
        f"({', '.join(map(repr, code_headers))}), so the header row cannot be found "
        f"(or set `header_row:`){hint}",
    )


def read_rows(
    table: WideTable, name_col: int | None, mapped_cols: set[int], skip: set[str]
) -> tuple[list[Problem], list[str]]:
    """Fill ``table.rows`` with the organisation rows below the header.

    Left out, each with a note: benchmark groups and totals (:func:`is_benchmark` on the
    code or name cell), rows with data but no code, codes in ``skip``. Left out silently:
    notes under the table (text in the code column only). A code that is not an
    organisation code, or one repeated with different cells, is a problem. Returns
    (problems, notes).
    """
    problems: list[Problem] = []
    notes: list[str] = []

    def cell(cells: list[str], j: int | None) -> str:
        return cells[j].strip() if j is not None and j < len(cells) else ""

    for row_no, cells in table.grid:
        if row_no <= table.header_no:
            continue
        raw = cell(cells, table.code_col)
        name = cell(cells, name_col)
        has_data = any(cell(cells, j) for j in mapped_cols)
        if not raw:
            if is_benchmark(name):
                notes.append(
                    f"{table.where(row_no)}: skipped {name!r}: a benchmark group or total, not an organisation"
                )
            elif has_data:
                notes.append(f"{table.where(row_no)}: skipped {name!r}: no organisation code")
            continue
        if not has_data and not name:
            continue  # a note under the table: text in the code column only
        if is_benchmark(raw) or is_benchmark(name):
            shown = name if is_benchmark(name) else raw
            notes.append(f"{table.where(row_no)}: skipped {shown!r}: a benchmark group or total, not an organisation")
            continue
        code = raw.upper()
        if code in skip:
            notes.append(f"{table.where(row_no)}: skipped {raw!r}: listed in the mapping's skip_codes")
            continue
        if not ORG_CODE.fullmatch(code):
            problems.append(
                table.problem(
                    row_no,
                    table.header[table.code_col],
                    raw,
                    "not an organisation code: use 2-10 letters and digits, no spaces or punctuation "
                    "(a benchmark or total row is skipped when its name says so: see data/README.md)",
                )
            )
            continue
        if code in table.rows:
            first_no, first = table.rows[code]
            differ = [j for j in sorted(mapped_cols | {name_col} - {None}) if cell(first, j) != cell(cells, j)]
            if differ:
                j = differ[0]
                problems.append(
                    table.problem(
                        row_no,
                        table.header[j],
                        cell(cells, j),
                        f"organisation {code} appears twice in the sheet; {table.where(first_no)} has "
                        f"{cell(first, j)!r} in this column (keep one row)",
                    )
                )
            continue
        table.rows[code] = (row_no, cells)
    return problems, notes
