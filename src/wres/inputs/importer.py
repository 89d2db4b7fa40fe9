"""Turn a wide organisation-level spreadsheet into the long trust-level format.

A wide table (CSV or XLSX) has one row per organisation and one column per count or
percentage, under whatever headers the publisher chose that year. A YAML *mapping file*
says which header holds which figure, so when next year's headers are renamed an analyst
edits the mapping, not the code. The format is documented in the shipped mapping
(``wres/mappings/nhse_org_level.yml``) and in ``data/README.md`` (section "Importing a wide spreadsheet").

Every problem names the file it is in: a header the mapping names but the spreadsheet
lacks is reported against the mapping file, its line and key, with the nearest headers the
spreadsheet does have; a bad cell is reported against the spreadsheet row and header.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

import pandas as pd

from wres.inputs.cells import (
    BLANK_REASON,
    compose_missing_reason,
    parse_count,
    parse_percent,
    parse_year,
    value_missing_reason,
)
from wres.inputs.grid import SheetProblem, read_grid
from wres.inputs.mapping import key_text, load_mapping
from wres.inputs.schema import (
    KEY,
    SOURCE_COLUMNS,
    TRUST_COLUMNS,
    duplicate_problems,
    percent_indicators,
    schema_problems,
    typed_frame,
)
from wres.inputs.validate import DataError, Problem
from wres.registry import Registry, load_registry

#: How far down a sheet to look for the header row when the mapping does not say.
HEADER_SEARCH_ROWS = 30
NOT_IN_SOURCE = "not in the source spreadsheet"


def shipped_mapping(name: str = "nhse_org_level") -> Path:
    """Path of a mapping shipped with the package (``wres/mappings/<name>.yml``)."""
    return Path(str(resources.files("wres.inputs").joinpath("mappings", f"{name}.yml")))


def _norm(header: str) -> str:
    """Headers match ignoring case and repeated/edge whitespace."""
    return " ".join(str(header).split()).casefold()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class _ImportLocator:
    """Points a long-format row/column back at the spreadsheet row and original header."""

    def __init__(self, label: str, is_sheet: bool, rows: list[int], cells: list[dict[str, tuple[str, str]]]):
        self.label, self.is_sheet, self.rows, self.cells = label, is_sheet, rows, cells

    def problem(self, idx: int, column: str | None, value: object, reason: str) -> Problem:
        cls = SheetProblem if self.is_sheet else Problem
        header, where = self.cells[idx].get(column, (column, ""))
        return cls(self.label, self.rows[idx], header, value, f"{reason}{where}")


def import_wide(
    spreadsheet_path: str | Path,
    mapping_path: str | Path,
    sheet: str | None = None,
    *,
    year: int | None = None,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """A wide spreadsheet as the long trust-level format, through a mapping file.

    ``sheet`` overrides the mapping's ``sheet:``; ``year`` overrides its ``year:``. Returns the
    contract columns (``wres.trusts.TRUST_COLUMNS``) plus ``source_file`` and ``source_line``
    (the spreadsheet row), one row per organisation and mapped figure, in spreadsheet order.
    Suppressed and blank cells become missing with ``missing_reason`` recorded. Raises
    DataError naming the mapping file, key and missing header (with near matches) for a
    header the spreadsheet lacks, and the spreadsheet file, row, header and value for a
    malformed cell; all problems are reported together.
    """
    registry = registry or load_registry()
    mapping, lines = load_mapping(mapping_path, registry)
    map_label = Path(mapping_path).name
    label, grid, is_sheet = read_grid(spreadsheet_path, sheet or mapping.sheet)
    cls = SheetProblem if is_sheet else Problem
    if not grid:
        raise DataError([cls(label, 1, None, None, "the spreadsheet is empty")])

    # --- find the header row and every header the mapping names
    code_header = mapping.organisation.org_code
    if mapping.header_row is not None:
        found = [(n, cells) for n, cells in grid if n == mapping.header_row]
        if not found:
            raise DataError(
                [
                    Problem(
                        map_label,
                        lines.get(("header_row",)),
                        None,
                        mapping.header_row,
                        f"mapping key 'header_row': row {mapping.header_row} of {label} is empty",
                    )
                ]
            )
        header_no, header = found[0]
    else:
        candidates = [
            (n, cells) for n, cells in grid[:HEADER_SEARCH_ROWS] if _norm(code_header) in {_norm(c) for c in cells}
        ]
        if not candidates:
            # Without the header row every other header would be "missing" too: report only this.
            cells = {c: n for n, row in reversed(grid[:HEADER_SEARCH_ROWS]) for c in row if c.strip()}
            near = difflib.get_close_matches(_norm(code_header), [_norm(c) for c in cells], n=3, cutoff=0.5)
            near_orig = [f"{c!r} (row {cells[c]})" for c in cells if _norm(c) in near]
            hint = f"; near matches: {', '.join(near_orig)}" if near_orig else ""
            raise DataError(
                [
                    Problem(
                        map_label,
                        lines.get(("organisation", "org_code")),
                        None,
                        code_header,
                        f"mapping key 'organisation.org_code': no row among the first "
                        f"{HEADER_SEARCH_ROWS} of {label} holds this header, so the header row "
                        f"cannot be found (or set `header_row:`){hint}",
                    )
                ]
            )
        header_no, header = candidates[0]
    index: dict[str, int] = {}
    for j, h in enumerate(header):
        if h.strip():
            index.setdefault(_norm(h), j)
    originals = [h for h in header if h.strip()]

    problems: list[Problem] = []

    def resolve(path: tuple, header_text: str, what: str) -> int | None:
        j = index.get(_norm(header_text))
        if j is None:
            near = difflib.get_close_matches(_norm(header_text), [_norm(h) for h in originals], n=3, cutoff=0.5)
            near_orig = [next(h for h in originals if _norm(h) == n) for n in near]
            hint = f"; near matches: {', '.join(map(repr, near_orig))}" if near_orig else "; no similar header"
            problems.append(
                Problem(
                    map_label,
                    lines.get(path),
                    None,
                    header_text,
                    f"mapping key '{key_text(path)}'{what}: header not found in {label} (header row {header_no}){hint}",
                )
            )
        return j

    org_cols: dict[str, int | None] = {}
    for field in ("org_code", "org_name", "region", "org_type"):
        h = getattr(mapping.organisation, field)
        org_cols[field] = resolve(("organisation", field), h, "") if h is not None else None
    year_col = resolve(("year_column",), mapping.year_column, "") if mapping.year_column and year is None else None

    fig_cols: list[dict[str, list[int | None] | None]] = []
    for i, fig in enumerate(mapping.figures):
        cols: dict[str, list[int | None] | None] = {}
        for field in ("numerator", "denominator", "percent"):
            spec = getattr(fig, field)
            if spec is None:
                cols[field] = None
                continue
            headers = [spec] if isinstance(spec, str) else spec
            cols[field] = [
                resolve(
                    ("figures", i, field) if isinstance(spec, str) else ("figures", i, field, k),
                    h,
                    f" ({fig.describe()})",
                )
                for k, h in enumerate(headers)
            ]
        fig_cols.append(cols)
    if problems:
        raise DataError(problems)

    # --- read the data rows
    skip = {c.strip().upper() for c in mapping.skip_codes}
    pct_ids = percent_indicators(registry)
    mapped_cols = {j for cols in fig_cols for spec in cols.values() if spec for j in spec}
    records: dict[str, list] = {c: [] for c in [*TRUST_COLUMNS, *SOURCE_COLUMNS]}
    row_numbers: list[int] = []
    cell_refs: list[dict[str, tuple[str, str]]] = []

    def cell(cells: list[str], j: int | None) -> str:
        return cells[j].strip() if j is not None and j < len(cells) else ""

    def ref(j: int, row_no: int) -> str:
        return f" (cell {_column_letter(j)}{row_no})" if is_sheet else ""

    for row_no, cells in grid:
        if row_no <= header_no:
            continue
        code = cell(cells, org_cols["org_code"]).upper()
        if not code or code in skip:
            continue
        if not any(cell(cells, j) for j in mapped_cols) and not cell(cells, org_cols["org_name"]):
            continue  # a note under the table: text in the code column only
        if year is not None:
            row_year: int | None = int(year)
        elif mapping.year is not None:
            row_year = mapping.year
        else:
            row_year, err = parse_year(cell(cells, year_col))
            if err:
                problems.append(
                    cls(label, row_no, header[year_col], cell(cells, year_col), f"{err}{ref(year_col, row_no)}")
                )
        attrs = {
            f: (cell(cells, org_cols[f]) if org_cols[f] is not None else (getattr(mapping.fixed, f) or ""))
            for f in ("org_name", "region", "org_type")
        }
        for fig, cols in zip(mapping.figures, fig_cols, strict=False):
            values: dict[str, object] = {}
            reasons: dict[str, str | None] = {}
            refs: dict[str, tuple[str, str]] = {}
            for field, parse in (("numerator", parse_count), ("denominator", parse_count), ("percent", parse_percent)):
                spec = cols[field]
                if spec is None:
                    values[field] = None
                    reasons[field] = NOT_IN_SOURCE if field == "denominator" else BLANK_REASON
                    continue
                heads = [header[j] for j in spec]
                refs[field] = (" + ".join(heads), f" ({fig.describe()}, {field}){ref(spec[0], row_no)}")
                total, reason = 0, None
                for j in spec:
                    text = cell(cells, j)
                    value, why, err = parse(text)
                    if err:
                        problems.append(
                            cls(label, row_no, header[j], text, f"{err} ({fig.describe()}, {field}){ref(j, row_no)}")
                        )
                        reason = reason or "error"
                    elif value is None:
                        reason = why if reason in (None, BLANK_REASON) else reason
                    else:
                        total += value
                values[field] = None if reason else total
                reasons[field] = reason
            if fig.indicator in pct_ids:
                value_r = value_missing_reason(reasons["numerator"], reasons["percent"])
            else:
                value_r = reasons["numerator"]
            den_r = reasons["denominator"]
            missing = compose_missing_reason([("value", value_r or ""), ("denominator", den_r or "")])
            for col, v in (
                ("year", row_year),
                ("org_code", code),
                ("org_name", attrs["org_name"]),
                ("region", attrs["region"]),
                ("org_type", attrs["org_type"]),
                ("indicator", fig.indicator),
                ("band", fig.band),
                ("group", fig.group),
                ("numerator", values["numerator"]),
                ("denominator", values["denominator"]),
                ("percent", values["percent"]),
                ("missing_reason", missing),
                ("source_file", label),
                ("source_line", row_no),
            ):
                records[col].append(v)
            row_numbers.append(row_no)
            refs["org_code"] = (header[org_cols["org_code"]], "")
            cell_refs.append(refs)
    if problems:
        raise DataError(problems)

    df = typed_frame(records)
    locate = _ImportLocator(label, is_sheet, row_numbers, cell_refs)
    problems = schema_problems(df, registry, locate, label)
    dup_problems, drop = duplicate_problems(df, locate, label)
    if problems or dup_problems:
        raise DataError(problems + dup_problems)
    return df[~drop].reset_index(drop=True)


def write_long(df: pd.DataFrame, out_path: str | Path) -> Path:
    """Write the long format as CSV (UTF-8, the contract's columns in order, sorted by key;
    missing values are empty cells with ``missing_reason`` kept). Returns the path.

    The file reads back with :func:`wres.trusts.load_trust_file` to the same figures.
    """
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".csv":
        raise ValueError(f"write_long writes CSV; got {out_path.name!r}")
    missing = [c for c in TRUST_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"not in the long format: columns {missing} are missing")
    out = df[list(TRUST_COLUMNS)].sort_values(KEY, kind="stable")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(out_path, index=False, encoding="utf-8", lineterminator="\n")
    return out_path
