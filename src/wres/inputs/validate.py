"""Declared schemas for the published national files, and errors a person can act on.

Every problem is reported with the file, the line (the header is line 1), the column and
the offending value, so an analyst can open the file and fix it. All problems found are
reported together rather than one per run.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pandera.pandas as pa

from wres.errors import DataError, Problem
from wres.registry import Registry

__all__ = ["DataError", "Problem"]

#: Columns of ``wres_national_published.csv`` and their types after parsing.
NATIONAL_COLUMNS: dict[str, str] = {
    "indicator": "int",
    "measure": "str",
    "group": "str",
    "period_label": "str",
    "report_year": "int",
    "survey_year": "int?",
    "value": "float",
    "unit": "str",
    "source": "str",
    "source_outlet": "str",
    "note": "str?",
    "quality": "str",
}

#: Columns of ``wres_breakdowns_published.csv`` (its ``year`` is a label, not always a number).
BREAKDOWN_COLUMNS: dict[str, str] = {
    "dimension": "str",
    "category": "str",
    "indicator": "int",
    "measure": "str",
    "group": "str",
    "year": "str",
    "value": "float",
    "unit": "str",
    "source": "str",
    "source_outlet": "str",
    "note": "str?",
}

UNITS_PERCENT = {"percent", "percent_of_trusts"}
UNITS = UNITS_PERCENT | {"ratio", "headcount", "trusts"}
#: The first WRES report year (data collected from 2015).
FIRST_WRES_YEAR = 2015
#: Report years a file may hold: the first WRES year to next calendar year. Anything else is
#: a typing error, or a figure from the future (data/README.md, "Years").
YEAR_RANGE = (FIRST_WRES_YEAR, date.today().year + 1)
#: Larger magnitudes cannot be a figure (or be held exactly as a float): an error, not a crash.
MAX_MAGNITUDE = 1e15


def line_of(index: int) -> int:
    """File line of a data row read by pandas: the header is line 1."""
    return int(index) + 2


def parse_columns(raw: pd.DataFrame, columns: dict[str, str], file: str) -> pd.DataFrame:
    """Check the header and convert text columns to declared types, or raise DataError.

    ``raw`` must have been read with every cell as text, so nothing was coerced silently.
    """
    if raw.shape[1] == 0 and raw.shape[0] == 0:
        raise DataError([Problem(file, None, None, None, "the file is empty (no header, no rows)")])
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        seen = ", ".join(repr(c) for c in raw.columns[:6])
        hint = ""
        if len(raw.columns) == 1 and any(d in raw.columns[0] for d in (";", "\t", "|")):
            hint = " (the file looks delimited by something other than commas)"
        raise DataError(
            [Problem(file, 1, c, None, f"required column is missing; header has {seen}{hint}") for c in missing]
        )
    if raw.empty:
        raise DataError([Problem(file, None, None, None, "the file has a header but no data rows")])
    problems: list[Problem] = []
    out = pd.DataFrame(index=raw.index)
    for col, kind in columns.items():
        text = raw[col].astype(str).str.strip()
        optional = kind.endswith("?")
        base = kind.rstrip("?")
        blank = text.eq("")
        if not optional:
            for idx in text.index[blank]:
                problems.append(Problem(file, line_of(idx), col, "", "a value is required"))
        if base == "str":
            out[col] = text
            continue
        numbers = pd.to_numeric(text.where(~blank), errors="coerce")
        bad = numbers.isna() & ~blank
        for idx in text.index[bad]:
            problems.append(Problem(file, line_of(idx), col, raw.at[idx, col], "not a number"))
        huge = numbers.notna() & (numbers.abs() > MAX_MAGNITUDE)
        for idx in text.index[huge]:
            problems.append(Problem(file, line_of(idx), col, raw.at[idx, col], "too large to be a figure"))
        numbers = numbers.where(~huge)
        if base == "int":
            fractional = numbers.notna() & (numbers % 1 != 0)
            for idx in text.index[fractional]:
                problems.append(Problem(file, line_of(idx), col, raw.at[idx, col], "not a whole number"))
            out[col] = numbers.where(~fractional).astype("Int64")
        else:
            infinite = numbers.notna() & ~np.isfinite(numbers.astype(float))
            for idx in text.index[infinite]:
                problems.append(Problem(file, line_of(idx), col, raw.at[idx, col], "not a finite number"))
            out[col] = numbers.astype("Float64")
    DataError.raise_any(problems)
    return out


def _schema(registry: Registry, year_column: str | None) -> pa.DataFrameSchema:
    groups = sorted(set(registry.standard.groups) | set(registry.standard.other_group_codes))
    columns = {
        "indicator": pa.Column("Int64", pa.Check.isin(registry.ids), nullable=False),
        "group": pa.Column(str, pa.Check.isin(groups)),
        "unit": pa.Column(str, pa.Check.isin(sorted(UNITS))),
        "value": pa.Column("Float64", nullable=False),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
    }
    if year_column:
        columns[year_column] = pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE))
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def check_schema(df: pd.DataFrame, registry: Registry, file: str, year_column: str | None) -> None:
    """Validate value domains with the declared pandera schema; raise DataError listing failures."""
    try:
        _schema(registry, year_column).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = []
        for row in err.failure_cases.itertuples(index=False):
            idx = row.index
            line = line_of(idx) if idx is not None and not pd.isna(idx) else None
            problems.append(Problem(file, line, row.column, row.failure_case, f"fails check {row.check}"))
        raise DataError(problems) from None


def check_values(df: pd.DataFrame, file: str) -> list[Problem]:
    """Range checks that depend on the unit of each row."""
    problems = []
    for idx, row in df.iterrows():
        v = row["value"]
        if row["unit"] in UNITS_PERCENT and not 0 <= v <= 100:
            problems.append(Problem(file, line_of(idx), "value", v, f"a {row['unit']} must lie between 0 and 100"))
        elif row["unit"] == "ratio" and not v > 0:
            problems.append(Problem(file, line_of(idx), "value", v, "a ratio must be greater than 0"))
        elif row["unit"] in {"headcount", "trusts"} and v < 0:
            problems.append(Problem(file, line_of(idx), "value", v, "a count cannot be negative"))
    return problems


def check_quality(df: pd.DataFrame, registry: Registry, file: str) -> list[Problem]:
    """Every ``;``-joined quality flag must be one the registry describes."""
    known = registry.quality_flags
    problems = []
    for idx, text in df["quality"].items():
        for flag in (f.strip() for f in str(text).split(";")):
            if flag not in known:
                problems.append(
                    Problem(
                        file,
                        line_of(idx),
                        "quality",
                        text,
                        f"unknown quality flag {flag!r}; known: {', '.join(sorted(known))}",
                    )
                )
    return problems


def check_survey_years(df: pd.DataFrame, registry: Registry, file: str) -> list[Problem]:
    """Staff-survey figures must carry the survey year the registry's lag implies."""
    problems = []
    for idx, row in df.iterrows():
        ind = registry.indicator(int(row["indicator"]))
        sy = row["survey_year"]
        if (
            ind.is_survey
            and row["group"] != "overall"
            and pd.notna(sy)
            and int(sy) != int(row["report_year"]) - ind.survey_lag
        ):
            problems.append(
                Problem(
                    file,
                    line_of(idx),
                    "survey_year",
                    int(sy),
                    f"indicator {ind.id} uses the staff survey of report year − {ind.survey_lag} "
                    f"({int(row['report_year']) - ind.survey_lag} for report year {int(row['report_year'])})",
                )
            )
    return problems


def check_duplicates(df: pd.DataFrame, key: list[str], file: str) -> list[Problem]:
    """Two rows for the same figure must agree, unless both are flagged ``conflicting_sources``."""
    problems = []
    for _, grp in df.groupby(key, dropna=False, sort=False):
        if len(grp) < 2 or grp["value"].nunique() < 2:
            continue
        flagged = (
            grp["quality"].str.contains("conflicting_sources")
            if "quality" in grp
            else pd.Series(False, index=grp.index)
        )
        if flagged.all():
            continue
        lines = ", ".join(str(line_of(i)) for i in grp.index)
        first = grp.index[0]
        for idx in grp.index[1:]:
            if grp.at[idx, "value"] != grp.at[first, "value"]:
                problems.append(
                    Problem(
                        file,
                        line_of(idx),
                        "value",
                        grp.at[idx, "value"],
                        f"duplicate figure (lines {lines}) with a different value "
                        f"({grp.at[first, 'value']} on line {line_of(first)}); "
                        "flag both rows conflicting_sources or remove one",
                    )
                )
    return problems
