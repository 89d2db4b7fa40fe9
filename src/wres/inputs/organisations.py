"""Organisation-level (trust) WRES figures in the long format: the contract, its declared
schema, and loaders for CSV/XLSX files and folders of them.

The contract (documented for analysts in ``data/README.md``, section "The long format (data
contract)") is
one row per figure:

``year, org_code, org_name, region, org_type, indicator, band, group, numerator,
denominator, percent, missing_reason``

* ``year``: the WRES report year (int). Figures from staff records are as at / to 31 March
  of that year; the staff-survey indicators come from the survey of the previous year (the
  registry's ``survey_lag``).
* ``band``: ``"1"``..``"9"``, the registry's senior band (``VSM``) and its whole-workforce band
  (``all``) for the representation indicator; the registry's board band (``board``) for the
  board indicator; ``""`` for every other indicator.
* ``group``: a group code of the registry (``white``, ``bme``, ``unknown`` for WRES).
* ``numerator`` / ``denominator``: counts (headcount, people shortlisted, respondents...).
* ``percent``: 0-100, only for the staff-survey (``trust.kind: percentage``) indicators: a
  weighted survey estimate given *instead of* a numerator, with the respondent count as
  denominator.
* ``missing_reason``: ``""`` unless a value is missing (suppressed or not reported).

Everything read from a file also carries ``source_file`` and ``source_line`` so each figure
traces back to a line (CSV) or row (XLSX) of an input file. Every bad cell is reported as a
:class:`~wres.validate.Problem` naming file, line/row, column and value; all problems found
are raised together in one :class:`~wres.validate.DataError`.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from wres.inputs.validate import YEAR_RANGE, DataError, Problem
from wres.registry import Registry, load_registry

#: The long-format contract: column -> pandas dtype after loading.
TRUST_COLUMNS: dict[str, str] = {
    "year": "Int64",
    "org_code": "str",
    "org_name": "str",
    "region": "str",
    "org_type": "str",
    "indicator": "Int64",
    "band": "str",
    "group": "str",
    "numerator": "Int64",
    "denominator": "Int64",
    "percent": "Float64",
    "missing_reason": "str",
}
#: Provenance added by the loaders: the input file and its line (CSV) or row (XLSX).
SOURCE_COLUMNS: dict[str, str] = {"source_file": "str", "source_line": "Int64"}
#: A figure is identified by these; two rows with the same key must agree.
KEY: list[str] = ["year", "org_code", "indicator", "band", "group"]
VALUE_COLUMNS: list[str] = ["numerator", "denominator", "percent"]

#: Agenda for Change pay bands (WRES indicator 1 reports 8a-8d together as band 8).
PAY_BANDS: tuple[str, ...] = tuple(str(b) for b in range(1, 10))

#: Cell contents that mean "no figure here", and the reason recorded for each. They are never
#: an error: publishers suppress small numbers and leave cells blank when not reported.
SUPPRESSION_TOKENS: dict[str, str] = {
    "*": "suppressed (*)",
    "-": "suppressed (-)",
    "..": "not available (..)",
    "": "not reported (blank)",
}
BLANK_REASON = SUPPRESSION_TOKENS[""]

SUCCESSOR_FILE = "successors.csv"
SUCCESSOR_COLUMNS = ("old_code", "new_code", "effective_year")

_REQUIRED = ("year", "org_code", "indicator", "group", "denominator")
_OPTIONAL_TEXT = ("org_name", "region", "org_type", "band", "missing_reason")


class SheetProblem(Problem):
    """A problem in a spreadsheet: printed with its *row* number rather than a line."""

    position_word = "row"


# ---------------------------------------------------------------------------------------
# What the registry allows
# ---------------------------------------------------------------------------------------


def allowed_bands(registry: Registry) -> dict[int, tuple[str, ...]]:
    """Band codes each indicator may use, derived from the registry's ``trust`` spec.

    A ``representation`` indicator has a row per pay band, its senior band
    (``VSM``) and its whole-workforce band (``all``); a ``representation_gap`` indicator (board)
    has only its own band (``board``); every other indicator uses ``""``.
    """
    out: dict[int, tuple[str, ...]] = {}
    for ind in registry.indicators:
        spec = ind.trust
        if ind.measure_kind == "representation":
            out[ind.id] = PAY_BANDS + tuple(b for b in (spec.band, spec.workforce_band) if b)
        elif ind.measure_kind == "representation_gap" and spec.band:
            out[ind.id] = (spec.band,)
        else:
            out[ind.id] = ("",)
    return out


def percent_indicators(registry: Registry) -> set[int]:
    """Indicators whose figures may be a weighted survey ``percent`` (trust.kind percentage)."""
    return {ind.id for ind in registry.indicators if ind.trust.kind == "percentage"}


def group_lookup(registry: Registry) -> dict[str, str]:
    """Accept a group written as its code or its label, in any case (``bme``, its label or its long name, e.g. ``Not stated``)."""
    lookup: dict[str, str] = {}
    for code, grp in registry.standard.groups.items():
        for word in (code, grp.label, grp.long):
            lookup[word.strip().casefold()] = code
    return lookup


def band_lookup(registry: Registry) -> dict[str, str]:
    """Canonical spelling of every band code, keyed by its case-folded form."""
    return {b.casefold(): b for bands in allowed_bands(registry).values() for b in bands if b}


# ---------------------------------------------------------------------------------------
# Cell parsers (shared with the importer). Each returns (value, missing_reason, error).
# ---------------------------------------------------------------------------------------

# ASCII digits only: Python's \d also matches Arabic-Indic and other digits, and float()
# accepts "1e3", "1_0" and "inf"; a count must be written as plain decimal digits.
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_INTEGRAL = re.compile(r"[+-]?[0-9]+(\.0*)?")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_FINANCIAL_YEAR = re.compile(r"([0-9]{4})\s*[/\-–]\s*([0-9]{2}|[0-9]{4})")
_FY = re.compile(r"FY\s*'?([0-9]{2,4})", re.IGNORECASE)
#: The largest count accepted: ten million (NHS England employs about 1.5 million people).
MAX_COUNT = 10_000_000
#: Organisation codes: 2-10 upper-case ASCII letters and digits after trimming and upper-casing
#: (NHS ODS codes such as RJ1, RXH, R0A or 8A718 fit). Anything else (spaces, slashes, dots,
#: punctuation) is refused: codes name files and page addresses, so they must be safe there
#: and two different codes must never map to the same file.
ORG_CODE = re.compile(r"[A-Z0-9]{2,10}")
#: Files a trusts folder may hold, besides READMEs, sidecars and the successor table.
SUPPORTED_SUFFIXES = (".csv", ".xlsx")


@lru_cache(maxsize=65536)
def parse_count(text: str) -> tuple[int | None, str | None, str | None]:
    """A count cell: ``(value, None, None)``, ``(None, reason, None)`` for a suppressed or
    blank cell, or ``(None, None, error)``. Thousands separators (``1,234``) are accepted."""
    t = text.strip()
    if t in SUPPRESSION_TOKENS:
        return None, SUPPRESSION_TOKENS[t], None
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    if _INTEGRAL.fullmatch(t):
        value = int(t.split(".")[0])
        if abs(value) > MAX_COUNT:
            return None, None, f"too large for a count of people (the limit is {MAX_COUNT:,})"
        return value, None, None
    if _DECIMAL.fullmatch(t):
        return None, None, "not a whole number (a count must be a whole number)"
    return (
        None,
        None,
        (
            "not a number in plain digits (write a count as digits, e.g. 1000; a suppressed cell may be "
            f"written {', '.join(repr(k) for k in SUPPRESSION_TOKENS if k)} or left blank)"
        ),
    )


@lru_cache(maxsize=65536)
def parse_percent(text: str) -> tuple[float | None, str | None, str | None]:
    """A percentage cell (0-100; a trailing ``%`` is accepted), like :func:`parse_count`."""
    t = text.strip()
    if t in SUPPRESSION_TOKENS:
        return None, SUPPRESSION_TOKENS[t], None
    t = t.removesuffix("%").strip()
    if not _DECIMAL.fullmatch(t):
        return None, None, "not a number in plain digits (a percent is a number from 0 to 100, e.g. 27.5)"
    return float(t), None, None


@lru_cache(maxsize=4096)
def parse_year(text: str) -> tuple[int | None, str | None]:
    """A WRES report year written as four digits; anything else is an error with a hint.

    A financial year (``2022/23``) or ``FY2023`` is deliberately *not* converted: which report
    year it means depends on the source, so the analyst must decide.
    """
    t = text.strip()
    if not t:
        return None, "a value is required (the WRES report year, e.g. 2024)"
    if _INTEGRAL.fullmatch(t) and len(t.split(".")[0].lstrip("+")) == 4:
        return int(float(t)), None
    m = _FINANCIAL_YEAR.fullmatch(t)
    if m:
        end = int(m.group(1)) + 1
        return None, (
            f"looks like a financial year; write the WRES report year as four digits "
            f"(figures as at or to 31 March {end} belong to report year {end}) - "
            "it is not converted automatically"
        )
    if _FY.fullmatch(t):
        return None, (
            "'FY' years are ambiguous (FY2023 may mean 2022/23 or 2023/24); write the WRES "
            "report year as four digits, e.g. 2023 for figures as at or to 31 March 2023"
        )
    return None, "not a year; write the WRES report year as four digits, e.g. 2024"


def compose_missing_reason(parts: list[tuple[str, str]]) -> str:
    """One ``missing_reason`` from the reasons of the missing cells of a row.

    ``parts`` are (column, reason) pairs, the figure itself first, ``""`` for a cell that
    holds a value. The reason is given bare (``suppressed (*)``) when only the figure is
    missing or every cell is missing for the same reason; otherwise each is named
    (``denominator suppressed (*)``).
    """
    present = [(c, r) for c, r in parts if r]
    if not present:
        return ""
    if (len(present) == 1 and present[0][0] == parts[0][0]) or (
        len(present) == len(parts) and len({r for _, r in present}) == 1
    ):
        return present[0][1]
    return "; ".join(f"{c} {r}" for c, r in present)


def value_missing_reason(num_reason: str | None, pct_reason: str | None) -> str | None:
    """Why the figure of a staff-survey row (a numerator *or* a percent) is missing; None if
    either cell holds a value. A token (``*``) says more than a blank, so it wins: a survey
    file typically leaves the numerator blank and suppresses the percent."""
    if num_reason is None or pct_reason is None:
        return None
    informative = [r for r in (pct_reason, num_reason) if r != BLANK_REASON]
    return informative[0] if informative else BLANK_REASON


# ---------------------------------------------------------------------------------------
# Reading CSV / XLSX as text
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# The declared schema
# ---------------------------------------------------------------------------------------

# Cross-column rules; each error text is a template filled from the failing row. The column
# named is the one an analyst should look at.
_WIDE_RULES: dict[str, tuple[str, str]] = {
    "numerator_le_denominator": ("numerator", "numerator {numerator} is larger than the denominator {denominator}"),
    "not_numerator_and_percent": ("percent", "give a numerator or a percent, not both (numerator {numerator})"),
    "percent_only_for_survey": (
        "percent",
        "indicator {indicator} takes counts; a percent is only allowed for indicators {pct_ids}",
    ),
    "band_for_indicator": ("band", "band not allowed for indicator {indicator}; allowed: {allowed}"),
    "org_code_required": ("org_code", "a value is required"),
}


def trust_schema(registry: Registry | None = None) -> pa.DataFrameSchema:
    """The declared pandera schema of the long trust-level format.

    Counts are non-negative integers, ``numerator <= denominator``, ``percent`` lies in 0-100
    and is only used by the staff-survey indicators and never together with a numerator,
    indicators, bands and groups come from the registry. (One value per key is checked by
    :func:`duplicate_problems`, which must tell identical repeats from conflicting ones.)
    """
    registry = registry or load_registry()
    groups = sorted(registry.standard.groups)
    bands = allowed_bands(registry)
    pct_ids = sorted(percent_indicators(registry))
    pairs = {f"{i}|{b}" for i, bs in bands.items() for b in bs}

    def band_ok(d: pd.DataFrame) -> pd.Series:
        key = d["indicator"].astype(str) + "|" + d["band"].astype(str)
        return key.isin(pairs) | d["indicator"].isna() | ~d["indicator"].isin(registry.ids)

    def le(d: pd.DataFrame) -> pd.Series:
        return (d["numerator"] <= d["denominator"]).fillna(True).astype(bool)

    def not_both(d: pd.DataFrame) -> pd.Series:
        return ~(d["numerator"].notna() & d["percent"].notna())

    def pct_only(d: pd.DataFrame) -> pd.Series:
        return d["percent"].isna() | d["indicator"].isin(pct_ids).fillna(False).astype(bool)

    def code_ok(d: pd.DataFrame) -> pd.Series:
        return d["org_code"].astype(str).str.strip().ne("")

    columns = {
        "year": pa.Column(
            "Int64", pa.Check.in_range(*YEAR_RANGE, error=f"a report year must lie in {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
        ),
        "org_code": pa.Column(str),
        "org_name": pa.Column(str),
        "region": pa.Column(str),
        "org_type": pa.Column(str),
        "indicator": pa.Column(
            "Int64", pa.Check.isin(registry.ids, error=f"unknown indicator; the registry has {registry.ids}")
        ),
        "band": pa.Column(str),
        "group": pa.Column(str, pa.Check.isin(groups, error=f"unknown group; allowed: {', '.join(groups)}")),
        "numerator": pa.Column("Int64", pa.Check.ge(0, error="a count cannot be negative"), nullable=True),
        "denominator": pa.Column("Int64", pa.Check.ge(0, error="a count cannot be negative"), nullable=True),
        "percent": pa.Column(
            "Float64", pa.Check.in_range(0, 100, error="a percent must lie between 0 and 100"), nullable=True
        ),
        "missing_reason": pa.Column(str),
    }
    checks = [
        pa.Check(code_ok, error="org_code_required"),
        pa.Check(band_ok, error="band_for_indicator"),
        pa.Check(le, error="numerator_le_denominator"),
        pa.Check(not_both, error="not_numerator_and_percent"),
        pa.Check(pct_only, error="percent_only_for_survey"),
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


class Locator:
    """Turns (row index, long-format column) into a Problem that points at the input cell.

    The default reads ``source_file`` / ``source_line`` columns if present; the importer
    supplies its own so problems name spreadsheet rows and the original column headers.
    """

    def __init__(self, df: pd.DataFrame, file: str = "<data>"):
        self.files = df["source_file"].to_numpy() if "source_file" in df.columns else None
        self.lines = df["source_line"].to_numpy() if "source_line" in df.columns else None
        self.file = file

    def problem(self, idx: int, column: str | None, value: object, reason: str) -> Problem:
        file = str(self.files[idx]) if self.files is not None else self.file
        line = self.lines[idx] if self.lines is not None else None
        line = None if line is None or pd.isna(line) else int(line)
        cls = SheetProblem if "[sheet" in file or file.lower().endswith(".xlsx") else Problem
        return cls(file, line, column, value, reason)


def schema_problems(
    df: pd.DataFrame, registry: Registry | None = None, locate: Locator | None = None, file: str = "<data>"
) -> list[Problem]:
    """Validate ``df`` (positional index) against :func:`trust_schema`; return Problems."""
    registry = registry or load_registry()
    locate = locate or Locator(df, file)
    df = df.reset_index(drop=True)
    missing = [c for c in TRUST_COLUMNS if c not in df.columns]
    if missing:
        return [Problem(file, None, c, None, "required column is missing") for c in missing]
    try:
        trust_schema(registry).validate(df[list(TRUST_COLUMNS)], lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        failures = err.failure_cases
    bands = allowed_bands(registry)
    pct_ids = sorted(percent_indicators(registry))
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for row in failures.itertuples(index=False):
        idx, check = row.index, str(row.check)
        if idx is None or pd.isna(idx):
            # A column-level failure (wrong dtype, missing column): a programming error upstream.
            problems.append(Problem(file, None, row.column, None, f"fails check {check}"))
            continue
        idx = int(idx)
        if row.schema_context == "DataFrameSchema":
            column, template = _WIDE_RULES.get(check, (None, check))
            if (idx, check) in seen:
                continue
            seen.add((idx, check))
            values = {k: _py(v) for k, v in df.loc[idx].to_dict().items()}
            ind = values.get("indicator")
            allowed = bands.get(int(ind), ()) if pd.notna(ind) else ()
            reason = template.format(**values, pct_ids=pct_ids, allowed=", ".join(repr(b) for b in allowed))
            problems.append(locate.problem(idx, column, values.get(column), reason))
        else:
            problems.append(locate.problem(idx, row.column, _py(row.failure_case), check))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or ""))


def _py(value: object) -> object:
    """A numpy/pandas scalar as a plain Python value, so messages read ``2`` not ``np.int64(2)``."""
    if value is None or value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def duplicate_problems(
    df: pd.DataFrame, locate: Locator | None = None, file: str = "<data>"
) -> tuple[list[Problem], pd.Series]:
    """Rows sharing a key: a conflict if their values differ (a Problem per later row),
    otherwise harmless repeats. Returns the problems and a mask of repeats to drop."""
    df = df.reset_index(drop=True)
    locate = locate or Locator(df, file)
    dup = df.duplicated(KEY, keep=False)
    drop = pd.Series(False, index=df.index)
    problems: list[Problem] = []
    if not dup.any():
        return problems, drop
    sub = df[dup]
    # NA-aware comparison of the three value cells of each row.
    signature = pd.Series(
        list(zip(*(sub[c].astype(object).where(sub[c].notna(), None) for c in VALUE_COLUMNS), strict=False)),
        index=sub.index,
    )
    for _, grp in sub.groupby(KEY, sort=False, dropna=False):
        first = grp.index[0]
        first_where = locate.problem(first, None, None, "")
        unit = "row" if isinstance(first_where, SheetProblem) else "line"
        where = f"{first_where.file}" + (f" {unit} {first_where.line}" if first_where.line else "")
        for idx in grp.index[1:]:
            if signature[idx] == signature[first]:
                drop[idx] = True
                continue
            col = next(c for c in VALUE_COLUMNS if str(df.at[idx, c]) != str(df.at[first, c]))
            key = ", ".join(f"{k} {_py(df.at[idx, k])!r}" for k in KEY)
            problems.append(
                locate.problem(
                    idx,
                    col,
                    _py(df.at[idx, col]),
                    f"duplicate figure ({key}) with a different value from {where} "
                    f"({col} {_py(df.at[first, col])!r}); keep one row",
                )
            )
    return problems, drop


def check_trusts(df: pd.DataFrame, registry: Registry | None = None, file: str = "<data>") -> None:
    """Raise DataError if ``df`` breaks the contract (schema rules and one value per key)."""
    locate = Locator(df.reset_index(drop=True), file)
    problems = schema_problems(df, registry, locate, file)
    dup_problems, _ = duplicate_problems(df, locate, file)
    if problems or dup_problems:
        raise DataError(problems + dup_problems)


def empty_trust_frame(with_source: bool = True) -> pd.DataFrame:
    """A frame with the contract's columns and dtypes and no rows."""
    cols = {**TRUST_COLUMNS, **(SOURCE_COLUMNS if with_source else {})}
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in cols.items()})


def typed_frame(records: dict[str, list], extra: Iterable[str] = ()) -> pd.DataFrame:
    """Build a frame with the contract's dtypes from column lists (None = missing)."""
    out = {}
    for col, dtype in {**TRUST_COLUMNS, **SOURCE_COLUMNS}.items():
        if col in records:
            out[col] = pd.array(records[col], dtype=dtype)
    for col in extra:
        out[col] = records[col]
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------
# Loading one file
# ---------------------------------------------------------------------------------------


def _header_problems(header: list[str], label: str, line: int, problem_cls: type[Problem]) -> list[Problem]:
    problems = []
    names = [h.strip().lower() for h in header]
    dupes = sorted({h for h in names if h and names.count(h) > 1})
    for h in dupes:
        problems.append(problem_cls(label, line, h, None, "the header names this column more than once"))
    missing = [c for c in _REQUIRED if c not in names]
    if "numerator" not in names and "percent" not in names:
        missing.append("numerator")
    for col in missing:
        near = difflib.get_close_matches(col, names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
        seen = ", ".join(repr(h) for h in header[:8])
        delim = ""
        if len(header) == 1 and any(d in header[0] for d in (";", "\t", "|")):
            delim = " (the file looks delimited by something other than commas)"
        problems.append(
            problem_cls(label, line, col, None, f"required column is missing; the header has {seen}{delim}{hint}")
        )
    return problems


def load_trust_file(path: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """One CSV or XLSX file in the long format as a typed, validated table.

    The first non-blank row is the header (column names as in the contract, any case;
    ``org_name``, ``region``, ``org_type``, ``band``, ``percent`` and ``missing_reason`` may be
    left out). For a workbook the first sheet is read. Every cell is read as text and then
    parsed, so nothing is coerced silently: a year written ``2022/23`` or ``FY2023`` is an
    error with a hint; a suppressed or blank count/percent (``*``, ``-``, ``..``, blank)
    becomes missing with the reason recorded in ``missing_reason``. Repeated identical rows
    are kept once; repeated keys with different values are an error.

    Returns the contract columns plus ``source_file`` (file name) and ``source_line`` (CSV
    line or spreadsheet row of the figure).
    """
    registry = registry or load_registry()
    path = Path(path)
    label, grid, is_sheet = read_grid(path)
    problem_cls = SheetProblem if is_sheet else Problem
    if not grid:
        raise DataError([problem_cls(label, 1, None, None, "the file is empty (no header, no rows)")])
    header_line, header = grid[0]
    problems = _header_problems(header, label, header_line, problem_cls)
    if problems:
        raise DataError(problems)
    if len(grid) == 1:
        raise DataError([problem_cls(label, header_line + 1, None, None, "the file has a header but no data rows")])

    names = [h.strip().lower() for h in header]
    width = len(names)
    # A row longer than the header usually means an unquoted comma inside a name.
    for n, r in grid[1:]:
        if len(r) > width:
            problems.append(
                problem_cls(
                    label,
                    n,
                    None,
                    ",".join(r[width:]),
                    f"the row has {len(r)} cells but the header has {width} (a comma inside a name must be quoted)",
                )
            )
    if problems:
        raise DataError(problems)
    cells = [(r + [""] * width)[:width] for _, r in grid[1:]]
    text = pd.DataFrame(cells, columns=names, dtype=str)
    for col in (*_OPTIONAL_TEXT, "numerator", "percent"):
        if col not in text.columns:
            text[col] = ""
    lines = [n for n, _ in grid[1:]]
    df, problems = _parse_long_text(text, lines, label, registry, problem_cls)
    df["source_file"] = pd.array([label] * len(df), dtype="str")
    df["source_line"] = pd.array(lines, dtype="Int64")

    ok = df.attrs.pop("parsed_ok")
    checked = df[ok].reset_index(drop=True)
    problems += schema_problems(checked, registry, Locator(checked, label), label)
    dup_problems, drop = duplicate_problems(checked, Locator(checked, label), label)
    problems += dup_problems
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.line or 0, p.column or "")))
    return checked[~drop].reset_index(drop=True)


def _parse_long_text(
    text: pd.DataFrame, lines: list[int], label: str, registry: Registry, problem_cls: type[Problem]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse the text columns of a long-format table into contract dtypes.

    Bad cells become missing and are reported; ``attrs['parsed_ok']`` marks rows that parsed
    cleanly (only those go on to the schema, so one bad cell is reported once).
    """
    problems: list[Problem] = []
    n = len(text)
    ok = np.ones(n, dtype=bool)

    def bad(i: int, col: str, value: object, reason: str) -> None:
        ok[i] = False
        problems.append(problem_cls(label, lines[i], col, value, reason))

    years = [None] * n
    for i, t in enumerate(text["year"]):
        years[i], err = parse_year(t)
        if err:
            bad(i, "year", t, err)

    indicators = [None] * n
    for i, t in enumerate(text["indicator"]):
        value, _, err = parse_count(t)
        if err or value is None:
            bad(i, "indicator", t, "not an indicator number" if t.strip() else "a value is required")
        indicators[i] = value

    groups = group_lookup(registry)
    group = [groups.get(t.strip().casefold(), t.strip()) for t in text["group"]]
    bands = band_lookup(registry)
    band = [_normalise_band(t, bands) for t in text["band"]]
    codes = [t.strip().upper() for t in text["org_code"]]
    for i, c in enumerate(codes):
        if not c:
            bad(i, "org_code", "", "a value is required")
        elif not ORG_CODE.fullmatch(c):
            bad(
                i,
                "org_code",
                text["org_code"].iat[i],
                "not an organisation code: use 2-10 letters and digits, no spaces or punctuation (e.g. RJ1)",
            )

    pct_ids = percent_indicators(registry)
    num, den, pct, reasons = [None] * n, [None] * n, [None] * n, [""] * n
    # Plain lists: per-cell DataFrame access costs more than the parsing itself.
    cells = {col: text[col].tolist() for col in ("numerator", "denominator", "percent", "missing_reason")}
    for i in range(n):
        num[i], num_r, e1 = parse_count(cells["numerator"][i])
        den[i], den_r, e2 = parse_count(cells["denominator"][i])
        pct[i], pct_r, e3 = parse_percent(cells["percent"][i])
        for col, err in (("numerator", e1), ("denominator", e2), ("percent", e3)):
            if err:
                bad(i, col, cells[col][i], err)
        if indicators[i] in pct_ids:
            value_r = value_missing_reason(num_r, pct_r)
        else:
            value_r = num_r
        given = cells["missing_reason"][i].strip()
        auto = compose_missing_reason([("value", value_r or ""), ("denominator", den_r or "")])
        # The file's own reason is kept: the analyst knows why better than a token does.
        reasons[i] = given or auto

    df = typed_frame(
        {
            "year": years,
            "org_code": codes,
            "org_name": [t.strip() for t in text["org_name"]],
            "region": [t.strip() for t in text["region"]],
            "org_type": [t.strip() for t in text["org_type"]],
            "indicator": indicators,
            "band": band,
            "group": group,
            "numerator": num,
            "denominator": den,
            "percent": pct,
            "missing_reason": reasons,
        }
    )
    df.attrs["parsed_ok"] = ok
    return df, problems


def _normalise_band(text: str, lookup: dict[str, str]) -> str:
    """``5``, ``5.0`` (from Excel) -> ``"5"``; ``vsm`` -> ``"VSM"``; anything else unchanged
    (the schema then reports it with the allowed values)."""
    t = text.strip()
    if _INTEGRAL.fullmatch(t):
        return str(int(float(t)))
    return lookup.get(t.casefold(), t)


# ---------------------------------------------------------------------------------------
# Folders and successor organisations
# ---------------------------------------------------------------------------------------


def trust_files(folder: str | Path, root: str | Path | None = None) -> list[Path]:
    """The data files of a trusts folder: every *.csv and *.xlsx except READMEs, sidecars
    (``*.meta.yml``), the successor table, Excel lock files (``~$...``) and hidden files,
    sorted by name.

    Any other file is refused by name (a ``.ods``, ``.csv.gz`` or ``.xls`` would otherwise be
    skipped without a word), and so is a link that points outside ``root`` (default: the
    folder itself): the build reads only files inside the repository."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    inside = Path(root or folder).resolve()
    out, problems = [], []
    for p in sorted(folder.iterdir()):
        name = p.name.lower()
        if name.startswith(("~$", ".")) or name.startswith("readme") or name.endswith(".meta.yml"):
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(inside):
            problems.append(
                Problem(
                    p.name, None, None, None, "is a link to a file outside the repository; copy the file in instead"
                )
            )
            continue
        if p.is_dir() or name == SUCCESSOR_FILE:
            continue
        if "".join(p.suffixes[-1:]).lower() not in SUPPORTED_SUFFIXES or name.endswith((".csv.gz", ".csv.zip")):
            problems.append(
                Problem(
                    p.name,
                    None,
                    None,
                    None,
                    "is not a supported file type: organisation files must be CSV (UTF-8) "
                    "or Excel .xlsx (an .ods, .xls or compressed file must be converted)",
                )
            )
            continue
        out.append(p)
    if problems:
        raise DataError(problems)
    return out


#: One organisation has one name, region and type in a year; a file that says otherwise has a
#: typing error or two organisations sharing a code.
_IDENTITY_COLUMNS = ("org_name", "region", "org_type")


def identity_problems(df: pd.DataFrame) -> list[Problem]:
    """Rows giving an organisation a second name, region or type in the same year (blank
    cells carry no claim). Each problem points at the later row and names the earlier one."""
    problems: list[Problem] = []
    if df.empty:
        return problems
    locate = Locator(df)
    for col in _IDENTITY_COLUMNS:
        first: dict[tuple, tuple[str, int]] = {}
        values = df[col].astype(str).tolist()
        for i, (year, code, value) in enumerate(zip(df["year"].tolist(), df["org_code"].tolist(), values, strict=True)):
            if not value:
                continue
            seen = first.setdefault((year, code), (value, i))
            if seen[0] != value:
                where = locate.problem(seen[1], col, seen[0], "")
                earlier = f"{where.file} {where.position_word} {where.line}" if where.line else where.file
                problems.append(
                    locate.problem(
                        i,
                        col,
                        value,
                        f"organisation {code} has {col} {seen[0]!r} for {year} at {earlier}; "
                        f"an organisation has one {col.replace('org_', '')} a year",
                    )
                )
    return problems


def load_trust_folder(
    folder: str | Path,
    registry: Registry | None = None,
    successors: str | Path | pd.DataFrame | None = None,
    root: str | Path | None = None,
) -> pd.DataFrame:
    """Every long-format file in ``folder`` (normally ``data/raw/trusts/``), concatenated.

    Problems in all files are reported together. A figure given in two files must agree
    (identical repeats are kept once). ``successors`` (a path or frame; default the folder's
    ``successors.csv`` if present) links renamed and merged organisations: see
    :func:`apply_successors`. ``root``: links may point anywhere inside it (default: the
    folder). A missing or empty folder gives an empty frame with the right columns. Output: the contract columns, ``source_file``, ``source_line`` and
    ``reported_code`` (the code as written in the file, before successor mapping).
    """
    registry = registry or load_registry()
    folder = Path(folder)
    frames, problems = [], []
    for path in trust_files(folder, root):
        try:
            frames.append(load_trust_file(path, registry))
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    if not frames:
        df = empty_trust_frame()
    else:
        df = pd.concat(frames, ignore_index=True)
        dup_problems, drop = duplicate_problems(df)
        dup_problems += identity_problems(df)
        if dup_problems:
            raise DataError(dup_problems)
        df = df[~drop].reset_index(drop=True)
    df["reported_code"] = df["org_code"].astype("str")
    if successors is None and (folder / SUCCESSOR_FILE).is_file():
        successors = folder / SUCCESSOR_FILE
    if successors is not None:
        df = apply_successors(df, successors)
    return df


def read_successors(successors: str | Path | pd.DataFrame) -> pd.DataFrame:
    """The successor table (``old_code, new_code, effective_year``), checked.

    ``effective_year`` is the first WRES report year under the new code. Returns the table
    with ``final_code`` (following chains A->B->C) and ``source_line``. Splits (one old code
    to two new codes) and cycles are errors.
    """
    if isinstance(successors, pd.DataFrame):
        label = "successor table"
        raw = successors.astype(str).reset_index(drop=True)
        raw.columns = [str(c).strip().lower() for c in raw.columns]
        lines = [i + 2 for i in range(len(raw))]
    else:
        label, grid, _ = read_grid(successors)
        if not grid:
            return pd.DataFrame(columns=[*SUCCESSOR_COLUMNS, "final_code", "source_line"])
        header = [h.strip().lower() for h in grid[0][1]]
        missing = [c for c in SUCCESSOR_COLUMNS if c not in header]
        if missing:
            raise DataError([Problem(label, grid[0][0], c, None, "required column is missing") for c in missing])
        raw = pd.DataFrame([(r + [""] * len(header))[: len(header)] for _, r in grid[1:]], columns=header, dtype=str)
        lines = [n for n, _ in grid[1:]]
    problems: list[Problem] = []
    rows = []
    for i in range(len(raw)):
        old = str(raw.at[i, "old_code"]).strip().upper()
        new = str(raw.at[i, "new_code"]).strip().upper()
        year, err = parse_year(str(raw.at[i, "effective_year"]))
        if err:
            problems.append(Problem(label, lines[i], "effective_year", raw.at[i, "effective_year"], err))
        for col, code in (("old_code", old), ("new_code", new)):
            if not code:
                problems.append(Problem(label, lines[i], col, "", "a value is required"))
        if old and old == new:
            problems.append(Problem(label, lines[i], "new_code", new, "an organisation cannot succeed itself"))
        rows.append((old, new, year, lines[i]))
    table = pd.DataFrame(rows, columns=[*SUCCESSOR_COLUMNS, "source_line"])
    for old, grp in table.groupby("old_code", sort=False):
        if grp["new_code"].nunique() > 1:
            problems.append(
                Problem(
                    label,
                    int(grp["source_line"].iloc[1]),
                    "old_code",
                    old,
                    "this organisation is given more than one successor; splits are not supported",
                )
            )
    if problems:
        raise DataError(problems)
    table = table.drop_duplicates("old_code").reset_index(drop=True)
    step = dict(zip(table["old_code"], table["new_code"], strict=False))
    finals = []
    for old, line in zip(table["old_code"], table["source_line"], strict=False):
        code, seen = old, {old}
        while code in step:
            code = step[code]
            if code in seen:
                raise DataError(
                    [
                        Problem(
                            label,
                            int(line),
                            "new_code",
                            step[old],
                            f"successor chain starting at {old} loops back on itself",
                        )
                    ]
                )
            seen.add(code)
        finals.append(code)
    table["final_code"] = finals
    table.attrs["label"] = label
    return table


def apply_successors(df: pd.DataFrame, successors: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Link renamed and merged organisations' histories under their successor's code.

    Rows of an old code are relabelled with its final successor (chains are followed) and
    take the successor's latest name, region and type; ``reported_code`` keeps the code the
    file used. Where several organisations' rows then share a key (a merger, or an
    organisation absorbed into an existing one), counts are summed; staff-survey percents are
    combined as a respondent-weighted mean; if any part is missing the sum is missing, with
    the reasons named per reported code. A merged row's ``source_file`` lists its files and
    ``source_line`` is left empty. An old code with figures for a year on or after its
    ``effective_year`` is an error (the table or the data is wrong).
    """
    table = read_successors(successors)
    label = table.attrs.get("label", "successor table")
    df = df.reset_index(drop=True).copy()
    if "reported_code" not in df.columns:
        df["reported_code"] = df["org_code"].astype("str")
    if table.empty:
        return df
    problems = []
    for old, year, line in zip(table["old_code"], table["effective_year"], table["source_line"], strict=False):
        late = df[(df["org_code"] == old) & (df["year"] >= year)]
        if len(late):
            y = int(late["year"].min())
            problems.append(
                Problem(
                    label,
                    int(line),
                    "effective_year",
                    int(year),
                    f"{old} has figures for report year {y} (e.g. {late['source_file'].iloc[0]} "
                    f"line/row {late['source_line'].iloc[0]}), but this line says it became "
                    f"{table.loc[table['old_code'] == old, 'new_code'].iloc[0]} from {int(year)}",
                )
            )
    if problems:
        raise DataError(problems)
    final = dict(zip(table["old_code"], table["final_code"], strict=False))
    df["org_code"] = df["org_code"].map(lambda c: final.get(c, c)).astype("str")
    # One name/region/type per linked organisation: its latest, preferring the successor's own rows.
    affected = set(final.values())
    attrs = ["org_name", "region", "org_type"]
    sub = df[df["org_code"].isin(affected)].copy()
    sub["_own"] = sub["reported_code"] == sub["org_code"]
    latest = sub.sort_values(["_own", "year"]).groupby("org_code").tail(1).set_index("org_code")[attrs]
    mask = df["org_code"].isin(latest.index)
    for col in attrs:
        df.loc[mask, col] = df.loc[mask, "org_code"].map(latest[col])
    return _combine_merged(df)


def _combine_merged(df: pd.DataFrame) -> pd.DataFrame:
    """Sum the rows that now share a key (after successor mapping)."""
    dup = df.duplicated(KEY, keep=False)
    if not dup.any():
        return df
    keep = df[~dup]
    merged = []
    for _, grp in df[dup].groupby(KEY, sort=False, dropna=False):
        row = grp.iloc[0].to_dict()
        missing_parts = []
        for _, r in grp.iterrows():
            gone = pd.isna(r["denominator"]) or (pd.isna(r["numerator"]) and pd.isna(r["percent"]))
            if gone:
                missing_parts.append(f"{r['reported_code']}: {r['missing_reason'] or BLANK_REASON}")
        if missing_parts:
            row.update(numerator=pd.NA, denominator=pd.NA, percent=pd.NA, missing_reason="; ".join(missing_parts))
        elif grp["percent"].notna().any():
            # A weighted percent cannot be summed; weight each part by its respondents.
            den = grp["denominator"].astype(float)
            pct = grp["percent"].astype(float).where(grp["percent"].notna(), 100 * grp["numerator"].astype(float) / den)
            total = den.sum()
            row.update(
                numerator=pd.NA,
                denominator=int(total),
                percent=float((pct * den).sum() / total) if total > 0 else pd.NA,
                missing_reason="",
            )
        else:
            row.update(
                numerator=int(grp["numerator"].sum()), denominator=int(grp["denominator"].sum()), missing_reason=""
            )
        row["reported_code"] = "; ".join(dict.fromkeys(grp["reported_code"]))
        row["source_file"] = "; ".join(dict.fromkeys(grp["source_file"].astype(str)))
        row["source_line"] = pd.NA
        merged.append(row)
    extra = pd.DataFrame(merged)
    for col in df.columns:
        extra[col] = extra[col].astype(df[col].dtype) if col in extra else pd.Series(dtype=df[col].dtype)
    out = pd.concat([keep, extra[df.columns]], ignore_index=True)
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)
