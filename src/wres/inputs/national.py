"""Read the published input files into tidy, typed, validated tables.

Files are read with every cell as text so that nothing is coerced silently; the declared
schemas in :mod:`wres.inputs.validate` then convert and check every column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from wres.inputs.validate import (
    BREAKDOWN_COLUMNS,
    NATIONAL_COLUMNS,
    DataError,
    Problem,
    check_duplicates,
    check_quality,
    check_schema,
    check_survey_years,
    check_values,
    line_of,
    parse_columns,
)
from wres.registry import Registry, load_registry

NATIONAL_KEY = ["indicator", "measure", "group", "report_year", "survey_year"]


def _shape_problems(path: Path) -> list[Problem]:
    """Problems pandas would hide: a NUL byte (binary data, or a file saved in UTF-16) and a
    row with more fields than the header (pandas would shift it into the index silently)."""
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return [Problem(path.name, line, None, None, "holds a NUL byte: not a text CSV (save it as 'CSV UTF-8')")]
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return []  # reported by the reader below, with its own message
    if not rows:
        return []
    width = len(rows[0])
    # Line numbers count physical lines (a quoted cell may span several).
    problems, line = [], 1
    for row in rows:
        if len(row) > width:
            problems.append(
                Problem(
                    path.name,
                    line,
                    None,
                    ",".join(row[width:]),
                    f"the row has {len(row)} fields but the header has {width} (a comma inside a value must be quoted)",
                )
            )
        line += 1 + sum(cell.count("\n") for cell in row)
    return problems


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as text; a byte-order mark is accepted and dropped."""
    problems = _shape_problems(path)
    DataError.raise_any(problems)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (pd.errors.ParserError, csv.Error) as err:
        raise DataError([Problem(str(path), None, None, None, f"cannot be read as CSV: {err}")]) from None
    except UnicodeDecodeError as err:
        raise DataError([Problem(str(path), None, None, None, f"is not UTF-8 text: {err}")]) from None


def load_national(path: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """The national published figures as one typed table, one row a figure.

    Adds ``source_file`` and ``source_line`` so every figure shown traces back to a line of
    an input file, ``quality_flags`` (a tuple), ``testable`` (quality allows a trend test)
    and ``survey_year`` filled from the registry's lag where the file left it blank.
    """
    registry = registry or load_registry()
    path = Path(path)
    name = path.name
    raw = read_text_table(path)
    df = parse_columns(raw, NATIONAL_COLUMNS, name)
    check_schema(df, registry, name, "report_year")
    problems = (
        check_values(df, name)
        + check_quality(df, registry, name)
        + check_survey_years(df, registry, name)
        + check_duplicates(df, NATIONAL_KEY, name)
    )
    DataError.raise_any(problems)
    df["source_file"] = name
    df["source_line"] = [line_of(i) for i in df.index]
    df["quality_flags"] = df["quality"].map(lambda q: tuple(f.strip() for f in q.split(";")))
    excluded = set(registry.quality.excluded_from_tests)
    df["testable"] = df["quality_flags"].map(lambda flags: not excluded.intersection(flags))
    lag = df["indicator"].map(
        lambda i: registry.indicator(int(i)).survey_lag if registry.indicator(int(i)).is_survey else pd.NA
    )
    filled = df["report_year"] - lag.astype("Int64")
    df["survey_year"] = df["survey_year"].fillna(filled)
    return df.reset_index(drop=True)


def load_breakdowns(path: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """Regional and organisation-type breakdowns; ``year`` stays a label, ``report_year`` is
    filled only where the label is a plain year."""
    registry = registry or load_registry()
    path = Path(path)
    name = path.name
    raw = read_text_table(path)
    df = parse_columns(raw, BREAKDOWN_COLUMNS, name)
    check_schema(df, registry, name, None)
    problems = check_values(df, name)
    DataError.raise_any(problems)
    df["report_year"] = pd.to_numeric(df["year"].where(df["year"].str.fullmatch(r"\d{4}")), errors="coerce").astype(
        "Int64"
    )
    df["source_file"] = name
    df["source_line"] = [line_of(i) for i in df.index]
    return df.reset_index(drop=True)
