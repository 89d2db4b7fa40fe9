"""Turn wide organisation-level spreadsheets into the long trust-level format.

A wide table (CSV, XLSX or XLS) has one row per organisation and one column per count or
percentage, under whatever headers the publisher chose that year. A YAML *mapping file*
says which header holds which figure, so when next year's headers are renamed an analyst
edits the mapping, not the code. One mapping may read several files or sheets for one
year (``also_read:``), merged on organisation code. The format is documented in the
shipped mapping (``wres/inputs/mappings/nhse_org_level.yml``) and in ``data/README.md``
(section "Importing a wide spreadsheet").

Every problem names the file it is in: a header the mapping names but no spreadsheet has
is reported against the mapping file, its line and key, with the nearest headers the
spreadsheets do have; a bad cell against the spreadsheet row and header; two files that
disagree about an organisation's cell against both files, the organisation and the column.
"""

from __future__ import annotations

import difflib
import warnings
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
from wres.inputs.mapping import ORG_CODE_SYNONYMS, ORG_NAME_SYNONYMS, key_text, load_mapping
from wres.inputs.schema import (
    KEY,
    SOURCE_COLUMNS,
    TRUST_COLUMNS,
    duplicate_problems,
    percent_indicators,
    schema_problems,
    typed_frame,
)
from wres.inputs.sheet_limits import MAX_SHEET_CELLS
from wres.inputs.validate import DataError, Problem
from wres.inputs.wide_table import WideTable, column_letter, find_table, norm, read_rows
from wres.registry import Registry, load_registry

NOT_IN_SOURCE = "not in the source spreadsheet"

#: Where a mapped header is: (table index, column index) in every table that has it.
Places = list[tuple[int, int]]


class SkippedRows(UserWarning):
    """Rows of a wide spreadsheet left out because they are not organisations."""


def shipped_mapping(name: str = "nhse_org_level") -> Path:
    """Path of a mapping shipped with the package (``wres/inputs/mappings/<name>.yml``)."""
    return Path(str(resources.files("wres.inputs").joinpath("mappings", f"{name}.yml")))


class _ImportLocator:
    """Points a long-format row/column back at the spreadsheet, row and original header."""

    def __init__(self, refs: list[dict[str, tuple[WideTable, int, str, str]]], home: list[tuple[WideTable, int]]):
        self.refs, self.home = refs, home

    def problem(self, idx: int, column: str | None, value: object, reason: str) -> Problem:
        table, row = self.home[idx]
        table, row, header, where = self.refs[idx].get(column, (table, row, column, ""))
        return table.problem(row, header, value, f"{reason}{where}")


def _read_tables(spreadsheet: Path, sheet: str | None, mapping, map_label: str, lines: dict) -> list[WideTable]:
    """The spreadsheet's table and every ``also_read`` table, each with its header found."""
    # A mapping that names the code column by one of its usual names (or not at all) accepts
    # any of them; one that names an unusual header ("Provider ref") means that header only.
    own = mapping.organisation.org_code
    synonyms = [norm(s) for s in ORG_CODE_SYNONYMS]
    if own is None or norm(own) in synonyms:
        code_headers = list(dict.fromkeys([h for h in [own] if h] + list(ORG_CODE_SYNONYMS)))
    else:
        code_headers = [own]
    specs = [(spreadsheet, sheet or mapping.sheet, mapping.header_row, ("header_row",), None)]
    for k, extra in enumerate(mapping.also_read):
        path = spreadsheet if extra.file is None else spreadsheet.parent / extra.file
        specs.append((path, extra.sheet, extra.header_row, ("also_read", k, "header_row"), ("also_read", k, "file")))
    tables, problems = [], []
    for path, sheet_name, header_row, header_key, file_key in specs:
        if file_key is not None and not path.is_file():
            problems.append(
                Problem(
                    map_label,
                    lines.get(file_key),
                    None,
                    str(path.name),
                    f"mapping key '{key_text(file_key)}': no such file beside {spreadsheet.name} ({path})",
                )
            )
            continue
        label, grid, is_sheet = read_grid(path, sheet_name)
        if not grid:
            problems.append((SheetProblem if is_sheet else Problem)(label, 1, None, None, "the spreadsheet is empty"))
            continue
        found = find_table(label, grid, is_sheet, code_headers, header_row, map_label, lines, header_key)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            tables.append(found)
    DataError.raise_any(problems)
    return tables


def import_wide(
    spreadsheet_path: str | Path,
    mapping_path: str | Path,
    sheet: str | None = None,
    *,
    year: int | None = None,
    registry: Registry | None = None,
) -> pd.DataFrame:
    """Wide spreadsheets as the long trust-level format, through a mapping file.

    Reads ``spreadsheet_path`` and every file or sheet the mapping's ``also_read:`` names,
    merged on organisation code. ``sheet`` overrides the mapping's ``sheet:``; ``year`` its
    ``year:``. Returns the contract columns (:data:`wres.inputs.schema.TRUST_COLUMNS`) plus
    ``source_file`` and ``source_line`` (the file and row the figure's value came from), one
    row per organisation and mapped figure, in spreadsheet order. Suppressed and blank cells
    become missing with ``missing_reason`` recorded. Rows that are not organisations are
    skipped and listed in ``attrs["notes"]`` (and a :class:`SkippedRows` warning).

    Raises DataError, with every problem found: a header no spreadsheet has (mapping file,
    key, near matches); a malformed cell (file, row, header, value); two files that
    disagree about a cell (both files, the organisation, the column).
    """
    registry = registry or load_registry()
    mapping, lines = load_mapping(mapping_path, registry)
    map_label = Path(mapping_path).name
    tables = _read_tables(Path(spreadsheet_path), sheet, mapping, map_label, lines)
    problems: list[Problem] = []

    def resolve(path: tuple, header_text: str, what: str) -> Places:
        places = [(t, tab.index[norm(header_text)]) for t, tab in enumerate(tables) if norm(header_text) in tab.index]
        if not places:
            originals = [h for tab in tables for h in tab.header if h.strip()]
            near = difflib.get_close_matches(norm(header_text), [norm(h) for h in originals], n=3, cutoff=0.5)
            near_orig = list(dict.fromkeys(next(h for h in originals if norm(h) == n) for n in near))
            hint = f"; near matches: {', '.join(map(repr, near_orig))}" if near_orig else "; no similar header"
            where = " or ".join(f"{tab.label} (header row {tab.header_no})" for tab in tables)
            problems.append(
                Problem(
                    map_label,
                    lines.get(path),
                    None,
                    header_text,
                    f"mapping key '{key_text(path)}'{what}: header not found in {where}{hint}",
                )
            )
        return places

    org_cols: dict[str, Places | None] = {}
    for name in ("org_name", "region", "org_type"):
        h = getattr(mapping.organisation, name)
        org_cols[name] = resolve(("organisation", name), h, "") if h is not None else None
    if org_cols["org_name"] is not None:
        # A table without the mapping's name header may name it otherwise ("Name"): the
        # names must then agree too, and benchmark rows are recognised by it.
        named = {t for t, _ in org_cols["org_name"]}
        for t, tab in enumerate(tables):
            j = next((tab.index[norm(s)] for s in ORG_NAME_SYNONYMS if norm(s) in tab.index), None)
            if t not in named and j is not None:
                org_cols["org_name"].append((t, j))
    year_places = resolve(("year_column",), mapping.year_column, "") if mapping.year_column and year is None else None
    fig_cols: list[dict[str, list[Places] | None]] = []
    for i, fig in enumerate(mapping.figures):
        cols: dict[str, list[Places] | None] = {}
        for name in ("numerator", "denominator", "percent"):
            spec = getattr(fig, name)
            headers = None if spec is None else [spec] if isinstance(spec, str) else spec
            cols[name] = (
                None
                if headers is None
                else [
                    resolve(
                        ("figures", i, name) if isinstance(spec, str) else ("figures", i, name, k),
                        h,
                        f" ({fig.describe()})",
                    )
                    for k, h in enumerate(headers)
                ]
            )
        fig_cols.append(cols)
    DataError.raise_any(problems)

    # --- the organisation rows of every table
    skip = {c.strip().upper() for c in mapping.skip_codes}
    notes: list[str] = []
    for t, tab in enumerate(tables):
        mapped = {
            j for cols in fig_cols for spec in cols.values() if spec for places in spec for tt, j in places if tt == t
        }
        name_col = next((j for tt, j in org_cols["org_name"] or [] if tt == t), None)
        found, skipped = read_rows(tab, name_col, mapped, skip)
        problems += found
        notes += skipped
    codes = list(dict.fromkeys(code for tab in tables for code in tab.rows))
    reported: set[tuple] = set()

    def get(code: str, places: Places, parse=None) -> tuple[str, int | None, int]:
        """The organisation's cell under a header: (text, table, column). Tables that have the
        header and the organisation must agree; a blank cell makes no claim."""
        present = [(t, j) for t, j in places if code in tables[t].rows]
        if not present:
            return "", None, -1
        values = [(_cell(tables[t].rows[code][1], j), t, j) for t, j in present]
        filled = [v for v in values if v[0]]
        if not filled:
            return values[0]
        first = filled[0]
        for text, t, j in filled[1:]:
            same = text == first[0] or (parse is not None and parse(text)[:2] == parse(first[0])[:2])
            if not same and (code, t, j) not in reported:
                reported.add((code, t, j))
                a, b = tables[first[1]], tables[t]
                problems.append(
                    b.problem(
                        b.rows[code][0],
                        b.header[j],
                        text,
                        f"organisation {code}: {a.where(a.rows[code][0])} has {first[0]!r} in column "
                        f"{a.header[first[2]]!r}; the files disagree (correct one of them)",
                    )
                )
        return first

    pct_ids = percent_indicators(registry)
    records: dict[str, list] = {c: [] for c in [*TRUST_COLUMNS, *SOURCE_COLUMNS]}
    home: list[tuple[WideTable, int]] = []
    refs_all: list[dict[str, tuple[WideTable, int, str, str]]] = []
    for code in codes:
        t0 = next(t for t, tab in enumerate(tables) if code in tab.rows)
        org_home = (tables[t0], tables[t0].rows[code][0])
        if year is not None:
            row_year: int | None = int(year)
        elif mapping.year is not None:
            row_year = mapping.year
        else:
            text, t, j = get(code, year_places or [], lambda s: parse_year(s))
            row_year, err = parse_year(text)
            if err:
                tab = tables[t if t is not None else t0]
                row = tab.rows[code][0]
                column = tab.header[j] if j >= 0 else mapping.year_column
                problems.append(tab.problem(row, column, text, f"{err}{_ref(tab, max(j, 0), row)}"))
        attrs = {
            name: (get(code, org_cols[name])[0] if org_cols[name] is not None else (getattr(mapping.fixed, name) or ""))
            for name in ("org_name", "region", "org_type")
        }
        for fig, cols in zip(mapping.figures, fig_cols, strict=False):
            values: dict[str, object] = {}
            reasons: dict[str, str | None] = {}
            refs: dict[str, tuple[WideTable, int, str, str]] = {}
            # Where each cell was found: the output row's source is its value's cell.
            origin: dict[str, tuple[WideTable, int]] = {}
            for name, parse in (("numerator", parse_count), ("denominator", parse_count), ("percent", parse_percent)):
                spec = cols[name]
                if spec is None:
                    values[name] = None
                    reasons[name] = NOT_IN_SOURCE if name == "denominator" else BLANK_REASON
                    continue
                total, reason, cells = 0, None, []
                for places in spec:
                    text, t, j = get(code, places, parse)
                    tab = tables[t] if t is not None else None
                    row = tab.rows[code][0] if tab is not None else None
                    cells.append((tab, row, j))
                    value, why, err = parse(text)
                    if err:
                        problems.append(
                            tab.problem(
                                row, tab.header[j], text, f"{err} ({fig.describe()}, {name}){_ref(tab, j, row)}"
                            )
                        )
                        reason = reason or "error"
                    elif value is None:
                        reason = why if reason in (None, BLANK_REASON) else reason
                    else:
                        total += value
                tab, row, j = next((c for c in cells if c[0] is not None), (None, None, -1))
                if tab is not None:
                    origin[name] = (tab, row)
                    heads = " + ".join(tables[t].header[jj] for places in spec for t, jj in places[:1])
                    refs[name] = (tab, row, heads, f" ({fig.describe()}, {name}){_ref(tab, j, row)}")
                values[name] = None if reason else total
                reasons[name] = reason
            if fig.indicator in pct_ids:
                value_r = value_missing_reason(reasons["numerator"], reasons["percent"])
            else:
                value_r = reasons["numerator"]
            missing = compose_missing_reason([("value", value_r or ""), ("denominator", reasons["denominator"] or "")])
            source = origin.get("numerator") or origin.get("percent") or origin.get("denominator") or org_home
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
                ("source_file", source[0].label),
                ("source_line", source[1]),
            ):
                records[col].append(v)
            refs["org_code"] = (org_home[0], org_home[1], org_home[0].header[org_home[0].code_col], "")
            home.append(source)
            refs_all.append(refs)
    DataError.raise_any(problems)

    df = typed_frame(records)
    locate = _ImportLocator(refs_all, home)
    label = tables[0].label
    problems = schema_problems(df, registry, locate, label)
    dup_problems, drop = duplicate_problems(df, locate, label)
    if problems or dup_problems:
        raise DataError(problems + dup_problems)
    out = df[~drop].reset_index(drop=True)
    out.attrs["notes"] = notes
    if notes:
        warnings.warn(SkippedRows(_notes_text(notes)), stacklevel=2)
    return out


def _notes_text(notes: list[str]) -> str:
    shown = "\n".join(f"  - {n}" for n in notes[:25])
    more = f"\n  ... and {len(notes) - 25} more" if len(notes) > 25 else ""
    return f"{len(notes)} row(s) are not organisations and were skipped:\n{shown}{more}"


def _cell(cells: list[str], j: int) -> str:
    return cells[j].strip() if 0 <= j < len(cells) else ""


def _ref(table: WideTable, j: int, row: int) -> str:
    """`` (cell C7)`` for a spreadsheet, nothing for a CSV (its lines have no letters)."""
    return f" (cell {column_letter(j)}{row})" if table.is_sheet else ""


def write_long(df: pd.DataFrame, out_path: str | Path) -> Path:
    """Write the long format as CSV (UTF-8, the contract's columns in order, sorted by key;
    missing values are empty cells with ``missing_reason`` kept). Returns the path.

    The file reads back with :func:`wres.inputs.organisations.load_trust_file` to the same figures.
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


def part_name(out_path: Path, part: int) -> Path:
    """The file of part ``part`` (counting from 1) of a long-format table written in parts:
    the first is ``out_path`` itself, the others ``<stem>-<part><suffix>`` beside it."""
    return out_path if part == 1 else out_path.with_name(f"{out_path.stem}-{part}{out_path.suffix}")


def write_long_parts(df: pd.DataFrame, out_path: str | Path, max_cells: int = MAX_SHEET_CELLS) -> list[Path]:
    """Write the long format as :func:`write_long` does, in as many files as it takes for each
    to hold at most ``max_cells`` cells (the readers' limit, :data:`MAX_SHEET_CELLS`), each
    organisation's rows whole in one file; the files are named by :func:`part_name`.

    Why: the organisation folder's reader refuses a file over the limit (it bounds what one
    hostile file can make it hold), and a demonstration of 2,000 organisations is about
    880,000 rows; in parts, every file reads back, and the folder holds the same figures."""
    out_path = Path(out_path)
    columns = len(TRUST_COLUMNS)
    codes = df["org_code"].astype(str)
    rows_per_org = codes.value_counts(sort=False)
    parts: list[list[str]] = [[]]
    rows = 1  # the header
    for code in sorted(rows_per_org.index):
        n = int(rows_per_org[code])
        if parts[-1] and (rows + n) * columns > max_cells:
            parts.append([])
            rows = 1
        parts[-1].append(code)
        rows += n
    return [write_long(df[codes.isin(members)], part_name(out_path, i)) for i, members in enumerate(parts, start=1)]


def move_parts_in(written: list[Path], first: Path) -> None:
    """Move the parts ``written`` (by :func:`write_long_parts`, elsewhere) beside ``first``,
    the name of the first part in its destination folder: a part whose bytes are already there
    is left as it is (its time too, so an incremental build sees no change), and a part of an
    earlier, longer set (``<stem>-<n><suffix>`` not among them) is removed."""
    first.parent.mkdir(parents=True, exist_ok=True)
    for part in written:
        target = first.parent / part.name
        if not target.exists() or target.read_bytes() != part.read_bytes():
            part.replace(target)
    keep = {p.name for p in written}
    for stale in first.parent.glob(f"{first.stem}-*{first.suffix}"):
        if stale.name not in keep and stale.stem.removeprefix(f"{first.stem}-").isdigit():
            stale.unlink()
