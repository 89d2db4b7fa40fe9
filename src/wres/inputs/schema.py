"""Schema: one job, what a valid long-format organisation table is (the contract's columns
and dtypes, what the registry allows, the declared pandera schema, one value per key, one
identity per organisation and year) and problems pointing at the cells that break it.

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

from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa

from wres.inputs.grid import SheetProblem
from wres.inputs.validate import YEAR_RANGE, DataError, Problem
from wres.kinds import kind_of
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


def allowed_bands(registry: Registry) -> dict[int, tuple[str, ...]]:
    """Band codes each indicator may use: its kind's answer (``wres.kinds``). A
    representation indicator holding the whole workforce takes a row per pay band, its
    senior band (``VSM``) and its whole-workforce band (``all``); one that borrows the
    workforce (board) only its own band; every other indicator ``""``."""
    return {ind.id: kind.allowed_bands(PAY_BANDS) for ind, kind in _kinds(registry)}


def percent_indicators(registry: Registry) -> set[int]:
    """Indicators whose figures may be a weighted survey ``percent`` (the kind accepts one)."""
    return {ind.id for ind, kind in _kinds(registry) if kind.accepts_percent}


def _kinds(registry: Registry):
    return [(ind, kind_of(ind, registry)) for ind in registry.indicators]


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


#: Unicode bidirectional controls (embeddings, overrides, isolates, marks): in a name they
#: reorder the text around it wherever it is shown (a right-to-left override reversed a name
#: in the board report), so an input holding one is refused rather than shown.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = pa.Check(
    lambda s: ~s.astype(str).str.contains(f"[{BIDI_CONTROLS}]", regex=True),
    error="a bidirectional control character (such as U+202E, right-to-left override) would reorder the "
    "text around it; remove it",
)


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
        "org_name": pa.Column(str, _NO_BIDI),
        "region": pa.Column(str, _NO_BIDI),
        "org_type": pa.Column(str, _NO_BIDI),
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
